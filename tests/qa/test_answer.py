"""The answer pipeline end to end with the real model, index and database."""

import json
import re
import threading

import pytest

from gsi_explorer.data.query import Filters
from gsi_explorer.index import verify as v
from gsi_explorer.index.answer import NO_ANSWER, QuestionError

KEYS = {"question", "answer", "route", "citations", "unsupported", "model", "timings_ms"}
CITATION_KEYS = {"n", "kind", "text", "doc", "section", "event_key", "url"}


def markers(text):
    return {int(n) for group in re.findall(r"\[(\d+(?:\]\[\d+)*)\]", text) for n in group.split("][")}


def check_shape(answer):
    data = json.loads(json.dumps(answer.to_json()))
    assert set(data) == KEYS and set(data["timings_ms"]) == {"retrieve", "generate", "total"}
    assert data["route"] in {"table", "text", "table+text", "none"}
    for c in data["citations"]:
        assert set(c) == CITATION_KEYS and c["kind"] in {"passage", "event"}
    assert markers(data["answer"]) == {c["n"] for c in data["citations"]}  # every marker resolves, every citation is used
    return data


def test_table_question_counts_from_duckdb_and_cites_events(answerer, store):
    answer = answerer.ask("How many times did Chen Wenqing meet Russian officials?")
    data = check_shape(answer)
    expected = store.sql("SELECT count(*) FROM interactions WHERE cn_official='Chen Wenqing' "
                         "AND counterpart_country='Russia'").rows[0][0]
    assert answer.route in {"table", "table+text"}
    assert f"{expected} interactions" in answer.answer
    events = [c for c in data["citations"] if c["kind"] == "event"]
    assert events and all(c["event_key"] and c["url"] for c in events)
    assert "official = Chen Wenqing" in answer.structured_query and answer.view_spec


def test_paper_question_is_answered_with_verified_citations(answerer):
    answer = answerer.ask("How many participants did the 2024 GPSCFL attract?")
    data = check_shape(answer)
    assert answer.route == "text" and "2,100" in answer.answer
    by_n = {c["n"]: c for c in data["citations"]}
    for sentence in v.split_sentences(answer.answer):
        cited = v.cited_numbers(sentence)
        assert cited, sentence
        assert any(v.supports(v.strip_citations(sentence).strip("“” "), by_n[n]["text"])[0] for n in cited), sentence


def test_off_topic_question_is_refused(answerer):
    answer = answerer.ask("What is the boiling point of water?")
    assert answer.route == "none" and answer.answer == NO_ANSWER and answer.citations == []
    assert answer.relevance < answerer.threshold


def test_unanswerable_on_topic_question_is_refused(answerer):
    answer = answerer.ask("Which city will host the GPSCFL in 2027?")
    assert answer.route == "none" and answer.answer.startswith(NO_ANSWER)


@pytest.mark.parametrize("question", ["", "   ", "x" * 100_000])
def test_bad_questions_are_clear_errors(answerer, question):
    with pytest.raises(QuestionError) as err:
        answerer.ask(question)
    msg = str(err.value)
    assert ("100,000 characters" in msg and "limit" in msg) if question.strip() else "empty question" in msg


def test_ask_about_this_view_restricts_tables_and_retrieval(answerer, store):
    view = Filters(selections=(("year", ("2023",)),))
    answer = answerer.ask("How many times did Wang Xiaohong meet Russian officials?", view=view)
    expected = store.sql("SELECT count(*) FROM interactions WHERE cn_official='Wang Xiaohong' AND "
                         "counterpart_country='Russia' AND CAST(date AS VARCHAR) LIKE '2023%'").rows[0][0]
    assert f"{expected} interaction" in answer.answer and "year = 2023" in answer.structured_query
    for c in answer.citations:
        if c.kind == "event":
            assert c.section is None or c.section.startswith("2023")


def test_streaming_and_cancel(answerer):
    pieces = []
    answer = answerer.ask("What is the Global Security Initiative?", on_token=pieces.append)
    assert "".join(pieces).strip() == answer.draft.strip()
    cancel = threading.Event()
    cancel.set()
    stopped = answerer.ask("What is the Global Security Initiative?", cancel=cancel)
    assert stopped.cancelled and stopped.timings_ms["generate"] < answer.timings_ms["generate"] + 1


def test_transcript_has_citations_model_hash_and_index_id(answerer, tmp_path):
    from gsi_explorer.index.answer import save_transcript

    answer = answerer.ask("In what year did China join Interpol?")
    md = answer.to_markdown()
    assert answer.question in md and "1984" in md
    assert answerer.llm.sha256 in md and answerer.index_id in md
    assert "[1]" in md and "> " in md  # the cited passage is quoted
    path = save_transcript([answer], tmp_path / "t.md")
    assert path.read_text(encoding="utf-8").count("## Q:") == 1


def test_passage_context_shows_neighbours(answerer):
    answer = answerer.ask("In what year did China join Interpol?")
    passage = next(c for c in answer.citations if c.kind == "passage")
    context = answerer.passage_context(passage)
    cited = [p for p in context if p[2]]
    assert len(cited) == 1 and "1984" in cited[0][1] and len(context) >= 2
