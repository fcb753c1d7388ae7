"""EventStore over the real shipped data: facet counts, pages, sorting, search, details, export, vocabulary —
each checked against SQL written independently in the test."""

from __future__ import annotations

import csv
import threading
import time

import duckdb
import pytest

from gsi_explorer.data.facets import NONE
from gsi_explorer.data.query import (FACETS, SERIES, Filters, ReadOnlyError, RowNotFound, SqlError, View,
                                     ViewSpecError)


@pytest.fixture(scope="module")
def con(db_path):
    c = duckdb.connect(str(db_path), read_only=True)
    yield c
    c.close()


def q1(con, sql, params=()):
    return con.execute(sql, list(params)).fetchone()[0]


def test_totals(store, con):
    assert store.count(Filters()) == 296 == q1(con, "SELECT count(*) FROM interactions")
    assert store.count(Filters(), unit="event") == 213


def test_facet_counts_match_sql_without_selection(store, con):
    expected = dict(con.execute("SELECT cn_agency, count(*) FROM interactions GROUP BY 1").fetchall())
    got = {v.value: v.count for v in store.facet_counts("agency", Filters())}
    assert got == expected
    years = dict(con.execute("SELECT coalesce(CAST(year AS VARCHAR), ?), count(*) FROM interactions GROUP BY 1",
                             [NONE]).fetchall())
    assert {v.value: v.count for v in store.facet_counts("year", Filters())} == years
    assert years[NONE] == 5


def test_facet_counts_apply_other_facets_only(store, con):
    f = Filters().with_values("agency", ["MPS"]).with_values("region", ["Southeast Asia", "Central Asia"])
    # agency counts ignore the agency selection but respect the region selection
    expected = dict(con.execute("SELECT cn_agency, count(*) FROM interactions WHERE region IN "
                                "('Southeast Asia', 'Central Asia') GROUP BY 1").fetchall())
    agency = store.facet_counts("agency", f)
    assert {v.value: v.count for v in agency} == expected
    assert [v.value for v in agency if v.selected] == ["MPS"]
    # region counts respect the agency selection only
    expected_r = dict(con.execute("SELECT region, count(*) FROM interactions WHERE cn_agency = 'MPS' "
                                  "GROUP BY 1").fetchall())
    assert {v.value: v.count for v in store.facet_counts("region", f)} == expected_r
    # and the total is the AND of both
    assert store.count(f) == q1(con, "SELECT count(*) FROM interactions WHERE cn_agency = 'MPS' AND region IN "
                                     "('Southeast Asia', 'Central Asia')")


def test_topic_facet_counts_each_topic(store, con):
    expected = dict(con.execute("SELECT t, count(*) FROM (SELECT unnest(topic_list) t FROM interactions) "
                                "GROUP BY 1").fetchall())
    got = {v.value: v.count for v in store.facet_counts("topic", Filters())}
    assert got.pop(NONE) == q1(con, "SELECT count(*) FROM interactions WHERE len(topic_list) = 0")
    assert got == expected
    assert "telecom fraud; online gambling" not in got
    f = Filters().with_values("topic", ["telecom fraud", "online gambling"])
    assert store.count(f) == q1(con, "SELECT count(*) FROM interactions WHERE list_has_any(topic_list, "
                                     "['telecom fraud', 'online gambling'])")


def test_every_facet_counts_sum_to_total_for_scalar_facets(store):
    for name in FACETS:
        values = store.facet_counts(name, Filters())
        assert values, name
        if name != "topic":
            assert sum(v.count for v in values) == 296, name


def test_facet_order_limit_and_selected_zero(store):
    by_count = store.facet_counts("country", Filters())
    assert [v.count for v in by_count] == sorted((v.count for v in by_count), reverse=True)
    az = store.facet_counts("country", Filters(), order="value")
    assert [v.value for v in az] == sorted(v.value for v in az)
    assert len(store.facet_counts("country", Filters(), limit=5)) == 5
    f = Filters().with_values("agency", ["MSS"]).with_values("country", ["Tonga"])
    tonga = [v for v in store.facet_counts("country", f) if v.value == "Tonga"]
    assert tonga and tonga[0].selected
    cnt = store.facet_counts("agency", f)
    assert [v for v in cnt if v.value == "MSS"][0].count == 0  # Tonga never met MSS, still listed as selected


def test_none_value_selects_blanks(store, con):
    f = Filters().with_values("official", [NONE])
    assert store.count(f) == q1(con, "SELECT count(*) FROM interactions WHERE cn_official IS NULL") == 22


def test_filters_are_canonical_and_hashable():
    a = Filters().toggle("country", "Vietnam").toggle("agency", "MPS")
    b = Filters().toggle("agency", "MPS").toggle("country", "Vietnam")
    assert a == b and hash(a) == hash(b)
    assert a.toggle("country", "Vietnam").selected("country") == frozenset()
    assert a.clear("agency").selected("agency") == frozenset()
    assert a.clear() == Filters()
    with pytest.raises(KeyError):
        Filters().toggle("colour", "red")


def test_search_dates_and_injection(store, con):
    f = Filters(search="telecom fraud")
    expected = q1(con, "SELECT count(*) FROM interactions WHERE search_text ILIKE '%telecom%' "
                       "AND search_text ILIKE '%fraud%'")
    assert store.count(f) == expected > 0
    assert store.count(Filters(search='"telecom fraud"')) == q1(
        con, "SELECT count(*) FROM interactions WHERE search_text ILIKE '%telecom fraud%'")
    assert store.count(Filters(search="'; DROP TABLE interactions; --")) == 0
    assert store.count(Filters(search="100%")) == 0
    assert store.count(Filters(search="王小洪")) == q1(con, "SELECT count(*) FROM interactions "
                                                         "WHERE cn_official = 'Wang Xiaohong'")
    w = Filters(date_from="2022-06-01", date_to="2025-07-31")
    assert store.count(w) == 252
    assert store.count(w, unit="event") == 181
    assert store.count(Filters(date_from="2024", date_to="2024")) == q1(
        con, "SELECT count(*) FROM interactions WHERE year = 2024")
    assert store.count(Filters(date_from="2024-02", date_to="2024-02")) == q1(
        con, "SELECT count(*) FROM interactions WHERE month = '2024-02'")


def test_page_sort_is_over_the_whole_filtered_set(store, con):
    view = View(Filters().with_values("agency", ["MPS"]), sort=(("counterpart", False), ("date", True)))
    page = store.page(view, offset=40, limit=10)
    assert page.columns[0] == "interaction_id"
    expected = [r[0] for r in con.execute(
        "SELECT interaction_id FROM interactions WHERE cn_agency = 'MPS' "
        "ORDER BY counterpart ASC NULLS LAST, date DESC NULLS LAST, source_line LIMIT 10 OFFSET 40").fetchall()]
    assert [r[0] for r in page.rows] == expected
    assert page.total == 232 and page.offset == 40
    ids = [r[0] for r in store.page(View(), 0, 1000).rows]
    assert len(ids) == len(set(ids)) == 296


def test_event_page_one_row_per_event(store, con):
    view = View(Filters().with_values("country", ["Russia"]), unit="event", sort=(("n_interactions", True),))
    page = store.page(view, 0, 100)
    assert page.columns[0] == "event_key"
    assert page.total == len(page.rows) == q1(con, "SELECT count(DISTINCT event_key) FROM interactions "
                                                   "WHERE counterpart = 'Russia'")
    n_int = page.columns.index("n_interactions")
    assert [r[n_int] for r in page.rows] == sorted((r[n_int] for r in page.rows), reverse=True)
    matched = page.columns.index("n_matched")
    assert all(r[matched] == 1 for r in page.rows)


def test_unknown_sort_column_is_ignored_not_injected(store):
    view = View(sort=(("date; DROP TABLE interactions", True),))
    assert store.page(view, 0, 5).total == 296


def test_view_spec_round_trip():
    views = [
        View(),
        View(Filters().with_values("country", ["Vietnam", "Laos"]).with_values("topic", ["telecom fraud"]),
             unit="event", sort=(("counterpart", False), ("date", True))),
        View(Filters(search='Wang & "fraud" = 100%', date_from="2023", date_to="2024-06-30")
             .with_values("host_event", ["China-Russia Law Enforcement and Security Cooperation Mechanism (8th)"])),
    ]
    for v in views:
        spec = v.to_spec()
        assert "\n" not in spec and len(spec) < 300
        assert View.from_spec(spec) == v
    assert View.from_spec("unit=event&country=Vietnam&sort=-date").filters.selected("country") == {"Vietnam"}


@pytest.mark.parametrize("spec,fragment", [
    ("unit=decade", "unit 'decade'"),
    ("colour=red", "unknown key 'colour'"),
    ("sort=-shoe_size", "cannot sort by 'shoe_size'"),
    ("from=yesterday", "date 'yesterday' is not a date"),
    ("%%%garbage", "not readable"),
    ("just some words", "not readable"),
])
def test_view_spec_garbage_is_rejected(spec, fragment):
    with pytest.raises(ViewSpecError, match=fragment.replace("(", r"\(")):
        View.from_spec(spec)


def test_detail_of_interaction_and_event(store, con):
    iid = "2024-09-10-china-central-asia-public-security-ministerial-2024/kazakhstan"
    d = store.detail(iid)
    assert d.record["counterpart"] == "Kazakhstan" and d.record["iso3"] == "KAZ"
    assert d.record["cn_official_zh"] == "王小洪"
    assert {r["counterpart"] for r in d.same_event} == {"Kyrgyzstan", "Tajikistan", "Turkmenistan", "Uzbekistan"}
    assert len(d.same_counterpart) == q1(con, "SELECT count(*) FROM interactions WHERE counterpart = 'Kazakhstan' "
                                              "AND event_key <> ?", [d.record["event_key"]])
    assert d.record["sources"][0]["role"] == "primary"
    e = store.detail(d.record["event_key"])
    assert e.record["n_interactions"] == 5 and len(e.same_event) == 5
    assert e.record["forum_acronym"] == "C+C5"
    with pytest.raises(RowNotFound):
        store.detail("no-such-event")


def test_series_honour_filters(store, con):
    for name in SERIES:
        s = store.series(name, Filters())
        assert s.labels and s.values, name
    pm = store.series("per_month", Filters().with_values("agency", ["CPLC"]))
    assert set(pm.values) == {"CPLC"}
    assert sum(pm.values["CPLC"]) == q1(con, "SELECT count(*) FROM interactions WHERE cn_agency = 'CPLC' "
                                             "AND month IS NOT NULL")
    br = store.series("bilateral_by_region", Filters())
    sea = br.labels.index("Southeast Asia")
    assert br.values["standalone"][sea] + br.values["sideline"][sea] == q1(
        con, "SELECT count(*) FROM interactions WHERE is_bilateral AND region = 'Southeast Asia'")


def test_export_csv_and_parquet(store, con, tmp_path):
    view = View(Filters().with_values("agency", ["CPLC"]))
    n = store.export(view, tmp_path / "out.csv", "csv")
    assert n == 54
    with (tmp_path / "out.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 54 and {r["cn_agency"] for r in rows} == {"CPLC"}
    assert "summary" in rows[0] and "search_text" not in rows[0]
    n = store.export(View(unit="event"), tmp_path / "ev.parquet", "parquet")
    assert n == 213 == q1(con, f"SELECT count(*) FROM read_parquet('{tmp_path / 'ev.parquet'}')")


@pytest.mark.parametrize("query,fragment", [
    ("INSERT INTO interactions SELECT * FROM interactions", "INSERT statements are refused"),
    ("UPDATE interactions SET city = 'x'", "UPDATE statements are refused"),
    ("DELETE FROM interactions", "DELETE statements are refused"),
    ("CREATE TABLE x AS SELECT 1", "CREATE statements are refused"),
    ("DROP TABLE interactions", "DROP statements are refused"),
    ("COPY interactions TO '/tmp/gsi-leak.csv'", "COPY statements are refused"),
    ("ATTACH '/tmp/other.duckdb' AS o", "ATTACH statements are refused"),
    ("INSTALL httpfs", "INSTALL statements are refused"),
    ("LOAD httpfs", "LOAD statements are refused"),
    ("SET threads = 1", "SET statements are refused"),
    ("SELECT 1; DELETE FROM interactions", "DELETE statements are refused"),
    ("SELECT * FROM read_csv('/etc/hostname')", "cannot read or write files"),
])
def test_sql_refuses_writes_and_file_access(store, query, fragment):
    with pytest.raises(ReadOnlyError, match=fragment):
        store.sql(query)
    assert store.count(Filters()) == 296


def test_sql_reads_and_limits(store):
    r = store.sql("SELECT cn_agency, count(*) AS n FROM interactions GROUP BY 1 ORDER BY n DESC")
    assert r.columns == ["cn_agency", "n"] and r.rows[0] == ("MPS", 232) and not r.truncated
    r = store.sql("SELECT * FROM interactions", limit=10)
    assert len(r.rows) == 10 and r.truncated
    assert store.sql("DESCRIBE events").rows
    with pytest.raises(SqlError, match="syntax error"):
        store.sql("SELEC 1")


def test_interrupt_cancels_a_long_query(store):
    errors = []

    def run():
        try:
            store.sql("SELECT count(*) FROM range(100000000000) a, range(1000) b WHERE a.range * b.range = -1")
        except SqlError as exc:
            errors.append(str(exc))

    t = threading.Thread(target=run)
    t.start()
    deadline = time.time() + 10
    while t.is_alive() and time.time() < deadline:
        time.sleep(0.2)
        store.interrupt()
    t.join(10)
    assert not t.is_alive()
    assert errors and "cancelled" in errors[0]


def test_vocabulary_for_question_routing(store):
    voc = store.vocabulary()
    assert "Russian" in voc["country"]["Russia"]
    assert "Viet Nam" in voc["country"]["Vietnam"]
    assert "PICs" in voc["region"]["Pacific Islands"]
    assert "Pacific Island Countries" in voc["region"]["Pacific Islands"]
    assert "ministerial" in voc["rank"]["minister"]
    assert "sideline" in voc["format"]["sideline-bilateral"]
    assert "GPSCFL" in voc["host_event"]["GPSCFL 2024"]
    assert "王小洪" in voc["official"]["Wang Xiaohong"]
    assert "Interpol" in voc["country"]
    assert "Narnia" not in voc["country"] and "Germany" not in voc["country"]  # only values present in the data
    # no aliases that are everyday words or bare ISO codes ("tell us", "a ton of")
    assert "US" not in voc["country"]["United States"] and "U.S." in voc["country"]["United States"]
    assert "TON" not in voc["country"]["Tonga"] and "RUS" not in voc["country"]["Russia"]


def test_events_for_corpus(store):
    events = store.events_for_corpus()
    assert len(events) == 213
    assert sum(len(e["interactions"]) for e in events) == 296
    e = next(e for e in events if e["event_key"] == "2024-09-08-wang-xiaohong-serbia")
    assert e["interactions"][0]["summary"] and e["interactions"][0]["source_url"].startswith("http")
    assert e["date"].isoformat() == "2024-09-08"


@pytest.mark.parametrize("filters", [Filters(), Filters().with_values("region", ["Central Asia"]),
                                     Filters(search="fraud", date_from="2024")])
def test_event_page_agrees_with_a_full_join(store, con, filters):
    from gsi_explorer.data.query import where_clause

    view = View(filters, unit="event", sort=(("counterparts", False),))
    fast = store.page(view, 3, 25)
    by_matched = store.page(View(filters, unit="event", sort=(("n_matched", True), ("counterparts", False))), 0, 500)
    where, params = where_clause(filters)
    expected = con.execute(
        f"SELECT e.event_key, m.n FROM events e JOIN (SELECT i.event_no, count(*) n FROM interactions i WHERE {where} "
        f"GROUP BY 1) m USING (event_no) ORDER BY e.counterparts NULLS LAST, e.event_no LIMIT 25 OFFSET 3",
        params).fetchall()
    k, m = fast.columns.index("event_key"), fast.columns.index("n_matched")
    assert [(r[k], r[m]) for r in fast.rows] == expected
    assert fast.total == by_matched.total == len(by_matched.rows)
    assert {r[k]: r[m] for r in by_matched.rows}.items() >= set(expected)


# ---------------------------------------------------------------- facet counts against SQL written here

# facet -> how this test reads the facet's value from `interactions` (independent of the store's registry)
FACET_SQL = {"country": "counterpart", "region": "region", "official": "cn_official", "agency": "cn_agency",
             "rank": "cn_rank", "format": "format", "host_event": "host_event", "year": "CAST(year AS VARCHAR)",
             "month": "month", "mode": "mode", "confidence": "confidence"}


def _quote(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _independent_where(filters: Filters, skip: str | None = None) -> str:
    parts = ["TRUE"]
    for term in filters.search.split():
        parts.append(f"search_text ILIKE {_quote('%' + term.lower() + '%')}")
    if filters.date_from:
        parts.append(f"date >= DATE {_quote(filters.date_from)}")
    if filters.date_to:
        parts.append(f"date <= DATE {_quote(filters.date_to)}")
    for name, values in filters.selections:
        if name == skip:
            continue
        real = [v for v in values if v != NONE]
        ors = []
        if name == "topic":
            ors += [f"list_contains(topic_list, {_quote(v)})" for v in real]
            if NONE in values:
                ors.append("len(topic_list) = 0")
        else:
            if real:
                ors.append(f"{FACET_SQL[name]} IN ({', '.join(map(_quote, real))})")
            if NONE in values:
                ors.append(f"{FACET_SQL[name]} IS NULL")
        parts.append("(" + " OR ".join(ors) + ")")
    return " AND ".join(parts)


def _independent_counts(con, name: str, filters: Filters) -> dict[str, int]:
    where = _independent_where(filters, skip=name)
    if name == "topic":
        got = dict(con.execute(f"SELECT t, count(*) FROM (SELECT unnest(topic_list) AS t FROM interactions "
                               f"WHERE {where}) GROUP BY 1").fetchall())
        untagged = q1(con, f"SELECT count(*) FROM interactions WHERE {where} AND len(topic_list) = 0")
        return got | ({NONE: untagged} if untagged else {})
    return dict(con.execute(f"SELECT coalesce({FACET_SQL[name]}, ?), count(*) FROM interactions WHERE {where} "
                            f"GROUP BY 1", [NONE]).fetchall())


def _random_filters(con, seed: int, n: int) -> list[Filters]:
    import random

    rng = random.Random(seed)
    values = {name: [r[0] for r in con.execute(f"SELECT DISTINCT coalesce({expr}, ?) FROM interactions ORDER BY 1",
                                               [NONE]).fetchall()] for name, expr in FACET_SQL.items()}
    values["topic"] = [NONE] + [r[0] for r in con.execute(
        "SELECT DISTINCT unnest(topic_list) FROM interactions ORDER BY 1").fetchall()]
    out = []
    for _ in range(n):
        f = Filters()
        for name in rng.sample(sorted(values), rng.randint(1, 3)):
            f = f.with_values(name, rng.sample(values[name], min(len(values[name]), rng.randint(1, 3))))
        if rng.random() < 0.3:
            f = f.with_search(rng.choice(["fraud", "security police", "wang", "zzzz"]))
        if rng.random() < 0.3:
            f = f.with_dates(rng.choice([None, "2023-01-01", "2024-03-15"]), rng.choice([None, "2024-12-31"]))
        out.append(f)
    return out


def test_every_facet_equals_independent_sql_under_random_selections(store, con):
    for f in _random_filters(con, seed=7, n=60):
        for name in FACETS:
            got = {v.value: v.count for v in store.facet_counts(name, f, limit=None) if v.count}
            assert got == _independent_counts(con, name, f), (name, f)
        assert store.count(f) == q1(con, f"SELECT count(*) FROM interactions WHERE {_independent_where(f)}"), f
        assert store.count(f, unit="event") == q1(
            con, f"SELECT count(DISTINCT event_key) FROM interactions WHERE {_independent_where(f)}"), f


def test_topic_and_none_selections(store, con):
    both = Filters().with_values("topic", [NONE, "telecom fraud"])
    assert store.count(both) == q1(con, "SELECT count(*) FROM interactions WHERE len(topic_list) = 0 "
                                        "OR list_contains(topic_list, 'telecom fraud')") > 0
    untagged = Filters().with_values("topic", [NONE]).with_values("agency", ["MPS"])
    topics = {v.value: v.count for v in store.facet_counts("topic", untagged)}
    assert topics == _independent_counts(con, "topic", untagged)
    agencies = {v.value: v.count for v in store.facet_counts("agency", untagged)}
    assert agencies == dict(con.execute("SELECT cn_agency, count(*) FROM interactions WHERE len(topic_list) = 0 "
                                        "GROUP BY 1").fetchall())
    blank_year = Filters().with_values("year", [NONE, "2024"])
    assert store.count(blank_year) == q1(con, "SELECT count(*) FROM interactions WHERE year IS NULL OR year = 2024")
    assert store.count(Filters().with_values("topic", ["no such topic"])) == 0


def test_counts_are_the_same_from_many_threads(store, con):
    cases = _random_filters(con, seed=11, n=8)
    expected = [[(v.value, v.count) for v in store.facet_counts("country", f)] + [store.count(f, "event")]
                for f in cases]
    store.forget_filters()
    results, errors = {}, []

    def work(k: int) -> None:
        try:
            for i, f in enumerate(cases[k % 2::2]):
                i = k % 2 + 2 * i
                results[(k, i)] = ([(v.value, v.count) for v in store.facet_counts("country", f)]
                                   + [store.count(f, "event")])
        except Exception as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(results) == 16 and all(r == expected[i] for (_, i), r in results.items())


def test_unknown_facet_in_selection_is_a_filter_error(store):
    from gsi_explorer.data.query import FilterError

    bad = Filters(selections=(("colour", ("red",)),))
    with pytest.raises(FilterError, match="colour"):
        store.count(bad)
    with pytest.raises(FilterError, match="colour"):
        store.facet_counts("agency", bad)
    with pytest.raises(FilterError, match="not a date"):
        store.count(Filters(date_from="soon"))


def test_rows_deleted_from_a_database_still_count_right(db_path, tmp_path):
    """A database edited by hand (row ids with gaps) is still counted exactly."""
    import shutil

    from gsi_explorer.data.query import EventStore

    copy = tmp_path / "edited.duckdb"
    shutil.copyfile(db_path, copy)
    with duckdb.connect(str(copy)) as c:
        c.execute("DELETE FROM interactions WHERE source_line % 5 = 0")
    with duckdb.connect(str(copy), read_only=True) as c, EventStore.open(copy) as s:
        for f in _random_filters(c, seed=3, n=15):
            for name in ("country", "topic", "year"):
                got = {v.value: v.count for v in s.facet_counts(name, f) if v.count}
                assert got == _independent_counts(c, name, f), (name, f)
            assert s.count(f) == q1(c, f"SELECT count(*) FROM interactions WHERE {_independent_where(f)}")
