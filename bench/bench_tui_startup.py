"""Time from process start to the explorer's first screen with rows, against baselines measured in the same run.

Each run starts the real CLI (`python -m gsi_explorer --db DB`) in a pseudo-terminal of 160x48; the app writes a
timestamp when the first page of rows has been painted and exits (GSI_TUI_FIRST_PAINT). Baselines: a bare
`import textual`, a one-widget Textual app painting its first screen the same way, and — when it can be installed
into bench/out/harlequin-venv — Harlequin opening the same database (first frame that shows its data catalog).

    python bench/bench_tui_startup.py [--runs 7] [--no-harlequin]
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import re
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
PY = sys.executable
COLS, ROWS = 160, 48
TARGET_S = 1.5

MINIMAL_APP = """
import os, sys, time
from pathlib import Path
from textual.app import App
from textual.widgets import Static
class Minimal(App):
    def compose(self):
        yield Static("hello")
    def on_mount(self):
        self.call_after_refresh(self.done)
    def done(self):
        Path(os.environ["GSI_TUI_FIRST_PAINT"]).write_text(f"{time.time():.6f}")
        self.exit()
Minimal().run()
"""


def run_in_pty(argv: list[str], env: dict, until_text: str | None = None, timeout: float = 60.0) -> tuple[float, str]:
    """Start argv in a 160x48 pty; return (seconds until exit or until `until_text` appears on screen, output)."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
    started = time.time()
    proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env, close_fds=True,
                            start_new_session=True)
    os.close(slave)
    chunks: list[bytes] = []
    seen = threading.Event()
    seen_at = [0.0]

    def pump() -> None:
        plain = ""
        while True:
            try:
                data = os.read(master, 65536)
            except OSError:
                return
            if not data:
                return
            chunks.append(data)
            if until_text and not seen.is_set():
                plain += re.sub(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07", "", data.decode("utf-8", "replace"))
                if until_text in plain:
                    seen_at[0] = time.time()
                    seen.set()

    reader = threading.Thread(target=pump, daemon=True)
    reader.start()
    try:
        if until_text:
            seen.wait(timeout)
            elapsed = seen_at[0] - started if seen.is_set() else float("nan")
            proc.terminate()
        else:
            proc.wait(timeout)
            elapsed = time.time() - started
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        elapsed = float("nan")
    finally:
        os.close(master)
        reader.join(2)
    return elapsed, b"".join(chunks).decode("utf-8", "replace")


def first_paint(argv: list[str], env: dict) -> float:
    """Seconds from spawning argv to the marker the app writes after its first painted screen."""
    with tempfile.TemporaryDirectory() as tmp:
        marker = Path(tmp) / "painted"
        started = time.time()
        _, output = run_in_pty(argv, {**env, "GSI_TUI_FIRST_PAINT": str(marker)})
        if not marker.exists():
            raise RuntimeError(f"{argv} exited without painting:\n{output[-2000:]}")
        return float(marker.read_text()) - started


def timed(argv: list[str], env: dict) -> float:
    started = time.perf_counter()
    subprocess.run(argv, env=env, check=True, capture_output=True)
    return time.perf_counter() - started


def harlequin_bin(allow_install: bool) -> Path | None:
    venv = OUT / "harlequin-venv"
    exe = venv / "bin" / "harlequin"
    if exe.exists():
        return exe
    if not allow_install:
        return None
    try:
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True, timeout=120)
        subprocess.run([str(venv / "bin" / "pip"), "install", "-q", "harlequin"], check=True, capture_output=True,
                       timeout=900)
    except (subprocess.SubprocessError, OSError) as exc:
        print(f"harlequin: not installable here ({type(exc).__name__}); skipping that baseline")
        return None
    return exe if exe.exists() else None


def median_ms(values: list[float]) -> float:
    return statistics.median(values) * 1000


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--no-harlequin", action="store_true", help="skip (and do not try to install) Harlequin")
    args = ap.parse_args()

    OUT.mkdir(parents=True, exist_ok=True)
    home = OUT / "startup-home"
    shutil.rmtree(home, ignore_errors=True)
    home.mkdir(parents=True)
    env = {**os.environ, "GSI_HOME": str(home), "TERM": "xterm-256color", "COLUMNS": str(COLS), "LINES": str(ROWS)}
    db = home / "gsi.duckdb"
    app_argv = [PY, "-m", "gsi_explorer", "--db", str(db)]

    cold = first_paint(app_argv, env)  # builds the database from the shipped CSVs first
    print(f"first start (builds the database): {cold * 1000:.0f} ms")
    first_paint(app_argv, env)  # warm the OS file cache

    ours, minimal, imports = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        minimal_py = Path(tmp) / "minimal_app.py"
        minimal_py.write_text(MINIMAL_APP)
        for _ in range(args.runs):  # interleaved, so load changes hit all alike
            ours.append(first_paint(app_argv, env))
            minimal.append(first_paint([PY, str(minimal_py)], env))
            imports.append(timed([PY, "-c", "import textual.app"], env))

    print(f"runs: {args.runs}, terminal {COLS}x{ROWS}, database {db.stat().st_size // 1024} KiB")
    print(f"gsi-explorer, start -> first rows painted:  median {median_ms(ours):7.0f} ms  "
          f"(min {min(ours) * 1000:.0f}, max {max(ours) * 1000:.0f})  target <= {TARGET_S * 1000:.0f} ms: "
          f"{'met' if statistics.median(ours) <= TARGET_S else 'NOT met'}")
    print(f"baseline: minimal Textual app, first paint: median {median_ms(minimal):7.0f} ms   "
          f"ratio ours/minimal = {statistics.median(ours) / statistics.median(minimal):.2f}")
    print(f"baseline: python -c 'import textual.app':   median {median_ms(imports):7.0f} ms   "
          f"ratio ours/import  = {statistics.median(ours) / statistics.median(imports):.2f}")

    exe = None if args.no_harlequin else harlequin_bin(allow_install=True)
    if exe is None:
        print("harlequin: not available; baseline skipped")
        return 0
    # Harlequin lists the database in its catalog ("gsi db") once it is open; ours shows the table header once the
    # first page of rows is in. Both are timed by watching the terminal output for that text.
    h_env = {**env, "HOME": str(home)}
    ours_text, theirs = [], []
    for _ in range(args.runs):
        t, _ = run_in_pty(app_argv, env, until_text="Chinese official")
        ours_text.append(t)
        t, out = run_in_pty([str(exe), "-r", str(db)], h_env, until_text="gsi db")
        theirs.append(t)
    theirs = [t for t in theirs if t == t]  # drop NaN (timeouts)
    if not theirs:
        print("harlequin: never showed the catalog within 60 s; baseline skipped")
        return 0
    print(f"gsi-explorer, start -> table header on screen: median {median_ms(ours_text):7.0f} ms")
    print(f"harlequin -r DB, start -> catalog on screen:   median {median_ms(theirs):7.0f} ms   "
          f"ratio ours/harlequin = {statistics.median(ours_text) / statistics.median(theirs):.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
