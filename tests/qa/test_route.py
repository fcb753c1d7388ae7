"""Routing questions to the event tables: vocabulary from the database, numbers from DuckDB (checked by SQL here)."""

import pytest

from gsi_explorer.data.query import Filters
from gsi_explorer.index.route import TableQA, parse_dates


@pytest.fixture(scope="module")
def table(store):
    return TableQA(store)


def sql_one(store, query):
    return store.sql(query).rows[0][0]


def test_pics_ministerial_sideline(table, store):
    route = table.router.parse("which PICs got ministerial sideline meetings")
    assert route.is_table and route.intent == "list" and route.target == "country"
    assert dict(route.filters.selections) == {"region": ("Pacific Islands",), "rank": ("minister",),
                                               "format": ("sideline-bilateral",)}
    answer = table.run(route)
    expected = {r[0] for r in store.sql(
        "SELECT DISTINCT counterpart_country FROM interactions WHERE cn_rank='minister' AND format='sideline-bilateral' "
        "AND counterpart_country IN (SELECT name FROM countries WHERE region='Pacific Islands')").rows}
    assert {v for v, _ in answer.values} == expected and expected
    cited = [k for _, keys in answer.sentences for k in keys]
    assert cited and all(answer.records[k].url for k in cited)
    assert "region = Pacific Islands" in route.describe()


def test_demonym_and_official_count(table, store):
    route = table.router.parse("How many times did Chen Wenqing meet Russian officials?")
    assert route.intent == "count" and route.filters.selected("official") == {"Chen Wenqing"}
    answer = table.run(route)
    expected = sql_one(store, "SELECT count(*) FROM interactions WHERE cn_official='Chen Wenqing' AND counterpart_country='Russia'")
    assert answer.interactions == expected > 0
    assert f"{expected} interaction" in answer.sentences[0][0]


def test_paper_questions_do_not_go_to_the_tables(table):
    for q in ("According to the paper, how many bilateral meetings did Chinese security leaders hold with Russia?",
              "How many participants did the 2024 GPSCFL attract?", "What is the Global Security Initiative?",
              "Who was the first Chinese president of Interpol?"):
        assert not table.router.parse(q).is_table, q


def test_loose_forum_name_and_year(table):
    route = table.router.parse("Which countries got sideline meetings at the 2024 China-East Africa law enforcement dialogue?")
    assert route.filters.selected("host_event") == {"China-East Africa Law Enforcement Ministerial Dialogue 2024"}
    assert route.filters.selected("format") == {"sideline-bilateral"}


def test_widening_format_words_are_not_filters(table):
    route = table.router.parse("How many meetings with Russian officials, multilateral ones included, are recorded for 2023?")
    assert route.filters.selected("format") == frozenset() and route.filters.selected("year") == {"2023"}


def test_dates():
    assert parse_dates("between June 2022 and July 2025", [])[:2] == ("2022-06-01", "2025-07-31")
    assert parse_dates("since 2023", [])[0] == "2023-01-01"
    assert parse_dates("before 2024", [])[1] == "2023-12-31"
    assert parse_dates("in September 2024", [])[3] == ["2024-09"]


def test_view_restricts_the_query(table, store):
    view = Filters(selections=(("year", ("2024",)),))
    route = table.router.parse("How many times did Wang Xiaohong meet Russian officials?", view)
    answer = table.run(route)
    expected = sql_one(store, "SELECT count(*) FROM interactions WHERE cn_official='Wang Xiaohong' "
                       "AND counterpart_country='Russia' AND CAST(date AS VARCHAR) LIKE '2024%'")
    assert answer.interactions == expected
    assert "year = 2024" in route.describe()


def test_empty_list_is_marked(table):
    answer = table.run(table.router.parse("When did Chen Yixin meet Interpol President Al-Raisi?"))
    assert answer.empty and answer.interactions == 0
