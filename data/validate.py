"""Every rule an events.csv row must satisfy; all findings are collected so one pass can fix them all."""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from gsi_explorer.data import vocab
from gsi_explorer.data.csvfile import CsvTable, read_csv
from gsi_explorer.data.problems import Problem

COUNTRY_COLUMNS = ("name", "iso3", "kind", "region", "subregion", "aliases", "demonyms")
OFFICIAL_COLUMNS = ("name", "name_zh", "agency", "rank", "title", "aliases")
FORUM_COLUMNS = ("host_event", "forum", "acronym", "level", "region", "aliases")
REFERENCE_FILES = {
    "countries.csv": (COUNTRY_COLUMNS, ("name", "kind", "region")),
    "officials.csv": (OFFICIAL_COLUMNS, ("name", "agency", "rank")),
    "forums.csv": (FORUM_COLUMNS, ("host_event", "forum", "level")),
}
KINDS = ("country", "organisation")
LEVELS = ("global", "regional", "bilateral")
KEY_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")  # not \t \n \r
EVENT_LEVEL = ("date", "date_precision", "format", "host_event", "city", "host_country", "mode")


def split_list(value: str) -> list[str]:
    return [v.strip() for v in value.split(";") if v.strip()]


@dataclass
class Reference:
    """Reference tables and the lookups validation needs (names and aliases, case-insensitive)."""

    countries: CsvTable | None = None
    officials: CsvTable | None = None
    forums: CsvTable | None = None
    country_lookup: dict[str, dict[str, str]] = field(default_factory=dict)  # lower(name or alias) -> row
    official_names: set[str] = field(default_factory=set)
    forum_names: set[str] = field(default_factory=set)

    def resolve(self, name: str) -> dict[str, str] | None:
        return self.country_lookup.get(name.strip().lower())


def load_reference(paths: dict[str, Path], problems: list[Problem]) -> Reference:
    ref = Reference()
    for fname, (expected, required) in REFERENCE_FILES.items():
        table = read_csv(paths[fname], expected, required, problems)
        setattr(ref, fname.removesuffix(".csv"), table)
    if ref.countries:
        for line, row in ref.countries.rows:
            _check_enum(problems, "countries.csv", line, row, "kind", KINDS)
            if row["kind"] == "country" and row["iso3"] and not re.fullmatch(r"[A-Z]{3}", row["iso3"]):
                problems.append(Problem("countries.csv", line, "iso3", "not an ISO 3166 alpha-3 code", row["iso3"],
                                        "use three capital letters, e.g. VNM"))
            for alias in [row["name"], *split_list(row["aliases"])]:
                key = alias.lower()
                other = ref.country_lookup.get(key)
                if other is not None and other["name"] != row["name"]:
                    problems.append(Problem("countries.csv", line, "aliases", "name or alias used by two rows",
                                            alias, f"keep it on one row (also on '{other['name']}')"))
                ref.country_lookup[key] = row
    if ref.officials:
        for line, row in ref.officials.rows:
            _check_enum(problems, "officials.csv", line, row, "agency", vocab.AGENCIES)
            _check_enum(problems, "officials.csv", line, row, "rank", vocab.RANKS)
            ref.official_names.add(row["name"])
    if ref.forums:
        for line, row in ref.forums.rows:
            _check_enum(problems, "forums.csv", line, row, "level", LEVELS)
            ref.forum_names.add(row["host_event"])
    return ref


def _check_enum(problems: list[Problem], fname: str, line: int, row: dict[str, str], col: str,
                allowed: tuple[str, ...], blank_ok: bool = False) -> bool:
    value = row.get(col, "")
    if value in allowed or (blank_ok and value == ""):
        return True
    near = [a for a in allowed if a.lower() == value.lower().replace(" ", "-")]
    hint = f"write '{near[0]}'" if near else f"use one of: {', '.join(allowed)}"
    problems.append(Problem(fname, line, col, "blank" if not value else "not an allowed value", value, hint))
    return False


def parse_date(value: str) -> dt.date | None:
    if not DATE_RE.match(value):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


SPACE_RE = re.compile(r"\s")


@functools.lru_cache(maxsize=65536)
def check_url(value: str) -> str | None:
    """Why the URL is unusable, or None."""
    if not value:
        return "blank"
    if SPACE_RE.search(value):
        return "contains spaces"
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https"):
        if not parts.scheme or "." in parts.scheme:
            return "no http(s):// scheme"
        return f"scheme '{parts.scheme}' is not http(s)"
    host = parts.hostname or ""
    if "." not in host or host.startswith(".") or host.endswith("."):
        return "no valid host name"
    return None


def validate_events(table: CsvTable, ref: Reference, problems: list[Problem]) -> None:
    fname = table.path.name
    first_seen: dict[str, tuple[int, dict[str, str]]] = {}
    seen_rows: dict[tuple[str, ...], int] = {}
    for line, row in table.rows:
        def err(col: str, what: str, fix: str, value: str | None = None, severity: str = "error") -> None:
            shown = row.get(col, "") if value is None else value
            problems.append(Problem(fname, line, col, what, shown, fix, severity))

        key = row["event_key"]
        if not key:
            err("event_key", "blank", "give every row an event_key (date-official-counterpart, lower case)")
        elif not KEY_RE.match(key):
            err("event_key", "not a lower-case slug", "use only a-z, 0-9 and '-', e.g. 2024-09-08-wang-xiaohong-serbia")
        _check_date_fields(row, err)
        for col, allowed in (("cn_agency", vocab.AGENCIES), ("cn_rank", vocab.RANKS), ("format", vocab.FORMATS),
                             ("mode", vocab.MODES), ("confidence", vocab.CONFIDENCE)):
            _check_enum(problems, fname, line, row, col, allowed)
        country, org = row["counterpart_country"], row["counterpart_org"]
        if not country and not org:
            err("counterpart_country", "no counterpart", "fill counterpart_country (or counterpart_org for an "
                "international organisation)")
        elif country and org:
            err("counterpart_org", "both a country and an organisation",
                "leave counterpart_org blank unless the counterpart is an international organisation")
        if country:
            hit = ref.resolve(country) if ref.countries else None
            if ref.countries and (hit is None or hit["kind"] != "country"):
                err("counterpart_country", "unknown country",
                    "use the English short name from countries.csv (e.g. Vietnam, DR Congo) or add an alias there")
            elif hit is not None and hit["name"] != country:
                err("counterpart_country", f"alias of '{hit['name']}'", f"write '{hit['name']}'", severity="warning")
        if org and ref.countries:
            hit = ref.resolve(org)
            if hit is None or hit["kind"] != "organisation":
                err("counterpart_org", "unknown organisation",
                    "add it to countries.csv with kind 'organisation' (region 'International organisation')",
                    severity="warning")
        if row["host_country"] and ref.countries:
            hit = ref.resolve(row["host_country"])
            if hit is None or hit["kind"] != "country":
                err("host_country", "unknown country", "use the English short name from countries.csv or leave blank")
        why = check_url(row["source_url"])
        if why:
            err("source_url", f"not a usable URL: {why}", "give the full address starting with https:// or http://")
        topics = split_list(row["topics"])
        for t in topics:
            if t not in vocab.TOPICS:
                near = [v for v in vocab.TOPICS if v == t.lower()]
                err("topics", "topic not in the 29-term vocabulary", f"write '{near[0]}'" if near else
                    "use terms from the vocabulary in CURATION.md (e.g. counternarcotics, transnational crime)", t)
        if len(set(topics)) != len(topics):
            err("topics", "topic listed twice", "list each topic once", severity="warning")
        if len(topics) > vocab.MAX_TOPICS:
            err("topics", f"{len(topics)} topics, at most {vocab.MAX_TOPICS}", "keep the most specific ones")
        if not topics:
            err("topics", "no topics", "add at least one topic from the vocabulary", severity="warning")
        words = len(row["summary"].split())
        if words > vocab.MAX_SUMMARY_WORDS:
            err("summary", f"{words} words, at most {vocab.MAX_SUMMARY_WORDS}", "shorten the summary",
                value=row["summary"][:60], severity="warning")
        if row["cn_official"] and ref.officials and row["cn_official"] not in ref.official_names:
            err("cn_official", "not in officials.csv", "add the official to officials.csv (name, agency, rank)",
                severity="warning")
        if row["host_event"] and ref.forums and row["host_event"] not in ref.forum_names:
            err("host_event", "not in forums.csv", "add the event to forums.csv or use its canonical name",
                severity="warning")
        if row["format"] in ("multilateral", "sideline-bilateral") and not row["host_event"]:
            err("host_event", f"blank for a {row['format']} row", "name the multilateral event (canonical name)")
        if CONTROL_RE.search("".join(row.values())):
            for col, value in row.items():
                if CONTROL_RE.search(value):
                    err(col, "contains control characters", "remove them (they would garble a terminal)",
                        severity="warning")
        if key:
            ident = (key, country, org, row["counterpart_name"])
            if ident in seen_rows:
                err("event_key", f"same event and counterpart as line {seen_rows[ident]}",
                    "merge the two rows or give one its own event_key")
            else:
                seen_rows[ident] = line
            if key in first_seen:
                fline, frow = first_seen[key]
                for col in EVENT_LEVEL:
                    if row[col] != frow[col]:
                        err(col, f"differs from line {fline} of the same event_key ({frow[col] or 'blank'})",
                            f"one event has one {col}: make them equal or give this row its own event_key")
            else:
                first_seen[key] = (line, row)


def _check_date_fields(row: dict[str, str], err) -> None:
    date, precision, key = row["date"], row["date_precision"], row["event_key"]
    if not date:
        if not key.startswith(vocab.UNDATED_PREFIX):
            err("date", "blank", f"give the date (YYYY-MM-DD) or start the event_key with '{vocab.UNDATED_PREFIX}'")
        if precision:
            err("date_precision", "set for an undated row", "leave date_precision blank when date is blank")
    else:
        day = parse_date(date)
        if day is None:
            what = "not YYYY-MM-DD" if not DATE_RE.match(date) else "no such calendar day"
            err("date", what, "write the meeting day as YYYY-MM-DD (month precision: YYYY-MM-01)")
        if precision not in vocab.PRECISIONS:
            err("date_precision", "blank" if not precision else "not an allowed value",
                f"use one of: {', '.join(vocab.PRECISIONS)}")
        elif day is not None:
            if precision == "month" and day.day != 1:
                err("date", "month precision but not the 1st", f"write {date[:8]}01 for a month-precision date")
            if precision == "year" and (day.month, day.day) != (1, 1):
                err("date", "year precision but not 1 January", f"write {date[:5]}01-01 for a year-precision date")
            if key.startswith(vocab.UNDATED_PREFIX):
                err("event_key", "undated- prefix on a dated row", "drop the 'undated-' prefix or blank the date")
            elif key and not key.startswith(date if precision == "day" else date[:7]):
                err("event_key", f"does not start with the date {date}", "start the event_key with its date",
                    severity="warning")
    if row["source_date"] and parse_date(row["source_date"]) is None:
        err("source_date", "not a valid YYYY-MM-DD date", "write the publication date as YYYY-MM-DD or leave blank")


def read_events(path: Path, problems: list[Problem]) -> CsvTable | None:
    return read_csv(path, vocab.COLUMNS, vocab.REQUIRED, problems)
