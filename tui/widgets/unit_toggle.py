"""Which unit the table counts — interactions (one official meets one counterpart) or events — always in sight."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Label

UNIT_NAMES = {"interaction": "interactions", "event": "events"}


class UnitToggle(Horizontal):
    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.unit = "interaction"
        self.counts: dict[str, int | None] = {"interaction": None, "event": None}

    def compose(self) -> ComposeResult:
        yield Label("Unit:", classes="unit-caption")
        yield Label("", id="unit-interaction", classes="unit-choice -active")
        yield Label("", id="unit-event", classes="unit-choice")
        yield Label("u switches", classes="unit-hint")

    def on_mount(self) -> None:
        self._paint()

    def set_unit(self, unit: str) -> None:
        self.unit = unit
        self._paint()

    def set_counts(self, interactions: int | None, events: int | None) -> None:
        self.counts = {"interaction": interactions, "event": events}
        self._paint()

    def _paint(self) -> None:
        for unit, name in UNIT_NAMES.items():
            label = self.query_one(f"#unit-{unit}", Label)
            n = self.counts[unit]
            label.update(f"{'◉' if unit == self.unit else '○'} {n if n is not None else '…'} {name}")
            label.set_class(unit == self.unit, "-active")
