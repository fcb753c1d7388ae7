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


def test_ann_indexes_round_trip_and_agree_with_exact(tmp_path):
    import faiss
    import numpy as np

    from gsi_explorer.index import store

    rng = np.random.default_rng(0)
    centers = rng.standard_normal((50, 64)).astype("float32")
    v = centers[rng.integers(0, 50, 6000)] + 0.5 * rng.standard_normal((6000, 64)).astype("float32")
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    q = v[:50]
    exact, kind = store.make_faiss(v)
    assert kind == "flat"
    _, truth = exact.search(q, 10)
    for kind in ("ivf", "hnsw"):
        index, got = store.make_faiss(v, kind)
        assert got == kind
        faiss.write_index(index, str(tmp_path / kind))
        loaded = faiss.read_index(str(tmp_path / kind))
        store.tune(loaded)  # search-time parameters are not stored in the file
        _, ids = loaded.search(q, 10)
        recall = np.mean([len(set(a) & set(b)) / 10 for a, b in zip(ids, truth)])
        assert recall >= 0.9, (kind, recall)
