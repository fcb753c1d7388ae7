"""Ask where to write the current view; the format follows the file name (.csv or .parquet)."""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from gsi_explorer.tui.safe_text import text

FORMATS = {".csv": "csv", ".parquet": "parquet", ".pq": "parquet"}


def export_format(path: Path) -> str | None:
    return FORMATS.get(path.suffix.lower())


class ExportScreen(ModalScreen[tuple[Path, str] | None]):
    """Dismisses with (absolute path, format) or None when cancelled."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, description: str, default_name: str = "gsi-view.csv") -> None:
        super().__init__(classes="modal")
        self.description = description
        self.default_name = default_name

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="export-dialog"):
            yield Static(text(f"Export {self.description}"), classes="dialog-title")
            yield Static("File name (.csv or .parquet), Enter to continue, Esc to cancel:")
            yield Input(value=self.default_name, id="export-path")
            yield Static("", id="export-error", classes="error")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        raw = event.value.strip()
        error = self.query_one("#export-error", Static)
        if not raw:
            error.update("Type a file name.")
            return
        path = Path(raw).expanduser()
        if not path.is_absolute():
            path = Path.cwd() / path
        fmt = export_format(path)
        if fmt is None:
            error.update(text(f"Unknown extension {path.suffix or '(none)'!r}: end the name with .csv or .parquet."))
            return
        if not path.parent.is_dir():
            error.update(text(f"Folder {path.parent} does not exist: create it or choose another folder."))
            return
        self.dismiss((path, fmt))

    def action_cancel(self) -> None:
        self.dismiss(None)
