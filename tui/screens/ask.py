"""Ask screen: questions answered from the paper and the event records, with verified citations."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer, Static


class AskScreen(Screen):
    """Opened from the browser with the current view (for "ask about this view")."""

    BINDINGS = [("escape", "app.pop_screen", "Back")]

    def __init__(self, view=None, on_open_event=None) -> None:
        super().__init__()
        self.view = view
        self.on_open_event = on_open_event

    def compose(self) -> ComposeResult:
        yield Static("Question answering is loading…", id="ask-placeholder")
        yield Footer()
