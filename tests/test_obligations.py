"""Obligation rules at their boundaries: arrival-day expiry in the arrival airport's local date, year-only
expiry, validity periods, visa policy with overrides, API deadlines across time zones and midnight."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from rules_support import RULES, flight_manifest

from screening.model import Manifest
from screening.obligations import apply_obligations, manifest_frame
from screening.rules import load_ruleset
from screening.rules.evaluate import evaluate_frame


@pytest.fixture(scope="module")
def ruleset():
    return load_ruleset(RULES)


def manifest(**flight: Any) -> Manifest:
    return flight_manifest(**flight)


def traveller(ref: str = "P1", **fields: Any) -> dict[str, Any]:
    base = dict(
        traveller_type="PAX",
        traveller_ref=ref,
        surname="Doe",
        given_names="Jane",
        nationality="USA",
        document_type="P",
        document_number="X123",
        document_issuing_state="USA",
        document_expiry="2030-01-01",
    )
    base.update(fields)
    return base


def rules_of(flags, ref: str | None = None) -> list[str]:
    return sorted(f.rule_id for f in flags if ref is None or f.traveller_ref == ref)


def run(ruleset, travellers: list[dict[str, Any]], **flight: Any):
    m = manifest(**flight)
    m.travellers = travellers
    return apply_obligations(m, travellers, ruleset)


def test_valid_traveller_gets_no_flag(ruleset) -> None:
    assert run(ruleset, [traveller()]) == []


@pytest.mark.parametrize("missing", ["document_number", "document_type"])
def test_doc_missing_when_number_or_type_absent(ruleset, missing: str) -> None:
    flags = run(ruleset, [traveller(**{missing: None})])
    assert rules_of(flags) == ["DOC_MISSING"]
    assert missing.replace("_", " ") in flags[0].explanation


def test_doc_missing_blank_text_counts_as_missing(ruleset) -> None:
    assert rules_of(run(ruleset, [traveller(document_number="  ")])) == ["DOC_MISSING"]


def test_document_expiring_on_arrival_day_is_still_valid(ruleset) -> None:
    # arrival 2026-03-02 07:30 local at FRA; valid through its expiry day
    assert "DOC_EXPIRED" not in rules_of(run(ruleset, [traveller(document_expiry="2026-03-02")]))


def test_document_expired_the_day_before_arrival(ruleset) -> None:
    flags = run(ruleset, [traveller(document_expiry="2026-03-01")])
    assert "DOC_EXPIRED" in rules_of(flags)
    expl = next(f for f in flags if f.rule_id == "DOC_EXPIRED").explanation
    assert "2026-03-02" in expl and "local date at FRA" in expl


def test_expiry_uses_arrival_airport_local_date_not_utc(ruleset) -> None:
    # 00:30 in Frankfurt on 2 March is still 1 March in UTC: the local date decides
    flags = run(ruleset, [traveller(document_expiry="2026-03-01")], scheduled_arrival="2026-03-01T23:30:00Z")
    assert "DOC_EXPIRED" in rules_of(flags)


def test_expiry_west_of_utc_local_date_is_earlier(ruleset) -> None:
    # 22:00 in New York on 1 March is 2 March UTC: the document expiring 1 March is still valid
    flags = run(
        ruleset,
        [traveller(nationality="D", document_expiry="2026-03-01")],
        departure_airport="FRA",
        arrival_airport="JFK",
        scheduled_departure="2026-03-01T16:00:00+01:00",
        scheduled_arrival="2026-03-02T03:00:00Z",
        transmitted_at="2026-03-01T10:00:00Z",
    )
    assert "DOC_EXPIRED" not in rules_of(flags)


def test_naive_arrival_time_is_local_to_the_arrival_airport(ruleset) -> None:
    flags = run(ruleset, [traveller(document_expiry="2026-03-01")], scheduled_arrival="2026-03-02T00:10:00")
    assert "DOC_EXPIRED" in rules_of(flags)


def test_missing_arrival_time_falls_back_to_departure_in_arrival_time_zone(ruleset) -> None:
    # departure 18:00 New York = 00:00 2 March in Frankfurt
    flags = run(ruleset, [traveller(document_expiry="2026-03-01")], scheduled_arrival=None)
    expl = next(f for f in flags if f.rule_id == "DOC_EXPIRED").explanation
    assert "no scheduled arrival" in expl


@pytest.mark.parametrize(
    ("expiry", "expired"), [("2026", False), ("2025", True), ("2026-03", False), ("2026-02", True)]
)
def test_year_only_and_year_month_expiry_last_until_end_of_period(ruleset, expiry: str, expired: bool) -> None:
    assert ("DOC_EXPIRED" in rules_of(run(ruleset, [traveller(document_expiry=expiry)]))) is expired


def test_year_only_expiry_boundary_at_new_year(ruleset) -> None:
    flight = dict(
        scheduled_departure="2026-12-31T10:00:00-05:00",
        scheduled_arrival="2027-01-01T00:05:00+01:00",
        transmitted_at="2026-12-31T10:00:00Z",
    )
    assert "DOC_EXPIRED" in rules_of(run(ruleset, [traveller(document_expiry="2026")], **flight))
    flight["scheduled_arrival"] = "2026-12-31T23:55:00+01:00"
    assert "DOC_EXPIRED" not in rules_of(run(ruleset, [traveller(document_expiry="2026")], **flight))


def test_malformed_expiry_is_not_evaluated(ruleset) -> None:
    assert run(ruleset, [traveller(document_expiry="31/12/2020")]) == []


def test_validity_exactly_three_months_after_arrival_is_enough(ruleset) -> None:
    assert rules_of(run(ruleset, [traveller(document_expiry="2026-06-02")])) == []


def test_validity_one_day_short_is_flagged_with_framework(ruleset) -> None:
    flags = run(ruleset, [traveller(document_expiry="2026-06-01")])
    assert rules_of(flags) == ["DOC_VALIDITY_SHORT"]
    assert flags[0].details == {"frameworks": ["EU_DOCS"]}
    assert "3 months" in flags[0].explanation


def test_validity_not_required_where_no_framework_sets_it(ruleset) -> None:
    flags = run(
        ruleset,
        [traveller(nationality="D", document_expiry="2026-03-05")],
        departure_airport="FRA",
        arrival_airport="JFK",
        scheduled_departure="2026-03-01T10:00:00+01:00",
        scheduled_arrival="2026-03-01T13:00:00-05:00",
        transmitted_at="2026-03-01T06:00:00Z",
    )
    assert flags == []


def test_visa_required_nationality_without_visa(ruleset) -> None:
    flags = run(ruleset, [traveller(nationality="AFG")])
    assert rules_of(flags) == ["VISA_REQUIRED_MISSING"]
    assert "AFG" in flags[0].explanation and "Doe" not in flags[0].explanation


def test_visa_held_and_valid_on_arrival(ruleset) -> None:
    t = traveller(nationality="AFG", visa_number="V1", visa_issuing_state="D", visa_expiry="2026-03-02")
    assert run(ruleset, [t]) == []


def test_visa_expired_before_arrival_counts_as_missing(ruleset) -> None:
    t = traveller(nationality="AFG", visa_number="V1", visa_issuing_state="D", visa_expiry="2026-03-01")
    flags = run(ruleset, [t])
    assert rules_of(flags) == ["VISA_REQUIRED_MISSING"] and "expired" in flags[0].explanation


def test_visa_override_wins_over_generated_policy(ruleset) -> None:
    assert ruleset.visa_category("D", "IND") == "visa_free"
    assert run(ruleset, [traveller(nationality="IND")]) == []


def test_visa_policy_keys_accept_iso_and_icao_germany(ruleset) -> None:
    assert ruleset.visa_category("DEU", "AFG") == ruleset.visa_category("D", "AFG") == "visa_required"


def test_eta_is_not_a_visa_in_this_rule_set(ruleset) -> None:
    assert run(ruleset, [traveller(nationality="USA")]) == []


def test_rule_types_and_crew(ruleset) -> None:
    flags = run(ruleset, [traveller("C1", traveller_type="CREW", nationality="AFG", document_type="AC")])
    assert rules_of(flags) == ["VISA_REQUIRED_MISSING"]


# --- API_LATE -----------------------------------------------------------------------------------------


def test_api_in_time_at_exact_deadline(ruleset) -> None:
    # check-in closes 45 min before 23:00Z departure: deadline 22:15Z
    assert run(ruleset, [traveller()], transmitted_at="2026-03-01T22:15:00Z") == []


def test_api_one_minute_late(ruleset) -> None:
    flags = run(ruleset, [traveller()], transmitted_at="2026-03-01T22:16:00Z")
    assert [(f.rule_id, f.traveller_ref) for f in flags] == [("API_LATE", "")]
    assert flags[0].details == {"frameworks": ["EU_API_OLD"]} and "late by 1 min" in flags[0].explanation


def test_api_deadline_across_midnight_and_offsets(ruleset) -> None:
    # departs Amsterdam 00:20 local on 2 March (= 23:20Z on 1 March): deadline 22:35Z on 1 March
    flight = dict(
        departure_airport="AMS",
        arrival_airport="FRA",
        scheduled_departure="2026-03-02T00:20:00+01:00",
        scheduled_arrival="2026-03-02T01:30:00+01:00",
    )
    assert run(ruleset, [traveller()], transmitted_at="2026-03-01T23:35:00+01:00", **flight) == []
    late = run(ruleset, [traveller()], transmitted_at="2026-03-02T00:36:00+02:00", **flight)
    assert rules_of(late) == ["API_LATE"]


def test_api_naive_departure_is_local_to_departure_airport(ruleset) -> None:
    flags = run(
        ruleset,
        [traveller()],
        scheduled_departure="2026-03-01T18:00:00",
        transmitted_at="2026-03-01T22:16:00Z",
    )
    assert rules_of(flags) == ["API_LATE"]


def test_api_naive_transmission_is_utc(ruleset) -> None:
    assert rules_of(run(ruleset, [traveller()], transmitted_at="2026-03-01T22:16:00")) == ["API_LATE"]


def test_api_us_deadline_is_thirty_minutes_before_doors(ruleset) -> None:
    # departs FRA 10:00 local (09:00Z); doors 09:50 local -> deadline 09:20 local = 08:20Z
    flight = dict(
        departure_airport="FRA",
        arrival_airport="JFK",
        scheduled_departure="2026-03-01T10:00:00+01:00",
        scheduled_arrival="2026-03-01T13:00:00-05:00",
    )
    t = [traveller(nationality="USA")]
    assert run(ruleset, t, transmitted_at="2026-03-01T08:20:00Z", **flight) == []
    flags = run(ruleset, t, transmitted_at="2026-03-01T08:21:00Z", **flight)
    assert flags[0].details == {"frameworks": ["US_API"]}


def test_api_new_regulation_applies_after_its_start_date(ruleset) -> None:
    flight = dict(scheduled_departure="2028-07-01T18:00:00-04:00", scheduled_arrival="2028-07-02T07:30:00+02:00")
    # closure 10 min before 22:00Z, +15 min grace: deadline 22:05Z
    assert run(ruleset, [traveller()], transmitted_at="2028-07-01T22:05:00Z", **flight) == []
    flags = run(ruleset, [traveller()], transmitted_at="2028-07-01T22:06:00Z", **flight)
    assert flags[0].details == {"frameworks": ["EU_API_NEW"]}


def test_api_without_transmission_time_uses_now_only_when_given(ruleset) -> None:
    m = manifest(transmitted_at=None)
    m.travellers = [traveller()]
    assert apply_obligations(m, m.travellers, ruleset) == []
    late = apply_obligations(m, m.travellers, ruleset, now=datetime(2026, 3, 1, 23, 0, tzinfo=UTC))
    assert rules_of(late) == ["API_LATE"]


def test_api_late_on_a_manifest_without_travellers(ruleset) -> None:
    m = manifest(transmitted_at="2026-03-01T23:00:00Z")
    assert rules_of(apply_obligations(m, [], ruleset)) == ["API_LATE"]


# --- common properties ----------------------------------------------------------------------------------


def test_every_flag_carries_rules_version_and_no_personal_data(ruleset) -> None:
    travellers = [
        traveller("P1", document_number=None),
        traveller("P2", nationality="AFG"),
        traveller("P3", document_expiry="2026-03-01"),
    ]
    flags = run(ruleset, travellers, transmitted_at="2026-03-01T23:00:00Z")
    assert len(flags) == 4
    for f in flags:
        assert f.rules_version == ruleset.version and f.rules_version.startswith("sha256:")
        assert f.flag_type == "OBLIGATION" and f.manifest_id and f.carrier == "LH"
        assert "Doe" not in f.explanation and "Jane" not in f.explanation and "X123" not in f.explanation


def test_unknown_arrival_airport_gives_no_framework_flags(ruleset) -> None:
    assert run(ruleset, [traveller(nationality="AFG")], arrival_airport="ZZZ") == []


def test_frame_and_manifest_paths_agree(ruleset) -> None:
    travellers = [traveller("P1", document_number=None), traveller("P2", nationality="AFG")]
    m = manifest()
    frame = manifest_frame(m, travellers, ruleset)
    flags = evaluate_frame(frame, ruleset)
    assert sorted(flags["rule_id"]) == rules_of(apply_obligations(m, travellers, ruleset))


def test_visa_issued_by_another_schengen_state_is_valid(ruleset) -> None:
    t = traveller(nationality="AFG", visa_number="V1", visa_issuing_state="NLD", visa_expiry="2026-06-01")
    assert run(ruleset, [t]) == []


def test_visa_issued_outside_the_visa_area_does_not_count(ruleset) -> None:
    t = traveller(nationality="AFG", visa_number="V1", visa_issuing_state="USA", visa_expiry="2026-06-01")
    flags = run(ruleset, [t])
    assert rules_of(flags) == ["VISA_REQUIRED_MISSING"] and "issued by USA" in flags[0].explanation


def test_visa_without_issuing_state_gets_the_benefit_of_the_doubt(ruleset) -> None:
    assert run(ruleset, [traveller(nationality="AFG", visa_number="V1")]) == []


def test_visa_from_manifest_documents(ruleset) -> None:
    t = [traveller(nationality="AFG")]
    m = manifest()
    m.travellers = t
    m.documents = [
        {
            "traveller_ref": "P1",
            "document_type": "V",
            "document_number": "V9",
            "issuing_state": "D",
            "expiry": "2026-12-01",
            "is_visa": True,
        }
    ]
    assert apply_obligations(m, t, ruleset) == []
