"""The current view as a short string: copy it, or paste one to reopen a saved view."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from gsi_explorer.tui.safe_text import text


def shell_quote(spec: str) -> str:
    return "'" + spec.replace("'", "'\\''") + "'"


class ViewSpecScreen(ModalScreen):
    """Dismisses with a new View when the user edits the spec and presses Enter, else None."""

    BINDINGS = [
        Binding("escape", "close", "Close"),
        Binding("ctrl+y", "copy", "Copy spec", priority=True),
    ]

    def __init__(self, view, view_class) -> None:
        super().__init__(classes="modal")
        self.view = view
        self.view_class = view_class
        self.spec = view.to_spec()

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="view-dialog"):
            yield Static("View spec — Ctrl+Y copies; edit and press Enter to open another view; Esc closes",
                         classes="dialog-title")
            yield Input(value=self.spec, id="view-spec-input")
            yield Static(text(f"Reopen from a shell:  gsi-explorer --view {shell_quote(self.spec)}"), id="view-command")
            yield Static("", id="view-error", classes="error")

    def action_copy(self) -> None:
        self.app.copy_to_clipboard(self.spec)
        self.notify(self.spec, title="View spec copied (if your terminal allows OSC 52)", markup=False)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        raw = event.value.strip()
        if raw == self.spec:
            self.dismiss(None)
            return
        try:
            view = self.view_class.from_spec(raw)
        except Exception as exc:
            self.query_one("#view-error", Static).update(text(str(exc)))
            return
        self.dismiss(view)

    def action_close(self) -> None:
        self.dismiss(None)
