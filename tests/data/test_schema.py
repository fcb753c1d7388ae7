"""Tables and views of the built database, checked against the CSV read independently with the csv module."""

from __future__ import annotations

import csv
import re
from collections import Counter

import duckdb
import pytest

from gsi_explorer import paths


@pytest.fixture(scope="module")
def con(db_path):
    c = duckdb.connect(str(db_path), read_only=True)
    yield c
    c.close()


@pytest.fixture(scope="module")
def csv_rows():
    with (paths.shipped_data_dir() / "events.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_interactions_keep_every_csv_value(con, csv_rows):
    rows = con.execute("SELECT * FROM interactions ORDER BY source_line").fetchall()
    cols = [d[0] for d in con.description]
    assert len(rows) == len(csv_rows)
    for db_row, src in zip(rows, csv_rows):
        rec = dict(zip(cols, db_row))
        for col, value in src.items():
            got = rec[col]
            got = "" if got is None else (got.isoformat() if hasattr(got, "isoformat") else str(got))
            assert got == value, (src["event_key"], col)


def test_interaction_ids_are_unique_and_stable(con):
    ids = [r[0] for r in con.execute("SELECT interaction_id FROM interactions").fetchall()]
    assert len(ids) == len(set(ids))
    assert "2024-09-08-wang-xiaohong-serbia/serbia" in ids


def test_events_table_one_row_per_key(con, csv_rows):
    per_key = Counter(r["event_key"] for r in csv_rows)
    got = dict(con.execute("SELECT event_key, n_interactions FROM events").fetchall())
    assert got == dict(per_key)
    undated = "SELECT count(*) FROM events WHERE event_key LIKE 'undated-%' AND date IS NULL"
    assert con.execute(undated).fetchone()[0] == 5


def test_views(con, csv_rows):
    assert con.execute("SELECT count(*) FROM interactions_full").fetchone()[0] == 296
    assert con.execute("SELECT count(*) FROM bilaterals").fetchone()[0] == 185
    assert con.execute("SELECT cn_official_zh FROM interactions_full WHERE cn_official = 'Chen Wenqing' "
                       "LIMIT 1").fetchone()[0] == "陈文清"
    assert con.execute("SELECT forum_acronym FROM events_full WHERE host_event = 'GPSCFL 2023'").fetchone()[0] == \
        "GPSCFL"
    russia = con.execute("SELECT interactions, bilateral, multilateral FROM by_country "
                         "WHERE counterpart = 'Russia'").fetchone()
    ru = [r for r in csv_rows if r["counterpart_country"] == "Russia"]
    assert russia == (len(ru), sum(r["format"] != "multilateral" for r in ru),
                      sum(r["format"] == "multilateral" for r in ru))
    wang = con.execute("SELECT interactions, events FROM by_official WHERE cn_official = 'Wang Xiaohong'").fetchone()
    assert wang == (sum(r["cn_official"] == "Wang Xiaohong" for r in csv_rows),
                    len({r["event_key"] for r in csv_rows if r["cn_official"] == "Wang Xiaohong"}))
    assert con.execute("SELECT interactions FROM by_official WHERE cn_official = '(unnamed)'").fetchone()[0] == 22


def test_sources_hold_primary_and_also_urls(con, csv_rows):
    n_also = sum(len(re.findall(r"also: (https?://\S+)", r["notes"])) for r in csv_rows)
    primary = con.execute("SELECT count(*) FROM sources WHERE role = 'primary'").fetchone()[0]
    also = con.execute("SELECT count(*) FROM sources WHERE role = 'also'").fetchone()[0]
    assert primary == 296
    assert also >= n_also > 0
    assert con.execute("SELECT count(*) FROM sources WHERE url NOT LIKE 'http%'").fetchone()[0] == 0
