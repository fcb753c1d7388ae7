"""Reference tables: generated (not hand-edited) country codes, the paper's regions, full coverage of events.csv."""

from __future__ import annotations

import csv

from gsi_explorer import paths
from gsi_explorer.data import load, make_countries

DATA = paths.shipped_data_dir()


def _read(name):
    with (DATA / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_countries_csv_is_what_the_generator_writes(tmp_path):
    out = tmp_path / "countries.csv"
    assert make_countries.main(out) == 0
    assert out.read_text(encoding="utf-8") == (DATA / "countries.csv").read_text(encoding="utf-8")


def test_paper_regions():
    rows = {r["name"]: r for r in _read("countries.csv")}
    sea = {n for n, r in rows.items() if r["region"] == "Southeast Asia"}
    assert sea == {"Brunei", "Cambodia", "Indonesia", "Laos", "Malaysia", "Myanmar", "Philippines", "Singapore",
                   "Thailand", "Vietnam", "Timor-Leste"}
    assert {n for n, r in rows.items() if r["region"] == "Central Asia"} == {
        "Kazakhstan", "Kyrgyzstan", "Tajikistan", "Turkmenistan", "Uzbekistan"}
    for n in ("Ethiopia", "Tanzania", "Burundi", "Sudan", "Kenya"):
        assert (rows[n]["region"], rows[n]["subregion"]) == ("Africa", "East Africa")
    for n in ("Solomon Islands", "Fiji", "Kiribati", "Papua New Guinea", "Vanuatu", "Tonga", "Samoa"):
        assert rows[n]["region"] == "Pacific Islands"
    assert rows["Russia"]["iso3"] == "RUS" and rows["DR Congo"]["iso3"] == "COD"
    orgs = [r for r in rows.values() if r["kind"] == "organisation"]
    assert orgs and all(r["region"] == "International organisation" and not r["iso3"] for r in orgs)


def test_every_value_in_events_resolves(tmp_path):
    report = load.build(None, tmp_path / "gsi.duckdb")
    kinds = {w.problem for w in report.warnings}
    assert not [k for k in kinds if "officials.csv" in k or "forums.csv" in k or "alias" in k
                or "organisation" in k], kinds
    import duckdb

    con = duckdb.connect(str(tmp_path / "gsi.duckdb"), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM interactions WHERE region IS NULL").fetchone()[0] == 0
        assert con.execute("SELECT count(*) FROM interactions WHERE counterpart_kind = 'country' "
                           "AND iso3 IS NULL").fetchone()[0] == 0
        missing = con.execute("SELECT DISTINCT host_country FROM interactions WHERE host_country IS NOT NULL "
                              "AND host_country NOT IN (SELECT name FROM countries)").fetchall()
        assert missing == []
    finally:
        con.close()


def test_officials_and_forums_tables():
    officials = {r["name"]: r for r in _read("officials.csv")}
    assert officials["Wang Xiaohong"]["name_zh"] == "王小洪"
    assert officials["Chen Wenqing"]["agency"] == "CPLC"
    forums = {r["host_event"]: r for r in _read("forums.csv")}
    assert forums["GPSCFL 2024"]["acronym"] == "GPSCFL" and forums["GPSCFL 2024"]["level"] == "global"
    assert forums["China-PIC Police Ministerial Dialogue 2024"]["region"] == "Pacific Islands"
