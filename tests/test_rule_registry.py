"""The rule registry is complete: every rule has every part, every rule the YAML names is registered and
every registered rule is in the YAML; derived lists (IMPLEMENTED_RULES, breach/risk) follow the entries.
Also: API_LATE is raised for every destination, sanctioned only where a framework with amounts applies."""

from __future__ import annotations

from pathlib import Path

import yaml
from rules_support import flight_manifest

from screening.obligations import apply_obligations
from screening.rules import load_ruleset
from screening.rules.models import Framework
from screening.rules.registry import IMPLEMENTED_RULES, RISK_RULES, RULES, is_breach, is_risk
from screening.sanctions import sanctions_for

REPO = Path(__file__).resolve().parents[1]


def test_every_rule_has_every_part() -> None:
    for rule_id, spec in RULES.items():
        assert spec.id == rule_id
        assert spec.scope in ("traveller", "manifest"), rule_id
        assert spec.severity in ("LOW", "MEDIUM", "HIGH", "CRITICAL"), rule_id
        assert spec.stage in ("obligations", "validation", "reader", "matching", "documents"), rule_id
        assert spec.kind in ("breach", "risk", "data_quality"), rule_id
        assert spec.facts and all(spec.facts), rule_id
        assert spec.fail.strip() and spec.passes.strip(), rule_id
        assert callable(spec.verdict), rule_id
        assert (spec.evaluate is not None) == (spec.stage == "obligations"), rule_id
        for name in spec.framework_fields:
            assert name in Framework.model_fields, (rule_id, name)


def test_yaml_and_registry_name_the_same_rules() -> None:
    data = yaml.safe_load((REPO / "rules" / "obligations.yaml").read_text())
    assert set(data["rules"]) == set(IMPLEMENTED_RULES)
    assert set(data["external_rules"]) == set(RULES) - set(IMPLEMENTED_RULES)
    for rule_id, spec in data["external_rules"].items():
        assert spec["produced_by"] == RULES[rule_id].stage, rule_id
    for rule_id, spec in data["rules"].items():
        assert spec["scope"] == RULES[rule_id].scope, rule_id


def test_frameworks_sanction_only_breaches() -> None:
    ruleset = load_ruleset(REPO / "rules")
    for fw in ruleset.frameworks.values():
        assert all(is_breach(r) for r in fw.sanctioned_rules), fw.id


def test_lost_stolen_and_watchlist_hits_are_risks() -> None:
    assert {"WATCHLIST_MATCH", "DOC_REPORTED_LOST_STOLEN", "DOC_REPORTED_LOST_STOLEN_SIMILAR"} <= RISK_RULES
    assert is_risk("SOME_NEW_LIST_RULE", "WATCHLIST") and not is_breach("DQ_FORMAT", "DATA_QUALITY")


def test_rules_check_refuses_a_framework_sanctioning_a_risk(tmp_path: Path) -> None:
    import shutil

    from screening.rules import collect_problems

    target = tmp_path / "rules"
    shutil.copytree(REPO / "rules", target)
    fw = target / "frameworks.yaml"
    fw.write_text(
        fw.read_text().replace(
            "      DOC_MISSING: {basis: per_person,",
            "      DOC_REPORTED_LOST_STOLEN: {basis: per_person, source: x}\n      DOC_MISSING: {basis: per_person,",
            1,
        )
    )
    problems = [p.message for p in collect_problems(target, include_others=False)]
    assert any("sanctions DOC_REPORTED_LOST_STOLEN, which is a risk finding" in m for m in problems)


def test_late_manifest_to_a_state_without_framework_is_flagged_not_sanctioned() -> None:
    ruleset = load_ruleset(REPO / "rules")
    # JFK -> LHR departing 18:00 New York, sent four hours after departure
    m = flight_manifest(
        [
            {
                "traveller_ref": "P1",
                "traveller_type": "PAX",
                "surname": "X",
                "document_type": "P",
                "document_number": "1",
                "document_expiry": "2030-01-01",
                "nationality": "USA",
            }
        ],
        arrival_airport="LHR",
        scheduled_arrival="2026-03-02T06:00:00+00:00",
        transmitted_at="2026-03-02T03:00:00Z",
    )
    flags = apply_obligations(m, m.travellers, ruleset)
    late = [f for f in flags if f.rule_id == "API_LATE"]
    assert len(late) == 1
    assert "late by 240 min" in late[0].explanation
    assert "no sanction framework for API data is configured for GBR" in late[0].explanation
    assert sanctions_for(m, flags, m.travellers, ruleset) == []
    # in time: no flag
    m.transmitted_at = "2026-03-01T22:30:00Z"
    assert not [f for f in apply_obligations(m, m.travellers, ruleset) if f.rule_id == "API_LATE"]


def test_the_rule_id_names_are_the_registry_s_ids():
    from screening import rule_ids
    from screening.rules.registry import RULES

    assert set(rule_ids.ALL) == set(RULES) and len(rule_ids.ALL) == len(set(rule_ids.ALL))
    for rule_id in rule_ids.ALL:
        assert getattr(rule_ids, rule_id) == rule_id
