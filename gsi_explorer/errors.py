"""Errors a user can act on: each message names the file/line/field and the fix; the CLI exits 2."""


class GsiError(Exception):
    """Base for expected, user-facing failures (bad input, missing model, stale index...)."""

    exit_code = 2
