"""Acronyms and aliases, learned from the corpus and the event tables, used to expand queries.

"Pacific Island Countries (PICs)" in the paper teaches that PICs = Pacific Island Countries, so a query for "PICs"
also matches passages that only spell the long form (and the reverse). Long forms are found with the
Schwartz–Hearst rule: the short form's letters appear, in order, in the words just before the parenthesis, the
first letter starting a word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

_PAREN = re.compile(r"\(([^()]{1,40})\)")
_SHORT = re.compile(r"^[A-Z][A-Za-z0-9+&\-]{1,9}$")
_WORD = re.compile(r"[\w’'+\-]+|\([^)]*\)")
# Facets of EventStore.vocabulary() whose aliases name things (not coded values such as "minister" or "forum").
NAMING_FACETS = ("country", "countries", "region", "regions", "subregion", "official", "officials",
                 "forum", "forums", "agency", "agencies", "counterpart_org", "organization")
MAX_PER_GROUP = 3  # names added per matched group: the canonical name and the first aliases, not every variant


def _long_form(short: str, before: str) -> str | None:
    """Schwartz–Hearst best long form for `short` ending right before its parenthesis."""
    letters = [c.lower() for c in short if c.isalnum()]
    if short.endswith("s") and len(letters) > 2 and short[-2].isupper():
        letters = letters[:-1]  # plural: PICs
    words = _WORD.findall(before)
    limit = min(len(letters) + 5, len(letters) * 2)
    words = words[-limit:]
    text = " ".join(words)
    si, li = len(letters) - 1, len(text) - 1
    while si >= 0:
        c = letters[si]
        while li >= 0 and (text[li].lower() != c or (si == 0 and li > 0 and text[li - 1].isalnum())):
            li -= 1
        if li < 0:
            return None
        si -= 1
        li -= 1
    long = text[li + 1:].strip()
    if not long or long.lower() == short.lower() or len(long.split()) < 2:
        return None
    # The long form must start at a word whose first letter is the short form's first letter.
    if long[0].lower() != letters[0]:
        return None
    return long


def learn_acronyms(texts: list[str]) -> dict[str, str]:
    """short form -> long form, e.g. {"PICs": "Pacific Island Countries", "MPS": "Ministry of Public Security"}."""
    found: dict[str, str] = {}
    for text in texts:
        for m in _PAREN.finditer(text):
            inner = m.group(1).split(",")[0].strip()
            if not _SHORT.match(inner) or sum(c.isupper() for c in inner) < 2:
                continue
            long = _long_form(inner, text[max(0, m.start() - 200):m.start()])
            if long and inner not in found:
                found[inner] = long
    return found


@lru_cache(maxsize=8192)
def _name_pattern(name: str) -> re.Pattern:
    """Whole-word match; acronyms (PICs, MPS) case-sensitively so "mps" in prose does not trigger them."""
    flags = 0 if _is_acronym(name) else re.I
    return re.compile(r"(?<![\w])" + re.escape(name) + r"(?![\w])", flags)


def _is_acronym(s: str) -> bool:
    return sum(c.isupper() for c in s) >= 2 and " " not in s


@dataclass
class AliasTable:
    """Groups of equivalent names; any member found in a query adds the other members of that group."""

    groups: list[list[str]] = field(default_factory=list)

    @classmethod
    def build(cls, acronyms: dict[str, str], vocabulary: dict | None = None, texts: list[str] | None = None,
              max_df: float = 0.3) -> "AliasTable":
        """Groups from learned acronyms and the database vocabulary. With `texts`, groups naming something found in
        more than `max_df` of them (e.g. China) are dropped: expanding those only blurs the query."""
        groups: list[list[str]] = []
        for short, long in sorted(acronyms.items()):
            groups.append([short, long])
        for facet, values in (vocabulary or {}).items():
            if facet not in NAMING_FACETS or not isinstance(values, dict):
                continue
            for canonical, aliases in values.items():
                names = [str(canonical)] + [str(a) for a in (aliases or [])]
                names = [n.strip() for n in names if n and len(n.strip()) >= 2]
                # single lower-case words ("forum", "visit") are too common to expand on
                names = [n for n in names if " " in n or _is_acronym(n) or n[:1].isupper()]
                if len({n.lower() for n in names}) > 1:
                    groups.append(names)
        table = cls(_dedupe(groups))
        if texts:
            limit = max_df * len(texts)
            table.groups = [g for g in table.groups
                            if all(sum(1 for t in texts if table._pattern(n).search(t)) <= limit for n in g)]
        return table

    def to_json(self) -> list[list[str]]:
        return self.groups

    @classmethod
    def from_json(cls, data: list[list[str]]) -> "AliasTable":
        return cls([list(g) for g in data])

    _pattern = staticmethod(lambda name: _name_pattern(name))

    def expansions(self, query: str) -> list[str]:
        """Names equivalent to those found in `query` but not already in it."""
        out: list[str] = []
        low = query.lower()
        for group in self.groups:
            if any(self._pattern(n).search(query) for n in group):
                added = 0
                for n in group:
                    if added >= MAX_PER_GROUP:
                        break
                    if n.lower() not in low and n not in out:
                        out.append(n)
                        added += 1
        return out

    def expand(self, query: str) -> str:
        extra = self.expansions(query)
        return f"{query} ({'; '.join(extra)})" if extra else query


def _dedupe(groups: list[list[str]]) -> list[list[str]]:
    """Drop repeated names within a group and repeated groups. Groups are not merged transitively: "SCO" names
    several forums, and chaining through it would make unrelated names equivalent."""
    out: list[list[str]] = []
    seen: set[tuple[str, ...]] = set()
    for g in groups:
        uniq: list[str] = []
        for n in g:
            if n.lower() not in {x.lower() for x in uniq}:
                uniq.append(n)
        key = tuple(sorted(x.lower() for x in uniq))
        if len(uniq) > 1 and key not in seen:
            seen.add(key)
            out.append(uniq)
    return out
