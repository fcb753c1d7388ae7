"""The paper's figures, recomputed for the current filters: meetings over time, bilateral meetings by region,
top countries by official and the share of 2024 interactions around the Lianyungang forum."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Static
from textual_plotext import PlotextPlot

from gsi_explorer.tui.safe_text import clean, text

PANELS = (  # panel id -> series shown first
    ("time", "per_month"),
    ("region", "bilateral_by_region"),
    ("official", "top_countries_by_official"),
    ("lianyungang", "lianyungang_share_2024"),
)
HORIZONTAL_KINDS = {"barh", "hbar", "ranking"}


def draw(plt, series) -> None:
    """Draw one Series with plotext; the Series' kind picks the chart type."""
    plt.clear_data()
    plt.clear_figure()
    labels = [clean(label) for label in series.labels]
    names = [clean(name) for name in series.values]
    columns = [list(map(float, v)) for v in series.values.values()]
    plt.title(clean(series.title))
    if not labels or not columns:
        plt.text("no data for these filters", 0, 0)
        return
    kind = (series.kind or "bar").lower()
    if kind in {"line", "time", "timeseries"}:
        xs = list(range(len(labels)))
        for name, ys in zip(names, columns):
            plt.plot(xs, ys, label=name if len(names) > 1 else None, marker="hd")
        step = max(1, len(labels) // 8)
        plt.xticks(xs[::step], labels[::step])
        return
    orientation = "horizontal" if kind in HORIZONTAL_KINDS or len(labels) > 8 else "vertical"
    if len(columns) == 1:
        plt.bar(labels, columns[0], orientation=orientation, width=0.6)
    elif kind in {"stacked", "stacked_bar", "share"}:
        plt.stacked_bar(labels, columns, labels=names, orientation=orientation, width=0.6)
    else:
        plt.multiple_bar(labels, columns, labels=names, orientation=orientation, width=0.6)


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
        yield Static(text("Charts for the current filters"), id="charts-caption")
        with Grid(id="charts-grid"):
            for panel, _ in PANELS:
                with Vertical(classes="chart-panel"):
                    yield PlotextPlot(id=f"chart-{panel}")
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
        draw(plot.plt, series)
        plot.refresh()
        self.query_one(f"#note-{panel}", Static).update(text(series.note))

    def _fail(self, panel: str, exc: Exception) -> None:
        self.query_one(f"#note-{panel}", Static).update(text(f"Cannot draw this chart: {exc}"))

    def action_toggle_period(self) -> None:
        self.period = "per_quarter" if self.period == "per_month" else "per_month"
        self._load("time", self.period)
