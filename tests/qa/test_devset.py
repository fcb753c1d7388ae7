"""Score the answer pipeline on tests/devset/qa.jsonl with the real default model, index and database.

Scores (printed; run with -s to see them): answer correct (paper: an accepted substring; table: the value(s) the
question's own SQL returns on the session database; unanswerable: route "none"), every citation supports its
sentence (passages: verify.supports on the cited text; events: the cited event's rows hold the names the
sentence states), refusals correct (no refusal of answerable questions, refusal of the rest). Floors are set
a little under what was measured, so a regression fails the suite.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from gsi_explorer.index import verify as v

DEVSET = Path(__file__).resolve().parents[1] / "devset" / "qa.jsonl"
OFF_TOPIC = ["What is the capital of France?", "How do I bake sourdough bread?", "Who won the 2018 FIFA World Cup?",
             "What is the boiling point of water?", "Recommend a good science fiction novel.",
             "What is the GDP of Japan?", "Who painted the Mona Lisa?"]
FLOORS = {"paper": 0.90, "table": 0.95, "unanswerable": 0.85, "citations": 0.98, "false_refusals": 0.05}


def load_devset():
    return [json.loads(line) for line in DEVSET.read_text(encoding="utf-8").splitlines() if line.strip()]


def expected_values(store, item) -> list[str]:
    rows = store.sql(item["sql"]).rows
    return [str(r[0]) for r in rows]


def correct(item, answer, store) -> bool:
    if item["type"] == "unanswerable":
        return answer.route == "none"
    if item["type"] == "table":
        values = expected_values(store, item)
        return bool(values) and all(x in answer.answer for x in values)
    accepted = item.get("answer_all") or item["answer_any"]
    return (all if item.get("answer_all") else any)(x in answer.answer for x in accepted)


def event_names(store, event_key: str) -> str:
    rows = store.sql(f"SELECT * FROM interactions WHERE event_key = '{event_key.replace(chr(39), chr(39) * 2)}'")
    return " ".join(str(x) for row in rows.rows for x in row if x is not None)


def citation_supported(sentence: str, citation, store, vocabulary) -> bool:
    body = v.strip_citations(sentence).strip("“”\" ")
    if citation.kind == "passage" or citation.event_key is None:
        return v.supports(body, citation.text)[0]
    rows = event_names(store, citation.event_key)
    if not rows:
        return False
    for facet in ("country", "official", "host_event"):  # every name the sentence states must be in the event
        named = [value for value in (vocabulary.get(facet) or {}) if re.search(r"(?<!\w)" + re.escape(value) + r"(?!\w)", body)]
        if named and not any(value in rows for value in named):
            return False
    if not any(v_ in body for v_ in ("interaction", "match", "(")):
        return v.supports(body, citation.text)[0]
    return True


@pytest.fixture(scope="module")
def results(answerer, store):
    out = []
    for item in load_devset():
        answer = answerer.ask(item["q"])
        out.append((item, answer))
    return out


def test_devset_scores(results, store, answerer):
    vocabulary = answerer.table.router.vocabulary
    by_type: dict[str, list[bool]] = {"paper": [], "table": [], "unanswerable": []}
    support: list[bool] = []
    false_refusals = 0
    failures = []
    for item, answer in results:
        ok = correct(item, answer, store)
        by_type[item["type"]].append(ok)
        if item["type"] != "unanswerable" and answer.route == "none":
            false_refusals += 1
        if not ok:
            failures.append(f"  {item['id']}: route={answer.route} answer={answer.answer[:160]!r}")
        by_n = {c.n: c for c in answer.citations}
        for sentence in re.split(r"\n+|(?<=\])\s+(?=[A-Z“])|(?<=\.)\s+(?=[A-Z“])", answer.answer):
            cited = v.cited_numbers(sentence)
            for n in cited:
                support.append(n in by_n and citation_supported(sentence, by_n[n], store, vocabulary))
    answerable = len(by_type["paper"]) + len(by_type["table"])
    scores = {t: sum(x) / len(x) for t, x in by_type.items()}
    scores["citations"] = sum(support) / max(1, len(support))
    scores["false_refusals"] = false_refusals / answerable
    print("\nQ&A dev set (%d questions, model %s)" % (len(results), answerer.llm.model_id))
    for t, x in by_type.items():
        print(f"  {t:13s} correct {sum(x):3d}/{len(x):3d} = {scores[t]:.2f}")
    print(f"  citations supporting their sentence: {sum(support)}/{len(support)} = {scores['citations']:.2f}")
    print(f"  answerable questions refused: {false_refusals}/{answerable}")
    extractive = sum(1 for _, a in results if a.extractive)
    generated = sum(1 for _, a in results if a.route in ("text", "table+text") and not a.extractive)
    print(f"  prose from the model (verified) in {generated} answers, quoted extractively in {extractive}")
    print("  failures:\n" + "\n".join(failures) if failures else "  no failures")
    for key, floor in FLOORS.items():
        if key == "false_refusals":
            assert scores[key] <= floor, (key, scores[key])
        else:
            assert scores[key] >= floor, (key, scores[key])


def test_relevance_bar_separates_off_topic_from_answerable(results, answerer):
    answerable = [a.relevance for item, a in results if item["type"] != "unanswerable" and a.relevance is not None]
    off = [answerer.ask(q, generate=False).relevance or 0.0 for q in OFF_TOPIC]
    print(f"\nbest-passage similarity: answerable min {min(answerable):.3f}, off-topic max {max(off):.3f}, "
          f"bar {answerer.threshold:.2f}")
    assert max(off) < answerer.threshold <= min(answerable)
