"""Retrieval quality on tests/devset/retrieval.jsonl: recall@1/5/10 and MRR for BM25, dense and hybrid,
and the chunk-size sweep the default ChunkParams was chosen from.

Run: .venv/bin/python bench/bench_index_eval.py [--sweep] [--sizes 300,450,600,800,1200,0]
(size 0 = one chunk per paragraph; the sweep rebuilds the index per size, ~1–3 min each on 2 cores). Builds into a private temporary folder; the user's cache is not touched.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
os.environ["GSI_HOME"] = tempfile.mkdtemp(prefix="gsi-bench-eval-")  # no user documents in the measurement

from gsi_explorer.offline import enforce_offline  # noqa: E402

enforce_offline()


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--devset", type=Path, default=ROOT / "tests" / "devset" / "retrieval.jsonl")
    ap.add_argument("--sweep", action="store_true", help="also compare chunk sizes (slow)")
    ap.add_argument("--sizes", default="300,450,600,800,1200,0")
    args = ap.parse_args()

    from gsi_explorer.config import load_settings
    from gsi_explorer.data import load
    from gsi_explorer.index import store
    from gsi_explorer.index.chunking import DEFAULT_PARAMS, ChunkParams
    from gsi_explorer.index.embed import Embedder
    from gsi_explorer.index.evaluate import evaluate, format_table, load_devset
    from gsi_explorer.index.retrieve import Retriever

    items = load_devset(args.devset)
    home = Path(os.environ["GSI_HOME"])
    settings = load_settings()
    settings = dataclasses.replace(settings, paths=dataclasses.replace(
        settings.paths, db=home / "gsi.duckdb", index_dir=home / "index"))
    load.build(None, settings.paths.db)
    embedder = Embedder.from_settings(settings)

    def run(params: ChunkParams) -> tuple[dict, dict]:
        t = time.perf_counter()
        manifest = store.build(settings, params=params, embedder=embedder)
        build_s = time.perf_counter() - t
        # open() skips the freshness check, which compares against DEFAULT_PARAMS (a sweep differs on purpose)
        r = Retriever.open(settings, store.current_dir(settings), embedder)
        res = evaluate(r, items)
        return res, {"chunks": manifest["counts"]["chunks"], "build_s": build_s}

    print(f"dev set: {args.devset.relative_to(ROOT)} — {len(items)} questions "
          f"({sum(i.get('kind') == 'paper' for i in items)} paper, {sum(i.get('kind') == 'event' for i in items)} event)")
    if args.sweep:
        print("\nchunk size sweep (max_chars; 0 = whole paragraphs), hybrid unless noted:")
        print(f"{'max_chars':>9} {'chunks':>7} {'R@1':>6} {'R@5':>6} {'R@10':>6} {'MRR':>6} {'bm25 R@5':>9} "
              f"{'dense R@5':>10}")
        for size in [int(s) for s in args.sizes.split(",")]:
            params = dataclasses.replace(DEFAULT_PARAMS, max_chars=size or 100_000)
            res, info = run(params)
            h = res["hybrid"]
            mark = "  ← default" if params == DEFAULT_PARAMS else ""
            print(f"{size:>9} {info['chunks']:>7} {h['recall@1']:>6.3f} {h['recall@5']:>6.3f} {h['recall@10']:>6.3f} "
                  f"{h['mrr']:>6.3f} {res['bm25']['recall@5']:>9.3f} {res['dense']['recall@5']:>10.3f}{mark}",
                  flush=True)
    res, info = run(DEFAULT_PARAMS)
    print(f"\ndefault chunking {DEFAULT_PARAMS.as_dict()} — {info['chunks']} chunks")
    print(format_table(res))
    h, b, d = res["hybrid"], res["bm25"], res["dense"]
    print(f"\nhybrid beats bm25 and dense on recall@5: {h['recall@5'] > max(b['recall@5'], d['recall@5'])}; "
          f"recall@5 ≥ 0.9: {h['recall@5'] >= 0.9}")
    if h["misses"]:
        print("hybrid misses at k=5:", ", ".join(h["misses"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
