"""Sanctions: amounts per framework, lump-sum caps, per-journey fines, exemptions as WAIVED records,
deterministic ids, and any rule id a framework sanctions (e.g. API_INCOMPLETE from validation)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from rules_support import RULES, flight_manifest

from screening.model import Flag, Manifest
from screening.obligations import apply_obligations
from screening.rules import load_ruleset
from screening.sanctions import sanctions_for


@pytest.fixture(scope="module")
def ruleset():
    return load_ruleset(RULES)


def manifest(travellers: list[dict[str, Any]], **flight: Any) -> Manifest:
    return flight_manifest(travellers, **flight)


def traveller(ref: str, **fields: Any) -> dict[str, Any]:
    base = dict(
        traveller_type="PAX",
        traveller_ref=ref,
        nationality="USA",
        document_type="P",
        document_number="X" + ref,
        document_issuing_state="USA",
        document_expiry="2030-01-01",
    )
    base.update(fields)
    return base


def sanction(ruleset, travellers, **flight):
    m = manifest(travellers, **flight)
    flags = apply_obligations(m, travellers, ruleset)
    return sanctions_for(m, flags, travellers, ruleset)


def test_per_person_amount_and_currency(ruleset) -> None:
    [s] = sanction(ruleset, [traveller("P1", document_number=None)])
    assert (s.rule_id, s.framework, s.amount, s.currency, s.status) == (
        "DOC_MISSING",
        "EU_DOCS",
        5000,
        "EUR",
        "PROPOSED",
    )
    assert s.rules_version == ruleset.version and "art. 4(1)(a)" in s.explanation


def test_lump_sum_cap_per_infringement_is_allocated_in_traveller_order(ruleset) -> None:
    travellers = [traveller(f"P{i}", document_number=None) for i in (3, 1, 2)]
    out = sorted(sanction(ruleset, travellers), key=lambda s: s.traveller_ref)
    assert [s.amount for s in out] == [5000, 5000, 2000]
    assert "lump-sum cap" in out[2].explanation and sum(s.amount for s in out) == 12000


def test_cap_is_per_rule(ruleset) -> None:
    travellers = [
        traveller("P1", document_number=None),
        traveller("P2", document_number=None),
        traveller("P3", nationality="AFG"),
        traveller("P4", nationality="AFG"),
    ]
    out = sanction(ruleset, travellers)
    assert sum(s.amount for s in out) == 20000


def test_per_journey_api_late_is_one_record(ruleset) -> None:
    out = sanction(ruleset, [traveller("P1"), traveller("P2")], transmitted_at="2026-03-01T23:00:00Z")
    assert [(s.rule_id, s.traveller_ref, s.framework, s.amount) for s in out] == [("API_LATE", "", "EU_API_OLD", 5000)]


def test_per_person_manifest_rule_counts_travellers(ruleset) -> None:
    travellers = [traveller("P1"), traveller("P2"), traveller("P3")]
    out = sanction(
        ruleset,
        travellers,
        departure_airport="FRA",
        arrival_airport="JFK",
        scheduled_departure="2026-03-01T10:00:00+01:00",
        scheduled_arrival="2026-03-01T13:00:00-05:00",
        transmitted_at="2026-03-01T09:00:00Z",
    )
    assert [(s.framework, s.amount, s.currency) for s in out] == [("US_API", 15000, "USD")]
    assert "3 travellers" in out[0].explanation


def test_external_rule_per_journey_charged_once(ruleset) -> None:
    travellers = [traveller("P1"), traveller("P2")]
    m = manifest(travellers)
    flags = [
        Flag(m.manifest_id, "LH", "401", ref, "DATA_QUALITY", "API_INCOMPLETE", "MEDIUM", "missing DOB")
        for ref in ("P1", "P2")
    ]
    out = sorted(sanctions_for(m, flags, travellers, ruleset), key=lambda s: s.traveller_ref)
    assert [(s.traveller_ref, s.amount) for s in out] == [("P1", 5000), ("P2", 0)]
    assert "one penalty per journey" in out[1].explanation


def test_rule_without_framework_gives_no_sanction(ruleset) -> None:
    m = manifest([traveller("P1")])
    flag = Flag(m.manifest_id, "LH", "401", "P1", "WATCHLIST", "WATCHLIST_MATCH", "HIGH", "match")
    assert sanctions_for(m, [flag], m.travellers, ruleset) == []


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"nationality": "AFG", "protection_claimed": "Y"}, "international protection"),
        ({"nationality": "D", "document_number": None}, "national of the destination"),
        ({"nationality": "AFG", "residence_permit_state": "D"}, "residence permit"),
        ({"nationality": "AFG", "traveller_type": "CREW", "document_type": "AC"}, "crew member certificate"),
        ({"nationality": "AFG", "transit": "Y"}, "transit"),
        ({"nationality": "AFG", "disembarkation": "JFK"}, "transit"),
    ],
)
def test_exemptions_give_waived_records_with_reason(ruleset, fields: dict[str, Any], reason: str) -> None:
    [s] = sanction(ruleset, [traveller("P1", **fields)])
    assert s.status == "WAIVED" and s.amount == 0 and reason in s.explanation


def test_crew_certificate_does_not_waive_document_rules(ruleset) -> None:
    [s] = sanction(ruleset, [traveller("C1", traveller_type="CREW", document_type="AC", document_expiry="2026-01-01")])
    assert s.rule_id == "DOC_EXPIRED" and s.status == "PROPOSED"


def test_residence_permit_from_manifest_documents(ruleset) -> None:
    travellers = [traveller("P1", nationality="AFG")]
    m = manifest(travellers)
    m.documents = [{"traveller_ref": "P1", "document_type": "IR", "document_number": "R1", "issuing_state": "D"}]
    [s] = sanctions_for(m, apply_obligations(m, travellers, ruleset), travellers, ruleset)
    assert s.status == "WAIVED"


def test_waived_records_do_not_use_up_the_cap(ruleset) -> None:
    travellers = [traveller("P1", document_number=None, protection_claimed="Y")]
    travellers += [traveller(f"P{i}", document_number=None) for i in (2, 3)]
    out = sorted(sanction(ruleset, travellers), key=lambda s: s.traveller_ref)
    assert [(s.status, s.amount) for s in out] == [("WAIVED", 0), ("PROPOSED", 5000), ("PROPOSED", 5000)]


def test_ids_are_deterministic_and_unique(ruleset) -> None:
    travellers = [traveller("P1", document_number=None), traveller("P2", nationality="AFG")]
    first = sanction(ruleset, travellers, transmitted_at="2026-03-01T23:00:00Z")
    again = sanction(ruleset, travellers, transmitted_at="2026-03-01T23:00:00Z")
    assert [s.sanction_id for s in first] == [s.sanction_id for s in again]
    assert len({s.sanction_id for s in first}) == len(first) == 3


def test_decisions_keep_officer_status(ruleset) -> None:
    travellers = [traveller("P1", document_number=None)]
    m = manifest(travellers)
    flags = apply_obligations(m, travellers, ruleset)
    [s] = sanctions_for(m, flags, travellers, ruleset)
    [again] = sanctions_for(m, flags, travellers, ruleset, decisions={s.sanction_id: "APPEALED"})
    assert again.status == "APPEALED"


def test_validity_short_sanctioned_only_where_breached(ruleset) -> None:
    [s] = sanction(ruleset, [traveller("P1", document_expiry="2026-05-01")])
    assert (s.rule_id, s.framework) == ("DOC_VALIDITY_SHORT", "EU_DOCS")


def test_no_flags_no_sanctions(ruleset) -> None:
    m = manifest([traveller("P1")])
    assert sanctions_for(m, [], m.travellers, ruleset) == []


def test_live_rules_sanction_eu_arrival(tmp_path: Path) -> None:
    live = load_ruleset(Path(__file__).resolve().parents[1] / "rules")
    travellers = [traveller("P1", nationality="AFG")]
    m = manifest(travellers)
    out = sanctions_for(m, apply_obligations(m, travellers, live), travellers, live)
    assert [(s.rule_id, s.framework, s.currency) for s in out] == [("VISA_REQUIRED_MISSING", "EU_2001_51", "EUR")]


def test_repeated_flags_give_one_record(ruleset) -> None:
    travellers = [traveller("P1")]
    m = manifest(travellers)
    flags = [
        Flag(m.manifest_id, "LH", "401", "P1", "DATA_QUALITY", "API_INCOMPLETE", "MEDIUM", f"missing {f}")
        for f in ("date_of_birth", "sex")
    ]
    out = sanctions_for(m, flags, travellers, ruleset)
    assert len(out) == 1 and out[0].amount == 5000


def test_flag_for_a_quarantined_traveller_is_still_sanctioned(ruleset) -> None:
    m = manifest([traveller("P1")])
    flag = Flag(m.manifest_id, "LH", "401", "Q9", "DATA_QUALITY", "API_INCOMPLETE", "MEDIUM", "unusable row")
    [s] = sanctions_for(m, [flag], m.travellers, ruleset)
    assert (s.traveller_ref, s.status, s.amount) == ("Q9", "PROPOSED", 5000)
