"""A large events.csv for benchmarks: the shipped events repeated under new keys (valid by construction)."""

from __future__ import annotations

import csv
from pathlib import Path

from gsi_explorer import paths
from gsi_explorer.data.vocab import COLUMNS


def write_events(folder: Path, n_rows: int) -> Path:
    """Write `folder/events.csv` with about `n_rows` rows (whole events are copied, so consistency rules hold)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    with (paths.shipped_data_dir() / "events.csv").open(encoding="utf-8", newline="") as fh:
        base = list(csv.DictReader(fh))
    out = folder / "events.csv"
    with out.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(COLUMNS)
        written, copy = 0, 0
        while written < n_rows:
            for row in base:
                key = row["event_key"] if copy == 0 else f"{row['event_key']}-r{copy}"
                w.writerow([key if c == "event_key" else row[c] for c in COLUMNS])
                written += 1
            copy += 1
    return out
