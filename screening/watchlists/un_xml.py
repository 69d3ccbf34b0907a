"""UN Security Council Consolidated List, XML as published (sc-sanctions.xsd): every INDIVIDUAL with
its aliases (and their QUALITY), original-script name, dates of birth, nationalities and documents."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from screening import quarantine_reasons as reasons
from screening.errors import InputError
from screening.model import QuarantineRecord
from screening.vocabulary import ALIAS_ORIGINAL_SCRIPT
from screening.watchlists.country_names import country_to_icao
from screening.watchlists.dates import parse_date_text
from screening.watchlists.model import WatchlistEntry, WatchlistLoad, content_version

LIST_NAME = "UN_CONSOLIDATED"
ORIGINAL_SCRIPT = ALIAS_ORIGINAL_SCRIPT
_ALIAS_SPLIT = re.compile(r";|\s+[b-h]\)\s+")
_NOT_A_COUNTRY = {"NA", "N/A", "UNKNOWN"}


def _text(element: ET.Element | None, tag: str) -> str:
    found = element.find(tag) if element is not None else None
    return (found.text or "").strip() if found is not None and found.text else ""


def split_alias(text: str) -> list[str]:
    """One ALIAS_NAME may pack several spellings ('Azim Adhajani; Azim Agha-Jani'); a note in brackets
    or after ', born' is not part of the name."""
    text = re.sub(r"\([^)]*\)", " ", text)
    text = re.split(r",\s+born\b", text, flags=re.IGNORECASE)[0]
    parts = [" ".join(p.split()).strip(" ,") for p in _ALIAS_SPLIT.split(text)]
    return [re.sub(r"^[a-h]\)\s*", "", p) for p in parts if p]


def parse_dates_of_birth(individual: ET.Element) -> list[str]:
    """EXACT/APPROXIMATELY dates and years, BETWEEN year ranges, and month-year notes ('Nov. 1973')."""
    found: list[str] = []
    for dob in individual.findall("INDIVIDUAL_DATE_OF_BIRTH"):
        kind = _text(dob, "TYPE_OF_DATE").upper()
        value: str | None = None
        if kind == "BETWEEN" and _text(dob, "FROM_YEAR") and _text(dob, "TO_YEAR"):
            low, high = sorted((_text(dob, "FROM_YEAR"), _text(dob, "TO_YEAR")))
            value = low if low == high else f"{low}/{high}"
        elif _text(dob, "DATE"):
            value = parse_date_text(_text(dob, "DATE")[:10])
        elif _text(dob, "YEAR"):
            value = _text(dob, "YEAR")
        elif _text(dob, "NOTE"):
            value = parse_date_text(_text(dob, "NOTE"))
        if value and value not in found:
            found.append(value)
    return found


def _documents(individual: ET.Element) -> list[str]:
    numbers = []
    for doc in individual.findall("INDIVIDUAL_DOCUMENT"):
        number = "".join(ch for ch in _text(doc, "NUMBER").upper() if ch.isalnum())
        if number and number not in numbers:
            numbers.append(number)
    return numbers


def _nationalities(individual: ET.Element) -> list[str]:
    codes: list[str] = []
    for value in individual.findall("NATIONALITY/VALUE"):
        name = (value.text or "").strip()
        code = None if name.upper() in _NOT_A_COUNTRY else country_to_icao(name)
        if code and code not in codes:
            codes.append(code)
    return codes


def parse_individual(individual: ET.Element) -> WatchlistEntry:
    """Raises ValueError when the record lacks what screening needs (a reference number and a name)."""
    reference = _text(individual, "REFERENCE_NUMBER")
    name_parts = [_text(individual, t) for t in ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")]
    primary = " ".join(p for p in name_parts if p)
    if not reference:
        raise ValueError("no REFERENCE_NUMBER")
    if not primary:
        raise ValueError("no name")
    names, qualities = [primary], []
    for alias in individual.findall("INDIVIDUAL_ALIAS"):
        quality = _text(alias, "QUALITY")
        for name in split_alias(_text(alias, "ALIAS_NAME")):
            if name not in names:
                names.append(name)
                qualities.append(quality)
    original = _text(individual, "NAME_ORIGINAL_SCRIPT")
    if original and original not in names:
        names.append(original)
        qualities.append(ORIGINAL_SCRIPT)
    gender = _text(individual, "GENDER").upper()
    return WatchlistEntry(
        entry_id=reference,
        list_name=LIST_NAME,
        names=names,
        surname=" ".join(p for p in name_parts[1:] if p),
        given_names=name_parts[0],
        dates_of_birth=parse_dates_of_birth(individual),
        nationalities=_nationalities(individual),
        sex={"MALE": "M", "FEMALE": "F"}.get(gender, ""),
        document_numbers=_documents(individual),
        category=_text(individual, "UN_LIST_TYPE"),
        reason=_text(individual, "LISTED_ON"),
        alias_quality=qualities,
    )


def load_un_xml(path: str | Path) -> WatchlistLoad:
    path = Path(path)
    data = path.read_bytes()
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise InputError(f"{path}: not well-formed XML (line {exc.position[0]})") from exc
    if root.tag != "CONSOLIDATED_LIST":
        raise InputError(f"{path}: not a UN Consolidated List (root element {root.tag})")
    entries: list[WatchlistEntry] = []
    skipped: list[QuarantineRecord] = []
    for position, individual in enumerate(root.iter("INDIVIDUAL"), start=1):
        try:
            entries.append(parse_individual(individual))
        except ValueError as exc:
            ref = _text(individual, "REFERENCE_NUMBER") or _text(individual, "DATAID") or f"#{position}"
            skipped.append(
                QuarantineRecord(
                    str(path),
                    ref,
                    reasons.WATCHLIST_ENTRY_INCOMPLETE,
                    f"{path}: INDIVIDUAL {ref}: {exc}",
                    ET.tostring(individual, encoding="unicode")[:2000],
                    0,
                )
            )
    return WatchlistLoad(str(path), LIST_NAME, entries, skipped, content_version(data))
