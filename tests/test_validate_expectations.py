"""Every expectation built from the schema, each with a passing and a failing example (pandas masks)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from screening.model import Manifest
from screening.validate import spec
from screening.validate.frame import flight_frame, traveller_frame
from screening.validate.masks import Evaluator

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)

TRAVELLER: dict[str, Any] = {
    "traveller_type": "PAX",
    "traveller_ref": "T1",
    "surname": "Doe",
    "given_names": "Jane",
    "date_of_birth": "1980-02-29",
    "sex": "F",
    "nationality": "D",
    "document_type": "P",
    "document_number": "C01X00T47",
    "document_issuing_state": "D",
    "document_expiry": "2030-01-01",
    "document_issue_date": "2020-01-02",
    "visa_number": "VX1234567",
    "visa_issuing_state": "USA",
    "visa_expiry": "2028-01-01",
    "embarkation": "FRA",
    "disembarkation": "JFK",
    "booking_ref": "ABC123",
    "seat": "12A",
    "source_line": "2",
}
FLIGHT: dict[str, Any] = {
    "carrier": "LH",
    "flight_number": "400",
    "departure_airport": "FRA",
    "arrival_airport": "JFK",
    "scheduled_departure": "2026-12-01T10:00:00+01:00",
    "scheduled_arrival": "2026-12-01T13:00:00-05:00",
    "transmitted_at": "2026-11-30T10:00:00Z",
}

# check id -> (changes that pass, changes that fail); the base rows above pass every check.
CASES: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    # flight suite
    "carrier.present": ({"carrier": "4U"}, {"carrier": None}),
    "carrier.format": ({"carrier": "DLH"}, {"carrier": "L"}),
    "flight_number.present": ({"flight_number": "9"}, {"flight_number": " "}),
    "flight_number.format": ({"flight_number": "1234A"}, {"flight_number": "LH400"}),
    "departure_airport.present": ({}, {"departure_airport": None}),
    "departure_airport.format": ({"departure_airport": "CDG"}, {"departure_airport": "EDDF"}),
    "departure_airport.code": ({"departure_airport": "LHR"}, {"departure_airport": "QQQ"}),
    "arrival_airport.present": ({}, {"arrival_airport": None}),
    "arrival_airport.format": ({"arrival_airport": "EWR"}, {"arrival_airport": "jf"}),
    "arrival_airport.code": ({"arrival_airport": "EWR"}, {"arrival_airport": "ZZZ"}),
    "scheduled_departure.present": ({}, {"scheduled_departure": None}),
    "scheduled_departure.datetime": (
        {"scheduled_departure": "2026-12-01T09:00:00Z"},
        {"scheduled_departure": "2026-12-01T10:00:00"},
    ),  # naive
    "scheduled_arrival.present": ({}, {"scheduled_arrival": None}),
    "scheduled_arrival.datetime": (
        {"scheduled_arrival": "2026-12-01T18:00:00Z"},
        {"scheduled_arrival": "01/12/2026 18:00"},
    ),
    "transmitted_at.present": ({}, {"transmitted_at": None}),
    "transmitted_at.datetime": (
        {"transmitted_at": "2026-11-30T10:00:00.123+00:00"},
        {"transmitted_at": "2026-11-31T10:00:00Z"},
    ),
    "scheduled_arrival.after_scheduled_departure": (
        {"scheduled_arrival": "2026-12-01T09:01:00Z"},
        {"scheduled_arrival": "2026-12-01T08:59:00Z"},
    ),
    # traveller suite: mandatory API data elements
    "surname.present": ({"surname": "X"}, {"surname": ""}),
    "given_names.present": ({}, {"given_names": None}),
    "date_of_birth.present": ({}, {"date_of_birth": None}),
    "sex.present": ({}, {"sex": None}),
    "nationality.present": ({}, {"nationality": None}),
    "document_type.present": ({}, {"document_type": None}),
    "document_number.present": ({}, {"document_number": None}),
    "document_issuing_state.present": ({}, {"document_issuing_state": None}),
    "document_expiry.present": ({}, {"document_expiry": None}),
    # lengths
    "traveller_ref.length": ({"traveller_ref": "R" * 64}, {"traveller_ref": "R" * 65}),
    "booking_ref.length": ({"booking_ref": "B" * 20}, {"booking_ref": "B" * 21}),
    "seat.length": ({"seat": "102AB"}, {"seat": "102ABC"}),
    # formats
    "nationality.format": ({"nationality": "GBD"}, {"nationality": "D1"}),
    "document_type.format": ({"document_type": "AC"}, {"document_type": "P1"}),
    "document_number.format": ({"document_number": "AB<123"}, {"document_number": "AB#12"}),
    "document_issuing_state.format": ({"document_issuing_state": "UNO"}, {"document_issuing_state": "DEUT"}),
    "visa_number.format": ({"visa_number": "12345678"}, {"visa_number": "V 123"}),
    "visa_issuing_state.format": ({"visa_issuing_state": "FRA"}, {"visa_issuing_state": "fr"}),
    "embarkation.format": ({"embarkation": "LHR"}, {"embarkation": "LH"}),
    "disembarkation.format": ({"disembarkation": "EWR"}, {"disembarkation": "KJFK"}),
    "date_of_birth.date": ({"date_of_birth": "2000-02-29"}, {"date_of_birth": "1999-02-29"}),
    "document_expiry.date": ({"document_expiry": "2031-12-31"}, {"document_expiry": "2031-1-5"}),
    "visa_expiry.date": ({"visa_expiry": "2027-06-30"}, {"visa_expiry": "2027-06-31"}),
    "document_issue_date.date": ({"document_issue_date": "2021-05-05"}, {"document_issue_date": "05.05.2021"}),
    # codes
    "traveller_type.code": ({"traveller_type": "CREW"}, {"traveller_type": "PILOT"}),
    "sex.code": ({"sex": "X"}, {"sex": "Q"}),
    "nationality.code": ({"nationality": "XXA"}, {"nationality": "ZZZ"}),
    "document_issuing_state.code": ({"document_issuing_state": "EUE"}, {"document_issuing_state": "UTO"}),
    "visa_issuing_state.code": ({"visa_issuing_state": "D"}, {"visa_issuing_state": "E"}),
    "embarkation.code": ({"embarkation": "CDG"}, {"embarkation": "QQQ"}),
    "disembarkation.code": ({"disembarkation": "NRT"}, {"disembarkation": "ZZZ"}),
    "document_type.code": ({"document_type": "ID"}, {"document_type": "Z"}),
    # date sanity
    "date_of_birth.not_future": ({"date_of_birth": "2026-11-30"}, {"date_of_birth": "2026-12-01"}),
    "date_of_birth.max_age": ({"date_of_birth": "1906-11-30"}, {"date_of_birth": "1905-11-30"}),
    "document_expiry.after_date_of_birth": ({"document_expiry": "1980-03-01"}, {"document_expiry": "1980-02-29"}),
    "document_expiry.after_document_issue_date": (
        {"document_issue_date": "2029-12-31"},
        {"document_issue_date": "2030-01-01"},
    ),
    "visa_expiry.after_date_of_birth": ({"visa_expiry": "1990-01-01"}, {"visa_expiry": "1970-01-01"}),
}
# Duplicates need two rows: (second row's changes that pass, that fail).
UNIQUE_CASES: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "traveller_ref.unique": ({"traveller_ref": "T2", "document_number": "X1"}, {"document_number": "X1"}),
    "document_type+document_number+document_issuing_state.unique": (
        {"traveller_ref": "T2", "document_issuing_state": "FRA"},
        {"traveller_ref": "T2"},
    ),
}


def _evaluate(check: spec.Check, rows: list[dict[str, Any]]) -> list[bool]:
    if check.suite == spec.FLIGHT:
        fields = {k: v for k, v in rows[0].items() if k in FLIGHT}
        frame = flight_frame(Manifest(**fields))
    else:
        frame = traveller_frame(rows)
    return Evaluator(frame, NOW).evaluate(check).failing.tolist()


def _check(check_id: str) -> spec.Check:
    [check] = [c for c in spec.build_checks() if c.id == check_id]
    return check


def test_every_expectation_has_a_passing_and_a_failing_example() -> None:
    assert {c.id for c in spec.build_checks()} == set(CASES) | set(UNIQUE_CASES)


@pytest.mark.parametrize("check_id", sorted(CASES))
def test_expectation_passes_and_fails(check_id: str) -> None:
    check = _check(check_id)
    base = FLIGHT if check.suite == spec.FLIGHT else TRAVELLER
    passing, failing = CASES[check_id]
    assert _evaluate(check, [dict(base)]) == [False], "base row must pass"
    assert _evaluate(check, [{**base, **passing}]) == [False]
    assert _evaluate(check, [{**base, **failing}]) == [True]


@pytest.mark.parametrize("check_id", sorted(UNIQUE_CASES))
def test_duplicate_expectation_passes_and_fails(check_id: str) -> None:
    check = _check(check_id)
    passing, failing = UNIQUE_CASES[check_id]
    assert _evaluate(check, [TRAVELLER, {**TRAVELLER, **passing}]) == [False, False]
    assert _evaluate(check, [TRAVELLER, {**TRAVELLER, **failing}]) == [True, True]


def test_missing_values_fail_only_the_presence_check() -> None:
    rows = [{**TRAVELLER, "nationality": None, "date_of_birth": None}]
    frame = traveller_frame(rows)
    evaluator = Evaluator(frame, NOW)
    failed = {c.id for c in spec.checks_for(spec.TRAVELLER) if evaluator.evaluate(c).failing.any()}
    assert failed == {"nationality.present", "date_of_birth.present"}


def test_checks_come_from_the_schema_annotations() -> None:
    from screening import schemas

    checks = spec.build_checks()
    present = {c.column for c in checks if c.kind == spec.NOT_NULL and c.rule_id == spec.API_INCOMPLETE}
    assert present == set(schemas.api_mandatory_columns())
    codes = {c.column for c in checks if c.params.get("value_set") == "icao_country_codes"}
    assert codes == set(schemas.country_columns())


@pytest.mark.parametrize(
    "code",
    [
        "D",
        "XXA",
        "XXB",
        "XXC",
        "XXX",
        "UNO",
        "UNA",
        "UNK",
        "GBD",
        "GBN",
        "GBO",
        "GBP",
        "GBS",
        "EUE",
        "XPO",
        "XOM",
        "DEU",
        "RKS",
    ],
)
def test_icao_only_country_codes_are_accepted(code: str) -> None:
    rows = [{**TRAVELLER, "nationality": code, "document_issuing_state": code, "visa_issuing_state": code}]
    evaluator = Evaluator(traveller_frame(rows), NOW)
    for check_id in ("nationality.code", "document_issuing_state.code", "visa_issuing_state.code"):
        assert not evaluator.evaluate(_check(check_id)).failing.any()
