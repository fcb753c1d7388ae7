"""Hybrid retrieval: BM25 and dense (FAISS) rankings fused by reciprocal rank, with filters and query expansion.

RRF score of a chunk = Σ over rankings of 1 / (RRF_K + rank). It needs no score calibration between BM25 and
cosine similarity, and a chunk ranked well by both beats one ranked first by only one.
"""

from __future__ import annotations

import json
import logging
import threading
from dataclasses import dataclass
from typing import Callable, Iterable

from gsi_explorer.index import store
from gsi_explorer.index.chunking import Chunk

log = logging.getLogger("gsi_explorer.index")

MODES = ("hybrid", "bm25", "dense")
RRF_K = 60
CANDIDATES = 50  # per ranking, before fusion
FUSION_WEIGHTS = (0.7, 1.0)  # (bm25, dense), chosen on the retrieval dev set (bench/bench_index_eval.py)
QUERY_WEIGHT = 3  # repeats of the query's own words in the BM25 query, against once for each alias added


@dataclass(frozen=True)
class Hit:
    rank: int
    score: float
    text: str
    doc: str
    kind: str  # paper | readout | user
    title: str
    section: str | None
    paragraph: int | None
    event_key: str | None
    url: str | None
    chunk_id: str
    date: str | None

    def to_json(self) -> dict:
        return {"rank": self.rank, "score": round(float(self.score), 6), "text": self.text, "doc": self.doc,
                "section": self.section, "event_key": self.event_key, "url": self.url}


@dataclass(frozen=True)
class RetrievalFilters:
    """Restrict retrieval; None = no restriction. Countries/officials match readout fields and, for paper and user
    passages, the names they mention. event_keys restricts event records only (passages stay eligible). Date bounds
    (YYYY-MM-DD or a prefix) apply to dated passages; the undated paper stays eligible."""

    kinds: tuple[str, ...] | None = None
    date_from: str | None = None
    date_to: str | None = None
    countries: tuple[str, ...] | None = None
    officials: tuple[str, ...] | None = None
    event_keys: tuple[str, ...] | None = None

    def is_empty(self) -> bool:
        return not any((self.kinds, self.date_from, self.date_to, self.countries, self.officials, self.event_keys))

    def allows(self, c: Chunk) -> bool:
        if self.kinds and c.kind not in self.kinds:
            return False
        if self.event_keys is not None and c.kind == "readout" and c.event_key not in self.event_keys:
            return False
        if c.date:
            if self.date_from and c.date < self.date_from:
                return False
            if self.date_to and c.date[: len(self.date_to)] > self.date_to:
                return False
        elif c.kind == "readout" and (self.date_from or self.date_to):
            return False  # undated events cannot be placed in a date range
        if self.countries and not (set(c.countries) & {x for x in self.countries}):
            return False
        if self.officials and not (set(c.officials) & {x for x in self.officials}):
            return False
        return True


def _as_tuple(v) -> tuple | None:
    if v is None:
        return None
    if isinstance(v, str):
        return (v,)
    return tuple(v)


def filters_from(kinds=None, date_from=None, date_to=None, countries=None, officials=None, event_keys=None):
    return RetrievalFilters(_as_tuple(kinds), date_from, date_to, _as_tuple(countries), _as_tuple(officials),
                            _as_tuple(event_keys))


class Retriever:
    """A loaded index. Thread-safe for concurrent searches; the embedder loads on first dense query."""

    def __init__(self, settings, folder, manifest: dict, chunks: list[Chunk], faiss_index, lexical, aliases,
                 embedder=None):
        self.settings = settings
        self.folder = folder
        self.manifest = manifest
        self.chunks = chunks
        self.faiss_index = faiss_index
        self.lexical = lexical
        self.aliases = aliases
        self._embedder = embedder
        self._vectors = None
        self._lock = threading.Lock()
        self.weights = FUSION_WEIGHTS
        self.query_weight = QUERY_WEIGHT

    @classmethod
    def load(cls, settings, progress: store.Progress | None = None, notify: Callable[[str], None] | None = None,
             embedder=None) -> "Retriever":
        """Open the live index, rebuilding first if it is missing, stale or corrupt (never serves a bad one)."""
        st = store.status(settings)
        if not st.fresh:
            message = f"index {st.state}: {st.reason} — rebuilding"
            log.warning(message)
            if notify:
                notify(message)
            store.build(settings, progress, embedder=embedder)
        return cls.open(settings, store.current_dir(settings), embedder)

    @classmethod
    def open(cls, settings, folder, embedder=None) -> "Retriever":
        """Open one index folder after checking its files against its manifest (no freshness check)."""
        import faiss

        from gsi_explorer.index.aliases import AliasTable
        from gsi_explorer.index.lexical import Lexical

        manifest, problem = store.check_integrity(folder)
        if manifest is None:
            raise store.IndexError_(f"index at {folder} is unusable: {problem} — "
                                    "run `gsi-explorer index build --force`")
        chunks = [Chunk.from_json({k: v for k, v in json.loads(line).items() if k != "text_hash"})
                  for line in (folder / "chunks.jsonl").open(encoding="utf-8")]
        index = faiss.read_index(str(folder / "faiss.index"))
        store.tune(index)
        lexical = Lexical.load(folder / "bm25")
        aliases = AliasTable.from_json(json.loads((folder / "aliases.json").read_text(encoding="utf-8")))
        return cls(settings, folder, manifest, chunks, index, lexical, aliases, embedder)

    @property
    def vectors(self):
        """All chunk vectors (memory-mapped), for exact filtered search."""
        import numpy as np

        with self._lock:
            if self._vectors is None:
                self._vectors = np.load(self.folder / "vectors.npy", mmap_mode="r")
            return self._vectors

    @property
    def embedder(self):
        with self._lock:
            if self._embedder is None:
                from gsi_explorer.index.embed import Embedder

                self._embedder = Embedder.from_settings(self.settings)
            return self._embedder

    def expand(self, query: str) -> str:
        return self.aliases.expand(query)

    # --- rankings: lists of (chunk index, score), best first ---

    def _allowed(self, filters: RetrievalFilters | None):
        import numpy as np

        if filters is None or filters.is_empty():
            return None
        return np.fromiter((filters.allows(c) for c in self.chunks), dtype=bool, count=len(self.chunks))

    def rank_bm25(self, query: str, n: int, allowed=None) -> list[tuple[int, float]]:
        import numpy as np

        scores = self.lexical.scores(query)
        if allowed is not None:
            scores = np.where(allowed, scores, -1.0)
        n = min(n, len(scores))
        top = np.argpartition(-scores, n - 1)[:n] if n < len(scores) else np.arange(len(scores))
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(int(i), float(scores[i])) for i in top if scores[i] > 0]

    def rank_dense(self, query: str, n: int, allowed=None) -> list[tuple[int, float]]:
        import numpy as np

        if not len(self.chunks):
            return []
        q = self.embedder.encode_query(query).reshape(1, -1).astype("float32")
        n = min(n, len(self.chunks))
        if allowed is None:
            scores, ids = self.faiss_index.search(q, n)
        else:
            # A filtered search is exact over the allowed vectors: an ANN index would miss allowed items that sit
            # outside the probed cells, and a view's subset is small enough to scan.
            allowed_ids = np.flatnonzero(allowed)
            if not len(allowed_ids):
                return []
            sims = self.vectors[allowed_ids] @ q[0]
            top = np.argsort(-sims, kind="stable")[:n]
            scores, ids = sims[top].reshape(1, -1), allowed_ids[top].reshape(1, -1)
        return [(int(i), float(s)) for i, s in zip(ids[0], scores[0]) if i >= 0]

    def search(self, query: str, k: int = 6, filters: RetrievalFilters | None = None,
               mode: str = "hybrid") -> list[Hit]:
        if mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)} (got {mode!r})")
        query = (query or "").strip()
        if not query or k <= 0:
            return []
        expanded = self.expand(query)
        # The user's own words outweigh the aliases added for BM25: they widen the match without taking it over.
        lexical_query = " ".join([query] * self.query_weight) + expanded[len(query):]
        allowed = self._allowed(filters)
        n = max(CANDIDATES, k)
        if mode == "bm25":
            ranked = self.rank_bm25(lexical_query, k, allowed)
        elif mode == "dense":
            ranked = self.rank_dense(expanded, k, allowed)
        else:
            ranked = fuse([self.rank_bm25(lexical_query, n, allowed), self.rank_dense(expanded, n, allowed)],
                          weights=self.weights)[:k]
        return [self._hit(r + 1, i, s) for r, (i, s) in enumerate(ranked[:k])]

    def _hit(self, rank: int, i: int, score: float) -> Hit:
        c = self.chunks[i]
        return Hit(rank=rank, score=float(score), text=c.text, doc=c.doc, kind=c.kind, title=c.title,
                   section=c.section, paragraph=c.paragraph, event_key=c.event_key, url=c.url,
                   chunk_id=c.chunk_id, date=c.date)

    def chunk(self, chunk_id: str) -> Chunk | None:
        for c in self.chunks:
            if c.chunk_id == chunk_id:
                return c
        return None


def fuse(rankings: Iterable[list[tuple[int, float]]], k: int = RRF_K,
         weights: tuple[float, ...] | None = None) -> list[tuple[int, float]]:
    """Weighted reciprocal rank fusion: Σ w / (k + rank)."""
    scores: dict[int, float] = {}
    for j, ranking in enumerate(rankings):
        w = weights[j] if weights else 1.0
        for r, (i, _) in enumerate(ranking, start=1):
            scores[i] = scores.get(i, 0.0) + w / (k + r)
    return sorted(scores.items(), key=lambda x: (-x[1], x[0]))
