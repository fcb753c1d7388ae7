"""Data cannot drive the terminal; a bad --view is a clear message; start-up stays light."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import duckdb
import pytest

from gsi_explorer.tui.safe_text import clean, text
from tests.tui.pilot import facet, settle, table_lines

HOSTILE = (
    "Evil\x1b[31mRed\x1b[0m"  # colour
    "\x1b]0;pwned\x07"  # window title (OSC)
    "\x1b]52;c;ZXZpbA==\x07"  # clipboard write (OSC 52)
    "\x1b[2J\x1b[H"  # clear screen, cursor home
    "\x1bP1$qm\x1b\\"  # DCS
    "\x9b6n"  # 8-bit CSI: device status report
    "\x00\x08\x7f\u202e"  # NUL, backspace, DEL, right-to-left override
    "[bold]Tag[/bold]"  # Rich markup must stay literal
)
SEQUENCES = ("\x1b]0;", "\x1b]52;c;ZXZpbA", "\x1bP1$q", "\x9b", "\x00", "\x08", "\x7f", "\u202e", "\x07pwned")


@pytest.mark.parametrize(
    "raw, shown",
    [
        (HOSTILE, "EvilRed[bold]Tag[/bold]"),
        ("a\tb\nc\r\nd", "a b c d"),
        (None, ""),
        (["x\x1b[1my", "z"], "xy; z"),
        ("plain — ünïcödé 王小洪", "plain — ünïcödé 王小洪"),
    ],
)
def test_clean_keeps_text_and_drops_control(raw, shown):
    assert clean(raw) == shown
    assert text(raw).plain == shown
    assert not text(raw).spans  # no markup was interpreted


def test_clean_multiline_keeps_line_breaks():
    assert clean("one\ntwo\x1b[1m", multiline=True) == "one\ntwo"


@pytest.fixture
def hostile_db(db_path, tmp_path):
    """A copy of the test database whose newest interaction carries escape sequences in several fields."""
    path = tmp_path / "hostile.duckdb"
    shutil.copyfile(db_path, path)
    con = duckdb.connect(str(path))
    row_id = con.execute("SELECT interaction_id FROM interactions ORDER BY date DESC NULLS LAST, interaction_id "
                         "LIMIT 1").fetchone()[0]
    con.execute("UPDATE interactions SET counterpart_name = ?, summary = ?, host_event = ?, cn_official = ?, "
                "source_url = ? WHERE interaction_id = ?",
                [HOSTILE, HOSTILE, HOSTILE, HOSTILE, "https://example.org/\x1b]52;c;ZXZpbA==\x07x", row_id])
    con.close()
    return path, row_id


def terminal_bytes(app) -> str:
    """What the app would write to the terminal for a full repaint of the current screen."""
    update = app.screen._compositor.render_update(full=True)
    return update.render_segments(app.console)


@pytest.mark.anyio
async def test_escape_sequences_in_data_never_reach_the_terminal(hostile_db):
    from gsi_explorer.data.query import EventStore
    from gsi_explorer.tui.app import GsiApp

    path, row_id = hostile_db
    store = EventStore.open(path)
    try:
        app = GsiApp(store)
        async with app.run_test(size=(200, 48)) as pilot:
            await settle(pilot)
            lines = table_lines(app)
            assert any("EvilRed" in line for line in lines)
            out = terminal_bytes(app)
            for seq in SEQUENCES:
                assert seq not in out, repr(seq)
            official = facet(app, "official")
            assert HOSTILE in [v.value for v in official.values]  # the value itself is kept for filtering
            prompts = [str(official.get_option_at_index(i).prompt) for i in range(official.option_count)]
            assert any("EvilRed[bold]Tag[/bold]" in p for p in prompts)
            assert not any(seq in p for p in prompts for seq in SEQUENCES)
            app.open_record(row_id)
            await settle(pilot)
            out = terminal_bytes(app)
            assert "EvilRed[bold]Tag[/bold]" in "".join(c for c in out if c.isprintable())
            for seq in SEQUENCES:
                assert seq not in out, repr(seq)
            await pilot.press("y")
            assert app.clipboard == "https://example.org/x"  # the copied URL is the cleaned one
    finally:
        store.close()


def run_cli(*args, **env):
    return subprocess.run([sys.executable, "-m", "gsi_explorer", *args], capture_output=True, text=True,
                          timeout=120, env={**os.environ, **env}, stdin=subprocess.DEVNULL)


@pytest.mark.parametrize("command", [[], ["tui"]])
@pytest.mark.parametrize("spec", ["unit=sideways", "sort=-nonsense", "%%%&&&", "colour=blue"])
def test_garbage_view_spec_is_a_clear_error(db_path, command, spec):
    result = run_cli(*command, "--db", str(db_path), "--view", spec)
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("gsi-explorer: ")
    assert "view spec" in result.stderr
    assert "Traceback" not in result.stderr


def test_start_up_imports_no_model_or_plotting_stack():
    code = ("import sys, gsi_explorer.tui.cli, gsi_explorer.tui.app; "
            "heavy = ('torch', 'sentence_transformers', 'llama_cpp', 'faiss', 'bm25s', 'textual_plotext', "
            "'gsi_explorer.tui.screens.ask', 'gsi_explorer.index.answer'); "
            "print(','.join(m for m in heavy if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""
