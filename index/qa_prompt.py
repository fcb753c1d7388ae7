"""Chat messages for one question: the system rules and the sources, fenced and numbered, as quoted data.

Sources are trimmed (whole sentences from the end of the lowest-ranked source first) so prompt + answer fit the
model's context window; numbering stays that of the SourceSet so markers map back to citations.
"""

from __future__ import annotations

from gsi_explorer import prompts
from gsi_explorer.index import verify as verifier
from gsi_explorer.index.qa_sources import SourceSet, sanitize

SAFETY_TOKENS = 48


def render_sources(items: list[tuple[int, str, str]]) -> str:
    block = prompts.load("source_block")
    return "\n".join(block.render(n=n, label=label, text=text) for n, label, text in items)


def build_messages(question: str, sources: SourceSet, llm, table_text: str = "") -> list[dict[str, str]]:
    system = prompts.load("system").render()
    answer = prompts.load("answer")
    table = ""
    if table_text:
        table = prompts.load("table_readout").render(query=table_text.splitlines()[0], result=sanitize(table_text))
    items = [(s.n, sanitize(s.label), sanitize(s.text)) for s in sources.for_prompt]

    def render(items_now) -> str:
        return answer.render(question=sanitize(question), sources=render_sources(items_now), table=table)

    budget = llm.n_ctx - llm.max_tokens - SAFETY_TOKENS - llm.count_tokens(system)
    user = render(items)
    while llm.count_tokens(user) > budget and items:
        n, label, text = items[-1]
        sentences = verifier.split_sentences(text)
        if len(sentences) > 1:
            items[-1] = (n, label, " ".join(sentences[:-1]))
        else:
            items.pop()
        user = render(items)
    return [{"role": "system", "content": system}, {"role": "user", "content": user}]
