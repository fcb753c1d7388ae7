"""Settings grouped by concern; precedence: defaults < config.toml < GSI_* environment < command-line flags."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from gsi_explorer import paths


@dataclass(frozen=True)
class PathSettings:
    db: Path = field(default_factory=paths.default_db_path)
    data: Path | None = None  # folder with the CSV files; None = the shipped data
    index_dir: Path = field(default_factory=paths.default_index_dir)


@dataclass(frozen=True)
class ModelSettings:
    llm: Path | None = None  # GGUF file; None = the bundled SmolLM2-135M-Instruct
    embedder: Path | None = None  # sentence-transformers folder; None = the bundled all-MiniLM-L6-v2
    n_ctx: int = 2048
    max_tokens: int = 256
    temperature: float = 0.0
    threads: int | None = None


@dataclass(frozen=True)
class IndexSettings:
    k: int = 6


@dataclass(frozen=True)
class UISettings:
    page_size: int = 200


@dataclass(frozen=True)
class Settings:
    paths: PathSettings = field(default_factory=PathSettings)
    model: ModelSettings = field(default_factory=ModelSettings)
    index: IndexSettings = field(default_factory=IndexSettings)
    ui: UISettings = field(default_factory=UISettings)


ENV = {  # variable -> (group, key)
    "GSI_DB": ("paths", "db"),
    "GSI_DATA": ("paths", "data"),
    "GSI_INDEX_DIR": ("paths", "index_dir"),
    "GSI_MODEL": ("model", "llm"),
    "GSI_EMBED_MODEL": ("model", "embedder"),
}


class ConfigError(ValueError):
    pass


def _coerce(group: Any, key: str, value: Any, origin: str) -> Any:
    names = {f.name: f for f in fields(group)}
    if key not in names:
        raise ConfigError(f"{origin}: unknown setting '{key}' in [{type(group).__name__}] — known: {', '.join(names)}")
    current = getattr(group, key)
    kind = names[key].type
    if value is None:
        return None
    if "Path" in str(kind):
        return Path(str(value)).expanduser()
    if isinstance(current, bool):
        return bool(value)
    if isinstance(current, int) or "int" in str(kind):
        try:
            return int(value)
        except (TypeError, ValueError):
            raise ConfigError(f"{origin}: {key} must be a whole number (got {value!r})") from None
    if isinstance(current, float):
        return float(value)
    return value


def _apply(settings: Settings, group_name: str, updates: dict[str, Any], origin: str) -> Settings:
    group = getattr(settings, group_name)
    changed = {k: _coerce(group, k, v, origin) for k, v in updates.items()}
    return replace(settings, **{group_name: replace(group, **changed)})


def load_settings(config_path: Path | None = None, overrides: dict[str, dict[str, Any]] | None = None) -> Settings:
    """Build settings: file, then environment, then explicit overrides (flags); None overrides are ignored."""
    settings = Settings()
    path = config_path or paths.config_file()
    if path.exists():
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path}: not valid TOML ({exc}) — fix or delete the file") from None
        for group_name, values in raw.items():
            if group_name not in {f.name for f in fields(Settings)} or not isinstance(values, dict):
                raise ConfigError(f"{path}: unknown section [{group_name}] — use [paths], [model], [index] or [ui]")
            settings = _apply(settings, group_name, values, str(path))
    for var, (group_name, key) in ENV.items():
        if os.environ.get(var):
            settings = _apply(settings, group_name, {key: os.environ[var]}, f"${var}")
    for group_name, values in (overrides or {}).items():
        given = {k: v for k, v in values.items() if v is not None}
        if given:
            settings = _apply(settings, group_name, given, "command line")
    return settings
