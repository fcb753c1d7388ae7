"""FAISS exact inner product (IndexFlatIP) vs approximate indexes on synthetic normalised 384-d vectors.

For 100 k vectors: flat, HNSW (the index store.py builds above store.ANN_THRESHOLD) and IVF; for 1 M: flat and IVF (an HNSW
build over 1 M vectors takes far longer than this benchmark's ~3 minute budget on 2 cores). Reports build time,
query latency (p50/p95 of single-query search, k=10) and recall@10 against exact search. The vectors are clustered
(a Gaussian mixture), which is closer to sentence embeddings than uniform noise.

Run: .venv/bin/python bench/bench_index_faiss.py [--sizes 100000,1000000] [--queries 200]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

DIM = 384


def synthetic(n: int, centers: np.ndarray, rng: np.random.Generator, noise: float = 2.0) -> np.ndarray:
    """Draws from a Gaussian mixture, normalised. With noise 2.0 a point's cosine to its own centre is only ~0.45,
    so clusters overlap and neighbours are not trivially one cluster (at noise ≤ 1 every index scores 1.0)."""
    out = np.empty((n, centers.shape[1]), dtype="float32")
    step = 200_000
    for i in range(0, n, step):
        m = min(step, n - i)
        out[i:i + m] = centers[rng.integers(0, len(centers), m)] + noise * rng.standard_normal(
            (m, centers.shape[1])).astype("float32")
    out /= np.linalg.norm(out, axis=1, keepdims=True)
    return out


def latencies(index, queries: np.ndarray, k: int = 10) -> tuple[np.ndarray, list[float]]:
    ids = np.empty((len(queries), k), dtype="int64")
    times = []
    for j, q in enumerate(queries):
        t = time.perf_counter()
        _, i = index.search(q.reshape(1, -1), k)
        times.append((time.perf_counter() - t) * 1000)
        ids[j] = i[0]
    return ids, times


def recall(found: np.ndarray, truth: np.ndarray) -> float:
    return float(np.mean([len(set(f) & set(t)) / len(t) for f, t in zip(found, truth)]))


def main() -> int:
    import faiss

    from gsi_explorer.index import store

    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="100000,1000000")
    ap.add_argument("--queries", type=int, default=200)
    args = ap.parse_args()
    faiss.omp_set_num_threads(2)
    rng = np.random.default_rng(0)
    print(f"faiss {faiss.__version__}, dim {DIM}, {args.queries} single queries, k=10; "
          f"HNSW M={store.HNSW_M} efSearch={store.HNSW_EF_SEARCH}; threshold in store.py: {store.ANN_THRESHOLD:,}")
    print(f"{'n':>9} {'index':<22} {'build s':>8} {'p50 ms':>8} {'p95 ms':>8} {'recall@10':>10} {'speed-up':>9}")
    for n in [int(x) for x in args.sizes.split(",")]:
        t0 = time.perf_counter()
        centers = rng.standard_normal((2000, DIM)).astype("float32")
        data = synthetic(n, centers, rng)
        queries = synthetic(args.queries, centers, rng)  # fresh draws, not perturbed copies of indexed points
        t = time.perf_counter()
        flat = faiss.IndexFlatIP(DIM)
        flat.add(data)
        flat_build = time.perf_counter() - t
        truth, flat_t = latencies(flat, queries)
        base = np.median(flat_t)
        print(f"{n:>9,} {'flat (exact)':<22} {flat_build:>8.2f} {np.median(flat_t):>8.3f} "
              f"{np.percentile(flat_t, 95):>8.3f} {1.0:>10.3f} {1.0:>8.1f}x", flush=True)
        candidates = []
        if n <= 200_000:  # HNSW over 1 M vectors takes >15 min to build on 2 cores
            candidates.append(("hnsw", None))
        nlist = int(4 * np.sqrt(n))
        candidates += [("ivf", 8), ("ivf", 32), ("ivf", 128)]
        ivf = None
        for kind, nprobe in candidates:
            t = time.perf_counter()
            if kind == "hnsw":
                index, _ = store.make_faiss(data, "hnsw")
                label = f"HNSW{store.HNSW_M} ef{store.HNSW_EF_SEARCH}"
                build = time.perf_counter() - t
            else:
                if ivf is None:
                    quant = faiss.IndexFlatIP(DIM)
                    ivf = faiss.IndexIVFFlat(quant, DIM, nlist, faiss.METRIC_INNER_PRODUCT)
                    train = data[rng.choice(n, min(n, 40 * nlist), replace=False)]
                    ivf.train(train)
                    ivf.add(data)
                    ivf_build = time.perf_counter() - t
                index = ivf
                index.nprobe = nprobe
                label = f"IVF{nlist} nprobe{nprobe}"
                build = ivf_build
            found, ts = latencies(index, queries)
            print(f"{n:>9,} {label:<22} {build:>8.2f} {np.median(ts):>8.3f} {np.percentile(ts, 95):>8.3f} "
                  f"{recall(found, truth):>10.3f} {base / np.median(ts):>8.1f}x", flush=True)
        del data, flat, ivf
        print(f"{'':>9} ({time.perf_counter() - t0:.0f} s for this size)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
