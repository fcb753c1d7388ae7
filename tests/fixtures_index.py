"""Shared index fixtures: a real index (real model, real FAISS) over the shipped paper and event data.

`index_settings` — Settings whose db is the session `db_path` and whose index_dir holds a built index (once per
session). `retriever` — a loaded Retriever on it. `embedder` — the bundled model, loaded once and shared.
"""

from __future__ import annotations

import dataclasses

import pytest


@pytest.fixture(scope="session")
def embedder():
    from gsi_explorer.config import load_settings
    from gsi_explorer.index.embed import Embedder

    return Embedder.from_settings(load_settings())


@pytest.fixture(scope="session")
def index_settings(db_path, tmp_path_factory, embedder):
    from gsi_explorer.config import load_settings
    from gsi_explorer.index import store

    settings = load_settings()
    settings = dataclasses.replace(
        settings,
        paths=dataclasses.replace(settings.paths, db=db_path, index_dir=tmp_path_factory.mktemp("gsi-index")),
    )
    store.build(settings, embedder=embedder)
    return settings


@pytest.fixture(scope="session")
def retriever(index_settings, embedder):
    from gsi_explorer.index.retrieve import Retriever

    return Retriever.load(index_settings, embedder=embedder)
