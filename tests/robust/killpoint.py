"""Run the gsi-explorer CLI with one function frozen at a chosen moment, so a test can SIGKILL it exactly there.

    python -m tests.robust.killpoint --at MODULE:ATTR [--when before|after] [--match TEXT] --marker FILE -- ARGS...

The n-th call of MODULE.ATTR whose arguments' repr contains TEXT writes FILE (the process id) and then sleeps; the
test waits for FILE and sends SIGKILL. Nothing else about the run changes.
"""

from __future__ import annotations

import argparse
import functools
import importlib
import os
import sys
import time
from pathlib import Path


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--at", required=True)
    ap.add_argument("--when", choices=("before", "after"), default="after")
    ap.add_argument("--match", default="")
    ap.add_argument("--call", type=int, default=1)
    ap.add_argument("--marker", required=True)
    ap.add_argument("cli", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    module_name, attr = a.at.split(":")
    module = importlib.import_module(module_name)
    original = getattr(module, attr)
    seen = 0

    def freeze() -> None:
        Path(a.marker).write_text(str(os.getpid()))
        while True:
            time.sleep(60)

    @functools.wraps(original)
    def wrapper(*args, **kwargs):
        nonlocal seen
        hit = a.match in repr(args) + repr(kwargs)
        if hit:
            seen += 1
        if hit and seen == a.call and a.when == "before":
            freeze()
        result = original(*args, **kwargs)
        if hit and seen == a.call and a.when == "after":
            freeze()
        return result

    setattr(module, attr, wrapper)
    from gsi_explorer.cli import main as cli_main

    argv = a.cli[1:] if a.cli[:1] == ["--"] else a.cli
    return cli_main(argv)


if __name__ == "__main__":
    sys.exit(main())
