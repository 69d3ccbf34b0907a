"""Readers for carrier files. `parse_file` sniffs the format; each reader returns a ParseResult and
raises InputError only for a file that cannot be read at all."""

from __future__ import annotations

import re
from pathlib import Path

from screening.errors import InputError
from screening.model import ParseResult

FORMATS = ("csv", "json", "paxlst")


_EDIFACT_TAG = re.compile(rb"(?:^|[^A-Z0-9])UN[ABH][^A-Z0-9\s,]")


def sniff_format(path: str | Path, data: bytes) -> str:
    """By content first (carriers misname files), then by extension. Teletype envelopes wrap lines
    anywhere, even inside a tag ("UN" / "H+..."), so line breaks are removed before looking for one."""
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:4096]
    if head[:1] in (b"{", b"["):
        return "json"
    collapsed = head.upper().replace(b"\r", b"").replace(b"\n", b"")
    if _EDIFACT_TAG.search(collapsed):
        return "paxlst"
    suffix = Path(path).suffix.lower()
    if suffix in (".edi", ".edifact", ".paxlst"):
        return "paxlst"
    if suffix == ".json":
        return "json"
    return "csv"


def parse_file(path: str | Path, data: bytes | None = None) -> ParseResult:
    """Read one carrier file. A file that cannot be read at all raises InputError naming it; the error
    carries `travellers`, how many traveller records are visible in the file, so the caller's quarantine
    record can count them (`getattr(exc, "travellers", 0)`)."""
    path = str(path)
    if data is None:
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            raise InputError(f"{path}: cannot be read ({exc.strerror})") from exc
    fmt = sniff_format(path, data)
    try:
        return _parse(path, data, fmt)
    except InputError as exc:
        exc.travellers = visible_travellers(fmt, data)  # type: ignore[attr-defined]
        raise


def visible_travellers(fmt: str, data: bytes) -> int:
    """A reader-independent count of the traveller records a person would see in a file that cannot be
    read: person NAD segments (PAXLST), non-blank lines after the first (CSV), traveller_ref or surname
    keys (JSON)."""
    from screening.ingest.edifact import decode

    text = decode(data)
    if fmt == "paxlst":
        from screening.ingest.paxlst import visible_persons

        return visible_persons(text)
    if fmt == "json":
        return max(len(re.findall(r'"traveller_ref"\s*:', text)), len(re.findall(r'"surname"\s*:', text)))
    lines = [line for line in re.split(r"\r\n|\r|\n", text) if line.strip(' \t,"')]
    return max(len(lines) - 1, 0)


def _parse(path: str, data: bytes, fmt: str) -> ParseResult:
    if fmt == "json":
        from screening.ingest.json_manifest import parse_manifest_json

        return parse_manifest_json(path, data)
    if fmt == "paxlst":
        from screening.ingest.paxlst import parse_paxlst

        return parse_paxlst(data, path)
    from screening.ingest.csv_manifest import parse_manifest_csv

    return parse_manifest_csv(path, data)
