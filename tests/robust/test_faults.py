"""Faults a user's machine produces: a process killed mid-write, damaged files, a missing or wrong model, a full
disk. Each time the previous good state survives, the damage is named with its fix, and the next start repairs it."""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from gsi_explorer.cli import main as cli_main
from tests.robust.helpers import ROOT, cli_env, copy_data, db_counts, kill_at, read_events, sha256, write_events


def settings_for(db: Path, index_dir: Path | None = None, data: Path | None = None, **model):
    from gsi_explorer.config import load_settings

    s = load_settings()
    paths = dataclasses.replace(s.paths, db=db, data=data, index_dir=index_dir or s.paths.index_dir)
    return dataclasses.replace(s, paths=paths, model=dataclasses.replace(s.model, **model))


# ====================================================================== killed database build

DB_KILL_POINTS = {
    "staged-before-write": ("gsi_explorer.data.load:_write_db", "before", ""),
    "temp-db-written": ("gsi_explorer.data.load:_write_db", "after", ""),
    "just-before-rename": ("os:replace", "before", ".building"),
}


@pytest.fixture
def changed_data_home(db_path, tmp_path):
    """GSI_HOME with a good database, and a --data folder whose events.csv has since changed (a rebuild is due)."""
    home = tmp_path / "home"
    home.mkdir()
    db = home / "gsi.duckdb"
    shutil.copyfile(db_path, db)
    folder = copy_data(tmp_path / "data")
    header, rows = read_events(folder)
    rows[-1]["summary"] = "Edited after the last build: the ministers also discussed maritime law enforcement."
    write_events(folder, header, rows)
    return home, db, folder


@pytest.mark.parametrize("point", list(DB_KILL_POINTS))
def test_killed_database_build_keeps_the_previous_database(point, changed_data_home, tmp_path):
    from gsi_explorer.data import load
    from gsi_explorer.data.query import EventStore, Filters

    home, db, folder = changed_data_home
    before_sha, before = sha256(db), db_counts(db, tmp_path)
    at, when, match = DB_KILL_POINTS[point]
    kill_at(at, ["build", "--data", folder, "--db", db], home, when=when, match=match)

    assert sha256(db) == before_sha  # the previous database, byte for byte
    with EventStore.open(db) as store:
        assert store.count(Filters()) == before["interactions"]
    state, reason = load.status(db, folder)
    assert state == "stale", reason  # the next start sees the rebuild is still due
    load.ensure_built(settings_for(db, data=folder))
    assert load.status(db, folder)[0] == "fresh"
    with EventStore.open(db) as store:
        assert store.count(Filters(search="maritime law enforcement")) >= 1
        assert store.count(Filters()) == before["interactions"]


def test_killed_database_build_leaves_no_debris_after_the_next_build(changed_data_home):
    from gsi_explorer.data import load

    home, db, folder = changed_data_home
    kill_at("gsi_explorer.data.load:_write_db", ["build", "--data", folder, "--db", db], home, when="after")
    load.build(folder, db)
    assert sorted(p.name for p in db.parent.iterdir() if p.name.startswith(".")) == []


# ====================================================================== killed index build

INDEX_KILL_POINTS = {
    "faiss-half-written": ("faiss:write_index", "after", ""),
    "version-folder-complete": ("os:rename", "before", ".tmp-v-"),
    "pointer-not-switched": ("os:replace", "before", "CURRENT"),
}


@pytest.fixture
def index_copy(index_settings, tmp_path):
    """A private copy of the session index (and its database), so damage here never reaches other tests."""
    from gsi_explorer.index import store

    home = tmp_path / "home"
    home.mkdir()
    db = home / "gsi.duckdb"
    shutil.copyfile(index_settings.paths.db, db)
    index_dir = home / "index"
    shutil.copytree(index_settings.paths.index_dir, index_dir)
    settings = settings_for(db, index_dir)
    assert store.status(settings).fresh, store.status(settings)
    return home, settings


@pytest.mark.parametrize("point", list(INDEX_KILL_POINTS))
def test_killed_index_build_keeps_the_previous_index(point, index_copy, embedder):
    from gsi_explorer.index import store
    from gsi_explorer.index.retrieve import Retriever

    home, settings = index_copy
    before = store.read_manifest(settings)["id"]
    at, when, match = INDEX_KILL_POINTS[point]
    kill_at(at, ["index", "build", "--force", "--db", settings.paths.db], home, when=when, match=match)

    st = store.status(settings)
    assert st.fresh, st
    assert store.read_manifest(settings)["id"] == before
    hits = Retriever.load(settings, embedder=embedder).search("Pacific Islands police dialogue", k=3)
    assert hits
    manifest = store.build(settings, embedder=embedder)  # the next build completes and sweeps the debris
    assert manifest["counts"]["embedded"] == 0  # the surviving vectors were reused
    assert store.status(settings).fresh
    root = Path(settings.paths.index_dir)
    assert [p.name for p in root.iterdir() if p.name.startswith(("v-", ".tmp-v-"))] == [store.current_dir(settings).name]


# ====================================================================== killed ingest


INGEST_KILL_POINTS = {
    "text-stored-no-sidecar": ("gsi_explorer.index.ingest:_atomic_write", "after", ".txt"),
    "sidecar-not-renamed": ("os:replace", "before", ".json"),
}


@pytest.mark.parametrize("point", list(INGEST_KILL_POINTS))
def test_killed_ingest_leaves_no_half_document(point, tmp_path, monkeypatch, capsys):
    from gsi_explorer.index.ingest import list_documents

    home = tmp_path / "home"
    monkeypatch.setenv("GSI_HOME", str(home))
    first = tmp_path / "first.txt"
    first.write_text("Wang Xiaohong met the Lao public security minister in Vientiane.", encoding="utf-8")
    assert cli_main(["ingest", "--no-index", str(first)]) == 0
    kept = [(d.doc_id, d.sha256) for d in list_documents()]
    doc = tmp_path / "second.md"
    doc.write_text("# Notes\n\nThe GPSCFL in Lianyungang gathered ministers from 2024 onwards.\n", encoding="utf-8")
    at, when, match = INGEST_KILL_POINTS[point]
    kill_at(at, ["ingest", "--no-index", doc], home, when=when, match=match)

    assert [(d.doc_id, d.sha256) for d in list_documents()] == kept  # no half document appears
    capsys.readouterr()
    assert cli_main(["ingest", "--no-index", str(doc)]) == 0
    assert "added" in capsys.readouterr().out  # and the document goes in cleanly next time
    docs = list_documents()
    assert len(docs) == 2 and "Lianyungang" in docs[-1].text_path.read_text(encoding="utf-8")


# ====================================================================== damaged database

DB_DAMAGE = {
    "truncated-to-half": lambda p: p.write_bytes(p.read_bytes()[: p.stat().st_size // 2]),
    "zero-bytes": lambda p: p.write_bytes(b""),
    "first-block-overwritten": lambda p: p.write_bytes(b"\x00" * 8192 + p.read_bytes()[8192:]),
    "not-a-database": lambda p: p.write_text("this is a note, not a database\n" * 100, encoding="utf-8"),
}


@pytest.mark.parametrize("damage", list(DB_DAMAGE))
def test_damaged_database_is_detected_and_rebuilt(damage, db_path, tmp_path, capsys):
    from gsi_explorer.data import load
    from gsi_explorer.data.query import EventStore, NotBuiltError

    db = tmp_path / "gsi.duckdb"
    shutil.copyfile(db_path, db)
    good = db_counts(db, tmp_path)
    DB_DAMAGE[damage](db)

    state, reason = load.status(db, None)
    assert state == "corrupt" and str(db) in reason
    with pytest.raises(NotBuiltError, match="gsi-explorer build --force"):
        EventStore.open(db)
    rc = cli_main(["stats", "--json", "--db", str(db)])  # any command that reads the database repairs it
    assert rc == 0
    assert json.loads(capsys.readouterr().out)["figures"]
    assert load.status(db, None)[0] == "fresh"
    assert db_counts(db, tmp_path) == good


@pytest.mark.parametrize("damage", list(DB_DAMAGE))
def test_doctor_names_a_damaged_database(damage, db_path, tmp_path, capsys):
    db = tmp_path / "gsi.duckdb"
    shutil.copyfile(db_path, db)
    DB_DAMAGE[damage](db)
    before = sha256(db)
    rc = cli_main(["doctor", "--json", "--db", str(db)])
    checks = {c["name"]: c for c in json.loads(capsys.readouterr().out)["checks"]}
    assert rc == 1
    assert checks["database"]["status"] == "fail" and str(db) in checks["database"]["detail"]
    assert "gsi-explorer build --force" in checks["database"]["fix"]
    assert sha256(db) == before  # the doctor only looks


# ====================================================================== damaged index


def _rewrite(name: str, make):
    def damage(folder: Path) -> None:
        path = folder / name
        path.write_bytes(make(path.read_bytes()))

    return damage


INDEX_DAMAGE = {  # damage -> (how, what the reason must name)
    "faiss-truncated": (_rewrite("faiss.index", lambda b: b[: len(b) // 3]), "faiss.index"),
    "faiss-garbage": (_rewrite("faiss.index", lambda b: os.urandom(len(b))), "faiss.index"),
    "vectors-truncated": (_rewrite("vectors.npy", lambda b: b[:100]), "vectors.npy"),
    "chunks-edited": (_rewrite("chunks.jsonl", lambda b: b.replace(b"Pacific", b"Atlantic", 1)), "chunks.jsonl"),
    "manifest-garbage": (_rewrite("manifest.json", lambda b: b"{not json"), "manifest.json"),
    "manifest-truncated": (_rewrite("manifest.json", lambda b: b[: len(b) // 2]), "manifest.json"),
    "manifest-deleted": (lambda f: (f / "manifest.json").unlink(), "manifest.json"),
    "faiss-deleted": (lambda f: (f / "faiss.index").unlink(), "faiss.index"),
}
REBUILT = ("faiss-garbage", "manifest-garbage")  # full re-embeds are slow: rebuild two, detect all


@pytest.mark.parametrize("damage", list(INDEX_DAMAGE))
def test_damaged_index_is_detected(damage, index_copy, capsys):
    from gsi_explorer.doctor import run_checks
    from gsi_explorer.index import store

    home, settings = index_copy
    how, names = INDEX_DAMAGE[damage]
    how(store.current_dir(settings))
    st = store.status(settings)
    assert st.state == "corrupt" and names in st.reason, st
    check = next(c for c in run_checks(settings) if c.name == "search index")
    assert check.status == "fail" and "index build --force" in check.fix


@pytest.mark.parametrize("damage", REBUILT)
def test_damaged_index_is_rebuilt_on_load(damage, index_copy, embedder):
    from gsi_explorer.index import store
    from gsi_explorer.index.retrieve import Retriever

    home, settings = index_copy
    how, names = INDEX_DAMAGE[damage]
    how(store.current_dir(settings))
    said: list[str] = []
    retriever = Retriever.load(settings, notify=said.append, embedder=embedder)
    assert said and "corrupt" in said[0] and names in said[0] and "rebuilding" in said[0]
    assert store.status(settings).fresh
    hits = retriever.search("Pacific Islands police dialogue", k=5)
    assert any("Pacific" in h.text for h in hits)


def test_pointer_to_nowhere_is_detected(index_copy):
    from gsi_explorer.index import store

    home, settings = index_copy
    (Path(settings.paths.index_dir) / "CURRENT").write_text("v-does-not-exist")
    st = store.status(settings)
    assert st.state == "corrupt" and "v-does-not-exist" in st.reason


# ====================================================================== models


@pytest.fixture
def junk_models(tmp_path):
    text = tmp_path / "notes.gguf"
    text.write_text("not a model\n", encoding="utf-8")
    png = tmp_path / "picture.gguf"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(2048))
    folder = tmp_path / "folder.gguf"
    folder.mkdir()
    return {"missing": (tmp_path / "absent.gguf", "model file not found"),
            "text-file": (text, "not a GGUF model"),
            "png-file": (png, "not a GGUF model"),
            "folder": (folder, "is a folder")}


@pytest.mark.parametrize("kind", ["missing", "text-file", "png-file", "folder"])
def test_bad_model_is_a_clear_error_and_the_browser_still_works(kind, junk_models, db_path, tmp_path, capsys):
    from gsi_explorer.data.query import EventStore, Filters, View

    model, expect = junk_models[kind]
    db = tmp_path / "gsi.duckdb"
    shutil.copyfile(db_path, db)
    rc = cli_main(["ask", "how many meetings with Vietnam?", "--model", str(model), "--db", str(db)])
    err = capsys.readouterr().err
    assert rc == 2 and expect in err and str(model) in err and "--model PATH" in err
    assert "Traceback" not in err
    # the rest of the app does not care
    rc = cli_main(["doctor", "--json", "--model", str(model), "--db", str(db)])
    report = json.loads(capsys.readouterr().out)
    checks = {c["name"]: c for c in report["checks"]}
    assert rc == 1 and checks["language model"]["status"] == "fail" and expect in checks["language model"]["detail"]
    assert checks["database"]["status"] == "ok"
    assert cli_main(["stats", "--model", str(model), "--db", str(db)]) == 0
    with EventStore.open(db) as store:
        assert store.page(View(), 0, 10).rows and store.count(Filters()) > 0


@pytest.mark.anyio
async def test_browser_opens_with_a_broken_model_setting(junk_models, db_path, monkeypatch):
    from gsi_explorer.data.query import EventStore
    from gsi_explorer.tui.app import GsiApp
    from tests.tui.pilot import settle, table

    monkeypatch.setenv("GSI_MODEL", str(junk_models["text-file"][0]))
    store = EventStore.open(db_path)
    try:
        app = GsiApp(store)
        async with app.run_test(size=(160, 48)) as pilot:
            await settle(pilot)
            assert table(app).total > 0
    finally:
        store.close()


def test_truncated_gguf_is_refused_with_the_fix(tmp_path):
    """Right magic, missing body: llama.cpp must fail cleanly (a fresh interpreter, in case it would not)."""
    from gsi_explorer.index.llm import default_model_path

    cut = tmp_path / "cut.gguf"
    with default_model_path().open("rb") as fh:
        cut.write_bytes(fh.read(3 << 20))
    code = ("import sys\nfrom gsi_explorer.config import load_settings\nfrom gsi_explorer.index.llm import LocalLLM\n"
            "from gsi_explorer.errors import GsiError\ns = load_settings(None, {'model': {'llm': sys.argv[1]}})\n"
            "try:\n    LocalLLM.load(s.model)\nexcept GsiError as e:\n    print('REFUSED', e)\n")
    result = subprocess.run([sys.executable, "-c", code, str(cut)], cwd=ROOT, env=cli_env(tmp_path),
                            capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "REFUSED" in result.stdout and str(cut) in result.stdout and "--model PATH" in result.stdout


def test_missing_embedding_model_is_named(index_copy, tmp_path, monkeypatch, capsys):
    from gsi_explorer.doctor import run_checks

    home, settings = index_copy
    monkeypatch.setenv("GSI_EMBED_MODEL", str(tmp_path / "no-model-here"))
    monkeypatch.setenv("GSI_INDEX_DIR", str(settings.paths.index_dir))
    rc = cli_main(["search", "Interpol", "--db", str(settings.paths.db)])
    err = capsys.readouterr().err
    assert rc == 2 and "no-model-here" in err and "GSI_EMBED_MODEL" in err
    check = next(c for c in run_checks(settings_for(settings.paths.db, settings.paths.index_dir,
                                                    embedder=tmp_path / "no-model-here"))
                 if c.name == "embedding model")
    assert check.status == "fail" and "GSI_EMBED_MODEL" in check.fix


# ====================================================================== full disk


@pytest.fixture
def small_disk(tmp_path):
    """A 16 MB tmpfs (root only); `fill(leave)` leaves `leave` bytes free."""
    mount = tmp_path / "disk"
    mount.mkdir()
    try:
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16M", "tmpfs", str(mount)], capture_output=True,
                              timeout=30)
    except (OSError, subprocess.SubprocessError):
        pytest.skip("cannot run mount")
    if done.returncode != 0:
        pytest.skip(f"mounting a tmpfs is not permitted here ({done.stderr.decode(errors='replace').strip()})")

    def fill(leave: int) -> None:
        st = os.statvfs(mount)
        free = st.f_bavail * st.f_frsize
        with (mount / "filler").open("ab") as fh:
            fh.write(b"\0" * max(0, free - leave))

    try:
        yield mount, fill
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True, timeout=30)


def _dot_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob(".*"))


def _attempt(argv: list[str], capsys) -> tuple[int | None, str, BaseException | None]:
    """Run the CLI; (exit code, stderr+stdout, exception that escaped it)."""
    try:
        rc, exc = cli_main(argv), None
    except Exception as e:  # noqa: BLE001 — recorded: escaping the CLI is itself a finding
        rc, exc = None, e
    out, err = capsys.readouterr()
    return rc, err + out, exc


@pytest.mark.parametrize("aspect", ["state", "message"])
def test_full_disk_database_build(aspect, small_disk, db_path, capsys):
    mount, fill = small_disk
    db = mount / "gsi.duckdb"
    shutil.copyfile(db_path, db)
    before = sha256(db)
    fill(256 * 1024)
    rc, said, exc = _attempt(["build", "--db", str(db)], capsys)
    if aspect == "state":  # nothing half-written, the old database intact
        assert sha256(db) == before and _dot_files(mount) == []
    else:
        assert exc is None and rc == 2 and "free disk space" in said


def test_full_disk_export(small_disk, db_path):
    from gsi_explorer.data.query import EventStore, View
    from gsi_explorer.errors import GsiError

    mount, fill = small_disk
    fill(4 * 1024)
    target = mount / "all.csv"
    with EventStore.open(db_path) as store:
        with pytest.raises(GsiError, match="export failed"):
            store.export(View(), target, "csv")
    assert not target.exists() and _dot_files(mount) == []


@pytest.mark.parametrize("aspect", ["state", "message"])
def test_full_disk_ingest(aspect, small_disk, tmp_path, monkeypatch, capsys):
    from gsi_explorer.index.ingest import list_documents

    mount, fill = small_disk
    monkeypatch.setenv("GSI_HOME", str(mount / "home"))
    small = tmp_path / "small.txt"
    small.write_text("Chen Wenqing met Serbia's president.", encoding="utf-8")
    assert cli_main(["ingest", "--no-index", str(small)]) == 0
    kept = [(d.doc_id, d.sha256, d.text_path.read_text(encoding="utf-8")) for d in list_documents()]
    big = tmp_path / "big.txt"
    big.write_text("Security cooperation and law enforcement training. " * 40_000, encoding="utf-8")
    fill(64 * 1024)
    rc, said, exc = _attempt(["ingest", "--no-index", str(big)], capsys)
    if aspect == "state":  # the earlier document is untouched and no half document is listed
        assert [(d.doc_id, d.sha256, d.text_path.read_text(encoding="utf-8")) for d in list_documents()] == kept
    else:
        assert exc is None and rc == 1 and "space" in said and _dot_files(mount / "home") == []


@pytest.mark.parametrize("aspect", ["state", "message"])
def test_full_disk_index_build(aspect, small_disk, index_settings, capsys, monkeypatch):
    from gsi_explorer.index import store

    mount, fill = small_disk
    index_dir = mount / "index"
    shutil.copytree(index_settings.paths.index_dir, index_dir)
    settings = settings_for(index_settings.paths.db, index_dir)
    before = store.read_manifest(settings)["id"]
    fill(128 * 1024)
    monkeypatch.setenv("GSI_INDEX_DIR", str(index_dir))
    rc, said, exc = _attempt(["index", "build", "--force", "--db", str(index_settings.paths.db)], capsys)
    if aspect == "state":  # the live index is the previous one, whole; no half version folder
        assert store.status(settings).fresh and store.read_manifest(settings)["id"] == before
        assert not [p for p in index_dir.iterdir() if p.name.startswith(".tmp-v-")]
    else:
        assert exc is None and rc == 2 and "free disk space" in said
