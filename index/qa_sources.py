"""The numbered sources an answer may cite: retrieved passages that pass a relevance bar.

Hybrid retrieval always returns *something*; whether it is relevant is decided here by the dense cosine
similarity of question and passage (RRF scores are rank-based and say nothing about relevance).

RELEVANCE_THRESHOLD was measured (tests/qa/test_devset.py prints it): every answerable dev-set question's best
passage scores ≥ 0.26, off-topic questions ("What is the GDP of Japan?") ≤ 0.23, so 0.245 separates them. The
dev set's unanswerable questions are on-topic (≥ 0.58): similarity cannot reject those, `qa_check` does (no
source sentence of the kind the question asks for).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from gsi_explorer.index import verify as verifier
from gsi_explorer.index.retrieve import RetrievalFilters

# Cosine similarity (all-MiniLM-L6-v2, normalised) of the best passage below which nothing is relevant, and
# the margin under the best passage beyond which passages are not shown to the model.
RELEVANCE_THRESHOLD = 0.245
RELATIVE_MARGIN = 0.15
MAX_SOURCES = 3
DELIMITERS = re.compile(r"<<<|>>>|\[/?(?:INST|SYS)\]|<\|[^|>]*\|>|<\/?s>")


@dataclass
class Source:
    n: int
    hit: object  # retrieve.Hit
    similarity: float

    @property
    def text(self) -> str:
        return self.hit.text

    @property
    def label(self) -> str:
        h = self.hit
        if h.kind == "readout":
            return f"event record {h.event_key}" + (f", dated {h.date}" if h.date else "")
        parts = [f"{'paper' if h.kind == 'paper' else 'document'} \"{_oneline(h.title or h.doc)}\""]
        if h.section:
            parts.append(f"section \"{_oneline(h.section)}\"")
        if h.paragraph is not None:
            parts.append(f"paragraph {h.paragraph}")
        return ", ".join(parts)

    def citation(self, n: int):
        from gsi_explorer.index.answer import Citation

        h = self.hit
        kind = "event" if h.kind == "readout" and h.event_key else "passage"
        return Citation(n=n, kind=kind, text=h.text, doc=h.doc, section=h.section, event_key=h.event_key,
                        url=h.url, paragraph=h.paragraph, chunk_id=h.chunk_id, title=h.title)


@dataclass
class SourceSet:
    sources: list[Source] = field(default_factory=list)  # every passage above the bar, most similar first
    best_similarity: float | None = None
    prompt_count: int = 0  # the first n go to the model (a small context); quotes may come from all

    @property
    def for_prompt(self) -> list[Source]:
        return self.sources[: self.prompt_count]

    def __bool__(self) -> bool:
        return bool(self.sources)

    def __len__(self) -> int:
        return len(self.sources)

    def __iter__(self):
        return iter(self.sources)

    def __getitem__(self, n: int) -> Source:
        return self.by_n[n]

    @property
    def by_n(self) -> dict[int, Source]:
        return {s.n: s for s in self.sources}

    def texts(self) -> dict[int, str]:
        return {s.n: s.text for s in self.sources}

    def order(self) -> list[int]:
        return [s.n for s in self.sources]


def _oneline(text: str) -> str:
    return " ".join(str(text).split()).replace('"', "'")


def sanitize(text: str) -> str:
    """Source text as inert data: no delimiter look-alikes, no chat-template tokens, no control characters."""
    text = re.sub(r"[\x00-\x08\x0b-\x1f\x7f]", " ", text)
    return DELIMITERS.sub(" ", text).strip()


def retrieval_filters(route, view, table, kinds):
    """RetrievalFilters from the names and dates in the question, narrowed to the browser's view if given."""
    from gsi_explorer.index.retrieve import RetrievalFilters

    filters = route.filters
    countries = filters.selected("country") if route.is_table else frozenset()
    officials = filters.selected("official") if route.is_table else frozenset()
    date_from, date_to = filters.date_from, filters.date_to
    years = sorted(filters.selected("year"))
    if years:
        date_from = max(filter(None, [date_from, f"{years[0]}-01-01"]))
        date_to = min(filter(None, [date_to, f"{years[-1]}-12-31"]))
    event_keys = None
    if view is not None and (view.selections or view.search or view.date_from or view.date_to):
        keys, _total = table.event_keys(view, 100_000)
        event_keys = tuple(keys)
        countries = countries or view.selected("country")
        officials = officials or view.selected("official")
        date_from = date_from or view.date_from
        date_to = date_to or view.date_to
    return RetrievalFilters(
        kinds=tuple(kinds) if kinds else None,
        date_from=date_from,
        date_to=date_to,
        countries=tuple(sorted(countries)) or None,
        officials=tuple(sorted(officials)) or None,
        event_keys=event_keys,
    )


def similarities(retriever, question: str, hits) -> dict[str, float]:
    """Cosine similarity of the (alias-expanded) question with each hit's chunk."""
    import numpy as np

    if not hits:
        return {}
    q = retriever.embedder.encode_query(retriever.expand(question))
    index_of = _chunk_positions(retriever)
    out: dict[str, float] = {}
    missing = []
    for h in hits:
        pos = index_of.get(h.chunk_id)
        vec = None
        if pos is not None:
            try:
                vec = retriever.faiss_index.reconstruct(int(pos))
            except Exception:  # noqa: BLE001 - some FAISS index types cannot reconstruct
                vec = None
        if vec is None:
            missing.append(h)
        else:
            out[h.chunk_id] = float(np.dot(q, vec))
    if missing:
        vecs = retriever.embedder.encode([retriever.chunk(h.chunk_id).search_text if retriever.chunk(h.chunk_id) else h.text for h in missing])
        for h, v in zip(missing, vecs):
            out[h.chunk_id] = float(np.dot(q, v))
    return out


def _chunk_positions(retriever) -> dict[str, int]:
    cached = getattr(retriever, "_qa_positions", None)
    if cached is None or len(cached) != len(retriever.chunks):
        cached = {c.chunk_id: i for i, c in enumerate(retriever.chunks)}
        try:
            retriever._qa_positions = cached
        except AttributeError:
            pass
    return cached


def _mixed_search(retriever, question: str, k: int, filters):
    """Prose and event readouts ranked separately, then merged: 200+ readouts must not crowd the paper out."""
    from dataclasses import replace

    kinds = filters.kinds or ("paper", "user", "readout")
    prose = tuple(x for x in kinds if x != "readout")
    hits = []
    if prose:
        hits += retriever.search(question, k=k, filters=replace(filters, kinds=prose))
    if "readout" in kinds:
        hits += retriever.search(question, k=max(2, k // 2), filters=replace(filters, kinds=("readout",)))
    return hits


def relevant_hits(retriever, question: str, route, view, table, k: int, kinds=None,
                  threshold: float = RELEVANCE_THRESHOLD, max_sources: int = MAX_SOURCES) -> SourceSet:
    """Top passages that clear the relevance bar, numbered 1..n in retrieval order."""
    filters = retrieval_filters(route, view, table, kinds)
    hits = _mixed_search(retriever, question, k, filters)
    if not hits and not filters.is_empty() and view is None:
        hits = _mixed_search(retriever, question, k, RetrievalFilters(kinds=filters.kinds))
    sims = similarities(retriever, question, hits)
    result = SourceSet(best_similarity=max(sims.values()) if sims else None)
    if not hits or result.best_similarity is None or result.best_similarity < threshold:
        return result
    seen: set[str] = set()
    ranked = []
    for h in sorted(hits, key=lambda h: -sims.get(h.chunk_id, 0.0)):
        if sims.get(h.chunk_id, 0.0) >= threshold and h.chunk_id not in seen:
            seen.add(h.chunk_id)
            ranked.append(h)
    result.sources = [Source(i + 1, h, sims[h.chunk_id]) for i, h in enumerate(ranked)]
    floor = max(threshold, result.best_similarity - RELATIVE_MARGIN)
    result.prompt_count = min(max_sources, sum(1 for s in result.sources if s.similarity >= floor))
    return result


def question_overlap(question: str, text: str) -> float:
    stems = verifier.content_stems(question)
    if not stems:
        return 0.0
    return len(stems & verifier.content_stems(text)) / len(stems)
