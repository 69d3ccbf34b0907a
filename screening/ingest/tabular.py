"""Reading a CSV file against one of our JSON Schemas: file-level faults raise InputError naming the
file; row-level faults come back as quarantine records so the rest of the file goes on."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from screening import quarantine_reasons as reasons
from screening import schemas
from screening.errors import InputError
from screening.model import QuarantineRecord


@dataclass
class CsvRow:
    line: int  # first physical line of the record, 1-based, header is line 1
    raw: str
    values: dict[str, str | None]


@dataclass
class CsvRead:
    path: str
    header: list[str]
    rows: list[CsvRow]
    quarantine: list[QuarantineRecord]


def decode_text(data: bytes, path: str) -> str:
    if not data.strip():
        raise InputError(f"{path}: the file is empty")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text (invalid byte at offset {exc.start})") from exc


MAX_RECORD_LINES = 2000  # a quoted field may hold line breaks, but not a whole file's worth


def read_csv(path: str | Path, schema_name: str, data: bytes | None = None) -> CsvRead:
    """Parse a CSV whose header must carry the schema's required columns (any order, extra allowed).

    Accounting by physical record: every non-blank line after the header is read as a row, quarantined
    on its own with its line number and raw text, or (only when that gives a well-formed record whose
    continuation lines are not rows themselves) joined into a record with a quoted multi-line field. So a
    stray quote (`"MUELLER`) costs one row, never the rows after it."""
    path = str(path)
    if data is None:
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            raise InputError(f"{path}: cannot be read ({exc.strerror})") from exc
    text = decode_text(data, path)
    lines = list(io.StringIO(text, newline=""))  # physical lines as the csv module sees them
    first = next((i for i, line in enumerate(lines) if line.strip()), 0)
    header = _header(lines[first] if lines else "", first + 1, path, schema_name)
    rows: list[CsvRow] = []
    quarantine: list[QuarantineRecord] = []
    width = len(header)
    i, n = first + 1, len(lines)
    while i < n:
        line_no = i + 1
        if not lines[i].strip():
            i += 1
            continue
        fields, used, error = _record_at(lines, i, width)
        raw = "".join(lines[i : i + used]).rstrip("\r\n")
        i += used
        if fields is None:
            quarantine.append(
                QuarantineRecord(path, str(line_no), reasons.ROW_UNPARSEABLE, f"{path}: line {line_no}: {error}", raw)
            )
            continue
        if not any(f.strip() for f in fields):
            continue  # a line of separators only: not a record
        if len(fields) > width and not any(f.strip() for f in fields[width:]):
            fields = fields[:width]  # trailing separators some spreadsheets add
        if len(fields) != width:
            quarantine.append(
                QuarantineRecord(
                    path,
                    str(line_no),
                    reasons.ROW_FIELD_COUNT,
                    f"{path}: line {line_no}: {len(fields)} fields where the header has {width}",
                    raw,
                )
            )
            continue
        values = {h: (v.strip() or None) for h, v in zip(header, fields, strict=True)}
        rows.append(CsvRow(line=line_no, raw=raw, values=values))
    return CsvRead(path=path, header=header, rows=rows, quarantine=quarantine)


def _header(line: str, line_no: int, path: str, schema_name: str) -> list[str]:
    """The header row's column names (lower case): readable, with the schema's required columns, none twice."""
    try:
        header = [h.strip().lower() for h in next(csv.reader([line], strict=True))]
    except (StopIteration, csv.Error) as exc:
        raise InputError(f"{path}: line {line_no}: no readable header row") from exc
    missing = [c for c in schemas.required_columns(schema_name) if c not in header]
    if missing:
        raise InputError(
            f"{path}: line {line_no}: header lacks required column(s) {', '.join(missing)} "
            f"(see schemas/{schema_name}.schema.json)"
        )
    duplicated = sorted({h for h in header if header.count(h) > 1})
    if duplicated:
        raise InputError(f"{path}: line {line_no}: header repeats column(s) {', '.join(duplicated)}")
    return header


def _record_at(lines: list[str], i: int, width: int) -> tuple[list[str] | None, int, str]:
    """(fields, physical lines used, error) for the record starting at line index i. A record that would
    run over several lines is accepted only when it has the header's width and none of its continuation
    lines is a complete row by itself; otherwise line i alone is the broken record."""
    line = lines[i]
    if '"' not in line:
        return line.rstrip("\r\n").split(","), 1, ""
    reader = csv.reader(_feed(lines, i), strict=True)
    try:
        fields = next(reader)
    except csv.Error as exc:
        reason = str(exc)
        if "unexpected end of data" in reason:
            reason = "a quoted field opened on this line never closes (unbalanced quote)"
        return None, 1, reason
    except StopIteration:
        return [], 1, ""
    used = reader.line_num
    if used == 1:
        return fields, 1, ""
    if any(_is_row(lines[k], width) for k in range(i + 1, i + used)):
        return None, 1, "unbalanced quote: the quoted field opened on this line would swallow the lines after it"
    return fields, used, ""  # one record with quoted line breaks (checked for its width by the caller)


def _feed(lines: list[str], i: int) -> Iterator[str]:
    yield from lines[i : i + MAX_RECORD_LINES]


def _is_row(line: str, width: int) -> bool:
    """A line that parses on its own into a full-width record, or holds nearly a record's worth of
    separators (a row with a stray quote of its own), is a row: never a continuation line."""
    if width > 3 and line.count(",") >= width - 2:
        return True
    try:
        fields = next(csv.reader([line], strict=True))
    except (csv.Error, StopIteration):
        return False
    return len(fields) == width


def split_multi(value: str | None, separator: str = "|") -> list[str]:
    if not value:
        return []
    return [part.strip() for part in value.split(separator) if part.strip()]
