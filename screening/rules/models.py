"""Typed views of the rule files (pydantic). The JSON Schemas in schemas/ give located structural errors;
these models give the evaluator typed, defaulted access once a file has passed them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict

from screening.countries import to_iso3
from screening.vocabulary import Severity

Basis = Literal["per_person", "per_journey"]
ExemptionKind = Literal[
    "international_protection", "crew_certificate", "national_of_destination", "residence_permit", "transit"
]
EXEMPTION_KINDS: tuple[str, ...] = (
    "international_protection",
    "crew_certificate",
    "national_of_destination",
    "residence_permit",
    "transit",
)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Fine(_Model):
    min: float | None = None
    max: float | None = None
    amount: float
    source: str


class LumpSum(_Model):
    amount: float
    source: str


class Fines(_Model):
    per_person: Fine | None = None
    per_journey: Fine | None = None
    lump_sum_cap: LumpSum | None = None


class DocumentValidity(_Model):
    min_months_after_arrival: int
    source: str


class ApiDeadline(_Model):
    reference: Literal["scheduled_departure", "check_in_close", "doors_closed"]
    minutes_before: int
    source: str


class SanctionedRule(_Model):
    basis: Basis
    source: str


class Exemption(_Model):
    kind: ExemptionKind
    rules: list[str] | None = None  # None: every rule the framework sanctions
    source: str


class AppliesTo(_Model):
    destinations: list[str] = []
    destination_groups: list[str] = []
    source: str


class Framework(_Model):
    id: str
    title: str
    legal_source: str
    applies_to: AppliesTo
    effective_from: date | None = None
    effective_until: date | None = None
    exclusive_group: str | None = None
    currency: str
    fines: Fines = Fines()
    document_validity: DocumentValidity | None = None
    api_deadline: ApiDeadline | None = None
    sanctioned_rules: dict[str, SanctionedRule] = {}
    exemptions: list[Exemption] = []

    def in_force(self, day: date | None) -> bool:
        if day is None:
            return self.effective_from is None and self.effective_until is None
        if self.effective_from and day < self.effective_from:
            return False
        return not (self.effective_until and day >= self.effective_until)

    def fine_for(self, rule_id: str) -> Fine | None:
        rule = self.sanctioned_rules.get(rule_id)
        return getattr(self.fines, rule.basis) if rule else None


class RuleDef(_Model):
    id: str
    scope: Literal["traveller", "manifest"]
    severity: Severity
    enabled: bool = True
    traveller_types: list[Literal["PAX", "CREW"]] = ["PAX", "CREW"]
    description: str = ""
    source: str = ""
    requiring_categories: list[str] = []


class Timing(_Model):
    check_in_close_minutes_before_departure: int = 45
    doors_closed_minutes_before_departure: int = 10


class Parameters(_Model):
    timing: Timing = Timing()
    residence_permit_document_types: list[str] = ["IR", "AR", "CR", "RP"]
    crew_certificate_document_types: list[str] = ["AC"]
    partial_expiry: Literal["end_of_period", "start_of_period"] = "end_of_period"
    visa_areas: list[str] = []
    # API data is due by departure where no framework sets a deadline (so API_LATE is raised everywhere)
    default_api_deadline: ApiDeadline | None = ApiDeadline(
        reference="scheduled_departure",
        minutes_before=0,
        source="default: API data due by departure (rules/obligations.yaml parameters.default_api_deadline)",
    )
    api_deadline_by_destination: dict[str, ApiDeadline] = {}

    def fallback_deadline(self, destination: str | None) -> ApiDeadline | None:
        """The deadline of a destination no framework covers: its own entry, else the default."""
        if destination:
            dest = to_iso3(destination)
            for code, deadline in self.api_deadline_by_destination.items():
                if to_iso3(code) == dest:
                    return deadline
        return self.default_api_deadline


@dataclass
class RuleSet:
    """Everything the obligation and sanction stages need, loaded from one rules directory."""

    version: str
    rules_dir: Path
    rules: dict[str, RuleDef]
    external_rules: dict[str, str]
    parameters: Parameters
    country_groups: dict[str, list[str]]
    frameworks: dict[str, Framework]
    # (destination ISO3, nationality ISO3) -> category, overrides applied
    visa: dict[tuple[str, str], str] = field(default_factory=dict)
    visa_provenance: dict[str, object] = field(default_factory=dict)

    def enabled(self, rule_id: str) -> bool:
        rule = self.rules.get(rule_id)
        return bool(rule and rule.enabled)

    def destinations_of(self, framework: Framework) -> frozenset[str]:
        """ISO3 codes (D -> DEU) of the States where a framework applies (computed once per framework)."""
        cache: dict[str, frozenset[str]] = self.__dict__.setdefault("_destinations", {})
        if framework.id not in cache:
            codes = list(framework.applies_to.destinations)
            for group in framework.applies_to.destination_groups:
                codes += self.country_groups.get(group, [])
            cache[framework.id] = frozenset(to_iso3(c) for c in codes)
        return cache[framework.id]

    def frameworks_for(self, destination: str | None, day: date | None) -> list[Framework]:
        """Frameworks of the destination State in force on the flight's date, in file order."""
        if not destination:
            return []
        dest = to_iso3(destination)
        return [f for f in self.frameworks.values() if dest in self.destinations_of(f) and f.in_force(day)]

    def visa_area_of(self) -> dict[str, str]:
        """ISO3 State -> visa area (a country group of parameters.visa_areas, e.g. SCHENGEN)."""
        out: dict[str, str] = {}
        for area in self.parameters.visa_areas:
            for code in self.country_groups.get(area, []):
                out.setdefault(to_iso3(code), area)
        return out

    def visa_category(self, destination: str | None, nationality: str | None) -> str | None:
        if not destination or not nationality:
            return None
        return self.visa.get((to_iso3(destination), to_iso3(nationality)))
