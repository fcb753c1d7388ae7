"""The data commands as a user runs them: a real subprocess, real files, exit codes and messages."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.data import sample

ROOT = Path(__file__).resolve().parents[2]
EXE = [str(ROOT / ".venv" / "bin" / "gsi-explorer")] if (ROOT / ".venv/bin/gsi-explorer").exists() else \
    [sys.executable, "-m", "gsi_explorer"]


def run(*args: str, home: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "GSI_HOME": str(home)}
    return subprocess.run([*EXE, *args], capture_output=True, text=True, env=env, timeout=120)


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    h = tmp_path_factory.mktemp("cli-home")
    r = run("build", home=h)
    assert r.returncode == 0, r.stderr
    return h


def test_build_prints_counts_and_if_stale_skips(home):
    db = home / "gsi.duckdb"
    mtime = db.stat().st_mtime_ns
    r = run("build", "--if-stale", home=home)
    assert r.returncode == 0 and "up to date" in r.stdout
    assert db.stat().st_mtime_ns == mtime


def test_build_reports_counts(tmp_path):
    r = run("build", "--db", str(tmp_path / "x.duckdb"), home=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "296 interactions, 213 events" in r.stdout
    assert "5 warning(s)" in r.stderr


def test_sql_csv_and_json(home):
    r = run("sql", "SELECT cn_agency, count(*) AS n FROM interactions GROUP BY 1 ORDER BY 1", "--csv", home=home)
    assert r.returncode == 0, r.stderr
    assert list(csv.reader(io.StringIO(r.stdout))) == [["cn_agency", "n"], ["CPLC", "54"], ["MPS", "232"],
                                                       ["MSS", "10"]]
    r = run("sql", "SELECT count(*) AS n FROM events", "--json", home=home)
    assert json.loads(r.stdout) == [{"n": 213}]


@pytest.mark.parametrize("query", ["DELETE FROM interactions", "COPY interactions TO 'leak.csv'",
                                   "ATTACH 'x.duckdb'", "INSTALL httpfs"])
def test_sql_refuses_writes(home, query):
    r = run("sql", query, home=home)
    assert r.returncode == 2
    assert "refused" in r.stderr and "read-only" in r.stderr
    r = run("sql", "SELECT count(*) FROM interactions", "--csv", home=home)
    assert r.stdout.splitlines()[1] == "296"


def test_sql_error_is_a_message_not_a_traceback(home):
    r = run("sql", "SELECT * FROM nowhere", home=home)
    assert r.returncode == 2 and "Traceback" not in r.stderr and "nowhere" in r.stderr


def test_stats_json_and_table(home):
    r = run("stats", "--json", home=home)
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["window"] == ["2022-06-01", "2025-07-31"]
    figs = {f["id"]: f for f in data["figures"]}
    assert figs["interactions"]["ours"] == 252 and figs["interactions"]["paper"] == 321
    assert figs["interactions"]["ours_no_low"] < 252
    r = run("stats", "--from", "2024", "--to", "2024", "--json", home=home)
    assert json.loads(r.stdout)["figures"][0]["ours"] == 111
    r = run("stats", home=home)
    assert r.returncode == 0 and "¶17" in r.stdout and "321" in r.stdout and "w/o low" in r.stdout
    assert "We document 321 total interactions" in r.stdout
    r = run("stats", "--no-low", home=home)
    assert r.returncode == 0 and "211" in r.stdout and " 252 " not in r.stdout


def test_build_from_user_folder_and_bad_data(tmp_path):
    folder = sample.write(tmp_path / "mine")
    db = tmp_path / "mine.duckdb"
    r = run("build", "--data", str(folder), "--db", str(db), home=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "9 interactions" in r.stdout
    before = db.read_bytes()
    rows = [dict(x) for x in sample.ROWS]
    rows[0]["date"] = "2023-02-30"
    sample.write(folder, rows)
    r = run("build", "--data", str(folder), "--db", str(db), home=tmp_path)
    assert r.returncode == 2
    assert "events.csv:2: date: no such calendar day (2023-02-30)" in r.stderr
    assert "left unchanged" in r.stderr
    assert db.read_bytes() == before
    # a query still runs on the previous database, with a notice naming the problem
    r = run("sql", "SELECT count(*) FROM interactions", "--csv", "--data", str(folder), "--db", str(db),
            home=tmp_path)
    assert r.returncode == 0 and r.stdout.splitlines()[1] == "9"
    assert "previous database is used" in r.stderr and "2023-02-30" in r.stderr
    assert db.read_bytes() == before


def test_help_on_every_data_command(home):
    for cmd in ("build", "sql", "stats"):
        r = run(cmd, "--help", home=home)
        assert r.returncode == 0 and "--db" in r.stdout
