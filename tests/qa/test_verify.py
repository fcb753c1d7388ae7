"""Sentence verification against real paper paragraphs: numbers and names must co-occur in a cited sentence."""

from pathlib import Path

import pytest

from gsi_explorer.index import qa_check
from gsi_explorer.index import verify as v

PAPER = [line for line in (Path(__file__).resolve().parents[2] / "corpus" / "paper.txt").read_text(encoding="utf-8").splitlines() if line.strip()]
P29, P49, P92 = PAPER[28], PAPER[48], PAPER[91]  # Interpol; GPSCFL attendance; bilateral totals


def test_sentences_keep_markers_and_skip_abbreviations_and_footnotes():
    assert v.split_sentences("Wang met U.S. officials. [2] Then he left [3].") == [
        "Wang met U.S. officials. [2]", "Then he left [3]."]
    parts = v.split_sentences(P29)
    assert parts[1].startswith("Beijing’s influence") and parts[2].startswith("The following year")


def test_numbers_and_names_are_extracted():
    assert v.numbers_in("over 2,100 participants from fifty-two places and eight more [1]") == {"2100", "52", "8"}
    assert v.entities_in("However, Wang Xiaohong met Japan's National Police Agency in Tokyo.") == {
        "Wang Xiaohong", "Japan", "National Police Agency", "Tokyo"}


def test_supported_sentence_is_kept_and_wrong_number_dropped():
    sources = {1: P49, 2: P29}
    result = v.verify("The 2024 GPSCFL session attracted over 2,100 participants [1]. "
                      "The 2024 GPSCFL session attracted over 3,100 participants [1]. "
                      "The PRC joined Interpol in 1984 [2]. The PRC joined Interpol in 1985 [2].", sources)
    assert result.kept == ["The 2024 GPSCFL session attracted over 2,100 participants [1].",
                           "The PRC joined Interpol in 1984 [2]."]
    assert len(result.unsupported) == 2 and "3,100" in result.unsupported[0]


def test_true_fragments_spliced_into_a_false_claim_are_dropped():
    # 2016 and "first Chinese president" are in the paragraph, but China did not join Interpol in 2016.
    ok, reason, _ = v.supports("China joined Interpol in 2016, when it was first elected as the agency’s first Chinese president", P29)
    assert not ok and reason


def test_citing_the_wrong_source_fails_and_uncited_sentence_is_attributed():
    result = v.verify("The PRC joined Interpol in 1984 [1].", {1: P49, 2: P29})
    assert result.kept == [] and "1984" in result.verdicts[0].reason
    attributed = v.verify("The PRC joined Interpol in 1984.", {1: P49, 2: P29})
    assert attributed.kept == ["The PRC joined Interpol in 1984 [2]."]
    strict = v.verify("The PRC joined Interpol in 1984.", {1: P49, 2: P29}, attribute=False)
    assert strict.kept == [] and strict.verdicts[0].reason == "cites no source"


def test_unknown_source_number_is_reported():
    result = v.verify("The PRC joined Interpol in 1984 [7].", {1: P29})
    assert result.unsupported and "unknown" in result.verdicts[0].reason


@pytest.mark.parametrize("question, good, bad", [
    ("How many bilateral meetings did Chinese internal security officials hold?",
     "conducted a total of 201 bilateral meetings with officials", "over the last three years of meetings"),
    ("How many of the 201 bilateral meetings were sideline bilaterals?",
     "the remaining seventy were “sideline bilaterals” held in conjunction", "Of the 201 meetings, 131 were organized individually"),
    ("In what year did China join Interpol?", "The PRC joined Interpol in 1984.", "The PRC joined Interpol long ago."),
    ("How much did China spend on the Samoa Police Training Academy?",
     "China agreed to building a $33 million training academy, the Samoa Police Training Academy.",
     "China agreed to build 33 classrooms at the Samoa Police Training Academy."),
    ("Which city will host the GPSCFL in 2027?", "The GPSCFL in 2027 will be held in Lianyungang.",
     "The MPS-backed GPSCFL is the largest forum hosted by the PRC."),
])
def test_answer_kind_checks(question, good, bad):
    exp = qa_check.expectation(question)
    assert qa_check.fits(exp, good)
    assert not qa_check.fits(exp, bad)


def test_extractive_answer_quotes_the_best_fitting_sentence():
    quotes = qa_check.best_answering("How many bilateral meetings were held with sixty-nine countries?", {1: P92, 2: P29})
    assert quotes and quotes[0].n == 1 and "201 bilateral meetings" in quotes[0].sentence
