"""One readable passage per event, written from the event tables, so questions can retrieve our own records.

The passage states who met whom (with titles), when, where, in what format and at which host event, the topics and
our summary, and ends with the source. Regenerated whenever the database's data changes (see store.data_fingerprint).
"""

from __future__ import annotations

from typing import Any, Iterable

from gsi_explorer.index.chunking import Passage

AGENCY_NAMES = {
    "MPS": "Ministry of Public Security",
    "MSS": "Ministry of State Security",
    "CPLC": "Central Political-Legal Commission",
    "MOJ": "Ministry of Justice",
    "SPP": "Supreme People's Procuratorate",
    "SPC": "Supreme People's Court",
}
FORMAT_WORDS = {
    "bilateral": "bilateral meeting",
    "sideline-bilateral": "sideline bilateral meeting",
    "multilateral": "multilateral meeting",
}


def _s(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, (list, tuple)):
        return "; ".join(_s(x) for x in v if _s(x))
    return str(v).strip()


def _uniq(values: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for v in values:
        if v and v not in seen:
            seen[v] = None
    return list(seen)


def _rows(event: dict) -> list[dict]:
    for key in ("interactions", "rows"):
        rows = event.get(key)
        if isinstance(rows, list) and rows:
            return [{**{k: v for k, v in event.items() if k != key}, **r} for r in rows]
    return [event]


def _topics(rows: list[dict]) -> list[str]:
    out: list[str] = []
    for r in rows:
        t = r.get("topic_list") or r.get("topics")
        if isinstance(t, str):
            t = [x.strip() for x in t.split(";")]
        out.extend(_s(x) for x in (t or []))
    return _uniq(out)


def _summaries(rows: list[dict]) -> list[str]:
    """Distinct summaries; one per template when a multilateral event repeats it per participant
    ("X took part in the Tashkent meeting..." for eleven X)."""
    out, seen = [], set()
    for r in rows:
        text = _s(r.get("summary"))
        if not text:
            continue
        key = text
        for field in ("counterpart_name", "counterpart_country", "counterpart_org"):
            name = _s(r.get(field))
            if name:
                key = key.replace(name, "\0")
        if key not in seen:
            seen.add(key)
            out.append(text)
    return out


def _counterpart(r: dict) -> str:
    name, title = _s(r.get("counterpart_name")), _s(r.get("counterpart_title"))
    where = _s(r.get("counterpart_country")) or _s(r.get("counterpart_org"))
    who = ", ".join(x for x in (name, title) if x)
    if who and where:
        return f"{who} ({where})"
    return who or where


def event_passage(event: dict) -> Passage:
    rows = _rows(event)
    first = rows[0]
    key = _s(first.get("event_key"))
    date = _s(first.get("date"))[:10] or None
    precision = _s(first.get("date_precision"))
    officials = _uniq(_s(r.get("cn_official")) for r in rows)
    officials_full = _uniq(
        f"{_s(r.get('cn_official'))} ({', '.join(x for x in (_s(r.get('cn_title')), _s(r.get('cn_agency'))) if x)})"
        for r in rows if _s(r.get("cn_official"))
    )
    countries = _uniq(_s(r.get("counterpart_country")) for r in rows)
    orgs = _uniq(_s(r.get("counterpart_org")) for r in rows)
    counterparts = _uniq(_counterpart(r) for r in rows)
    formats = _uniq(_s(r.get("format")) for r in rows)
    host = _uniq(_s(r.get("host_event")) for r in rows)
    city, host_country = _s(first.get("city")), _s(first.get("host_country"))
    mode = _s(first.get("mode"))
    summaries = _summaries(rows)
    url = _s(first.get("source_url")) or None
    publisher = _s(first.get("source_publisher"))
    agencies = _uniq(_s(r.get("cn_agency")) for r in rows)
    regions = _uniq(_s(r.get(c)) for r in rows for c in ("region", "subregion", "forum", "forum_acronym"))

    when = date or "Undated"
    if date and precision in ("month", "year"):
        when = f"{date[:7] if precision == 'month' else date[:4]} (exact day not known)"
    fmt = " / ".join(FORMAT_WORDS.get(f, f) for f in formats) or "meeting"
    lines = [f"{when}: {'; '.join(officials_full) or 'A PRC internal-security official'} held a {fmt} with "
             f"{'; '.join(counterparts) or 'foreign counterparts'}."]
    place = ", ".join(x for x in (city, host_country) if x)
    details = []
    if host:
        details.append(f"Host event: {', '.join(host)}.")
    if place:
        details.append(f"Place: {place}.")
    if mode:
        details.append(f"Mode: {mode}.")
    topics = _topics(rows)
    if topics:
        details.append(f"Topics: {', '.join(topics)}.")
    if details:
        lines.append(" ".join(details))
    if summaries:
        lines.append("Summary: " + " ".join(s if s.endswith(".") else s + "." for s in summaries))
    if url:
        lines.append(f"Source: {publisher + ', ' if publisher else ''}{url}")
    # Matching text: who, whom, when, where, what — without long official titles, publisher and URL.
    who = ", ".join(_uniq(f"{_s(r.get('cn_official'))} ({_s(r.get('cn_agency'))})"
                          for r in rows if _s(r.get("cn_official"))))
    search = " ".join(x for x in (
        f"{when}: {who or 'PRC official'} met {'; '.join(counterparts)}.",
        f"{fmt}" + (f" at {', '.join(host)}" if host else "") + (f" in {place}" if place else "") + ".",
        f"Topics: {', '.join(topics)}." if topics else "",
        " ".join(summaries),
    ) if x)
    title = f"{date or 'undated'} {', '.join(officials)} – {', '.join(countries + orgs) or 'meeting'}"
    extra = " ".join(_uniq(regions + [AGENCY_NAMES.get(a, "") for a in agencies]))
    return Passage(
        doc=f"event:{key}", kind="readout", title=title, text="\n".join(lines), section=None, paragraph=None,
        url=url, event_key=key, date=date, countries=tuple(countries), officials=tuple(officials), extra=extra,
        search=search,
    )


def readout_passages(events: list[dict]) -> list[Passage]:
    return [event_passage(e) for e in events if _s(_rows(e)[0].get("event_key"))]
