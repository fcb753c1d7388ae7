"""The user's own documents: extract text (txt, md, html, pdf), keep provenance, store under the user corpus folder.

Each document is stored as `<doc_id>.txt` (extracted text) plus `<doc_id>.json` (original path, title, date, content
hash). Both are written to temp names and renamed, the sidecar last: a document exists once its sidecar does, so a
kill mid-ingest leaves no half document. Re-ingesting an unchanged file is a no-op; a changed file replaces its
earlier version. A file that cannot be read is reported and skipped; the others still go in.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterable

from gsi_explorer import paths
from gsi_explorer.index.chunking import Passage, split_blocks

SUFFIXES = {".txt": "txt", ".text": "txt", ".md": "md", ".markdown": "md", ".html": "html", ".htm": "html",
            ".pdf": "pdf"}
MAX_BYTES = 200 * 1024 * 1024


class Unreadable(Exception):
    """A file that cannot be ingested; the message says why and what to do."""


@dataclass(frozen=True)
class UserDoc:
    doc_id: str
    title: str
    source_path: str
    kind: str  # txt | md | html | pdf
    sha256: str  # of the original file's bytes
    date: str | None
    chars: int
    ingested_at: str

    @property
    def text_path(self) -> Path:
        return user_dir() / f"{self.doc_id}.txt"


@dataclass(frozen=True)
class IngestResult:
    path: str
    status: str  # added | updated | unchanged | skipped
    doc_id: str | None = None
    title: str | None = None
    message: str = ""


def user_dir() -> Path:
    return paths.user_corpus_dir()


# ---------- extraction ----------

_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_DATE_PATTERNS = (
    (re.compile(r"\b(20\d\d|19\d\d)-(\d\d)-(\d\d)\b"), lambda m: f"{m[1]}-{m[2]}-{m[3]}"),
    (re.compile(rf"\b({_MONTHS}) (\d{{1,2}}), (\d{{4}})\b"),
     lambda m: datetime.strptime(f"{m[1]} {m[2]} {m[3]}", "%B %d %Y").strftime("%Y-%m-%d")),
    (re.compile(rf"\b(\d{{1,2}}) ({_MONTHS}) (\d{{4}})\b"),
     lambda m: datetime.strptime(f"{m[2]} {m[1]} {m[3]}", "%B %d %Y").strftime("%Y-%m-%d")),
)


def find_date(text: str) -> str | None:
    head = text[:3000]
    for pattern, fmt in _DATE_PATTERNS:
        m = pattern.search(head)
        if m:
            try:
                return fmt(m)
            except ValueError:
                continue
    return None


def _decode(data: bytes, path: Path) -> str:
    if b"\x00" in data[:8192]:
        raise Unreadable("binary data, not text — convert it to .txt, .md, .html or .pdf")
    for enc in ("utf-8-sig", "utf-16") if data[:2] in (b"\xff\xfe", b"\xfe\xff") else ("utf-8-sig",):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    text = data.decode("cp1252", errors="replace")
    if text.count("\ufffd") > max(10, len(text) // 100):
        raise Unreadable("not UTF-8 text and not readable as Windows-1252 — re-save it as UTF-8")
    return text


def _extract_txt(data: bytes, path: Path) -> tuple[str, str | None, str | None]:
    text = _decode(data, path)
    first = next((ln.strip() for ln in text.splitlines() if ln.strip()), "")
    title = first if 0 < len(first) <= 120 else None
    return text, title, None


def _extract_md(data: bytes, path: Path) -> tuple[str, str | None, str | None]:
    text = _decode(data, path)
    m = re.search(r"^#\s+(.+?)\s*#*\s*$", text, re.M)
    date = None
    fm = re.match(r"^---\s*\n(.*?)\n---\s*\n", text, re.S)  # YAML front matter
    if fm:
        t = re.search(r"^title:\s*[\"']?(.+?)[\"']?\s*$", fm.group(1), re.M)
        d = re.search(r"^date:\s*[\"']?(\d{4}-\d\d-\d\d)", fm.group(1), re.M)
        date = d.group(1) if d else None
        text = text[fm.end():]
        if t:
            return text, t.group(1), date
    return text, (m.group(1) if m else None), date


def _extract_html(data: bytes, path: Path) -> tuple[str, str | None, str | None]:
    import trafilatura

    html = _decode(data, path)
    text = trafilatura.extract(html, include_comments=False, include_tables=True, favor_recall=True,
                               with_metadata=False)
    if not text or not text.strip():
        raise Unreadable("no readable text in this HTML page (only scripts, navigation or images?) — "
                         "save the article as text or PDF and ingest that")
    title = date = None
    try:
        meta = trafilatura.extract_metadata(html)
        if meta is not None:
            title, date = meta.title, meta.date
    except Exception:  # noqa: BLE001 — metadata is optional
        pass
    if not title:
        m = re.search(r"<title[^>]*>(.*?)</title>", html, re.I | re.S)
        title = re.sub(r"\s+", " ", m.group(1)).strip() if m else None
    return text, title, date


def _extract_pdf(data: bytes, path: Path) -> tuple[str, str | None, str | None]:
    import io
    import logging

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                reader.decrypt("")
            except Exception:  # noqa: BLE001
                raise Unreadable("the PDF is password-protected — save an unprotected copy and ingest that") from None
        pages = [(page.extract_text() or "") for page in reader.pages]
    except Unreadable:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise Unreadable(f"not a readable PDF ({exc.__class__.__name__}: {exc}) — check the file is complete") from None
    text = "\n\n".join(p.strip() for p in pages if p.strip())
    if not text.strip():
        raise Unreadable("the PDF has no extractable text (scanned images?) — run OCR on it first")
    title = date = None
    try:
        info = reader.metadata
        if info:
            title = (info.title or "").strip() or None
            raw = str(info.get("/CreationDate") or "")
            m = re.match(r"D:(\d{4})(\d\d)(\d\d)", raw)
            date = f"{m[1]}-{m[2]}-{m[3]}" if m else None
    except Exception:  # noqa: BLE001 — metadata is optional
        pass
    return text, title, date


EXTRACTORS = {"txt": _extract_txt, "md": _extract_md, "html": _extract_html, "pdf": _extract_pdf}


def extract(path: Path) -> tuple[str, str, str | None, str, str]:
    """(text, title, date, kind, sha256) of one file, or Unreadable with the reason and the fix."""
    kind = SUFFIXES.get(path.suffix.lower())
    if kind is None:
        raise Unreadable(f"unsupported file type '{path.suffix or '(none)'}' — convert it to .txt, .md, .html or .pdf")
    try:
        if path.stat().st_size > MAX_BYTES:
            raise Unreadable(f"larger than {MAX_BYTES // 2**20} MB — split it into smaller files")
        data = path.read_bytes()
    except PermissionError:
        raise Unreadable("permission denied — check the file's read permission") from None
    except OSError as exc:
        raise Unreadable(f"cannot read it ({exc.strerror or exc})") from None
    if not data.strip():
        raise Unreadable("the file is empty")
    text, title, date = EXTRACTORS[kind](data, path)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    if not text.strip():
        raise Unreadable("no text found in the file")
    return text, (title or path.stem), (date or find_date(text)), kind, hashlib.sha256(data).hexdigest()


# ---------- storage ----------

def _atomic_write(path: Path, content: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with tmp.open("w", encoding="utf-8") as fh:
            fh.write(content)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)  # never leave a half file behind (full disk, kill, ...)
        raise


def list_documents() -> list[UserDoc]:
    """Ingested documents (those with a complete sidecar and text), oldest first."""
    docs = []
    for meta in sorted(user_dir().glob("user-*.json")):
        try:
            d = UserDoc(**json.loads(meta.read_text(encoding="utf-8")))
        except (ValueError, TypeError, OSError):
            continue
        if d.text_path.is_file():
            docs.append(d)
    return sorted(docs, key=lambda d: (d.ingested_at, d.doc_id))


def _remove(doc: UserDoc) -> None:
    for p in (user_dir() / f"{doc.doc_id}.json", doc.text_path):  # sidecar first: the doc disappears atomically
        try:
            p.unlink()
        except FileNotFoundError:
            pass


def _expand(paths_in: Iterable[Path]) -> Iterable[Path]:
    for p in paths_in:
        p = Path(p).expanduser()
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                if f.is_file() and not f.name.startswith(".") and f.suffix.lower() in SUFFIXES:
                    yield f
        else:
            yield p


def ingest(paths_in: Iterable[Path], progress: Callable[[str, int, int], None] | None = None) -> list[IngestResult]:
    files = list(_expand(paths_in))
    existing = list_documents()
    by_hash = {d.sha256: d for d in existing}
    by_path = {d.source_path: d for d in existing}
    results: list[IngestResult] = []
    for i, f in enumerate(files):
        if progress:
            progress("ingest", i, len(files))
        src = str(f.resolve()) if f.exists() else str(f)
        if not f.exists():
            results.append(IngestResult(src, "skipped", message="no such file or folder — check the path"))
            continue
        try:
            text, title, date, kind, sha = extract(f)
        except Unreadable as exc:
            results.append(IngestResult(src, "skipped", message=str(exc)))
            continue
        if sha in by_hash:
            d = by_hash[sha]
            results.append(IngestResult(src, "unchanged", d.doc_id, d.title, "already ingested"))
            continue
        previous = by_path.get(src)
        doc = UserDoc(doc_id=f"user-{sha[:12]}", title=title.strip()[:200], source_path=src, kind=kind, sha256=sha,
                      date=date, chars=len(text), ingested_at=datetime.now(timezone.utc).isoformat(timespec="seconds"))
        try:
            _atomic_write(doc.text_path, text)
            _atomic_write(user_dir() / f"{doc.doc_id}.json", json.dumps(asdict(doc), ensure_ascii=False, indent=1))
        except OSError as exc:
            doc.text_path.unlink(missing_ok=True)  # the sidecar is written last, so no half document is listed
            results.append(IngestResult(src, "skipped", message=f"cannot store it in {user_dir()}: "
                                        f"{exc.strerror or exc} — free disk space and ingest it again"))
            continue
        if previous is not None:
            _remove(previous)
        by_hash[sha] = doc
        by_path[src] = doc
        results.append(IngestResult(src, "updated" if previous else "added", doc.doc_id, doc.title,
                                    f"{len(text):,} characters"))
    if progress:
        progress("ingest", len(files), len(files))
    return results


def remove_document(doc_id: str) -> bool:
    for d in list_documents():
        if d.doc_id == doc_id:
            _remove(d)
            return True
    return False


# ---------- passages ----------

_MD_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")


def user_passages(doc: UserDoc) -> list[Passage]:
    """Paragraph blocks of a stored document; Markdown headings become sections."""
    text = doc.text_path.read_text(encoding="utf-8")
    url = Path(doc.source_path).as_uri() if Path(doc.source_path).is_absolute() else None
    out: list[Passage] = []
    section: str | None = None
    n = 0
    for start, block in split_blocks(text):
        m = _MD_HEADING.match(block) if doc.kind == "md" else None
        if m and "\n" not in block:
            section = m.group(2)
            continue
        n += 1
        body = re.sub(r"[ \t]*\n[ \t]*", " ", block)  # unwrap hard-wrapped lines
        body = re.sub(r"\s{2,}", " ", body)
        out.append(Passage(doc=doc.doc_id, kind="user", title=doc.title, text=body, section=section, paragraph=n,
                           start=start, url=url, date=doc.date))
    return out
