"""Passages → chunks that keep their provenance (document, section, paragraph, character span, URL).

A chunk never crosses a paragraph: citations point at one paragraph. Paragraphs longer than `max_chars` are cut into
windows of whole sentences, overlapping by `overlap` sentences so a fact on a boundary is whole in one window.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import asdict, dataclass, field

CHUNKER_VERSION = "4"


@dataclass(frozen=True)
class ChunkParams:
    max_chars: int = 800  # chosen on the retrieval dev set (bench/bench_index_eval.py --sweep); fits MiniLM's 256 tokens
    overlap: int = 1  # sentences repeated between consecutive windows of one paragraph
    section_prefix: bool = True  # embed/search "Section: text" so headings help matching

    def as_dict(self) -> dict:
        return asdict(self)


DEFAULT_PARAMS = ChunkParams()


@dataclass(frozen=True)
class Passage:
    """One paragraph-sized unit of a document before chunking."""

    doc: str
    kind: str  # paper | readout | user
    title: str
    text: str  # as shown (footnote markers removed)
    raw: str = ""  # as in the source, for span arithmetic; defaults to text
    section: str | None = None
    paragraph: int | None = None
    start: int = 0  # offset of `raw` in the source document
    url: str | None = None
    event_key: str | None = None
    date: str | None = None
    countries: tuple[str, ...] = ()
    officials: tuple[str, ...] = ()
    extra: str = ""  # words that should match but not be shown (e.g. region names of a readout)
    search: str | None = None  # what to match on instead of `text` (a compact form without boilerplate)


@dataclass(frozen=True)
class Chunk:
    chunk_id: str
    doc: str
    kind: str
    title: str
    section: str | None
    paragraph: int | None
    start: int
    end: int
    text: str
    search_text: str  # what BM25 and the embedder see
    url: str | None = None
    event_key: str | None = None
    date: str | None = None
    countries: tuple[str, ...] = field(default_factory=tuple)
    officials: tuple[str, ...] = field(default_factory=tuple)

    def to_json(self) -> dict:
        d = asdict(self)
        d["countries"] = list(self.countries)
        d["officials"] = list(self.officials)
        return d

    @classmethod
    def from_json(cls, d: dict) -> "Chunk":
        d = dict(d)
        d["countries"] = tuple(d.get("countries") or ())
        d["officials"] = tuple(d.get("officials") or ())
        return cls(**d)


_ABBREV = {"u.s", "u.k", "u.n", "mr", "mrs", "ms", "dr", "st", "no", "vs", "e.g", "i.e", "etc", "jr", "sr", "gen", "col"}
# Sentence end: . ! ? (optionally a closing quote/bracket and a glued footnote number), then space, then a capital.
_BOUNDARY = re.compile(r"[.!?][”’\"')\]]?\d{0,3}\s+(?=[A-Z“\"(‘\d])")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans (start, end) in `text`; conservative about abbreviations such as U.S. and initials."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _BOUNDARY.finditer(text):
        dot = m.start()
        word = re.search(r"([\w.]+)$", text[start:dot])
        w = word.group(1).lower() if word else ""
        if w in _ABBREV or (len(w) == 1 and w.isalpha()) or re.fullmatch(r"([a-z]\.)+[a-z]", w):
            continue
        end = m.end()
        seg_end = len(text[:end].rstrip())
        if seg_end > start:
            spans.append((start, seg_end))
        start = end
    if start < len(text.rstrip()):
        spans.append((start, len(text.rstrip())))
    return spans or [(0, len(text))]


def _windows(spans: list[tuple[int, int]], max_chars: int, overlap: int) -> list[tuple[int, int]]:
    """Greedy windows of consecutive sentences, each ≤ max_chars unless one sentence alone is longer."""
    out: list[tuple[int, int]] = []
    i = 0
    while i < len(spans):
        j = i
        while j + 1 < len(spans) and spans[j + 1][1] - spans[i][0] <= max_chars:
            j += 1
        out.append((spans[i][0], spans[j][1]))
        if j + 1 >= len(spans):
            break
        i = max(j + 1 - overlap, i + 1)
    return out


def _chunk_id(doc: str, paragraph: int | None, start: int, end: int) -> str:
    h = hashlib.sha1(f"{doc}|{paragraph}|{start}|{end}".encode()).hexdigest()[:10]
    return f"{doc}:{paragraph if paragraph is not None else 0}:{h}"


def chunk_passages(passages: list[Passage], params: ChunkParams = DEFAULT_PARAMS) -> list[Chunk]:
    from gsi_explorer.corpus.paper import strip_footnotes

    chunks: list[Chunk] = []
    for p in passages:
        raw = p.raw or p.text
        if len(p.text) <= params.max_chars or p.kind == "readout":
            pieces = [(0, len(raw), p.text)]
        else:
            pieces = [(a, b, strip_footnotes(raw[a:b]) if p.raw else raw[a:b])
                      for a, b in _windows(split_sentences(raw), params.max_chars, params.overlap)]
        for a, b, text in pieces:
            head = p.section if (params.section_prefix and p.section) else None
            body = p.search if (p.search and len(pieces) == 1) else text
            search = " ".join(x for x in (f"{head}:" if head else "", body, p.extra) if x)
            chunks.append(
                Chunk(
                    chunk_id=_chunk_id(p.doc, p.paragraph, p.start + a, p.start + b),
                    doc=p.doc, kind=p.kind, title=p.title, section=p.section, paragraph=p.paragraph,
                    start=p.start + a, end=p.start + b, text=text, search_text=search, url=p.url,
                    event_key=p.event_key, date=p.date, countries=p.countries, officials=p.officials,
                )
            )
    return chunks


def split_blocks(text: str) -> list[tuple[int, str]]:
    """Paragraph blocks of a plain-text document (blank-line separated, or one per line when there are none)."""
    blocks: list[tuple[int, str]] = []
    sep = r"\n\s*\n" if re.search(r"\n\s*\n", text) else r"\n"
    pos = 0
    for m in re.finditer(sep, text + "\n\n"):
        block = text[pos:m.start()]
        stripped = block.strip()
        if stripped:
            blocks.append((pos + (len(block) - len(block.lstrip())), stripped))
        pos = m.end()
    return blocks
