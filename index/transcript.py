"""Answers as Markdown: the text with its [n] markers, every citation quoted, and what produced it
(route, structured query, model file hash, index manifest id), so a saved answer can be checked later."""

from __future__ import annotations

import os
from datetime import datetime, timezone
from pathlib import Path

from gsi_explorer.errors import GsiError


def _quote(text: str) -> str:
    return "\n".join(f"> {line}" if line.strip() else ">" for line in text.strip().splitlines())


def answer_markdown(answer, level: int = 2) -> str:
    h = "#" * level
    lines = [f"{h} Q: {answer.question}", "", answer.answer, ""]
    if answer.citations:
        lines += [f"{h}# Citations", ""]
        for c in answer.citations:
            where = c.where
            link = f" — <{c.url}>" if c.url else ""
            lines += [f"**[{c.n}]** {where}{link}", "", _quote(c.text), ""]
    if answer.unsupported:
        lines += [f"{h}# Dropped by verification (not shown as the answer)", ""]
        lines += [f"- {s}" for s in answer.unsupported] + [""]
    lines += [f"{h}# Provenance", ""]
    lines.append(f"- route: {answer.route}")
    if answer.structured_query:
        lines.append(f"- structured query: `{answer.structured_query}`")
    if answer.view_spec:
        lines.append(f"- browser view: `{answer.view_spec}`")
    if answer.extractive:
        lines.append("- answer: quoted from the sources (no generated sentence passed verification)")
    lines.append(f"- model: {answer.model}" + (f" (sha256 {answer.model_sha256})" if answer.model_sha256 else ""))
    if answer.index_id:
        lines.append(f"- index manifest: {answer.index_id}")
    t = answer.timings_ms
    lines.append(f"- timings: retrieve {t.get('retrieve', 0)} ms, generate {t.get('generate', 0)} ms, total {t.get('total', 0)} ms")
    return "\n".join(lines).rstrip() + "\n"


def session_markdown(answers: list, title: str = "gsi-explorer Q&A transcript") -> str:
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    parts = [f"# {title}", "", f"Saved {stamp}.", ""]
    parts += [answer_markdown(a) for a in answers]
    return "\n".join(parts)


def save_transcript(answers: list, path: Path) -> Path:
    """Write atomically (temp file, then rename) so an interrupted save never leaves half a transcript."""
    path = Path(path).expanduser()
    if path.is_dir():
        raise GsiError(f"{path}: is a folder — give a file name such as {path / 'answers.md'}")
    if not path.parent.exists():
        raise GsiError(f"{path.parent}: folder does not exist — create it or choose another --save path")
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(session_markdown(answers), encoding="utf-8")
        tmp.replace(path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise GsiError(f"{path}: cannot write transcript ({exc.strerror}) — check free space and permissions") from None
    return path
