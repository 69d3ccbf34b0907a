"""Light normalisation every reader applies: trimmed text, upper-case codes, ISO dates kept as text; and the
last cleaning of a manifest before it leaves a reader (`clean_result`): control characters (NUL...) and
over-long values that SQLite accepts and PostgreSQL refuses are removed or cut, each with a data-quality
finding, so persisting never fails on either database."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

from screening.model import Document, Traveller

_KEEP_CASE = {"surname", "given_names", "traveller_ref", "booking_ref"}


def normalise_traveller(values: Mapping[str, Any]) -> dict[str, str | None]:
    """Upper-case codes and trim; names keep their case (names.py normalises them for matching)."""
    out: dict[str, str | None] = {}
    for key, value in values.items():
        if value is None:
            out[key] = None
            continue
        text = " ".join(str(value).split())
        if not text:
            out[key] = None
        elif key in _KEEP_CASE:
            out[key] = text
        else:
            out[key] = (
                text.upper() if key not in ("scheduled_departure", "scheduled_arrival", "transmitted_at") else text
            )
    number = out.get("document_number")
    if number:
        out["document_number"] = number.replace(" ", "").replace("-", "")
    if not out.get("traveller_type"):
        out["traveller_type"] = "PAX"
    return out


def traveller_documents(traveller: Traveller) -> list[Document]:
    """The document rows a CSV/JSON traveller carries: the travel document and, if given, the visa."""
    docs: list[Document] = []
    if traveller.get("document_number") or traveller.get("document_type"):
        docs.append(
            {
                "traveller_ref": traveller.get("traveller_ref"),
                "document_type": traveller.get("document_type"),
                "document_number": traveller.get("document_number"),
                "issuing_state": traveller.get("document_issuing_state"),
                "expiry": traveller.get("document_expiry"),
                "is_visa": False,
            }
        )
    if traveller.get("visa_number"):
        docs.append(
            {
                "traveller_ref": traveller.get("traveller_ref"),
                "document_type": "V",
                "document_number": traveller.get("visa_number"),
                "issuing_state": traveller.get("visa_issuing_state"),
                "expiry": traveller.get("visa_expiry"),
                "is_visa": True,
            }
        )
    return docs


DQ_VALUE_CLEANED = "DQ_VALUE_CLEANED"
# the store's column widths (screening/store/models.py); any other text value is cut at DEFAULT_MAX_LENGTH
MAX_LENGTHS = {
    "carrier": 8,
    "flight_number": 16,
    "departure_airport": 8,
    "arrival_airport": 8,
    "scheduled_departure": 40,
    "scheduled_arrival": 40,
    "transmitted_at": 40,
    "message_ref": 128,
    "message_type": 16,
    "traveller_ref": 64,
    "booking_ref": 64,
    "seat": 16,
    "document_number": 64,
    "visa_number": 64,
}
DEFAULT_MAX_LENGTH = 512
MAX_COUNT = 1_000_000  # a declared traveller total above this is not a count (1e400, 5,000 digits)
# C0/C1 controls that str.split() does not already treat as whitespace, and lone surrogates (JSON "\ud800")
_CONTROL = re.compile("[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f\ud800-\udfff]")
_FLIGHT_TEXT = (
    "carrier",
    "flight_number",
    "departure_airport",
    "arrival_airport",
    "scheduled_departure",
    "scheduled_arrival",
    "transmitted_at",
    "message_ref",
    "message_type",
)


def usable_count(value: Any) -> int | None:
    """A declared count as an int, or None when it is not a plausible one (negative, fractional,
    infinite, a 5,000-digit number): never raises."""
    if value is None or isinstance(value, bool) or value == "":
        return None
    if isinstance(value, float):
        if not math.isfinite(value) or not value.is_integer():
            return None
        value = int(value)
    elif isinstance(value, str):
        text = value.strip()
        if not (text.isascii() and text.isdigit() and len(text) <= 9):
            return None
        value = int(text)
    elif not isinstance(value, int):
        return None
    return value if 0 <= value <= MAX_COUNT else None


def clean_text(key: str, value: str) -> tuple[str, str]:
    """(cleaned value, what was done or ''): control characters removed, over-long values cut."""
    if value.isprintable() and len(value) <= MAX_LENGTHS.get(key, DEFAULT_MAX_LENGTH):
        return value, ""
    done = []
    cleaned = _CONTROL.sub("", value)
    if cleaned != value:
        done.append(f"{len(value) - len(cleaned)} control character(s) removed")
        cleaned = " ".join(cleaned.split())
    limit = MAX_LENGTHS.get(key, DEFAULT_MAX_LENGTH)
    if len(cleaned) > limit:
        done.append(f"cut from {len(cleaned)} to {limit} characters")
        cleaned = cleaned[:limit]
    return cleaned, "; ".join(done)


def _clean_nested(value: Any, depth: int = 0) -> Any:
    """Extra JSON values (mrz lines, documents): strings cleaned, structure kept."""
    if isinstance(value, str):
        return clean_text("", value)[0]
    if isinstance(value, float) and not math.isfinite(value):
        return None  # NaN/Infinity are not JSON and PostgreSQL JSON refuses them
    if depth > 20:
        return None
    if isinstance(value, list):
        return [_clean_nested(v, depth + 1) for v in value]
    if isinstance(value, dict):
        return {clean_text("", str(k))[0]: _clean_nested(v, depth + 1) for k, v in value.items()}
    return value


def clean_manifest(manifest: Any) -> list[dict[str, str]]:
    """Clean a manifest in place (flight fields, travellers, documents); one finding per cleaned value,
    naming the field and the traveller_ref only (never the value: it may be personal data)."""
    from screening.ingest import paxlst_controls as ctl

    notes: list[tuple[str, str, str]] = []
    for key in _FLIGHT_TEXT:
        value = getattr(manifest, key, None)
        if isinstance(value, str):
            cleaned, done = clean_text(key, value)
            if done:
                setattr(manifest, key, cleaned)
                notes.append(("flight", key, done))
    for record in manifest.travellers:
        _clean_dict(record, notes, str(record.get("traveller_ref") or record.get("source_line") or ""))
    for document in manifest.documents:
        _clean_dict(document, [], "")
    findings = [
        ctl.finding(DQ_VALUE_CLEANED, f"{who}: {key} {done}", who if who != "flight" else "")
        for who, key, done in notes
    ]
    if findings:
        ctl.attach(manifest, ctl.FINDINGS_ATTR, ctl.findings_of(manifest) + findings)
    return findings


def _clean_dict(record: dict[str, Any], notes: list[tuple[str, str, str]], who: str) -> None:
    for key, value in record.items():
        if isinstance(value, str):
            cleaned, done = clean_text(key, value)
            if done:
                record[key] = cleaned or None
                notes.append((who[:64], key, done))
        elif value is not None and not isinstance(value, (int, bool)):
            record[key] = _clean_nested(value)


def clean_result(result: Any) -> Any:
    """Every reader's last step: clean each manifest, and keep quarantine text storable."""
    from screening.ingest import paxlst_controls as ctl

    for manifest in result.manifests:
        findings = clean_manifest(manifest)
        if findings and hasattr(result, ctl.FINDINGS_ATTR):
            ctl.attach(result, ctl.FINDINGS_ATTR, ctl.findings_of(result) + findings)
    return result
