"""Control findings: what the reader noticed but must not act on (it flags, never drops).

A finding is a plain dict so it travels through JSON state and Parquet unchanged:
`{"rule_id", "flag_type", "severity", "message", "record_ref", "message_ref"}` (flag_type OBLIGATION for
the API_* carrier-obligation rules, DATA_QUALITY otherwise). rule_id is one of
EDIFACT_CONTROL (envelope counts and control references, missing UNT/UNZ, stray segments),
API_COUNT_MISMATCH (CNT against the travellers sent), API_DUPLICATE_TRAVELLER (a unique passenger
reference sent twice), API_INCOMPLETE (multi-part message released without all its parts) and
PAXLST_TIME_ZONE_UNKNOWN (a local time kept without offset). Messages carry no personal data.

Readers attach findings to objects they return with `attach`; callers read them with `findings_of`.
"""

from __future__ import annotations

from typing import Any

from screening import rule_ids
from screening.ingest.edifact import Segment
from screening.vocabulary import DATA_QUALITY, OBLIGATION

EDIFACT_CONTROL = "EDIFACT_CONTROL"
API_COUNT_MISMATCH = rule_ids.API_COUNT_MISMATCH
API_DUPLICATE_TRAVELLER = rule_ids.API_DUPLICATE_TRAVELLER
API_INCOMPLETE = rule_ids.API_INCOMPLETE
PAXLST_TIME_ZONE_UNKNOWN = "PAXLST_TIME_ZONE_UNKNOWN"

SEVERITY = {
    EDIFACT_CONTROL: "LOW",
    API_COUNT_MISMATCH: "MEDIUM",
    API_DUPLICATE_TRAVELLER: "MEDIUM",
    API_INCOMPLETE: "MEDIUM",
    PAXLST_TIME_ZONE_UNKNOWN: "LOW",
}

FINDINGS_ATTR = "control_findings"


def finding(rule_id: str, message: str, record_ref: str = "", message_ref: str = "") -> dict[str, str]:
    flag_type = OBLIGATION if rule_id.startswith("API_") else DATA_QUALITY
    return {
        "rule_id": rule_id,
        "flag_type": flag_type,
        "severity": SEVERITY.get(rule_id, "LOW"),
        "message": message,
        "record_ref": record_ref,
        "message_ref": message_ref,
    }


def set_incomplete(manifest: Any, reason: str | None, message_ref: str = "") -> None:
    """`manifest.incomplete_reason` and its mirror, one API_INCOMPLETE finding (so a pipeline that only
    reads control findings flags it too)."""
    attach(manifest, "incomplete_reason", reason)
    kept = [f for f in findings_of(manifest) if f["rule_id"] != API_INCOMPLETE]
    if reason:
        kept.append(finding(API_INCOMPLETE, reason, "", message_ref))
    attach(manifest, FINDINGS_ATTR, kept)


def attach(obj: Any, name: str, value: Any) -> None:
    """Set a declared field of a model record (Manifest, ParseResult): no attribute is bolted on, so
    every field a stage needs survives JSON state, Parquet and the DAG's folders."""
    if name not in getattr(type(obj), "__dataclass_fields__", {}):
        raise AttributeError(f"{type(obj).__name__} has no declared field {name!r}")
    setattr(obj, name, value)


def findings_of(obj: Any) -> list[dict[str, str]]:
    """The control findings a reader attached to a Manifest or ParseResult (empty when none)."""
    return list(getattr(obj, FINDINGS_ATTR, None) or [])


def as_int(text: str) -> int | None:
    text = text.strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 18 else None


def check_count(
    what: str, segment: Segment, declared_text: str, actual: int, message_ref: str = ""
) -> list[dict[str, str]]:
    """UNT 0074 / UNE 0060 / UNZ 0036 against what was counted."""
    declared = as_int(declared_text)
    if declared == actual:
        return []
    sent = "no number" if declared is None else str(declared)
    return [
        finding(
            EDIFACT_CONTROL,
            f"segment {segment.position}: {segment.tag} declares {sent} {what}, counted {actual}",
            f"segment {segment.position}",
            message_ref,
        )
    ]


def check_reference(
    segment: Segment, sent: str, expected: str, opener: str, message_ref: str = ""
) -> list[dict[str, str]]:
    """Closing control reference must equal the opening one (UNT/UNH, UNE/UNG, UNZ/UNB)."""
    if sent.strip() == expected.strip():
        return []
    where = f"segment {segment.position}"
    return [
        finding(
            EDIFACT_CONTROL,
            f"{where}: {segment.tag} control reference '{sent[:35]}' differs from {opener} '{expected[:35]}'",
            where,
            message_ref,
        )
    ]
