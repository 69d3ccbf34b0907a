"""Every rule id the project raises, in one place. An entry says what the rule is (scope, default severity,
the stage that produces it, the facts it needs, the framework fields it uses, whether it is a carrier
breach, a risk about the traveller or document, or a data-quality finding), how the obligation stage
evaluates it, and what `rules explain` says when it did not flag a traveller. IMPLEMENTED_RULES,
`rules check`, explanations, report queries and the sanction frame all read this table, so a rule cannot
be half-added: tests/test_rule_registry.py fails when an entry lacks a part.

Recipe for a new rule: one RuleSpec here (with its evaluate and verdict for an obligation rule), then its
YAML (rules/obligations.yaml `rules:` for obligation rules, `external_rules:` for other stages) and, if it
is sanctioned, its line under a framework's `sanctioned_rules` in rules/frameworks.yaml."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd

from screening import rule_ids
from screening.rules import evaluate as ev
from screening.rules.context import fmt_instant
from screening.vocabulary import HIT_FLAG_TYPES, OBLIGATION

if TYPE_CHECKING:
    from screening.rules.models import RuleSet

Scope = Literal["traveller", "manifest"]
Stage = Literal["obligations", "validation", "reader", "matching", "documents"]
Kind = Literal["breach", "risk", "data_quality"]
# Outcomes `rules explain` gives: FLAGGED is the failure; the others say why there is no flag.
OUTCOMES = ("FLAGGED", "PASSED", "NOT_APPLICABLE", "NOT_EVALUATED", "DISABLED")


@dataclass
class RuleOutcome:
    rule_id: str
    outcome: str  # one of OUTCOMES
    explanation: str


@dataclass
class Verdict:
    """What explain needs to say why one traveller was not flagged: its facts, row and known stages."""

    facts: ev.TravellerFacts
    ruleset: RuleSet
    row: int
    stages_known: frozenset[str]  # stages whose flags came with the history (their absence means a pass)

    @property
    def ctx(self):  # noqa: ANN201 - FlightContext
        return self.facts.flights.contexts[self.facts.flights.codes[self.row]]


Evaluate = Callable[[ev.TravellerFacts, "RuleSet"], pd.DataFrame]
Explain = Callable[["RuleSpec", Verdict], RuleOutcome]


@dataclass(frozen=True)
class RuleSpec:
    id: str
    scope: Scope
    severity: str  # default; obligations.yaml sets it for obligation rules
    stage: Stage
    kind: Kind
    facts: tuple[str, ...]  # history columns (or per-flight facts) the rule reads
    framework_fields: tuple[str, ...]  # frameworks.yaml fields besides fines that the rule depends on
    fail: str  # what a flag means, in one sentence
    passes: str  # what its absence means, in one sentence (when the stage ran)
    verdict: Explain  # the outcome for a traveller this rule did not flag
    evaluate: Evaluate | None = None  # obligation stage only: the vectorised evaluator

    @property
    def sanctionable(self) -> bool:
        """Only a carrier's own failure can carry a carrier sanction; risks and data quality cannot."""
        return self.kind == "breach"


def _day(value: np.datetime64) -> str:
    return "unknown" if np.isnat(value) else str(value.astype("datetime64[D]"))


def _o(spec: RuleSpec, outcome: str, text: str) -> RuleOutcome:
    return RuleOutcome(spec.id, outcome, text)


def _doc_missing(spec: RuleSpec, v: Verdict) -> RuleOutcome:
    return _o(spec, "PASSED", "Checked document_type and document_number: both declared.")


def _expiry_unknown(spec: RuleSpec, v: Verdict) -> RuleOutcome | None:
    f, i = v.facts, v.row
    if np.isnat(f.expiry[i]):
        raw = f.expiry_raw[i]
        why = "No document_expiry declared" if not raw else "document_expiry is not a date (YYYY[-MM[-DD]])"
        return _o(spec, "NOT_EVALUATED", f"{why}; nothing to compare with the arrival date.")
    if np.isnat(f.arrival[i]):
        return _o(spec, "NOT_EVALUATED", f"Arrival date unknown ({v.ctx.arrival_date_basis}); nothing to compare.")
    return None


def _doc_expired(spec: RuleSpec, v: Verdict) -> RuleOutcome:
    unknown = _expiry_unknown(spec, v)
    if unknown:
        return unknown
    f, i = v.facts, v.row
    return _o(
        spec,
        "PASSED",
        f"Checked document_expiry {_day(f.expiry[i])} against the arrival date "
        f"{_day(f.arrival[i])} ({v.ctx.arrival_date_basis}): valid on arrival.",
    )


def _doc_validity_short(spec: RuleSpec, v: Verdict) -> RuleOutcome:
    unknown = _expiry_unknown(spec, v)
    if unknown:
        return unknown
    f, i, ctx = v.facts, v.row, v.ctx
    if f.expiry[i] < f.arrival[i]:
        return _o(
            spec,
            "NOT_APPLICABLE",
            f"Document expired ({_day(f.expiry[i])}) before arrival "
            f"({_day(f.arrival[i])}): that is DOC_EXPIRED, not a short validity.",
        )
    if ctx.validity_months == 0:
        frameworks = ", ".join(ctx.framework_ids) or "none"
        return _o(
            spec,
            "NOT_APPLICABLE",
            f"No framework in force for {ctx.destination or 'the destination'} "
            f"(frameworks: {frameworks}) sets document_validity.",
        )
    return _o(
        spec,
        "PASSED",
        f"Checked document_expiry {_day(f.expiry[i])} against arrival "
        f"{_day(f.arrival[i])} + {ctx.validity_months} months = {_day(f.required[i])} "
        f"({ctx.validity_framework} document_validity): valid long enough.",
    )


def _visa(spec: RuleSpec, v: Verdict) -> RuleOutcome:
    f, i = v.facts, v.row
    rule = v.ruleset.rules.get(spec.id)
    needing = list(rule.requiring_categories) if rule else []
    nat, dest = f.nat.iloc[i], f.dest.iloc[i]
    if pd.isna(nat) or dest is None or (isinstance(dest, float) and np.isnan(dest)):
        return _o(spec, "NOT_EVALUATED", "Nationality or destination State unknown; visa policy not looked up.")
    if f.national[i]:
        return _o(spec, "NOT_APPLICABLE", f"Nationality {nat} is the destination State {dest}: no visa needed.")
    category = f.visa_category[i]
    if category is None:
        return _o(
            spec,
            "PASSED",
            f"Visa policy (visa_policy.yaml, visa_overrides.yaml) lists nothing for {nat} to {dest}: no visa required.",
        )
    if category not in needing:
        return _o(
            spec,
            "PASSED",
            f"Visa policy for {nat} to {dest}: {category}, not one of the categories "
            f"needing a visa before boarding ({', '.join(needing)}).",
        )
    return _o(
        spec,
        "PASSED",
        f"Visa policy for {nat} to {dest}: {category}; a visa is declared, valid on "
        "arrival and issued for the destination.",
    )


def _api_late(spec: RuleSpec, v: Verdict) -> RuleOutcome:
    ctx = v.ctx
    if ctx.departure is None:
        return _o(spec, "NOT_EVALUATED", "No usable scheduled_departure: no deadline can be computed.")
    if ctx.transmitted is None:
        return _o(spec, "NOT_EVALUATED", "No transmitted_at recorded for this manifest.")
    if not ctx.deadlines:
        return _o(
            spec,
            "NOT_APPLICABLE",
            "No framework in force sets an API deadline and no default deadline "
            "is configured (parameters.default_api_deadline).",
        )
    return _o(
        spec,
        "PASSED",
        f"Transmitted {fmt_instant(ctx.transmitted)}, in time for: " + "; ".join(d.text for d in ctx.deadlines) + ".",
    )


def _stage_verdict(spec: RuleSpec, v: Verdict) -> RuleOutcome:
    """Rules other stages produce: no flag means a pass only if that stage's flags came with the history."""
    if spec.stage not in v.stages_known:
        return _o(
            spec,
            "NOT_EVALUATED",
            f"Produced by the {spec.stage} stage, whose flags this history does not "
            f"carry; {spec.passes[0].lower()}{spec.passes[1:]} cannot be confirmed.",
        )
    return _o(spec, "PASSED", f"{spec.passes} (the {spec.stage} stage checked {', '.join(spec.facts)}).")


def _external(
    rule_id: str, scope: Scope, severity: str, stage: Stage, kind: Kind, facts: tuple[str, ...], fail: str, passes: str
) -> RuleSpec:
    return RuleSpec(rule_id, scope, severity, stage, kind, facts, (), fail, passes, _stage_verdict)


_DOC = ("document_expiry", "scheduled_arrival", "scheduled_departure", "arrival_airport")
RULES: dict[str, RuleSpec] = {
    s.id: s
    for s in (
        RuleSpec(
            rule_ids.DOC_MISSING,
            "traveller",
            "HIGH",
            "obligations",
            "breach",
            ("document_type", "document_number"),
            (),
            "No travel document declared.",
            "A travel document type and number are declared.",
            _doc_missing,
            ev.doc_missing,
        ),
        RuleSpec(
            rule_ids.DOC_EXPIRED,
            "traveller",
            "HIGH",
            "obligations",
            "breach",
            _DOC,
            (),
            "Travel document expired before the arrival date.",
            "Document valid on arrival.",
            _doc_expired,
            ev.doc_expired,
        ),
        RuleSpec(
            rule_ids.DOC_VALIDITY_SHORT,
            "traveller",
            "MEDIUM",
            "obligations",
            "breach",
            _DOC,
            ("document_validity",),
            "Document valid on arrival but for less than the destination requires.",
            "Document valid for the required period after arrival.",
            _doc_validity_short,
            ev.doc_validity_short,
        ),
        RuleSpec(
            rule_ids.VISA_REQUIRED_MISSING,
            "traveller",
            "HIGH",
            "obligations",
            "breach",
            ("nationality", "arrival_airport", "visa_number", "visa_issuing_state", "visa_expiry"),
            (),
            "The nationality needs a visa for the destination and no valid visa is declared.",
            "No visa needed, or a valid visa declared.",
            _visa,
            ev.visa_required_missing,
        ),
        RuleSpec(
            rule_ids.API_LATE,
            "manifest",
            "MEDIUM",
            "obligations",
            "breach",
            ("transmitted_at", "scheduled_departure", "departure_airport", "arrival_airport"),
            ("api_deadline",),
            "API data transmitted after the deadline.",
            "API data transmitted in time.",
            _api_late,
            ev.api_late,
        ),
        _external(
            rule_ids.API_INCOMPLETE,
            "traveller",
            "MEDIUM",
            "validation",
            "breach",
            ("mandatory API data elements (schemas/manifest_csv.schema.json)", "multi-part completeness"),
            "Mandatory API data elements missing, or a multi-part message released without all its parts.",
            "Every mandatory API data element is present",
        ),
        _external(
            rule_ids.API_COUNT_MISMATCH,
            "manifest",
            "MEDIUM",
            "reader",
            "breach",
            ("declared_total", "travellers sent"),
            "The declared total (PAXLST CNT) differs from the travellers sent.",
            "The declared total matches the travellers sent, or none was declared",
        ),
        _external(
            rule_ids.API_DUPLICATE_TRAVELLER,
            "traveller",
            "MEDIUM",
            "validation",
            "breach",
            ("traveller_ref", "document_number"),
            "The same traveller was sent twice.",
            "The traveller was sent once",
        ),
        _external(
            rule_ids.DOC_CHECK_DIGIT_INVALID,
            "traveller",
            "MEDIUM",
            "validation",
            "data_quality",
            ("mrz",),
            "An MRZ check digit does not verify.",
            "MRZ check digits verify, or no MRZ was sent",
        ),
        _external(
            rule_ids.WATCHLIST_MATCH,
            "traveller",
            "HIGH",
            "matching",
            "risk",
            ("surname", "given_names", "date_of_birth", "nationality", "sex", "document_number"),
            "The traveller matches a watchlist entry (a risk about the person, not a carrier failure).",
            "No watchlist entry scored at or above the matching threshold",
        ),
        _external(
            rule_ids.DOC_REPORTED_LOST_STOLEN,
            "traveller",
            "CRITICAL",
            "documents",
            "risk",
            ("document_number", "document_issuing_state"),
            "The document is reported lost or stolen (a risk about the document, not a carrier failure).",
            "The document is not in the lost/stolen registry",
        ),
        _external(
            rule_ids.DOC_REPORTED_LOST_STOLEN_SIMILAR,
            "traveller",
            "MEDIUM",
            "documents",
            "risk",
            ("document_number", "document_issuing_state"),
            "The document number is one look-alike or one edit from a reported document (a risk).",
            "No reported document is a look-alike or one edit away",
        ),
    )
}

IMPLEMENTED_RULES: tuple[str, ...] = tuple(r for r, s in RULES.items() if s.stage == "obligations")
RISK_RULES: frozenset[str] = frozenset(r for r, s in RULES.items() if s.kind == "risk")
BREACH_RULES: frozenset[str] = frozenset(r for r, s in RULES.items() if s.kind == "breach")
# flag types that are risks whatever their rule id (a list loader may add new watchlist rule ids)
RISK_FLAG_TYPES = frozenset(HIT_FLAG_TYPES)


def kind_of(rule_id: str, flag_type: str = "") -> Kind:
    """breach, risk or data_quality; rule ids outside the registry (DQ_*, EDIFACT_*) are data quality,
    any WATCHLIST or DOCUMENT flag is a risk."""
    spec = RULES.get(rule_id)
    if spec is not None:
        return spec.kind
    if flag_type in RISK_FLAG_TYPES:
        return "risk"
    return "data_quality" if flag_type != OBLIGATION else "breach"


def is_risk(rule_id: str, flag_type: str = "") -> bool:
    return kind_of(rule_id, flag_type) == "risk"


def is_breach(rule_id: str, flag_type: str = "") -> bool:
    return kind_of(rule_id, flag_type) == "breach"


def evaluators(ruleset: RuleSet) -> list[tuple[str, Evaluate]]:
    """The obligation-stage evaluators of the enabled rules, in registry order."""
    return [(r, s.evaluate) for r, s in RULES.items() if s.evaluate is not None and ruleset.enabled(r)]


def stage_of(rule_id: str) -> Stage | None:
    spec = RULES.get(rule_id)
    return spec.stage if spec else None
