"""Retrieval quality on a dev set: recall@k and MRR per ranking mode.

A question is answered at rank r when the r-th retrieved chunk contains one of its evidence substrings (compared
after whitespace normalisation and with footnote markers removed on both sides) or carries one of its event_keys.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

KS = (1, 5, 10)
MODES = ("bm25", "dense", "hybrid")


def norm(text: str) -> str:
    from gsi_explorer.corpus.paper import strip_footnotes

    text = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    return re.sub(r"\s+", " ", strip_footnotes(text)).strip().lower()


def load_devset(path: Path) -> list[dict]:
    items = []
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except ValueError as exc:
            raise ValueError(f"{path}:{n}: not JSON ({exc})") from None
        if not item.get("q") or not (item.get("evidence") or item.get("event_keys")):
            raise ValueError(f"{path}:{n}: needs 'q' and 'evidence' or 'event_keys'")
        items.append(item)
    return items


def is_hit(text: str, event_key: str | None, item: dict) -> bool:
    keys = set(item.get("event_keys") or ())
    if event_key and event_key in keys:
        return True
    t = norm(text)
    return any(norm(e) in t for e in item.get("evidence") or () if e.strip())


def first_hit_rank(hits, item: dict) -> int | None:
    for h in hits:
        if is_hit(h.text, h.event_key, item):
            return h.rank
    return None


def evaluate(retriever, items: list[dict], modes=MODES, ks=KS) -> dict[str, dict]:
    """{mode: {"recall@1": .., "recall@5": .., "recall@10": .., "mrr": .., "n": .., "misses": [ids at max k]}}"""
    out: dict[str, dict] = {}
    depth = max(ks)
    for mode in modes:
        ranks = []
        for item in items:
            hits = retriever.search(item["q"], k=depth, mode=mode)
            ranks.append(first_hit_rank(hits, item))
        n = len(items)
        row = {f"recall@{k}": sum(1 for r in ranks if r is not None and r <= k) / n for k in ks}
        row["mrr"] = sum(1.0 / r for r in ranks if r is not None) / n
        row["n"] = n
        row["misses"] = [item.get("id", item["q"]) for item, r in zip(items, ranks) if r is None or r > 5]
        out[mode] = row
    return out


def format_table(results: dict[str, dict], ks=KS) -> str:
    head = f"{'mode':<8}" + "".join(f"{'R@' + str(k):>8}" for k in ks) + f"{'MRR':>8}{'n':>5}"
    lines = [head, "-" * len(head)]
    for mode, row in results.items():
        lines.append(f"{mode:<8}" + "".join(f"{row[f'recall@{k}']:>8.3f}" for k in ks)
                     + f"{row['mrr']:>8.3f}{row['n']:>5}")
    return "\n".join(lines)
