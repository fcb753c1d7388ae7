"""A virtual table over `EventStore.page`: only the rows on screen are fetched, so a million rows scroll smoothly.

Rows live in a small page cache filled by thread workers; a generation counter discards pages that arrive for a
view the user has already left. Sorting is requested from the screen (DuckDB sorts the whole filtered set).
"""

from __future__ import annotations

from typing import Callable

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from gsi_explorer.tui.safe_text import clean

# Header labels and relative widths for the columns EventStore.page returns; unknown columns get defaults.
COLUMN_LABELS = {
    "date": "Date",
    "cn_official": "Chinese official",
    "cn_agency": "Agency",
    "cn_rank": "Rank",
    "counterpart": "Country / org",
    "counterpart_country": "Country / org",
    "counterpart_org": "Org",
    "counterpart_name": "Counterpart",
    "format": "Format",
    "host_event": "Host event",
    "place": "Place",
    "city": "Place",
    "n_interactions": "Meetings",
    "n_matched": "Matched",
    "mode": "Mode",
    "confidence": "Conf.",
    "n_counterparts": "Counterparts",
    "cn_lead": "Chinese official",
    "counterparts": "Counterparts",
    "regions": "Regions",
}
COLUMN_WEIGHTS = {
    "date": (10, 0),
    "cn_agency": (6, 0),
    "n_interactions": (8, 0),
    "n_counterparts": (12, 0),
    "n_matched": (7, 0),
    "mode": (9, 0),
    "confidence": (6, 0),
    "cn_lead": (12, 2),
    "counterparts": (14, 3),
    "regions": (10, 1),
    "cn_rank": (11, 1),
    "format": (10, 1),
    "cn_official": (16, 2),
    "counterpart": (13, 2),
    "counterpart_country": (12, 2),
    "counterpart_name": (12, 3),
    "host_event": (10, 2),
    "place": (8, 1),
    "city": (8, 1),
}
PAGE_CACHE = 48  # pages kept in memory


def column_label(name: str) -> str:
    return COLUMN_LABELS.get(name, name.replace("_", " ").capitalize())


def fit(value: str, width: int) -> str:
    """Pad or cut `value` to exactly `width` cells, marking a cut with an ellipsis."""
    if width <= 0:
        return ""
    if cell_len(value) > width:
        return set_cell_size(value, width - 1) + "…"
    return set_cell_size(value, width)


class EventsTable(ScrollView, can_focus=True):
    """Rows of the current view; first page column is the row id (hidden)."""

    COMPONENT_CLASSES = {
        "events-table--header",
        "events-table--header-column",
        "events-table--cursor",
        "events-table--cursor-blurred",
        "events-table--loading",
        "events-table--stripe",
    }

    BINDINGS = [
        Binding("enter", "open_row", "Open", show=True),
        Binding("s", "sort_column", "Sort", show=True),
        Binding("up", "cursor(-1)", "Up", show=False),
        Binding("down", "cursor(1)", "Down", show=False),
        Binding("k", "cursor(-1)", "Up", show=False),
        Binding("j", "cursor(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home,g", "jump(0)", "First row", show=False),
        Binding("end,G", "jump(-1)", "Last row", show=False),
        Binding("left,h", "column(-1)", "Column left", show=False),
        Binding("right,l", "column(1)", "Column right", show=False),
    ]

    cursor_row: reactive[int] = reactive(0)
    cursor_column: reactive[int] = reactive(1)

    class RowOpened(Message):
        def __init__(self, row_id: str) -> None:
            self.row_id = row_id
            super().__init__()

    class SortRequested(Message):
        def __init__(self, column: str) -> None:
            self.column = column
            super().__init__()

    class PageLoaded(Message):
        """A page arrived for the current view (first one carries the total)."""

        def __init__(self, total: int, offset: int) -> None:
            self.total = total
            self.offset = offset
            super().__init__()

    class PageFailed(Message):
        """A page could not be fetched; the error is shown in the table."""

    def __init__(self, fetch: Callable, page_size: int = 200, **kwargs) -> None:
        super().__init__(**kwargs)
        self._fetch = fetch  # fetch(view, offset, limit) -> Page, called in a thread
        self.page_size = max(10, page_size)
        self.view = None
        self.columns: list[str] = []
        self.total = 0
        self.sort: tuple[tuple[str, bool], ...] = ()
        self._pages: dict[int, list[tuple]] = {}
        self._pending: set[int] = set()
        self._generation = 0
        self._widths: list[int] = []
        self._visible: list[int] = []  # indices into columns, in display order
        self._first_col = 2  # first scrolled column when not all fit (column 1 stays)
        self.error: str | None = None

    # -- loading -------------------------------------------------------------------------------------------
    def load(self, view) -> None:
        """Show `view`: forget cached rows, fetch the first page; later pages come as they scroll into sight."""
        self._generation += 1
        self.view = view
        self.sort = tuple(view.sort)
        self._pages.clear()
        self._pending.clear()
        self.error = None
        self.cursor_row = 0
        self.scroll_to(y=0, animate=False)
        self._request(0)
        self.refresh()

    def _request(self, page_no: int) -> None:
        if page_no in self._pages or page_no in self._pending or self.view is None:
            return
        self._pending.add(page_no)
        gen, view, limit = self._generation, self.view, self.page_size
        self.run_worker(
            lambda: self._fetch_thread(gen, view, page_no, limit),
            thread=True,
            group="events-table-pages",
            exit_on_error=False,
        )

    def _fetch_thread(self, gen: int, view, page_no: int, limit: int) -> None:
        try:
            page = self._fetch(view, page_no * limit, limit)
        except Exception as exc:  # shown in the table, the app keeps running
            self.app.call_from_thread(self._fail, gen, page_no, exc)
            return
        self.app.call_from_thread(self._deliver, gen, page_no, page)

    def _fail(self, gen: int, page_no: int, exc: Exception) -> None:
        if gen != self._generation:
            return
        self._pending.discard(page_no)
        self.error = clean(str(exc))
        self.refresh()
        self.post_message(self.PageFailed())

    def _deliver(self, gen: int, page_no: int, page) -> None:
        if gen != self._generation:
            return  # stale: the view changed while this page was fetched
        self._pending.discard(page_no)
        if not self.columns or list(page.columns) != self.columns:
            self.columns = list(page.columns)
            self.cursor_column = min(max(1, self.cursor_column), max(1, len(self.columns) - 1))
            self._layout_columns()
        self._pages[page_no] = list(page.rows)
        if len(self._pages) > PAGE_CACHE:
            here = self.cursor_row // self.page_size
            for far in sorted(self._pages, key=lambda p: -abs(p - here))[: len(self._pages) - PAGE_CACHE]:
                del self._pages[far]
        if page.total != self.total:
            self.total = page.total
            self.cursor_row = min(self.cursor_row, max(0, self.total - 1))
        self._update_virtual_size()
        self.refresh()
        self.post_message(self.PageLoaded(page.total, page.offset))

    # -- geometry ------------------------------------------------------------------------------------------
    def _update_virtual_size(self) -> None:
        self.virtual_size = Size(self.scrollable_content_region.width, self.total + 1)

    def on_resize(self) -> None:
        self._layout_columns()
        self._update_virtual_size()

    def _layout_columns(self) -> None:
        """Fit the columns to the width; when they cannot all fit, the first stays and the rest scroll with the
        column cursor (← →), VisiData-style."""
        n = len(self.columns)
        if n <= 1:
            self._visible, self._widths = [], []
            return
        width = max(20, self.scrollable_content_region.width - 1)
        mins = {i: COLUMN_WEIGHTS.get(self.columns[i], (8, 1))[0] for i in range(1, n)}

        def need(cols: list[int]) -> int:
            return sum(mins[i] for i in cols) + len(cols)  # one space per column

        if need(list(range(1, n))) <= width:
            visible = list(range(1, n))
        else:
            cursor = max(2, self.cursor_column)
            first = min(max(2, self._first_col), cursor)
            while first < cursor and need([1, *range(first, cursor + 1)]) > width:
                first += 1
            last = cursor
            while last + 1 < n and need([1, *range(first, last + 2)]) <= width:
                last += 1
            self._first_col = first
            visible = [1, *range(first, last + 1)]
        weights = [COLUMN_WEIGHTS.get(self.columns[i], (8, 1))[1] for i in visible]
        spare = max(0, width - need(visible))
        total_w = sum(weights) or 1
        widths = [mins[i] + spare * w // total_w for i, w in zip(visible, weights)]
        widths[-1] += max(0, width - len(visible) - sum(widths))
        self._visible, self._widths = visible, widths

    @property
    def data_height(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)

    # -- rows ----------------------------------------------------------------------------------------------
    def row(self, index: int) -> tuple | None:
        page = self._pages.get(index // self.page_size)
        if page is None:
            return None
        local = index % self.page_size
        return page[local] if local < len(page) else None

    def current_row_id(self) -> str | None:
        row = self.row(self.cursor_row)
        return None if row is None else str(row[0])

    def visible_rows(self) -> list[tuple]:
        """Rows currently on screen (loaded ones), for tests and screen readers."""
        top = int(self.scroll_offset.y)
        rows = []
        for i in range(top, min(self.total, top + self.data_height)):
            r = self.row(i)
            if r is not None:
                rows.append(r)
        return rows

    # -- rendering -----------------------------------------------------------------------------------------
    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        if y == 0:
            return self._header_strip(width)
        if self.error and self.total == 0:
            if y == 1:
                return Strip([Segment(fit(f" Error: {self.error}", width), self.get_component_rich_style("events-table--loading"))])
            return Strip.blank(width)
        index = int(self.scroll_offset.y) + y - 1
        if index >= self.total:
            if self.total == 0 and y == 1 and self.view is not None and not self._pending:
                return Strip([Segment(fit(" No rows match the current filters.", width), self.get_component_rich_style("events-table--loading"))])
            return Strip.blank(width)
        row = self.row(index)
        if row is None:
            self._request(index // self.page_size)
            return Strip([Segment(fit(" …", width), self.get_component_rich_style("events-table--loading"))])
        if index == self.cursor_row:
            base = self.get_component_rich_style("events-table--cursor" if self.has_focus else "events-table--cursor-blurred")
        elif index % 2:
            base = self.get_component_rich_style("events-table--stripe")
        else:
            base = self.rich_style
        segments = [Segment(" ", base)]
        for i, w in zip(self._visible, self._widths):
            segments.append(Segment(fit(clean(row[i]), w) + " ", base))
        return Strip(segments).adjust_cell_length(width, base)

    def _header_strip(self, width: int) -> Strip:
        header = self.get_component_rich_style("events-table--header")
        current = self.get_component_rich_style("events-table--header-column")
        sort_dir = dict(self.sort[:1])
        segments = [Segment(" ", header)]
        for i, w in zip(self._visible, self._widths):
            name = self.columns[i]
            label = column_label(name)
            if name in sort_dir:  # arrow first, so a narrow column still shows it
                label = ("▼ " if sort_dir[name] else "▲ ") + label
            style = current if i == self.cursor_column and self.has_focus else header
            segments.append(Segment(fit(label, w), style))
            segments.append(Segment(" ", header))
        return Strip(segments).adjust_cell_length(width, header)

    # -- cursor --------------------------------------------------------------------------------------------
    def watch_cursor_row(self, old: int, new: int) -> None:
        top = int(self.scroll_offset.y)
        if new < top:
            self.scroll_to(y=new, animate=False)
        elif new >= top + self.data_height:
            self.scroll_to(y=new - self.data_height + 1, animate=False)
        self.refresh()

    def watch_cursor_column(self) -> None:
        self._layout_columns()
        self.refresh()

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    def _move(self, row: int) -> None:
        if self.total:
            self.cursor_row = max(0, min(self.total - 1, row))

    def action_cursor(self, delta: int) -> None:
        self._move(self.cursor_row + delta)

    def action_page(self, delta: int) -> None:
        self._move(self.cursor_row + delta * self.data_height)

    def action_jump(self, where: int) -> None:
        self._move(self.total - 1 if where < 0 else where)

    def action_column(self, delta: int) -> None:
        if len(self.columns) > 1:
            self.cursor_column = max(1, min(len(self.columns) - 1, self.cursor_column + delta))

    def action_open_row(self) -> None:
        row_id = self.current_row_id()
        if row_id is not None:
            self.post_message(self.RowOpened(row_id))

    def action_sort_column(self) -> None:
        if len(self.columns) > 1:
            self.post_message(self.SortRequested(self.columns[self.cursor_column]))

    def on_click(self, event) -> None:
        y = event.y if hasattr(event, "y") else 0
        if y >= 1:
            self._move(int(self.scroll_offset.y) + y - 1)
