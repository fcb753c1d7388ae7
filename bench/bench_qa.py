"""Question answering: time to first token and total per route, model tokens/s against llama.cpp's raw token
loop on the same prompt, and peak RSS with the TUI, model and index loaded.

    python bench/bench_qa.py [--repeat N]

Uses the user's database and index (built first if missing). All numbers come from this run.
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import statistics
import sys
import time

QUESTIONS = {
    "table": "How many times did Chen Wenqing meet Russian officials?",
    "text": "How many participants did the 2024 GPSCFL attract?",
    "table+text": "which PICs got ministerial sideline meetings",
    "none": "What is the boiling point of water?",
}
SPEED_QUESTION = "What is the Global Security Initiative?"


def median(xs):
    return statistics.median(xs) if xs else float("nan")


def time_routes(answerer, repeat: int) -> None:
    print(f"{'route asked':12s} {'got':11s} {'first token ms':>15s} {'total ms':>9s} {'generate ms':>12s}")
    for route, question in QUESTIONS.items():
        firsts, totals, gens, got = [], [], [], ""
        for _ in range(repeat):
            start = time.perf_counter()
            first: list[float] = []
            answer = answerer.ask(question, on_token=lambda _p: first or first.append(time.perf_counter()))
            end = time.perf_counter()
            firsts.append(((first[0] if first else end) - start) * 1000)
            totals.append((end - start) * 1000)
            gens.append(answer.timings_ms["generate"])
            got = answer.route
        print(f"{route:12s} {got:11s} {median(firsts):15.0f} {median(totals):9.0f} {median(gens):12.0f}")


def token_speed(answerer, repeat: int) -> None:
    """Same prompt, same number of new tokens: the pipeline's streaming chat call vs Llama.generate."""
    from llama_cpp.llama_chat_format import Jinja2ChatFormatter

    from gsi_explorer.index.llm import REPEAT_PENALTY
    from gsi_explorer.index.qa_prompt import build_messages
    from gsi_explorer.index.qa_sources import relevant_hits

    llm = answerer.llm
    route = answerer.table.router.parse(SPEED_QUESTION)
    sources = relevant_hits(answerer.retriever, SPEED_QUESTION, route, None, answerer.table, k=answerer.settings.index.k)
    messages = build_messages(SPEED_QUESTION, sources, llm)
    n_new = 96

    ours, raw = [], []
    for _ in range(repeat):
        t0 = time.perf_counter()
        stamps: list[float] = []
        g = llm.chat(messages, max_tokens=n_new, stop=[], on_token=lambda _p: stamps.append(time.perf_counter()))
        if len(stamps) > 1:
            ours.append((len(stamps) - 1) / (stamps[-1] - stamps[0]))
        _ = t0, g

    llama = llm.llama
    meta = llama.metadata
    vocab_eos = llama.detokenize([llama.token_eos()]).decode("utf-8", "ignore")
    vocab_bos = llama.detokenize([llama.token_bos()]).decode("utf-8", "ignore")
    fmt = Jinja2ChatFormatter(template=meta["tokenizer.chat_template"], eos_token=vocab_eos, bos_token=vocab_bos)
    prompt = fmt(messages=messages).prompt
    tokens = llama.tokenize(prompt.encode("utf-8"), add_bos=False, special=True)
    prompt_tokens = len(tokens)
    for _ in range(repeat):
        llama.reset()
        stamps = []
        for tok in llama.generate(tokens, top_k=1, top_p=1.0, temp=0.0, repeat_penalty=REPEAT_PENALTY, reset=True):
            stamps.append(time.perf_counter())
            if len(stamps) >= n_new or tok == llama.token_eos():
                break
        if len(stamps) > 1:
            raw.append((len(stamps) - 1) / (stamps[-1] - stamps[0]))
    print(f"\nprompt {prompt_tokens} tokens, {n_new} new tokens, median of {repeat}")
    print(f"  model via create_chat_completion (streamed): {median(ours):7.1f} tokens/s")
    print(f"  llama.cpp raw token loop (Llama.generate):   {median(raw):7.1f} tokens/s")
    print(f"  ratio ours/raw: {median(ours) / median(raw):.2f}")


def peak_rss_with_tui(answerer) -> None:
    from textual.app import App

    from gsi_explorer.tui.screens.ask import ANSWERER_ATTR, AskScreen

    class Host(App):
        def on_mount(self) -> None:
            setattr(self, ANSWERER_ATTR, answerer)
            self.push_screen(AskScreen())

    async def drive() -> None:
        app = Host()
        async with app.run_test(size=(120, 40)) as pilot:
            screen = app.screen
            screen.query_one("#ask-question").value = QUESTIONS["table+text"]
            await pilot.press("enter")
            while not screen.answers:
                await asyncio.sleep(0.1)
            await pilot.pause()

    asyncio.run(drive())
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak RSS with TUI + model + index + embedder loaded, one answer shown: {peak_mb:.0f} MB")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    from gsi_explorer.config import load_settings
    from gsi_explorer.index.answer import Answerer
    from gsi_explorer.offline import enforce_offline

    enforce_offline()
    t0 = time.perf_counter()
    answerer = Answerer.load(load_settings(), progress=lambda m, d, t: print(f"  [{d}/{t}] {m}", file=sys.stderr))
    print(f"Q&A stack loaded in {time.perf_counter() - t0:.1f} s (model {answerer.llm.model_id})\n")
    answerer.ask(QUESTIONS["text"])  # warm-up: first call pays for lazy initialisation
    time_routes(answerer, args.repeat)
    token_speed(answerer, args.repeat)
    peak_rss_with_tui(answerer)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
