"""Expectations derived from schemas/manifest_csv.schema.json, so the schema stays the one source of truth.

Each `Check` is engine-neutral: `masks.py` evaluates it vectorised with pandas (fast, gives failing rows)
and `gx_suite.py` turns the same list into a Great Expectations suite (auditable, stored result)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any

from screening import schemas
from screening.vocabulary import DATA_QUALITY, OBLIGATION

# Suites: one row per traveller, or the single row of flight fields.
TRAVELLER = "traveller"
FLIGHT = "flight"

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
API_INCOMPLETE = "API_INCOMPLETE"
API_DUPLICATE_TRAVELLER = "API_DUPLICATE_TRAVELLER"


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


def _column_checks(column: str, spec: dict[str, Any]) -> list[Check]:
    suite = _suite_of(spec)
    out: list[Check] = []
    if spec.get("x-api-mandatory"):
        out.append(
            Check(
                f"{column}.present",
                suite,
                (column,),
                NOT_NULL,
                API_INCOMPLETE,
                OBLIGATION,
                "HIGH" if suite == FLIGHT else "MEDIUM",
                "is missing (mandatory API data element)",
            )
        )
    elif spec.get("x-required-for"):
        needed = ", ".join(spec["x-required-for"])
        out.append(
            Check(
                f"{column}.present",
                suite,
                (column,),
                NOT_NULL,
                DQ_MISSING,
                DATA_QUALITY,
                "MEDIUM",
                f"is missing, so {needed} cannot be assessed",
            )
        )
    if "maxLength" in spec or spec.get("minLength", 0) > 1:
        out.append(
            Check(
                f"{column}.length",
                suite,
                (column,),
                LENGTH,
                DQ_FORMAT,
                DATA_QUALITY,
                "LOW",
                f"has a length outside {spec.get('minLength', 0)}..{spec.get('maxLength', 'any')}",
                {"min_value": spec.get("minLength"), "max_value": spec.get("maxLength")},
            )
        )
    if "pattern" in spec:
        out.append(
            Check(
                f"{column}.format",
                suite,
                (column,),
                REGEX,
                DQ_FORMAT,
                DATA_QUALITY,
                "MEDIUM",
                "does not match the expected format",
                {"regex": spec["pattern"]},
            )
        )
    if spec.get("format") == "date":
        out.append(
            Check(
                f"{column}.date",
                suite,
                (column,),
                DATE,
                DQ_FORMAT,
                DATA_QUALITY,
                "MEDIUM",
                "is not a valid calendar date (YYYY-MM-DD)",
            )
        )
    if spec.get("format") == "date-time":
        out.append(
            Check(
                f"{column}.datetime",
                suite,
                (column,),
                DATETIME,
                DQ_FORMAT,
                DATA_QUALITY,
                "MEDIUM",
                "is not an ISO 8601 time with offset or Z within years 0002-9998",
            )
        )
    if "enum" in spec:
        out.append(
            Check(
                f"{column}.code",
                suite,
                (column,),
                IN_SET,
                DQ_CODE,
                DATA_QUALITY,
                "MEDIUM",
                "is not an allowed code",
                {"value_set": "enum", "values": tuple(spec["enum"])},
            )
        )
    if spec.get("x-country"):
        out.append(
            Check(
                f"{column}.code",
                suite,
                (column,),
                IN_SET,
                DQ_CODE,
                DATA_QUALITY,
                "MEDIUM",
                "is not an ICAO Doc 9303 country code",
                {"value_set": "icao_country_codes"},
            )
        )
    if spec.get("x-airport"):
        out.append(
            Check(
                f"{column}.code",
                suite,
                (column,),
                IN_SET,
                DQ_CODE,
                DATA_QUALITY,
                "MEDIUM",
                "is not an IATA airport code known to airportsdata",
                {"value_set": "iata_airports"},
            )
        )
    if "x-code-pattern" in spec:
        out.append(
            Check(
                f"{column}.code",
                suite,
                (column,),
                CODE_PATTERN,
                DQ_CODE,
                DATA_QUALITY,
                "MEDIUM",
                "is not an ICAO Doc 9303 / PAXLST document code",
                {"regex": spec["x-code-pattern"]},
            )
        )
    if spec.get("x-date-role") == "birth":
        out.append(
            Check(
                f"{column}.not_future",
                suite,
                (column,),
                NOT_FUTURE,
                DQ_DATE,
                DATA_QUALITY,
                "HIGH",
                "is in the future",
            )
        )
        if "x-max-age-years" in spec:
            years = spec["x-max-age-years"]
            out.append(
                Check(
                    f"{column}.max_age",
                    suite,
                    (column,),
                    MAX_AGE,
                    DQ_DATE,
                    DATA_QUALITY,
                    "MEDIUM",
                    f"gives an age above {years} years",
                    {"max_years": years},
                )
            )
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
