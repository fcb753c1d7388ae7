"""The on-disk index (chunks + FAISS + BM25 + aliases) and its manifest; build, status and atomic swap.

Layout under settings.paths.index_dir:
    CURRENT            name of the live version folder (replaced atomically)
    v-<stamp>/         manifest.json, chunks.jsonl, vectors.npy, faiss.index, bm25/, aliases.json
    .lock              held while building, so two builds never interleave
A build writes a new version folder and only then points CURRENT at it: a kill at any moment leaves the previous
index in service. status() only hashes files (no torch), so it can run on every start.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from gsi_explorer.errors import GsiError
from gsi_explorer.index.chunking import CHUNKER_VERSION, DEFAULT_PARAMS, Chunk, ChunkParams

FORMAT = 1
# Above this many vectors search uses HNSW instead of exact inner product: there one exact query takes ~20 ms on
# 2 cores (as long as embedding the query) and grows linearly; HNSW stays near 1 ms (bench/bench_index_faiss.py).
ANN_THRESHOLD = 50_000
IVF_NPROBE = 128
HNSW_M = 32
HNSW_EF_SEARCH = 128
FILES = ("chunks.jsonl", "vectors.npy", "faiss.index", "aliases.json")

Progress = Callable[[str, int, int], None]


class IndexError_(GsiError):
    pass


@dataclass(frozen=True)
class IndexStatus:
    state: str  # fresh | stale | missing | corrupt
    reason: str

    @property
    def fresh(self) -> bool:
        return self.state == "fresh"


# ---------- fingerprints ----------

def _hash_cache_path(settings) -> Path:
    return Path(settings.paths.index_dir) / "hashcache.json"


def _load_hash_cache(settings) -> dict:
    try:
        return json.loads(_hash_cache_path(settings).read_text())
    except (OSError, ValueError):
        return {}


def _save_hash_cache(settings, cache: dict) -> None:
    path = _hash_cache_path(settings)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".hashcache.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(dict(list(cache.items())[-64:])))
        os.replace(tmp, path)
    except OSError:
        pass


def expected_fingerprint(settings, params: ChunkParams = DEFAULT_PARAMS) -> dict:
    """What a fresh index must have been built from: corpus, data, model and chunker, by hash."""
    from gsi_explorer.index.embed import model_dir, model_fingerprint
    from gsi_explorer.index.sources import corpus_files_fingerprint, data_fingerprint

    cache = _load_hash_cache(settings)
    model = model_fingerprint(model_dir(settings), cache)
    _save_hash_cache(settings, cache)
    corpus = corpus_files_fingerprint()
    return {
        "format": FORMAT,
        "paper": corpus["paper"],
        "user": corpus["user"],
        "data": data_fingerprint(settings.paths.db),
        "model": {"id": model["id"], "sha256": model["sha256"]},
        "chunker": {"version": CHUNKER_VERSION, "params": params.as_dict()},
    }


def _diff(built: dict, now: dict) -> str:
    reasons = []
    if built.get("format") != now["format"]:
        reasons.append("index format changed")
    if built.get("paper") != now["paper"]:
        reasons.append("the paper text changed")
    bu, nu = built.get("user") or {}, now["user"]
    if bu != nu:
        added, gone = len(set(nu) - set(bu)), len(set(bu) - set(nu))
        reasons.append(f"user documents changed ({added} added, {gone} removed)")
    if built.get("data") != now["data"]:
        reasons.append("the event database changed" if now["data"] else "the event database is missing")
    if built.get("model") != now["model"]:
        reasons.append(f"the embedding model changed ({now['model']['id']})")
    if built.get("chunker") != now["chunker"]:
        reasons.append("chunking settings changed")
    return "; ".join(reasons)


# ---------- layout ----------

def _root(settings) -> Path:
    return Path(settings.paths.index_dir)


def current_dir(settings) -> Path | None:
    pointer = _root(settings) / "CURRENT"
    try:
        name = pointer.read_text().strip()
    except (OSError, UnicodeDecodeError):
        return None
    return _root(settings) / name if name and "/" not in name and name.startswith("v-") else _root(settings) / ".invalid"


def _sha(path: Path) -> str:
    h = hashlib.sha256()
    if path.is_dir():
        for f in sorted(p for p in path.rglob("*") if p.is_file()):
            h.update(f.relative_to(path).as_posix().encode())
            h.update(_sha(f).encode())
        return h.hexdigest()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def read_manifest(settings) -> dict | None:
    d = current_dir(settings)
    if d is None:
        return None
    try:
        return json.loads((d / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def check_integrity(folder: Path) -> tuple[dict | None, str]:
    """(manifest, "") when every file matches the manifest's hashes, else (None, what is wrong)."""
    if not folder.is_dir():
        return None, f"index folder {folder.name} is missing"
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        files = manifest["files"]
        manifest["fingerprint"]
    except FileNotFoundError:
        return None, "manifest.json is missing"
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return None, f"manifest.json is unreadable ({exc.__class__.__name__})"
    for name, digest in files.items():
        path = folder / name
        if not path.exists():
            return None, f"{name} is missing"
        if _sha(path) != digest:
            return None, f"{name} does not match the hash in the manifest (damaged)"
    return manifest, ""


def status(settings, params: ChunkParams = DEFAULT_PARAMS) -> IndexStatus:
    """fresh | stale | missing | corrupt, with the reason. Hashes files only; never imports torch."""
    folder = current_dir(settings)
    if folder is None:
        return IndexStatus("missing", f"no index in {_root(settings)} — run `gsi-explorer index build`")
    manifest, problem = check_integrity(folder)
    if manifest is None:
        return IndexStatus("corrupt", f"{problem} ({folder})")
    try:
        now = expected_fingerprint(settings, params)
    except GsiError as exc:
        return IndexStatus("stale", str(exc))
    why = _diff(manifest["fingerprint"], now)
    if why:
        return IndexStatus("stale", why)
    return IndexStatus("fresh", f"{manifest.get('counts', {}).get('chunks', '?')} chunks, built {manifest.get('created')}")


# ---------- build ----------

@contextmanager
def _lock(settings):
    root = _root(settings)
    root.mkdir(parents=True, exist_ok=True)
    with (root / ".lock").open("a+") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def _tag_mentions(chunks: list[Chunk], vocabulary: dict) -> list[Chunk]:
    """Paper/user chunks get the countries and officials they mention, so view filters can apply to them."""
    import re
    from dataclasses import replace

    def names(facets: tuple[str, ...]) -> list[tuple[str, re.Pattern]]:
        out = []
        for facet in facets:
            for canonical, aliases in (vocabulary.get(facet) or {}).items():
                for n in {str(canonical), *map(str, aliases or [])}:
                    if len(n) >= 4 and n[:1].isupper():
                        out.append((str(canonical), re.compile(r"(?<!\w)" + re.escape(n) + r"(?!\w)")))
        return out

    countries = names(("country", "countries"))
    officials = names(("official", "officials"))
    result = []
    for c in chunks:
        if c.kind == "readout":
            result.append(c)
            continue
        cs = tuple(sorted({canon for canon, p in countries if p.search(c.text)}))
        os_ = tuple(sorted({canon for canon, p in officials if p.search(c.text)}))
        result.append(replace(c, countries=cs, officials=os_))
    return result


def collect(settings, params: ChunkParams = DEFAULT_PARAMS, progress: Progress | None = None):
    """(chunks, alias table, event count) for the current corpus and database."""
    from gsi_explorer.index.aliases import AliasTable, learn_acronyms
    from gsi_explorer.index.chunking import chunk_passages
    from gsi_explorer.index.ingest import list_documents, user_passages
    from gsi_explorer.index.readouts import readout_passages
    from gsi_explorer.index.sources import event_records, paper_passages

    if progress:
        progress("read corpus", 0, 3)
    passages = paper_passages()
    events, vocabulary = event_records(settings)
    if progress:
        progress("read corpus", 1, 3)
    passages += readout_passages(events)
    if progress:
        progress("read corpus", 2, 3)
    for doc in list_documents():
        try:
            passages += user_passages(doc)
        except (OSError, UnicodeDecodeError):
            continue  # removed or damaged since listing; status will notice the change
    if progress:
        progress("read corpus", 3, 3)
    acronyms = learn_acronyms([p.text for p in passages if p.kind != "readout"])
    chunks = _tag_mentions(chunk_passages(passages, params), vocabulary)
    aliases = AliasTable.build(acronyms, vocabulary, texts=[c.text for c in chunks])
    return chunks, aliases, len(events)


def _ensure_database(settings, progress: Progress | None) -> None:
    try:
        from gsi_explorer.data import load
    except ImportError:
        return
    load.ensure_built(settings)


def _cache_paths(settings, model_sha: str) -> tuple[Path, Path]:
    folder = _root(settings) / "embeddings"
    return folder / f"{model_sha[:16]}.npy", folder / f"{model_sha[:16]}.json"


def _cached_vectors(settings, model_sha: str) -> dict[str, "object"]:
    """search_text hash -> vector from earlier builds with the same model (embedding is the slow part of a build).

    Kept outside the version folders so a damaged index is rebuilt without re-embedding; checked by its own hash.
    """
    import numpy as np

    vec_path, key_path = _cache_paths(settings, model_sha)
    try:
        meta = json.loads(key_path.read_text(encoding="utf-8"))
        if meta.get("model_sha256") != model_sha or _sha(vec_path) != meta.get("sha256"):
            return {}
        vecs = np.load(vec_path)
    except (OSError, ValueError, KeyError):
        return {}
    keys = meta.get("keys") or []
    return dict(zip(keys, vecs)) if len(keys) == len(vecs) else {}


def _save_cache(settings, model_sha: str, keys: list[str], vectors) -> None:
    import numpy as np

    vec_path, key_path = _cache_paths(settings, model_sha)
    vec_path.parent.mkdir(parents=True, exist_ok=True)
    for old in vec_path.parent.iterdir():  # one model's cache at a time
        if not old.name.startswith(model_sha[:16]):
            old.unlink(missing_ok=True)
    tmp = vec_path.with_name(f".{vec_path.stem}.{os.getpid()}.tmp.npy")
    tmp_meta = key_path.with_name(f".{key_path.name}.{os.getpid()}.tmp")
    try:
        np.save(tmp, vectors)
        meta = {"model_sha256": model_sha, "sha256": _sha(tmp), "keys": keys}
        os.replace(tmp, vec_path)
        tmp_meta.write_text(json.dumps(meta), encoding="utf-8")
        os.replace(tmp_meta, key_path)
    finally:
        tmp.unlink(missing_ok=True)
        tmp_meta.unlink(missing_ok=True)


def _text_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def make_faiss(vectors, kind: str | None = None):
    """Exact inner product below ANN_THRESHOLD vectors, HNSW above (IVF on request).

    HNSW, not IVF: on overlapping clusters (bench/bench_index_faiss.py, 100 k vectors) HNSW keeps recall@10 ≈ 0.97
    where IVF at nprobe 32 falls to ≈ 0.6. Its slower build (~70 s per 100 k) is small beside embedding 100 k chunks.
    """
    import math

    import faiss

    n, dim = vectors.shape
    kind = kind or ("hnsw" if n >= ANN_THRESHOLD else "flat")
    if kind == "hnsw":
        index = faiss.IndexHNSWFlat(dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = 80
        index.hnsw.efSearch = HNSW_EF_SEARCH
    elif kind == "ivf":
        nlist = max(1, int(4 * math.sqrt(n)))
        index = faiss.IndexIVFFlat(faiss.IndexFlatIP(dim), dim, nlist, faiss.METRIC_INNER_PRODUCT)
        import numpy as np

        sample = vectors[np.random.default_rng(0).choice(n, min(n, 40 * nlist), replace=False)]
        index.train(sample)
        index.nprobe = IVF_NPROBE
    else:
        index = faiss.IndexFlatIP(dim)
    if n:
        index.add(vectors)
    return index, kind


def tune(index) -> None:
    """Search-time parameters are not stored in the file; set them after reading an index."""
    import faiss

    if hasattr(index, "hnsw"):
        index.hnsw.efSearch = HNSW_EF_SEARCH
    try:
        faiss.extract_index_ivf(index).nprobe = IVF_NPROBE
    except RuntimeError:
        pass


def build(settings, progress: Progress | None = None, params: ChunkParams = DEFAULT_PARAMS,
          embedder=None) -> dict:
    """Build the whole index into a new version folder and switch to it; returns the manifest."""
    import numpy as np

    from gsi_explorer.index.embed import Embedder, model_dir
    from gsi_explorer.index.lexical import Lexical

    t0 = time.perf_counter()
    _ensure_database(settings, progress)
    root = _root(settings)
    with _lock(settings):
        fingerprint = expected_fingerprint(settings, params)
        chunks, aliases, n_events = collect(settings, params, progress)
        reuse = _cached_vectors(settings, fingerprint["model"]["sha256"])
        hashes = [_text_hash(c.search_text) for c in chunks]
        todo = [i for i, h in enumerate(hashes) if h not in reuse]
        t_embed = time.perf_counter()
        dim = None
        vectors = None
        if todo:
            embedder = embedder or Embedder(model_dir(settings), getattr(settings.model, "threads", None))
            dim = embedder.dim
            fresh = embedder.encode([chunks[i].search_text for i in todo],
                                    progress=(lambda d, t: progress("embed", d, t)) if progress else None)
        else:
            fresh = None
            if progress:
                progress("embed", len(chunks), len(chunks))
        if reuse:
            dim = dim or len(next(iter(reuse.values())))
        vectors = np.zeros((len(chunks), dim or 384), dtype="float32")
        for i, h in enumerate(hashes):
            if h in reuse:
                vectors[i] = reuse[h]
        if todo:
            vectors[todo] = fresh
        t_embed = time.perf_counter() - t_embed
        if progress:
            progress("index", 0, 2)
        index, kind = make_faiss(vectors)
        lexical = Lexical.build([c.search_text for c in chunks])
        if progress:
            progress("index", 1, 2)

        stamp = time.strftime("%Y%m%d-%H%M%S") + f"-{os.getpid()}-{int(time.time_ns() % 1_000_000)}"
        work = root / f".tmp-v-{stamp}"
        work.mkdir(parents=True)
        try:
            import faiss

            with (work / "chunks.jsonl").open("w", encoding="utf-8") as fh:
                for c, h in zip(chunks, hashes):
                    fh.write(json.dumps({**c.to_json(), "text_hash": h}, ensure_ascii=False) + "\n")
            np.save(work / "vectors.npy", vectors)
            faiss.write_index(index, str(work / "faiss.index"))
            lexical.save(work / "bm25")
            (work / "aliases.json").write_text(json.dumps(aliases.to_json(), ensure_ascii=False, indent=0))
            files = {name: _sha(work / name) for name in (*FILES, "bm25")}
            counts: dict[str, int] = {"chunks": len(chunks), "events": n_events, "embedded": len(todo)}
            for c in chunks:
                counts[f"kind:{c.kind}"] = counts.get(f"kind:{c.kind}", 0) + 1
            manifest = {
                "id": hashlib.sha256(json.dumps([fingerprint, files], sort_keys=True).encode()).hexdigest()[:16],
                "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                "fingerprint": fingerprint,
                "model": {**fingerprint["model"], "path": str(model_dir(settings)), "dim": int(vectors.shape[1])},
                "faiss": {"type": kind, "metric": "inner_product", "threshold": ANN_THRESHOLD},
                "bm25": {"k1": 1.2, "b": 0.75},
                "counts": counts,
                "files": files,
                "timings_s": {"embed": round(t_embed, 3), "total": round(time.perf_counter() - t0, 3)},
            }
            (work / "manifest.json").write_text(json.dumps(manifest, indent=1, ensure_ascii=False))
            for f in work.rglob("*"):
                if f.is_file():
                    with f.open("rb") as fh:
                        os.fsync(fh.fileno())
            final = root / work.name.removeprefix(".tmp-")
            os.rename(work, final)
            pointer_tmp = root / f".CURRENT.{os.getpid()}.tmp"
            pointer_tmp.write_text(final.name)
            with pointer_tmp.open("rb") as fh:
                os.fsync(fh.fileno())
            os.replace(pointer_tmp, root / "CURRENT")
        except BaseException as exc:
            shutil.rmtree(work, ignore_errors=True)
            pointer_tmp = root / f".CURRENT.{os.getpid()}.tmp"
            pointer_tmp.unlink(missing_ok=True)
            final = root / work.name.removeprefix(".tmp-")
            if final.exists() and current_dir(settings) != final:
                shutil.rmtree(final, ignore_errors=True)
            if isinstance(exc, OSError):
                raise IndexError_(f"cannot write the index in {root}: {exc.strerror or exc} — free disk space "
                                  "(or set [paths] index_dir elsewhere) and run `gsi-explorer index build`; "
                                  "the previous index is still in use") from exc
            raise
        try:
            _save_cache(settings, fingerprint["model"]["sha256"], hashes, vectors)
        except OSError:
            pass  # the embedding cache only speeds up the next build
        _cleanup(root, keep=final.name)
        if progress:
            progress("index", 2, 2)
        return manifest


def _cleanup(root: Path, keep: str) -> None:
    """Remove superseded versions and leftovers of interrupted builds (we hold the lock)."""
    for p in root.iterdir():
        if p.name == keep:
            continue
        if p.is_dir() and (p.name.startswith("v-") or p.name.startswith(".tmp-v-")):
            shutil.rmtree(p, ignore_errors=True)
        elif p.name.startswith(".CURRENT.") or p.name.startswith(".hashcache."):
            try:
                p.unlink()
            except OSError:
                pass


def ensure_index(settings, progress: Progress | None = None, notify: Callable[[str], None] | None = None) -> None:
    """Build when missing, stale or corrupt (saying why); cheap when fresh."""
    st = status(settings)
    if st.fresh:
        return
    if notify:
        notify(f"index {st.state}: {st.reason} — rebuilding" if st.state != "missing" else "building the index")
    build(settings, progress)
