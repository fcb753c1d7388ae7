"""`gsi-explorer ask`: one question, or a batch file, answered with verified citations.

Light module: the answer pipeline (torch, FAISS, llama.cpp) is imported only when a question is actually asked.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from gsi_explorer.errors import GsiError


class BatchError(GsiError):
    pass


def register(subparsers, common) -> None:
    p = subparsers.add_parser(
        "ask",
        parents=[common],
        help="answer a question from the paper and the event records, with citations",
        description="Answer a question from the paper, your documents and the event tables. Counts and lists of "
        "meetings come from the database; every sentence of prose must be supported by a cited passage.",
    )
    p.add_argument("question", nargs="?", help="the question (quote it)")
    p.add_argument("--json", action="store_true", help="print one JSON object (the format is in the README)")
    p.add_argument("-k", type=int, default=None, metavar="N", help="passages to retrieve (default: settings index.k)")
    p.add_argument("--batch", type=Path, metavar="FILE",
                   help="questions, one per line (plain text or JSON with a \"q\" field); prints one JSON object per line")
    p.add_argument("--save", type=Path, metavar="FILE", help="also write a Markdown transcript with citations")
    p.set_defaults(handler=run)


def read_batch(path: Path) -> list[str]:
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BatchError(f"{path}: batch file not found — give a file with one question per line") from None
    except UnicodeDecodeError as exc:
        raise BatchError(f"{path}: not UTF-8 text (byte {exc.start}) — save the file as UTF-8") from None
    questions = []
    for lineno, line in enumerate(raw.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("{"):
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise BatchError(f"{path}:{lineno}: invalid JSON ({exc.msg}) — write a plain question or {{\"q\": \"...\"}}") from None
            q = obj.get("q") if isinstance(obj, dict) else None
            if not isinstance(q, str) or not q.strip():
                raise BatchError(f"{path}:{lineno}: field q: missing or empty — each JSON line needs a \"q\" string")
            questions.append(q)
        else:
            questions.append(line)
    if not questions:
        raise BatchError(f"{path}: no questions found — write one question per line")
    return questions


def run(args: argparse.Namespace, settings) -> int:
    if args.batch is None and not args.question:
        raise GsiError('ask: no question — use `gsi-explorer ask "QUESTION"` or `--batch FILE`')
    if args.batch is not None and args.question:
        raise GsiError("ask: give either a question or --batch FILE, not both")
    if args.k is not None and args.k < 1:
        raise GsiError(f"ask: -k must be at least 1 (got {args.k})")
    from gsi_explorer.index.answer import Answerer, clean_question

    questions = read_batch(args.batch) if args.batch else [clean_question(args.question)]
    progress = None if args.json or args.batch else _progress
    answerer = Answerer.load(settings, progress=progress)
    answers = []
    for q in questions:
        if args.batch:
            try:
                answer = answerer.ask(q, k=args.k)
            except GsiError as exc:  # one bad line must not lose the rest of the batch
                print(json.dumps({"question": q, "error": str(exc)}, ensure_ascii=False), flush=True)
                continue
            print(json.dumps(answer.to_json(), ensure_ascii=False), flush=True)
        else:
            answer = answerer.ask(q, k=args.k)
            if args.json:
                print(json.dumps(answer.to_json(), ensure_ascii=False))
            else:
                print(_plain(answer))
        answers.append(answer)
    if args.save and answers:
        from gsi_explorer.index.transcript import save_transcript

        path = save_transcript(answers, args.save)
        print(f"transcript saved to {path}", file=sys.stderr)
    return 0


def _progress(message: str, done: int, total: int) -> None:
    print(f"[{done}/{total}] {message}", file=sys.stderr, flush=True)


def _plain(answer) -> str:
    lines = [answer.answer, ""]
    for c in answer.citations:
        lines.append(f"[{c.n}] {c.where}" + (f"  {c.url}" if c.url else ""))
        text = " ".join(c.text.split())
        lines.append(f"    “{text[:300]}{'…' if len(text) > 300 else ''}”")
    if answer.structured_query:
        lines.append(f"query: {answer.structured_query}")
    lines.append(f"route: {answer.route} · model: {answer.model} · {answer.timings_ms.get('total', 0)} ms")
    return "\n".join(lines)
