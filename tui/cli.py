"""`gsi-explorer tui [--view SPEC]` (and plain `gsi-explorer`): build the database if needed, open the explorer.

Kept light: the Textual app and the data layer are imported inside `run`, after argument parsing.
"""

from __future__ import annotations

import argparse
import sys


def register(sub, common: argparse.ArgumentParser) -> None:
    parser = sub.add_parser(
        "tui",
        parents=[common],
        help="open the terminal explorer (the default when no command is given)",
        description="Open the terminal explorer. Press ? inside for keys.",
    )
    parser.add_argument("--view", default=None, help="reopen a saved view (the spec string shown with `v` in the app)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, settings) -> int:
    from gsi_explorer.data import load
    from gsi_explorer.data.query import EventStore, View

    spec = getattr(args, "view", None)
    view = View.from_spec(spec) if spec else View()  # garbage spec: ViewSpecError, printed by the CLI (exit 2)

    def progress(what: str, done: int, total: int) -> None:
        print(f"gsi-explorer: building the event database — {what} ({done}/{total})", file=sys.stderr, flush=True)

    db_path = load.ensure_built(settings, progress=progress)
    store = EventStore.open(db_path)
    from gsi_explorer.tui.app import GsiApp

    try:
        GsiApp(store, view=view, page_size=settings.ui.page_size, settings=settings).run()
    finally:
        close = getattr(store, "close", None)
        if close:
            close()
    return 0
