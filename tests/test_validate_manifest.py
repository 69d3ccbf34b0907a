"""End to end: a manifest with known faults yields exactly the expected flags, quarantine and report."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from screening import schemas
from screening.ingest.csv_manifest import parse_manifest_csv
from screening.ingest.json_manifest import parse_manifest_json
from screening.model import Manifest
from screening.validate import ValidationResult, validate_manifest

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
FIXTURE = Path(__file__).parent / "fixtures" / "validate" / "known_faults.json"
SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"

# (traveller_ref, flag_type, rule_id, severity, field or fields) -- one line per expected flag.
EXPECTED = Counter(
    [
        ("", "DATA_QUALITY", "DQ_MISSING", "MEDIUM", "transmitted_at"),
        ("", "DATA_QUALITY", "DQ_DATE", "HIGH", "scheduled_arrival"),
        ("T002", "DATA_QUALITY", "DQ_CODE", "MEDIUM", "nationality"),
        ("T003", "DATA_QUALITY", "DQ_CODE", "MEDIUM", "sex"),
        ("T004", "DATA_QUALITY", "DQ_FORMAT", "MEDIUM", "date_of_birth"),
        ("T005", "DATA_QUALITY", "DQ_DATE", "HIGH", "date_of_birth"),
        ("T006", "DATA_QUALITY", "DQ_DATE", "MEDIUM", "date_of_birth"),
        ("T007", "DATA_QUALITY", "DQ_FORMAT", "MEDIUM", "document_number"),
        ("T008", "DATA_QUALITY", "DQ_CODE", "MEDIUM", "document_type"),
        ("T009", "OBLIGATION", "API_INCOMPLETE", "MEDIUM", ("date_of_birth", "sex")),
        ("T010", "OBLIGATION", "API_INCOMPLETE", "MEDIUM", ("surname",)),
        ("T001", "OBLIGATION", "API_DUPLICATE_TRAVELLER", "MEDIUM", ("traveller_ref",)),
        (
            "T012",
            "OBLIGATION",
            "API_DUPLICATE_TRAVELLER",
            "MEDIUM",
            ("document_type", "document_number", "document_issuing_state"),
        ),
        ("T014", "DOCUMENT", "DOC_CHECK_DIGIT_INVALID", "HIGH", ("document_number", "composite")),
        ("T015", "DATA_QUALITY", "DQ_MRZ_MISMATCH", "MEDIUM", ("date_of_birth",)),
        ("T017", "DATA_QUALITY", "DQ_MRZ_FORMAT", "MEDIUM", "mrz"),
        ("T018", "DATA_QUALITY", "DQ_DATE", "MEDIUM", "document_expiry"),
        ("T019", "DATA_QUALITY", "DQ_CODE", "MEDIUM", "embarkation"),
    ]
)


def _key(flag) -> tuple:
    fields = flag.details.get("field") or tuple(flag.details.get("fields", ()))
    return (flag.traveller_ref, flag.flag_type, flag.rule_id, flag.severity, fields)


@pytest.fixture(scope="module")
def manifest() -> Manifest:
    [manifest] = parse_manifest_json(FIXTURE).manifests
    return manifest


@pytest.fixture(scope="module")
def result(manifest: Manifest) -> ValidationResult:
    """Validated once with Great Expectations (the slow part: GX import and suite building)."""
    return validate_manifest(manifest, now=NOW, use_gx=True)


def test_known_faults_produce_exactly_the_expected_flags(result: ValidationResult) -> None:
    assert Counter(_key(f) for f in result.flags) == EXPECTED


def test_flags_carry_manifest_identity(manifest: Manifest, result: ValidationResult) -> None:
    assert {(f.manifest_id, f.carrier, f.flight_number) for f in result.flags} == {(manifest.manifest_id, "LH", "400")}


def test_nameless_traveller_is_quarantined_and_nothing_is_dropped(manifest: Manifest, result: ValidationResult) -> None:
    [record] = result.quarantine
    assert (record.record_ref, record.reason_code, record.travellers) == ("manifests[0].travellers[9]", "NO_NAME", 1)
    assert json.loads(record.raw)["traveller_ref"] == "T010"
    assert len(result.screenable) + sum(q.travellers for q in result.quarantine) == len(manifest.travellers)
    assert all(t.get("surname") for t in result.screenable)


def test_explanations_name_fields_but_carry_no_personal_data(manifest: Manifest, result: ValidationResult) -> None:
    personal = {
        t[c]
        for t in manifest.travellers
        for c in ("surname", "given_names", "date_of_birth", "document_number")
        if t.get(c)
    }
    text = json.dumps([f.explanation for f in result.flags] + [f.details for f in result.flags])
    report = json.dumps(result.report)
    assert not [p for p in personal if p in text or p in report]
    assert "date_of_birth is not a valid calendar date" in text


def test_report_counts_every_expectation_and_gx_agrees(manifest: Manifest, result: ValidationResult) -> None:
    report = json.loads(json.dumps(result.report))  # JSON-serialisable as stored
    assert report["manifest_id"] == manifest.manifest_id and report["success"] is False
    counts = report["counts"]
    assert (counts["travellers_in"], counts["travellers_screenable"], counts["travellers_quarantined"]) == (19, 18, 1)
    assert counts["flags_by_rule"]["DOC_CHECK_DIGIT_INVALID"] == 1
    by_id = {e["id"]: e for e in report["expectations"]}
    assert by_id["sex.code"]["unexpected_count"] == 1 and by_id["sex.code"]["success"] is False
    assert by_id["traveller_ref.unique"]["unexpected_count"] == 2  # both rows of the pair, as GX counts
    assert by_id["nationality.code"]["unexpected_count"] == 1  # ZZZ; XXA and GBD are ICAO codes
    assert report["gx"]["enabled"] is True and "error" not in report["gx"]
    assert all(e["engines_agree"] for e in report["expectations"]), [
        e["id"] for e in report["expectations"] if not e["engines_agree"]
    ]
    assert report["statistics"]["evaluated_expectations"] == len(report["expectations"])
    assert report["mrz"]["check_digit_failures_by_field"] == {"document_number": 1, "composite": 1}
    assert report["mrz"]["by_layout"] == {"TD3": 3, "TD1": 1, "MRV-B": 1}


def test_clean_sample_manifest_has_no_validation_flags() -> None:
    [manifest] = parse_manifest_csv(SAMPLES / "manifest_clean_ZZ101.csv").manifests
    result = validate_manifest(manifest, now=NOW, use_gx=False)
    assert result.flags == [] and len(result.screenable) == len(manifest.travellers)
    assert result.report["gx"] == {"enabled": False}


def test_flight_without_mandatory_elements_gets_one_manifest_level_flag() -> None:
    manifest = Manifest(
        carrier="LH",
        flight_number="400",
        departure_airport=None,
        arrival_airport="JFK",
        scheduled_departure="2026-12-01T10:00:00Z",
        scheduled_arrival=None,
        transmitted_at="2026-11-30T10:00:00Z",
    )
    [flag] = validate_manifest(manifest, now=NOW, use_gx=False).flags
    assert (flag.traveller_ref, flag.rule_id, flag.severity, flag.details["fields"]) == (
        "",
        "API_INCOMPLETE",
        "HIGH",
        ["departure_airport", "scheduled_arrival"],
    )


def test_empty_manifest_validates() -> None:
    manifest = Manifest(
        carrier="LH",
        flight_number="400",
        departure_airport="FRA",
        arrival_airport="JFK",
        scheduled_departure="2026-12-01T10:00:00Z",
        scheduled_arrival="2026-12-01T18:00:00Z",
        transmitted_at="2026-11-30T10:00:00Z",
    )
    result = validate_manifest(manifest, now=NOW, use_gx=False)
    assert (result.flags, result.screenable, result.quarantine) == ([], [], [])


def test_report_names_its_suite_and_reference_data(result: ValidationResult) -> None:
    suite = result.report["suite"]
    assert suite["checks"] == len(result.report["expectations"]) and len(suite["fingerprint"]) == 16
    assert suite["reference_data"]["icao_country_codes"] > 250 and suite["reference_data"]["airportsdata"]


def test_great_expectations_stays_quiet(result: ValidationResult) -> None:
    import logging

    assert logging.getLogger("great_expectations").getEffectiveLevel() >= logging.WARNING
    from screening.validate.gx_suite import context

    assert context().variables.progress_bars["globally"] is False


_TEXT = st.one_of(st.none(), st.text(max_size=12), st.sampled_from(["", " ", "D", "XXA", "1990-02-30", "P"]))


@settings(max_examples=25, deadline=None)
@given(st.lists(st.fixed_dictionaries({c: _TEXT for c in schemas.traveller_columns()}), max_size=6))
def test_any_traveller_rows_validate_without_error_and_nothing_is_dropped(rows: list[dict]) -> None:
    travellers = [{**row, "source_line": str(i + 2)} for i, row in enumerate(rows)]
    manifest = Manifest(
        carrier="LH",
        flight_number="400",
        departure_airport="FRA",
        arrival_airport="JFK",
        scheduled_departure="2026-12-01T10:00:00Z",
        travellers=travellers,
    )
    result = validate_manifest(manifest, now=NOW, use_gx=False)
    assert len(result.screenable) + sum(q.travellers for q in result.quarantine) == len(travellers)
    json.dumps(result.report)
    for flag in result.flags:
        assert flag.flag_type in ("DATA_QUALITY", "OBLIGATION", "DOCUMENT")
        assert flag.severity in ("LOW", "MEDIUM", "HIGH")


def test_a_failing_gx_run_is_reported_not_raised(monkeypatch: pytest.MonkeyPatch) -> None:
    from screening.validate import gx_suite

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(gx_suite, "run_suite", broken)
    [manifest] = parse_manifest_csv(SAMPLES / "manifest_clean_ZZ101.csv").manifests
    result = validate_manifest(manifest, now=NOW, use_gx=True)
    assert result.report["gx"]["error"] == "RuntimeError" and result.flags == []
    assert all("engines_agree" not in e for e in result.report["expectations"])


def test_gx_can_be_switched_off_by_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCREENING_VALIDATE_GX", "0")
    [manifest] = parse_manifest_csv(SAMPLES / "manifest_clean_ZZ101.csv").manifests
    assert validate_manifest(manifest, now=NOW).report["gx"] == {"enabled": False}


def test_travellers_sharing_a_reference_keep_distinct_flags() -> None:
    from screening.store.repository import flag_key

    row = {
        "traveller_type": "PAX",
        "traveller_ref": "T1",
        "surname": "Doe",
        "given_names": "Jane",
        "date_of_birth": "1980-01-01",
        "sex": "Q",
        "nationality": "D",
        "document_type": "P",
        "document_issuing_state": "D",
        "document_expiry": "2030-01-01",
        "mrz": ["P<D<<DOE<<JANE", "C01X00T478D<<6408125F2702283<<<<<<<<<<<<<<<5"],
    }
    travellers = [{**row, "document_number": f"X{i}", "source_line": str(i + 2)} for i in range(3)]
    manifest = Manifest(
        carrier="LH",
        flight_number="400",
        departure_airport="FRA",
        arrival_airport="JFK",
        scheduled_departure="2026-12-01T10:00:00Z",
        scheduled_arrival="2026-12-01T18:00:00Z",
        transmitted_at="2026-11-30T10:00:00Z",
        travellers=travellers,
    )
    flags = validate_manifest(manifest, now=NOW, use_gx=False).flags
    rules = Counter(f.rule_id for f in flags)
    assert (rules["DQ_CODE"], rules["API_DUPLICATE_TRAVELLER"], rules["DOC_CHECK_DIGIT_INVALID"]) == (3, 2, 3)
    assert len({flag_key(f) for f in flags}) == len(flags)
