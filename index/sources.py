"""What goes into the index, and a cheap fingerprint of it (to tell a fresh index from a stale one).

Three kinds of document: the paper (corpus/paper.txt), one readout passage per event (from the database) and the
user's ingested documents. The fingerprint hashes files only — no model, no torch — so `index status` is instant.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from gsi_explorer.corpus.paper import load_paper, paper_path
from gsi_explorer.index.chunking import Passage


def paper_passages(path: Path | None = None) -> list[Passage]:
    paper = load_paper(path)
    meta = paper.meta
    return [
        Passage(doc=meta.get("doc_id", "paper"), kind="paper", title=meta.get("title", "paper"), text=p.clean,
                raw=p.text, section=p.section, paragraph=p.n, start=p.start, url=meta.get("url"),
                date=None)
        for p in paper.paragraphs
    ]


def corpus_files_fingerprint() -> dict:
    """Hashes of the shipped paper (+ sidecar) and of every ingested user document."""
    from gsi_explorer.index.ingest import list_documents

    p = paper_path()
    side = p.with_suffix(".json")
    h = hashlib.sha256(p.read_bytes())
    if side.exists():
        h.update(side.read_bytes())
    return {
        "paper": h.hexdigest(),
        "user": {d.doc_id: d.sha256 for d in list_documents()},
    }


def data_fingerprint(db_path: Path) -> str | None:
    """Identity of the event data in the database: its recorded source hashes when present, else the file hash.

    None when there is no database (the index then holds no readouts and is stale once one appears).
    """
    db_path = Path(db_path)
    if not db_path.is_file():
        return None
    try:
        import duckdb

        con = duckdb.connect(str(db_path), read_only=True)
        try:
            tables = {r[0] for r in con.execute("select table_name from information_schema.tables").fetchall()}
            if "build_info" in tables:
                # Source hashes and schema only: a rebuild from the same CSVs is the same data.
                rows = con.execute("select key, value from build_info where key like 'sha256:%' "
                                   "or key = 'schema_version' order by key").fetchall()
                if rows:
                    return "db:" + hashlib.sha256(json.dumps(rows).encode()).hexdigest()
        finally:
            con.close()
    except Exception:  # noqa: BLE001 — unreadable DB: fall back to its bytes; building will report the problem
        pass
    h = hashlib.sha256()
    with db_path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return "file:" + h.hexdigest()


def event_records(settings) -> tuple[list[dict], dict]:
    """Events for readout passages plus the vocabulary for query expansion, from the (built) database."""
    from gsi_explorer.data.query import EventStore

    with EventStore.open(settings.paths.db) as store:
        return store.events_for_corpus(), store.vocabulary()
