"""The current filters in words, for the status line and the charts caption."""

from __future__ import annotations

from gsi_explorer.tui.safe_text import clean
from gsi_explorer.tui.widgets.facet_list import facet_label


def describe_filters(filters) -> str:
    """'Country / org = Vietnam | Laos · search 'fraud'' — or 'none'; values are cleaned of control characters."""
    parts = [f"{facet_label(facet)} = {clean(' | '.join(values))}" for facet, values in filters.selections if values]
    if filters.search:
        parts.append(f"search {clean(filters.search)!r}")
    if filters.date_from or filters.date_to:
        parts.append(f"dates {clean(filters.date_from or '…')} – {clean(filters.date_to or '…')}")
    return " · ".join(parts) if parts else "none"
