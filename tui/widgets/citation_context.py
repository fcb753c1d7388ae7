"""A cited passage in its context: its paragraph between the paragraphs before and after it."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from gsi_explorer.tui.safe_text import clean


class CitationContextScreen(ModalScreen):
    BINDINGS = [Binding("escape,q,enter", "dismiss", "Close")]

    def __init__(self, title: str, paragraphs: list[tuple[str, str, bool]]) -> None:
        super().__init__(classes="citation-context-screen")
        self.title_text = title
        self.paragraphs = paragraphs  # (label, text, is the cited one)

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="citation-context"):
            yield Static(Text(clean(self.title_text), style="bold"), id="citation-context-title")
            for label, body, cited in self.paragraphs:
                yield Static(Text(clean(label), style="bold green" if cited else "dim"), classes="context-label")
                yield Static(Text(clean(body, multiline=True)), classes="context-paragraph" + (" -cited" if cited else ""))
        yield Footer()

    def on_mount(self) -> None:
        cited = self.query(".context-paragraph.-cited")
        if cited:
            self.call_after_refresh(cited.first().scroll_visible, animate=False, top=True)
