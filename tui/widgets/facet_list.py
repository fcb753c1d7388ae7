"""One facet: its values with counts (computed with every other facet's selections applied); Space selects."""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from gsi_explorer.tui.safe_text import clean

FACET_LABELS = {
    "country": "Country / org",
    "region": "Region",
    "official": "Chinese official",
    "agency": "Agency",
    "rank": "Rank",
    "format": "Format",
    "host_event": "Host event / forum",
    "year": "Year",
    "month": "Month",
    "mode": "Mode",
    "topic": "Topic",
    "confidence": "Confidence",
}


def facet_label(facet: str) -> str:
    return FACET_LABELS.get(facet, facet.replace("_", " ").capitalize())


class FacetList(OptionList):
    """Values of one facet; selecting several is OR, selections across facets are AND."""

    BINDINGS = [
        Binding("space", "select", "Select", show=True),
        Binding("o", "toggle_order", "Order", show=True),
        Binding("x", "clear", "Clear", show=True),
    ]

    class Toggled(Message):
        def __init__(self, facet: str, value: str) -> None:
            self.facet = facet
            self.value = value
            super().__init__()

    class Cleared(Message):
        def __init__(self, facet: str) -> None:
            self.facet = facet
            super().__init__()

    class OrderChanged(Message):
        def __init__(self, facet: str, order: str) -> None:
            self.facet = facet
            self.order = order
            super().__init__()

    def __init__(self, facet: str, **kwargs) -> None:
        super().__init__(id=f"facet-{facet}", classes="facet-list", **kwargs)
        self.facet = facet
        self.order = "count"
        self.values: list = []  # FacetValue list as last shown
        self.border_title = facet_label(facet)
        self.border_subtitle = "by count"

    def show_values(self, values: list) -> None:
        """Replace the options, keeping the highlighted value where it still exists."""
        keep = None
        if self.highlighted is not None and self.highlighted < len(self.values):
            keep = self.values[self.highlighted].value
        self.values = list(values)
        self.clear_options()
        self.add_options([self._option(v) for v in self.values])
        chosen = sum(1 for v in self.values if v.selected)
        self.border_title = facet_label(self.facet) + (f" ({chosen} selected)" if chosen else "")
        self.set_class(chosen > 0, "-has-selection")
        if self.values:
            index = next((i for i, v in enumerate(self.values) if v.value == keep), 0)
            self.highlighted = index

    def _option(self, fv) -> Option:
        mark = "☑" if fv.selected else "☐"
        prompt = Text.assemble(f"{mark} {fv.count:>6}  ", clean(fv.value) or "(blank)")
        return Option(prompt)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if 0 <= event.option_index < len(self.values):
            self.post_message(self.Toggled(self.facet, self.values[event.option_index].value))

    def action_toggle_order(self) -> None:
        self.order = "value" if self.order == "count" else "count"
        self.border_subtitle = "A–Z" if self.order == "value" else "by count"
        self.post_message(self.OrderChanged(self.facet, self.order))

    def action_clear(self) -> None:
        self.post_message(self.Cleared(self.facet))
