"""Ingesting the user's documents: each file type, provenance, duplicates, updates and unreadable files."""

from __future__ import annotations

import json

import pytest

from gsi_explorer.index import ingest as ing


def make_pdf(lines: list[str], title: str = "Field report") -> bytes:
    """A minimal, valid one-page PDF with real text objects (xref offsets computed)."""
    ops = ["BT", "/F1 12 Tf", "72 720 Td", "14 TL"]
    for ln in lines:
        ops.append("(" + ln.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ") Tj T*")
    ops.append("ET")
    stream = "\n".join(ops).encode("latin-1")
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Title (" + title.encode("latin-1") + b") /CreationDate (D:20240915120000Z) >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objs, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info 6 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)


@pytest.fixture
def home(tmp_path, monkeypatch):
    """A private user corpus for each test."""
    monkeypatch.setenv("GSI_HOME", str(tmp_path / "home"))
    return tmp_path


@pytest.fixture
def docs(tmp_path):
    d = tmp_path / "docs"
    (d / "sub").mkdir(parents=True)
    (d / "notes.txt").write_text("Visit notes\n\nThe Tongan police commissioner visited Kunming on 3 March 2024.\n"
                                 "Talks covered forensic laboratories.\n", encoding="utf-8")
    (d / "brief.md").write_text("---\ntitle: Mekong patrol brief\ndate: 2023-11-02\n---\n# Ignored heading\n\n"
                                "## Patrols\n\nJoint patrols on the Mekong river resumed after a pause.\n",
                                encoding="utf-8")
    (d / "sub" / "page.html").write_text(
        "<html><head><title>Vanuatu police donation</title>"
        "<meta name='date' content='2024-05-20'></head><body><nav>Home | About</nav><article><h1>Vanuatu police "
        "donation</h1><p>China handed over forty patrol vehicles and radio equipment to the Vanuatu Police Force in "
        "Port Vila, in a ceremony attended by the police commissioner and embassy officials.</p><p>The donation "
        "is part of a police capacity-building programme agreed in 2023 between the two governments.</p>"
        "</article><script>var tracking = 1;</script></body></html>", encoding="utf-8")
    (d / "report.pdf").write_bytes(make_pdf(["Kiribati police liaison report.",
                                             "Chinese police advisers trained officers on Tarawa in 2024."]))
    return d


def test_each_file_type_is_extracted_with_provenance(home, docs):
    results = ing.ingest([docs])
    assert [r.status for r in results] == ["added"] * 4, results
    by_name = {r.path.rsplit("/", 1)[-1]: r for r in results}
    listed = {d.doc_id: d for d in ing.list_documents()}
    assert len(listed) == 4
    txt = listed[by_name["notes.txt"].doc_id]
    assert txt.title == "Visit notes" and txt.kind == "txt" and txt.date == "2024-03-03"
    assert txt.source_path == str((docs / "notes.txt").resolve())
    assert "Tongan police commissioner" in txt.text_path.read_text(encoding="utf-8")
    md = listed[by_name["brief.md"].doc_id]
    assert (md.title, md.date, md.kind) == ("Mekong patrol brief", "2023-11-02", "md")
    html = listed[by_name["page.html"].doc_id]
    html_text = html.text_path.read_text(encoding="utf-8")
    assert html.title == "Vanuatu police donation" and "forty patrol vehicles" in html_text
    assert "tracking" not in html_text and "Home | About" not in html_text
    pdf = listed[by_name["report.pdf"].doc_id]
    assert (pdf.title, pdf.date, pdf.kind) == ("Field report", "2024-09-15", "pdf")
    assert "trained officers on Tarawa" in pdf.text_path.read_text(encoding="utf-8")
    # the sidecar records the content hash of the original bytes
    import hashlib

    assert pdf.sha256 == hashlib.sha256((docs / "report.pdf").read_bytes()).hexdigest()
    # passages carry provenance; markdown headings become sections
    ps = ing.user_passages(md)
    assert [(p.section, p.paragraph) for p in ps] == [("Patrols", 1)]
    assert ps[0].url.startswith("file://") and ps[0].kind == "user" and ps[0].date == "2023-11-02"


def test_reingest_unchanged_is_a_no_op_and_changed_replaces(home, docs):
    ing.ingest([docs / "notes.txt"])
    before = sorted(p.name for p in ing.user_dir().iterdir())
    again = ing.ingest([docs / "notes.txt", docs / "notes.txt"])
    assert [r.status for r in again] == ["unchanged", "unchanged"]
    assert sorted(p.name for p in ing.user_dir().iterdir()) == before
    (docs / "notes.txt").write_text("Visit notes\n\nRevised: the visit was postponed.\n", encoding="utf-8")
    upd = ing.ingest([docs / "notes.txt"])
    assert upd[0].status == "updated"
    listed = ing.list_documents()
    assert len(listed) == 1 and "postponed" in listed[0].text_path.read_text(encoding="utf-8")


def test_unreadable_files_are_reported_and_skipped_not_fatal(home, docs, tmp_path):
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "junk.txt").write_bytes(bytes(range(256)) * 40)
    (bad / "empty.pdf").write_bytes(b"")
    (bad / "broken.pdf").write_bytes(b"%PDF-1.4\nthis is not really a pdf\n")
    (bad / "scripts.html").write_text("<html><head><script>alert(1)</script></head><body><script>x()</script>"
                                      "</body></html>", encoding="utf-8")
    (bad / "table.xlsx").write_bytes(b"PK\x03\x04")
    results = ing.ingest([bad / "junk.txt", bad / "empty.pdf", bad / "broken.pdf", bad / "scripts.html",
                          bad / "table.xlsx", bad / "missing.txt", docs / "notes.txt"])
    status = {r.path.rsplit("/", 1)[-1]: (r.status, r.message) for r in results}
    assert status["notes.txt"][0] == "added"
    assert status["junk.txt"] == ("skipped", status["junk.txt"][1]) and "binary" in status["junk.txt"][1]
    assert "empty" in status["empty.pdf"][1]
    assert "not a readable PDF" in status["broken.pdf"][1]
    assert "no readable text" in status["scripts.html"][1]
    assert "unsupported file type '.xlsx'" in status["table.xlsx"][1]
    assert "no such file" in status["missing.txt"][1]
    assert len(ing.list_documents()) == 1
    # nothing half-written is left behind
    assert all(not p.name.startswith(".") for p in ing.user_dir().iterdir())


def test_a_text_file_without_sidecar_is_ignored(home, docs):
    ing.ingest([docs / "notes.txt"])
    (ing.user_dir() / "user-000000000000.txt").write_text("orphan from an interrupted ingest", encoding="utf-8")
    assert [d.title for d in ing.list_documents()] == ["Visit notes"]
    meta = json.loads(next(ing.user_dir().glob("user-*.json")).read_text(encoding="utf-8"))
    assert set(meta) >= {"doc_id", "title", "source_path", "sha256", "date", "ingested_at"}


def test_cli_ingest_and_corpus_list(home, docs, tmp_path, capsys):
    from gsi_explorer.cli import main

    (tmp_path / "junk.pdf").write_bytes(b"\x00\x01not a pdf")
    rc = main(["ingest", str(docs / "notes.txt"), str(docs / "sub"), str(tmp_path / "junk.pdf"), "--no-index"])
    out = capsys.readouterr().out
    assert rc == 0
    assert "added" in out and "junk.pdf" in out and "skipped" in out and "2 added or updated" in out
    rc = main(["ingest", str(docs / "notes.txt"), "--no-index"])
    assert rc == 0 and "unchanged" in capsys.readouterr().out
    assert main(["corpus", "list", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows[0]["kind"] == "paper" and rows[0]["title"].startswith("A New World Cop on the Beat")
    assert sorted(r["title"] for r in rows[1:]) == ["Vanuatu police donation", "Visit notes"]
    assert all(r["sha256"] and r["source"] for r in rows)
