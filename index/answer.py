"""The answer pipeline, the one Q&A interface the TUI and the CLI use.

route (question → table query, numbers from DuckDB) → retrieve (hybrid index, filters from the question or the
browser's view) → generate (local GGUF, sources framed as quoted data) → verify (each sentence must be carried by
a cited source) → compose table sentences and verified prose, renumbering citations [n] in order of use.
When no passage is relevant and the tables have nothing to say, the answer says the sources do not answer.
"""

from __future__ import annotations

import hashlib
import re
import threading
import time
from dataclasses import dataclass, field
from typing import Callable

from gsi_explorer.errors import GsiError
from gsi_explorer.index import qa_check
from gsi_explorer.index import verify as verifier
from gsi_explorer.index.qa_sources import Source, SourceSet, relevant_hits
from gsi_explorer.index.route import Route, TableAnswer, TableQA

MAX_QUESTION_CHARS = 2000
NO_ANSWER = "The sources do not answer this question."
ROUTES = ("table", "text", "table+text", "none")

Progress = Callable[[str, int, int], None]


class QuestionError(GsiError):
    """The question itself cannot be asked (empty, too long)."""


@dataclass
class Citation:
    n: int
    kind: str  # "passage" | "event"
    text: str
    doc: str
    section: str | None
    event_key: str | None
    url: str | None
    paragraph: int | None = None
    chunk_id: str | None = None
    title: str | None = None

    def to_json(self) -> dict:
        return {"n": self.n, "kind": self.kind, "text": self.text, "doc": self.doc, "section": self.section,
                "event_key": self.event_key, "url": self.url}

    @property
    def where(self) -> str:
        """Short provenance: `paper §The Pacific Islands ¶64` or `event 2024-09-09-...`."""
        if self.kind == "event":
            return f"event {self.event_key}"
        parts = [self.doc]
        if self.section:
            parts.append(f"§{self.section}")
        if self.paragraph is not None:
            parts.append(f"¶{self.paragraph}")
        return " ".join(parts)


@dataclass
class Answer:
    question: str
    answer: str
    route: str
    citations: list[Citation]
    unsupported: list[str]
    model: str
    timings_ms: dict[str, int]
    structured_query: str | None = None
    view_spec: str | None = None
    model_sha256: str | None = None
    index_id: str | None = None
    draft: str = ""  # what the model wrote, before verification
    cancelled: bool = False
    extractive: bool = False
    relevance: float | None = None  # best passage's cosine similarity to the question

    def to_json(self) -> dict:
        return {
            "question": self.question,
            "answer": self.answer,
            "route": self.route,
            "citations": [c.to_json() for c in self.citations],
            "unsupported": list(self.unsupported),
            "model": self.model,
            "timings_ms": {k: int(self.timings_ms.get(k, 0)) for k in ("retrieve", "generate", "total")},
        }

    def to_markdown(self) -> str:
        from gsi_explorer.index.transcript import answer_markdown

        return answer_markdown(self)


class Answerer:
    """Holds the event store, the index and the model; `ask` is safe to call from a worker thread."""

    def __init__(self, settings, store, retriever, llm, table: TableQA) -> None:
        self.settings = settings
        self.store = store
        self.retriever = retriever
        self.llm = llm
        self.table = table
        self.threshold = relevance_threshold()
        self.generate = True
        self.alias_groups = alias_groups(table.router.vocabulary, getattr(retriever, "aliases", None))
        self._lock = threading.Lock()

    @classmethod
    def load(cls, settings, progress: Progress | None = None, store=None) -> "Answerer":
        """Model file check, database, index, model (each checked, rebuilt if stale, with progress).
        `store`: an open EventStore to share (the TUI's), instead of opening the database again."""
        from gsi_explorer.data import load as data_load
        from gsi_explorer.data.query import EventStore
        from gsi_explorer.index.llm import LocalLLM
        from gsi_explorer.index.retrieve import Retriever

        def step(message: str, done: int) -> None:
            if progress:
                progress(message, done, 3)

        # The model is checked first: a missing or non-GGUF file should fail before minutes of index building.
        step("checking model", 0)
        from gsi_explorer.index.llm import check_gguf, resolve_model_path

        check_gguf(resolve_model_path(settings.model.llm))
        step("opening event database", 0)
        if store is None:
            store = EventStore.open(data_load.ensure_built(settings))
        step("loading search index", 1)
        retriever = Retriever.load(settings, progress=progress)
        retriever.embedder  # noqa: B018 - load the embedding model now, not on the first question
        step("loading language model", 2)
        llm = LocalLLM.load(settings.model, progress=lambda m: step(m, 2))
        step("ready", 3)
        return cls(settings, store, retriever, llm, TableQA(store))

    @property
    def index_id(self) -> str:
        manifest = getattr(self.retriever, "manifest", None) or {}
        for key in ("id", "index_id", "built_at"):
            if manifest.get(key):
                return str(manifest[key])
        import json

        return hashlib.sha256(json.dumps(manifest, sort_keys=True, default=str).encode()).hexdigest()[:16]

    def passage_context(self, citation: Citation, radius: int = 1) -> list[tuple[str, str, bool]]:
        """The cited paragraph with `radius` paragraphs either side: (label, text, is_cited) in reading order."""
        chunks = [c for c in self.retriever.chunks if c.doc == citation.doc]
        if citation.paragraph is None or not chunks:
            return [(citation.where, citation.text, True)]
        wanted = range(citation.paragraph - radius, citation.paragraph + radius + 1)
        out = []
        for p in wanted:
            parts = sorted((c for c in chunks if c.paragraph == p), key=lambda c: c.start)
            if not parts:
                continue
            text = _merge_windows([c.text for c in parts])
            section = parts[0].section
            label = f"{citation.doc} §{section} ¶{p}" if section else f"{citation.doc} ¶{p}"
            out.append((label, text, p == citation.paragraph))
        return out or [(citation.where, citation.text, True)]

    # ----------------------------------------------------------------------------------------------------------

    def ask(self, question: str, k: int | None = None, view=None, on_token: Callable[[str], None] | None = None,
            cancel: threading.Event | None = None, generate: bool | None = None) -> Answer:
        """Answer one question. `view` (data.query.Filters) restricts the tables and retrieval to it; `on_token`
        receives the draft as it is generated (the returned Answer holds what survived verification);
        `cancel` stops generation; `generate=False` skips the model and quotes the best source sentences."""
        start = time.perf_counter()
        question = clean_question(question)
        k = k or self.settings.index.k
        route = self.table.router.parse(question, view)
        table: TableAnswer | None = self.table.run(route) if route.is_table else None
        # Passages: the table already cites event records, so a table question looks for prose only.
        kinds = ("paper", "user") if table is not None else None
        sources = relevant_hits(self.retriever, question, route, view, self.table, k=k, kinds=kinds,
                                threshold=self.threshold)
        t_retrieved = time.perf_counter()
        if table is not None and on_token:
            on_token(render_table(table) + "\n\n")
        generation = None
        verified = verifier.Verification()
        extractive = False
        if sources and not (cancel and cancel.is_set()):
            if self.generate if generate is None else generate:
                from gsi_explorer.index.qa_prompt import build_messages

                messages = build_messages(question, sources, self.llm)
                generation = self.llm.chat(messages, on_token=on_token, cancel=cancel)
                if not generation.cancelled:
                    verified = verifier.verify(generation.text, sources.texts())
                    exp = qa_check.expectation(question, self.alias_groups)
                    if verified.kept and not any(qa_check.fits(exp, verifier.strip_citations(s)) for s in verified.kept):
                        verified.unsupported += [f"{s} (supported, but does not answer the question)" for s in verified.kept]
                        verified.kept = []
            if not verified.kept and not (generation and generation.cancelled):
                quotes = qa_check.best_answering(question, sources.texts(), sources.order(),
                                                  aliases=self.alias_groups)
                if quotes:
                    verified.kept = [verifier.format_quotes(quotes)]
                    extractive = True
        t_generated = time.perf_counter()
        answer = self._compose(question, route, table, sources, verified, extractive)
        answer.draft = generation.text if generation else ""
        answer.relevance = sources.best_similarity
        answer.cancelled = bool(generation and generation.cancelled) or bool(cancel and cancel.is_set())
        answer.timings_ms = {
            "retrieve": int((t_retrieved - start) * 1000),
            "generate": int((t_generated - t_retrieved) * 1000),
            "total": int((time.perf_counter() - start) * 1000),
        }
        if generation:
            answer.timings_ms["first_token"] = generation.first_token_ms or 0
            answer.timings_ms["tokens"] = generation.tokens
        return answer

    def _compose(self, question: str, route: Route, table: TableAnswer | None, sources: SourceSet,
                 verified: verifier.Verification, extractive: bool) -> Answer:
        citations: list[Citation] = []
        by_event: dict[str, int] = {}
        by_source: dict[int, int] = {}

        def event_n(key: str) -> int:
            if key not in by_event:
                rec = table.records[key]
                by_event[key] = len(citations) + 1
                citations.append(Citation(by_event[key], "event", rec.text, "event records", rec.date, key, rec.url))
            return by_event[key]

        def source_n(n: int) -> int:
            if n not in by_source:
                src: Source = sources[n]
                by_source[n] = len(citations) + 1
                citations.append(src.citation(by_source[n]))
            return by_source[n]

        parts: list[str] = []
        table_answers = table is not None and not table.empty
        if table_answers:
            parts.append(render_table(table, event_n))
        prose = ""
        if verified.kept:
            prose = " ".join(verified.kept)
            prose = verifier.CITE_RE.sub(
                lambda m: "".join(f"[{source_n(int(x))}]" for x in re.split(r"[,;]\s*", m.group(1))
                                  if x.strip().isdigit() and int(x) in sources.by_n),
                prose,
            )
            parts.append(("From the paper and documents: " if table_answers else "") + prose)
        if table_answers and prose:
            route_name = "table+text"
        elif table_answers:
            route_name = "table"
        elif prose:
            route_name = "text"
        else:
            route_name = "none"
        if parts:
            text = "\n\n".join(parts)
        elif table is not None:  # a list question whose filters match nothing
            text = f"{NO_ANSWER} {table.sentences[0][0]}"
        else:
            text = NO_ANSWER
        return Answer(
            question=question,
            answer=text,
            route=route_name,
            citations=citations,
            unsupported=list(verified.unsupported),
            model=self.llm.model_id,
            timings_ms={},
            structured_query=(route.describe() if table is not None else None),
            view_spec=(route.view_spec() if table is not None else None),
            model_sha256=self.llm.sha256,
            index_id=self.index_id,
            extractive=extractive,
        )


def _merge_windows(texts: list[str]) -> str:
    """Overlapping sentence windows of one paragraph back into one text (shared sentences once)."""
    merged: list[str] = []
    for text in texts:
        for sentence in verifier.split_sentences(text):
            if sentence not in merged:
                merged.append(sentence)
    return " ".join(merged)


def save_transcript(answers: list[Answer], path) -> object:
    """Markdown transcript of a session (citations, model hash, index manifest id), written atomically."""
    from gsi_explorer.index.transcript import save_transcript as _save

    return _save(answers, path)


def render_table(table: TableAnswer, number: Callable[[str], int] | None = None) -> str:
    """Table sentences with event markers; without `number` (streaming preview) markers are left out."""
    lines = []
    for sentence, keys in table.sentences:
        marks = "".join(f"[{number(k)}]" for k in keys) if number else ""
        lines.append(f"{sentence} {marks}".rstrip() if marks else sentence)
    head, *rest = lines
    if rest and head.endswith(":"):
        return head + "\n" + "\n".join(f"- {line}" for line in rest)
    return " ".join(lines)


def clean_question(question: str) -> str:
    if question is None:
        raise QuestionError("empty question — type a question, e.g. `gsi-explorer ask \"which PICs got ministerial sideline meetings\"`")
    text = re.sub(r"[\x00-\x08\x0b-\x1f\x7f\x1b]", " ", str(question))
    text = " ".join(text.split())
    if not text:
        raise QuestionError("empty question — type a question, e.g. `gsi-explorer ask \"which PICs got ministerial sideline meetings\"`")
    if len(text) > MAX_QUESTION_CHARS:
        raise QuestionError(
            f"question is {len(text):,} characters; the limit is {MAX_QUESTION_CHARS:,} — ask a shorter question "
            "(the model's context holds only a few pages)"
        )
    return text


def alias_groups(vocabulary: dict, alias_table=None) -> list[list[str]]:
    """Equivalent names from the database vocabulary and the acronyms the index learned from the corpus."""
    groups = [list(g) for g in (getattr(alias_table, "groups", None) or [])]
    for facet in ("country", "official", "agency", "host_event", "forum", "region"):
        for canonical, aliases in (vocabulary.get(facet) or {}).items():
            names = [n for n in [canonical, *(aliases or [])] if n and len(n) >= 2]
            if len(names) > 1:
                groups.append(names)
    return groups


def relevance_threshold() -> float:
    from gsi_explorer.index.qa_sources import RELEVANCE_THRESHOLD

    return RELEVANCE_THRESHOLD
