"""Where things live: shipped package data vs the user's cache (database, index, ingested documents)."""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

import platformdirs

APP = "gsi-explorer"


def package_dir(subpackage: str) -> Path:
    """Folder of a shipped sub-package (data, corpus, prompts, tui), editable or wheel install alike."""
    return Path(str(resources.files(f"gsi_explorer.{subpackage}")))


def shipped_data_dir() -> Path:
    return package_dir("data")


def cache_dir() -> Path:
    """Root for everything the app builds; GSI_HOME overrides it (tests, portable installs)."""
    root = os.environ.get("GSI_HOME")
    path = Path(root) if root else Path(platformdirs.user_cache_dir(APP))
    path.mkdir(parents=True, exist_ok=True)
    return path


def config_file() -> Path:
    root = os.environ.get("GSI_HOME")
    if root:
        return Path(root) / "config.toml"
    return Path(platformdirs.user_config_dir(APP)) / "config.toml"


def default_db_path() -> Path:
    return cache_dir() / "gsi.duckdb"


def default_index_dir() -> Path:
    return cache_dir() / "index"


def user_corpus_dir() -> Path:
    """Documents added with `gsi-explorer ingest` (text extracted, with provenance sidecars)."""
    path = cache_dir() / "user_corpus"
    path.mkdir(parents=True, exist_ok=True)
    return path
