"""Prompt templates are data: text files declared in prompts.toml, checked when loaded, filled by name.

A template may only use the fields its declaration lists, and a render must pass exactly those fields, so a
typo in a prompt file fails at load time instead of silently sending "{qustion}" to the model.
Values are inserted verbatim (never re-parsed), so braces in corpus text cannot inject fields.
"""

from __future__ import annotations

import string
import tomllib
from dataclasses import dataclass
from pathlib import Path

from gsi_explorer.errors import GsiError

PROMPTS_DIR = Path(__file__).resolve().parent
DECLARATIONS = "prompts.toml"


class PromptError(GsiError):
    """A prompt file or its declaration is wrong, or a render was given the wrong values."""


@dataclass(frozen=True)
class PromptTemplate:
    name: str
    text: str
    variables: tuple[str, ...]
    path: Path

    def render(self, **values: object) -> str:
        given, wanted = set(values), set(self.variables)
        if given != wanted:
            missing, extra = sorted(wanted - given), sorted(given - wanted)
            raise PromptError(
                f"{self.path}: prompt '{self.name}' rendered with missing {missing} / unexpected {extra} values "
                f"— it declares {sorted(wanted)} in {DECLARATIONS}"
            )
        return self.text.format_map({k: str(v) for k, v in values.items()})


def template_fields(text: str, origin: str) -> set[str]:
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError as exc:
        raise PromptError(f"{origin}: malformed field ({exc}) — write literal braces as {{{{ and }}}}") from None
    fields: set[str] = set()
    for _literal, field, spec, conversion in parsed:
        if field is None:
            continue
        if not field.isidentifier() or spec or conversion:
            raise PromptError(f"{origin}: field {{{field}}} must be a plain name (no index, format spec or conversion)")
        fields.add(field)
    return fields


def load_all(directory: Path | None = None) -> dict[str, PromptTemplate]:
    """Load and check every declared template; any mismatch is an error naming the file and the fix."""
    directory = Path(directory) if directory else PROMPTS_DIR
    decl_path = directory / DECLARATIONS
    try:
        declared = tomllib.loads(decl_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PromptError(f"{decl_path}: missing — each prompt folder needs a {DECLARATIONS} declaring its templates") from None
    except tomllib.TOMLDecodeError as exc:
        raise PromptError(f"{decl_path}: not valid TOML ({exc})") from None
    templates: dict[str, PromptTemplate] = {}
    for name, spec in declared.items():
        if not isinstance(spec, dict) or "file" not in spec or "variables" not in spec:
            raise PromptError(f"{decl_path}: [{name}] needs `file` and `variables` keys")
        path = directory / spec["file"]
        try:
            text = path.read_text(encoding="utf-8").rstrip("\n")
        except FileNotFoundError:
            raise PromptError(f"{path}: prompt file for [{name}] is missing — create it or fix `file` in {decl_path}") from None
        used = template_fields(text, str(path))
        declared_vars = set(spec["variables"])
        if used != declared_vars:
            raise PromptError(
                f"{path}: uses fields {sorted(used)} but {decl_path} [{name}] declares {sorted(declared_vars)} "
                f"— undeclared: {sorted(used - declared_vars)}, unused: {sorted(declared_vars - used)}"
            )
        templates[name] = PromptTemplate(name, text, tuple(spec["variables"]), path)
    return templates


_CACHE: dict[Path, dict[str, PromptTemplate]] = {}


def load(name: str, directory: Path | None = None) -> PromptTemplate:
    """One template by name (the whole folder is checked on first use)."""
    key = Path(directory).resolve() if directory else PROMPTS_DIR
    if key not in _CACHE:
        _CACHE[key] = load_all(key)
    try:
        return _CACHE[key][name]
    except KeyError:
        raise PromptError(f"{key / DECLARATIONS}: no prompt named '{name}' — known: {', '.join(sorted(_CACHE[key]))}") from None
