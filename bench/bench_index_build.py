"""Index build time against the baseline of raw SentenceTransformer.encode of the same chunk texts (ratio), the
no-op status check, and query latency p50/p95 per mode.

Run: .venv/bin/python bench/bench_index_build.py [--repeat 3]
Everything is built in a private temporary folder; the user's cache is not touched.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ["GSI_HOME"] = tempfile.mkdtemp(prefix="gsi-bench-build-")

from gsi_explorer.offline import enforce_offline  # noqa: E402

enforce_offline()

QUERIES = [
    "Which PICs got ministerial sideline meetings?",
    "How many interactions did Chen Wenqing have with foreign counterparts?",
    "What happened to Meng Hongwei at Interpol?",
    "Global Public Security Cooperation Forum participants 2024",
    "Lancang-Mekong law enforcement cooperation center",
    "When did Wang Xiaohong meet Serbia's interior minister?",
    "counter-narcotics cooperation with the United States",
    "SCO Regional Anti-Terrorism Structure",
    "training police officers from Africa",
    "China-Central Asia ministerial conference in Lianyungang",
]


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def main() -> int:
    import shutil

    from gsi_explorer.config import load_settings
    from gsi_explorer.data import load
    from gsi_explorer.index import store
    from gsi_explorer.index.embed import Embedder, model_dir
    from gsi_explorer.index.retrieve import Retriever

    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    home = Path(os.environ["GSI_HOME"])
    s = load_settings()
    s = dataclasses.replace(s, paths=dataclasses.replace(s.paths, db=home / "gsi.duckdb", index_dir=home / "index"))
    load.build(None, s.paths.db)

    t = time.perf_counter()
    embedder = Embedder(model_dir(s))
    load_s = time.perf_counter() - t
    chunks, _, _ = store.collect(s)
    texts = [c.search_text for c in chunks]
    print(f"{len(texts)} chunks, {sum(map(len, texts)):,} characters; model load {load_s:.1f} s (excluded below)")

    raw, full, cached = [], [], []
    for _ in range(args.repeat):
        t = time.perf_counter()
        embedder.model.encode(texts, batch_size=64, normalize_embeddings=True, show_progress_bar=False)
        raw.append(time.perf_counter() - t)
        shutil.rmtree(s.paths.index_dir, ignore_errors=True)  # no embedding cache: a cold build
        t = time.perf_counter()
        store.build(s, embedder=embedder)
        full.append(time.perf_counter() - t)
        t = time.perf_counter()
        store.build(s, embedder=embedder)  # same corpus again: every vector comes from the cache
        cached.append(time.perf_counter() - t)
    r_med, f_med, c_med = statistics.median(raw), statistics.median(full), statistics.median(cached)
    print(f"raw SentenceTransformer.encode (baseline) median {r_med:6.2f} s")
    print(f"index build, cold                          median {f_med:6.2f} s   ratio {f_med / r_med:.2f}x baseline")
    print(f"index build, embeddings cached             median {c_med:6.2f} s   ratio {c_med / r_med:.2f}x baseline")
    st = []
    for _ in range(20):
        t = time.perf_counter()
        state = store.status(s).state
        st.append((time.perf_counter() - t) * 1000)
    print(f"status() ({state})                            median {statistics.median(st):6.1f} ms")

    r = Retriever.load(s, embedder=embedder)
    for q in QUERIES:  # warm-up
        r.search(q, k=6)
    print(f"\nquery latency, k=6, {len(QUERIES)} queries x {args.repeat * 3} rounds")
    print(f"{'mode':<8} {'p50 ms':>8} {'p95 ms':>8}")
    for mode in ("bm25", "dense", "hybrid"):
        times = []
        for _ in range(args.repeat * 3):
            for q in QUERIES:
                t = time.perf_counter()
                r.search(q, k=6, mode=mode)
                times.append((time.perf_counter() - t) * 1000)
        print(f"{mode:<8} {pct(times, 0.5):>8.2f} {pct(times, 0.95):>8.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
