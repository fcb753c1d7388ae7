"""BM25 over chunk texts (bm25s), with a tokenizer shared by indexing and querying."""

from __future__ import annotations

import re
from pathlib import Path

_TOKEN = re.compile(r"[a-z0-9]+(?:[-+][a-z0-9]+)*|[\u4e00-\u9fff]")
STOPWORDS = frozenset(
    """a an and are as at be been but by did do does for from had has have he her his how in into is it its
    of on or our she that the their them they this those to was we were what when where which who whom why
    will with would""".split()
)


def stem(word: str) -> str:
    """Light English stemming: enough to match islands/island, countries/country, meetings/meeting."""
    if len(word) <= 3 or not word.isalpha():
        return word
    for suffix, repl in (("ies", "y"), ("sses", "ss"), ("ings", ""), ("ing", ""), ("ness", ""), ("ed", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: len(word) - len(suffix)] + repl
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def tokenize(text: str) -> list[str]:
    text = text.lower().replace("’", "'")
    out = []
    for tok in _TOKEN.findall(text):
        if tok in STOPWORDS:
            continue
        out.append(stem(tok))
        if "-" in tok:  # "counter-narcotics" also as "counter" + "narcotics"
            out.extend(stem(p) for p in tok.split("-") if p and p not in STOPWORDS)
    return out


class Lexical:
    def __init__(self, model):
        self.model = model

    @classmethod
    def build(cls, texts: list[str]) -> "Lexical":
        import bm25s

        model = bm25s.BM25(k1=1.2, b=0.75)
        model.index([tokenize(t) or ["\u2205"] for t in texts], show_progress=False)
        return cls(model)

    def save(self, folder: Path) -> None:
        self.model.save(str(folder))

    @classmethod
    def load(cls, folder: Path) -> "Lexical":
        import bm25s

        return cls(bm25s.BM25.load(str(folder)))

    def scores(self, query: str):
        """BM25 score of every chunk for `query` (numpy array)."""
        import numpy as np

        vocab = self.model.vocab_dict
        toks = [t for t in tokenize(query) if t in vocab]
        n = int(self.model.scores["num_docs"])
        if not toks:
            return np.zeros(n, dtype="float32")
        return np.asarray(self.model.get_scores(toks), dtype="float32")
