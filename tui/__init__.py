"""The terminal explorer: a Textual app over `gsi_explorer.data.query` (and, on demand, the Ask screen)."""
