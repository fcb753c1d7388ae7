"""Facet and row counts from the facet columns held in memory as small integer codes, one array per facet.

Why: a filter change needs twelve facets, each counted with all *other* selections applied, plus the two unit
counts. In SQL that is fourteen scans of the interactions table (tens of ms each at a million rows). With the
columns coded once per open database, a selection is a lookup per row (a boolean mask), a facet is a bincount over
the masked rows, and a whole refresh costs a few milliseconds. Semantics follow `query.where_clause` and the
facets' `counts_sql` exactly (NULL counts as NONE; a list facet counts each element); the tests compare the two.
Free-text search stays in DuckDB: its matching row numbers are fetched once per search string.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from gsi_explorer.data.facets import FACET_TYPES, NONE, ArrayFacet

EPOCH = dt.date(1970, 1, 1)
NO_DATE = np.iinfo(np.int32).min
CACHED_FILTERS = 8  # masks kept per distinct Filters: one refresh asks ~14 times; the TUI caches results itself

Fetch = Callable[[str, list], dict]  # (sql, params) -> {column: numpy array}


def _small(codes: np.ndarray, n_values: int) -> np.ndarray:
    return codes.astype(np.int16 if n_values < 2**15 - 1 else np.int32)


@dataclass
class ScalarCodes:
    """One scalar facet: `codes[row]` indexes `labels`; the last code (len(labels)) stands for NULL."""

    labels: list[str]
    codes: np.ndarray
    _all: np.ndarray | None = None
    _code_of: dict | None = None

    @property
    def null_code(self) -> int:
        return len(self.labels)

    def select(self, values, n_rows: int) -> np.ndarray:
        """Rows whose value is one of `values` (NONE = NULL), like `ColumnFacet.where`."""
        if self._code_of is None:
            self._code_of = {label: code for code, label in enumerate(self.labels)}
        lut = np.zeros(len(self.labels) + 1, dtype=bool)
        lut[[self._code_of[v] for v in values if v != NONE and v in self._code_of]] = True
        lut[self.null_code] = NONE in values
        return lut[self.codes]

    def counts(self, rows: np.ndarray | None) -> list[tuple[str, int]]:
        if rows is None:
            if self._all is None:
                self._all = np.bincount(self.codes, minlength=len(self.labels) + 1)
            n = self._all
        else:
            n = np.bincount(self.codes[rows], minlength=len(self.labels) + 1)
        names = self.labels + [NONE]
        return [(names[c], int(n[c])) for c in np.flatnonzero(n)]


@dataclass
class ListCodes:
    """A multi-valued facet as (row, value code) pairs, one pair per list element (NONE is an element here)."""

    labels: list[str]
    pair_rows: np.ndarray
    pair_codes: np.ndarray
    _all: np.ndarray | None = None

    def select(self, values, n_rows: int) -> np.ndarray:
        wanted = set(values)
        lut = np.array([label in wanted for label in self.labels] + [False], dtype=bool)
        mask = np.zeros(n_rows, dtype=bool)
        mask[self.pair_rows[lut[self.pair_codes]]] = True
        return mask

    def counts(self, mask: np.ndarray | None) -> list[tuple[str, int]]:
        if mask is None:
            if self._all is None:
                self._all = np.bincount(self.pair_codes, minlength=len(self.labels))
            n = self._all
        else:
            n = np.bincount(self.pair_codes[mask[self.pair_rows]], minlength=len(self.labels))
        return [(self.labels[c], int(n[c])) for c in np.flatnonzero(n)]


@dataclass
class _Masks:
    """Masks of one Filters value: `full` (every filter) and, per selected facet, every filter but that facet's."""

    full: np.ndarray | None  # None = every row
    others: dict[str, np.ndarray | None] = field(default_factory=dict)
    rows: dict[int, np.ndarray] = field(default_factory=dict)  # id(mask) -> its row numbers
    n_events: int | None = None


class FacetIndex:
    """Coded facet columns of one read-only database, with per-Filters masks cached."""

    def __init__(self, n_rows: int, columns: dict, days: np.ndarray, event_no: np.ndarray,
                 search_rows: Callable[[tuple[str, ...]], np.ndarray]) -> None:
        self.n_rows = n_rows
        self.columns = columns
        self.days = days
        self.event_no = event_no
        self._search_rows = search_rows
        self._lock = threading.Lock()
        self._masks: OrderedDict = OrderedDict()
        self._search: OrderedDict = OrderedDict()

    # -- building

    @classmethod
    def build(cls, fetch: Fetch, search_rows: Callable[[tuple[str, ...]], np.ndarray]) -> "FacetIndex | None":
        """Read the coded columns; None when row ids are not 0..n-1 (then the caller keeps using SQL)."""
        size = fetch("SELECT count(*) AS n, coalesce(max(rowid) + 1, 0) AS top FROM interactions", [])
        n, top = int(size["n"][0]), int(size["top"][0])
        if n != top:
            return None
        facets = list(FACET_TYPES.items())
        # every facet's distinct values in one statement: (facet number, value as text)
        distinct = [f"SELECT DISTINCT unnest({f.count_column or f.column}) AS v FROM interactions"
                    if isinstance(f, ArrayFacet) else
                    f"SELECT DISTINCT {f.expr} AS v FROM interactions i WHERE {f.expr} IS NOT NULL" for _, f in facets]
        got = fetch(" UNION ALL ".join(f"SELECT {k} AS k, CAST(v AS VARCHAR) AS v FROM ({sql})"
                                       for k, sql in enumerate(distinct)), [])
        labels: list[list[str]] = [[] for _ in facets]
        for k, v in zip(got["k"], got["v"]):
            labels[int(k)].append(str(v))
        for values in labels:
            values.sort()
        # code = 1-based position of the value in its list (0 = NULL); a plain scan keeps the table's row order
        picks, params = [], []
        for k, (_, f) in enumerate(facets):
            if not isinstance(f, ArrayFacet):
                picks.append(f"coalesce(list_position(?::VARCHAR[], CAST({f.expr} AS VARCHAR)), 0) AS c{k}")
                params.append(labels[k])
        got = fetch(f"SELECT i.rowid AS r, coalesce(CAST(i.event_no AS INTEGER), -1) AS e, "
                    f"coalesce(date_diff('day', DATE '1970-01-01', i.date), {NO_DATE}) AS d, {', '.join(picks)} "
                    f"FROM interactions i", params)
        rowid = np.asarray(got["r"])
        in_order = np.array_equal(rowid, np.arange(n))

        def by_row(values, dtype) -> np.ndarray:
            values = np.asarray(values).astype(dtype, copy=False)
            if in_order:
                return values
            out = np.empty(n, dtype=dtype)
            out[rowid] = values
            return out

        columns: dict = {}
        for k, (name, f) in enumerate(facets):
            if isinstance(f, ArrayFacet):
                pairs = fetch(f"SELECT rowid AS r, unnest(list_transform({f.count_column or f.column}, lambda x: "
                              f"list_position(?::VARCHAR[], CAST(x AS VARCHAR)) - 1)) AS c FROM interactions",
                              [labels[k]])
                columns[name] = ListCodes(labels[k], np.asarray(pairs["r"], dtype=np.int32),
                                          _small(np.asarray(pairs["c"]), len(labels[k]) + 1))
            else:
                codes = by_row(got[f"c{k}"], np.int32) - 1
                codes[codes < 0] = len(labels[k])  # NULL: the code after the last value
                columns[name] = ScalarCodes(labels[k], _small(codes, len(labels[k]) + 1))
        event_no = by_row(got["e"], np.int32)
        days = by_row(got["d"], np.int32)
        return cls(n, columns, days, event_no, search_rows)

    def forget_filters(self) -> None:
        """Drop cached masks and search hits (the coded columns stay)."""
        with self._lock:
            self._masks.clear()
            self._search.clear()

    # -- masks

    def _search_mask(self, terms: tuple[str, ...]) -> np.ndarray:
        with self._lock:
            hit = self._search.get(terms)
        if hit is None:
            hit = np.zeros(self.n_rows, dtype=bool)
            hit[self._search_rows(terms)] = True
            with self._lock:
                self._search[terms] = hit
                while len(self._search) > CACHED_FILTERS:
                    self._search.popitem(last=False)
        return hit

    def masks(self, filters, terms: tuple[str, ...], date_from: dt.date | None, date_to: dt.date | None) -> _Masks:
        key = (filters, terms, date_from, date_to)
        with self._lock:
            hit = self._masks.get(key)
            if hit is not None:
                self._masks.move_to_end(key)
                return hit
        base = None
        if terms:
            base = self._search_mask(terms)
        if date_from is not None or date_to is not None:
            days = self.days
            lo = (date_from - EPOCH).days if date_from else None
            hi = (date_to - EPOCH).days if date_to else None
            m = days != NO_DATE
            if lo is not None:
                m &= days >= lo
            if hi is not None:
                m &= days <= hi
            base = m if base is None else base & m
        selected = {name: self.columns[name].select(values, self.n_rows) for name, values in filters.selections}
        full = _and([base, *selected.values()])
        out = _Masks(full)
        for name in selected:
            out.others[name] = _and([base, *(m for other, m in selected.items() if other != name)])
        with self._lock:
            self._masks[key] = out
            while len(self._masks) > CACHED_FILTERS:
                self._masks.popitem(last=False)
        return out

    # -- results

    def facet_counts(self, name: str, masks: _Masks) -> list[tuple[str, int]]:
        """(label, count) of every value present among the rows that pass all filters but `name`'s own."""
        mask = masks.others.get(name, masks.full)
        col = self.columns[name]
        if isinstance(col, ListCodes):
            return col.counts(mask)
        return col.counts(None if mask is None else self._rows(masks, mask))

    def count(self, masks: _Masks, unit: str) -> int:
        if unit == "event":
            if masks.n_events is None:
                ev = self.event_no if masks.full is None else self.event_no[masks.full]
                seen = np.zeros(int(self.event_no.max(initial=0)) + 1, dtype=bool)
                seen[ev[ev >= 0]] = True
                masks.n_events = int(np.count_nonzero(seen))
            return masks.n_events
        return self.n_rows if masks.full is None else int(np.count_nonzero(masks.full))

    @staticmethod
    def _rows(masks: _Masks, mask: np.ndarray) -> np.ndarray:
        rows = masks.rows.get(id(mask))
        if rows is None:
            rows = masks.rows[id(mask)] = np.flatnonzero(mask).astype(np.int32)
        return rows


def _and(masks: list) -> np.ndarray | None:
    out = None
    for m in masks:
        if m is not None:
            out = m.copy() if out is None else out & m
    return out
