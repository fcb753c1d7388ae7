"""Validate the dev sets against the paper and the event table they were written from.

Run: .venv/bin/python tests/devset/check_devset.py   (exit 1 on any error; warnings are printed, not fatal)

Checks: field names and types, unique ids, every evidence string is an exact substring of corpus/paper.txt (30-120
characters, no glued footnote numbers), the declared section is the one that holds the evidence, event keys exist in
data/events.csv, every table SQL runs on the CSV loaded as text and still returns the stored answer, and the minimum
counts per kind are met.
"""
from __future__ import annotations

import csv
import json
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PAPER = ROOT / "corpus" / "paper.txt"
EVENTS = ROOT / "data" / "events.csv"
HERE = Path(__file__).resolve().parent

HEADINGS = (
    "Executive Summary", "Introduction", "New Data on China’s Global Security Diplomacy",
    "China’s Global Security Diplomacy: Interpol, GSI, and GPSCFL", "Interpol", "The Global Security Initiative",
    "The Global Public Security Cooperation Forum (Lianyungang)", "China’s Regional Security Diplomacy",
    "The Pacific Islands", "Southeast Asia", "Central Asia", "Other Regional Multilateral Outreach",
    "China’s Bilateral Security Diplomacy", "Conclusion", "Acknowledgments", "Notes",
)
# A digit glued to a word or closing punctuation is a footnote marker ("cooperation.6 We", "Islands,134").
FOOTNOTE = re.compile(r"(?:[A-Za-z”\)\]]|(?<=[A-Za-z”\)\]])[.,;:])\d")
FOOTNOTE_OK = ("C+C5", "Interaction-2024")

errors: list[str] = []
warnings: list[str] = []


def paragraphs() -> list[str]:
    """Paragraph n (1-based) = n-th non-empty line of the paper."""
    return [line for line in PAPER.read_text(encoding="utf-8").splitlines() if line.strip()]


def section_by_paragraph(paras: list[str]) -> dict[int, str | None]:
    out, current = {}, None
    for n, text in enumerate(paras, 1):
        if text.strip() in HEADINGS:
            current = text.strip()
        out[n] = current
    return out


def locate(evidence: str, paras: list[str]) -> list[int]:
    return [n for n, text in enumerate(paras, 1) if evidence in text]


def check_evidence(rid: str, ev_list: list[str], paras, sections, declared: str | None, stored_paras) -> None:
    found: list[int] = []
    for ev in ev_list:
        if not 30 <= len(ev) <= 120:
            errors.append(f"{rid}: evidence length {len(ev)} outside 30-120: {ev!r}")
        hits = locate(ev, paras)
        if not hits:
            errors.append(f"{rid}: evidence not in paper: {ev!r}")
            continue
        if len(hits) > 1:
            warnings.append(f"{rid}: evidence occurs in paragraphs {hits}: {ev!r}")
        if sum(paras[n - 1].count(ev) for n in hits) > 1 and len(hits) == 1:
            warnings.append(f"{rid}: evidence occurs twice in paragraph {hits[0]}: {ev!r}")
        stripped = ev
        for ok in FOOTNOTE_OK:
            stripped = stripped.replace(ok, "")
        if FOOTNOTE.search(stripped):
            errors.append(f"{rid}: evidence carries a footnote marker: {ev!r}")
        found.append(hits[0])
    if declared is not None and found and sections[found[0]] != declared:
        errors.append(f"{rid}: section {declared!r} but evidence is in paragraph {found[0]} ({sections[found[0]]!r})")
    if stored_paras is not None and sorted(set(found)) != stored_paras:
        errors.append(f"{rid}: paragraphs {stored_paras} but evidence is in {sorted(set(found))}")


def load_jsonl(path: Path) -> list[dict]:
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError as exc:
            errors.append(f"{path.name}:{n}: not JSON ({exc})")
    return rows


def connect():
    import duckdb

    con = duckdb.connect()
    con.execute(
        "CREATE TABLE interactions AS SELECT * FROM read_csv(?, header=true, all_varchar=true)", [str(EVENTS)]
    )
    return con


def sql_answer(con, sql: str):
    rows = con.execute(sql).fetchall()
    values = [r[0] for r in rows]
    if len(values) == 1 and not re.search(r"\bSELECT\s+DISTINCT\b", sql, re.I):
        v = values[0]
        return v if isinstance(v, (int, float)) else str(v)
    return [str(v) for v in values]


def main() -> int:
    paras = paragraphs()
    sections = section_by_paragraph(paras)
    keys = {row["event_key"] for row in csv.DictReader(EVENTS.open(encoding="utf-8"))}
    ids: Counter[str] = Counter()

    retrieval = load_jsonl(HERE / "retrieval.jsonl")
    for r in retrieval:
        rid = r.get("id", "?")
        ids[rid] += 1
        for field in ("id", "q", "kind", "evidence", "event_keys", "section", "paragraphs"):
            if field not in r:
                errors.append(f"{rid}: missing field {field}")
        if r.get("kind") not in ("paper", "event"):
            errors.append(f"{rid}: kind {r.get('kind')!r}")
        if r.get("kind") == "paper" and not r.get("evidence"):
            errors.append(f"{rid}: paper question without evidence")
        if r.get("kind") == "event" and not r.get("event_keys"):
            errors.append(f"{rid}: event question without event_keys")
        if r.get("section") is not None and r["section"] not in HEADINGS:
            errors.append(f"{rid}: unknown section {r['section']!r}")
        for k in r.get("event_keys", []):
            if k not in keys:
                errors.append(f"{rid}: unknown event_key {k}")
        check_evidence(rid, r.get("evidence", []), paras, sections, r.get("section"), r.get("paragraphs"))

    qa = load_jsonl(HERE / "qa.jsonl")
    con = connect()
    for r in qa:
        rid = r.get("id", "?")
        ids[rid] += 1
        for field in ("id", "q", "type", "answer_any", "evidence", "sql"):
            if field not in r:
                errors.append(f"{rid}: missing field {field}")
        kind = r.get("type")
        if kind == "unanswerable" and r.get("answer_any"):
            errors.append(f"{rid}: unanswerable question with answers")
        if kind in ("paper", "table") and not r.get("answer_any"):
            errors.append(f"{rid}: no acceptable answers")
        if kind == "paper":
            if not r.get("evidence"):
                errors.append(f"{rid}: paper question without evidence")
            check_evidence(rid, r.get("evidence", []), paras, sections, None, r.get("paragraphs"))
            text = " ".join(paras[n - 1] for n in r.get("paragraphs", []))
            if not any(a in text for a in r["answer_any"]):
                errors.append(f"{rid}: no answer_any string occurs in the evidence paragraphs")
        elif kind == "table":
            try:
                got = sql_answer(con, r["sql"])
            except Exception as exc:  # noqa: BLE001 - report any SQL failure
                errors.append(f"{rid}: SQL failed: {exc}")
                continue
            if got != r.get("expected"):
                errors.append(f"{rid}: SQL now gives {got!r}, stored {r.get('expected')!r}")
            want = [str(v) for v in got] if isinstance(got, list) else [str(got)]
            if isinstance(got, list):
                if sorted(r.get("answer_all", [])) != sorted(want):
                    errors.append(f"{rid}: answer_all {r.get('answer_all')} != SQL {want}")
            elif r["answer_any"] != want:
                errors.append(f"{rid}: answer_any {r['answer_any']} != SQL {want}")
        elif kind != "unanswerable":
            errors.append(f"{rid}: type {kind!r}")

    for rid, n in ids.items():
        if n > 1:
            errors.append(f"duplicate id {rid}")
    kinds = Counter(r.get("kind") for r in retrieval)
    types = Counter(r.get("type") for r in qa)
    covered = {r.get("section") for r in retrieval}
    for h in HEADINGS[:14]:
        if h not in covered:
            errors.append(f"retrieval: no question for section {h!r}")
    if len(retrieval) < 50 or kinds["event"] < 10:
        errors.append(f"retrieval: {len(retrieval)} questions, {kinds['event']} event questions")
    if types["table"] < 12 or types["paper"] < 28 or types["unanswerable"] < 6:
        errors.append(f"qa: too few questions {dict(types)}")

    for w in warnings:
        print("warning:", w)
    for e in errors:
        print("error:", e)
    print(f"retrieval: {len(retrieval)} ({dict(kinds)}); qa: {len(qa)} ({dict(types)}); "
          f"sections: {dict(Counter(r.get('section') for r in retrieval))}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
