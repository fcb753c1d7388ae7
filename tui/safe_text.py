"""Data is shown as data: escape sequences and control characters in records must never reach the terminal.

Every string that comes from the database passes through `clean` (plain str) or `text` (rich Text, never markup).
"""

from __future__ import annotations

import re

from rich.text import Text

# ESC-introduced sequences (CSI, OSC, DCS, SOS/PM/APC and two-byte escapes), plus their 8-bit C1 forms.
_ESCAPES = re.compile(
    r"""
    \x1b\[[0-?]*[ -/]*[@-~]            # CSI ... final byte
  | \x1b[\]PX^_].*?(?:\x07|\x1b\\|$)  # OSC / DCS / SOS / PM / APC ... BEL or ST
  | \x1b[@-Z\\-_]                      # other two-byte escapes
  | \x9b[0-?]*[ -/]*[@-~]              # 8-bit CSI
  | [\x90\x9d\x98\x9e\x9f].*?(?:\x07|\x9c|$)  # 8-bit DCS / OSC / SOS / PM / APC
    """,
    re.VERBOSE | re.DOTALL,
)
# Everything still a control character after the sequences are gone: C0 (bar tab/newline), DEL, C1, bidi overrides.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_SPACES = re.compile(r"[\t\n\r]+")


def clean(value: object, *, multiline: bool = False) -> str:
    """Printable text for `value`; None becomes ''. Single-line unless `multiline` (tabs/newlines kept)."""
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        value = "; ".join(clean(v) for v in value)
    s = str(value)
    s = _ESCAPES.sub("", s)
    s = _CONTROLS.sub("", s)
    if not multiline:
        s = _SPACES.sub(" ", s)
    return s


def text(value: object, *, multiline: bool = False) -> Text:
    """A rich Text that renders `value` literally (square brackets are not markup); styling comes from .tcss."""
    return Text(clean(value, multiline=multiline))
