"""The one read interface over the event database: facets, pages, details, chart series, export, SQL, stats.

The TUI and the Q&A pipeline use only this module; they never write SQL. Every call takes a fresh cursor, so one
EventStore can serve several threads (Textual workers) at once.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlencode

from gsi_explorer.data.facets import FACET_TYPES, FACETS, NONE, facet
from gsi_explorer.errors import GsiError

if TYPE_CHECKING:  # imported when first used: NumPy is not needed to paint the first screen
    from gsi_explorer.data.facet_index import FacetIndex

__all__ = ["UNITS", "FACETS", "SERIES", "NONE", "Filters", "View", "FacetValue", "Page", "Detail", "Series",
           "SqlResult", "EventStore", "ViewSpecError", "ReadOnlyError", "SqlError", "FilterError", "NotBuiltError",
           "RowNotFound", "INTERACTION_COLUMNS", "EVENT_COLUMNS"]

UNITS = ("interaction", "event")
SERIES = ("per_month", "per_quarter", "bilateral_by_region", "top_countries_by_official", "lianyungang_share_2024")

# Columns shown per unit (first = row id); sortable columns = these plus a few hidden ones.
INTERACTION_COLUMNS = ("interaction_id", "date", "cn_official", "cn_agency", "cn_rank", "counterpart",
                       "counterpart_name", "format", "host_event", "place", "mode", "confidence")
EVENT_COLUMNS = ("event_key", "date", "cn_lead", "cn_agency", "format", "host_event", "place", "n_interactions",
                 "n_matched", "counterparts", "mode", "confidence")
SORTABLE = {
    "interaction": set(INTERACTION_COLUMNS) | {"year", "month", "region", "counterpart_country", "counterpart_org",
                                               "counterpart_title", "cn_title", "city", "host_country",
                                               "source_publisher", "source_date", "event_key", "source_line"},
    "event": set(EVENT_COLUMNS) | {"year", "month", "n_counterparts", "regions", "city", "host_country",
                                   "source_line"},
}
# A sort chosen in one unit that has an equivalent in the other.
SORT_ALIASES = {"event": {"cn_official": "cn_lead", "counterpart": "counterparts", "region": "regions",
                          "interaction_id": "event_key", "cn_rank": "cn_lead", "counterpart_name": "counterparts"},
                "interaction": {"cn_lead": "cn_official", "counterparts": "counterpart", "regions": "region",
                                "n_interactions": "date", "n_matched": "date", "n_counterparts": "date"}}
ALL_SORTABLE = SORTABLE["interaction"] | SORTABLE["event"]
CONFIDENCE_RANK = "CASE {c} WHEN 'low' THEN 0 WHEN 'medium' THEN 1 WHEN 'high' THEN 2 END"


class ViewSpecError(GsiError):
    """A view spec string that cannot be read back."""


class ReadOnlyError(GsiError):
    """A statement that would change the database or reach outside it."""


class SqlError(GsiError):
    """A query DuckDB rejected (syntax, unknown table...) or that was cancelled."""


class FilterError(GsiError):
    """A filter value the store cannot apply (bad date, unknown facet)."""


class NotBuiltError(GsiError):
    """The database file is missing or is not a gsi-explorer database."""


class RowNotFound(GsiError, KeyError):
    """detail() of an id that does not exist."""

    def __str__(self) -> str:  # KeyError would add quotes
        return str(self.args[0])


# ---------------------------------------------------------------- filters and views


@dataclass(frozen=True)
class Filters:
    """Facet selections (OR within a facet, AND across facets), free-text search and a date range."""

    selections: tuple[tuple[str, tuple[str, ...]], ...] = ()
    search: str = ""
    date_from: str | None = None
    date_to: str | None = None

    def __post_init__(self) -> None:  # canonical order, so equal filters hash equally
        clean = tuple(sorted((f, tuple(sorted(set(v)))) for f, v in self.selections if v))
        object.__setattr__(self, "selections", clean)

    def selected(self, facet_name: str) -> frozenset[str]:
        return frozenset(dict(self.selections).get(facet_name, ()))

    def with_values(self, facet_name: str, values) -> "Filters":
        facet(facet_name)
        sel = dict(self.selections)
        sel[facet_name] = tuple(values)
        return replace(self, selections=tuple(sel.items()))

    def toggle(self, facet_name: str, value: str) -> "Filters":
        current = set(self.selected(facet_name))
        current ^= {value}
        return self.with_values(facet_name, current)

    def clear(self, facet_name: str | None = None) -> "Filters":
        if facet_name is None:
            return Filters()
        return replace(self, selections=tuple((f, v) for f, v in self.selections if f != facet_name))

    def with_search(self, text: str) -> "Filters":
        return replace(self, search=text.strip())

    def with_dates(self, date_from: str | None, date_to: str | None) -> "Filters":
        return replace(self, date_from=date_from or None, date_to=date_to or None)

    @property
    def active(self) -> bool:
        return bool(self.selections or self.search or self.date_from or self.date_to)


@dataclass(frozen=True)
class View:
    """What the browser shows: filters, unit and sort; `to_spec` is a short string a user can copy and reopen."""

    filters: Filters = Filters()
    unit: str = "interaction"
    sort: tuple[tuple[str, bool], ...] = (("date", True),)  # (column, descending)

    def to_spec(self) -> str:
        pairs: list[tuple[str, str]] = []
        if self.unit != "interaction":
            pairs.append(("unit", self.unit))
        if self.sort != View.sort:
            pairs += [("sort", ("-" if desc else "") + col) for col, desc in self.sort]
        if self.filters.search:
            pairs.append(("q", self.filters.search))
        if self.filters.date_from:
            pairs.append(("from", self.filters.date_from))
        if self.filters.date_to:
            pairs.append(("to", self.filters.date_to))
        for name, values in self.filters.selections:
            pairs += [(name, v) for v in values]
        return urlencode(pairs, safe="-;:()'/,") if pairs else "unit=interaction"

    @classmethod
    def from_spec(cls, spec: str) -> "View":
        text = (spec or "").strip()
        text = text[1:] if text.startswith("?") else text
        if not text:
            return cls()
        try:
            pairs = parse_qsl(text, keep_blank_values=False, strict_parsing=True, errors="strict")
        except (ValueError, UnicodeDecodeError):
            raise ViewSpecError(f"view spec {_clip(spec)!r} is not readable — copy the whole string shown in the "
                                f"app, e.g. 'unit=event&country=Vietnam&sort=-date'") from None
        unit, sort, sel = "interaction", [], {}
        search, dfrom, dto = "", None, None
        for key, value in pairs:
            if key == "unit":
                if value not in UNITS:
                    raise ViewSpecError(f"view spec: unit {value!r} — use one of: {', '.join(UNITS)}")
                unit = value
            elif key == "sort":
                col = value.lstrip("-")
                if col not in ALL_SORTABLE:
                    raise ViewSpecError(f"view spec: cannot sort by {col!r} — sortable: "
                                        f"{', '.join(sorted(ALL_SORTABLE))}")
                sort.append((col, value.startswith("-")))
            elif key == "q":
                search = value
            elif key in ("from", "to"):
                try:
                    _date_bound(value, key == "to")
                except FilterError as exc:
                    raise ViewSpecError(f"view spec: {exc}") from None
                dfrom, dto = (value, dto) if key == "from" else (dfrom, value)
            elif key in FACET_TYPES:
                sel.setdefault(key, []).append(value)
            else:
                raise ViewSpecError(f"view spec: unknown key {key!r} — keys are unit, sort, q, from, to and the "
                                    f"facets {', '.join(FACETS)}")
        filters = Filters(tuple((k, tuple(v)) for k, v in sel.items()), search, dfrom, dto)
        return cls(filters, unit, tuple(sort) or View.sort)


def _clip(text: str, n: int = 60) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def _date_bound(value: str, upper: bool) -> dt.date:
    """'2023' / '2023-05' / '2023-05-17' -> first (or last) day it covers."""
    m = re.fullmatch(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", value.strip())
    try:
        if not m:
            raise ValueError
        y, mo, d = int(m[1]), m[2], m[3]
        if d:
            return dt.date(y, int(mo), int(d))
        if mo:
            first = dt.date(y, int(mo), 1)
            if not upper:
                return first
            nxt = dt.date(y + (first.month == 12), first.month % 12 + 1, 1)
            return nxt - dt.timedelta(days=1)
        return dt.date(y, 12, 31) if upper else dt.date(y, 1, 1)
    except ValueError:
        raise FilterError(f"date {value!r} is not a date — write YYYY, YYYY-MM or YYYY-MM-DD") from None


def where_clause(filters: Filters, exclude: str | None = None) -> tuple[str, list]:
    """SQL predicate over `interactions i` for all filters except facet `exclude` (for that facet's own counts)."""
    parts, params = ["TRUE"], []
    for term in search_terms(filters.search):
        parts.append("contains(i.search_text, ?)")
        params.append(term)
    if filters.date_from:
        parts.append("i.date >= ?")
        params.append(_date_bound(filters.date_from, False))
    if filters.date_to:
        parts.append("i.date <= ?")
        params.append(_date_bound(filters.date_to, True))
    for name, values in filters.selections:
        if name == exclude:
            continue
        try:
            sql, p = facet(name).where(values)
        except KeyError as exc:
            raise FilterError(str(exc.args[0])) from None
        parts.append(sql)
        params += p
    return " AND ".join(parts), params


def _terms(search: str) -> list[str]:
    """Words, or "quoted phrases", all of which must occur."""
    return [a or b for a, b in re.findall(r'"([^"]+)"|(\S+)', search or "")]


def search_terms(search: str) -> tuple[str, ...]:
    """The lower-cased terms matched against `search_text` (every one must occur)."""
    return tuple(term.lower() for term in _terms(search))


# ---------------------------------------------------------------- results


@dataclass(frozen=True)
class FacetValue:
    value: str
    count: int
    selected: bool


@dataclass
class Page:
    columns: list[str]
    rows: list[tuple]
    total: int
    offset: int


@dataclass
class Detail:
    record: dict
    same_event: list[dict]
    same_counterpart: list[dict]


@dataclass
class Series:
    name: str
    title: str
    kind: str  # "bar" | "stacked" | "line" | "table"
    labels: list[str]
    values: dict[str, list[float]]
    note: str = ""


@dataclass
class SqlResult:
    columns: list[str]
    rows: list[tuple]
    truncated: bool


# ---------------------------------------------------------------- the store

READ_STATEMENTS = ("SELECT", "EXPLAIN")


class EventStore:
    """Read-only access to a built database."""

    def __init__(self, db_path: Path, con) -> None:
        self.db_path = Path(db_path)
        self._con = con
        self._sql_con = None
        self._lock = threading.Lock()
        self._running: set = set()
        self._index_lock = threading.Lock()
        self._facet_index: FacetIndex | None = None
        self._index_state = "new"  # "new" | "ready" | "unavailable" (row ids with gaps: SQL only)

    @classmethod
    def open(cls, db_path: Path) -> "EventStore":
        import duckdb

        from gsi_explorer.data.load import DamagedDatabase, check_complete

        db_path = Path(db_path)
        if not db_path.exists():
            raise NotBuiltError(f"{db_path}: no database — run `gsi-explorer build` (or start the app, which "
                                f"builds it)")
        try:
            # default configuration on purpose: DuckDB refuses a second connection to the same file with a
            # different one, and tests or scripts in the same process open plain read-only connections
            con = duckdb.connect(str(db_path), read_only=True)
            con.execute("SELECT count(*) FROM build_info").fetchone()
            check_complete(con, db_path)
        except (duckdb.Error, DamagedDatabase) as exc:
            reason = (str(exc).splitlines() or [""])[0]
            raise NotBuiltError(f"{db_path}: not a usable gsi-explorer database ({reason}) — "
                                f"rebuild it with `gsi-explorer build --force`") from None
        return cls(db_path, con)

    def close(self) -> None:
        for con in (self._sql_con, self._con):
            if con is not None:
                try:
                    con.close()
                except Exception:
                    pass

    def __enter__(self) -> "EventStore":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- plumbing

    def _run(self, sql: str, params: list | tuple = ()) -> tuple[list[str], list[tuple]]:
        with self._lock:
            cur = self._con.cursor()
            self._running.add(cur)
        try:
            cur.execute(sql, list(params))
            cols = [d[0] for d in cur.description] if cur.description else []
            return cols, cur.fetchall()
        finally:
            with self._lock:
                self._running.discard(cur)
            cur.close()

    def _numpy(self, sql: str, params: list | tuple = ()) -> dict:
        with self._lock:
            cur = self._con.cursor()
            self._running.add(cur)
        try:
            cur.execute(sql, list(params))
            return cur.fetchnumpy()
        finally:
            with self._lock:
                self._running.discard(cur)
            cur.close()

    def _rows(self, sql: str, params: list | tuple = ()) -> list[dict]:
        cols, rows = self._run(sql, params)
        return [dict(zip(cols, r)) for r in rows]

    def build_info(self) -> dict[str, str]:
        return dict(self._run("SELECT key, value FROM build_info")[1])

    # -- facets and counts

    def _index(self, build: bool = True) -> FacetIndex | None:
        """The in-memory coded facet columns (built on first use; a few hundred ms at a million rows)."""
        if self._index_state == "new" and build:
            with self._index_lock:
                if self._index_state == "new":
                    from gsi_explorer.data.facet_index import FacetIndex

                    self._facet_index = FacetIndex.build(self._numpy, self._search_rows)
                    self._index_state = "ready" if self._facet_index is not None else "unavailable"
        return self._facet_index

    def forget_filters(self) -> None:
        """Forget per-filter masks, so the next call for any filters computes afresh (benchmarks time cold changes)."""
        if self._facet_index is not None:
            self._facet_index.forget_filters()

    def _search_rows(self, terms: tuple[str, ...]):
        where = " AND ".join(["TRUE", *("contains(i.search_text, ?)" for _ in terms)])
        return self._numpy(f"SELECT i.rowid AS r FROM interactions i WHERE {where}", terms)["r"]

    def _masks(self, index: FacetIndex, filters: Filters):
        for name, _ in filters.selections:
            if name not in FACET_TYPES:
                raise FilterError(f"unknown facet {name!r}; facets are: {', '.join(FACETS)}")
        date_from = _date_bound(filters.date_from, False) if filters.date_from else None
        date_to = _date_bound(filters.date_to, True) if filters.date_to else None
        return index.masks(filters, search_terms(filters.search), date_from, date_to)

    def facet_counts(self, facet_name: str, filters: Filters, order: str = "count", limit: int | None = None,
                     unit: str = "interaction") -> list[FacetValue]:
        """Counts of each value of `facet_name` with every OTHER facet's selection (and search/dates) applied."""
        f = facet(facet_name)
        index = self._index() if unit == "interaction" else None
        if index is not None:
            pairs = index.facet_counts(facet_name, self._masks(index, filters))
            rows = sorted(pairs, key=(lambda p: (-p[1], p[0])) if order == "count" else (lambda p: p[0]))
        else:
            where, params = where_clause(filters, exclude=facet_name)
            count = "count(DISTINCT i.event_no)" if unit == "event" else "count(*)"
            sql = f.counts_sql(where, count)
            order_sql = "n DESC, value" if order == "count" else "value"
            _, rows = self._run(f"SELECT value, n FROM ({sql}) ORDER BY {order_sql}", params)
        selected = filters.selected(facet_name)
        out = [FacetValue(v, int(n), v in selected) for v, n in rows]
        if limit is not None:
            out = out[:limit]
        present = {v.value for v in out}
        missing = [FacetValue(v, 0, True) for v in sorted(selected) if v not in present]
        return missing + out if order == "count" else sorted(out + missing, key=lambda v: v.value)

    def count(self, filters: Filters, unit: str = "interaction", build_index: bool = True) -> int:
        index = self._index(build=build_index)
        if index is not None:
            return index.count(self._masks(index, filters), unit)
        where, params = where_clause(filters)
        if unit == "event" and where == "TRUE":
            return int(self._run("SELECT count(*) FROM events")[1][0][0])
        expr = "count(DISTINCT i.event_no)" if unit == "event" else "count(*)"
        return int(self._run(f"SELECT {expr} FROM interactions i WHERE {where}", params)[1][0][0])

    # -- pages

    def _order_by(self, view: View) -> str:
        unit = view.unit
        terms = []
        for col, desc in view.sort:
            col = SORT_ALIASES[unit].get(col, col)
            if col not in SORTABLE[unit]:
                continue
            expr = CONFIDENCE_RANK.format(c=col) if col == "confidence" else f'"{col}"'
            terms.append(f"{expr} {'DESC' if desc else 'ASC'} NULLS LAST")
        terms.append("source_line ASC" if unit == "interaction" else "event_no ASC")  # unique, cheap tie-breaker
        return ", ".join(terms)

    def _select(self, view: View, paged: bool = False) -> tuple[str, list, list[str]]:
        if view.unit not in UNITS:
            raise FilterError(f"unit {view.unit!r} — use one of: {', '.join(UNITS)}")
        where, params = where_clause(view.filters)
        if view.unit == "interaction":
            cols = list(INTERACTION_COLUMNS)
            sql = f"SELECT {', '.join(cols)} FROM interactions i WHERE {where} ORDER BY {self._order_by(view)}"
            if paged:  # sort row numbers only, then fetch the page's columns: 5x faster at a million rows
                order = self._order_by(view)
                sql = (f"SELECT {', '.join(cols)} FROM interactions WHERE source_line IN (SELECT source_line "
                       f"FROM interactions i WHERE {where} ORDER BY {order} LIMIT ? OFFSET ?) ORDER BY {order}")
        else:
            cols = list(EVENT_COLUMNS)
            inner = (f"SELECT i.event_no, count(*) AS n_matched FROM interactions i WHERE {where} "
                     f"GROUP BY i.event_no")
            sql = (f"SELECT {', '.join(cols)} FROM (SELECT e.*, m.n_matched FROM events e JOIN ({inner}) m "
                   f"USING (event_no)) ORDER BY {self._order_by(view)}")
        return sql, params, cols

    def page(self, view: View, offset: int, limit: int) -> Page:
        if view.unit == "event" and not any(SORT_ALIASES["event"].get(c, c) == "n_matched" for c, _ in view.sort):
            return self._event_page(view, offset, limit)
        if view.unit == "interaction":
            sql, params, cols = self._select(view, paged=True)
        else:
            sql, params, cols = self._select(view)
            sql += " LIMIT ? OFFSET ?"
        _, rows = self._run(sql, [*params, int(limit), int(offset)])
        return Page(cols, rows, self._total(view.filters, view.unit), offset)

    def _total(self, filters: Filters, unit: str) -> int:
        # a page does not wait for the facet index to be built (the first screen paints sooner); once it exists
        # the total costs microseconds
        return self.count(filters, unit, build_index=False)

    def _event_page(self, view: View, offset: int, limit: int) -> Page:
        """Events page without joining every event: pick the page's events, then count matches for those only."""
        where, params = where_clause(view.filters)
        cols = list(EVENT_COLUMNS)
        plain = ", ".join("NULL AS n_matched" if c == "n_matched" else c for c in cols)
        order = self._order_by(view)
        chosen = "" if where == "TRUE" else f"WHERE event_no IN (SELECT i.event_no FROM interactions i WHERE {where})"
        sql = (f"SELECT event_no, {plain} FROM events WHERE event_no IN (SELECT event_no FROM events {chosen} "
               f"ORDER BY {order} LIMIT ? OFFSET ?) ORDER BY {order}")
        _, rows = self._run(sql, [*params, int(limit), int(offset)])
        numbers = [r[0] for r in rows]
        matched: dict[int, int] = {}
        if numbers and where != "TRUE":
            _, counts = self._run(f"SELECT i.event_no, count(*) FROM interactions i WHERE {where} AND i.event_no IN "
                                  f"(SELECT unnest(?::INTEGER[])) GROUP BY 1", [*params, numbers])
            matched = dict(counts)
        pos_n, pos_m = cols.index("n_interactions") + 1, cols.index("n_matched") + 1
        out = []
        for r in rows:
            r = list(r)
            r[pos_m] = matched.get(r[0], 0) if where != "TRUE" else r[pos_n]
            out.append(tuple(r[1:]))
        return Page(cols, out, self._total(view.filters, "event"), offset)

    def export(self, view: View, path: Path, fmt: str) -> int:
        """Write the whole filtered, sorted view (all CSV columns for interactions) to CSV or Parquet."""
        import duckdb

        if fmt not in ("csv", "parquet"):
            raise FilterError(f"export format {fmt!r} — use csv or parquet")
        path = Path(path)
        if view.unit == "interaction":
            where, params = where_clause(view.filters)
            hidden = "search_text, is_bilateral, topic_list, topic_facet, event_no"
            sql = (f"SELECT * EXCLUDE ({hidden}) FROM interactions i WHERE {where} "
                   f"ORDER BY {self._order_by(view)}")
        else:
            sql, params, _ = self._select(view)
        option = "(FORMAT csv, HEADER true)" if fmt == "csv" else "(FORMAT parquet)"
        tmp = path.with_name(f".{path.name}.part")
        # written to a hidden part file, renamed when complete: a failed export leaves no half file behind
        cur = self._con.cursor()
        try:
            n = cur.execute(f"SELECT count(*) FROM ({sql})", params).fetchone()[0]
            cur.execute(f"COPY ({sql}) TO '{_sql_str(str(tmp))}' {option}", params)
            tmp.replace(path)
        except (duckdb.Error, OSError) as exc:
            if tmp.exists():
                tmp.unlink()
            raise GsiError(f"{path}: export failed ({str(exc).splitlines()[0]}) — choose a writable location") \
                from None
        finally:
            cur.close()
        return int(n)

    # -- detail

    def detail(self, row_id: str) -> Detail:
        """An interaction (id with '/') or an event (event_key): every field, the event's rows, the counterpart's."""
        brief = ("interaction_id, event_key, date, cn_official, counterpart, counterpart_name, format, host_event, "
                 "place, summary, source_url")
        if "/" in row_id:
            recs = self._rows("SELECT * EXCLUDE (search_text, topic_facet) FROM interactions_full "
                              "WHERE interaction_id = ?", [row_id])
            if not recs:
                raise RowNotFound(f"no interaction with id {row_id!r}")
            rec = recs[0]
            same_event = self._rows(f"SELECT {brief} FROM interactions WHERE event_key = ? AND interaction_id <> ? "
                                    f"ORDER BY counterpart, interaction_id", [rec["event_key"], row_id])
            same_cp = self._rows(f"SELECT {brief} FROM interactions WHERE counterpart = ? AND event_key <> ? "
                                 f"ORDER BY date DESC NULLS LAST, interaction_id", [rec["counterpart"],
                                                                                    rec["event_key"]])
        else:
            recs = self._rows("SELECT * FROM events_full WHERE event_key = ?", [row_id])
            if not recs:
                raise RowNotFound(f"no event with key {row_id!r}")
            rec = recs[0]
            same_event = self._rows(f"SELECT {brief} FROM interactions WHERE event_key = ? "
                                    f"ORDER BY counterpart, interaction_id", [row_id])
            same_cp = self._rows(f"SELECT {brief} FROM interactions WHERE event_key <> ? AND counterpart IN "
                                 f"(SELECT counterpart FROM interactions WHERE event_key = ?) "
                                 f"ORDER BY date DESC NULLS LAST, interaction_id", [row_id, row_id])
            rec["sources"] = self._rows("SELECT DISTINCT role, url, publisher, source_date FROM sources "
                                        "WHERE event_key = ? ORDER BY role DESC, url", [row_id])
        if "sources" not in rec:
            rec["sources"] = self._rows("SELECT role, url, publisher, source_date FROM sources "
                                        "WHERE interaction_id = ? ORDER BY role DESC, url", [row_id])
        return Detail(rec, same_event, same_cp)

    # -- charts and paper figures

    def series(self, name: str, filters: Filters) -> Series:
        from gsi_explorer.data import series as series_mod

        return series_mod.build(self, name, filters)

    def stats(self, date_from: str | None = "2022-06-01", date_to: str | None = "2025-07-31",
              include_low: bool = True) -> list[dict]:
        from gsi_explorer.data import stats as stats_mod

        return stats_mod.compute(self, date_from, date_to, include_low)

    # -- SQL console

    def _sql_connection(self):
        """A private in-memory instance that attaches the file read-only, then locks itself down."""
        import duckdb

        with self._lock:
            if self._sql_con is None:
                con = duckdb.connect(":memory:", config={"autoinstall_known_extensions": False,
                                                         "autoload_known_extensions": False})
                con.execute(f"ATTACH '{_sql_str(str(self.db_path))}' AS gsi (READ_ONLY)")
                con.execute("USE gsi")
                con.execute("SET enable_external_access = false")
                con.execute("SET lock_configuration = true")
                self._sql_con = con
            return self._sql_con

    def sql(self, query: str, limit: int = 1000) -> SqlResult:
        """Run one or more read-only statements; the last one's rows are returned (at most `limit`)."""
        import duckdb

        con = self._sql_connection()
        try:
            statements = con.extract_statements(query)
        except duckdb.Error as exc:
            raise SqlError(f"SQL error: {str(exc).strip()}") from None
        if not statements:
            raise ReadOnlyError("no SQL statement given — e.g. SELECT * FROM interactions LIMIT 10")
        for st in statements:
            kind = st.type.name
            if kind not in READ_STATEMENTS:
                word = (st.query.split() or [kind])[0].upper()  # DuckDB files INSTALL under LOAD: name what was typed
                word = word if word.isalpha() else kind
                raise ReadOnlyError(f"{word} statements are refused: the database is read-only here (only SELECT, "
                                    f"WITH … SELECT, DESCRIBE, SHOW, EXPLAIN run) — to change data, edit the CSVs "
                                    f"and run `gsi-explorer build`")
        with self._lock:
            cur = con.cursor()
            self._running.add(cur)
        cur.execute("USE gsi")  # a cursor starts in the in-memory catalog
        try:
            for st in statements[:-1]:
                cur.execute(st)
            cur.execute(statements[-1])
            cols = [d[0] for d in cur.description] if cur.description else []
            rows = cur.fetchmany(limit + 1)
        except duckdb.InterruptException:
            raise SqlError("query cancelled") from None
        except duckdb.PermissionException as exc:
            raise ReadOnlyError(f"refused: {str(exc).splitlines()[0]} — the SQL console cannot read or write "
                                f"files") from None
        except duckdb.Error as exc:
            raise SqlError(f"SQL error: {str(exc).strip()}") from None
        finally:
            with self._lock:
                self._running.discard(cur)
            cur.close()
        return SqlResult(cols, rows[:limit], len(rows) > limit)

    def interrupt(self) -> None:
        """Cancel whatever query is running (SQL console, facet refresh) from another thread."""
        with self._lock:
            running = list(self._running)
        for cur in running:
            try:
                cur.interrupt()
            except Exception:
                pass

    # -- for question routing and the readout index

    def vocabulary(self) -> dict[str, dict[str, list[str]]]:
        from gsi_explorer.data import vocabulary

        return vocabulary.build(self)

    def events_for_corpus(self) -> list[dict]:
        """One dict per event with its fields and all its interactions, for readout passages."""
        events = self._rows("SELECT * FROM events_full ORDER BY date NULLS LAST, event_key")
        inter = self._rows("SELECT * EXCLUDE (search_text, topic_facet) FROM interactions_full "
                           "ORDER BY event_key, counterpart, interaction_id")
        by_event: dict[str, list[dict]] = {}
        for row in inter:
            by_event.setdefault(row["event_key"], []).append(row)
        for ev in events:
            ev["interactions"] = by_event.get(ev["event_key"], [])
        return events


def _sql_str(text: str) -> str:
    return text.replace("'", "''")
