"""Helpers for driving the app with Pilot: wait until background work has landed, read what is on screen."""

from __future__ import annotations

from gsi_explorer.tui.widgets.events_table import EventsTable
from gsi_explorer.tui.widgets.facet_list import FacetList


async def settle(pilot, quiet_rounds: int = 3, max_rounds: int = 400) -> None:
    """Wait until no worker runs and nothing new started for a few event-loop rounds."""
    quiet = 0
    for _ in range(max_rounds):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause(0.01)
        if any(w.is_running for w in pilot.app.workers):
            quiet = 0
        else:
            quiet += 1
            if quiet >= quiet_rounds:
                return
    raise AssertionError("the app did not settle")


def table(app) -> EventsTable:
    return app.screen.query_one(EventsTable)


def facet(app, name: str) -> FacetList:
    return app.screen.query_one(f"#facet-{name}", FacetList)


def facet_counts(app, name: str) -> dict[str, int]:
    return {v.value: v.count for v in facet(app, name).values}


def table_lines(app) -> list[str]:
    """The events table as rendered text lines (header first), exactly what reaches the terminal."""
    t = table(app)
    return ["".join(seg.text for seg in t.render_line(y)) for y in range(t.size.height)]
