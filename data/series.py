"""Chart series for the paper's figures, computed over the current filters (all counting in DuckDB)."""

from __future__ import annotations

import datetime as dt

from gsi_explorer.data.query import SERIES, FilterError, Filters, Series, where_clause

LIANYUNGANG_EVENT = "GPSCFL 2024"
LIANYUNGANG_DAYS = 7  # days before the first and after the last GPSCFL 2024 meeting that count as "around" it
# An MPS meeting dated to the day inside that window (month-precision rows cannot be placed in the week).
AROUND_FORUM = "i.cn_agency = 'MPS' AND i.date_precision = 'day' AND i.date BETWEEN ? AND ?"


def build(store, name: str, filters: Filters) -> Series:
    if name not in SERIES:
        raise FilterError(f"unknown series {name!r} — series are: {', '.join(SERIES)}")
    return globals()[f"_{name}"](store, filters)


def _by_period(store, filters: Filters, period: str, name: str, title: str) -> Series:
    where, params = where_clause(filters)
    expr = "i.month" if period == "month" else "i.quarter"
    _, rows = store._run(f"SELECT {expr} AS p, i.cn_agency, count(*) FROM interactions i "
                         f"WHERE {where} AND {expr} IS NOT NULL GROUP BY ALL ORDER BY 1", params)
    labels = _period_range([r[0] for r in rows], period)
    agencies = sorted({r[1] for r in rows}, key=lambda a: (a != "MPS", a != "CPLC", a != "MSS", a))
    values = {a: [0.0] * len(labels) for a in agencies}
    pos = {p: k for k, p in enumerate(labels)}
    for p, agency, n in rows:
        values[agency][pos[p]] = float(n)
    _, undated = store._run(f"SELECT count(*) FILTER (WHERE i.month IS NULL) FROM interactions i WHERE {where}",
                            params)
    note = f"{undated[0][0]} interactions without a month are not shown" if undated[0][0] else ""
    return Series(name, title, "stacked", labels, values, note)


def _period_range(present: list[str], period: str) -> list[str]:
    """Every month (YYYY-MM) or quarter (YYYY-Qn) from the first to the last present, gaps included."""
    if not present:
        return []
    first, last = min(present), max(present)
    out = []
    if period == "month":
        y, m = int(first[:4]), int(first[5:7])
        while f"{y:04d}-{m:02d}" <= last:
            out.append(f"{y:04d}-{m:02d}")
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    else:
        y, q = int(first[:4]), int(first[-1])
        while f"{y:04d}-Q{q}" <= last:
            out.append(f"{y:04d}-Q{q}")
            y, q = (y + 1, 1) if q == 4 else (y, q + 1)
    return out


def _per_month(store, filters: Filters) -> Series:
    return _by_period(store, filters, "month", "per_month", "Interactions per month by agency (cf. paper Figure 1)")


def _per_quarter(store, filters: Filters) -> Series:
    return _by_period(store, filters, "quarter", "per_quarter",
                      "Interactions per quarter by agency (cf. paper Figure 1)")


def _bilateral_by_region(store, filters: Filters) -> Series:
    where, params = where_clause(filters)
    _, rows = store._run(
        f"SELECT coalesce(i.region, '(none)') AS region, count(*) FILTER (WHERE i.format = 'bilateral') AS a, "
        f"count(*) FILTER (WHERE i.format = 'sideline-bilateral') AS b FROM interactions i "
        f"WHERE {where} AND i.is_bilateral GROUP BY 1 ORDER BY a + b DESC, region", params)
    total = sum(r[1] + r[2] for r in rows)
    shares = ", ".join(f"{r[0]} {100 * (r[1] + r[2]) / total:.1f} %" for r in rows[:3]) if total else ""
    return Series("bilateral_by_region", "Bilateral and sideline-bilateral meetings by region (cf. paper Figure 9)",
                  "stacked", [r[0] for r in rows],
                  {"standalone": [float(r[1]) for r in rows], "sideline": [float(r[2]) for r in rows]},
                  f"{total} bilateral rows; largest shares: {shares}" if total else "no bilateral rows")


def _top_countries_by_official(store, filters: Filters, n_officials: int = 3, n_countries: int = 10) -> Series:
    where, params = where_clause(filters)
    _, officials = store._run(
        f"SELECT i.cn_official, count(*) FROM interactions i WHERE {where} AND i.cn_official IS NOT NULL "
        f"AND i.counterpart_kind = 'country' GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT ?", [*params, n_officials])
    names = [o[0] for o in officials]
    if not names:
        return Series("top_countries_by_official", "Countries met most often, by official (cf. paper Table 3)",
                      "table", [], {}, "no interactions with a named official")
    _, rows = store._run(
        f"SELECT i.counterpart, i.cn_official, count(DISTINCT i.event_key) FROM interactions i "
        f"WHERE {where} AND i.counterpart_kind = 'country' AND i.cn_official IN ({', '.join('?' * len(names))}) "
        f"GROUP BY ALL", [*params, *names])
    per: dict[str, dict[str, int]] = {}
    for country, official, n in rows:
        per.setdefault(country, {})[official] = n
    ranked = sorted(per, key=lambda c: (-max(per[c].values()), -sum(per[c].values()), c))[:n_countries]
    values = {o: [float(per[c].get(o, 0)) for c in ranked] for o in names}
    return Series("top_countries_by_official", "Countries met most often, by official (cf. paper Table 3)", "table",
                  ranked, values, "meetings (distinct events) per country for the most active officials")


def forum_window(store) -> tuple[dt.date, dt.date] | None:
    _, rows = store._run("SELECT min(date), max(date) FROM interactions WHERE host_event = ? "
                         "AND date_precision = 'day'", [LIANYUNGANG_EVENT])
    first, last = rows[0]
    if first is None:
        return None
    return first - dt.timedelta(days=LIANYUNGANG_DAYS), last + dt.timedelta(days=LIANYUNGANG_DAYS)


def _lianyungang_share_2024(store, filters: Filters) -> Series:
    window = forum_window(store)
    title = "Share of 2024 interactions around the Lianyungang forum (cf. paper Figure 6)"
    if window is None:
        return Series("lianyungang_share_2024", title, "bar", [], {}, f"no '{LIANYUNGANG_EVENT}' rows in the data")
    where, params = where_clause(filters)
    _, rows = store._run(
        f"SELECT count(*) FILTER (WHERE {AROUND_FORUM}), count(*) FROM interactions i "
        f"WHERE {where} AND i.year = 2024", [window[0], window[1], *params])
    around, total = rows[0]
    share = 100 * around / total if total else 0.0
    return Series("lianyungang_share_2024", title, "bar", ["MPS around GPSCFL 2024", "rest of 2024"],
                  {"interactions": [float(around), float(total - around)]},
                  f"{around} of {total} interactions in 2024 ({share:.1f} %) are MPS meetings dated {window[0]} … "
                  f"{window[1]} (GPSCFL 2024 meetings ± {LIANYUNGANG_DAYS} days; month-precision rows excluded)")
