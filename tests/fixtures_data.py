"""Shared fixtures over the real shipped event data: `db_path` (built once per session) and `store`."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def db_path(tmp_path_factory):
    """The shipped CSVs built into a private DuckDB file (once per test session)."""
    from gsi_explorer.data import load

    path = tmp_path_factory.mktemp("gsi-db") / "gsi.duckdb"
    load.build(None, path)
    return path


@pytest.fixture(scope="session")
def store(db_path):
    """An EventStore (read-only) on `db_path`; shared, so tests must not rely on its internal state."""
    from gsi_explorer.data.query import EventStore

    s = EventStore.open(db_path)
    yield s
    s.close()
