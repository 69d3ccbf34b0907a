"""Sanction stage: obligation flags of one manifest -> sanction records under the frameworks of the
destination State (rules/frameworks.yaml). Same vectorised logic as backtests (screening.rules)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from screening.model import Flag, Manifest, Sanction, Traveller
from screening.obligations import manifest_frame
from screening.rules.models import RuleSet
from screening.rules.sanction_frame import sanctions_frame
from screening.vocabulary import FLAG_FRAME_COLUMNS

__all__ = ["flags_frame", "sanctions_for"]


def flags_frame(flags: list[Flag]) -> pd.DataFrame:
    """Flag objects (from any stage) in the evaluator's table shape."""
    rows = []
    for f in flags:
        frameworks = (f.details or {}).get("frameworks") or []
        row: dict[str, Any] = {c: getattr(f, c, "") for c in FLAG_FRAME_COLUMNS if c != "frameworks"}
        row["frameworks"] = "|".join(frameworks) if isinstance(frameworks, list) else str(frameworks)
        row["traveller_ref"] = f.traveller_ref or ""
        rows.append(row)
    return pd.DataFrame(rows, columns=list(FLAG_FRAME_COLUMNS))


def sanctions_for(
    manifest: Manifest,
    flags: list[Flag],
    travellers: list[Traveller],
    ruleset: RuleSet,
    *,
    decisions: Mapping[str, str] | None = None,
) -> list[Sanction]:
    """One Sanction per carrier, flight, traveller, rule and framework; exemptions give WAIVED records.
    Any rule id a framework in rules/ sanctions is handled (e.g. API_INCOMPLETE from validation)."""
    if not flags:
        return []
    # a manifest without travellers still needs its flight row for manifest-level flags
    frame = manifest_frame(manifest, travellers or [{}], ruleset)
    records = sanctions_frame(flags_frame(flags), frame, ruleset, decisions=decisions)
    return [
        Sanction(
            manifest_id=r["manifest_id"],
            carrier=r["carrier"],
            flight_number=r["flight_number"],
            traveller_ref=r["traveller_ref"],
            rule_id=r["rule_id"],
            framework=r["framework"],
            amount=float(r["amount"]),
            currency=r["currency"],
            status=r["status"],
            explanation=r["explanation"],
            rules_version=r["rules_version"],
        )
        for r in records.to_dict("records")
    ]
