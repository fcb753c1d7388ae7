"""Validation and atomic build on small CSVs written by the tests: every bad input is named by file, line and field,
and the database built before stays byte-for-byte intact."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import duckdb
import pytest

from gsi_explorer.data import load
from gsi_explorer.data.load import ValidationError
from tests.data import sample
from tests.data.sample import ROWS, row, to_csv


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture()
def good_db(tmp_path):
    """A database built from the good sample; returns (db path, its hash)."""
    db = tmp_path / "db" / "gsi.duckdb"
    load.build(sample.write(tmp_path / "good"), db)
    return db, _digest(db)


def test_good_sample_builds_with_expected_tables(tmp_path):
    db = tmp_path / "gsi.duckdb"
    report = load.build(sample.write(tmp_path / "d"), db)
    assert report.counts["interactions"] == 9
    assert report.counts["events"] == 7
    con = duckdb.connect(str(db), read_only=True)
    try:
        cols = [r[0] for r in con.execute("DESCRIBE interactions").fetchall()]
        for c in sample.COLUMNS:
            assert c in cols
        for c in ("interaction_id", "year", "month", "region", "subregion", "iso3", "topic_list"):
            assert c in cols
        assert con.execute("SELECT iso3, region FROM interactions WHERE counterpart = 'Vietnam'").fetchone() == (
            "VNM", "Southeast Asia")
        assert con.execute("SELECT n_interactions, n_counterparts, cn_lead FROM events "
                           "WHERE event_key = '2024-09-10-sco-meeting'").fetchone() == (3, 3, "Wang Xiaohong")
        assert con.execute("SELECT region FROM interactions WHERE counterpart = 'SCO RATS'").fetchone()[0] == \
            "International organisation"
        assert con.execute("SELECT month, year FROM interactions WHERE event_key LIKE 'undated-%'").fetchone() == (
            None, None)
        assert con.execute("SELECT topic_list FROM interactions WHERE counterpart = 'Vietnam'").fetchone()[0] == [
            "telecom fraud", "online gambling"]
        info = dict(con.execute("SELECT key, value FROM build_info").fetchall())
        assert info["sha256:events.csv"] == _digest(tmp_path / "d" / "events.csv")
    finally:
        con.close()
    assert not [p for p in db.parent.iterdir() if p.name.startswith(".")], "temp files left behind"


def test_bom_crlf_and_aliases_are_accepted(tmp_path):
    rows = [*ROWS[:2], row(event_key="2023-04-01-wang-xiaohong-viet-nam", date="2023-04-01",
                           counterpart_country="Viet Nam")]
    text = to_csv(rows, newline="\r\n")
    folder = sample.write(tmp_path / "d", raw=b"\xef\xbb\xbf" + text.encode("utf-8"))
    report = load.build(folder, tmp_path / "gsi.duckdb")
    assert report.counts["interactions"] == 3
    assert any("alias of 'Vietnam'" in str(w) for w in report.warnings)
    con = duckdb.connect(str(tmp_path / "gsi.duckdb"), read_only=True)
    assert con.execute("SELECT count(*) FROM interactions WHERE iso3 = 'VNM'").fetchone()[0] == 2
    con.close()


def test_warnings_do_not_stop_the_build(tmp_path):
    long = " ".join(["word"] * 45)
    rows = [row(event_key="2023-03-01-wang-xiaohong-vietnam", date="2023-03-01", counterpart_country="Vietnam",
                summary=long, topics="", notes="bell\x07 and \x1b[31mred")]
    report = load.build(sample.write(tmp_path / "d", rows), tmp_path / "gsi.duckdb")
    text = "\n".join(map(str, report.warnings))
    assert "summary: warning: 45 words, at most 40" in text
    assert "topics: warning: no topics" in text
    assert "notes: warning: contains control characters" in text
    assert "\x1b" not in text  # messages themselves never carry raw escapes


def _set(index: int, **kw) -> list[dict]:
    rows = [dict(r) for r in ROWS]
    rows[index].update(kw)
    return rows


HEADER = ",".join(sample.COLUMNS)
GOOD_LINE = to_csv(ROWS[:1]).splitlines()[1]

# (case id, how to write events.csv, expected message fragments)
BAD_CASES = [
    ("empty-file", dict(text=""), ["events.csv:1: -: file is empty"]),
    ("header-only", dict(text=HEADER + "\n"), ["header only, no data rows"]),
    ("non-utf8", dict(raw=(HEADER + "\n" + GOOD_LINE + "\n").encode() + "Caf\xe9,x\n".encode("latin-1")),
     ["events.csv:3: byte 4: not UTF-8 text (0xe9)", "save the file as UTF-8"]),
    ("nul-byte", dict(raw=(HEADER + "\n" + GOOD_LINE + "\x00\n").encode()), ["events.csv:2:", "NUL byte"]),
    ("broken-quoting", dict(text=HEADER + "\n" + GOOD_LINE + '\n"2023-01-01-x,"unclosed\n'),
     ["events.csv:3: -: broken quoting", "double quotes"]),
    ("wrong-column-count", dict(text=HEADER + "\n" + GOOD_LINE + ",extra\n"),
     ["events.csv:2: -: row has 24 fields, header has 23", "quote fields that contain commas"]),
    ("missing-column", dict(text=to_csv(ROWS, header=tuple(c for c in sample.COLUMNS if c != "confidence"))),
     ["events.csv:1: confidence: missing column"]),
    ("unknown-column", dict(text=to_csv(ROWS, header=(*sample.COLUMNS, "colour"))),
     ["events.csv:1: colour: unknown column"]),
    ("duplicate-column", dict(text=to_csv(ROWS, header=(*sample.COLUMNS, "notes"))),
     ["events.csv:1: notes: duplicate column"]),
    ("impossible-date", dict(rows=_set(0, date="2023-02-30", event_key="2023-02-30-wang-xiaohong-vietnam")),
     ["events.csv:2: date: no such calendar day (2023-02-30)"]),
    ("date-format", dict(rows=_set(0, date="01/03/2023")), ["events.csv:2: date: not YYYY-MM-DD (01/03/2023)"]),
    ("month-precision-day", dict(rows=_set(5, date="2023-05-15")),
     ["events.csv:7: date: month precision but not the 1st (2023-05-15) — write 2023-05-01"]),
    ("blank-date-without-prefix", dict(rows=_set(0, date="", date_precision="")),
     ["events.csv:2: date: blank", "start the event_key with 'undated-'"]),
    ("precision-on-undated", dict(rows=_set(6, date_precision="day")),
     ["events.csv:8: date_precision: set for an undated row"]),
    ("bad-agency", dict(rows=_set(0, cn_agency="Police")),
     ["events.csv:2: cn_agency: not an allowed value (Police) — use one of: MPS, MSS, CPLC"]),
    ("rank-spelling", dict(rows=_set(0, cn_rank="Vice Minister")),
     ["events.csv:2: cn_rank: not an allowed value (Vice Minister) — write 'vice-minister'"]),
    ("bad-format", dict(rows=_set(0, format="trilateral")), ["events.csv:2: format: not an allowed value"]),
    ("bad-mode", dict(rows=_set(0, mode="phone")), ["events.csv:2: mode: not an allowed value (phone)"]),
    ("bad-confidence", dict(rows=_set(0, confidence="certain")), ["events.csv:2: confidence: not an allowed value"]),
    ("unknown-country", dict(rows=_set(0, counterpart_country="Narnia")),
     ["events.csv:2: counterpart_country: unknown country (Narnia)", "countries.csv"]),
    ("unknown-host-country", dict(rows=_set(1, host_country="Atlantis")),
     ["events.csv:3: host_country: unknown country (Atlantis)"]),
    ("url-without-scheme", dict(rows=_set(0, source_url="www.xinhuanet.com/a.htm")),
     ["events.csv:2: source_url: not a usable URL: no http(s):// scheme (www.xinhuanet.com/a.htm)", "https://"]),
    ("url-ftp", dict(rows=_set(0, source_url="ftp://example.org/x")), ["scheme 'ftp' is not http(s)"]),
    ("same-key-different-date", dict(rows=_set(3, date="2024-09-11")),
     ["events.csv:5: date: differs from line 4 of the same event_key (2024-09-10)", "one event has one date"]),
    ("same-key-different-format", dict(rows=_set(4, format="sideline-bilateral")),
     ["events.csv:6: format: differs from line 4"]),
    ("topic-not-in-vocabulary", dict(rows=_set(0, topics="telecom fraud; cyber stuff")),
     ["events.csv:2: topics: topic not in the 29-term vocabulary (cyber stuff)"]),
    ("too-many-topics", dict(rows=_set(0, topics="; ".join(sample.vocab_topics()[:8]))),
     ["events.csv:2: topics: 8 topics, at most 7"]),
    ("country-and-org", dict(rows=_set(0, counterpart_org="Interpol")),
     ["events.csv:2: counterpart_org: both a country and an organisation"]),
    ("no-counterpart", dict(rows=_set(0, counterpart_country="")),
     ["events.csv:2: counterpart_country: no counterpart"]),
    ("multilateral-without-host", dict(rows=_set(1, format="multilateral", host_event="")),
     ["events.csv:3: host_event: blank for a multilateral row"]),
    ("duplicate-interaction", dict(rows=[*ROWS, ROWS[0]]),
     ["events.csv:11: event_key: same event and counterpart as line 2"]),
    ("bad-event-key", dict(rows=_set(0, event_key="2023-03-01 Wang/Vietnam")),
     ["events.csv:2: event_key: not a lower-case slug"]),
    ("undated-prefix-on-dated", dict(rows=_set(0, event_key="undated-wang-xiaohong-vietnam")),
     ["events.csv:2: event_key: undated- prefix on a dated row"]),
    ("bad-source-date", dict(rows=_set(0, source_date="yesterday")), ["events.csv:2: source_date: not a valid"]),
    ("10mb-summary", dict(rows=_set(1, summary="fraud " * 2_000_000)),
     ["events.csv:3: summary: 11,999,999 characters, at most 100,000 (fraud fraud", "at most 40 words"]),
    ("unclosed-quote-to-eof",
     dict(text=HEADER + "\n" + GOOD_LINE + '\n2023-01-01-x,"2023-01-01,day\n' + GOOD_LINE + "\n"),
     ["events.csv:3: -: broken quoting (unexpected end of data)"]),
]


def test_bad_cases_are_many_and_distinct():
    assert len({c[0] for c in BAD_CASES}) >= 15


@pytest.mark.parametrize("case,write,expected", BAD_CASES, ids=[c[0] for c in BAD_CASES])
def test_bad_input_is_reported_and_previous_db_kept(tmp_path, good_db, case, write, expected):
    db, before = good_db
    folder = sample.write(tmp_path / "bad", **write)
    with pytest.raises(ValidationError) as info:
        load.build(folder, db)
    message = str(info.value)
    for fragment in expected:
        assert fragment in message, f"{case}: {fragment!r} not in:\n{message}"
    assert _digest(db) == before, "the previous database was modified"
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT count(*) FROM interactions").fetchone()[0] == 9
    con.close()
    assert sorted(p.name for p in db.parent.iterdir()) == ["gsi.duckdb"], "temp files left behind"


def test_all_problems_reported_at_once(tmp_path):
    rows = _set(0, cn_agency="Police")
    rows[2]["counterpart_country"] = "Narnia"
    rows[7]["source_url"] = "example.org"
    with pytest.raises(ValidationError) as info:
        load.build(sample.write(tmp_path / "d", rows), tmp_path / "gsi.duckdb")
    lines = str(info.value).splitlines()
    assert len(lines) == 3
    assert [ln.split(":")[1] for ln in lines] == ["2", "4", "9"]
    assert not (tmp_path / "gsi.duckdb").exists()


def test_missing_events_file_and_folder(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(ValidationError, match="events.csv:0: -: file not found"):
        load.build(tmp_path / "empty", tmp_path / "gsi.duckdb")
    with pytest.raises(ValidationError, match="data folder not found"):
        load.build(tmp_path / "nowhere", tmp_path / "gsi.duckdb")


def test_user_reference_table_is_validated_and_used(tmp_path):
    folder = sample.write(tmp_path / "d")
    (folder / "officials.csv").write_text("name,name_zh,agency,rank,title,aliases\nWang Xiaohong,,Police,minister,,\n",
                                          encoding="utf-8")
    with pytest.raises(ValidationError, match=r"officials.csv:2: agency: not an allowed value \(Police\)"):
        load.build(folder, tmp_path / "gsi.duckdb")
    (folder / "officials.csv").write_text("name,name_zh,agency,rank,title,aliases\nWang Xiaohong,王,MPS,minister,,\n",
                                          encoding="utf-8")
    report = load.build(folder, tmp_path / "gsi.duckdb")
    assert report.counts["officials"] == 1
    assert any("Chen Wenqing" in str(w) and "not in officials.csv" in str(w) for w in report.warnings)


def test_ensure_built_rebuilds_only_when_a_csv_changes(tmp_path):
    from gsi_explorer.config import load_settings

    folder = sample.write(tmp_path / "d")
    db = tmp_path / "cache" / "gsi.duckdb"
    settings = load_settings(tmp_path / "none.toml", {"paths": {"db": db, "data": folder}})
    assert load.status(db, folder)[0] == "missing"
    load.ensure_built(settings)
    first = _digest(db)
    mtime = db.stat().st_mtime_ns
    assert load.status(db, folder)[0] == "fresh"
    load.ensure_built(settings)
    assert db.stat().st_mtime_ns == mtime, "rebuilt although nothing changed"
    sample.write(folder, ROWS[:4])
    assert load.status(db, folder)[0] == "stale"
    load.ensure_built(settings)
    assert _digest(db) != first
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT count(*) FROM interactions").fetchone()[0] == 4
    con.close()


def test_corrupt_database_is_detected_and_rebuilt(tmp_path):
    from gsi_explorer.config import load_settings

    folder = sample.write(tmp_path / "d")
    db = tmp_path / "gsi.duckdb"
    db.write_bytes(b"not a database at all" * 100)
    state, reason = load.status(db, folder)
    assert state == "corrupt" and str(db) in reason
    load.ensure_built(load_settings(tmp_path / "none.toml", {"paths": {"db": db, "data": folder}}))
    assert load.status(db, folder)[0] == "fresh"


def test_failed_write_keeps_previous_db(tmp_path, good_db, monkeypatch):
    db, before = good_db

    def boom(*a, **k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(load.BuildError, match="No space left on device"):
        load.build(sample.write(tmp_path / "d"), db)
    assert _digest(db) == before
    assert sorted(p.name for p in db.parent.iterdir()) == ["gsi.duckdb"]


def test_shipped_data_validates_without_errors(tmp_path):
    report = load.build(None, tmp_path / "gsi.duckdb")
    assert report.counts["interactions"] == 296
    assert report.counts["events"] == 213
    assert all(w.severity == "warning" for w in report.warnings)


def test_leftovers_of_a_killed_build_are_removed(tmp_path, good_db):
    db, before = good_db
    dead = 2 ** 22 + 12345  # above the default pid_max, so no such process
    junk = [db.with_name(f".gsi.duckdb.{dead}.building"), db.with_name(f".gsi.duckdb.{dead}.building.wal")]
    for j in junk:
        j.write_bytes(b"half a database")
    stage = db.parent / f".gsi-stage-{dead}-abc"
    stage.mkdir()
    (stage / "events.csv").write_text("x", encoding="utf-8")
    alive = db.with_name(f".gsi.duckdb.{os.getpid()}.building.other")  # not ours to touch
    alive.write_bytes(b"x")
    load.build(sample.write(tmp_path / "d"), db)
    assert sorted(p.name for p in db.parent.iterdir()) == sorted(["gsi.duckdb", alive.name])


def test_concurrent_readers_while_rebuilding(tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    from gsi_explorer.data.query import EventStore, Filters

    db = tmp_path / "gsi.duckdb"
    folder = sample.write(tmp_path / "d")
    load.build(folder, db)
    store = EventStore.open(db)
    try:
        with ThreadPoolExecutor(4) as pool:
            counts = list(pool.map(lambda _: store.count(Filters()), range(40)))
        load.build(folder, db)  # replacing the file does not disturb an open store
        assert set(counts) == {9} and store.count(Filters()) == 9
    finally:
        store.close()


def test_ensure_built_can_keep_the_previous_database(tmp_path):
    from gsi_explorer.config import load_settings

    folder = sample.write(tmp_path / "d")
    db = tmp_path / "gsi.duckdb"
    settings = load_settings(tmp_path / "none.toml", {"paths": {"db": db, "data": folder}})
    load.ensure_built(settings)
    before = _digest(db)
    sample.write(folder, _set(0, date="2023-02-30"))
    with pytest.raises(ValidationError):
        load.ensure_built(settings)
    seen = []
    assert load.ensure_built(settings, on_stale_error=seen.append) == db
    assert len(seen) == 1 and "2023-02-30" in str(seen[0])
    assert _digest(db) == before
    db.unlink()  # with no previous database there is nothing to fall back to
    with pytest.raises(ValidationError):
        load.ensure_built(settings, on_stale_error=seen.append)


@pytest.mark.parametrize("damage", ["truncated", "zeroed-start", "empty"])
def test_damaged_database_is_corrupt_and_refused(tmp_path, good_db, damage):
    from gsi_explorer.data.query import EventStore, NotBuiltError

    db, _ = good_db
    raw = db.read_bytes()
    db.write_bytes({"truncated": raw[: len(raw) // 2], "zeroed-start": b"\0" * 8192 + raw[8192:],
                    "empty": b""}[damage])
    state, reason = load.status(db, tmp_path / "good")
    assert state == "corrupt" and str(db) in reason
    with pytest.raises(NotBuiltError, match="gsi-explorer build --force"):
        EventStore.open(db)
