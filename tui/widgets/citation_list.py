"""Citations under an answer: [n], where it comes from (document §section ¶paragraph, or event key), the
quoted text. Enter on an event opens its record; on a passage, the passage in its context."""

from __future__ import annotations

from rich.text import Text
from textual.message import Message
from textual.widgets import ListItem, ListView, Static

from gsi_explorer.tui.safe_text import clean


def citation_text(c) -> Text:
    head = Text()
    head.append(f"[{c.n}] ", style="bold")
    head.append(clean(c.where), style="bold cyan" if c.kind == "event" else "bold green")
    if c.url:
        head.append(f"  {clean(c.url)}", style="dim underline")
    head.append("\n")
    head.append(f"“{clean(' '.join(str(c.text).split()))}”", style="italic")
    return head


class CitationItem(ListItem):
    def __init__(self, citation) -> None:
        super().__init__(Static(citation_text(citation), classes="citation-text"), classes=f"citation -{citation.kind}")
        self.citation = citation


class CitationList(ListView):
    """Posts CitationList.Chosen when the user presses Enter on a citation."""

    class Chosen(Message):
        def __init__(self, citation) -> None:
            super().__init__()
            self.citation = citation

    def show(self, citations) -> None:
        self.clear()
        for c in citations:
            self.append(CitationItem(c))
        self.display = bool(citations)

    def on_list_view_selected(self, event: ListView.Selected) -> None:
        event.stop()
        item = event.item
        if isinstance(item, CitationItem):
            self.post_message(self.Chosen(item.citation))
