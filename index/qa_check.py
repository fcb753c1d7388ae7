"""Does a supported sentence actually answer the question? Checks of kind, not truth.

Verification shows a sentence is *stated* by a source; this module asks whether it is the *kind* of statement
the question wants: a number next to the thing counted for "how many", money for "how much ... spend", a year
or month for "when", a name not already in the question for "who/where/which", and the question's own names
nearby. A question no source sentence fits is one the sources do not answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from gsi_explorer.index import verify as v

AUX = r"(?:did|does|do|has|have|had|was|were|is|are|will|would|can|could|took|take|got|get)"
PREPOSITIONS = {"from", "in", "with", "at", "of", "for", "between", "to", "by", "on", "around", "during", "over"}
MONEY_RE = re.compile(r"[$€£¥]|\b(dollars?|usd|yuan|rmb|euros?|million|billion)\b", re.I)
PERCENT_RE = re.compile(r"\d+(?:\.\d+)?\s*(%|percent|per cent)", re.I)
MONTH_RE = re.compile(r"\b(January|February|March|April|May|June|July|August|September|October|November|December)\b")
YEAR_RE = re.compile(r"\b(19|20)\d\d\b")
DURATION_RE = re.compile(r"\b(years?|months?|weeks?|days?|decades?)\b", re.I)
ORDINAL_RE = re.compile(
    r"\b(first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|\d+(?:st|nd|rd|th))\b", re.I)
UNIT_STEMS = {"year", "month", "day", "week", "decade", "percen", "time", "hour"}
# Names that every passage shares: they say nothing about whether a sentence is on topic.
UBIQUITOUS = {"china", "chinese", "prc", "beijing", "people's republic of china", "ccp", "cpc",
              "carnegie"}  # the paper's publisher: names the document, not a topic in it


@dataclass(frozen=True)
class Expectation:
    kind: str  # "count" | "money" | "percent" | "duration" | "time" | "name" | "any"
    head: str | None  # the counted noun's stem for "count"
    entities: tuple[tuple[str, ...], ...]  # names from the question (each with its aliases) an answer must stay near
    question_numbers: frozenset[str]
    question_names: frozenset[str]
    years: tuple[str, ...] = ()  # a year the question names must be in the answer's sentence or the one before
    ordinals: tuple[str, ...] = ()  # "fifth dialogue", "145th patrol": an answer about another one is no answer


def expectation(question: str, aliases=None) -> Expectation:
    """What an answer to `question` must contain; `aliases` (groups of equivalent names, or an AliasTable)
    lets "MPS" stand for "Ministry of Public Security"."""
    q = question.strip()
    low = q.lower()
    entities = tuple(_with_aliases(e, aliases) for e in v.entities_in(q) if e.lower() not in UBIQUITOUS)
    names = frozenset(w.lower() for e in v.entities_in(q) for w in e.split())
    nums = frozenset(v.numbers_in(q))
    kind, head = "any", None
    if re.search(r"\b(spend|spending|spent|cost|costs|budget|budgets|funding|paid|worth|money|price|invest\w*)\b", low) \
            and re.search(r"\b(how\s+much|what|which)\b", low):
        kind = "money"
    elif re.search(r"\bhow\s+much\b", low):
        kind = "count"
    elif re.search(r"\b(what|which)\s+(percentage|percent|share|proportion|fraction)\b", low):
        kind = "percent"
    elif re.search(r"\bhow\s+long\b", low):
        kind = "duration"
    elif re.search(r"\bhow\s+many\b|\bnumber\s+of\b", low):
        kind, head = "count", _counted_head(q)
    elif re.search(r"\bwhen\b|\b(what|which)\s+(year|month|date|day)\b", low):
        kind = "time"
    elif re.search(r"\b(who|whom|whose|where)\b|\b(which|what)\s+\w+", low):
        kind = "name"
    ordinals = tuple(m.group(0).lower() for m in ORDINAL_RE.finditer(q) if m.group(0).lower() != "first")
    years = tuple(m.group(0) for m in YEAR_RE.finditer(q))
    return Expectation(kind, head, entities, nums, names, years, ordinals)


def _with_aliases(entity: str, aliases) -> tuple[str, ...]:
    names = [entity]
    groups = aliases if isinstance(aliases, list) else getattr(aliases, "groups", None)
    for group in groups or []:
        if any(n.lower() == entity.lower() or (len(n) > 3 and n.lower() in entity.lower()) for n in group):
            names += [n for n in group if n not in names]
    return tuple(names)


def _counted_head(question: str) -> str | None:
    """The noun after "how many": last content word before a verb or preposition ("police officers from")."""
    m = re.search(r"\b(?:how\s+many|number\s+of)\s+(.*)", question, re.I)
    if not m:
        return None
    words = re.findall(r"[\w’'\-]+", m.group(1))
    if words and words[0].lower() == "of":  # "how many of the 201 meetings were sideline bilaterals": count those
        verb = next((i for i, w in enumerate(words) if re.fullmatch(AUX, w, re.I)), None)
        tail = [w for w in words[verb + 1:] if w.lower() not in v.STOPWORDS] if verb is not None else []
        if tail:
            return v._stem(tail[-1])
        words = words[1:]
    phrase: list[str] = []
    for word in words[:6]:
        if re.fullmatch(AUX, word, re.I) or (word.lower() in PREPOSITIONS and phrase):
            break
        if word.lower() in v.STOPWORDS or v.NUMBER_RE.fullmatch(word):
            continue
        phrase.append(word)
    return v._stem(phrase[-1]) if phrase else None


def _tokens(text: str) -> list[str]:
    return re.findall(r"\$?[\w’'\-.,]*\w|\$", v.strip_citations(text))


def _number_near_head(sentence: str, head: str, exclude: frozenset[str], reach: int = 8) -> bool:
    """A new number shortly before the counted noun: "seven vessels", "forty-five Chinese ... companies".
    (A number after the noun usually counts something else: "events over the last three years".)"""
    tokens = _tokens(sentence)
    stems = [v._stem(t) for t in tokens]
    for i, tok in enumerate(tokens):
        found = v.numbers_in(tok)
        if not found or found <= exclude:
            continue
        for j in range(i + 1, min(len(tokens), i + reach + 1)):
            if tokens[j - 1].endswith((";", ":")) or (tokens[j - 1].endswith(".") and not v.NUMBER_RE.fullmatch(tokens[j - 1].rstrip("."))):
                break
            s = stems[j]
            if s in UNIT_STEMS and not head.startswith(s):
                break  # "three years of meetings": the number counts years
            if s == head or s.startswith(head) or (head.startswith(s) and len(s) >= 4):
                return True
    return False


def _spelled_out(acronym: str, window: str) -> bool:
    """"CIA" in "U.S. Central Intelligence Agency": capitalised words whose initials spell the acronym."""
    letters = acronym.rstrip("s").upper()
    words = re.findall(r"[A-Za-z][\w’'\-]*", window)
    initials = [(w[0], w[0].isupper()) for w in words if w.lower() not in {"of", "and", "for", "the", "on"}]
    n = len(letters)
    for i in range(len(initials) - n + 1):
        if all(c == letters[j] and up for j, (c, up) in enumerate(initials[i:i + n])):
            return True
    return False


def _mentioned(name: str, wnorm: str, window: str = "") -> bool:
    if window and name.isupper() and 2 <= len(name) <= 6 and _spelled_out(name, window):
        return True
    words = [w for w in v._norm(name).split() if w not in {"of", "and", "the", "for", "de", "on"}]
    present = sum(1 for w in words if re.search(r"(?<![a-z0-9])" + re.escape(w.strip("'")) + r"(?![a-z0-9])", wnorm))
    return bool(words) and present / len(words) >= (0.5 if len(words) <= 2 else 0.6)


def fits(exp: Expectation, sentence: str, context: str = "") -> bool:
    """Is `sentence` (with `context`, the sentence before it) the kind of statement the question asks for?"""
    window = f"{context} {sentence}"
    wnorm = v._norm(window)
    # Multi-word names and acronyms must all be there; single capitalised words ("Pacific") may be paraphrased
    # ("the river" for the Mekong): of those, at most half (rounded up) may be missing.
    single_missing = single_total = 0
    for names in exp.entities:
        strong = " " in names[0] or names[0].isupper()
        found = any(_mentioned(name, wnorm, window) for name in names)
        if strong and not found:
            return False
        if not strong:
            single_total += 1
            single_missing += not found
    anchored = exp.kind == "count" and exp.head is not None
    allowed = (single_total + 1) // 2 if anchored else single_total // 2
    if single_missing > allowed:
        return False
    anchored = exp.kind == "count" and exp.head is not None  # the number sits next to the counted noun
    for year in exp.years:
        if year not in window and not anchored:
            return False
    for ordinal in exp.ordinals:
        if not re.search(r"(?<![\w])" + re.escape(ordinal) + r"(?![\w])", wnorm):
            return False
    if exp.kind == "any":
        return True
    new_numbers = v.numbers_in(sentence) - exp.question_numbers
    if exp.kind == "count":
        if exp.head:
            return _number_near_head(sentence, exp.head, exp.question_numbers)
        return bool(new_numbers)
    if exp.kind == "money":
        return bool(MONEY_RE.search(sentence)) and bool(new_numbers)
    if exp.kind == "percent":
        return bool(PERCENT_RE.search(sentence))
    if exp.kind == "duration":
        return bool(new_numbers) and bool(DURATION_RE.search(sentence))
    if exp.kind == "time":
        years = {m.group(0) for m in YEAR_RE.finditer(sentence)} - exp.question_numbers
        return bool(years or MONTH_RE.search(sentence))
    if exp.kind == "name":
        new_names = [e for e in v.entities_in(sentence)
                     if not {w.lower() for w in e.split()} <= exp.question_names and e.lower() not in UBIQUITOUS]
        return bool(new_names)
    return True


def best_answering(question: str, sources: dict[int, str], order: list[int] | None = None,
                   max_sentences: int = 2, aliases=None) -> list[v.Quote]:
    """Source sentences ranked by overlap with the question, keeping only those that fit its expectation."""
    exp = expectation(question, aliases)
    sentence_lists = {n: v.split_sentences(text) for n, text in sources.items()}
    previous: dict[tuple[int, str], str] = {}
    for n, sentences in sentence_lists.items():
        for a, b in zip(sentences, sentences[1:]):
            previous.setdefault((n, b), a)
    return v.pick_quotes(question, sources, order, max_sentences,
                         accept=lambda q: fits(exp, q.sentence, previous.get((q.n, q.sentence), "")))
