"""Fixtures for the explorer's Pilot and snapshot tests: the real EventStore over the shared test database,
and an independent DuckDB connection (on a copy of the file) that computes the expected numbers."""

from __future__ import annotations

import shutil

import duckdb
import pytest


@pytest.fixture
def anyio_backend():
    return "asyncio"


@pytest.fixture
def ref(db_path, tmp_path):
    """Independent read-only connection for expected values (a copy, so its settings never clash with the store's)."""
    copy = tmp_path / "reference.duckdb"
    shutil.copyfile(db_path, copy)
    con = duckdb.connect(str(copy), read_only=True)
    yield con
    con.close()


@pytest.fixture
def store(db_path):
    from gsi_explorer.data.query import EventStore

    s = EventStore.open(db_path)
    yield s
    close = getattr(s, "close", None)
    if close:
        close()


@pytest.fixture
def make_app(store):
    from gsi_explorer.tui.app import GsiApp

    def make(view=None, page_size: int = 200, db_store=None):
        return GsiApp(db_store or store, view=view, page_size=page_size)

    return make
