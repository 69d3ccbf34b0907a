"""Expectations derived from schemas/manifest_csv.schema.json, so the schema stays the one source of truth.

Each `Check` is engine-neutral: `masks.py` evaluates it vectorised with pandas (fast, gives failing rows)
and `gx_suite.py` turns the same list into a Great Expectations suite (auditable, stored result)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any, NamedTuple

from screening import rule_ids, schemas
from screening.vocabulary import DATA_QUALITY, OBLIGATION

# Suites: one row per traveller, or the single row of flight fields.
TRAVELLER = "traveller"
FLIGHT = "flight"
SUITES = (TRAVELLER, FLIGHT)

# Kinds of check; the order is the precedence for flags on one field (first fault wins).
NOT_NULL = "not_null"
LENGTH = "length"
REGEX = "regex"
DATE = "date"
DATETIME = "datetime"
IN_SET = "in_set"
CODE_PATTERN = "code_pattern"
NOT_FUTURE = "not_future"
MAX_AGE = "max_age"
AFTER = "after"
UNIQUE = "unique"
KIND_ORDER = (NOT_NULL, LENGTH, REGEX, DATE, DATETIME, IN_SET, CODE_PATTERN, NOT_FUTURE, MAX_AGE, AFTER, UNIQUE)

DQ_FORMAT = "DQ_FORMAT"
DQ_CODE = "DQ_CODE"
DQ_DATE = "DQ_DATE"
DQ_MISSING = "DQ_MISSING"
API_INCOMPLETE = rule_ids.API_INCOMPLETE
API_DUPLICATE_TRAVELLER = rule_ids.API_DUPLICATE_TRAVELLER


@dataclass(frozen=True)
class Check:
    """One expectation: which column, what it demands, and which flag a failing row raises."""

    id: str
    suite: str
    columns: tuple[str, ...]
    kind: str
    rule_id: str
    flag_type: str
    severity: str
    fault: str  # explanation fragment, e.g. "does not match the expected format" (never a value)
    params: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)

    @property
    def column(self) -> str:
        return self.columns[0]


def _suite_of(spec: dict[str, Any]) -> str:
    return FLIGHT if spec.get("x-level") == "flight" else TRAVELLER


@cache
def build_checks() -> tuple[Check, ...]:
    """All checks, from the schema's properties and its x- annotations."""
    specs = schemas.property_specs()
    specs.update(schemas.optional_extra_fields())
    checks: list[Check] = []
    for column, spec in specs.items():
        checks.extend(_column_checks(column, spec))
    checks.extend(_cross_checks(specs))
    for group in schemas.unique_column_groups():
        checks.append(
            Check(
                f"{'+'.join(group)}.unique",
                TRAVELLER,
                tuple(group),
                UNIQUE,
                API_DUPLICATE_TRAVELLER,
                OBLIGATION,
                "MEDIUM",
                f"duplicates another traveller's {', '.join(group)} in this manifest",
            )
        )
    order = {kind: i for i, kind in enumerate(KIND_ORDER)}
    return tuple(sorted(checks, key=lambda c: (c.suite, order[c.kind])))


class _Part(NamedTuple):
    """One check of one column, before it is given the column's id and suite."""

    suffix: str
    kind: str
    rule_id: str
    flag_type: str
    severity: str
    fault: str
    params: dict[str, Any] = {}


def _column_checks(column: str, spec: dict[str, Any]) -> list[Check]:
    """One column's checks, from its JSON Schema property and x- annotations, always in the same order:
    presence, form, code, then birth-date plausibility."""
    suite = _suite_of(spec)
    parts = _presence_checks(spec, suite) + _form_checks(spec) + _code_checks(spec) + _birth_checks(spec)
    return [
        Check(
            f"{column}.{p.suffix}",
            suite,
            (column,),
            p.kind,
            p.rule_id,
            p.flag_type,
            p.severity,
            p.fault,
            dict(p.params),
        )
        for p in parts
    ]


def _presence_checks(spec: dict[str, Any], suite: str) -> list[_Part]:
    if spec.get("x-api-mandatory"):
        severity = "HIGH" if suite == FLIGHT else "MEDIUM"
        return [
            _Part("present", NOT_NULL, API_INCOMPLETE, OBLIGATION, severity, "is missing (mandatory API data element)")
        ]
    if spec.get("x-required-for"):
        needed = ", ".join(spec["x-required-for"])
        return [
            _Part(
                "present", NOT_NULL, DQ_MISSING, DATA_QUALITY, "MEDIUM", f"is missing, so {needed} cannot be assessed"
            )
        ]
    return []


def _form_checks(spec: dict[str, Any]) -> list[_Part]:
    out: list[_Part] = []
    if "maxLength" in spec or spec.get("minLength", 0) > 1:
        out.append(
            _Part(
                "length",
                LENGTH,
                DQ_FORMAT,
                DATA_QUALITY,
                "LOW",
                f"has a length outside {spec.get('minLength', 0)}..{spec.get('maxLength', 'any')}",
                {"min_value": spec.get("minLength"), "max_value": spec.get("maxLength")},
            )
        )
    if "pattern" in spec:
        fault = "does not match the expected format"
        out.append(_Part("format", REGEX, DQ_FORMAT, DATA_QUALITY, "MEDIUM", fault, {"regex": spec["pattern"]}))
    if spec.get("format") == "date":
        out.append(_Part("date", DATE, DQ_FORMAT, DATA_QUALITY, "MEDIUM", "is not a valid calendar date (YYYY-MM-DD)"))
    if spec.get("format") == "date-time":
        fault = "is not an ISO 8601 time with offset or Z within years 0002-9998"
        out.append(_Part("datetime", DATETIME, DQ_FORMAT, DATA_QUALITY, "MEDIUM", fault))
    return out


def _code_checks(spec: dict[str, Any]) -> list[_Part]:
    out: list[_Part] = []
    if "enum" in spec:
        params = {"value_set": "enum", "values": tuple(spec["enum"])}
        out.append(_Part("code", IN_SET, DQ_CODE, DATA_QUALITY, "MEDIUM", "is not an allowed code", params))
    if spec.get("x-country"):
        fault = "is not an ICAO Doc 9303 country code"
        out.append(_Part("code", IN_SET, DQ_CODE, DATA_QUALITY, "MEDIUM", fault, {"value_set": "icao_country_codes"}))
    if spec.get("x-airport"):
        fault = "is not an IATA airport code known to airportsdata"
        out.append(_Part("code", IN_SET, DQ_CODE, DATA_QUALITY, "MEDIUM", fault, {"value_set": "iata_airports"}))
    if "x-code-pattern" in spec:
        fault = "is not an ICAO Doc 9303 / PAXLST document code"
        out.append(
            _Part("code", CODE_PATTERN, DQ_CODE, DATA_QUALITY, "MEDIUM", fault, {"regex": spec["x-code-pattern"]})
        )
    return out


def _birth_checks(spec: dict[str, Any]) -> list[_Part]:
    if spec.get("x-date-role") != "birth":
        return []
    out = [_Part("not_future", NOT_FUTURE, DQ_DATE, DATA_QUALITY, "HIGH", "is in the future")]
    if "x-max-age-years" in spec:
        years = spec["x-max-age-years"]
        fault = f"gives an age above {years} years"
        out.append(_Part("max_age", MAX_AGE, DQ_DATE, DATA_QUALITY, "MEDIUM", fault, {"max_years": years}))
    return out


def _cross_checks(specs: dict[str, Any]) -> list[Check]:
    """Order between dates: expiry after birth and after issue (same document); arrival after departure."""
    births = [c for c, s in specs.items() if s.get("x-date-role") == "birth"]
    expiries = [c for c, s in specs.items() if s.get("x-date-role") == "expiry"]
    issues = [c for c, s in specs.items() if s.get("x-date-role") == "issue"]
    out: list[Check] = []
    for expiry in expiries:
        for birth in births:
            out.append(
                Check(
                    f"{expiry}.after_{birth}",
                    TRAVELLER,
                    (expiry, birth),
                    AFTER,
                    DQ_DATE,
                    DATA_QUALITY,
                    "MEDIUM",
                    f"is not after {birth}",
                )
            )
        level = specs[expiry].get("x-level")
        for issue in issues:
            if specs[issue].get("x-level") == level:
                out.append(
                    Check(
                        f"{expiry}.after_{issue}",
                        TRAVELLER,
                        (expiry, issue),
                        AFTER,
                        DQ_DATE,
                        DATA_QUALITY,
                        "MEDIUM",
                        f"is not after {issue}",
                    )
                )
    if "scheduled_arrival" in specs and "scheduled_departure" in specs:
        out.append(
            Check(
                "scheduled_arrival.after_scheduled_departure",
                FLIGHT,
                ("scheduled_arrival", "scheduled_departure"),
                AFTER,
                DQ_DATE,
                DATA_QUALITY,
                "HIGH",
                "is not after scheduled_departure",
            )
        )
    return out


def checks_for(suite: str) -> tuple[Check, ...]:
    return tuple(c for c in build_checks() if c.suite == suite)
