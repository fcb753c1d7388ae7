"""`gsi-explorer build | sql | stats`: the database from the command line (light module; work happens in handlers)."""

from __future__ import annotations

import argparse
import sys


def register(sub, common) -> None:
    p = sub.add_parser("build", parents=[common], help="validate the event CSVs and (re)build the database",
                       description="Validate every row of events.csv and the reference tables, then build the "
                       "DuckDB database atomically (a failed build leaves the previous database untouched).")
    g = p.add_mutually_exclusive_group()
    g.add_argument("--if-stale", action="store_true", help="only build when the database is missing or a CSV changed")
    g.add_argument("--force", action="store_true", help="rebuild even when nothing changed (the default)")
    p.add_argument("--quiet", action="store_true", help="print nothing but errors")
    p.add_argument("--warnings", action="store_true", help="list every warning (default: only their number)")
    p.set_defaults(handler=_build)

    p = sub.add_parser("sql", parents=[common], help="run read-only SQL against the database",
                       description="Run read-only SQL (SELECT, WITH, DESCRIBE, SHOW, EXPLAIN) against the event "
                       "database. Tables: interactions, events, countries, officials, forums, sources, build_info; "
                       "views: interactions_full, events_full, bilaterals, by_country, by_official.")
    p.add_argument("query", help='SQL text, e.g. "SELECT cn_agency, count(*) FROM interactions GROUP BY 1"')
    fmt = p.add_mutually_exclusive_group()
    fmt.add_argument("--csv", action="store_true", help="print CSV")
    fmt.add_argument("--json", action="store_true", help="print JSON (one object per row)")
    p.add_argument("--limit", type=int, default=10000, help="at most this many rows (default 10000)")
    p.set_defaults(handler=_sql)

    p = sub.add_parser("stats", parents=[common], help="our counts next to the paper's figures",
                       description="Compare counts from the event data with the figures published in the paper, "
                       "for the paper's window (2022-06-01 … 2025-07-31) unless --from/--to are given. Each paper "
                       "figure names the passage it comes from.")
    p.add_argument("--from", dest="date_from", default="2022-06-01", help="first day (YYYY[-MM[-DD]])")
    p.add_argument("--to", dest="date_to", default="2025-07-31", help="last day (YYYY[-MM[-DD]])")
    p.add_argument("--no-low", action="store_true", help="only the figures without low-confidence rows")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(handler=_stats)


def _progress_bar(quiet: bool):
    """A rich progress bar on stderr, as a callback for load.build."""
    if quiet or not sys.stderr.isatty():
        return None, None
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    bar = Progress(TextColumn("{task.description:<28}"), BarColumn(), TimeElapsedColumn(), transient=True,
                   console=None)
    task = bar.add_task("building", total=1)

    def update(what: str, done: int, total: int) -> None:
        bar.update(task, description=what, completed=done, total=total)

    return bar, update


def _build(args: argparse.Namespace, settings) -> int:
    from gsi_explorer.data import load

    db, data = settings.paths.db, settings.paths.data
    if args.if_stale:
        state, reason = load.status(db, data)
        if state == "fresh":
            if not args.quiet:
                print(f"database is up to date: {db} ({reason})")
            return 0
        if not args.quiet:
            print(f"building: {reason}")
    bar, update = _progress_bar(args.quiet)
    try:
        if bar is not None:
            with bar:
                report = load.build(data, db, update)
        else:
            report = load.build(data, db)
    except load.ValidationError as exc:
        warnings = [p for p in exc.problems if p.severity == "warning"]
        errors = [p for p in exc.problems if p.severity == "error"]
        print(f"gsi-explorer: {len(errors)} problem(s) in the event data; the existing database was left "
              f"unchanged:", file=sys.stderr)
        for p in errors:
            print(str(p), file=sys.stderr)
        if warnings:
            print(f"({len(warnings)} warning(s) not shown)", file=sys.stderr)
        return 2
    if not args.quiet:
        if args.warnings:
            for w in report.warnings:
                print(str(w), file=sys.stderr)
        elif report.warnings:
            print(f"{len(report.warnings)} warning(s) about the data (list them with --warnings)", file=sys.stderr)
        print(report.summary())
    return 0


def _open_store(settings):
    """The database, rebuilt first if a CSV changed; if that rebuild fails, the previous one with a notice."""
    from gsi_explorer.data import load
    from gsi_explorer.data.query import EventStore

    def keep_old(exc) -> None:
        lines = str(exc).splitlines()
        more = f" (+{len(lines) - 3} more)" if len(lines) > 3 else ""
        print("gsi-explorer: the CSVs changed but cannot be built, so the previous database is used:\n"
              + "\n".join(lines[:3]) + more + "\n(run `gsi-explorer build` to see every problem)", file=sys.stderr)

    return EventStore.open(load.ensure_built(settings, on_stale_error=keep_old))


def _sql(args: argparse.Namespace, settings) -> int:
    import csv
    import json

    store = _open_store(settings)
    try:
        result = store.sql(args.query, limit=args.limit)
    finally:
        store.close()
    if args.json:
        json.dump([dict(zip(result.columns, r)) for r in result.rows], sys.stdout, ensure_ascii=False, default=str,
                  indent=1)
        print()
    elif args.csv:
        w = csv.writer(sys.stdout, lineterminator="\n")
        w.writerow(result.columns)
        w.writerows(result.rows)
    else:
        from rich.console import Console
        from rich.table import Table

        table = Table(*result.columns, show_lines=False)
        for row in result.rows:
            table.add_row(*("" if v is None else str(v) for v in row))
        Console().print(table)
        print(f"{len(result.rows)} row(s)")
    if result.truncated:
        print(f"gsi-explorer: output stopped at {args.limit} rows (use --limit)", file=sys.stderr)
    return 0


def _stats(args: argparse.Namespace, settings) -> int:
    import json

    from gsi_explorer.data import stats

    store = _open_store(settings)
    try:
        rows = store.stats(args.date_from, args.date_to, include_low=True)
        rows_nl = store.stats(args.date_from, args.date_to, include_low=False)
    finally:
        store.close()
    merged = stats.merge_without_low(rows, rows_nl)
    if args.json:
        json.dump({"window": [args.date_from, args.date_to], "figures": merged}, sys.stdout, ensure_ascii=False,
                  indent=1, default=str)
        print()
    else:
        stats.print_table(merged, args.date_from, args.date_to, no_low_only=args.no_low)
    return 0
