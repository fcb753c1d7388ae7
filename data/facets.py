"""Facet types: each knows how to filter the interactions table by selected values and how to count its values.

One small class per kind of column (plain column, list column, derived expression); results are plain data.
All SQL fragments use `?` parameters for values; column names come only from the registry below.
"""

from __future__ import annotations

from dataclasses import dataclass

NONE = "(none)"  # label for a blank value (unnamed official, no host event, undated row...)


@dataclass(frozen=True)
class ColumnFacet:
    """Values of one scalar column of `interactions` (alias i)."""

    name: str
    label: str
    column: str

    @property
    def expr(self) -> str:
        return f"i.{self.column}"

    def where(self, values: frozenset[str] | tuple[str, ...]) -> tuple[str, list]:
        values = sorted(values)
        real = [v for v in values if v != NONE]
        parts, params = [], []
        if real:
            parts.append(f"CAST({self.expr} AS VARCHAR) IN ({', '.join('?' * len(real))})")
            params += real
        if NONE in values:
            parts.append(f"{self.expr} IS NULL")
        return "(" + " OR ".join(parts) + ")", params

    def counts_sql(self, where: str, count: str) -> str:
        # group on the raw value, label afterwards: casting a million years to text costs more than the count
        return (f"SELECT coalesce(CAST(v AS VARCHAR), '{NONE}') AS value, n FROM "
                f"(SELECT {self.expr} AS v, {count} AS n FROM interactions i WHERE {where} GROUP BY 1)")


@dataclass(frozen=True)
class DerivedFacet(ColumnFacet):
    """A value computed from other columns (year, month, region); `column` holds the SQL expression."""

    @property
    def expr(self) -> str:
        return self.column


@dataclass(frozen=True)
class ArrayFacet:
    """A multi-valued (list) column: each element counts once per row, so 'topic' counts topics, not strings."""

    name: str
    label: str
    column: str
    count_column: str = ""  # the same list with [NONE] for empty ones, precomputed at build for speed

    def where(self, values) -> tuple[str, list]:
        values = sorted(values)
        real = [v for v in values if v != NONE]
        parts, params = [], []
        for value in real:  # one list_contains per value: ten times faster than list_has_any at a million rows
            parts.append(f"list_contains(i.{self.column}, ?)")
            params.append(value)
        if NONE in values:
            parts.append(f"len(coalesce(i.{self.column}, [])) = 0")
        return "(" + " OR ".join(parts) + ")", params

    def counts_sql(self, where: str, count: str) -> str:
        return (f"SELECT value, {count} AS n FROM (SELECT i.event_no, unnest(i.{self.count_column or self.column}) "
                f"AS value FROM interactions i WHERE {where}) i GROUP BY 1")


FACET_TYPES = {
    "country": ColumnFacet("country", "Counterpart country/org", "counterpart"),
    "region": DerivedFacet("region", "Region", "i.region"),
    "official": ColumnFacet("official", "Chinese official", "cn_official"),
    "agency": ColumnFacet("agency", "Agency", "cn_agency"),
    "rank": ColumnFacet("rank", "Rank", "cn_rank"),
    "format": ColumnFacet("format", "Format", "format"),
    "host_event": ColumnFacet("host_event", "Host event / forum", "host_event"),
    "year": DerivedFacet("year", "Year", "i.year"),
    "month": DerivedFacet("month", "Month", "i.month"),
    "mode": ColumnFacet("mode", "Mode", "mode"),
    "topic": ArrayFacet("topic", "Topic", "topic_list", "topic_facet"),
    "confidence": ColumnFacet("confidence", "Confidence", "confidence"),
}
FACETS = tuple(FACET_TYPES)


def facet(name: str):
    try:
        return FACET_TYPES[name]
    except KeyError:
        raise KeyError(f"unknown facet {name!r}; facets are: {', '.join(FACETS)}") from None
