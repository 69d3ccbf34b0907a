"""Backtest and explain over a small stored history: changes per rule and per carrier, the CSV of
travellers whose outcome changed, directories of travellers.parquet, one traveller explained."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from screening.errors import InputError
from screening.rules import load_ruleset
from screening.rules.backtest import CHANGED_COLUMNS, compare
from screening.rules.explain import explain_traveller
from screening.rules.history import read_history
from screening.rules.registry import IMPLEMENTED_RULES, RULES

FIXTURES = Path(__file__).parent / "fixtures" / "rules"
HISTORY = FIXTURES / "history.csv"


@pytest.fixture
def candidate(tmp_path: Path) -> Path:
    """Baseline with 6 months' validity instead of 3 and a lump-sum cap of 5000."""
    target = tmp_path / "candidate"
    shutil.copytree(FIXTURES / "basic", target)
    fw = target / "frameworks.yaml"
    fw.write_text(
        fw.read_text()
        .replace("min_months_after_arrival: 3", "min_months_after_arrival: 6")
        .replace("lump_sum_cap: {amount: 12000", "lump_sum_cap: {amount: 5000")
    )
    return target


def test_identical_rules_change_nothing() -> None:
    rules = load_ruleset(FIXTURES / "basic")
    result = compare(read_history(HISTORY), rules, rules)
    assert result.changed.empty
    assert (result.flags_by_rule["change"] == 0).all()
    assert list(result.changed.columns) == CHANGED_COLUMNS


def test_backtest_counts_changes_per_rule_and_carrier(candidate: Path) -> None:
    result = compare(read_history(HISTORY), load_ruleset(FIXTURES / "basic"), load_ruleset(candidate))
    by_rule = result.flags_by_rule.set_index("rule_id")
    # 3 months: only M1/P2 (2026-05-15) is short; 6 months adds M3/P2 (2026-08-01), not M2 (US: none)
    assert by_rule.loc["DOC_VALIDITY_SHORT", "baseline"] == 1
    assert by_rule.loc["DOC_VALIDITY_SHORT", "candidate"] == 2
    assert by_rule.loc["DOC_MISSING", "change"] == 0
    by_carrier = result.flags_by_carrier.set_index("carrier")
    assert by_carrier.loc["AF", "change"] == 1 and by_carrier.loc["LH", "change"] == 0
    changed = result.changed.set_index(["manifest_id", "traveller_ref"])
    assert changed.loc[("M3", "P2"), "change"] == "added"
    assert changed.loc[("M3", "P2"), "rules_candidate"] == "DOC_VALIDITY_SHORT"


def test_backtest_reports_amount_changes(candidate: Path) -> None:
    result = compare(read_history(HISTORY), load_ruleset(FIXTURES / "basic"), load_ruleset(candidate))
    lh = result.sanctions_by_carrier.set_index(["carrier", "currency"]).loc[("LH", "EUR")]
    # M1: P2 short validity 5000 + P4 missing doc 5000 (P3 waived); the 5000 cap binds per rule only
    assert lh["amount_baseline"] == 10000 and lh["waived_baseline"] == 1
    changed = result.changed.set_index(["manifest_id", "traveller_ref"])
    assert ("M1", "P2") not in changed.index  # same outcome in both


def test_backtest_cli_writes_changed_csv(tmp_path: Path, candidate: Path) -> None:
    from screening.cli.rules_cmd import app

    out = tmp_path / "changed.csv"
    result = CliRunner().invoke(
        app,
        [
            "backtest",
            "--rules",
            str(candidate),
            "--baseline",
            str(FIXTURES / "basic"),
            "--history",
            str(HISTORY),
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "Flags per rule" in result.output and "Sanctions per carrier" in result.output
    changed = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert list(changed.columns) == CHANGED_COLUMNS
    assert ("M3", "P2") in set(zip(changed["manifest_id"], changed["traveller_ref"], strict=True))


def test_history_directory_of_travellers_parquet(tmp_path: Path) -> None:
    df = pd.read_csv(HISTORY, dtype=str, keep_default_na=False)
    flight_cols = [
        "manifest_id",
        "carrier",
        "flight_number",
        "departure_airport",
        "arrival_airport",
        "scheduled_departure",
        "scheduled_arrival",
        "transmitted_at",
    ]
    for mid, part in df.groupby("manifest_id"):
        folder = tmp_path / "store" / str(mid)
        folder.mkdir(parents=True)
        part[flight_cols].drop_duplicates().to_parquet(folder / "manifests.parquet", index=False)
        part.drop(columns=flight_cols[1:]).to_parquet(folder / "travellers.parquet", index=False)
    stored = read_history(tmp_path / "store")
    assert len(stored) == len(df)
    rules = load_ruleset(FIXTURES / "basic")
    assert compare(stored, rules, rules).travellers == len(df)
    from_csv = compare(read_history(HISTORY), rules, rules).flags_by_rule
    from_dir = compare(stored, rules, rules).flags_by_rule
    pd.testing.assert_frame_equal(from_csv, from_dir)


def test_history_errors_name_the_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="does not exist"):
        read_history(tmp_path / "nope.csv")
    bad = tmp_path / "bad.csv"
    bad.write_text("carrier,flight_number\nLH,1\n")
    with pytest.raises(InputError, match=r"bad\.csv: history lacks column"):
        read_history(bad)


def test_explain_one_traveller_gives_every_rule_outcome() -> None:
    rules = load_ruleset(FIXTURES / "basic")
    result = explain_traveller(read_history(HISTORY), "M1", "P3", rules)
    outcomes = {o.rule_id: o.outcome for o in result.outcomes}
    obligations = {r: o for r, o in outcomes.items() if r in IMPLEMENTED_RULES}
    assert obligations == {
        "DOC_MISSING": "PASSED",
        "DOC_EXPIRED": "PASSED",
        "DOC_VALIDITY_SHORT": "PASSED",
        "VISA_REQUIRED_MISSING": "FLAGGED",
        "API_LATE": "PASSED",
    }
    # a traveller file carries no flags of the other stages: those rules are said to be not evaluated
    assert set(outcomes) == set(RULES)
    assert {o for r, o in outcomes.items() if r not in IMPLEMENTED_RULES} == {"NOT_EVALUATED"}
    assert result.destination == "D" and "EU_DOCS" in result.frameworks
    assert any("international_protection" in e for e in result.exemptions)
    assert [s["status"] for s in result.sanctions] == ["WAIVED"]
    assert all(o.explanation for o in result.outcomes)


def test_explain_year_only_expiry_and_late_manifest() -> None:
    rules = load_ruleset(FIXTURES / "basic")
    result = explain_traveller(read_history(HISTORY), "M3", "P1", rules)
    outcomes = {o.rule_id: o for o in result.outcomes}
    assert outcomes["DOC_EXPIRED"].outcome == "PASSED" and "2026-12-31" in outcomes["DOC_EXPIRED"].explanation
    assert outcomes["DOC_VALIDITY_SHORT"].outcome == "PASSED"
    assert outcomes["API_LATE"].outcome == "FLAGGED"


def test_explain_cli_json_and_unknown_traveller() -> None:
    from screening.cli.rules_cmd import app

    args = [
        "explain",
        "--history",
        str(HISTORY),
        "--manifest-id",
        "M2",
        "--traveller-ref",
        "P1",
        "--rules",
        str(FIXTURES / "basic"),
    ]
    result = CliRunner().invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["destination"] == "USA" and data["traveller_ref"] == "P1"
    assert "Mills" not in result.output
    missing = CliRunner().invoke(app, [*args[:-4], "--traveller-ref", "P9", "--rules", str(FIXTURES / "basic")])
    assert missing.exit_code == 1 and "P9 is not in manifest M2" in missing.output


def test_history_from_pipeline_work_folders(tmp_path: Path) -> None:
    """Pipeline work folders (travellers.parquet, manifest.json, documents.parquet) are a history."""
    from rules_support import flight_manifest

    from screening.workdir import save_manifest

    m = flight_manifest()
    m.travellers = [
        {
            "traveller_type": "PAX",
            "traveller_ref": "P1",
            "nationality": "AFG",
            "document_type": "P",
            "document_number": "X1",
            "document_expiry": "2030-01-01",
            "protection_claimed": "Y",
        },
        {
            "traveller_type": "PAX",
            "traveller_ref": "P2",
            "nationality": "AFG",
            "document_type": "P",
            "document_number": "X2",
            "document_expiry": "2030-01-01",
        },
        {
            "traveller_type": "PAX",
            "traveller_ref": "P3",
            "nationality": "AFG",
            "document_type": "P",
            "document_number": "X3",
            "document_expiry": "2030-01-01",
        },
    ]
    m.documents = [
        {
            "traveller_ref": "P2",
            "document_type": "V",
            "document_number": "V2",
            "issuing_state": "D",
            "expiry": "2026-12-01",
            "is_visa": True,
        },
        {
            "traveller_ref": "P3",
            "document_type": "IR",
            "document_number": "R3",
            "issuing_state": "D",
            "expiry": "2028-01-01",
            "is_visa": False,
        },
    ]
    save_manifest(m, tmp_path / "run1" / m.manifest_id)
    stored = read_history(tmp_path / "run1")
    assert list(stored["traveller_ref"]) == ["P1", "P2", "P3"] and stored["arrival_airport"].iloc[0] == "FRA"
    rules = load_ruleset(FIXTURES / "basic")
    p1 = explain_traveller(stored, m.manifest_id, "P1", rules)
    assert [s["status"] for s in p1.sanctions] == ["WAIVED"]  # protection_claimed came from extras
    p2 = explain_traveller(stored, m.manifest_id, "P2", rules)
    assert {o.rule_id: o.outcome for o in p2.outcomes}["VISA_REQUIRED_MISSING"] == "PASSED"  # visa document
    p3 = explain_traveller(stored, m.manifest_id, "P3", rules)
    assert any(e.startswith("residence_permit") for e in p3.exemptions)
    assert [s["status"] for s in p3.sanctions] == ["WAIVED"]
