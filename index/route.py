"""Questions about meetings become structured queries over the event tables; DuckDB supplies every number.

The vocabulary (countries with aliases and demonyms, regions such as "PICs", officials, agencies, ranks such as
"ministerial", formats such as "sideline", forums and acronyms) comes from `EventStore.vocabulary()`, so a user's
extended dataset brings its own names. Parsing is plain longest-match over that vocabulary plus a few patterns for
intent ("how many", "which countries", "when") and dates; the result is a `data.query.Filters` that the browser
could show too, and a readable description of the query that was run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable

from gsi_explorer.data.query import Filters, View

# Facets the router may set from words in a question (others, like confidence, are the browser's business).
ROUTED_FACETS = ("country", "region", "official", "agency", "rank", "format", "host_event", "mode", "topic")
FACET_LABELS = {
    "country": "country", "region": "region", "official": "official", "agency": "agency", "rank": "rank",
    "format": "format", "host_event": "forum", "mode": "mode", "topic": "topic", "year": "year", "month": "month",
}
ORG_REGION = "International organisation"
FACET_PLURALS = {"country": "countries or organisations", "official": "officials", "host_event": "forums",
                 "region": "regions", "agency": "agencies", "topic": "topics", "year": "years", "rank": "ranks",
                 "format": "formats", "mode": "modes", "month": "months"}
SELF_COUNTRIES = {"China", "People's Republic of China", "PRC"}  # the Chinese side is never the counterpart
MONTHS = {m: i for i, m in enumerate(
    "january february march april may june july august september october november december".split(), 1)}
MONTH_RE = "|".join(list(MONTHS) + [m[:3] for m in MONTHS if len(m) > 3] + ["sept"])

COUNT_RE = re.compile(r"\bhow\s+(many|often|frequently)\b|\bnumber\s+of\b|\bcount\b|\bhow\s+much\b", re.I)
MEETING_WORDS = re.compile(
    r"\b(meet|meets|met|meeting|meetings|interaction|interactions|engagement|engagements|engage[ds]?|visit|visits|"
    r"visited|talks|held|hold|hosted|host|received|receive|dialogues?|times|counterparts?|sidelines?|bilaterals?|"
    r"events?|attend(?:ed|s)?)\b",
    re.I,
)
# "which/what/list ... <noun>" → the facet to list.
TARGET_NOUNS = {
    "country": r"countries|country|nations|states|partners|governments",
    "official": r"officials?|leaders?|ministers?|people|who",
    "host_event": r"forums?|dialogues?|conferences?|multilateral\s+events?|mechanisms?",
    "event": r"meetings?|events?|interactions?|engagements?|visits?|talks|dates?|when",
    "region": r"regions?",
    "agency": r"agenc(?:y|ies)|ministr(?:y|ies)|bodies",
    "topic": r"topics?|issues?|subjects?",
    "year": r"years?",
}
LIST_RE = re.compile(r"\b(which|what|list|name|show|who|whom|where|when)\b", re.I)
# Paper-only cues: questions about what the paper argues, not about rows.
PAPER_CUES = re.compile(
    r"\b(paper|papers|study|authors?|carnegie|dataset|according\s+to|argues?|why|purpose|benefits?|"
    r"explain|concept|principles?)\b",
    re.I,
)


@dataclass(frozen=True)
class Match:
    phrase: str
    facet: str
    values: tuple[str, ...]
    start: int
    end: int


@dataclass(frozen=True)
class Route:
    """What the question asks of the tables: an intent, the facet to list (if any) and the filters."""

    question: str
    is_table: bool
    intent: str  # "count" | "list" | "none"
    target: str | None  # facet to list ("country", "official", ...), "event" for event lists, None for counts
    filters: Filters
    matches: tuple[Match, ...] = ()
    count_of: str = "interaction"  # "interaction" | "country" | "official" | "host_event" (distinct values counted)
    yes_no: bool = False  # "Did ... meet ...?": the count answers yes or no
    superlative: bool = False  # "most often", "busiest": lead with the top value

    def describe(self) -> str:
        """The structured query in words, e.g. `count interactions and events WHERE region = Pacific Islands`."""
        conditions = describe_filters(self.filters)
        if self.intent == "count":
            what = "count interactions and events" if self.count_of == "interaction" else f"count distinct {FACET_LABELS.get(self.count_of, self.count_of)} values"
        elif self.target == "event":
            what = "list events (newest first)"
        else:
            what = f"list {FACET_LABELS.get(self.target or '', self.target)} values with interaction counts"
        return f"{what} WHERE {conditions}" if conditions else f"{what} (all records)"

    def view_spec(self) -> str:
        unit = "event" if self.target == "event" else "interaction"
        return View(filters=self.filters, unit=unit).to_spec()


def describe_filters(filters: Filters) -> str:
    parts = []
    for facet, values in filters.selections:
        label = FACET_LABELS.get(facet, facet)
        parts.append(f"{label} = {values[0]}" if len(values) == 1 else f"{label} IN ({', '.join(values)})")
    if filters.date_from:
        parts.append(f"date >= {filters.date_from}")
    if filters.date_to:
        parts.append(f"date <= {filters.date_to}")
    if filters.search:
        parts.append(f"text contains '{filters.search}'")
    return " AND ".join(parts)


@dataclass
class _Alias:
    pattern: re.Pattern
    facet: str
    value: str


def _demonym_guesses(name: str) -> list[str]:
    """Adjectival forms the country table may not list ("Russian officials")."""
    if " " in name:
        return []
    if name.endswith("ia") or (name.endswith("a") and not name.endswith("ua")):
        return [name + "n"]
    return []


GENERIC_FORMAT_WORDS = {"forum", "dialogue", "conference", "summit", "ministerial meeting"}
FORUM_FILLER = {"the", "of", "on", "and", "for", "in", "china", "ministerial", "meeting", "level", "high"}


class Router:
    """Longest-match parser over the database vocabulary; cheap to build (a few hundred regexes)."""

    def __init__(self, vocabulary: dict[str, dict[str, list[str]]]) -> None:
        self.vocabulary = vocabulary
        self._aliases: list[_Alias] = []
        self._forums: dict[str, list[str]] = {}  # bare forum name -> host_event values (every year)
        for facet in ROUTED_FACETS + ("confidence",):
            for value, aliases in (vocabulary.get(facet) or {}).items():
                if facet == "country" and value in SELF_COUNTRIES:
                    continue
                names = {value, *(aliases or [])}
                if facet == "host_event":
                    bare = re.sub(r"\s*\(?\b(19|20)\d\d\b\)?\s*$", "", value).strip()
                    if bare and bare != value:
                        names.add(bare)  # "GPSCFL" selects every year's session
                    for name in {bare, *(aliases or [])}:
                        self._forums.setdefault(name, []).append(value)
                if facet == "country":
                    names.update(_demonym_guesses(value))
                    names.update(n.replace(".", "") for n in list(names) if re.fullmatch(r"(?:[A-Z]\.){2,}", n))
                if facet in {"rank", "format", "mode"}:
                    names.add(value.replace("-", " "))
                if facet == "format":
                    names = {n for n in names if n.lower() not in GENERIC_FORMAT_WORDS}
                if facet == "confidence":
                    names = {n for n in names if "confidence" in n.lower()}  # "low" alone is too common a word
                for name in names:
                    name = (name or "").strip()
                    if len(name) < 2 or name in SELF_COUNTRIES or name.lower() in {"chinese", "china"}:
                        continue
                    self._aliases.append(_Alias(_alias_pattern(name), facet, value))

    @classmethod
    def from_store(cls, store) -> "Router":
        return cls(store.vocabulary())

    def find(self, question: str) -> list[Match]:
        """Non-overlapping vocabulary matches, longest first (so "vice-ministerial" beats "ministerial")."""
        raw: list[tuple[int, int, str, str]] = []
        for alias in self._aliases:
            for m in alias.pattern.finditer(question):
                raw.append((m.start(), m.end(), alias.facet, alias.value))
        raw += self._loose_forums(question)
        raw.sort(key=lambda r: (-(r[1] - r[0]), r[0]))
        taken: list[tuple[int, int]] = []
        grouped: dict[tuple[int, int, str], list[str]] = {}
        for start, end, facet, value in raw:
            key = (start, end, facet)
            if key in grouped:
                if value not in grouped[key]:
                    grouped[key].append(value)
                continue
            if any(start < e and s < end for s, e in taken):
                continue
            taken.append((start, end))
            grouped[key] = [value]
        return sorted(
            (Match(question[s:e], f, tuple(v), s, e) for (s, e, f), v in grouped.items()), key=lambda m: m.start
        )

    def _loose_forums(self, question: str) -> list[tuple[int, int, str, str]]:
        """Forums named loosely ("the China-East Africa law enforcement dialogue"): a run of question words
        that covers most of a forum name's distinctive words, and nothing else."""
        tokens = [(m.start(), m.end(), m.group(0).lower()) for m in re.finditer(r"[A-Za-z]+|\d+", question)]
        found = []
        for name, values in self._forums.items():
            words = {w.lower() for w in re.findall(r"[A-Za-z]+", name)} - FORUM_FILLER
            if len(words) < 3:
                continue
            i = 0
            while i < len(tokens):
                if tokens[i][2] not in words:
                    i += 1
                    continue
                j = i
                covered: set[str] = set()
                while j < len(tokens) and (tokens[j][2] in words or tokens[j][2] in FORUM_FILLER):
                    if tokens[j][2] in words:
                        covered.add(tokens[j][2])
                    j += 1
                while j > i + 1 and tokens[j - 1][2] not in words:
                    j -= 1  # no trailing filler
                if len(covered) >= 3 and len(covered) >= 0.7 * len(words):
                    for value in values:
                        found.append((tokens[i][0], tokens[j - 1][1], "host_event", value))
                i = max(j, i + 1)
        return found

    def parse(self, question: str, view: Filters | None = None) -> Route:
        text = " ".join(question.split())
        matches = self.find(text)
        matches = [m for m in matches if not _format_word_not_a_filter(text, m)]
        selections: dict[str, list[str]] = {}
        consumed = [(m.start, m.end) for m in matches]
        for m in matches:
            selections.setdefault(m.facet, [])
            selections[m.facet] += [v for v in m.values if v not in selections[m.facet]]
        date_from, date_to, years, months, _spans = parse_dates(text, consumed)
        # A forum named without a year but with a year in the question: keep that year's session only.
        if "host_event" in selections and years:
            dated = [v for v in selections["host_event"] if any(y in v for y in years)]
            if dated:
                selections["host_event"] = dated
        if years:
            selections["year"] = years
        if months:
            selections["month"] = months
        filters = Filters(
            selections=tuple((f, tuple(v)) for f, v in selections.items() if v),
            date_from=date_from,
            date_to=date_to,
        )
        if view is not None:
            filters = restrict(filters, view)
        intent, target, count_of = classify(text, matches)
        has_filter = bool(matches or years or months or date_from or date_to)
        about_meetings = bool(MEETING_WORDS.search(text))
        is_table = _is_table(text, intent, target, count_of, has_filter, about_meetings)
        yes_no = bool(re.match(r"\s*(did|has|have|was|were|is|are)\b", text, re.I)) and intent == "count"
        if not is_table:
            intent, target = "none", None
        superlative = bool(re.search(r"\b(most|busiest|top|largest|highest|greatest)\b", text, re.I)) and intent == "list"
        return Route(text, is_table, intent, target, filters, tuple(matches), count_of, yes_no, superlative)


def _format_word_not_a_filter(text: str, m: Match) -> bool:
    """"multilateral ones included", "including sideline meetings": the format widens, it does not filter."""
    if m.facet != "format":
        return False
    after = text[m.end:m.end + 20].lower()
    before = text[max(0, m.start - 12):m.start].lower()
    return bool(re.match(r"\s*(ones\s+|meetings\s+)?(included|too|as\s+well)\b", after)
                or re.search(r"\b(including|incl\.|plus|and\s+also)\s*$", before))


def _is_table(text: str, intent: str, target: str | None, count_of: str, has_filter: bool,
              about_meetings: bool) -> bool:
    """Only questions about meetings go to the tables; what the paper says goes to the text."""
    if intent == "none" or count_of.startswith("unknown:"):
        return False
    if PAPER_CUES.search(text):
        return False
    if about_meetings:
        return True
    # "which countries/officials/forums ..." with a named filter, even without a meeting verb.
    strong = re.search(r"\b(which|what|list|name)\b", text, re.I) is not None
    return has_filter and strong and (target in {"country", "official", "host_event", "region"}
                                      or count_of in {"country", "official", "host_event"})


def _alias_pattern(name: str) -> re.Pattern:
    """Word-bounded, space/hyphen tolerant ("vice minister" = "vice-minister"), plural-tolerant pattern."""
    words = [w for w in re.split(r"[\s\-–]+", name.strip()) if w]
    body = r"[\s\-–]+".join(re.sub("['’]", lambda _m: "['’]", re.escape(w)) for w in words)
    is_code = name.isupper() and len(name) <= 6  # acronyms and ISO codes: exact case only ("CAN" is not "can")
    flags = 0 if is_code else re.I
    plural = r"(?:s)?" if is_code else r"(?:s|es)?"
    return re.compile(r"(?<![\w\-])" + body + plural + r"(?![\w])", flags)


def classify(text: str, matches: Iterable[Match]) -> tuple[str, str | None, str]:
    """(intent, target facet, what is counted) from the question's wording."""
    matches = list(matches)
    if COUNT_RE.search(text):
        return "count", None, _count_target(text, matches)
    m = LIST_RE.search(text)
    if m:
        word = m.group(1).lower()
        after = text[m.end():]
        if word == "when":
            return "list", "event", "interaction"
        if word == "whom" or (word == "who" and re.match(r"\s+(did|does|has|have|will)\b", after, re.I)):
            return "list", "event", "interaction"  # "whom did X meet": the events name the counterparts
        if word == "who":
            return "list", "official", "interaction"
        if word == "where":
            return "list", "event", "interaction"
        head = re.match(r"\s+(?:(?:\w+[\s\-]+){0,3}?)(" + "|".join(f"(?:{v})" for v in TARGET_NOUNS.values()) + r")\b", after, re.I)
        region_first = next((mt for mt in matches if mt.start >= m.end() and mt.start - m.end() <= 2), None)
        if region_first and region_first.facet == "region":
            return "list", "country", "interaction"  # "which PICs ..."
        if head:
            noun = head.group(1).lower()
            for facet, pattern in TARGET_NOUNS.items():
                if re.fullmatch(pattern, noun, re.I):
                    return "list", facet, "interaction"
    if re.match(r"\s*(did|has|have|was|were|is)\b", text, re.I):
        return "count", None, "interaction"  # yes/no about meetings: the count answers it
    return "none", None, "interaction"


COUNTED_NOUNS = (
    ("interaction", r"times|meetings?|interactions?|engagements?|events?|visits?|talks|bilaterals?|sessions?|calls?"),
    ("country", TARGET_NOUNS["country"]),
    ("official", r"officials?|leaders?|ministers?|counterparts?"),
    ("host_event", TARGET_NOUNS["host_event"]),
)


def _count_target(text: str, matches: list[Match]) -> str:
    """What "how many ..." counts: the first countable noun within a few words ("how many video meetings")."""
    m = re.search(r"\b(?:how\s+(?:many|often|frequently)|number\s+of|count)\b", text, re.I)
    if m is None:
        return "interaction"
    if re.match(r"\s*(often|frequently)", text[m.start() + 3:], re.I):
        return "interaction"
    after = text[m.end():]
    for i, word in enumerate(re.findall(r"[\w\-’']+", after)[:5]):
        for what, pattern in COUNTED_NOUNS:
            if re.fullmatch(pattern, word, re.I):
                return what
        start = m.end() + after.find(word)
        region = next((mt for mt in matches if mt.start <= start < mt.end and mt.facet == "region"), None)
        if region is not None and region.phrase[:1].isupper() and region.phrase.rstrip().endswith("s"):
            return "country"  # "how many PICs ..."
    words = re.findall(r"[\w\-’']+", after)
    return "unknown:" + (words[0].lower() if words else "")


def parse_dates(text: str, consumed: list[tuple[int, int]]) -> tuple[str | None, str | None, list[str], list[str], list]:
    """Years, months and ranges not already inside a matched name ("GPSCFL 2024")."""

    def free(m: re.Match) -> bool:
        return not any(m.start() < e and s < m.end() for s, e in consumed)

    date_from = date_to = None
    years: list[str] = []
    months: list[str] = []
    spans = []
    month_year = re.compile(rf"\b({MONTH_RE})\.?\s+((?:19|20)\d\d)\b", re.I)
    rng = re.compile(
        rf"\b(?:between|from)\s+(?:({MONTH_RE})\.?\s+)?((?:19|20)\d\d)\s+(?:and|to|until|through|-|–)\s+(?:({MONTH_RE})\.?\s+)?((?:19|20)\d\d)\b",
        re.I,
    )
    r = rng.search(text)
    if r and free(r):
        m1 = MONTHS.get(_month_key(r.group(1))) if r.group(1) else 1
        m2 = MONTHS.get(_month_key(r.group(3))) if r.group(3) else 12
        date_from = f"{r.group(2)}-{m1:02d}-01"
        date_to = f"{r.group(4)}-{m2:02d}-{_month_end(int(r.group(4)), m2):02d}"
        return date_from, date_to, years, months, [r.span()]
    for m in re.finditer(rf"\b(since|after|from|before|until|prior\s+to)\s+(?:({MONTH_RE})\.?\s+)?((?:19|20)\d\d)\b", text, re.I):
        if not free(m):
            continue
        word, mon, year = m.group(1).lower(), m.group(2), int(m.group(3))
        month = MONTHS.get(_month_key(mon)) if mon else None
        if word in {"since", "from"}:
            date_from = f"{year}-{(month or 1):02d}-01"
        elif word == "after":
            date_from = f"{year}-{month + 1:02d}-01" if month and month < 12 else f"{year + 1}-01-01"
        else:  # before / until / prior to
            if word == "until":
                date_to = f"{year}-{(month or 12):02d}-{_month_end(year, month or 12):02d}"
            elif month and month > 1:
                date_to = f"{year}-{month - 1:02d}-{_month_end(year, month - 1):02d}"
            else:
                date_to = f"{year - 1}-12-31"
        spans.append(m.span())
    for m in month_year.finditer(text):
        if free(m) and not any(s <= m.start() < e for s, e in spans):
            months.append(f"{m.group(2)}-{MONTHS[_month_key(m.group(1))]:02d}")
            spans.append(m.span())
    for m in re.finditer(r"\b((?:19|20)\d\d)\b", text):
        if free(m) and not any(s <= m.start() < e for s, e in spans) and m.group(1) not in years:
            years.append(m.group(1))
    if months:
        years = [y for y in years if not any(mo.startswith(y) for mo in months)]
    return date_from, date_to, years, months, spans


def _month_key(word: str | None) -> str:
    word = (word or "").lower().rstrip(".")
    if word == "sept":
        return "september"
    for name in MONTHS:
        if name.startswith(word):
            return name
    return word


def _month_end(year: int, month: int) -> int:
    import calendar

    return calendar.monthrange(year, month)[1]


def restrict(filters: Filters, view: Filters) -> Filters:
    """Question ∧ view: within a facet both name, keep the common values (possibly none)."""
    merged = dict(view.selections)
    for facet, values in filters.selections:
        if facet in merged:
            merged[facet] = tuple(v for v in values if v in merged[facet])
        else:
            merged[facet] = values
    date_from = max(filter(None, [filters.date_from, view.date_from]), default=None)
    date_to = min(filter(None, [filters.date_to, view.date_to]), default=None)
    return Filters(selections=tuple(merged.items()), search=view.search, date_from=date_from, date_to=date_to)


# ---------------------------------------------------------------------------------------------------------------
# Running a route against the store


@dataclass
class EventRecord:
    """One event as a citeable record: its key, source URL and a one-line readout."""

    event_key: str
    url: str | None
    text: str
    date: str | None
    headline: str = ""


@dataclass
class TableAnswer:
    route: Route
    sentences: list[tuple[str, list[str]]]  # (sentence without markers, event_keys it cites)
    records: dict[str, EventRecord]
    interactions: int = 0
    events: int = 0
    values: list[tuple[str, int]] = field(default_factory=list)
    structured_query: str = ""
    empty: bool = False  # a list question with nothing to list: the tables do not answer it


def event_readout(rows: list[dict]) -> EventRecord:
    """A one-line, quotable description of an event from its interaction rows."""
    first = rows[0]
    date = str(first.get("date"))[:10] if first.get("date") else None
    officials = _unique(r.get("cn_official") or "an unnamed official" for r in rows)
    counterparts = _unique(_counterpart(r) for r in rows)
    fmt = first.get("format") or ""
    host = first.get("host_event") or ""
    place = ", ".join(p for p in (first.get("city"), first.get("host_country")) if p)
    parts = [f"{date or 'undated'}: {' and '.join(officials)} ({first.get('cn_agency') or ''}) met {'; '.join(counterparts)}"]
    detail = fmt + (f" at {host}" if host else "") + (f", {place}" if place else "")
    if first.get("mode") == "video":
        detail += ", by video"
    parts.append(f"({detail})")
    summary = first.get("summary")
    headline = " ".join(parts) + "."
    text = headline + (f" {summary}" if summary else "")
    return EventRecord(first.get("event_key"), first.get("source_url") or None, _clean(text), date, _clean(headline))


def _counterpart(row: dict) -> str:
    who = row.get("counterpart_name") or ""
    title = row.get("counterpart_title") or ""
    where = row.get("counterpart_country") or row.get("counterpart_org") or ""
    label = ", ".join(p for p in (who, title) if p)
    return f"{label} ({where})" if label and where else (label or where or "unnamed counterpart")


def _unique(items: Iterable[str]) -> list[str]:
    out: list[str] = []
    for item in items:
        if item and item not in out:
            out.append(item)
    return out


def _clean(text: str) -> str:
    return re.sub(r"[\x00-\x08\x0b-\x1f\x7f]", " ", text)


class TableQA:
    """Runs routes through EventStore (counts, facet lists, event pages) and words the result with citations."""

    MAX_CITED = 8
    MAX_LISTED = 12

    def __init__(self, store, router: Router | None = None) -> None:
        self.store = store
        self.router = router or Router.from_store(store)
        self._events: dict[str, list[dict]] | None = None
        self._orgs: set[str] | None = None

    def events(self) -> dict[str, list[dict]]:
        if self._events is None:
            grouped: dict[str, list[dict]] = {}
            for record in self.store.events_for_corpus():
                rows = record.get("interactions") if isinstance(record.get("interactions"), list) else [record]
                key = record.get("event_key") or rows[0].get("event_key")
                grouped.setdefault(key, []).extend({**record, **r} for r in rows)
            self._events = grouped
        return self._events

    def record(self, event_key: str) -> EventRecord | None:
        rows = self.events().get(event_key)
        if rows:
            return event_readout(rows)
        detail = self.store.detail(event_key)
        rows = [detail.record] + list(detail.same_event or [])
        return event_readout(rows) if rows else None

    def event_keys(self, filters: Filters, limit: int) -> tuple[list[str], int]:
        """Newest matching events first (DuckDB sorts the whole filtered set)."""
        page = self.store.page(View(filters=filters, unit="event", sort=(("date", True),)), 0, limit)
        return [str(row[0]) for row in page.rows], page.total

    def organisations(self) -> set[str]:
        """Counterparts that are international organisations, not countries (told apart in answers)."""
        if self._orgs is None:
            only_orgs = Filters(selections=(("region", (ORG_REGION,)),))
            self._orgs = {fv.value for fv in self.store.facet_counts("country", only_orgs) if fv.count > 0}
        return self._orgs

    def run(self, route: Route) -> TableAnswer:
        filters = route.filters
        interactions = self.store.count(filters, unit="interaction")
        events = self.store.count(filters, unit="event")
        records: dict[str, EventRecord] = {}
        sentences: list[tuple[str, list[str]]] = []
        where = describe_filters(filters) or "all records"
        answer = TableAnswer(route, sentences, records, interactions, events, structured_query=route.describe())

        def cite(keys: list[str]) -> list[str]:
            for key in keys:
                if key not in records:
                    rec = self.record(key)
                    if rec:
                        records[key] = rec
            return [k for k in keys if k in records]

        if interactions == 0:
            answer.empty = route.intent == "list"
            sentences.append((f"{'No: n' if route.yes_no else 'N'}o event records match ({where}).", []))
            return answer
        keys, _ = self.event_keys(filters, self.MAX_CITED)
        plural = lambda n, word: f"{n} {word}{'' if n == 1 else 's'}"  # noqa: E731
        if route.intent == "count" and route.count_of == "interaction":
            sentences.append((
                ("Yes: the" if route.yes_no else "The") + f" event records hold {plural(interactions, 'interaction')} "
                f"in {plural(events, 'meeting')} (distinct events) matching {where}"
                + (f"; the {len(keys)} most recent are cited" if events > len(keys) else "") + ".",
                cite(keys),
            ))
            return answer
        facet = route.target if route.intent == "list" else route.count_of
        if facet in (None, "event"):
            head = f"{plural(events, 'meeting')} ({plural(interactions, 'interaction')}) match {where}"
            head += f"; the {len(keys)} most recent:" if events > len(keys) else ", newest first:"
            sentences.append((head, []))
            for key in cite(keys):
                sentences.append((records[key].headline, [key]))
            return answer
        values = [fv for fv in self.store.facet_counts(facet, filters, order="count") if fv.count > 0]
        answer.values = [(fv.value, fv.count) for fv in values]
        if not values:
            answer.empty = route.intent == "list"
            sentences.append((f"No {FACET_PLURALS.get(facet, facet)} are recorded for {where}.", cite(keys[:3])))
            return answer
        orgs = self.organisations() if facet == "country" else set()
        n_orgs = sum(1 for fv in values if fv.value in orgs)
        if facet == "country" and n_orgs:
            label = f"{plural(len(values) - n_orgs, 'country').replace('countrys', 'countries')} and {plural(n_orgs, 'international organisation')}"
        else:
            label = f"{len(values)} {FACET_PLURALS.get(facet, facet) if len(values) != 1 else FACET_LABELS.get(facet, facet)}"
        if route.superlative:
            top = values[0]
            tied = [fv.value for fv in values if fv.count == top.count]
            sentences.append((f"Most interactions: {' and '.join(tied)} ({plural(top.count, 'interaction')}) among {label} matching {where}.",
                              cite(self.event_keys(filters.with_values(facet, tuple(tied)), 3)[0])))
        sentences.append((f"{label} match {where}, by number of interactions:", []))
        for fv in values[: self.MAX_LISTED]:
            one = self.event_keys(filters.with_values(facet, (fv.value,)), 1)[0]
            tag = ", international organisation" if fv.value in orgs else ""
            sentences.append((f"{fv.value} ({fv.count}{tag})", cite(one)))
        if len(values) > self.MAX_LISTED:
            sentences.append((f"and {len(values) - self.MAX_LISTED} more.", []))
        return answer
