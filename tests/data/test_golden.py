"""Aggregations of the shipped data as small frequency tables (VisiData's Shift+F style), compared with golden
files in tests/data/golden/. After a deliberate data change: GSI_UPDATE_GOLDEN=1 pytest tests/data/test_golden.py,
then review the diff."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from gsi_explorer.data.query import Filters

GOLDEN = Path(__file__).with_name("golden")
WINDOW = Filters(date_from="2022-06-01", date_to="2025-07-31")


def frequency_table(title: str, values: list[tuple[str, int]]) -> str:
    total = sum(n for _, n in values) or 1
    width = max([len(v) for v, _ in values] + [5])
    lines = [title, f"{'value':<{width}}  count  percent  histogram"]
    for v, n in values:
        lines.append(f"{v:<{width}}  {n:>5}  {100 * n / total:>6.1f}%  {'*' * round(40 * n / total)}".rstrip())
    lines.append(f"{'total':<{width}}  {sum(n for _, n in values):>5}")
    return "\n".join(lines) + "\n"


def facet_table(store, facet, filters, title):
    return frequency_table(title, [(v.value, v.count) for v in store.facet_counts(facet, filters)])


CASES = {
    "agency": lambda s: facet_table(s, "agency", Filters(), "interactions by agency (all rows)"),
    "format_window": lambda s: facet_table(s, "format", WINDOW, "interactions by format, 2022-06-01 … 2025-07-31"),
    "region_bilateral_window": lambda s: facet_table(
        s, "region", WINDOW.with_values("format", ["bilateral", "sideline-bilateral"]),
        "bilateral + sideline rows by region, 2022-06-01 … 2025-07-31"),
    "confidence": lambda s: facet_table(s, "confidence", Filters(), "interactions by confidence"),
    "year_events": lambda s: frequency_table("events by year", [
        (v.value, v.count) for v in s.facet_counts("year", Filters(), order="value", unit="event")]),
    "stats_window": lambda s: "\n".join(
        ["paper figures vs ours, 2022-06-01 … 2025-07-31 (id: ours / paper, ratio)"]
        + [f"{r['id']}: {r['ours']} / {r['paper']:g}, {r['ratio']}" for r in s.stats("2022-06-01", "2025-07-31")]
    ) + "\n",
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_aggregation_matches_golden(store, name):
    text = CASES[name](store)
    path = GOLDEN / f"{name}.txt"
    if os.environ.get("GSI_UPDATE_GOLDEN"):
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"missing {path}; create it with GSI_UPDATE_GOLDEN=1"
    assert text == path.read_text(encoding="utf-8")
