"""Reading a CSV the way users actually save them (BOM, CRLF, Excel quoting) while reporting every defect by line."""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass, field
from pathlib import Path

from gsi_explorer.data.problems import Problem


FIELD_LIMIT = 100_000  # characters; a longer value is a stray quote or pasted junk, not a title or summary
PARSER_LIMIT = 1 << 26  # the csv module's own ceiling, high enough that over-long fields get named by column
csv.field_size_limit(max(csv.field_size_limit(), PARSER_LIMIT))


@dataclass
class CsvTable:
    path: Path
    header: list[str]
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)  # (first line number, row)
    sha256: str = ""


def file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_csv(path: Path, expected: tuple[str, ...], required: tuple[str, ...], problems: list[Problem],
             allow_empty: bool = False) -> CsvTable | None:
    """Parse `path`; append problems; return None when the file cannot be read as a table at all."""
    name = path.name
    try:
        raw = path.read_bytes()
    except OSError as exc:
        problems.append(Problem(name, 0, "-", "cannot read file", exc.strerror or str(exc),
                                "check the path and its permissions"))
        return None
    digest = hashlib.sha256(raw).hexdigest()
    if not raw.strip():
        problems.append(Problem(name, 1, "-", "file is empty", "", f"write the header line: {','.join(expected)}"))
        return None
    try:
        text = raw.decode("utf-8-sig")  # a BOM (Excel's "CSV UTF-8") is accepted and dropped
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        problems.append(Problem(name, line, f"byte {col}", "not UTF-8 text",
                                f"0x{raw[exc.start]:02x}", "save the file as UTF-8 (e.g. 'CSV UTF-8' in Excel)"))
        return None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        problems.append(Problem(name, line, "-", "contains a NUL byte (binary file?)", "\\x00",
                                "save the table as plain CSV text"))
        return None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
    except csv.Error as exc:
        problems.append(Problem(name, 1, "header", "cannot parse header", str(exc), "fix the quoting of the header"))
        return None
    header = [h.strip() for h in header]
    table = CsvTable(path, header, sha256=digest)
    ok = True
    seen: set[str] = set()
    for h in header:
        if h in seen:
            problems.append(Problem(name, 1, h, "duplicate column", h, "keep one column of that name"))
            ok = False
        seen.add(h)
        if h not in expected:
            problems.append(Problem(name, 1, h or "(blank)", "unknown column", h,
                                    f"rename or remove it; columns are: {', '.join(expected)}"))
            ok = False
    for h in required:
        if h not in seen:
            problems.append(Problem(name, 1, h, "missing column", "", f"add a '{h}' column to the header"))
            ok = False
    if not ok:
        return None
    start = 2
    while True:
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            msg = str(exc)
            if "field larger than field limit" in msg:
                problems.append(Problem(name, start, "-", f"a field is longer than {PARSER_LIMIT:,} characters",
                                        msg, "shorten it (a summary is at most 40 words), or close a quote left "
                                        "open on this line"))
                return None
            fix = ("close the quoted field: a field with commas or quotes must be wrapped in double quotes, "
                   "and a quote inside it written twice (\"\")")
            problems.append(Problem(name, start, "-", "broken quoting", msg, fix))
            return None
        line = start
        start = reader.line_num + 1
        if not record or (len(record) == 1 and not record[0].strip()):
            continue  # blank line
        if len(record) != len(header):
            problems.append(Problem(name, line, "-", f"row has {len(record)} fields, header has {len(header)}",
                                    _clip(",".join(record)),
                                    "quote fields that contain commas, or add/remove fields to match the header"))
            continue
        row = dict(zip(header, map(str.strip, record)))
        for h, v in row.items():
            if len(v) > FIELD_LIMIT:
                row[h] = v[:FIELD_LIMIT]
                problems.append(Problem(name, line, h, f"{len(v):,} characters, at most {FIELD_LIMIT:,}",
                                        v[:40], "shorten it (a summary is at most 40 words), or close a quote left "
                                        "open on this line"))
        table.rows.append((line, row))
    if not table.rows and not allow_empty:
        problems.append(Problem(name, 1, "-", "header only, no data rows", "", "add at least one row below the header"))
    for h in expected:  # optional columns absent from the header read as blank
        if h not in seen:
            for _, row in table.rows:
                row[h] = ""
    return table


def _clip(value: str, n: int = 60) -> str:
    return value if len(value) <= n else value[: n - 1] + "…"
