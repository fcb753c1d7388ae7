"""The paper's figures, recomputed for the current filters: meetings over time, bilateral meetings by region,
top countries by official and the share of 2024 interactions around the Lianyungang forum."""

from __future__ import annotations

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Static
from textual_plotext import PlotextPlot

from gsi_explorer.tui.filter_text import describe_filters
from gsi_explorer.tui.safe_text import clean, text

PANELS = (  # panel id -> series shown first
    ("time", "per_month"),
    ("region", "bilateral_by_region"),
    ("official", "top_countries_by_official"),
    ("lianyungang", "lianyungang_share_2024"),
)
PERIOD_SERIES = {"per_month", "per_quarter"}


def draw(plt, series) -> None:
    """Draw one Series with plotext; periods run along x, categories are horizontal bars."""
    plt.clear_data()
    plt.clear_figure()
    labels = [clean(label) for label in series.labels]
    names = [clean(name) for name in series.values]
    columns = [list(map(float, v)) for v in series.values.values()]
    if not labels or not columns:
        return
    kind = (series.kind or "bar").lower()
    if series.name in PERIOD_SERIES or kind == "line":
        xs = list(range(1, len(labels) + 1))
        if kind == "line":
            for name, ys in zip(names, columns):
                plt.plot(xs, ys, label=name, marker="hd")
        elif len(columns) == 1:
            plt.bar(xs, columns[0], width=0.8)
        else:
            plt.stacked_bar(xs, columns, labels=names, width=0.8)
        step = max(1, len(labels) // 6)
        plt.xticks(xs[::step], labels[::step])
        return
    rows = labels[::-1]  # plotext draws horizontal bars bottom-up; keep the first label on top
    cols = [c[::-1] for c in columns]
    if len(cols) == 1:
        plt.bar(rows, cols[0], orientation="horizontal", width=0.6)
    elif kind == "stacked":
        plt.stacked_bar(rows, cols, labels=names, orientation="horizontal", width=0.6)
    else:
        plt.multiple_bar(rows, cols, labels=names, orientation="horizontal", width=0.6)


def series_table(series) -> Table:
    """Series of kind "table" (the paper's Table 3) shown as a table: one row per label, one column per series."""
    grid = Table(expand=True, show_edge=False)
    grid.add_column(text("Country"))
    for name in series.values:
        grid.add_column(text(name), justify="right")
    for i, label in enumerate(series.labels):
        grid.add_row(text(label), *(text(f"{vals[i]:g}") for vals in series.values.values()))
    return grid


class ChartsScreen(Screen):
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("m", "toggle_period", "Month/quarter"),
        Binding("question_mark", "app.help", "Help"),
        Binding("q", "app.quit", "Quit"),
    ]

    def __init__(self, store, filters) -> None:
        super().__init__(classes="charts-screen")
        self.store = store
        self.filters = filters
        self.period = "per_month"
        self.loaded: dict[str, object] = {}

    def compose(self) -> ComposeResult:
        yield Static(text(f"Charts for filters: {describe_filters(self.filters)}"), id="charts-caption")
        with Grid(id="charts-grid"):
            for panel, _ in PANELS:
                with Vertical(classes="chart-panel"):
                    yield PlotextPlot(id=f"chart-{panel}")
                    yield Static("", id=f"table-{panel}", classes="chart-table")
                    yield Static("", id=f"note-{panel}", classes="chart-note")
        yield Footer()

    def on_mount(self) -> None:
        for panel, name in PANELS:
            self._load(panel, self.period if panel == "time" else name)

    def _load(self, panel: str, name: str) -> None:
        def work() -> None:
            try:
                series = self.store.series(name, self.filters)
            except Exception as exc:
                self.app.call_from_thread(self._fail, panel, exc)
                return
            self.app.call_from_thread(self._show, panel, series)

        self.run_worker(work, thread=True, group=f"chart-{panel}", exit_on_error=False)

    def _show(self, panel: str, series) -> None:
        self.loaded[panel] = series
        plot = self.query_one(f"#chart-{panel}", PlotextPlot)
        plot.parent.border_title = clean(series.title)
        as_table = series.kind == "table"
        plot.display = not as_table
        table = self.query_one(f"#table-{panel}", Static)
        table.display = as_table
        if as_table:
            table.update(series_table(series))
        else:
            draw(plot.plt, series)
            plot.refresh()
        self.query_one(f"#note-{panel}", Static).update(text(series.note))

    def _fail(self, panel: str, exc: Exception) -> None:
        self.query_one(f"#note-{panel}", Static).update(text(f"Cannot draw this chart: {exc}"))

    def action_toggle_period(self) -> None:
        self.period = "per_quarter" if self.period == "per_month" else "per_month"
        self._load("time", self.period)
