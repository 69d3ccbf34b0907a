"""Explain every rule's outcome for one stored traveller: flagged or not, and why, with the sanctions."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from screening.errors import InputError
from screening.rules.evaluate import TravellerFacts, evaluate_frame
from screening.rules.exemptions import exemption_table, reason
from screening.rules.frame import ensure_columns
from screening.rules.models import RuleSet
from screening.rules.registry import RULES, RuleOutcome, RuleSpec, Verdict
from screening.rules.sanction_frame import sanctions_frame


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
    notes: list[str] = field(default_factory=list)


def explain_traveller(
    history: pd.DataFrame,
    manifest_id: str,
    traveller_ref: str,
    ruleset: RuleSet,
    *,
    carried: pd.DataFrame | None = None,
    stages_known: frozenset[str] = frozenset(),
    notes: list[str] | None = None,
) -> Explanation:
    """Outcome of every rule of the registry for one traveller of a stored manifest: FLAGGED with the
    flag's own explanation, else PASSED / NOT_APPLICABLE / NOT_EVALUATED / DISABLED saying what was checked
    against which parameter. All travellers of the manifest are evaluated, so manifest-level rules and caps
    come out as in the pipeline. `carried` holds the flags of the other stages (validation, reader,
    matching, registry) and `stages_known` the stages whose flags came with the history."""
    manifest = history[history["manifest_id"] == manifest_id].reset_index(drop=True)
    if manifest.empty:
        raise InputError(f"manifest {manifest_id} is not in the history")
    manifest = ensure_columns(manifest)
    i, quarantined = _locate(manifest, carried, manifest_id, traveller_ref)
    facts = TravellerFacts(manifest, ruleset)
    verdict = Verdict(facts, ruleset, i, stages_known)
    ctx = verdict.ctx
    flags = evaluate_frame(manifest, ruleset)
    if carried is not None and not carried.empty:
        flags = pd.concat([carried[carried["manifest_id"] == manifest_id], flags], ignore_index=True)
    refs = flags["traveller_ref"].fillna("").astype(str)
    mine = flags[(refs == traveller_ref) | (refs == "")]
    result = Explanation(
        manifest_id, traveller_ref, ruleset.version, ctx.destination, ctx.framework_ids, notes=list(notes or [])
    )
    for rule_id, spec in RULES.items():
        if quarantined and spec.stage in ("obligations", "matching", "documents") and spec.scope == "traveller":
            result.outcomes.append(_quarantined_outcome(rule_id, mine))
        else:
            result.outcomes.append(_outcome(rule_id, spec, ruleset, mine, verdict))
    if not quarantined:
        exempt = exemption_table(manifest, facts.flights, ruleset).iloc[i]
        result.exemptions = [f"{kind}: {reason(str(kind))}" for kind, on in exempt.items() if on]
    else:
        result.notes.append(
            f"traveller {traveller_ref} was quarantined by validation; only its validation flags "
            "and the manifest's flags apply"
        )
    result.sanctions = _own_sanctions(flags, manifest, ruleset, traveller_ref)
    return result


def _locate(
    manifest: pd.DataFrame, carried: pd.DataFrame | None, manifest_id: str, traveller_ref: str
) -> tuple[int, bool]:
    """(row of the traveller in the manifest, whether it was quarantined): a traveller missing from the
    history but with carried flags of its own was quarantined by validation."""
    positions = np.flatnonzero(manifest["traveller_ref"].astype("string").fillna("").to_numpy() == traveller_ref)
    own = (
        carried[
            (carried["manifest_id"] == manifest_id) & (carried["traveller_ref"].fillna("").astype(str) == traveller_ref)
        ]
        if carried is not None
        else None
    )
    quarantined = not len(positions) and own is not None and not own.empty
    if not len(positions) and not quarantined:
        raise InputError(f"traveller {traveller_ref} is not in manifest {manifest_id}")
    return (int(positions[0]) if len(positions) else 0), bool(quarantined)


def _quarantined_outcome(rule_id: str, mine: pd.DataFrame) -> RuleOutcome:
    hit = mine[mine["rule_id"] == rule_id]
    if not hit.empty:
        return RuleOutcome(rule_id, "FLAGGED", str(hit["explanation"].iloc[0]))
    return RuleOutcome(
        rule_id,
        "NOT_EVALUATED",
        "Traveller quarantined by validation (not screenable): this rule does not run on it, as in the pipeline.",
    )


def _own_sanctions(
    flags: pd.DataFrame, manifest: pd.DataFrame, ruleset: RuleSet, traveller_ref: str
) -> list[dict[str, Any]]:
    """The sanctions the manifest's flags give that are the traveller's own or the whole manifest's."""
    sanctions = sanctions_frame(flags, manifest, ruleset)
    srefs = sanctions["traveller_ref"].fillna("").astype(str)
    sanctions = sanctions[(srefs == traveller_ref) | (srefs == "")]
    return [{str(k): v for k, v in r.items()} for r in sanctions.drop(columns=["rules_version"]).to_dict("records")]


def _outcome(rule_id: str, spec: RuleSpec, ruleset: RuleSet, mine: pd.DataFrame, verdict: Verdict) -> RuleOutcome:
    hit = mine[mine["rule_id"] == rule_id]
    if spec.stage == "obligations":
        rule = ruleset.rules.get(rule_id)
        if rule is None:
            return RuleOutcome(rule_id, "DISABLED", "Not configured in obligations.yaml (rules:).")
        if not rule.enabled:
            return RuleOutcome(rule_id, "DISABLED", "Disabled in obligations.yaml (enabled: false).")
    if not hit.empty:
        texts = list(dict.fromkeys(str(t) for t in hit["explanation"]))
        return RuleOutcome(rule_id, "FLAGGED", " | ".join(texts))
    if spec.stage == "obligations":
        rule = ruleset.rules[rule_id]
        ttype = verdict.facts.ttype[verdict.row]
        if rule.scope == "traveller" and ttype not in rule.traveller_types:
            return RuleOutcome(
                rule_id,
                "NOT_APPLICABLE",
                f"Rule applies to {', '.join(rule.traveller_types)}, not to traveller type {ttype}.",
            )
    return spec.verdict(spec, verdict)
