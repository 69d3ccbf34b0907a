"""Travellers that cannot be screened at all (no name) go to quarantine with their raw row."""

from __future__ import annotations

import json

from screening import quarantine_reasons as reasons
from screening import schemas
from screening.model import Manifest, QuarantineRecord, Traveller

_NAME_FIELDS = {"surname", "given_names"}


def split_screenable(
    manifest: Manifest, missing_rows: dict[str, list[int]]
) -> tuple[list[Traveller], list[QuarantineRecord]]:
    """missing_rows: screening-required column -> row positions where it is missing."""
    missing: dict[int, list[str]] = {}
    for column in schemas.screening_required_columns():
        for pos in missing_rows.get(column, []):
            missing.setdefault(pos, []).append(column)
    screenable: list[Traveller] = []
    quarantine: list[QuarantineRecord] = []
    for pos, traveller in enumerate(manifest.travellers):
        columns = missing.get(pos)
        if not columns:
            screenable.append(traveller)
            continue
        code = reasons.NO_NAME if _NAME_FIELDS & set(columns) else reasons.missing_columns(columns)
        line = str(traveller.get("source_line") or pos)
        ref = traveller.get("traveller_ref") or f"source_line:{line}"
        quarantine.append(
            QuarantineRecord(
                source_file=manifest.source_file,
                record_ref=line,
                reason_code=code,
                message=f"{manifest.source_file}: {line}: traveller {ref} has no {', '.join(columns)}; "
                "cannot be screened",
                raw=json.dumps(traveller, ensure_ascii=False, default=str),
                travellers=1,
            )
        )
    return screenable, quarantine
