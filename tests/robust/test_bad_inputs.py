"""A catalogue of bad input, one case each: the user gets a message naming the file/line/field and the fix, and
nothing already stored changes (the database keeps its bytes and counts, ingested documents and the index
fingerprint stay as they were, the SQL console never writes)."""

from __future__ import annotations

import csv
import io
import random
import shutil
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest

from gsi_explorer.cli import main as cli_main
from tests.robust.helpers import copy_data, db_counts, read_events, sha256, terminal_output, write_events

# ====================================================================== event CSVs


def _target_first(rows: list[dict]) -> list[dict]:
    """A dated, day-precision bilateral row with a country goes first, so it sits on line 2."""
    i = next(i for i, r in enumerate(rows) if r["date"] and r["date_precision"] == "day" and r["format"] == "bilateral"
             and r["counterpart_country"] and not r["counterpart_org"])
    return [rows[i], *rows[:i], *rows[i + 1:]]


def _edit_row(changes: dict[str, str], *expect: str) -> Callable[[Path], list[str]]:
    """Change fields of the row on line 2; the message must name events.csv:2 and say `expect`."""

    def mutate(folder: Path) -> list[str]:
        header, rows = read_events(folder)
        rows = _target_first(rows)
        rows[0].update(changes)
        write_events(folder, header, rows)
        return ["events.csv:2:", *expect]

    return mutate


def _fields(keep: int) -> Callable[[str], str]:
    """Keep only the first `keep` fields of a (single-line) record."""

    def edit(line: str) -> str:
        fields = next(csv.reader([line]))[:keep]
        buf = io.StringIO()
        csv.writer(buf, lineterminator="").writerow(fields)
        return buf.getvalue()

    return edit


def _raw(edit: Callable[[str], str], expect: list[str]) -> Callable[[Path], list[str]]:
    def mutate(folder: Path) -> list[str]:
        header, rows = read_events(folder)
        write_events(folder, header, _target_first(rows))
        path = folder / "events.csv"
        path.write_bytes(edit(path.read_text(encoding="utf-8")).encode("utf-8"))
        return expect

    return mutate


def _raw_bytes(make: Callable[[bytes], bytes], expect: list[str]) -> Callable[[Path], list[str]]:
    def mutate(folder: Path) -> list[str]:
        header, rows = read_events(folder)
        write_events(folder, header, _target_first(rows))
        path = folder / "events.csv"
        path.write_bytes(make(path.read_bytes()))
        return expect

    return mutate


def _line(n: int, edit: Callable[[str], str]) -> Callable[[str], str]:
    def apply(text: str) -> str:
        lines = text.split("\n")
        lines[n - 1] = edit(lines[n - 1])
        return "\n".join(lines)

    return apply


def _duplicate_key_other_date(folder: Path) -> list[str]:
    header, rows = read_events(folder)
    rows = _target_first(rows)
    twin = dict(rows[0])
    twin["counterpart_country"] = "France" if rows[0]["counterpart_country"] != "France" else "Germany"
    twin["counterpart_name"] = "Someone Else"
    day = rows[0]["date"]
    twin["date"] = day[:8] + ("02" if day[8:] != "02" else "03")
    rows.append(twin)
    lines = write_events(folder, header, rows)
    return [f"events.csv:{lines[len(rows) - 1]}: date: differs from line 2", "own event_key"]


def _drop_column(name: str) -> Callable[[Path], list[str]]:
    def mutate(folder: Path) -> list[str]:
        header, rows = read_events(folder)
        write_events(folder, [h for h in header if h != name], rows)
        return [f"events.csv:1: {name}: missing column", f"add a '{name}' column"]

    return mutate


def _extra_column(folder: Path) -> list[str]:
    header, rows = read_events(folder)
    for r in rows:
        r["colour"] = "red"
    write_events(folder, [*header, "colour"], rows)
    return ["events.csv:1: colour: unknown column", "rename or remove it"]


def _duplicate_column(folder: Path) -> list[str]:
    header, rows = read_events(folder)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow([*header, "summary"])
    for r in rows:
        w.writerow([*(r[h] for h in header), r["summary"]])
    (folder / "events.csv").write_text(buf.getvalue(), encoding="utf-8")
    return ["events.csv:1: summary: duplicate column", "keep one column"]


def _remove(name: str, expect: list[str]) -> Callable[[Path], list[str]]:
    def mutate(folder: Path) -> list[str]:
        (folder / name).unlink()
        return expect

    return mutate


def _bad_countries_iso(folder: Path) -> list[str]:
    path = folder / "countries.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        header, rows = list(reader.fieldnames or []), list(reader)
    i = next(i for i, r in enumerate(rows) if r["kind"] == "country" and r["iso3"])
    rows[i]["iso3"] = "vn"
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, header, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    return [f"countries.csv:{i + 2}: iso3: not an ISO 3166 alpha-3 code (vn)", "three capital letters"]


def _junk(_: bytes) -> bytes:
    rnd = random.Random(5)
    return bytes(rnd.randrange(256) for _ in range(4096))


@dataclass(frozen=True)
class CsvCase:
    id: str
    mutate: Callable[[Path], list[str]]  # edits the --data copy; returns substrings the message must contain
    loads: bool = False  # True: a harmless variation the build must accept


FIX_QUOTES = "quote"
CSV_CASES = [
    CsvCase("unterminated-quote", _raw(_line(2, lambda s: '"' + s), ["events.csv:2:", "broken quoting", FIX_QUOTES])),
    CsvCase("quote-inside-field", _raw(_line(2, lambda s: s.replace(",", ',"ab"cd', 1)),
                                       ["events.csv:2:", "broken quoting", FIX_QUOTES])),
    CsvCase("extra-field", _raw(_line(2, lambda s: s + ",surplus"),
                                ["events.csv:2:", "row has 24 fields, header has 23", "add/remove fields"])),
    CsvCase("missing-fields", _raw(_line(2, _fields(20)),
                                   ["events.csv:2:", "row has 20 fields, header has 23"])),
    CsvCase("utf8-bom", _raw_bytes(lambda b: b"\xef\xbb\xbf" + b, []), loads=True),
    CsvCase("crlf-line-ends", _raw_bytes(lambda b: b.replace(b"\n", b"\r\n"), []), loads=True),
    CsvCase("bom-and-crlf", _raw_bytes(lambda b: b"\xef\xbb\xbf" + b.replace(b"\n", b"\r\n"), []), loads=True),
    CsvCase("carriage-return-inside-field", _edit_row({"counterpart_title": "Minister\rof Interior"}), loads=True),
    CsvCase("trailing-blank-lines", _raw_bytes(lambda b: b + b"\n\n\n", []), loads=True),
    CsvCase("empty-file", _raw_bytes(lambda b: b"", ["events.csv:1:", "file is empty", "write the header line"])),
    CsvCase("whitespace-only", _raw_bytes(lambda b: b"  \n\n\t\n", ["events.csv:1:", "file is empty"])),
    CsvCase("header-only", _raw_bytes(lambda b: b.split(b"\n", 1)[0] + b"\n",
                                      ["events.csv:1:", "header only, no data rows", "add at least one row"])),
    CsvCase("duplicate-event-key-other-date", _duplicate_key_other_date),
    CsvCase("unknown-country", _edit_row({"counterpart_country": "Atlantis"},
                                         "counterpart_country: unknown country (Atlantis)", "countries.csv")),
    CsvCase("impossible-date", _edit_row({"date": "2023-02-30"}, "date: no such calendar day (2023-02-30)",
                                         "YYYY-MM-DD")),
    CsvCase("date-not-iso", _edit_row({"date": "30/01/2023"}, "date: not YYYY-MM-DD (30/01/2023)")),
    CsvCase("url-without-scheme", _edit_row({"source_url": "www.mps.gov.cn/n2254314/n6409334/c8845560/content.html"},
                                            "source_url: not a usable URL: no http(s):// scheme", "https://")),
    CsvCase("url-javascript-scheme", _edit_row({"source_url": "javascript:alert(1)"},
                                               "source_url: not a usable URL: scheme 'javascript' is not http(s)")),
    CsvCase("url-with-spaces", _edit_row({"source_url": "https://example.org/a page.html"},
                                         "source_url: not a usable URL: contains spaces")),
    CsvCase("summary-10mb", _edit_row({"summary": "word " * 2_000_000}, "summary:", "characters", "shorten")),
    CsvCase("not-utf8", _raw_bytes(lambda b: b.replace("Vučić".encode(), "Vu\xe8i\xe6".encode("latin-1"), 1)
                                   if "Vučić".encode() in b else b + "x,\xe9\n".encode("latin-1"),
                                   ["events.csv:", "not UTF-8 text", "save the file as UTF-8"])),
    CsvCase("nul-byte", _raw(_line(2, lambda s: s.replace(",", ",\x00", 1)), ["events.csv:2:", "NUL byte"])),
    CsvCase("binary-junk", _raw_bytes(_junk, ["events.csv:"])),
    CsvCase("unknown-column", _extra_column),
    CsvCase("missing-url-column", _drop_column("source_url")),
    CsvCase("duplicate-column", _duplicate_column),
    CsvCase("agency-not-allowed", _edit_row({"cn_agency": "Police"}, "cn_agency: not an allowed value (Police)",
                                            "use one of: MPS")),
    CsvCase("rank-wrong-case", _edit_row({"cn_rank": "Vice Minister"}, "cn_rank: not an allowed value (Vice Minister)",
                                         "write 'vice-minister'")),
    CsvCase("blank-event-key", _edit_row({"event_key": ""}, "event_key: blank", "give every row an event_key")),
    CsvCase("event-key-not-slug", _edit_row({"event_key": "2023-01-01 Bad Key!"}, "event_key: not a lower-case slug")),
    CsvCase("country-and-org", _edit_row({"counterpart_org": "Interpol"},
                                         "counterpart_org: both a country and an organisation")),
    CsvCase("no-counterpart", _edit_row({"counterpart_country": "", "counterpart_org": ""},
                                        "counterpart_country: no counterpart")),
    CsvCase("unknown-topic", _edit_row({"topics": "weather; counternarcotics"}, "topics: topic not in the",
                                       "(weather)")),
    CsvCase("month-precision-not-first", _edit_row({"date": "2023-05-17", "date_precision": "month"},
                                                   "date: month precision but not the 1st", "write 2023-05-01")),
    CsvCase("bad-source-date", _edit_row({"source_date": "yesterday"}, "source_date: not a valid YYYY-MM-DD date")),
    CsvCase("data-folder-missing", lambda folder: (shutil.rmtree(folder), ["data folder not found", "--data"])[1]),
    CsvCase("events-csv-missing", _remove("events.csv", ["events.csv", "file not found"])),
    CsvCase("countries-bad-iso3", _bad_countries_iso),
]


@pytest.fixture
def scratch_db(db_path, tmp_path):
    """A private copy of the good database, its hash and counts before the case runs."""
    target = tmp_path / "db" / "gsi.duckdb"
    target.parent.mkdir()
    shutil.copyfile(db_path, target)
    return target, sha256(target), db_counts(target, tmp_path)


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id) for c in CSV_CASES])
def test_bad_csv(case: CsvCase, scratch_db, tmp_path, capsys):
    target, before_sha, before_counts = scratch_db
    folder = copy_data(tmp_path / "data")
    expect = case.mutate(folder)
    rc = cli_main(["build", "--data", str(folder), "--db", str(target)])
    out, err = capsys.readouterr()
    leftovers = [p.name for p in target.parent.iterdir() if p != target]
    assert not leftovers, f"build left files behind: {leftovers}"
    if case.loads:
        assert rc == 0, err
        assert db_counts(target, tmp_path) == before_counts
        return
    assert rc == 2, (out, err)
    assert "Traceback" not in err
    for piece in expect:
        assert piece in err, f"{piece!r} not in message:\n{err}"
    assert " — " in err  # every problem line carries its fix
    assert "left unchanged" in err
    assert sha256(target) == before_sha
    assert db_counts(target, tmp_path) == before_counts


# ====================================================================== ingest


def _blank_pdf(path: Path) -> None:
    from pypdf import PdfWriter

    w = PdfWriter()
    w.add_blank_page(width=200, height=200)
    with path.open("wb") as fh:
        w.write(fh)


INGEST_CASES = {
    "binary-junk-as-txt": ("junk.txt", lambda p: p.write_bytes(b"\x00\x01\x02\xff" * 1024), "binary data"),
    "empty-pdf": ("empty.pdf", lambda p: p.write_bytes(b""), "the file is empty"),
    "pdf-without-text": ("blank.pdf", _blank_pdf, "no extractable text"),
    "truncated-pdf": ("cut.pdf", lambda p: p.write_bytes(b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog"), "not a readable PDF"),
    "random-bytes-as-pdf": ("noise.pdf", lambda p: p.write_bytes(_junk(b"")), "not a readable PDF"),
    "html-only-scripts": ("scripts.html", lambda p: p.write_text(
        "<html><head><script>var a = 1; document.write('x');</script></head><body><script>track()</script>"
        "<noscript></noscript></body></html>", encoding="utf-8"), "no readable text in this HTML page"),
    "unsupported-type": ("notes.docx", lambda p: p.write_bytes(b"PK\x03\x04 not really"), "unsupported file type"),
    "missing-path": ("does-not-exist.txt", lambda p: None, "no such file"),
    "whitespace-only-txt": ("blank.txt", lambda p: p.write_text(" \n\n\t ", encoding="utf-8"), "the file is empty"),
}


@pytest.fixture
def ingest_home(tmp_path, monkeypatch):
    """A private GSI_HOME holding one good ingested document (never the suite's shared corpus)."""
    monkeypatch.setenv("GSI_HOME", str(tmp_path / "home"))
    good = tmp_path / "good.md"
    good.write_text("# Field notes\n\nThe ministers met in Vientiane on 12 March 2024 to discuss drug control.\n",
                    encoding="utf-8")
    assert cli_main(["ingest", "--no-index", str(good)]) == 0
    return tmp_path


@pytest.mark.parametrize("name", list(INGEST_CASES))
def test_bad_ingest(name, ingest_home, capsys):
    from gsi_explorer.index.ingest import list_documents, user_dir
    from gsi_explorer.index.sources import corpus_files_fingerprint

    capsys.readouterr()
    before_docs = [(d.doc_id, d.sha256, d.text_path.read_text(encoding="utf-8")) for d in list_documents()]
    before_fp = corpus_files_fingerprint()
    filename, make, expect = INGEST_CASES[name]
    path = ingest_home / "in" / filename
    path.parent.mkdir(exist_ok=True)
    make(path)
    rc = cli_main(["ingest", "--no-index", str(path)])
    out, err = capsys.readouterr()
    assert rc == 1
    line = next(ln for ln in out.splitlines() if filename in ln)
    assert line.startswith("skipped") and expect in line, out
    after = [(d.doc_id, d.sha256, d.text_path.read_text(encoding="utf-8")) for d in list_documents()]
    assert after == before_docs
    assert corpus_files_fingerprint() == before_fp  # the index stays fresh
    assert not [p.name for p in user_dir().iterdir() if p.name.startswith(".")]


def test_bad_ingest_folder_keeps_the_good_files(ingest_home, capsys):
    """One unreadable file in a folder is skipped; the readable ones still go in."""
    from gsi_explorer.index.ingest import list_documents

    folder = ingest_home / "mixed"
    folder.mkdir()
    (folder / "a.txt").write_text("Chen Wenqing visited Belgrade for talks on security cooperation.", encoding="utf-8")
    (folder / "b.pdf").write_bytes(b"%PDF-1.4 broken")
    (folder / "c.html").write_text("<script>x()</script>", encoding="utf-8")
    n = len(list_documents())
    rc = cli_main(["ingest", "--no-index", str(folder)])
    out = capsys.readouterr().out
    assert rc == 0
    assert "1 added or updated, 0 unchanged, 2 skipped" in out
    assert len(list_documents()) == n + 1


# ====================================================================== questions


def _batch(tmp: Path, data: bytes) -> str:
    path = tmp / "questions.txt"
    path.write_bytes(data)
    return str(path)


ASK_CASES = {
    "question-100k-chars": (lambda t: ["a" * 100_000], ["question is 100,000 characters", "limit is 2,000",
                                                        "shorter question"]),
    "question-empty": (lambda t: [""], ["no question", "ask \"QUESTION\""]),
    "question-only-control-chars": (lambda t: ["\x00\x07\x1b\x08 \t"], ["empty question", "type a question"]),
    "k-zero": (lambda t: ["who met whom", "-k", "0"], ["-k must be at least 1"]),
    "batch-not-utf8": (lambda t: ["--batch", _batch(t, "qui a rencontr\xe9 qui ?\n".encode("latin-1"))],
                       ["not UTF-8 text", "save the file as UTF-8"]),
    "batch-bad-json-line": (lambda t: ["--batch", _batch(t, b"who met Vietnam?\n{\"q\": oops}\n")],
                            ["questions.txt:2: invalid JSON"]),
    "batch-json-without-q": (lambda t: ["--batch", _batch(t, b'{"question": "x"}\n')],
                             ["questions.txt:1: field q: missing or empty"]),
    "batch-empty": (lambda t: ["--batch", _batch(t, b"\n# only a comment\n")], ["no questions found"]),
    "batch-missing": (lambda t: ["--batch", str(t / "nope.txt")], ["batch file not found"]),
}


@pytest.mark.parametrize("name", list(ASK_CASES))
def test_bad_question(name, scratch_db, tmp_path, capsys):
    target, before_sha, _ = scratch_db
    make, expect = ASK_CASES[name]
    started = time.perf_counter()
    rc = cli_main(["ask", *make(tmp_path), "--db", str(target)])
    _, err = capsys.readouterr()
    assert rc == 2
    for piece in expect:
        assert piece in err, f"{piece!r} not in {err!r}"
    assert "\x1b" not in err
    assert sha256(target) == before_sha
    assert time.perf_counter() - started < 30  # refused before any model is loaded


# ====================================================================== SQL console


@pytest.fixture(scope="module")
def sql_store(db_path, tmp_path_factory):
    from gsi_explorer.data.query import EventStore

    folder = tmp_path_factory.mktemp("sql")
    path = folder / "gsi.duckdb"
    shutil.copyfile(db_path, path)
    store = EventStore.open(path)
    yield store, path, folder
    store.close()


REFUSED = "refused"
SQL_CASES = {
    "insert": ("INSERT INTO interactions (event_key) VALUES ('x')", ["INSERT", REFUSED, "gsi-explorer build"]),
    "update": ("UPDATE interactions SET summary = 'x'", ["UPDATE", REFUSED]),
    "delete": ("DELETE FROM interactions", ["DELETE", REFUSED]),
    "drop": ("DROP TABLE interactions", ["DROP", REFUSED]),
    "create-table": ("CREATE TABLE t AS SELECT 1 AS x", ["CREATE", REFUSED]),
    "create-macro": ("CREATE MACRO m(x) AS x + 1", ["CREATE", REFUSED]),
    "alter": ("ALTER TABLE interactions ADD COLUMN y INTEGER", ["ALTER", REFUSED]),
    "copy-to-file": ("COPY interactions TO '{tmp}/leak.csv' (HEADER)", ["COPY", REFUSED]),
    "copy-query-to-file": ("COPY (SELECT * FROM interactions) TO '{tmp}/leak.parquet' (FORMAT parquet)",
                           ["COPY", REFUSED]),
    "copy-from-file": ("COPY interactions FROM '/etc/hostname'", ["COPY", REFUSED]),
    "export-database": ("EXPORT DATABASE '{tmp}/dump'", ["EXPORT", REFUSED]),
    "attach": ("ATTACH '{tmp}/other.duckdb' AS other", ["ATTACH", REFUSED]),
    "detach": ("DETACH gsi", ["DETACH", REFUSED]),
    "install": ("INSTALL httpfs", ["INSTALL", REFUSED]),
    "load": ("LOAD httpfs", ["LOAD", REFUSED]),
    "set-external-access": ("SET enable_external_access = true", ["SET", REFUSED]),
    "pragma": ("PRAGMA enable_profiling", ["PRAGMA", REFUSED]),
    "checkpoint": ("CHECKPOINT", ["refused"]),
    "write-after-read": ("SELECT 1; DROP TABLE interactions", ["DROP", REFUSED]),
    "read-local-file": ("SELECT * FROM read_csv('/etc/passwd')", [REFUSED, "cannot read or write files"]),
    "read-local-file-by-name": ("SELECT * FROM '/etc/passwd'", ["does not exist"]),  # not read as a file
    "glob-filesystem": ("SELECT * FROM glob('/etc/*')", [REFUSED]),
    "read-url": ("SELECT * FROM read_csv('https://example.com/data.csv')", [REFUSED]),
    "read-s3": ("SELECT * FROM read_parquet('s3://bucket/x.parquet')", [REFUSED]),
    "empty": ("  ;  ", ["no SQL statement"]),
}


@pytest.mark.parametrize("name", list(SQL_CASES))
def test_sql_console_refuses(name, sql_store):
    from gsi_explorer.data.query import Filters, ReadOnlyError
    from gsi_explorer.errors import GsiError

    store, path, tmp = sql_store
    before_sha, n = sha256(path), store.count(Filters())
    query, expect = SQL_CASES[name]
    query = query.format(tmp=tmp)
    with pytest.raises(GsiError) as info:
        store.sql(query)
    message = str(info.value)
    if name not in ("empty", "read-local-file-by-name"):
        assert isinstance(info.value, ReadOnlyError), f"{type(info.value).__name__}: {message}"
    for piece in expect:
        assert piece in message, f"{piece!r} not in {message!r}"
    assert store.count(Filters()) == n
    assert store.sql("SELECT count(*) FROM interactions").rows == [(n,)]
    assert sha256(path) == before_sha
    assert sorted(p.name for p in tmp.iterdir()) == ["gsi.duckdb"]  # nothing written next to it


def test_sql_syntax_error_is_shown_not_raised_raw(sql_store):
    from gsi_explorer.data.query import SqlError

    store, _, _ = sql_store
    with pytest.raises(SqlError, match="SQL error"):
        store.sql("SELEC count(*) FROM interactions")


def test_sql_cli_write_refused(scratch_db, capsys):
    target, before_sha, _ = scratch_db
    rc = cli_main(["sql", "DELETE FROM interactions", "--db", str(target)])
    err = capsys.readouterr().err
    assert rc == 2 and "DELETE statements are refused" in err and "gsi-explorer build" in err
    assert sha256(target) == before_sha


def test_sql_that_runs_forever_is_interrupted(sql_store):
    """A query with no end, cancelled from another thread (what Esc does in the console): clear message, store usable."""
    from gsi_explorer.data.query import Filters, SqlError

    store, _, _ = sql_store
    outcome: dict = {}

    def work() -> None:
        try:
            store.sql("SELECT count(*) FROM range(1000000000) a, range(1000000000) b WHERE a.range + b.range = -1")
            outcome["result"] = "finished"
        except Exception as exc:  # noqa: BLE001
            outcome["error"] = exc

    worker = threading.Thread(target=work, daemon=True)
    started = time.perf_counter()
    worker.start()
    time.sleep(0.3)
    while worker.is_alive() and time.perf_counter() - started < 30:
        store.interrupt()
        worker.join(0.2)
    assert not worker.is_alive(), "the query could not be interrupted"
    assert isinstance(outcome.get("error"), SqlError) and "cancelled" in str(outcome["error"])
    assert store.count(Filters()) > 0


# ====================================================================== --view specs

VIEW_CASES = {
    "unknown-unit": ("unit=bogus", ["unit 'bogus'", "use one of: interaction, event"]),
    "unknown-sort": ("sort=-shoe_size", ["cannot sort by 'shoe_size'", "sortable:"]),
    "impossible-date": ("from=2023-02-30", ["not a date", "YYYY-MM-DD"]),
    "unknown-key": ("colour=red", ["unknown key 'colour'", "keys are"]),
    "no-equals": ("Vietnam", ["not readable", "copy the whole string"]),
    "percent-garbage": ("%zz&&==&", ["not readable"]),
    "escape-sequences": ("\x1b]0;owned\x07\x1b[2J=1", ["unknown key"]),
    "very-long": ("x" * 20_000, ["not readable"]),
}


@pytest.mark.parametrize("name", list(VIEW_CASES))
@pytest.mark.parametrize("entry", ["default", "tui"])
def test_bad_view_spec(name, entry, scratch_db, capsys):
    target, before_sha, _ = scratch_db
    spec, expect = VIEW_CASES[name]
    argv = ["--db", str(target), "--view", spec] if entry == "default" else ["tui", "--db", str(target),
                                                                              "--view", spec]
    rc = cli_main(argv)
    err = capsys.readouterr().err
    assert rc == 2
    for piece in expect:
        assert piece in err, f"{piece!r} not in {err!r}"
    assert "\x1b" not in err and "\x07" not in err
    assert len(err) < 2000
    assert sha256(target) == before_sha


# ====================================================================== hostile text in the explorer

HOSTILE = {
    "counterpart_name": "\x1b[31mRed Name\x1b[0m\x07",
    "summary": "Talks \x1b]0;window title hijack\x07 on \x1b[2J\x1b[H cleared screens and \x9b31m 8-bit CSI, "
               "\u202eright-to-left override\u202c, \x08backspace and a bell\x07.",
    "city": "Tashk\x1b[5ment",
}


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory):
    """The shipped data with control characters and ANSI escapes in one row, built like a user's --data folder."""
    from gsi_explorer.data import load

    tmp = tmp_path_factory.mktemp("hostile")
    folder = copy_data(tmp / "data")
    header, rows = read_events(folder)
    rows = _target_first(rows)
    rows[0].update(HOSTILE)
    write_events(folder, header, rows)
    report = load.build(folder, tmp / "gsi.duckdb")
    assert any("control characters" in str(w) for w in report.warnings)  # accepted, with a warning
    return tmp / "gsi.duckdb", rows[0]


@pytest.mark.anyio
async def test_escape_sequences_never_reach_the_terminal(hostile_db):
    """Escape codes typed into a user's CSV are stored as data and shown as inert text (table, record, SQL)."""
    from gsi_explorer.data.query import EventStore, Filters, View
    from gsi_explorer.tui.app import GsiApp
    from tests.tui.pilot import settle, table

    path, row = hostile_db
    before = sha256(path)
    store = EventStore.open(path)
    try:
        view = View(Filters(search="cleared screens"))  # the hostile row only
        app = GsiApp(store, view=view)
        async with app.run_test(size=(180, 50)) as pilot:
            await settle(pilot)
            assert table(app).total == 1
            screens = {"table": terminal_output(app)}
            assert "Red Name" in screens["table"]
            app.open_record(table(app).current_row_id())
            await settle(pilot)
            screens["record"] = terminal_output(app)
            assert "cleared screens" in screens["record"]  # the OSC payload itself is dropped
            await pilot.press("escape")
            await settle(pilot)
            app.action_sql()
            await settle(pilot)
            editor = app.screen.query_one("#sql-editor")
            editor.text = ("SELECT counterpart_name, summary, city FROM interactions "
                           "WHERE summary LIKE '%cleared screens%'")
            await pilot.press("ctrl+r")
            await settle(pilot)
            assert app.screen.result_rows and "Red Name" in app.screen.result_rows[0][0]
            screens["sql"] = terminal_output(app)
            screens["svg"] = app.export_screenshot()
        for name, out in screens.items():
            for seq in ("\x1b]0;", "\x1b[2J", "\x1b[5m", "\x1b[31mRed", "\x9b", "\x07", "\x08", "\u202e"):
                assert seq not in out, f"{seq!r} reached the terminal ({name})"
        rec = store.detail(table_row_id := store.page(view, 0, 1).rows[0][0]).record
        assert rec["counterpart_name"] == HOSTILE["counterpart_name"], table_row_id  # stored as data, unchanged
    finally:
        store.close()
    assert sha256(path) == before


@pytest.mark.anyio
async def test_sql_console_escape_stops_a_query_that_never_ends(db_path):
    """In the explorer: Ctrl+R on an endless query, Esc stops it, the message says so, the console still works."""
    from gsi_explorer.data.query import EventStore
    from gsi_explorer.tui.app import GsiApp
    from tests.tui.pilot import settle

    store = EventStore.open(db_path)
    try:
        app = GsiApp(store)
        async with app.run_test(size=(140, 40)) as pilot:
            await settle(pilot)
            app.action_sql()
            await settle(pilot)
            screen = app.screen
            screen.query_one("#sql-editor").text = ("SELECT count(*) FROM range(1000000000) a, range(1000000000) b "
                                                    "WHERE a.range + b.range = -1")
            await pilot.press("ctrl+r")
            await pilot.pause(0.5)
            assert screen.running
            for _ in range(100):
                await pilot.press("escape")
                await pilot.pause(0.1)
                if not screen.running:
                    break
            await settle(pilot)
            message = str(screen.query_one("#sql-message").render())
            assert not screen.running and "cancelled" in message, message
            assert app.screen is screen  # Esc stopped the query; it did not leave the console
            screen.query_one("#sql-editor").text = "SELECT count(*) FROM interactions"
            await pilot.press("ctrl+r")
            await settle(pilot)
            assert screen.result_rows and int(screen.result_rows[0][0]) > 0
    finally:
        store.close()
