"""Chunk windows and provenance; acronyms learned from the paper and used to expand queries."""

from gsi_explorer.corpus.paper import paper_path
from gsi_explorer.index.aliases import AliasTable, learn_acronyms
from gsi_explorer.index.chunking import ChunkParams, chunk_passages, split_sentences
from gsi_explorer.index.sources import paper_passages


def test_sentences_do_not_split_on_abbreviations():
    text = "The 2024 U.S. Department of Defense report notes it. Xi Jinping spoke. J. Smith agreed."
    spans = [text[a:b] for a, b in split_sentences(text)]
    assert spans == ["The 2024 U.S. Department of Defense report notes it.", "Xi Jinping spoke.", "J. Smith agreed."]


def test_chunks_keep_provenance_and_stay_in_one_paragraph():
    raw = paper_path().read_text(encoding="utf-8")
    passages = paper_passages()
    chunks = chunk_passages(passages, ChunkParams(max_chars=400, overlap=1))
    by_para = {p.paragraph: p for p in passages}
    assert len(chunks) > len(passages)
    for c in chunks:
        p = by_para[c.paragraph]
        assert c.section == p.section and c.doc == "paper" and c.url.startswith("https://carnegieendowment.org/")
        assert p.start <= c.start < c.end <= p.start + len(p.raw)
        # the chunk's span in the file is the published text of the chunk (footnote markers included)
        assert c.text.split()[0] in raw[c.start:c.end]
        assert len(c.text) <= 400 or len(split_sentences(c.text)) == 1
    # every sentence of a long paragraph is in some chunk
    long = max(passages, key=lambda p: len(p.text))
    mine = " ".join(c.text for c in chunks if c.paragraph == long.paragraph)
    for a, b in split_sentences(long.text):
        assert long.text[a:b] in mine
    assert len({c.chunk_id for c in chunks}) == len(chunks)


def test_acronyms_learned_from_the_paper():
    acr = learn_acronyms([p.text for p in paper_passages()])
    assert acr["PICs"] == "Pacific Island Countries"
    assert acr["MPS"] == "Ministry of Public Security"
    assert acr["GPSCFL"] == "Global Public Security Cooperation Forum (Lianyungang)"
    assert acr["CPLC"] == "Central Political-Legal Commission"
    assert acr["SCO"] == "Shanghai Cooperation Organization"


def test_expansion_is_whole_word_and_case_sensitive_for_acronyms():
    table = AliasTable.build({"PICs": "Pacific Island Countries", "MPS": "Ministry of Public Security"},
                             {"region": {"Pacific Islands": ["PICs", "South Pacific"]}, "rank": {"minister": ["x y"]}})
    assert "Pacific Island Countries" in table.expand("Which PICs got meetings?")
    assert "Pacific Islands" in table.expand("Which PICs got meetings?")
    assert table.expand("mps and topics") == "mps and topics"  # lower-case prose does not trigger acronyms
    assert table.expand("EPICs") == "EPICs"
    assert "MPS" in table.expand("what does the ministry of public security do")
    assert all("x y" not in g for g in table.groups)  # coded-value facets (ranks) are not names


def test_ubiquitous_names_are_not_expanded():
    texts = ["China met A"] * 9 + ["Fiji"]
    table = AliasTable.build({}, {"country": {"China": ["PRC", "People's Republic of China"], "Fiji": ["Republic of Fiji"]}},
                             texts=texts)
    assert table.expand("China and Fiji") == "China and Fiji (Republic of Fiji)"
