"""Sentence-level checks on generated text: only what a cited source states is shown.

A sentence survives when it cites at least one known source [n] and one sentence of a cited source (or two
adjacent sentences) contains all of its numbers and named entities and most of its content words. The model
writes prose; this module decides what of it the user sees. When nothing survives, `extractive` quotes the
source sentences that best match the question instead.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable

CITE_RE = re.compile(r"\[(\d{1,3}(?:\s*[,;]\s*\d{1,3})*)\]")
NUMBER_RE = re.compile(r"(?<![\w.])\d{1,3}(?:,\d{3})+(?:\.\d+)?|(?<![\w.])\d+(?:\.\d+)?")
WORD_RE = re.compile(r"[A-Za-z][A-Za-z'’\-]*")
ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "prof", "gen", "col", "lt", "st", "no", "vs", "etc", "e.g", "i.e", "u.s", "u.k", "u.n",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "inc", "ltd", "co", "fig",
}
NUMBER_WORDS = {
    "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7", "eight": "8",
    "nine": "9", "ten": "10", "eleven": "11", "twelve": "12", "thirteen": "13", "fourteen": "14", "fifteen": "15",
    "sixteen": "16", "seventeen": "17", "eighteen": "18", "nineteen": "19", "twenty": "20", "thirty": "30",
    "forty": "40", "fifty": "50", "sixty": "60", "seventy": "70", "eighty": "80", "ninety": "90", "hundred": "100",
}
TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
STOPWORDS = set(
    """a about above after again against all also although am an and any are as at be because been before being
    below between both but by can could did do does doing down during each even ever every few for from further had
    has have having he her here hers him his how however i if in into is it its itself just least less like made
    make many may me might more most much must my no nor not now of off often on once one only or other our ours
    out over own per rather same she should since so some such than that the their theirs them then there these they
    this those through thus to too under until up upon us very was we were what when where whether which while who
    whom whose why will with within without would yet you your additionally furthermore moreover overall notably
    meanwhile according answer question source sources based said says say stated states state shows show
    including include includes includes well first second third lastly finally therefore yes""".split()
)
# Capitalized words that open sentences without naming anything.
SENTENCE_OPENERS = {w.capitalize() for w in STOPWORDS} | {"Yes", "No", "Sources", "Source", "Answer", "Question",
                                                          "Topics", "Summary", "Host", "Format", "Date", "Place"}


@dataclass
class Verdict:
    sentence: str
    cited: list[int]
    ok: bool
    reason: str = ""
    support: tuple[int, str] | None = None  # (source n, the source sentence(s) that carry it)


@dataclass
class Verification:
    kept: list[str] = field(default_factory=list)
    unsupported: list[str] = field(default_factory=list)
    verdicts: list[Verdict] = field(default_factory=list)

    @property
    def text(self) -> str:
        return " ".join(self.kept)


def split_sentences(text: str) -> list[str]:
    """Split prose into sentences, keeping trailing citation markers ("... forum. [2]") with their sentence."""
    text = re.sub(r"\s+", " ", text.replace("\u00a0", " ")).strip()
    if not text:
        return []
    # End punctuation, an optional closing quote and an optional glued footnote number ("president.12 The").
    pieces = re.split(r"(?<=[.!?…])[\"”’)]?(?:\d{1,3}(?=\s+[A-Z“\"(‘]))?\s+", text)
    out: list[str] = []
    for piece in pieces:
        piece = piece.strip()
        if not piece:
            continue
        lead = re.match(r"^((?:\[\d[\d,;\s]*\]\s*)+)(.*)$", piece)
        if lead and out:  # markers that follow a full stop belong to the previous sentence
            out[-1] = f"{out[-1]} {lead.group(1).strip()}"
            piece = lead.group(2).strip()
            if not piece:
                continue
        if out and _ends_with_abbreviation(out[-1]):
            out[-1] = f"{out[-1]} {piece}"
        else:
            out.append(piece)
    return out


def _ends_with_abbreviation(sentence: str) -> bool:
    m = re.search(r"(\S+)\.$", sentence)
    if not m:
        return False
    word = m.group(1).lower().strip("(\"“")
    return word in ABBREVIATIONS or (len(word) == 1 and word.isalpha())


def cited_numbers(sentence: str) -> list[int]:
    found: list[int] = []
    for group in CITE_RE.findall(sentence):
        for part in re.split(r"[,;]", group):
            if part.strip().isdigit() and int(part) not in found:
                found.append(int(part))
    return found


def strip_citations(sentence: str) -> str:
    return re.sub(r"\s+([.,;!?])", r"\1", CITE_RE.sub("", sentence)).strip()


def _norm(text: str) -> str:
    return text.replace("’", "'").replace("–", "-").replace("—", "-").lower()


def numbers_in(text: str) -> set[str]:
    """Numbers as canonical strings: '2,100' → '2100', 'eight' → '8'."""
    plain = strip_citations(text)
    found = {n.replace(",", "") for n in NUMBER_RE.findall(plain)}
    for word in WORD_RE.findall(plain.lower()):
        if word in NUMBER_WORDS:
            found.add(NUMBER_WORDS[word])
        elif "-" in word:  # "fifty-two" → 52
            tens, _, unit = word.partition("-")
            if tens in TENS and unit in NUMBER_WORDS and int(NUMBER_WORDS[unit]) < 10:
                found.add(str(TENS[tens] + int(NUMBER_WORDS[unit])))
    return {n.rstrip("0").rstrip(".") if "." in n else n for n in found}


def entities_in(text: str) -> set[str]:
    """Named things: runs of capitalized words and acronyms (sentence openers that name nothing are skipped)."""
    plain = strip_citations(text)
    entities: set[str] = set()
    tokens = list(re.finditer(r"[A-Z][\w'’\-]*(?:\s+(?:of|and|the|for|de|on)?\s*[A-Z][\w'’\-]*)*", plain))
    for m in tokens:
        for start, phrase in _split_possessive(m):
            _add_entity(entities, plain, start, phrase)
    return entities


def _split_possessive(m: re.Match) -> list[tuple[int, str]]:
    """"Japan's National Police Agency" names two things: Japan, and the agency."""
    out, offset = [], m.start()
    for part in re.split(r"(?<=['’]s)\s+", m.group(0)):
        out.append((offset, part))
        offset += len(part) + 1
    return out


def _add_entity(entities: set[str], plain: str, start: int, phrase: str) -> None:
    if True:
        phrase = re.sub(r"['’]s$", "", phrase).strip()
        words = phrase.split()
        if start == _first_word_start(plain) and words and words[0] in SENTENCE_OPENERS:
            words = words[1:]
        while words and words[0].lower() in {"of", "and", "the", "for", "de", "on"}:
            words = words[1:]
        if not words:
            return
        if len(words) == 1 and words[0] in SENTENCE_OPENERS:
            return
        entities.add(" ".join(words))


def _first_word_start(text: str) -> int:
    m = re.search(r"[A-Za-z0-9]", text)
    return m.start() if m else 0


def _stem(word: str) -> str:
    word = _norm(word).strip("'-")
    for suffix in ("'s", "ies", "es", "s", "ing", "ed", "al", "ly"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)][:6]
    return word[:6]


def content_stems(text: str) -> set[str]:
    return {_stem(w) for w in WORD_RE.findall(strip_citations(text)) if len(w) > 2 and w.lower() not in STOPWORDS}


def _window_has_entity(entity: str, window_norm: str) -> bool:
    words = [w for w in _norm(entity).split() if w not in {"of", "and", "the", "for", "de", "on"}]
    return all(re.search(r"(?<![a-z0-9])" + re.escape(w.strip("'")) + r"(?![a-z0-9])", window_norm) for w in words)


def _windows(source_text: str) -> list[tuple[str, bool]]:
    """Each sentence, then each pair of adjacent sentences (flagged, since a pair offers twice the words)."""
    sentences = split_sentences(source_text) or [source_text]
    return [(s, False) for s in sentences] + [(f"{a} {b}", True) for a, b in zip(sentences, sentences[1:])]


# Share of a claim's content words that must appear in the supporting window: high, because small models
# splice true fragments into false statements ("joined Interpol in 2016"); a claim that fails is replaced by
# a verbatim quote, so strictness costs little.
MIN_OVERLAP = 0.75
MIN_OVERLAP_PAIR = 0.9


def supports(sentence: str, source_text: str, min_overlap: float = MIN_OVERLAP,
             min_overlap_pair: float = MIN_OVERLAP_PAIR) -> tuple[bool, str, str]:
    """Does one sentence (or two adjacent sentences) of the source carry this sentence's claims?"""
    nums = numbers_in(sentence)
    ents = entities_in(sentence)
    stems = content_stems(sentence)
    best_reason = "no sentence of the source states it"
    for window, is_pair in _windows(source_text):
        wnorm = _norm(window)
        wnums = numbers_in(window)
        missing_nums = nums - wnums
        if missing_nums:
            best_reason = f"number(s) {', '.join(sorted(missing_nums))} not in the cited source sentence"
            continue
        missing_ents = [e for e in ents if not _window_has_entity(e, wnorm)]
        if missing_ents:
            best_reason = f"name(s) {', '.join(sorted(missing_ents))} not in the cited source sentence"
            continue
        if stems:
            overlap = len(stems & content_stems(window)) / len(stems)
            if overlap < (min_overlap_pair if is_pair else min_overlap):
                best_reason = f"only {overlap:.0%} of its words appear in the cited source sentence"
                continue
        return True, "", window
    return False, best_reason, ""


def verify(answer: str, sources: dict[int, str], attribute: bool = True) -> Verification:
    """Keep each sentence that cites a source whose sentence(s) support it; list the rest as unsupported.

    With `attribute`, a sentence the model left without a marker gets the marker of the first source that
    supports it under the same test (small models often forget markers); otherwise it is dropped.
    """
    result = Verification()
    for sentence in split_sentences(answer):
        cited = cited_numbers(sentence)
        body = strip_citations(sentence)
        if not WORD_RE.search(body):
            continue  # a stray marker or punctuation: nothing to show or to report
        if not cited and attribute:
            verdict = Verdict(sentence, [], False, "cites no source, and no source supports it")
            for n in sorted(sources):
                ok, _reason, window = supports(body, sources[n])
                if ok:
                    verdict = Verdict(sentence, [n], True, "", (n, window))
                    break
        elif not cited:
            verdict = Verdict(sentence, cited, False, "cites no source")
        elif unknown := [n for n in cited if n not in sources]:
            verdict = Verdict(sentence, cited, False, f"cites unknown source(s) {unknown}")
        else:
            verdict = Verdict(sentence, cited, False, "")
            for n in cited:
                ok, reason, window = supports(body, sources[n])
                if ok:
                    verdict.ok, verdict.support, verdict.reason = True, (n, window), ""
                    break
                verdict.reason = reason
        result.verdicts.append(verdict)
        (result.kept if verdict.ok else result.unsupported).append(sentence if verdict.ok else _tidy(sentence))
    # Sentences kept, normalised to end with their markers.
    result.kept = [_with_markers(v) for v in result.verdicts if v.ok]
    return result


def _tidy(sentence: str) -> str:
    return sentence.strip()


def _with_markers(v: Verdict) -> str:
    body = strip_citations(v.sentence).rstrip()
    end = ""
    if body and body[-1] in ".!?":
        body, end = body[:-1], body[-1]
    marks = "".join(f"[{n}]" for n in v.cited)
    return f"{body} {marks}{end or '.'}"


@dataclass
class Quote:
    n: int
    sentence: str
    score: float


def rank_sentences(question: str, sources: dict[int, str], order: list[int] | None = None) -> list[Quote]:
    """Source sentences scored by weighted overlap with the question (IDF over all candidate sentences)."""
    q_stems = content_stems(question)
    q_nums = numbers_in(question)
    if not q_stems and not q_nums:
        return []
    order = order or sorted(sources)
    candidates: list[tuple[int, int, str, set[str]]] = []
    for rank, n in enumerate(order):
        for sentence in split_sentences(sources[n]):
            if len(sentence) < 25:
                continue
            candidates.append((rank, n, sentence, content_stems(sentence)))
    if not candidates:
        return []
    df = Counter(s for *_, stems in candidates for s in stems)
    total = len(candidates)
    quotes: list[Quote] = []
    for rank, n, sentence, stems in candidates:
        common = q_stems & stems
        if not common and not (q_nums & numbers_in(sentence)):
            continue
        weight = sum(math.log(1 + total / df[s]) for s in common)
        weight += 1.5 * len(q_nums & numbers_in(sentence))
        norm = weight / math.sqrt(max(len(stems), 4)) ** 0.5
        quotes.append(Quote(n, sentence, norm * (1.0 - 0.04 * rank)))
    quotes.sort(key=lambda q: -q.score)
    return quotes


def pick_quotes(question: str, sources: dict[int, str], order: list[int] | None = None, max_sentences: int = 2,
                accept: Callable[[Quote], bool] | None = None) -> list[Quote]:
    """The best distinct source sentences for an extractive answer; `accept` keeps only those of the wanted kind."""
    chosen: list[Quote] = []
    for quote in rank_sentences(question, sources, order):
        if accept is not None and not accept(quote):
            continue
        if any(quote.sentence == c.sentence for c in chosen):
            continue
        if chosen and quote.score < 0.6 * chosen[0].score:
            break
        chosen.append(quote)
        if len(chosen) >= max_sentences:
            break
    return chosen


def format_quotes(quotes: list[Quote]) -> str:
    """Quotes verbatim, each with its marker."""
    return " ".join(f"“{_quoted(q.sentence)}” [{q.n}]" for q in quotes)


def _quoted(sentence: str) -> str:
    return sentence.strip().strip("“”\"")
