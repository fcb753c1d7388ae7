"""Read-only SQL against the event database; results in a table, errors inline, Esc interrupts a long query."""

from __future__ import annotations

import time

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static, TextArea

from gsi_explorer.tui.safe_text import clean, text

EXAMPLE = "SELECT counterpart_country, count(*) AS n\nFROM interactions\nGROUP BY 1 ORDER BY n DESC\nLIMIT 20"


class SqlScreen(Screen):
    BINDINGS = [
        Binding("ctrl+r", "run", "Run", priority=True),
        Binding("f5", "run", "Run", show=False, priority=True),
        Binding("escape", "interrupt_or_back", "Stop / Back", priority=True),
        Binding("ctrl+c", "interrupt", "Stop", show=False, priority=True),
        Binding("ctrl+l", "clear_editor", "Clear editor"),
        Binding("tab", "focus_next", "Editor/results", show=False),
    ]

    def __init__(self, store, query: str = EXAMPLE, limit: int = 1000) -> None:
        super().__init__(classes="sql-screen")
        self.store = store
        self.initial = query
        self.limit = limit
        self.running = False
        self._run_id = 0

    def compose(self) -> ComposeResult:
        yield Static("SQL (read-only) — Ctrl+R runs, Esc stops a running query or goes back", id="sql-caption")
        yield TextArea(self.initial, id="sql-editor", soft_wrap=True, show_line_numbers=False, tab_behavior="indent")
        yield Static("", id="sql-message")
        yield DataTable(id="sql-results", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(TextArea).focus()

    def action_run(self) -> None:
        if self.running:
            self.notify("A query is running: Esc stops it.")
            return
        query = self.query_one(TextArea).text.strip()
        if not query:
            return
        self.running = True
        self._run_id += 1
        run_id = self._run_id
        self._message("Running… (Esc or Ctrl+C to stop)", "running")
        started = time.perf_counter()

        def work() -> None:
            try:
                result = self.store.sql(query, limit=self.limit)
            except Exception as exc:  # the store's message names the problem (read-only, syntax, interrupted)
                self.app.call_from_thread(self._failed, run_id, exc)
                return
            self.app.call_from_thread(self._show, run_id, result, time.perf_counter() - started)

        self.run_worker(work, thread=True, group="sql", exit_on_error=False)

    def action_clear_editor(self) -> None:
        editor = self.query_one(TextArea)
        editor.text = ""
        editor.focus()

    def _message(self, message: str, kind: str) -> None:
        widget = self.query_one("#sql-message", Static)
        widget.update(text(message, multiline=True))
        widget.set_classes(f"sql-{kind}")

    def _failed(self, run_id: int, exc: Exception) -> None:
        if run_id != self._run_id:
            return
        self.running = False
        self._message(f"Error: {exc}", "error")

    def _show(self, run_id: int, result, seconds: float) -> None:
        if run_id != self._run_id:
            return
        self.running = False
        table = self.query_one("#sql-results", DataTable)
        table.clear(columns=True)
        for name in result.columns:
            table.add_column(text(name))
        for row in result.rows:
            table.add_row(*(text("NULL" if v is None else v) for v in row))
        more = f" (first {len(result.rows)} shown)" if result.truncated else ""
        self._message(f"{len(result.rows)} rows{more} in {seconds * 1000:.0f} ms", "ok")

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action == "interrupt":
            return self.running  # otherwise Ctrl+C reaches the editor (copy)
        return True

    def action_interrupt(self) -> None:
        if self.running:
            self.store.interrupt()
            self._message("Stopping…", "running")

    def action_interrupt_or_back(self) -> None:
        if self.running:
            self.action_interrupt()
        else:
            self.app.pop_screen()

    @property
    def result_rows(self) -> list[list[str]]:
        """The results as shown (plain strings), for tests."""
        table = self.query_one("#sql-results", DataTable)
        return [[clean(c) for c in table.get_row_at(i)] for i in range(table.row_count)]
