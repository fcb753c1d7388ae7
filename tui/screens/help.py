"""Keys and screens, rendered from tui/help.md so the help text is edited as a document."""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Markdown

HELP_FILE = Path(__file__).resolve().parent.parent / "help.md"


class HelpScreen(Screen):
    BINDINGS = [
        Binding("escape,question_mark", "app.pop_screen", "Back"),
        Binding("q", "app.quit", "Quit"),
    ]

    def __init__(self) -> None:
        super().__init__(classes="help-screen")

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-body"):
            yield Markdown(HELP_FILE.read_text(encoding="utf-8"), id="help-text")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#help-body").focus()
