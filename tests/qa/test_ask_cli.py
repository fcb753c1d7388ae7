"""`gsi-explorer ask` as a user runs it: a subprocess with the session's database and index."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest


def run(args, index_settings, timeout=600):
    env = dict(os.environ, GSI_DB=str(index_settings.paths.db), GSI_INDEX_DIR=str(index_settings.paths.index_dir))
    return subprocess.run([sys.executable, "-m", "gsi_explorer", "ask", *args], capture_output=True, text=True,
                          env=env, timeout=timeout)


def test_json_prints_exactly_one_object(index_settings):
    p = run(["How many times did Chen Wenqing meet Russian officials?", "--json", "-k", "4"], index_settings)
    assert p.returncode == 0, p.stderr
    lines = [line for line in p.stdout.splitlines() if line.strip()]
    assert len(lines) == 1
    data = json.loads(lines[0])
    assert set(data) == {"question", "answer", "route", "citations", "unsupported", "model", "timings_ms"}
    assert data["route"] in {"table", "table+text"} and data["citations"][0]["kind"] == "event"
    assert data["model"].startswith("SmolLM2")


def test_batch_and_save(index_settings, tmp_path):
    batch = tmp_path / "questions.txt"
    batch.write_text('In what year did China join Interpol?\n\n{"q": "What is the boiling point of water?"}\n',
                     encoding="utf-8")
    transcript = tmp_path / "answers.md"
    p = run(["--batch", str(batch), "--save", str(transcript)], index_settings)
    assert p.returncode == 0, p.stderr
    rows = [json.loads(line) for line in p.stdout.splitlines() if line.strip()]
    assert [r["question"] for r in rows] == ["In what year did China join Interpol?", "What is the boiling point of water?"]
    assert "1984" in rows[0]["answer"] and rows[1]["route"] == "none"
    md = transcript.read_text(encoding="utf-8")
    assert md.count("## Q:") == 2 and "sha256" in md and "index manifest" in md


@pytest.mark.parametrize("make, expect", [
    (lambda d: d / "missing.gguf", "model file not found"),
    (lambda d: (d / "notes.txt").write_text("hello") and d / "notes.txt", "not a GGUF"),
])
def test_bad_model_is_a_clear_error(index_settings, tmp_path, make, expect):
    model = make(tmp_path)
    p = run(["anything", "--model", str(model)], index_settings, timeout=120)
    assert p.returncode == 2 and expect in p.stderr and str(model) in p.stderr and p.stdout == ""


def test_bad_batch_line_names_file_and_line(index_settings, tmp_path):
    batch = tmp_path / "b.jsonl"
    batch.write_text('{"q": "ok?"}\n{"question": "wrong field"}\n', encoding="utf-8")
    p = run(["--batch", str(batch)], index_settings, timeout=120)
    assert p.returncode == 2 and f"{batch}:2" in p.stderr and '"q"' in p.stderr


def test_too_long_question_is_refused(index_settings):
    p = run(["x" * 100_000], index_settings, timeout=120)
    assert p.returncode == 2 and "limit is 2,000" in p.stderr
