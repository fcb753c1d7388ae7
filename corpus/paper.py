"""The source paper as structured passages: sections from its own headings, paragraphs numbered as in the file.

Paragraph number = 1-based index of the non-empty line in paper.txt, so citations stay stable whatever is dropped.
Footnote markers ("cooperation.6 We") are removed from the text used for matching; character offsets still point
into the original file so a passage can be shown in context.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from gsi_explorer.paths import package_dir

# A footnote number glued to the end of a word/quote/punctuation: "diplomacy.6 We", "(PICs),4 when", "conflict.”2".
_GLUED_NOTE = re.compile(r"(?<=[a-z\)\]”’\"\.,;:!?])(\d{1,3})(?=[\s,;:.)]|$)")
# A footnote number after sentence end and a space: "in prison. 15 His", "in Figure 4. 27".
_SPACED_NOTE = re.compile(r"(?<=[.”]) (\d{1,3})(?=\s+[A-Z“\"]|\s*$)")
_HEADING_END = (".", "?", "!", ":", ";", ",", "”", '"', "’")
# Lines that are page furniture rather than prose.
_BOILERPLATE = (
    re.compile(r"^Source:\s*\S+", re.I),  # image credit
    re.compile(r"^(paper|article|report|commentary)$", re.I),  # content-type label
    re.compile(r"^Published on ", re.I),
    re.compile(r"^Carnegie does not take institutional positions"),
    re.compile(r"^(Figure|Table|Map)\s+\d+\s*$", re.I),  # bare figure placeholder
)


@dataclass(frozen=True)
class Paragraph:
    n: int  # 1-based index of the non-empty line in the file
    section: str | None  # the paper's own heading this paragraph sits under
    text: str  # as published (footnote markers included)
    clean: str  # footnote markers removed; used for matching and display
    start: int  # character offset of the line in the file
    end: int


@dataclass(frozen=True)
class Paper:
    meta: dict
    path: Path
    sha256: str
    paragraphs: tuple[Paragraph, ...]
    headings: tuple[tuple[int, str], ...]  # (line number, heading) in order

    @property
    def sections(self) -> list[str]:
        return [h for _, h in self.headings]


def strip_footnotes(text: str) -> str:
    """Remove footnote markers but keep real numbers (years, 27.4 percent, 2,100, COVID-19, C+C5)."""

    def glued(m: re.Match) -> str:
        i = m.start(1)
        prev = text[i - 1]
        if prev in ".,":
            before = text[i - 2] if i >= 2 else ""
            if before.isdigit():
                # 27.4 percent / 2,100 are numbers; "Figure 5.55" at a line end is a note after a number.
                rest = text[m.end(1):]
                if prev == "," or not (rest.strip() == "" or re.match(r"\s+[A-Z“\"]", rest)):
                    return m.group(0)
        return ""

    out = _GLUED_NOTE.sub(glued, text)
    out = _SPACED_NOTE.sub("", out)
    return re.sub(r"[ \t]{2,}", " ", out).strip()


def _is_heading(line: str, next_line: str | None) -> bool:
    s = line.strip()
    if not s or len(s) > 90 or s.endswith(_HEADING_END):
        return False
    if next_line is None:
        return True
    return len(next_line.strip()) > len(s)


def _is_boilerplate(line: str) -> bool:
    return any(p.search(line.strip()) for p in _BOILERPLATE)


def _norm(s: str) -> str:
    s = s.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    return re.sub(r"\s+", " ", s).strip().lower()


def _words(s: str) -> set[str]:
    return {w[:6] for w in re.findall(r"[a-z]+", _norm(s)) if len(w) > 3}


def _is_pull_quote(line: str, neighbours: list[str]) -> bool:
    """A short one-sentence line whose words all recur around it: a pull quote repeating the body text."""
    if len(line) > 200 or not line.endswith((".", "”")) or re.search(r"[.!?]\s+[A-Z]", line[:-1]):
        return False
    words = _words(line)
    around = _words(" ".join(n for n in neighbours if len(n) > len(line)))
    return len(words) >= 4 and len(words & around) >= 0.8 * len(words)


def parse_paper(text: str, meta: dict, path: Path) -> Paper:
    lines: list[tuple[int, int, str]] = []  # (n, start offset, line)
    offset = 0
    n = 0
    for raw in text.splitlines(keepends=True):
        line = raw.rstrip("\r\n")
        if line.strip():
            n += 1
            lines.append((n, offset, line))
        offset += len(raw)
    title = _norm(meta.get("title", ""))
    paras: list[Paragraph] = []
    headings: list[tuple[int, str]] = []
    section: str | None = None
    started = False  # before the first heading is the page's front matter (photo caption, title, dek)
    for i, (n, start, line) in enumerate(lines):
        nxt = lines[i + 1][2] if i + 1 < len(lines) else None
        s = line.strip()
        if _is_boilerplate(s) or _norm(s) == title:
            continue
        if not started:
            if _is_heading(s, nxt) and nxt is not None and not _is_boilerplate(nxt):
                started = True
            elif i + 1 < len(lines) and lines[i + 1][2].strip().startswith("Source:"):
                continue  # photo caption
            else:
                lead = len(line) - len(line.lstrip())
                paras.append(Paragraph(n, None, s, strip_footnotes(s), start + lead, start + lead + len(s)))
                continue
        if _is_heading(s, nxt):
            section = s
            headings.append((n, s))
            continue
        if _is_pull_quote(s, [ln for _, _, ln in lines[max(0, i - 2):i] + lines[i + 1:i + 3]]):
            continue
        lead = len(line) - len(line.lstrip())
        paras.append(Paragraph(n, section, s, strip_footnotes(s), start + lead, start + lead + len(s)))
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return Paper(meta=meta, path=path, sha256=digest, paragraphs=tuple(paras), headings=tuple(headings))


def paper_path() -> Path:
    return package_dir("corpus") / "paper.txt"


def load_paper(path: Path | None = None) -> Paper:
    """Load paper.txt and its sidecar paper.json (title, authors, publisher, date, URL)."""
    path = path or paper_path()
    meta_path = path.with_suffix(".json")
    meta = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.exists() else {}
    return _load_cached(path, path.stat().st_mtime_ns, path.stat().st_size, json.dumps(meta, sort_keys=True))


@lru_cache(maxsize=4)
def _load_cached(path: Path, _mtime: int, _size: int, meta_json: str) -> Paper:
    return parse_paper(path.read_text(encoding="utf-8"), json.loads(meta_json), path)
