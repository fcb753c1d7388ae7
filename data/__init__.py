"""Event data: shipped CSVs (the source of truth), validation, the DuckDB build and the read interface."""
