"""Data layer timings: build, freshness check, and a browser refresh (12 facet counts + count + sorted page) on the
shipped data and on a synthetic large copy; compared with a plain DuckDB GROUP BY over the same table.

    python bench/bench_data_store.py [N_ROWS]      (default 200000)
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

import duckdb

from gsi_explorer.config import load_settings
from gsi_explorer.data import load, synthetic
from gsi_explorer.data.query import FACETS, EventStore, Filters, View


def median_ms(fn, repeat: int = 7) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def refresh(store: EventStore, filters: Filters) -> None:
    store.forget_filters()  # timed cold: a repeat must not be served from the masks cached by the previous one
    for f in FACETS:
        store.facet_counts(f, filters)
    store.count(filters)
    store.page(View(filters, sort=(("counterpart", False), ("date", True))), 0, 200)


def baseline(db: Path) -> float:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return median_ms(lambda: [con.execute(f"SELECT {c}, count(*) FROM interactions GROUP BY 1").fetchall()
                                  for c in ("cn_agency", "cn_rank", "format", "counterpart", "region", "year",
                                            "month", "mode", "host_event", "cn_official", "confidence", "date")])
    finally:
        con.close()


def bench(label: str, data_dir: Path | None, tmp: Path) -> None:
    db = tmp / f"{label}.duckdb"
    t = time.perf_counter()
    report = load.build(data_dir, db)
    build_s = time.perf_counter() - t
    settings = load_settings(tmp / "none.toml", {"paths": {"db": db, "data": data_dir}})
    fresh_ms = median_ms(lambda: load.ensure_built(settings))
    store = EventStore.open(db)
    t = time.perf_counter()
    refresh(store, Filters())
    first_ms = (time.perf_counter() - t) * 1000  # includes coding the facet columns (once per open database)
    selected = Filters().with_values("agency", ["MPS"]).with_values("region", ["Southeast Asia", "Central Asia"])
    searched = selected.with_search("fraud")
    plain = median_ms(lambda: refresh(store, Filters()))
    sel = median_ms(lambda: refresh(store, selected))
    srch = median_ms(lambda: refresh(store, searched))
    base = baseline(db)
    store.close()
    n = report.counts["interactions"]
    print(f"== {label}: {n} interactions, {report.counts['events']} events")
    print(f"build {build_s:.2f} s ({n / build_s:,.0f} rows/s); ensure_built when fresh {fresh_ms:.1f} ms "
          f"(ratio to build {fresh_ms / 1000 / build_s:.3f})")
    print(f"first refresh after opening (codes the facet columns once): {first_ms:.1f} ms")
    print(f"browser refresh (12 facets + count + page): no filter {plain:.1f} ms, 2 facets {sel:.1f} ms, "
          f"+search {srch:.1f} ms")
    print(f"baseline 12 plain GROUP BYs {base:.1f} ms; ratio refresh/baseline {plain / base:.2f} / {sel / base:.2f} / "
          f"{srch / base:.2f}")


def main() -> int:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        bench("shipped", None, tmp)
        synthetic.write_events(tmp / "big", n)
        bench(f"synthetic-{n}", tmp / "big", tmp)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
