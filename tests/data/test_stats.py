"""`stats` on a hand-counted sample, and on the shipped data against the counts documented in CURATION.md."""

from __future__ import annotations

import re

import pytest

from gsi_explorer import paths
from gsi_explorer.data import load, stats
from gsi_explorer.data.query import EventStore
from tests.data import sample


@pytest.fixture(scope="module")
def sample_store(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("stats")
    db = tmp / "gsi.duckdb"
    load.build(sample.write(tmp / "d"), db)
    s = EventStore.open(db)
    yield s
    s.close()


@pytest.mark.parametrize("include_low", [True, False])
def test_stats_match_hand_counts(sample_store, include_low):
    got = {r["id"]: r["ours"] for r in sample_store.stats("2022-06-01", "2025-07-31", include_low=include_low)}
    expected = {k: v[0 if include_low else 1] for k, v in sample.EXPECTED_STATS.items()}
    assert got == expected


def test_window_is_inclusive_and_movable(sample_store):
    got = {r["id"]: r["ours"] for r in sample_store.stats("2022-06-02", "2025-12-31")}
    assert got["interactions"] == 7  # loses row 8 (2022-06-01), gains row 9 (2025-09-15)
    assert got["mss_events"] == 0
    everything = {r["id"]: r["ours"] for r in sample_store.stats(None, None)}
    assert everything["interactions"] == 9  # no date filter: undated rows count too


def test_every_figure_has_a_pointer_into_the_paper():
    lines = [ln for ln in (paths.package_dir("corpus") / "paper.txt").read_text(encoding="utf-8").split("\n")
             if ln.strip()]

    def norm(text: str) -> str:
        return re.sub(r"\s+", " ", text.replace("\u2019", "'").replace("\u201c", '"').replace("\u201d", '"'))

    figures = stats.paper_figures()
    assert {f["id"] for f in figures} == set(stats.MEASURES)
    for f in figures:
        paragraph = norm(lines[f["paragraph"] - 1])
        assert norm(f["quote"]) in paragraph, f["id"]
        number = f"{f['paper']:g}"
        assert number in norm(f["quote"]) or f["unit"] == "count", f["id"]


def test_shipped_data_matches_curation_counts(store):
    rows = {r["id"]: r for r in store.stats("2022-06-01", "2025-07-31")}
    ours = {k: r["ours"] for k, r in rows.items()}
    # CURATION.md, "Study window 2022-06-01 … 2025-07-31"
    assert (ours["interactions"], ours["events"]) == (252, 181)
    assert (ours["mps_interactions"], ours["mps_events"]) == (192, 134)
    assert (ours["cplc_interactions"], ours["cplc_events"]) == (52, 39)
    assert ours["mss_events"] == 8
    assert (ours["bilateral_meetings"], ours["bilateral_countries"]) == (157, 46)
    assert (ours["standalone_bilaterals"], ours["sideline_bilaterals"]) == (119, 38)
    assert (ours["share_southeast_asia"], ours["share_central_asia"]) == (35.7, 8.9)
    assert (ours["russia_bilateral"], ours["russia_multilateral"]) == (12, 4)
    assert ours["lianyungang_meetings"] == 23  # 19 bilateral/sideline + 4 multilateral events
    assert rows["interactions"]["ratio"] == round(252 / 321, 2)
    assert rows["share_southeast_asia"]["pointer"].startswith("Southeast Asia ¶67")


def test_without_low_confidence_rows(store):
    with_low = {r["id"]: r["ours"] for r in store.stats("2022-06-01", "2025-07-31")}
    without = {r["id"]: r["ours"] for r in store.stats("2022-06-01", "2025-07-31", include_low=False)}
    from gsi_explorer.data.query import Filters

    f = Filters(date_from="2022-06-01", date_to="2025-07-31").with_values("confidence", ["high", "medium"])
    assert without["interactions"] == store.count(f) < with_low["interactions"]
    merged = stats.merge_without_low(store.stats("2022-06-01", "2025-07-31"),
                                     store.stats("2022-06-01", "2025-07-31", include_low=False))
    assert merged[0]["ours"] == with_low["interactions"] and merged[0]["ours_no_low"] == without["interactions"]
