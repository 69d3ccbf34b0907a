"""Explain every rule's outcome for one stored traveller: flagged or not, and why, with the sanctions."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from screening.errors import InputError
from screening.rules.context import fmt_instant
from screening.rules.evaluate import TRAVELLER_RULES, TravellerFacts, evaluate_frame
from screening.rules.exemptions import exemption_table, reason
from screening.rules.frame import ensure_columns
from screening.rules.models import RuleSet
from screening.rules.sanction_frame import sanctions_frame


@dataclass
class RuleOutcome:
    rule_id: str
    outcome: str  # FLAGGED, PASSED, NOT_EVALUATED, DISABLED
    explanation: str


@dataclass
class Explanation:
    manifest_id: str
    traveller_ref: str
    rules_version: str
    destination: str | None
    frameworks: list[str]
    outcomes: list[RuleOutcome] = field(default_factory=list)
    exemptions: list[str] = field(default_factory=list)
    sanctions: list[dict[str, Any]] = field(default_factory=list)


def _day(value: Any) -> str:
    return "unknown" if value is None or pd.isna(value) else str(np.datetime64(value, "D"))


def _passed(rule_id: str, facts: TravellerFacts, i: int) -> RuleOutcome:
    """Why a rule did not flag this traveller (facts quoted, no personal data beyond traveller_ref)."""
    ctx = facts.flights.contexts[facts.flights.codes[i]]
    if rule_id == "DOC_MISSING":
        return RuleOutcome(rule_id, "PASSED", "A travel document type and number are declared.")
    if rule_id in ("DOC_EXPIRED", "DOC_VALIDITY_SHORT"):
        if np.isnat(facts.expiry[i]) or np.isnat(facts.arrival[i]):
            return RuleOutcome(
                rule_id,
                "NOT_EVALUATED",
                "Document expiry or arrival date unknown or not a date; nothing to compare.",
            )
        if rule_id == "DOC_EXPIRED":
            return RuleOutcome(
                rule_id,
                "PASSED",
                f"Document valid to {_day(facts.expiry[i])}, on or after the "
                f"arrival date {_day(facts.arrival[i])} ({ctx.arrival_date_basis}).",
            )
        if ctx.validity_months == 0:
            return RuleOutcome(
                rule_id,
                "PASSED",
                "No framework in force for the destination requires validity beyond arrival.",
            )
        return RuleOutcome(
            rule_id,
            "PASSED",
            f"Document valid to {_day(facts.expiry[i])}, at least "
            f"{ctx.validity_months} months after arrival (until "
            f"{_day(facts.required[i])}, {ctx.validity_framework}).",
        )
    if rule_id == "VISA_REQUIRED_MISSING":
        category = facts.visa_category[i]
        if facts.national[i]:
            return RuleOutcome(rule_id, "PASSED", "National of the destination State: no visa needed.")
        if category is None:
            return RuleOutcome(
                rule_id,
                "PASSED",
                "Visa policy lists no requirement for this nationality and "
                "destination (visa-free or unknown).",
            )
        if facts.visa_number[i]:
            return RuleOutcome(
                rule_id, "PASSED", f"Visa policy: {category}; a visa valid on arrival is declared."
            )
        return RuleOutcome(
            rule_id,
            "PASSED",
            f"Visa policy: {category}, which this rule set does not treat as a visa needed before boarding.",
        )
    return RuleOutcome(rule_id, "PASSED", "")


def _api_passed(facts: TravellerFacts, i: int) -> RuleOutcome:
    ctx = facts.flights.contexts[facts.flights.codes[i]]
    if ctx.transmitted is None:
        return RuleOutcome("API_LATE", "NOT_EVALUATED", "No transmission time recorded for this manifest.")
    if not ctx.deadlines:
        return RuleOutcome(
            "API_LATE", "PASSED", "No framework in force for the destination sets an API deadline."
        )
    return RuleOutcome(
        "API_LATE",
        "PASSED",
        f"Transmitted {fmt_instant(ctx.transmitted)}, in time for: "
        + "; ".join(d.text for d in ctx.deadlines)
        + ".",
    )


def explain_traveller(
    history: pd.DataFrame, manifest_id: str, traveller_ref: str, ruleset: RuleSet
) -> Explanation:
    """Outcome of every rule for one traveller of a stored manifest (all of its travellers are evaluated,
    so manifest-level rules and caps come out as in the pipeline)."""
    manifest = history[history["manifest_id"] == manifest_id].reset_index(drop=True)
    if manifest.empty:
        raise InputError(f"manifest {manifest_id} is not in the history")
    manifest = ensure_columns(manifest)
    positions = np.flatnonzero(
        manifest["traveller_ref"].astype("string").fillna("").to_numpy() == traveller_ref
    )
    if not len(positions):
        raise InputError(f"traveller {traveller_ref} is not in manifest {manifest_id}")
    i = int(positions[0])
    facts = TravellerFacts(manifest, ruleset)
    ctx = facts.flights.contexts[facts.flights.codes[i]]
    flags = evaluate_frame(manifest, ruleset)
    mine = flags[(flags["traveller_ref"] == traveller_ref) | (flags["traveller_ref"] == "")]
    result = Explanation(manifest_id, traveller_ref, ruleset.version, ctx.destination, ctx.framework_ids)
    for rule_id, rule in ruleset.rules.items():
        hit = mine[mine["rule_id"] == rule_id]
        if not rule.enabled:
            result.outcomes.append(RuleOutcome(rule_id, "DISABLED", "Disabled in obligations.yaml."))
        elif not hit.empty:
            result.outcomes.append(RuleOutcome(rule_id, "FLAGGED", str(hit["explanation"].iloc[0])))
        elif rule_id == "API_LATE":
            result.outcomes.append(_api_passed(facts, i))
        elif rule.scope == "traveller" and facts.ttype[i] not in rule.traveller_types:
            result.outcomes.append(
                RuleOutcome(
                    rule_id, "NOT_EVALUATED", f"Rule does not apply to traveller type {facts.ttype[i]}."
                )
            )
        elif rule_id in TRAVELLER_RULES:
            result.outcomes.append(_passed(rule_id, facts, i))
    exempt = exemption_table(manifest, facts.flights, ruleset).iloc[i]
    result.exemptions = [f"{kind}: {reason(kind)}" for kind, on in exempt.items() if on]
    sanctions = sanctions_frame(mine, manifest, ruleset)
    result.sanctions = sanctions.drop(columns=["rules_version"]).to_dict("records")
    return result
