"""What one filter change costs the browser on a synthetic 1 M-interaction database, against plain DuckDB.

The database is generated here (never stored in the repository): the shipped data is built, then its interactions
are replicated with re-drawn dates, counterparts and officials until there are N rows, and `events` is re-derived
with the project's own schema SQL. For each filter change the browser asks the EventStore for what it shows:
the first page of rows (with its total), both unit counts and all twelve facets. Baseline: a plain DuckDB
connection running one `GROUP BY` per facet plus a count and a LIMIT-200 page with the same WHERE clause.
Every timed change starts cold: the store forgets the masks it cached for earlier filters (the coded facet
columns, built once per open database, stay; their one-off cost is printed as "first refresh").

    python bench/bench_tui_facets.py [--rows 1000000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_MS = 100.0

# facet -> plain column/expression of `interactions`, for the baseline only
BASELINE_FACETS = {
    "country": "counterpart", "region": "region", "official": "cn_official", "agency": "cn_agency",
    "rank": "cn_rank", "format": "format", "host_event": "host_event", "year": "year", "month": "month",
    "mode": "mode", "topic": "unnest(topic_list)", "confidence": "confidence",
}


def generate(db_path: Path, rows: int) -> None:
    import duckdb

    from gsi_explorer.data import load

    load.build(None, db_path)
    schema = (ROOT / "data" / "schema.sql").read_text(encoding="utf-8")
    events_sql = re.search(r"CREATE TABLE events AS.*?;[ \t]*\n", schema, re.S).group(0)
    con = duckdb.connect(str(db_path))
    base = con.execute("SELECT count(*) FROM interactions").fetchone()[0]
    copies = -(-rows // base)
    con.execute("CREATE TEMP TABLE c AS SELECT row_number() OVER (ORDER BY name) - 1 AS k, name, region, subregion, "
                "iso3 FROM countries WHERE kind = 'country'")
    con.execute("CREATE TEMP TABLE o AS SELECT row_number() OVER (ORDER BY name) - 1 AS k, name, agency, rank "
                "FROM officials")
    columns = {r[0] for r in con.execute("DESCRIBE interactions").fetchall()}
    # integer event numbers (when the schema has them) must stay unique per copied event
    stride = con.execute("SELECT max(event_no) + 1 FROM interactions").fetchone()[0] if "event_no" in columns else 0
    event_no = f"x.event_no + x.copy * {stride} AS event_no," if stride else ""
    if "source_line" in columns:  # row numbers are keys too (the store fetches pages by them)
        lines = con.execute("SELECT max(source_line) + 1 FROM interactions").fetchone()[0]
        event_no += f" x.source_line + x.copy * {lines} AS source_line,"
    nc = con.execute("SELECT count(*) FROM c").fetchone()[0]
    no = con.execute("SELECT count(*) FROM o").fetchone()[0]
    con.execute(f"""
        CREATE TABLE big AS
        WITH x AS (
            SELECT i.*, r.range AS copy,
                   DATE '2022-06-01' + CAST(hash(i.interaction_id, r.range, 'd') % 1277 AS INTEGER) AS d2,
                   hash(i.interaction_id, r.range, 'c') % {nc} AS ck,
                   hash(i.interaction_id, r.range, 'o') % {no} AS ok
            FROM interactions i, range({copies}) r
        )
        SELECT x.* EXCLUDE (copy, d2, ck, ok) REPLACE (
                   x.interaction_id || '/' || x.copy AS interaction_id,
                   x.event_key || '~' || x.copy AS event_key, {event_no}
                   x.d2 AS date, 'day' AS date_precision,
                   CAST(year(x.d2) AS INTEGER) AS year, strftime(x.d2, '%Y-%m') AS month,
                   CAST(year(x.d2) AS VARCHAR) || '-Q' || CAST(quarter(x.d2) AS VARCHAR) AS quarter,
                   CASE WHEN x.counterpart_kind = 'country' THEN c.name ELSE x.counterpart END AS counterpart,
                   CASE WHEN x.counterpart_kind = 'country' THEN c.name ELSE x.counterpart_country END
                       AS counterpart_country,
                   CASE WHEN x.counterpart_kind = 'country' THEN c.region ELSE x.region END AS region,
                   CASE WHEN x.counterpart_kind = 'country' THEN c.iso3 ELSE x.iso3 END AS iso3,
                   coalesce(o.name, x.cn_official) AS cn_official,
                   coalesce(o.agency, x.cn_agency) AS cn_agency,
                   coalesce(o.rank, x.cn_rank) AS cn_rank)
        FROM x LEFT JOIN c ON c.k = x.ck LEFT JOIN o ON o.k = x.ok
        LIMIT {rows}
    """)
    con.execute("DROP VIEW IF EXISTS bilaterals")
    for view in ("interactions_full", "events_full", "by_country", "by_official"):
        con.execute(f"DROP VIEW IF EXISTS {view}")
    con.execute("DROP TABLE sources")
    con.execute("DROP TABLE events")
    con.execute("DROP TABLE interactions")
    con.execute("ALTER TABLE big RENAME TO interactions")
    con.execute(events_sql)
    con.execute("CHECKPOINT")
    con.close()


def filter_changes(Filters, View):
    """The sequence of views a user might step through; each step is one filter change."""
    v0 = View()
    f1 = Filters().toggle("country", "Vietnam")
    f2 = f1.toggle("year", "2024")
    f3 = f2.toggle("topic", "counterterrorism")
    f4 = Filters().toggle("agency", "MPS").toggle("format", "bilateral")
    f5 = replace(Filters(), search="fraud")
    return [
        ("no filter", v0),
        ("country=Vietnam", View(f1)),
        ("+ year=2024", View(f2)),
        ("+ topic", View(f3)),
        ("agency+format", View(f4)),
        ("search 'fraud'", View(f5)),
        ("unit=event", View(f4, unit="event")),
        ("sort by official", View(f4, sort=(("cn_official", False),))),
    ]


def browser_refresh(store, view, facets, pool: ThreadPoolExecutor) -> dict[str, float]:
    """What the browser does on a filter change, in the same three concurrent streams (table, counts, facets)."""
    timings: dict[str, float] = {}

    def timed(name, fn, *a, **k):
        t = time.perf_counter()
        fn(*a, **k)
        timings[name] = (time.perf_counter() - t) * 1000

    def page():
        timed("page", store.page, view, 0, 200)

    def counts():
        timed("count interaction", store.count, view.filters, "interaction")
        timed("count event", store.count, view.filters, "event")

    def facet_all():
        for f in facets:
            timed(f"facet {f}", store.facet_counts, f, view.filters, order="count", limit=300)

    if hasattr(store, "forget_filters"):  # a filter change is timed cold, not served from the previous repeat
        store.forget_filters()
    started = time.perf_counter()
    futures = [pool.submit(fn) for fn in (page, counts, facet_all)]
    done_at = {}
    for name, fut in zip(("table", "counts", "facets"), futures):
        fut.result()
        done_at[name] = (time.perf_counter() - started) * 1000
    timings["table ready"] = timings["page"]
    timings["all done"] = max(done_at.values())
    return timings


def baseline_refresh(con, view, where_sql: str, params: list) -> float:
    started = time.perf_counter()
    cur = con.cursor()
    cur.execute(f"SELECT * FROM interactions i WHERE {where_sql} ORDER BY date DESC LIMIT 200", params).fetchall()
    cur.execute(f"SELECT count(*), count(DISTINCT event_key) FROM interactions i WHERE {where_sql}", params).fetchall()
    for expr in BASELINE_FACETS.values():
        cur.execute(f"SELECT v, count(*) FROM (SELECT {expr} AS v FROM interactions i WHERE {where_sql}) "
                    f"GROUP BY 1", params).fetchall()
    cur.close()
    return (time.perf_counter() - started) * 1000


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()

    import duckdb

    from gsi_explorer.data.query import FACETS, EventStore, Filters, View, where_clause

    with tempfile.TemporaryDirectory(prefix="gsi-bench-") as tmp:
        db = Path(tmp) / "big.duckdb"
        t = time.perf_counter()
        generate(db, args.rows)
        print(f"generated {args.rows:,} interactions in {time.perf_counter() - t:.1f} s "
              f"({db.stat().st_size / 2**20:.0f} MiB)")
        store = EventStore.open(db)
        copy = Path(tmp) / "baseline.duckdb"  # a copy: DuckDB allows one configuration per open file
        shutil.copyfile(db, copy)
        base_con = duckdb.connect(str(copy), read_only=True)
        changes = filter_changes(Filters, View)
        per_query: dict[str, list[float]] = {}
        ours_all, ours_table, base = [], [], []
        with ThreadPoolExecutor(3) as pool:
            first = browser_refresh(store, View(), FACETS, pool)  # warm caches (and build the facet index)
            baseline_refresh(base_con, View(), *where_clause(Filters()))
            print(f"first refresh after opening (table ready {first['table ready']:.0f} ms, all "
                  f"{first['all done']:.0f} ms; includes coding the facet columns once)")
            print(f"\n{'filter change':<18}{'rows':>10}{'table ms':>10}{'all ms':>9}{'plain ms':>10}{'ratio':>7}")
            for label, view in changes:
                runs, tables, bases = [], [], []
                for _ in range(args.repeat):
                    tm = browser_refresh(store, view, FACETS, pool)
                    runs.append(tm["all done"])
                    tables.append(tm["table ready"])
                    for k, v in tm.items():
                        per_query.setdefault(k, []).append(v)
                    where_sql, params = where_clause(view.filters)
                    bases.append(baseline_refresh(base_con, view, where_sql, params))
                n = store.count(view.filters, view.unit)
                ours_all.append(statistics.median(runs))
                ours_table.append(statistics.median(tables))
                base.append(statistics.median(bases))
                print(f"{label:<18}{n:>10,}{ours_table[-1]:>10.0f}{ours_all[-1]:>9.0f}{base[-1]:>10.0f}"
                      f"{ours_all[-1] / base[-1]:>7.2f}")
            deep = []
            for _ in range(args.repeat):  # jump to the middle of the whole set (virtual scrolling)
                t = time.perf_counter()
                store.page(View(), args.rows // 2, 200)
                deep.append((time.perf_counter() - t) * 1000)
        med_all, med_table, med_base = (statistics.median(x) for x in (ours_all, ours_table, base))
        print(f"\nmedian per filter change: table ready {med_table:.0f} ms, table + counts + 12 facets {med_all:.0f} ms "
              f"(target <= {TARGET_MS:.0f} ms: {'met' if med_all <= TARGET_MS else 'NOT met'})")
        print(f"plain DuckDB GROUP BY baseline (same WHERE, sequential): {med_base:.0f} ms; "
              f"ratio ours/baseline = {med_all / med_base:.2f}")
        print(f"page fetch at offset {args.rows // 2:,} (scrolling to the middle): median {statistics.median(deep):.0f} ms")
        print("\nslowest queries (median ms over all changes):")
        slow = sorted(((statistics.median(v), k) for k, v in per_query.items()
                       if k not in ("all done", "table ready")), reverse=True)
        for ms, k in slow[:8]:
            print(f"  {k:<22}{ms:8.0f}")
        store.close()
        base_con.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
