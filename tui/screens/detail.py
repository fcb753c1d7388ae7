"""One record in full: every field, summary, source, the rest of its event and the counterpart's other meetings."""

from __future__ import annotations

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Label, Static

from gsi_explorer.tui.safe_text import clean, text

SOURCE_FIELDS = ("source_url", "source_publisher", "source_date", "sources")
LONG_FIELDS = ("summary", "notes")
INTERNAL_FIELDS = ("event_no", "source_line", "is_bilateral", "topic_list", "topic_facet", "search_text")
RELATED_COLUMNS = (
    ("date", "Date"),
    ("cn_official", "Chinese official"),
    ("counterpart", "Country / org"),
    ("counterpart_name", "Counterpart"),
    ("format", "Format"),
    ("host_event", "Host event"),
    ("place", "Place"),
)


def record_id(record: dict) -> str | None:
    for key in ("interaction_id", "event_key"):
        if record.get(key):
            return str(record[key])
    return None


def headline(record: dict) -> str:
    """'2024-09-08 · Wang Xiaohong (MPS) — Ivica Dacic, Serbia · sideline-bilateral at GPSCFL 2024'."""
    who = record.get("cn_official") or record.get("cn_lead") or "(unnamed official)"
    agency = record.get("cn_agency")
    other = ", ".join(str(x) for x in (record.get("counterpart_name"), record.get("counterpart") or
                                       record.get("counterparts")) if x)
    where = f" at {record['host_event']}" if record.get("host_event") else ""
    place = f" in {record['place']}" if record.get("place") else ""
    return (f"{record.get('date') or 'undated'} · {who}{f' ({agency})' if agency else ''} — {other or '?'}"
            f" · {record.get('format') or ''}{where}{place}")


class DetailScreen(Screen):
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("y", "copy_url", "Copy URL"),
        Binding("question_mark", "app.help", "Help"),
        Binding("q", "app.quit", "Quit"),
    ]

    def __init__(self, store, row_id: str) -> None:
        super().__init__(classes="detail-screen")
        self.store = store
        self.row_id = row_id
        self.detail = None

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="detail-body"):
            yield Static(text(f"Loading {self.row_id}…"), id="detail-title")
            yield Label("Summary", classes="detail-heading")
            yield Static("", id="detail-summary")
            yield Label("Source", classes="detail-heading")
            yield Static("", id="detail-source")
            yield Label("All fields", classes="detail-heading")
            yield Static("", id="detail-fields")
            yield Label("Same event", classes="detail-heading", id="same-event-heading")
            yield DataTable(id="same-event", cursor_type="row", zebra_stripes=True)
            yield Label("Same counterpart's other meetings", classes="detail-heading", id="same-counterpart-heading")
            yield DataTable(id="same-counterpart", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.run_worker(self._load, thread=True, exit_on_error=False)

    def _load(self) -> None:
        try:
            detail = self.store.detail(self.row_id)
        except Exception as exc:
            self.app.call_from_thread(self._show_error, exc)
            return
        self.app.call_from_thread(self._show, detail)

    def _show_error(self, exc: Exception) -> None:
        self.query_one("#detail-title", Static).update(text(f"Cannot open {self.row_id}: {exc}"))

    @property
    def url(self) -> str:
        if not self.detail:
            return ""
        record = self.detail.record
        url = record.get("source_url") or next((x.get("url") for x in record.get("sources") or [] if x.get("url")), "")
        return clean(url)

    def _show(self, detail) -> None:
        self.detail = detail
        record = detail.record
        fields = Table.grid(padding=(0, 2))
        fields.add_column(no_wrap=True)
        fields.add_column()
        for key, value in record.items():
            if key in LONG_FIELDS or key in SOURCE_FIELDS or key in INTERNAL_FIELDS:
                continue
            fields.add_row(text(key), text(value))
        self.query_one("#detail-fields", Static).update(fields)
        self.query_one("#detail-title", Static).update(text(headline(record)))
        body = text(record.get("summary"), multiline=True)
        if record.get("notes"):
            body.append("\n\nNotes: ")
            body.append_text(text(record.get("notes"), multiline=True))
        self.query_one("#detail-summary", Static).update(body)
        sources = [x for x in record.get("sources") or [] if x.get("url")]
        first = sources[0] if sources else {}
        source = Table.grid(padding=(0, 2))
        source.add_column(no_wrap=True)
        source.add_column()
        source.add_row("URL", text(self.url or "(none)"))
        source.add_row("Publisher", text(record.get("source_publisher") or first.get("publisher")))
        source.add_row("Published", text(record.get("source_date") or first.get("source_date")))
        for extra in sources:
            if extra.get("url") != self.url:
                source.add_row(text(extra.get("role") or "also"), text(extra.get("url")))
        self.query_one("#detail-source", Static).update(source)
        self._fill("same-event", detail.same_event)
        self._fill("same-counterpart", detail.same_counterpart)
        others = "other interactions" if "interaction_id" in record else "interactions"
        self.query_one("#same-event-heading", Label).update(f"Same event ({len(detail.same_event)} {others})")
        self.query_one("#same-counterpart-heading", Label).update(
            f"Same counterpart's other meetings ({len(detail.same_counterpart)})"
        )

    def _fill(self, table_id: str, records: list[dict]) -> None:
        table = self.query_one(f"#{table_id}", DataTable)
        table.clear(columns=True)
        for key, label in RELATED_COLUMNS:
            table.add_column(label, key=key)
        for i, rec in enumerate(records):
            table.add_row(*(text(rec.get(k)) for k, _ in RELATED_COLUMNS), key=record_id(rec) or f"row-{i}")
        table.display = bool(records)

    def action_copy_url(self) -> None:
        if not self.url:
            self.notify("This record has no source URL.", severity="warning")
            return
        self.app.copy_to_clipboard(self.url)  # OSC 52: works in most terminals, harmless elsewhere
        self.notify(f"Copied (if your terminal allows OSC 52): {self.url}", title="Source URL", markup=False)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        key = event.row_key.value if event.row_key else None
        if key and not key.startswith("row-"):
            self.app.open_record(key)
