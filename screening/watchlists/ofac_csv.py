"""OFAC SDN list, legacy CSV as published: sdn.csv (one row per entry, no header) with alt.csv beside it
(aliases). Only individuals are kept for person screening; date of birth, nationality, citizenship,
gender and passport numbers live in the free-text remarks column and are parsed from it."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from screening import quarantine_reasons as reasons
from screening.errors import InputError
from screening.model import QuarantineRecord
from screening.watchlists.country_names import country_to_icao
from screening.watchlists.dates import parse_date_text
from screening.watchlists.model import WatchlistEntry, WatchlistLoad, content_version

LIST_NAME = "OFAC_SDN"
NULL = "-0-"
_SDN_COLUMNS = 12
_DOB = re.compile(r"^(?:alt\.\s*)?DOB\s+(.+)$", re.IGNORECASE)
_NATIONALITY = re.compile(r"^(?:alt\.\s*)?(?:nationality|citizen)\s+(.+)$", re.IGNORECASE)
_PASSPORT = re.compile(
    r"^(?:alt\.\s*)?Passport\s+([A-Z0-9][A-Z0-9 \-/]*?)(?:\s*\(|\s+issued|\s+expires|$)", re.IGNORECASE
)
_GENDER = re.compile(r"^Gender\s+(Male|Female)", re.IGNORECASE)


def _clean(value: str | None) -> str:
    value = (value or "").strip()
    return "" if value == NULL else value


def _decode(data: bytes) -> str:
    """OFAC's legacy files are Windows-1252, older copies UTF-8."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def parse_remarks(remarks: str) -> dict[str, list[str]]:
    """'DOB 10 Jan 1960; alt. DOB 1961; nationality Iran; Passport A123 (Iran)' -> the fields we screen."""
    found: dict[str, list[str]] = {"dob": [], "nationality": [], "passport": [], "sex": []}
    for clause in remarks.split(";"):
        clause = clause.strip().rstrip(".")
        if m := _DOB.match(clause):
            value = parse_date_text(m.group(1))
            if value:
                found["dob"].append(value)
        elif m := _NATIONALITY.match(clause):
            code = country_to_icao(m.group(1).strip())
            if code:
                found["nationality"].append(code)
        elif m := _PASSPORT.match(clause):
            number = "".join(ch for ch in m.group(1).upper() if ch.isalnum())
            if number:
                found["passport"].append(number)
        elif m := _GENDER.match(clause):
            found["sex"].append(m.group(1)[0].upper())
    return {k: list(dict.fromkeys(v)) for k, v in found.items()}


def _read_aliases(alt_path: Path) -> dict[str, list[tuple[str, str]]]:
    aliases: dict[str, list[tuple[str, str]]] = {}
    if not alt_path.exists():
        return aliases
    for row in csv.reader(io.StringIO(_decode(alt_path.read_bytes()))):
        if len(row) >= 4 and _clean(row[0]) and _clean(row[3]):
            aliases.setdefault(_clean(row[0]), []).append((_clean(row[3]), _clean(row[2])))
    return aliases


def load_ofac_csv(path: str | Path, include_entities: bool = False) -> WatchlistLoad:
    """`path` is sdn.csv or the folder holding it; the version covers sdn.csv and alt.csv together."""
    path = Path(path)
    sdn_path = path / "sdn.csv" if path.is_dir() else path
    if not sdn_path.exists():
        raise InputError(f"{path}: no sdn.csv found")
    alt_path = sdn_path.with_name("alt.csv")
    data = sdn_path.read_bytes()
    alt_data = alt_path.read_bytes() if alt_path.exists() else b""
    aliases = _read_aliases(alt_path)
    entries: list[WatchlistEntry] = []
    skipped: list[QuarantineRecord] = []
    for line, row in enumerate(csv.reader(io.StringIO(_decode(data))), start=1):
        if not row or (len(row) == 1 and not row[0].strip()) or row[0].strip() == "\x1a":
            continue  # blank line or the DOS end-of-file marker OFAC appends
        raw = ",".join(row)[:2000]
        if len(row) != _SDN_COLUMNS or not _clean(row[0]) or not _clean(row[1]):
            skipped.append(
                QuarantineRecord(
                    str(sdn_path),
                    str(line),
                    reasons.WATCHLIST_ENTRY_INCOMPLETE,
                    f"{sdn_path}: line {line}: needs {_SDN_COLUMNS} fields with ent_num and name",
                    raw,
                    0,
                )
            )
            continue
        entry_type = _clean(row[2]).lower() or "entity"
        if entry_type != "individual" and not include_entities:
            continue
        ent_num, name = _clean(row[0]), _clean(row[1])
        remarks = parse_remarks(_clean(row[11]))
        surname, _, given = name.partition(",")
        alias_rows = aliases.get(ent_num, [])
        entries.append(
            WatchlistEntry(
                entry_id=ent_num,
                list_name=LIST_NAME,
                names=[name, *(a for a, _ in alias_rows)],
                surname=surname.strip(),
                given_names=given.strip(),
                dates_of_birth=remarks["dob"],
                nationalities=remarks["nationality"],
                sex=(remarks["sex"] or [""])[0],
                document_numbers=remarks["passport"],
                category=_clean(row[3]),
                reason=_clean(row[4]),
                alias_quality=[kind for _, kind in alias_rows],
                entry_type=entry_type,
            )
        )
    return WatchlistLoad(str(sdn_path), LIST_NAME, entries, skipped, content_version(data + b"\0" + alt_data))
