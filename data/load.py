"""Validate the CSVs and build the DuckDB database atomically (temp file in the same folder, then rename).

A failed build never touches the previous database. The source files' SHA-256 hashes are stored in `build_info`
so that start-up can tell in milliseconds whether a rebuild is needed.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import re
import shutil
import tempfile
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from gsi_explorer import __version__, paths
from gsi_explorer.data import vocab
from gsi_explorer.data.csvfile import file_hash
from gsi_explorer.data.facets import NONE
from gsi_explorer.data.problems import Problem, ValidationError
from gsi_explorer.data.validate import REFERENCE_FILES, load_reference, read_events, validate_events
from gsi_explorer.errors import GsiError

__all__ = ["BuildError", "BuildReport", "Problem", "ValidationError", "build", "ensure_built", "source_files",
           "status"]

SCHEMA_VERSION = "2"
EVENTS_FILE = "events.csv"
SOURCE_FILES = (EVENTS_FILE, *REFERENCE_FILES)
Progress = Callable[[str, int, int], None]  # (step description, steps done, steps total)


class BuildError(GsiError):
    """The database could not be written (disk full, permissions...); the previous one is intact."""


@dataclass
class BuildReport:
    db_path: Path
    data_dir: Path
    counts: dict[str, int] = field(default_factory=dict)  # table -> rows
    warnings: list[Problem] = field(default_factory=list)
    hashes: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0
    built: bool = True  # False when ensure_built found the database fresh

    def summary(self) -> str:
        parts = ", ".join(f"{n} {t}" for t, n in self.counts.items())
        return f"built {self.db_path} from {self.data_dir} in {self.seconds:.2f} s: {parts}"


def source_files(data_dir: Path | None) -> dict[str, Path]:
    """The CSVs a build reads: events.csv from `data_dir`; reference tables from it when present, else shipped."""
    shipped = paths.shipped_data_dir()
    folder = Path(data_dir) if data_dir else shipped
    found = {EVENTS_FILE: folder / EVENTS_FILE}
    for name in REFERENCE_FILES:
        own = folder / name
        found[name] = own if own.exists() else shipped / name
    return found


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "x"


def _step(progress: Progress | None, what: str, done: int, total: int) -> None:
    if progress is not None:
        progress(what, done, total)


def build(data_dir: Path | None, db_path: Path, progress: Progress | None = None) -> BuildReport:
    """Validate every CSV row, then build `db_path` atomically; raise ValidationError listing all problems."""
    started = time.perf_counter()
    total = 5
    files = source_files(data_dir)
    folder = Path(data_dir) if data_dir else paths.shipped_data_dir()
    _step(progress, "reading reference tables", 0, total)
    problems: list[Problem] = []
    if data_dir is not None and not Path(data_dir).is_dir():
        raise ValidationError([Problem(str(data_dir), 0, "-", "data folder not found", str(data_dir),
                                       "pass --data a folder that contains events.csv")])
    if not files[EVENTS_FILE].exists():
        raise ValidationError([Problem(EVENTS_FILE, 0, "-", "file not found", str(files[EVENTS_FILE]),
                                       f"put {EVENTS_FILE} in {folder} (columns as in SCHEMA.md)")])
    # fingerprints taken before reading: a file edited during the build looks changed at the next check
    stats = {name: _stat(path) for name, path in files.items() if path.exists()}
    hashes = {name: file_hash(path) for name, path in files.items() if path.exists()}
    ref = load_reference(files, problems)
    _step(progress, "validating events.csv", 1, total)
    events = read_events(files[EVENTS_FILE], problems)
    if events is not None:
        validate_events(events, ref, problems)
    errors = [p for p in problems if p.severity == "error"]
    if errors or events is None:
        raise ValidationError(problems)
    warnings = [p for p in problems if p.severity == "warning"]

    import duckdb

    db_path = Path(db_path)
    try:
        db_path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BuildError(f"{db_path.parent}: cannot create the folder ({exc.strerror or exc}) — choose another "
                         f"location with --db") from None
    _remove_leftovers(db_path)
    tmp = db_path.with_name(f".{db_path.name}.{os.getpid()}.building")
    _step(progress, "writing staging tables", 2, total)
    try:
        with tempfile.TemporaryDirectory(prefix=f".gsi-stage-{os.getpid()}-", dir=db_path.parent) as stage:
            staged = _stage(Path(stage), events, ref)
            _step(progress, "building tables and views", 3, total)
            counts = _write_db(tmp, staged, files, hashes, stats, folder)
        _step(progress, "replacing the database", 4, total)
        stale_wal = db_path.with_name(db_path.name + ".wal")
        if stale_wal.exists():
            stale_wal.unlink()
        os.replace(tmp, db_path)
    except (OSError, duckdb.Error) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else (str(exc).splitlines() or [""])[0]
        if isinstance(exc, (OSError, duckdb.IOException, duckdb.FatalException, duckdb.PermissionException,
                            duckdb.OutOfMemoryException)):  # disk full, read-only folder, I/O error
            fix = "free disk space or choose another location with --db"
        else:  # anything else is not the disk's fault: say so rather than send the user to clean up
            fix = "run `gsi-explorer doctor` and report this message if the CSVs validate"
        raise BuildError(f"{db_path}: cannot write the database ({reason}) — {fix}; "
                         "the previous database is unchanged") from None
    finally:
        for leftover in (tmp, tmp.with_name(tmp.name + ".wal")):
            if leftover.exists():
                leftover.unlink()
    _step(progress, "done", total, total)
    return BuildReport(db_path, folder, counts, warnings, hashes, time.perf_counter() - started)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _remove_leftovers(db_path: Path) -> None:
    """Temp files of builds that were killed (their process is gone) are deleted; running builds are left alone."""
    patterns = (re.compile(re.escape(f".{db_path.name}.") + r"(\d+)\.building(\.wal)?$"),
                re.compile(r"\.gsi-stage-(\d+)-"))
    for entry in db_path.parent.iterdir():
        for pattern in patterns:
            m = pattern.match(entry.name)
            if m and not _pid_alive(int(m[1])):
                if entry.is_dir():
                    shutil.rmtree(entry, ignore_errors=True)
                else:
                    entry.unlink(missing_ok=True)


def _stage(stage: Path, events, ref) -> dict[str, Path]:
    """Write validated rows as clean UTF-8 CSV for DuckDB's reader (fast at a million rows)."""
    out = {}
    used: set[str] = set()
    event_no: dict[str, int] = {}
    path = stage / "events.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n", quoting=csv.QUOTE_ALL)
        w.writerow(("source_line", "interaction_id", "event_no", "country_canonical", *vocab.COLUMNS))
        rows = []
        for line, row in events.rows:
            country = row["counterpart_country"]
            hit = ref.resolve(country) if country else None
            canonical = hit["name"] if hit else country
            base = f"{row['event_key']}/{_slug(canonical or row['counterpart_org'])}"
            ident, n = base, 1
            while ident in used:
                n += 1
                ident = f"{base}-{n}"
            used.add(ident)
            number = event_no.setdefault(row["event_key"], len(event_no) + 1)
            rows.append((line, ident, number, canonical, *[row[c] for c in vocab.COLUMNS]))
        w.writerows(rows)
    out["raw_events"] = path
    for name in ("countries", "officials", "forums"):
        table = getattr(ref, name)
        path = stage / f"{name}.csv"
        cols = REFERENCE_FILES[f"{name}.csv"][0]
        with path.open("w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh, lineterminator="\n", quoting=csv.QUOTE_ALL)
            w.writerow(cols)
            for _, row in table.rows:
                w.writerow(tuple(row.get(c, "") for c in cols))
        out[f"raw_{name}"] = path
    return out


def _write_db(tmp: Path, staged: dict[str, Path], files: dict[str, Path], hashes: dict[str, str],
              stats: dict[str, str], folder: Path) -> dict[str, int]:
    import duckdb

    for leftover in (tmp, tmp.with_name(tmp.name + ".wal")):
        if leftover.exists():
            leftover.unlink()
    con = duckdb.connect(str(tmp), config={"autoinstall_known_extensions": False,
                                           "autoload_known_extensions": False})
    try:
        for table, path in staged.items():
            with path.open(encoding="utf-8", newline="") as fh:
                header = next(csv.reader(fh))
            cols = "{" + ", ".join(f"'{c}': 'VARCHAR'" for c in header) + "}"
            con.execute(f"CREATE TABLE {table} AS SELECT * FROM read_csv(?, header=true, delim=',', quote='\"', "
                        f"escape='\"', new_line='\\n', columns={cols}, auto_detect=false, null_padding=false, "
                        f"allow_quoted_nulls=false)", [str(path)])
        values = ", ".join("'" + v.replace("'", "''") + "'" for v in (NONE, *vocab.TOPICS))
        con.execute(f"CREATE TYPE topic_value AS ENUM ({values})")
        con.execute((Path(__file__).with_name("schema.sql")).read_text(encoding="utf-8"))
        for table in staged:
            con.execute(f"DROP TABLE {table}")
        con.execute("CREATE TABLE build_info (key VARCHAR PRIMARY KEY, value VARCHAR)")
        info = {"schema_version": SCHEMA_VERSION, "app_version": __version__,
                "built_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                "data_dir": str(folder)}
        for name, path in files.items():
            info[f"sha256:{name}"] = hashes[name]
            info[f"path:{name}"] = str(path)
            info[f"stat:{name}"] = stats[name]
        con.executemany("INSERT INTO build_info VALUES (?, ?)", list(info.items()))
        counts = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                  for t in ("interactions", "events", "countries", "officials", "forums", "sources")}
        con.execute("CHECKPOINT")
    finally:
        try:
            con.close()
        except duckdb.Error:
            pass  # after a fatal I/O error the connection is already unusable; the temp file is removed later
    return counts


def _stat(path: Path) -> str:
    st = path.stat()
    return f"{st.st_size}:{st.st_mtime_ns}"


class DamagedDatabase(GsiError):
    """The file opens but is shorter than the blocks it claims (cut off by a crash, a full disk or a bad copy)."""


def check_complete(con, db_path: Path) -> None:
    """Raise DamagedDatabase when the file is shorter than its block count says (cheap: no data is read)."""
    blocks, block_size = con.execute("SELECT total_blocks, block_size FROM pragma_database_size()").fetchone()
    size = Path(db_path).stat().st_size
    if size < blocks * block_size:
        raise DamagedDatabase(f"file is {size:,} bytes but holds {blocks} blocks of {block_size:,} bytes "
                              f"(truncated)")


def read_build_info(db_path: Path) -> dict[str, str]:
    """Build metadata of an existing database; raises duckdb.Error or DamagedDatabase if it is not usable."""
    import duckdb

    con = duckdb.connect(str(db_path), read_only=True)
    try:
        info = dict(con.execute("SELECT key, value FROM build_info").fetchall())
        check_complete(con, db_path)
        return info
    finally:
        con.close()


def status(db_path: Path, data_dir: Path | None) -> tuple[str, str]:
    """("fresh" | "stale" | "missing" | "corrupt", reason) — compares stored and current CSV hashes."""
    db_path = Path(db_path)
    if not db_path.exists():
        return "missing", f"{db_path} does not exist"
    try:
        info = read_build_info(db_path)
    except Exception as exc:  # duckdb raises several error types for damaged files
        return "corrupt", f"{db_path} cannot be read as a gsi-explorer database ({str(exc).splitlines()[0]})"
    if info.get("schema_version") != SCHEMA_VERSION:
        return "stale", f"database schema {info.get('schema_version')} != {SCHEMA_VERSION}"
    for name, path in source_files(data_dir).items():
        if not path.exists():
            return "stale", f"{path} is missing"
        if info.get(f"path:{name}") != str(path):
            return "stale", f"{name} now comes from {path}"
        if info.get(f"stat:{name}") == _stat(path):
            continue  # same size and modification time: not hashed again (start-up stays cheap)
        if info.get(f"sha256:{name}") != file_hash(path):
            return "stale", f"{path} changed since the last build"
    return "fresh", f"built {info.get('built_at')} from {info.get('data_dir')}"


def ensure_built(settings, progress: Progress | None = None,
                 on_stale_error: Callable[[GsiError], None] | None = None) -> Path:
    """Build when the database is missing, damaged or older than its CSVs; otherwise only compare fingerprints.

    With `on_stale_error`, a rebuild that fails (bad CSV rows, full disk) while a previous good database exists
    is reported to that callback and the previous database is used; without it the error is raised.
    """
    db_path = Path(settings.paths.db)
    state, _ = status(db_path, settings.paths.data)
    if state != "fresh":
        try:
            build(settings.paths.data, db_path, progress)
        except (ValidationError, BuildError) as exc:
            if on_stale_error is None or state != "stale":
                raise
            on_stale_error(exc)
    return db_path
