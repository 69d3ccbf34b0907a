"""The stored validation result: what was checked and how it went, with counts only (no personal data)."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from datetime import datetime
from functools import cache
from importlib import metadata
from typing import Any

from screening.model import Flag, Manifest, QuarantineRecord, Traveller
from screening.validate import spec
from screening.validate.masks import NAMED_VALUE_SETS, Outcome, named_value_set

REPORT_VERSION = 1
SCHEMA = "schemas/manifest_csv.schema.json"

GX_TYPES = {
    spec.NOT_NULL: "expect_column_values_to_not_be_null",
    spec.LENGTH: "expect_column_value_lengths_to_be_between",
    spec.REGEX: "expect_column_values_to_match_regex",
    spec.CODE_PATTERN: "expect_column_values_to_match_regex",
    spec.IN_SET: "expect_column_values_to_be_in_set",
    spec.DATE: "expect_column_values_to_be_in_set",
    spec.DATETIME: "expect_column_values_to_be_in_set",
    spec.NOT_FUTURE: "expect_column_values_to_be_between",
    spec.MAX_AGE: "expect_column_values_to_be_between",
    spec.AFTER: "expect_column_values_to_be_between",
    spec.UNIQUE: "expect_column_values_to_be_unique",
}


def expectation_type(check: spec.Check) -> str:
    if check.kind == spec.UNIQUE and len(check.columns) > 1:
        return "expect_compound_columns_to_be_unique"
    return GX_TYPES[check.kind]


def expectation_entry(outcome: Outcome) -> dict[str, Any]:
    check = outcome.check
    entry: dict[str, Any] = {
        "id": check.id,
        "suite": check.suite,
        "expectation_type": expectation_type(check),
        "columns": list(check.columns),
        "derived_column": outcome.derived_name,
        "rule_id": check.rule_id,
        "flag_type": check.flag_type,
        "severity": check.severity,
        "evaluated": outcome.evaluated,
        "unexpected_count": outcome.unexpected_count,
        "success": outcome.unexpected_count == 0,
    }
    params = {k: v for k, v in check.params.items() if k not in ("values",)}
    if "values" in check.params:
        params["values"] = list(check.params["values"])
    if params:
        entry["params"] = params
    return entry


@cache
def suite_identity() -> dict[str, Any]:
    """Which checks and which reference data judged this manifest, so a stored report can be audited
    against the exact suite definition (the fingerprint changes whenever a check or a code list does)."""
    checks = [
        {
            "id": c.id,
            "suite": c.suite,
            "kind": c.kind,
            "columns": list(c.columns),
            "rule_id": c.rule_id,
            "params": {k: (list(v) if isinstance(v, tuple) else v) for k, v in c.params.items()},
        }
        for c in spec.build_checks()
    ]
    value_sets = {name: sorted(named_value_set(name)) for name in NAMED_VALUE_SETS}
    payload = json.dumps({"checks": checks, "value_sets": value_sets}, sort_keys=True).encode()
    return {
        "schema": SCHEMA,
        "checks": len(checks),
        "fingerprint": hashlib.sha256(payload).hexdigest()[:16],
        "reference_data": {
            "icao_country_codes": len(value_sets["icao_country_codes"]),
            "iata_airports": len(value_sets["iata_airports"]),
            "airportsdata": _version("airportsdata"),
            "pycountry": _version("pycountry"),
        },
    }


def _version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def build_report(
    manifest: Manifest,
    now: datetime,
    outcomes: dict[str, list[Outcome]],
    flags: list[Flag],
    screenable: list[Traveller],
    quarantine: list[QuarantineRecord],
    mrz_summary: dict[str, Any],
    gx_section: dict[str, Any],
    masks_seconds: float,
) -> dict[str, Any]:
    entries = [expectation_entry(o) for suite in (spec.FLIGHT, spec.TRAVELLER) for o in outcomes[suite]]
    failed = sum(1 for e in entries if not e["success"])
    mrz_faults = any(mrz_summary.get(key) for key in ("check_digit_failures", "mrz_unreadable", "mismatches_by_field"))
    report = {
        "report_version": REPORT_VERSION,
        "manifest_id": manifest.manifest_id,
        "carrier": manifest.carrier,
        "flight_number": manifest.flight_number,
        "source_file": manifest.source_file,
        "validated_at": now.isoformat(),
        "success": failed == 0 and not mrz_faults,
        "suite": suite_identity(),
        "counts": {
            "travellers_in": len(manifest.travellers),
            "travellers_screenable": len(screenable),
            "travellers_quarantined": sum(q.travellers for q in quarantine),
            "quarantine_by_reason": dict(Counter(q.reason_code for q in quarantine)),
            "flags": len(flags),
            "flags_by_rule": dict(Counter(f.rule_id for f in flags)),
            "flags_by_type": dict(Counter(f.flag_type for f in flags)),
        },
        "statistics": {
            "evaluated_expectations": len(entries),
            "successful_expectations": len(entries) - failed,
            "unsuccessful_expectations": failed,
            "success_percent": round(100.0 * (len(entries) - failed) / len(entries), 2) if entries else 100.0,
        },
        "expectations": entries,
        "mrz": mrz_summary,
        "gx": {},
        "seconds": {"masks": round(masks_seconds, 4), "gx": None},
    }
    attach_gx(report, gx_section)
    return report


def attach_gx(report: dict[str, Any], gx_section: dict[str, Any]) -> None:
    """Put a GX audit result into a built report, in place: GX's verdict beside each expectation of the
    fast path and the report's `gx` section. In place because the audit may finish after the report was
    built and handed on (screening.validate.gx_worker): whoever holds the report sees the result."""
    gx_counts = {r["id"]: r for r in gx_section.get("results", [])}
    for entry in report["expectations"]:
        gx = gx_counts.get(entry["id"])
        if gx is not None:
            entry["gx_success"] = gx["success"]
            entry["gx_unexpected_count"] = gx["unexpected_count"]
            entry["engines_agree"] = gx["unexpected_count"] == entry["unexpected_count"]
    report["gx"] = {k: v for k, v in gx_section.items() if k != "results"}
    report["seconds"]["gx"] = gx_section.get("seconds")
