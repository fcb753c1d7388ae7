"""Shared tools for the robustness tests: subprocess runs of the real CLI, kill points, intact-data checks."""

from __future__ import annotations

import csv
import hashlib
import io
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[2]
NETBLOCK = Path(__file__).with_name("netblock")


def sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def db_counts(path: Path, scratch: Path) -> dict[str, int]:
    """Row counts read through an independent connection on a copy (never the file under test)."""
    copy = Path(scratch) / f"count-{time.time_ns()}.duckdb"
    shutil.copyfile(path, copy)
    con = duckdb.connect(str(copy), read_only=True)
    try:
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                for t in ("interactions", "events", "countries", "officials", "forums", "sources")}
    finally:
        con.close()
        copy.unlink()


def cli_env(home: Path, *, netblock: Path | None = None, **extra: str) -> dict[str, str]:
    """Environment for a CLI subprocess: private GSI_HOME, no user overrides, offline variables NOT preset."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("GSI_") and k not in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_DATASETS_OFFLINE",
                                                     "HF_HUB_DISABLE_TELEMETRY", "DO_NOT_TRACK")}
    env["GSI_HOME"] = str(home)
    path = [str(ROOT)]
    if netblock is not None:
        path.insert(0, str(NETBLOCK))
        env["GSI_NETBLOCK_LOG"] = str(netblock / "net.log")
        env["GSI_NETBLOCK_ENV"] = str(netblock / "env.log")
    env["PYTHONPATH"] = os.pathsep.join(path)
    env.update(extra)
    return env


def run_cli(args: list[str], home: Path, timeout: float = 300, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "gsi_explorer", *map(str, args)], cwd=ROOT, env=cli_env(home, **kw),
                          capture_output=True, text=True, timeout=timeout)


def kill_at(at: str, cli_args: list[str], home: Path, *, when: str = "after", match: str = "",
            timeout: float = 240) -> subprocess.Popen:
    """Start the CLI, wait until it reaches `at` (module:function), SIGKILL it there; returns the dead process."""
    marker = Path(home) / f"killpoint-{time.time_ns()}"
    proc = subprocess.Popen([sys.executable, "-m", "tests.robust.killpoint", "--at", at, "--when", when,
                             "--match", match, "--marker", str(marker), "--", *map(str, cli_args)],
                            cwd=ROOT, env=cli_env(home), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + timeout
    while not marker.exists():
        if proc.poll() is not None:
            out, err = proc.communicate()
            raise AssertionError(f"process ended (rc {proc.returncode}) before reaching {at}:\n{out}\n{err}")
        if time.monotonic() > deadline:
            proc.kill()
            proc.communicate()
            raise AssertionError(f"process never reached {at}")
        time.sleep(0.02)
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    marker.unlink()
    return proc


def shipped_data() -> Path:
    return ROOT / "data"


def copy_data(dest: Path) -> Path:
    """A writable copy of the shipped CSVs (the --data folder a user keeps)."""
    dest.mkdir(parents=True, exist_ok=True)
    for f in shipped_data().glob("*.csv"):
        target = dest / f.name
        shutil.copyfile(f, target)
        target.chmod(0o644)
    return dest


def read_events(folder: Path) -> tuple[list[str], list[dict[str, str]]]:
    with (folder / "events.csv").open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        return list(reader.fieldnames or []), list(reader)


def write_events(folder: Path, header: list[str], rows: list[dict[str, str]]) -> dict[int, int]:
    """Write rows with csv.writer; returns {row index: first physical line number} for precise expectations."""
    lines: dict[int, int] = {}
    path = folder / "events.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(header)
        line = 2
        for i, row in enumerate(rows):
            lines[i] = line
            buf = io.StringIO()
            values = [row.get(h, "") for h in header]
            quoting = csv.QUOTE_ALL if any("\r" in v for v in values) else csv.QUOTE_MINIMAL  # csv leaves a bare CR bare
            csv.writer(buf, lineterminator="\n", quoting=quoting).writerow(values)
            fh.write(buf.getvalue())
            line += buf.getvalue().count("\n")
    return lines


def terminal_output(app) -> str:
    """What the app writes to the terminal for a full repaint of the current screen (escape codes included)."""
    update = app.screen._compositor.render_update(full=True)
    return update.render_segments(app.console)
