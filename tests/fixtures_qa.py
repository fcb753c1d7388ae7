"""Shared Q&A fixtures: the bundled GGUF loaded once, and an `answerer` over the session's database and index.

Everything is real: llama-cpp-python with the default SmolLM2-135M model, the session DuckDB file, the FAISS/BM25
index built by the index fixtures.
"""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def qa_model():
    from gsi_explorer.index.llm import LocalLLM

    from gsi_explorer.config import load_settings

    return LocalLLM.load(load_settings().model)


@pytest.fixture(scope="session")
def answerer(index_settings, store, retriever, qa_model):
    from gsi_explorer.index.answer import Answerer
    from gsi_explorer.index.route import TableQA

    return Answerer(index_settings, store, retriever, qa_model, TableQA(store))
