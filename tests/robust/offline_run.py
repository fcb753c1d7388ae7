"""One user session in a fresh interpreter whose network is switched off (run under netblock/sitecustomize.py).

    python -m tests.robust.offline_run WORKDIR

Runs build, index build, ingest (which embeds), search, ask, doctor and a short explorer session, and writes
WORKDIR/steps.json with each step's exit code and what it printed. Exits 0 when the session ran to the end.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import sys
import time
from pathlib import Path

from gsi_explorer.cli import main as cli_main


def run_step(name: str, argv: list[str], steps: list[dict]) -> None:
    out, err = io.StringIO(), io.StringIO()
    started = time.perf_counter()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            rc = cli_main(argv)
        except SystemExit as exc:
            rc = exc.code
        except Exception as exc:  # noqa: BLE001 — recorded for the test to show
            rc = f"{exc.__class__.__name__}: {exc}"
    steps.append({"step": name, "rc": rc, "seconds": round(time.perf_counter() - started, 2), "out": out.getvalue()[-200_000:], "err": err.getvalue()[-8000:]})


async def ask_in_explorer(pilot, question: str) -> dict | None:
    """Type a question on the Ask screen; the answer's route and citation count, or None if it never started."""
    screen = pilot.app.screen
    box = screen.query_one("#ask-question")
    box.value = question
    box.focus()
    await pilot.press("enter")
    for _ in range(50):  # the question is taken within a few event-loop rounds, or not at all
        if screen._answering or screen.answers:
            break
        await pilot.pause(0.1)
    else:
        return None
    for _ in range(1800):
        if screen.answers:
            a = screen.answers[-1]
            return {"route": a.route, "citations": len(a.citations)}
        await pilot.pause(0.1)
    return None


async def explorer_session(steps: list[dict]) -> None:
    from gsi_explorer.config import load_settings
    from gsi_explorer.data.query import EventStore
    from gsi_explorer.tui.app import GsiApp
    from tests.tui.pilot import settle, table

    store = EventStore.open(load_settings().paths.db)
    seen: dict = {}
    try:
        app = GsiApp(store)
        async with app.run_test(size=(160, 48)) as pilot:
            await settle(pilot)
            seen["rows"] = table(app).total
            await pilot.press("slash", *"police", "enter")
            await settle(pilot)
            seen["search_rows"] = table(app).total
            app.action_sql()
            await settle(pilot)
            app.screen.query_one("#sql-editor").text = "SELECT count(*) FROM interactions"
            await pilot.press("ctrl+r")
            await settle(pilot)
            seen["sql"] = app.screen.result_rows
            await pilot.press("escape")
            app.action_charts()
            await settle(pilot)
            seen["charts"] = type(app.screen).__name__
            await pilot.press("escape")
            app.action_ask()
            await settle(pilot)  # the question-answering stack loads in a worker, under the same block
            seen["ask"] = type(app.screen).__name__
            seen["ask_status"] = str(app.screen.query_one("#ask-status").render())
            seen["ask_answer"] = await ask_in_explorer(pilot, "How many times did Wang Xiaohong meet officials from "
                                                              "Vietnam?")
            await pilot.press("escape")
            app.action_help()
            await settle(pilot)
            seen["help"] = type(app.screen).__name__
        steps.append({"step": "explorer", "rc": 0, "seen": seen})
    finally:
        store.close()


def main() -> int:
    work = Path(sys.argv[1])
    doc = work / "field-notes.md"
    doc.write_text("# Field notes\n\nAt the Lianyungang forum in September 2024 the ministers discussed drug "
                   "control, cyber fraud and police training with Pacific Island delegations.\n", encoding="utf-8")
    steps: list[dict] = []
    run_step("build", ["build"], steps)
    run_step("index build", ["index", "build", "--force"], steps)
    run_step("ingest", ["ingest", str(doc)], steps)
    run_step("search", ["search", "Pacific Islands police dialogue", "--json", "-k", "3"], steps)
    run_step("ask", ["ask", "What does the paper say about the Global Security Initiative?", "-k", "3"], steps)
    run_step("doctor", ["doctor", "--json"], steps)
    try:
        asyncio.run(explorer_session(steps))
    except Exception as exc:  # noqa: BLE001
        steps.append({"step": "explorer", "rc": f"{exc.__class__.__name__}: {exc}"})
    hub = sys.modules.get("huggingface_hub.constants")
    steps.append({"step": "hub", "rc": 0, "hub_offline": getattr(hub, "HF_HUB_OFFLINE", None) if hub else "not imported",
                  "modules": sorted(m for m in ("torch", "sentence_transformers", "llama_cpp", "faiss", "textual")
                                    if m in sys.modules)})
    (work / "steps.json").write_text(json.dumps(steps, indent=1, default=str), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
