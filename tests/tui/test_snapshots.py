"""SVG snapshots of the main screens at a fixed terminal size (update with `pytest --snapshot-update`)."""

from __future__ import annotations

import re

import pytest

from tests.tui.pilot import settle

SIZE = (160, 48)


def test_browse(snap_compare, make_app):
    async def ready(pilot):
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=ready)


def test_browse_filtered_events(snap_compare, make_app):
    async def ready(pilot):
        await settle(pilot)
        await pilot.press("f", "space", "u")  # first country, then events
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=ready)


def test_detail(snap_compare, make_app):
    async def ready(pilot):
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert pilot.app.screen.row_id == pilot.app.browse.query_one("#table").row(0)[0]

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=ready)


@pytest.mark.parametrize("key", ["c", "question_mark"], ids=["charts", "help"])
def test_screen_opened_by_key(key, snap_compare, make_app):
    async def ready(pilot):
        await settle(pilot)
        await pilot.press(key)
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=ready)


def test_sql(snap_compare, make_app):
    async def ready(pilot):
        await settle(pilot)
        await pilot.press("colon")
        await pilot.pause()
        editor = pilot.app.screen.query_one("#sql-editor")
        editor.cursor_blink = False
        await pilot.press("ctrl+r")
        await settle(pilot)
        message = pilot.app.screen.query_one("#sql-message")
        message.update(re.sub(r" in \d+ ms", "", str(message.render())))  # the timing varies per run

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=ready)
