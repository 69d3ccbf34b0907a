"""Reading a CSV file against one of our JSON Schemas: file-level faults raise InputError naming the
file; row-level faults come back as quarantine records so the rest of the file goes on."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

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


def read_csv(path: str | Path, schema_name: str, data: bytes | None = None) -> CsvRead:
    """Parse a CSV whose header must carry the schema's required columns (any order, extra allowed)."""
    path = str(path)
    if data is None:
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            raise InputError(f"{path}: cannot be read ({exc.strerror})") from exc
    text = decode_text(data, path)
    lines = text.splitlines()
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except (StopIteration, csv.Error) as exc:
        raise InputError(f"{path}: line 1: no readable header row") from exc
    missing = [c for c in schemas.required_columns(schema_name) if c not in header]
    if missing:
        raise InputError(
            f"{path}: line 1: header lacks required column(s) {', '.join(missing)} "
            f"(see schemas/{schema_name}.schema.json)"
        )
    duplicated = sorted({h for h in header if header.count(h) > 1})
    if duplicated:
        raise InputError(f"{path}: line 1: header repeats column(s) {', '.join(duplicated)}")
    rows: list[CsvRow] = []
    quarantine: list[QuarantineRecord] = []
    start = 2
    for record in _records(reader, path, quarantine, lines):
        end, fields = record
        raw = "\n".join(lines[start - 1 : end])
        line, start = start, end + 1
        if fields is None:
            continue
        if not any(f.strip() for f in fields):
            continue  # blank line: not a record
        if len(fields) != len(header):
            quarantine.append(
                QuarantineRecord(path, str(line), "ROW_FIELD_COUNT",
                                 f"{path}: line {line}: {len(fields)} fields where the header has {len(header)}",
                                 raw)
            )
            continue
        values = {h: (v.strip() or None) for h, v in zip(header, fields, strict=True)}
        rows.append(CsvRow(line=line, raw=raw, values=values))
    return CsvRead(path=path, header=header, rows=rows, quarantine=quarantine)


def _records(reader: Iterator[list[str]], path: str, quarantine: list[QuarantineRecord],
             lines: list[str]) -> Iterator[tuple[int, list[str] | None]]:
    """Yield (last physical line, fields); a record the csv module cannot parse is quarantined."""
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            end = reader.line_num  # type: ignore[attr-defined]
            quarantine.append(
                QuarantineRecord(path, str(end), "ROW_UNPARSEABLE", f"{path}: line {end}: {exc}",
                                 lines[end - 1] if 0 < end <= len(lines) else "")
            )
            yield end, None
            continue
        yield reader.line_num, fields  # type: ignore[attr-defined]


def split_multi(value: str | None, separator: str = "|") -> list[str]:
    if not value:
        return []
    return [part.strip() for part in value.split(separator) if part.strip()]
