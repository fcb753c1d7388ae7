"""`gsi-explorer`: one thin command-line face over the same interfaces the TUI uses.

Each part (data, index, tui, doctor) registers its own subcommands (a `register(subparsers, common)` function in a light module);
heavy imports happen inside the handlers so `--help` and the TUI's first paint stay fast.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path
from typing import Callable

from gsi_explorer import __version__
from gsi_explorer.config import ConfigError, Settings, load_settings
from gsi_explorer.errors import GsiError
from gsi_explorer.offline import enforce_offline

COMMAND_MODULES = (
    "gsi_explorer.tui.cli",
    "gsi_explorer.data.cli",
    "gsi_explorer.index.cli",
    "gsi_explorer.index.ask_cli",
    "gsi_explorer.doctor",
)

Handler = Callable[[argparse.Namespace, Settings], int]


def _add_common(parser: argparse.ArgumentParser, default: object) -> None:
    g = parser.add_argument_group("common options")
    g.add_argument("--db", type=Path, default=default, help="DuckDB database file (default: user cache dir)")
    g.add_argument("--data", type=Path, default=default, help="folder of event CSVs to build from (default: shipped data)")
    g.add_argument("--model", type=Path, default=default, help="GGUF model file for answers (default: bundled SmolLM2-135M)")
    g.add_argument("--config", type=Path, default=default, help="config.toml to read (default: user config dir)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="gsi-explorer",
        description="Browse and question China's internal-security diplomacy events, offline. "
        "Without a command, opens the terminal explorer.",
    )
    parser.add_argument("--version", action="version", version=f"gsi-explorer {__version__}")
    _add_common(parser, None)
    parser.add_argument("--view", default=None, help="reopen a saved browser view (the spec string shown in the app)")
    common = argparse.ArgumentParser(add_help=False)
    _add_common(common, argparse.SUPPRESS)  # SUPPRESS: a subcommand's absent flag must not erase a top-level one
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub, common)
    return parser


def settings_from_args(args: argparse.Namespace) -> Settings:
    return load_settings(
        getattr(args, "config", None),
        {
            "paths": {"db": getattr(args, "db", None), "data": getattr(args, "data", None)},
            "model": {"llm": getattr(args, "model", None)},
        },
    )


def main(argv: list[str] | None = None) -> int:
    enforce_offline()
    parser = build_parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parser.parse_args(argv)
    handler: Handler | None = getattr(args, "handler", None)
    if handler is None:  # no command: open the explorer
        handler = importlib.import_module("gsi_explorer.tui.cli").run
    try:
        return int(handler(args, settings_from_args(args)) or 0)
    except (GsiError, ConfigError) as exc:
        print(f"gsi-explorer: {exc}", file=sys.stderr)
        return getattr(exc, "exit_code", 2)
    except KeyboardInterrupt:
        print("gsi-explorer: interrupted", file=sys.stderr)
        return 130
