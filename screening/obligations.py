"""Obligation stage: apply rules/*.yaml carrier-obligation rules to one manifest and return flags.
The logic is the vectorised evaluator in screening.rules.evaluate, so a backtest over millions of stored
travellers gives exactly the flags the pipeline gave."""

from __future__ import annotations

from datetime import datetime

import pandas as pd

from screening.model import Document, Flag, Manifest, Traveller
from screening.rules.context import FLIGHT_COLUMNS
from screening.rules.evaluate import evaluate_frame
from screening.rules.frame import history_columns
from screening.rules.models import RuleSet


def manifest_frame(manifest: Manifest, travellers: list[Traveller], ruleset: RuleSet | None = None) -> pd.DataFrame:
    """Travellers of one manifest with its flight columns, in the stored-history shape."""
    flight = {c: getattr(manifest, c, None) for c in FLIGHT_COLUMNS if c != "manifest_id"}
    flight["manifest_id"] = manifest.manifest_id
    docs_by_ref: dict[str, list[Document]] = {}
    for doc in manifest.documents or []:
        docs_by_ref.setdefault(str(doc.get("traveller_ref") or ""), []).append(doc)
    own = [c for c in history_columns() if c not in FLIGHT_COLUMNS]
    rows = []
    for traveller in travellers:
        row = {c: traveller.get(c) for c in own}
        row.update(flight)
        docs = docs_by_ref.get(str(traveller.get("traveller_ref") or ""), [])
        others = [
            f"{d.get('document_type')}:{d.get('issuing_state') or ''}"
            for d in docs
            if d.get("document_type") and not (d.get("is_visa") or d.get("document_type") == "V")
        ]
        if others and not row.get("other_documents"):
            row["other_documents"] = "|".join(others)
        visas = [d for d in docs if d.get("is_visa") or d.get("document_type") == "V"]
        if visas and not row.get("visa_number"):  # PAXLST may carry the visa only as a DOC group
            row.update(
                visa_number=visas[0].get("document_number"),
                visa_issuing_state=visas[0].get("issuing_state"),
                visa_expiry=visas[0].get("expiry"),
            )
        rows.append(row)
    return pd.DataFrame(rows, columns=history_columns(), dtype="string")


def flags_from_frame(flags: pd.DataFrame) -> list[Flag]:
    out = []
    for rec in flags.to_dict("records"):
        frameworks = [f for f in str(rec.get("frameworks") or "").split("|") if f]
        out.append(
            Flag(
                manifest_id=rec["manifest_id"],
                carrier=rec["carrier"],
                flight_number=rec["flight_number"],
                traveller_ref=rec["traveller_ref"] or "",
                flag_type=rec["flag_type"],
                rule_id=rec["rule_id"],
                severity=rec["severity"],
                explanation=rec["explanation"],
                details={"frameworks": frameworks} if frameworks else {},
                rules_version=rec["rules_version"],
            )
        )
    return out


def apply_obligations(
    manifest: Manifest, travellers: list[Traveller], ruleset: RuleSet, *, now: datetime | None = None
) -> list[Flag]:
    """OBLIGATION flags for one manifest: per-traveller rules, then per-manifest rules (traveller_ref "").
    `now` stands in for a missing transmitted_at (the time we received the data)."""
    if not travellers:
        frame = pd.DataFrame(
            [
                {c: getattr(manifest, c, None) for c in FLIGHT_COLUMNS if c != "manifest_id"}
                | {"manifest_id": manifest.manifest_id, "traveller_ref": None}
            ]
        )
        flags = evaluate_frame(frame, ruleset, now=now)
        manifest_rules = [rid for rid, rule in ruleset.rules.items() if rule.scope == "manifest"]
        flags = flags[flags["rule_id"].isin(manifest_rules)]
    else:
        flags = evaluate_frame(manifest_frame(manifest, travellers, ruleset), ruleset, now=now)
    return flags_from_frame(flags)
