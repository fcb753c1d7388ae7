"""The facet column: one FacetList per facet, refreshed off the UI thread whenever the filters change.

A refresh computes the facets one by one in a thread and shows each as it lands; when the filters change again the
running refresh notices (generation counter) and stops, so quick typing never queues up stale work.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.message import Message

from gsi_explorer.tui.result_cache import ResultCache
from gsi_explorer.tui.safe_text import clean
from gsi_explorer.tui.widgets.facet_list import FacetList


class FacetPanel(VerticalScroll, can_focus=False):
    class Refreshed(Message):
        """All facets of the current filters are on screen."""

    def __init__(self, store, facets: tuple[str, ...], limit: int = 300, cache=None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.store = store
        self.cache = cache or ResultCache()
        self.facets = tuple(facets)
        self.limit = limit
        self.filters = None
        self._generation = 0

    def compose(self) -> ComposeResult:
        for facet in self.facets:
            yield FacetList(facet)

    def facet_list(self, facet: str) -> FacetList:
        return self.query_one(f"#facet-{facet}", FacetList)

    def show(self, filters) -> None:
        """Recompute every facet's counts for `filters`."""
        self._generation += 1
        self.filters = filters
        gen = self._generation
        # facets on screen first, so what the user is looking at updates first on big data
        on_screen = [f for f in self.facets if self.facet_list(f).region.overlaps(self.region)]
        ordered = on_screen + [f for f in self.facets if f not in on_screen]
        wanted = [(f, self.facet_list(f).order) for f in ordered]
        for facet in self.facets:
            self.facet_list(facet).add_class("-stale")  # dimmed until its new counts land
        self.run_worker(
            lambda: self._compute(gen, filters, wanted),
            thread=True,
            group="facet-panel",
            exit_on_error=False,
        )

    def _compute(self, gen: int, filters, wanted: list[tuple[str, str]]) -> None:
        for facet, order in wanted:
            if gen != self._generation:
                return  # filters changed: this refresh is stale
            try:
                values = self.cache.get_or_compute(
                    ("facet", facet, order, filters, self.limit),
                    lambda: self.store.facet_counts(facet, filters, order=order, limit=self.limit),
                )
            except Exception as exc:
                self.notify(clean(f"{facet}: {exc}"), severity="error", markup=False)
                continue
            self.app.call_from_thread(self._deliver, gen, facet, values)
        self.app.call_from_thread(self._done, gen)

    def _deliver(self, gen: int, facet: str, values) -> None:
        if gen == self._generation:
            facet_list = self.facet_list(facet)
            facet_list.show_values(values)
            facet_list.remove_class("-stale")

    def _done(self, gen: int) -> None:
        if gen == self._generation:
            self.post_message(self.Refreshed())
