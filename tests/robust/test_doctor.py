"""`gsi-explorer doctor`: real versions, real hashes, real states; light enough to run before anything is built."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import subprocess
import sys
from importlib import metadata

from gsi_explorer.cli import main as cli_main
from tests.robust.helpers import ROOT, cli_env


def _sha(path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def test_doctor_on_a_healthy_install(index_settings):
    from gsi_explorer.doctor import run_checks
    from gsi_explorer.index.embed import model_dir, model_fingerprint
    from gsi_explorer.index.llm import default_model_path

    checks = {c.name: c for c in run_checks(index_settings)}
    broken = [f"{c.name}: {c.detail}" for c in checks.values() if c.status == "fail"]
    assert not broken, broken
    for dist in ("textual", "duckdb", "sentence-transformers", "torch", "faiss-cpu", "llama-cpp-python"):
        assert checks[dist].detail == metadata.version(dist)
    assert checks["python"].detail == ".".join(map(str, sys.version_info[:3]))
    gguf = default_model_path()
    assert checks["language model"].data["sha256"] == _sha(gguf)
    assert checks["embedding model"].data["sha256"] == model_fingerprint(model_dir(index_settings))["sha256"]
    assert checks["database"].status == "ok" and checks["database"].data["interactions"] > 0
    assert checks["search index"].status == "ok"
    assert checks["free disk"].data["free_bytes"] > 0


def test_doctor_before_anything_is_built_is_light_and_explains(tmp_path):
    """Fresh machine: database and index missing are warnings with the command to run; no model is loaded."""
    code = ("import sys\nfrom gsi_explorer.cli import main\nrc = main(['doctor', '--json'])\n"
            "heavy = [m for m in ('torch', 'sentence_transformers', 'llama_cpp', 'faiss', 'transformers') "
            "if m in sys.modules]\nprint('HEAVY', heavy, file=sys.stderr)\nsys.exit(rc)\n")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=cli_env(tmp_path), capture_output=True,
                            text=True, timeout=180)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "HEAVY []" in result.stderr
    report = json.loads(result.stdout)
    checks = {c["name"]: c for c in report["checks"]}
    assert report["ok"] is True
    assert checks["database"]["status"] == "warn" and "gsi-explorer build" in checks["database"]["fix"]
    assert checks["search index"]["status"] == "warn" and "index build" in checks["search index"]["fix"]
    assert checks["cache folder"]["detail"] == str(tmp_path)


def test_doctor_honours_model_flag(tmp_path, index_settings, capsys):
    fake = tmp_path / "tiny.gguf"
    fake.write_bytes(b"GGUF" + bytes(1000))  # the right magic, not a model
    rc = cli_main(["doctor", "--model", str(fake), "--db", str(index_settings.paths.db)])
    out = capsys.readouterr().out
    assert rc == 1
    line = next(ln for ln in out.splitlines() if "language model" in ln)
    assert line.startswith("FAIL") and str(fake) in line and "truncated" in line
    assert "fix:" in out.split(line, 1)[1].splitlines()[1]
    assert "problem(s)" in out.splitlines()[-1]


def test_doctor_reports_invalid_data_folder(tmp_path, index_settings, capsys):
    from gsi_explorer.doctor import run_checks
    from tests.robust.helpers import copy_data, read_events, write_events

    folder = copy_data(tmp_path / "data")
    header, rows = read_events(folder)
    i = next(i for i, r in enumerate(rows) if r["date"] and r["date_precision"] == "day")
    rows[i]["date"] = "2023-02-30"
    line = write_events(folder, header, rows)[i]
    settings = dataclasses.replace(index_settings, paths=dataclasses.replace(index_settings.paths, data=folder))
    check = next(c for c in run_checks(settings) if c.name == "event data")
    assert check.status == "fail" and f"events.csv:{line}: date: no such calendar day" in check.detail
    assert "existing database stays in use" in check.fix
