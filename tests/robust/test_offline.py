"""Offline by construction: a whole session (build, index build, ingest, search, ask, doctor, the explorer) runs in
an interpreter whose every network socket, connection and name lookup raises — and nothing even tries. The offline
variables are set by the app itself, not by the user's shell."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.robust.helpers import ROOT, cli_env

OFFLINE_VARS = ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_DATASETS_OFFLINE", "HF_HUB_DISABLE_TELEMETRY",
                "DO_NOT_TRACK")


def _strace_prefix(log: Path) -> list[str]:
    """Trace connect/send syscalls of every thread and child too (catches C code that bypasses Python)."""
    strace = shutil.which("strace")
    if not strace:
        return []
    probe = subprocess.run([strace, "-f", "--seccomp-bpf", "-qq", "-e", "trace=connect", "-o", "/dev/null", "true"],
                           capture_output=True, timeout=30)
    if probe.returncode != 0:
        return []
    return [strace, "-f", "--seccomp-bpf", "-qq", "-e", "trace=connect,sendto,sendmsg", "-e", "signal=none",
            "-o", str(log)]


@pytest.fixture(scope="module")
def offline_session(index_settings, tmp_path_factory):
    """Run tests/robust/offline_run.py with the network blocked; the index is seeded with the session's vectors
    (embedding the paper again proves nothing about sockets), the ingest step embeds new text for real."""
    work = tmp_path_factory.mktemp("offline")
    home = work / "home"
    home.mkdir()
    shutil.copytree(index_settings.paths.index_dir, home / "index")
    # a short answer is enough to prove generation runs offline; the answer's quality is tested elsewhere
    (home / "config.toml").write_text("[model]\nmax_tokens = 48\n", encoding="utf-8")
    trace = work / "strace.log"
    cmd = [*_strace_prefix(trace), sys.executable, "-m", "tests.robust.offline_run", str(work)]
    result = subprocess.run(cmd, cwd=ROOT, env=cli_env(home, netblock=work), capture_output=True, text=True,
                            timeout=900)
    assert result.returncode == 0, result.stderr[-4000:]
    steps = {s["step"]: s for s in json.loads((work / "steps.json").read_text(encoding="utf-8"))}
    net = (work / "net.log").read_text(encoding="utf-8") if (work / "net.log").exists() else ""
    env = (work / "env.log").read_text(encoding="utf-8") if (work / "env.log").exists() else ""
    traced = trace.read_text(encoding="utf-8") if trace.exists() else None
    return steps, net, env, traced


@pytest.mark.parametrize("step", ["build", "index build", "ingest", "search", "ask"])
def test_step_runs_with_the_network_blocked(offline_session, step):
    steps, _, _, _ = offline_session
    s = steps[step]
    assert s["rc"] == 0, f"{step}: {s['rc']}\n{s['err']}"


def test_steps_did_real_work(offline_session):
    steps, _, _, _ = offline_session
    assert "296 interactions" in steps["build"]["out"] or "interactions" in steps["build"]["out"]
    assert "added" in steps["ingest"]["out"] and "index updated" in steps["ingest"]["out"]
    results = json.loads(steps["search"]["out"])["results"]
    assert results and any("Pacific" in r["text"] for r in results)
    assert steps["ask"]["out"].strip() and "route:" in steps["ask"]["out"]
    doctor = json.loads(steps["doctor"]["out"])
    states = {c["name"]: c["status"] for c in doctor["checks"]}
    assert states["database"] == "ok" and states["search index"] == "ok" and states["language model"] == "ok"
    seen = steps["explorer"].get("seen")
    assert steps["explorer"]["rc"] == 0, steps["explorer"]
    assert seen["rows"] > 0 and 0 < seen["search_rows"] <= seen["rows"]
    assert seen["sql"] == [[str(seen["rows"])]]
    assert seen["charts"] == "ChartsScreen" and seen["help"] == "HelpScreen" and seen["ask"] == "AskScreen"
    assert seen["ask_status"].startswith("Ready"), seen["ask_status"]
    hub = steps["hub"]
    assert {"torch", "sentence_transformers", "llama_cpp", "faiss", "textual"} <= set(hub["modules"])
    assert hub["hub_offline"] in (True, "not imported")  # read by huggingface_hub at import: must already be on


def test_nothing_tried_the_network(offline_session):
    _, net, _, traced = offline_session
    assert net == "", f"network attempts (blocked):\n{net}"
    if traced is None:
        pytest.skip("strace is not available: only Python-level sockets were checked")
    inet = [ln for ln in traced.splitlines() if re.search(r"AF_INET6?\b", ln)]
    assert inet == [], "\n".join(inet[:20])


def test_offline_variables_set_by_the_app(offline_session):
    _, _, env, _ = offline_session
    values = dict(line.split("=", 1) for line in env.splitlines() if "=" in line)
    for var in OFFLINE_VARS:
        assert values.get(var) == "1", f"{var} not set by the app ({values.get(var)!r})"


@pytest.mark.parametrize("argv", [["--version"], ["--help"], ["doctor", "--help"], ["sql", "SELECT 1"]],
                         ids=["version", "help", "subcommand-help", "sql"])
@pytest.mark.parametrize("entry", ["console-script", "python-m"])
def test_every_entry_point_sets_offline_mode(entry, argv, tmp_path, db_path):
    """The variables are set before anything else runs, however the app is started (shell has none of them)."""
    exe = shutil.which("gsi-explorer", path=str(Path(sys.executable).parent))
    if entry == "console-script" and not exe:
        pytest.skip("console script not installed")
    cmd = [exe] if entry == "console-script" else [sys.executable, "-m", "gsi_explorer"]
    if argv[0] == "sql":
        shutil.copyfile(db_path, tmp_path / "gsi.duckdb")
        argv = [*argv, "--db", str(tmp_path / "gsi.duckdb")]
    result = subprocess.run([*cmd, *argv], cwd=ROOT, env=cli_env(tmp_path, netblock=tmp_path), capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    values = dict(ln.split("=", 1) for ln in (tmp_path / "env.log").read_text().splitlines() if "=" in ln)
    assert all(values.get(v) == "1" for v in OFFLINE_VARS), values
    assert not (tmp_path / "net.log").exists()


def test_sql_console_cannot_reach_the_network(store):
    """URLs in SQL are refused before any extension could be fetched (autoinstall/autoload are off)."""
    from gsi_explorer.errors import GsiError

    for query in ("INSTALL httpfs FROM 'http://example.com'", "SELECT * FROM read_json('https://example.com/x')",
                  "SELECT * FROM read_parquet('hf://datasets/x/y.parquet')"):
        with pytest.raises(GsiError):
            store.sql(query)
    settings = dict(store.sql("SELECT name, value FROM duckdb_settings() WHERE name IN "
                              "('enable_external_access', 'autoinstall_known_extensions', "
                              "'autoload_known_extensions', 'lock_configuration')").rows)
    assert settings == {"enable_external_access": "false", "autoinstall_known_extensions": "false",
                        "autoload_known_extensions": "false", "lock_configuration": "true"}


def test_question_asked_in_the_explorer_offline(offline_session):
    steps, _, _, _ = offline_session
    answer = steps["explorer"]["seen"]["ask_answer"]
    assert answer and answer["route"] in ("table", "table+text") and answer["citations"] > 0
