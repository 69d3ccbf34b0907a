"""Light normalisation every reader applies: trimmed text, upper-case codes, ISO dates kept as text."""

from __future__ import annotations

from typing import Any

from screening import schemas

_KEEP_CASE = {"surname", "given_names", "traveller_ref", "booking_ref"}


def normalise_traveller(values: dict[str, Any]) -> dict[str, str | None]:
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
            out[key] = text.upper() if key not in ("scheduled_departure", "scheduled_arrival", "transmitted_at") \
                else text
    number = out.get("document_number")
    if number:
        out["document_number"] = number.replace(" ", "").replace("-", "")
    if not out.get("traveller_type"):
        out["traveller_type"] = "PAX"
    return out


def traveller_documents(traveller: dict[str, Any]) -> list[dict[str, Any]]:
    """The document rows a CSV/JSON traveller carries: the travel document and, if given, the visa."""
    docs = []
    if traveller.get("document_number") or traveller.get("document_type"):
        docs.append({
            "traveller_ref": traveller.get("traveller_ref"),
            "document_type": traveller.get("document_type"),
            "document_number": traveller.get("document_number"),
            "issuing_state": traveller.get("document_issuing_state"),
            "expiry": traveller.get("document_expiry"),
            "is_visa": False,
        })
    if traveller.get("visa_number"):
        docs.append({
            "traveller_ref": traveller.get("traveller_ref"),
            "document_type": "V",
            "document_number": traveller.get("visa_number"),
            "issuing_state": traveller.get("visa_issuing_state"),
            "expiry": traveller.get("visa_expiry"),
            "is_visa": True,
        })
    return docs


def known_columns() -> set[str]:
    return set(schemas.columns(schemas.MANIFEST_CSV))
