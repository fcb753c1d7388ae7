"""The paper as passages: its own headings, paragraph numbers as in the file, footnotes out of the matching text."""

from gsi_explorer.corpus.paper import load_paper, paper_path, strip_footnotes

HEADINGS = [
    "Executive Summary", "Introduction", "New Data on China’s Global Security Diplomacy",
    "China’s Global Security Diplomacy: Interpol, GSI, and GPSCFL", "Interpol", "The Global Security Initiative",
    "The Global Public Security Cooperation Forum (Lianyungang)", "China’s Regional Security Diplomacy",
    "The Pacific Islands", "Southeast Asia", "Central Asia", "Other Regional Multilateral Outreach",
    "China’s Bilateral Security Diplomacy", "Conclusion", "Acknowledgments", "Notes",
]


def test_sections_are_the_papers_headings():
    assert load_paper().sections == HEADINGS


def test_paragraph_number_is_the_non_empty_line_index():
    lines = [ln for ln in paper_path().read_text(encoding="utf-8").splitlines() if ln.strip()]
    paper = load_paper()
    for p in paper.paragraphs:
        assert lines[p.n - 1].strip() == p.text
    by_n = {p.n: p for p in paper.paragraphs}
    assert by_n[17].section == "New Data on China’s Global Security Diplomacy"
    assert "321 total interactions" in by_n[17].clean
    assert by_n[100].section == "China’s Bilateral Security Diplomacy"


def test_offsets_point_into_the_file():
    text = paper_path().read_text(encoding="utf-8")
    for p in load_paper().paragraphs:
        assert text[p.start:p.end] == p.text


def test_footnote_markers_removed_but_numbers_kept():
    assert strip_footnotes("nonmilitary security diplomacy.6 We document 321 total") == \
        "nonmilitary security diplomacy. We document 321 total"
    assert strip_footnotes("from the Pacific Island Countries (PICs),4 when in fact") == \
        "from the Pacific Island Countries (PICs), when in fact"
    assert strip_footnotes("or from without concerns.33") == "or from without concerns."
    assert strip_footnotes("sentenced to thirteen years in prison. 15 His disappearance") == \
        "sentenced to thirteen years in prison. His disappearance"
    kept = "accounting for 27.4 percent of over 2,100 participants after COVID-19 and the C+C5 in 1984, with 5,000"
    assert strip_footnotes(kept) == kept
    clean = {p.n: p.clean for p in load_paper().paragraphs}
    assert "diplomacy. We document" in clean[17]
    assert "Antiterrorism Interaction-2024 drill" in clean[79]


def test_boilerplate_and_pull_quotes_dropped():
    paper = load_paper()
    texts = [p.text for p in paper.paragraphs]
    assert not any(t.startswith("Source: Getty") or t == "paper" or t.startswith("Published on") for t in texts)
    assert not any("paramilitary policeman stands guard" in t for t in texts)  # photo caption
    assert "Beijing has quietly worked to rebuild its standing within Interpol." not in texts  # pull quote
    assert not any(t.startswith("Carnegie does not take institutional positions") for t in texts)
    assert any(t.startswith("Figure 1 shows the increase") for t in texts)  # prose about a figure stays
