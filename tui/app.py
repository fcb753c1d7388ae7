"""The explorer app: owns the EventStore and the screen stack; screens ask it to open records and dialogs.

Only the browse screen is imported at start-up; charts, SQL, help and Ask are imported when first opened so the
first paint never waits for plotting or the question-answering stack.
"""

from __future__ import annotations

import os
import time
from functools import partial
from pathlib import Path
from typing import Iterable

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from gsi_explorer.data.query import FACETS, View
from gsi_explorer.tui.result_cache import ResultCache
from gsi_explorer.tui.safe_text import clean
from gsi_explorer.tui.screens.browse import BrowseScreen

FIRST_PAINT_ENV = "GSI_TUI_FIRST_PAINT"  # bench: write a timestamp to this file and exit once rows are on screen


class GsiApp(App):
    CSS_PATH = "app.tcss"
    TITLE = "gsi-explorer"
    BINDINGS = [Binding("ctrl+q", "quit", "Quit", show=False, priority=True)]

    def __init__(self, store, view: View | None = None, page_size: int = 200, facets: Iterable[str] = FACETS,
                 settings=None) -> None:
        super().__init__()
        self.store = store
        self.settings = settings  # carries --model/--config to the Ask screen
        self.cache = ResultCache()
        self.initial_view = view or View()
        self.page_size = page_size
        self.facets = tuple(facets)
        self._first_paint_done = False

    def get_default_screen(self) -> Screen:
        return BrowseScreen(self.store, self.initial_view, self.facets, self.page_size, self.cache)

    @property
    def browse(self) -> BrowseScreen:
        return next(s for s in self.screen_stack if isinstance(s, BrowseScreen))

    @property
    def view(self) -> View:
        return self.browse.view

    # -- navigation ----------------------------------------------------------------------------------------
    def open_record(self, row_id: str) -> None:
        from gsi_explorer.tui.screens.detail import DetailScreen

        self.push_screen(DetailScreen(self.store, str(row_id)))

    def action_help(self) -> None:
        from gsi_explorer.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_charts(self) -> None:
        from gsi_explorer.tui.screens.charts import ChartsScreen

        self.push_screen(ChartsScreen(self.store, self.view.filters))

    def action_sql(self) -> None:
        from gsi_explorer.tui.screens.sql import SqlScreen

        self.push_screen(SqlScreen(self.store))

    def action_ask(self) -> None:
        try:
            from gsi_explorer.tui.screens.ask import AskScreen
        except Exception as exc:  # the browser keeps working without question answering
            self.notify(clean(f"Ask is unavailable: {exc}"), severity="error", markup=False)
            return
        self.push_screen(AskScreen(view=self.view, on_open_event=self.open_record))

    def action_view_spec(self) -> None:
        from gsi_explorer.tui.screens.view_spec import ViewSpecScreen

        def reopen(view: View | None) -> None:
            if view is not None:
                self.browse.query_one("#search").value = view.filters.search
                self.browse.show_view(view)

        self.push_screen(ViewSpecScreen(self.view, View), reopen)

    # -- export --------------------------------------------------------------------------------------------
    def action_export(self) -> None:
        from gsi_explorer.tui.screens.export import ExportScreen
        from gsi_explorer.tui.widgets.unit_toggle import UNIT_NAMES, UnitToggle

        view = self.view
        n = self.browse.query_one(UnitToggle).counts.get(view.unit)
        what = f"{n if n is not None else 'all'} {UNIT_NAMES.get(view.unit, view.unit)} of the current view"
        ext = "csv"
        self.push_screen(ExportScreen(what, f"gsi-{view.unit}s.{ext}"), partial(self._export_chosen, view, what))

    def _export_chosen(self, view: View, what: str, choice: tuple[Path, str] | None) -> None:
        if choice is None:
            return
        from gsi_explorer.tui.screens.confirm import ConfirmScreen

        path, fmt = choice
        question = f"Write {what} to\n{path}\nas {fmt.upper()}?"
        if path.exists():
            question += "\nThe file exists and will be replaced."

        def answered(yes: bool | None) -> None:
            if yes:
                self._run_export(view, path, fmt)

        self.push_screen(ConfirmScreen(question), answered)

    def _run_export(self, view: View, path: Path, fmt: str) -> None:
        self.notify(clean(f"Exporting to {path}…"), markup=False)

        def work() -> None:
            try:
                n = self.store.export(view, path, fmt)
            except Exception as exc:
                self.notify(clean(f"Export failed: {exc}"), severity="error", timeout=10, markup=False)
                return
            self.notify(clean(f"Wrote {n} rows to {path}"), title="Export done", markup=False)

        self.run_worker(work, thread=True, group="export", exit_on_error=False)

    # -- command palette: every binding of the current screen, by its description -----------------------------
    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        seen: set[str] = set()
        for key, active in screen.active_bindings.items():
            binding = active.binding
            if not binding.description or binding.action in seen or binding.action in {"quit", "app.quit"}:
                continue
            seen.add(binding.action)
            yield SystemCommand(
                binding.description,
                f"key: {self.get_key_display(binding)}",
                partial(self._palette_run, active.node, binding.action),
            )

    async def _palette_run(self, node, action: str) -> None:
        await self.run_action(action, node)

    # -- start-up measurement ------------------------------------------------------------------------------
    def first_page_painted(self) -> None:
        if self._first_paint_done:
            return
        self._first_paint_done = True
        marker = os.environ.get(FIRST_PAINT_ENV)
        if marker:
            self.call_after_refresh(self._mark_and_exit, marker)

    def _mark_and_exit(self, marker: str) -> None:
        Path(marker).write_text(f"{time.time():.6f}\n", encoding="utf-8")
        self.exit()
