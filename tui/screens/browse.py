"""The main screen: facets on the left, search and the events table on the right.

Every change of filters, sort or unit produces a new immutable View; the table, the facet counts and the unit
counts are then refreshed in thread workers, and anything that arrives for an older View is dropped.
"""

from __future__ import annotations

from dataclasses import replace

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from gsi_explorer.data.query import SORT_ALIASES
from gsi_explorer.tui.filter_text import describe_filters
from gsi_explorer.tui.result_cache import ResultCache
from gsi_explorer.tui.safe_text import clean
from gsi_explorer.tui.widgets.events_table import EventsTable, column_label
from gsi_explorer.tui.widgets.facet_list import FacetList
from gsi_explorer.tui.widgets.facet_panel import FacetPanel
from gsi_explorer.tui.widgets.unit_toggle import UnitToggle

SEARCH_DELAY = 0.25  # seconds of quiet typing before the search runs


class BrowseScreen(Screen):
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (120, "-wide")]
    BINDINGS = [
        Binding("slash", "focus_search", "Search"),
        Binding("u", "toggle_unit", "Unit"),
        Binding("f", "focus_facets", "Facets"),
        Binding("t", "focus_table", "Table"),
        Binding("X", "clear_all", "Clear all"),
        Binding("c", "app.charts", "Charts"),
        Binding("e", "app.export", "Export"),
        Binding("colon", "app.sql", "SQL"),
        Binding("v", "app.view_spec", "View spec"),
        Binding("a", "app.ask", "Ask"),
        Binding("question_mark", "app.help", "Help"),
        Binding("q", "app.quit", "Quit"),
        Binding("escape", "focus_table", "Table", show=False),
    ]

    def __init__(self, store, view, facets: tuple[str, ...], page_size: int = 200, cache=None) -> None:
        super().__init__(id="browse")
        self.store = store
        self.cache = cache or ResultCache()
        self.view = view
        self.facets = facets
        self.page_size = page_size
        self._counts_generation = 0
        self._search_timer = None
        self._first_rows_shown = False  # at start-up the rows go first; facets and counts follow

    def compose(self) -> ComposeResult:
        with Horizontal(id="browse-body"):
            yield FacetPanel(self.store, self.facets, cache=self.cache, id="facets")
            with Vertical(id="browse-main"):
                yield Input(
                    value=self.view.filters.search,
                    placeholder="Search names, titles, summaries, topics, host events  ( / )",
                    id="search",
                )
                yield UnitToggle(id="unit")
                yield Static("", id="view-status")
                yield EventsTable(self._page, page_size=self.page_size, id="table")
        yield Footer()

    def on_mount(self) -> None:
        self.show_view(self.view)
        self.query_one(EventsTable).focus()

    # -- the one place a view change happens ---------------------------------------------------------------
    def show_view(self, view) -> None:
        self.view = view
        self.query_one(UnitToggle).set_unit(view.unit)
        self.query_one(EventsTable).load(view)
        if self._first_rows_shown:
            self._refresh_side_panels()
        self._paint_status()

    def _refresh_side_panels(self) -> None:
        self.query_one(FacetPanel).show(self.view.filters)
        self._refresh_counts(self.view.filters)

    def _page(self, view, offset: int, limit: int):
        """A page of rows (called in a thread by the table), remembered for when the user comes back to this view."""
        return self.cache.get_or_compute(("page", view, offset, limit), lambda: self.store.page(view, offset, limit))

    def _refresh_counts(self, filters) -> None:
        self._counts_generation += 1
        gen = self._counts_generation
        self.query_one(UnitToggle).set_counts(None, None)

        def work() -> None:
            try:
                n_int, n_evt = self.cache.get_or_compute(
                    ("counts", filters),
                    lambda: (self.store.count(filters, unit="interaction"), self.store.count(filters, unit="event")),
                )
            except Exception as exc:
                self.notify(clean(str(exc)), severity="error", markup=False)
                return
            self.app.call_from_thread(self._deliver_counts, gen, n_int, n_evt)

        self.run_worker(work, thread=True, group="unit-counts", exit_on_error=False)

    def _deliver_counts(self, gen: int, n_int: int, n_evt: int) -> None:
        if gen == self._counts_generation:
            self.query_one(UnitToggle).set_counts(n_int, n_evt)

    def _paint_status(self) -> None:
        sort = ", ".join(f"{column_label(c)} {'▼' if d else '▲'}" for c, d in self.view.sort)
        line = f"Filters: {describe_filters(self.view.filters)}   Sort: {sort or 'none'}"
        self.query_one("#view-status", Static).update(Text(line))

    # -- events from widgets -------------------------------------------------------------------------------
    def on_facet_list_toggled(self, event: FacetList.Toggled) -> None:
        self.show_view(replace(self.view, filters=self.view.filters.toggle(event.facet, event.value)))

    def on_facet_list_cleared(self, event: FacetList.Cleared) -> None:
        self.show_view(replace(self.view, filters=self.view.filters.clear(event.facet)))

    def on_facet_list_order_changed(self, event: FacetList.OrderChanged) -> None:
        self.query_one(FacetPanel).show(self.view.filters)

    def on_events_table_row_opened(self, event: EventsTable.RowOpened) -> None:
        self.app.open_record(event.row_id)

    def on_events_table_sort_requested(self, event: EventsTable.SortRequested) -> None:
        current = self.view.sort[0] if self.view.sort else None
        descending = (not current[1]) if current and current[0] == event.column else False
        self.show_view(replace(self.view, sort=((event.column, descending),)))

    def on_events_table_page_loaded(self, event: EventsTable.PageLoaded) -> None:
        self.app.first_page_painted()
        self._start_side_panels()

    def on_events_table_page_failed(self, event: EventsTable.PageFailed) -> None:
        self._start_side_panels()

    def _start_side_panels(self) -> None:
        """At start-up: once the first rows are painted, fill the facets and counts."""
        if not self._first_rows_shown:
            self._first_rows_shown = True
            self.call_after_refresh(self._refresh_side_panels)

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id != "search":
            return
        if self._search_timer is not None:
            self._search_timer.stop()
        self._search_timer = self.set_timer(SEARCH_DELAY, self._apply_search)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "search":
            self._apply_search()
            self.query_one(EventsTable).focus()

    def _apply_search(self) -> None:
        if self._search_timer is not None:
            self._search_timer.stop()
            self._search_timer = None
        text = self.query_one("#search", Input).value.strip()
        if text != self.view.filters.search:
            self.show_view(replace(self.view, filters=replace(self.view.filters, search=text)))

    # -- actions -------------------------------------------------------------------------------------------
    def action_focus_search(self) -> None:
        self.query_one("#search", Input).focus()

    def action_focus_table(self) -> None:
        self.query_one(EventsTable).focus()

    def action_focus_facets(self) -> None:
        focused = self.focused
        lists = list(self.query(FacetList))
        if isinstance(focused, FacetList) and focused in lists:  # f again: next facet
            lists[(lists.index(focused) + 1) % len(lists)].focus()
        else:
            lists[0].focus()

    def action_toggle_unit(self) -> None:
        unit = "event" if self.view.unit == "interaction" else "interaction"
        # keep the sort meaningful: the official of an interaction is the lead of an event, and so on
        sort = tuple((SORT_ALIASES.get(unit, {}).get(column, column), desc) for column, desc in self.view.sort)
        self.show_view(replace(self.view, unit=unit, sort=sort))

    def action_clear_all(self) -> None:
        self.query_one("#search", Input).value = ""
        self.show_view(replace(self.view, filters=self.view.filters.clear()))
