"""The Ask screen driven by keys (Textual Pilot) over the real answer pipeline."""

from __future__ import annotations

import asyncio
import dataclasses

import pytest
from textual.app import App
from textual.widgets import Input, Static

from gsi_explorer.data.query import Filters, View
from gsi_explorer.tui.screens.ask import ANSWERER_ATTR, AskScreen
from gsi_explorer.tui.widgets.citation_list import CitationList


pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend():
    return "asyncio"


class Host(App):
    def __init__(self, answerer=None, settings=None, view=None):
        super().__init__()
        self.opened: list[str] = []
        self.settings = settings
        if answerer is not None:
            setattr(self, ANSWERER_ATTR, answerer)
        self._view = view

    def on_mount(self) -> None:
        self.push_screen(AskScreen(view=self._view, on_open_event=self.opened.append))


async def wait_for(pilot, condition, timeout=600.0):
    waited = 0.0
    while not condition():
        await asyncio.sleep(0.2)
        waited += 0.2
        assert waited < timeout, "timed out waiting for the answer"
    await pilot.pause()


async def test_question_answer_citation_and_history(answerer):
    view = View(filters=Filters(selections=(("year", ("2023",)),)))
    app = Host(answerer, view=view)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        assert isinstance(screen, AskScreen)
        await pilot.press("ctrl+t")  # ask about this view (year 2023)
        assert screen.scope_view
        box = screen.query_one("#ask-question", Input)
        box.value = "How many times did Wang Xiaohong meet Russian officials?"
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen.answers and not screen._answering)
        answer = screen.answers[-1]
        assert "year = 2023" in answer.structured_query
        md = screen.query_one("#ask-answer").markdown.source
        assert "interaction" in md and "[1]" in md
        citations = screen.query_one(CitationList)
        assert citations.display and len(citations.children) == len(answer.citations)
        citations.focus()
        citations.index = 0
        await pilot.press("enter")
        await pilot.pause()
        assert app.opened == [answer.citations[0].event_key]
        box.focus()
        await pilot.press("up")
        assert box.value == "How many times did Wang Xiaohong meet Russian officials?"
        await pilot.press("escape")  # nothing running: back to the browser
        await pilot.pause()
        assert not isinstance(app.screen, AskScreen)


async def test_escape_cancels_then_goes_back(answerer):
    app = Host(answerer)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = app.screen
        screen.query_one("#ask-question", Input).value = "What is the Global Security Initiative?"
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("escape")
        assert isinstance(app.screen, AskScreen) and screen._cancel_event.is_set()
        await wait_for(pilot, lambda: not screen._answering)
        assert screen.answers[-1].cancelled
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, AskScreen)


async def test_missing_model_is_shown_and_screen_stays_usable(index_settings, tmp_path):
    settings = dataclasses.replace(index_settings, model=dataclasses.replace(index_settings.model,
                                                                              llm=tmp_path / "gone.gguf"))
    app = Host(settings=settings)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = app.screen
        status = screen.query_one("#ask-status", Static)
        await wait_for(pilot, lambda: "unavailable" in str(status.render()), timeout=60)
        assert "gone.gguf" in str(status.render())
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, AskScreen)
