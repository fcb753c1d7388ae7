"""One validation finding, and the error that carries all of them at once."""

from __future__ import annotations

from dataclasses import dataclass

from gsi_explorer.errors import GsiError


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    column: str
    problem: str
    value: str
    fix: str
    severity: str = "error"  # "error" stops the build; "warning" is reported and the row is kept

    def __str__(self) -> str:
        tag = "" if self.severity == "error" else "warning: "
        return f"{self.file}:{self.line}: {self.column}: {tag}{self.problem} ({show(self.value)}) — {self.fix}"


def show(value: str, n: int = 80) -> str:
    """A value as it can be printed safely: control characters escaped, long text clipped, blank named."""
    if value == "":
        return "blank"
    text = "".join(c if c.isprintable() else repr(c)[1:-1] for c in value)
    return text if len(text) <= n else text[: n - 1] + "…"


class ValidationError(GsiError):
    """Raised with every error found, so one edit pass can fix them all."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__(str(self))

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems if p.severity == "error")
