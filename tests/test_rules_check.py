"""`screening rules check`: schema and meaning problems, each located at file:line; exit 1 on problems."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from screening.errors import RulesError
from screening.rules import collect_problems, load_ruleset, rules_version

REPO = Path(__file__).resolve().parents[1]
BASIC = Path(__file__).parent / "fixtures" / "rules" / "basic"


@pytest.fixture
def rules(tmp_path: Path) -> Path:
    target = tmp_path / "rules"
    shutil.copytree(BASIC, target)
    return target


def edit(path: Path, old: str, new: str) -> int:
    """Replace `old` once and return the 1-based line where it was."""
    text = path.read_text()
    assert old in text, old
    line = text[: text.index(old)].count("\n") + 1
    path.write_text(text.replace(old, new, 1))
    return line


def only_problem(rules: Path) -> str:
    problems = collect_problems(rules)
    assert len(problems) == 1, [str(p) for p in problems]
    return str(problems[0])


def test_repository_rules_are_valid() -> None:
    assert collect_problems(REPO / "rules", include_others=False) == []
    ruleset = load_ruleset(REPO / "rules")
    assert {"EU_2001_51", "EU_2004_82", "EU_2025_12", "US_19CFR122_49A", "GB_IAA_1999_S40"} <= set(ruleset.frameworks)
    assert ruleset.version.startswith("sha256:") and len(ruleset.version) == len("sha256:") + 16


def test_version_is_a_content_hash(rules: Path) -> None:
    before = rules_version(rules)
    assert rules_version(rules) == before
    edit(rules / "obligations.yaml", "severity: MEDIUM}", "severity: LOW}")
    assert rules_version(rules) != before


def test_frameworks_follow_the_destination_state() -> None:
    ruleset = load_ruleset(REPO / "rules")
    from datetime import date

    day = date(2026, 6, 1)
    assert [f.id for f in ruleset.frameworks_for("D", day)] == ["EU_2001_51", "EU_2004_82"]
    assert [f.id for f in ruleset.frameworks_for("USA", day)] == ["US_19CFR122_49A", "US_INA_273"]
    assert [f.id for f in ruleset.frameworks_for("GBR", day)] == ["GB_IAA_1999_S40"]
    assert ruleset.frameworks_for("JPN", day) == []
    assert "EU_2025_12" in [f.id for f in ruleset.frameworks_for("FRA", date(2029, 1, 1))]


def test_unknown_country_code_is_located(rules: Path) -> None:
    line = edit(rules / "frameworks.yaml", "members: [D, FRA, NLD]", "members: [D, FRA, XYZ]")
    assert only_problem(rules) == f"{rules / 'frameworks.yaml'}:{line}: unknown country code 'XYZ' in group SCHENGEN"


def test_negative_amount_is_located(rules: Path) -> None:
    line = edit(rules / "frameworks.yaml", "amount: 7000", "amount: -7000")
    msg = only_problem(rules)
    assert msg.startswith(f"{rules / 'frameworks.yaml'}:{line}:") and "negative amount -7000" in msg


def test_missing_amount_is_located(rules: Path) -> None:
    line = edit(
        rules / "frameworks.yaml",
        'per_journey: {amount: 7000, source: "art. 37"}',
        'per_journey: {source: "art. 37"}',
    )
    msg = only_problem(rules)
    assert msg.startswith(f"{rules / 'frameworks.yaml'}:{line}:") and "'amount' is a required property" in msg


def test_missing_fine_for_basis(rules: Path) -> None:
    edit(
        rules / "frameworks.yaml",
        'per_journey: {amount: 7000, source: "art. 37"}',
        'per_person: {amount: 7000, source: "art. 37"}',
    )
    assert "has no fines.per_journey amount" in only_problem(rules)


def test_amount_outside_its_bounds(rules: Path) -> None:
    line = edit(rules / "frameworks.yaml", "min: 3000, max: 5000, amount: 5000", "min: 3000, max: 5000, amount: 6000")
    assert only_problem(rules) == f"{rules / 'frameworks.yaml'}:{line}: amount 6000 is above max 5000"


def test_min_above_max(rules: Path) -> None:
    edit(rules / "frameworks.yaml", "min: 3000, max: 5000", "min: 6000, max: 5000")
    problems = [str(p) for p in collect_problems(rules)]
    assert any("min 6000 is above max 5000" in p for p in problems)


def test_unknown_rule_id_in_framework(rules: Path) -> None:
    line = edit(rules / "frameworks.yaml", "API_INCOMPLETE: {basis", "API_INCOMPLET: {basis")
    assert only_problem(rules) == (
        f"{rules / 'frameworks.yaml'}:{line}: unknown rule id API_INCOMPLET in framework EU_API_OLD"
    )


def test_unknown_rule_id_in_obligations(rules: Path) -> None:
    line = edit(rules / "obligations.yaml", "DOC_MISSING: {scope", "DOC_MISING: {scope")
    problems = [str(p) for p in collect_problems(rules)]
    assert any(p.startswith(f"{rules / 'obligations.yaml'}:{line}: unknown rule id DOC_MISING") for p in problems)


def test_overlapping_exclusive_frameworks_contradict(rules: Path) -> None:
    line = edit(
        rules / "frameworks.yaml",
        "effective_from: 2028-07-01\n    exclusive_group: EU_API",
        "effective_from: 2028-01-01\n    exclusive_group: EU_API",
    )
    msg = only_problem(rules)
    assert msg.startswith(f"{rules / 'frameworks.yaml'}:{line + 1}:") and "EU_API_OLD and EU_API_NEW" in msg


def test_contradicting_visa_overrides(rules: Path) -> None:
    path = rules / "visa_overrides.yaml"
    path.write_text(
        path.read_text() + '  - {destination: D, nationality: IND, category: visa_required, reason: "other"}\n'
    )
    assert "contradicts line 2" in only_problem(rules)


def test_nationality_in_two_visa_categories(rules: Path) -> None:
    line = edit(rules / "visa_policy.yaml", "eta: [USA]", "eta: [USA, AFG]")
    assert only_problem(rules) == (
        f"{rules / 'visa_policy.yaml'}:{line}: AFG is both visa_required and eta for destination D"
    )


def test_exemption_for_unsanctioned_rule(rules: Path) -> None:
    edit(
        rules / "frameworks.yaml",
        'rules: [VISA_REQUIRED_MISSING], source: "SBC',
        'rules: [API_LATE], source: "SBC',
    )
    assert "names API_LATE, which framework EU_DOCS does not sanction" in only_problem(rules)


def test_duplicate_key_is_a_contradiction(rules: Path) -> None:
    path = rules / "obligations.yaml"
    path.write_text(
        path.read_text().replace(
            "  API_LATE: {scope: manifest, severity: MEDIUM}\n",
            "  API_LATE: {scope: manifest, severity: MEDIUM}\n  API_LATE: {scope: manifest, severity: HIGH}\n",
        )
    )
    assert "duplicate key 'API_LATE'" in only_problem(rules)


def test_yaml_syntax_error_is_located(rules: Path) -> None:
    line = edit(
        rules / "obligations.yaml",
        "DOC_EXPIRED: {scope: traveller, severity: HIGH}",
        "DOC_EXPIRED: {scope: traveller, severity: HIGH",
    )
    msg = only_problem(rules)
    assert msg.startswith(f"{rules / 'obligations.yaml'}:") and "not valid YAML" in msg
    assert int(msg.split(":")[1]) >= line


def test_unknown_key_is_located(rules: Path) -> None:
    line = edit(rules / "obligations.yaml", "  partial_expiry:", "  partial_expiry_typo: x\n  partial_expiry:")
    msg = only_problem(rules)
    assert msg.startswith(f"{rules / 'obligations.yaml'}:{line - 1}:") or msg.startswith(
        f"{rules / 'obligations.yaml'}:{line}:"
    )
    assert "partial_expiry_typo" in msg


def test_missing_required_file(rules: Path) -> None:
    (rules / "frameworks.yaml").unlink()
    assert "frameworks.yaml:1: required rule file is missing" in only_problem(rules)


def test_load_ruleset_raises_located_error(rules: Path) -> None:
    edit(rules / "frameworks.yaml", "members: [D, FRA, NLD]", "members: [D, FRA, XYZ]")
    with pytest.raises(RulesError, match=r"frameworks\.yaml:\d+: unknown country code 'XYZ'"):
        load_ruleset(rules)


def test_check_command_exit_codes(rules: Path) -> None:
    from screening.cli.rules_cmd import app

    ok = CliRunner().invoke(app, ["check", str(rules)])
    assert ok.exit_code == 0 and "rules OK" in ok.output
    edit(rules / "frameworks.yaml", "amount: 7000", "amount: -7000")
    bad = CliRunner().invoke(app, ["check", str(rules)])
    assert bad.exit_code == 1 and "frameworks.yaml:" in bad.output and "Traceback" not in bad.output


def test_check_accepts_screening_yaml_of_the_repository(rules: Path) -> None:
    shutil.copy(REPO / "rules" / "screening.yaml", rules / "screening.yaml")
    assert collect_problems(rules) == []


def test_badly_named_key_points_at_the_key(rules: Path) -> None:
    line = edit(rules / "frameworks.yaml", "DOC_EXPIRED: {basis", "doc_expired: {basis")
    msg = only_problem(rules)
    assert msg.startswith(f"{rules / 'frameworks.yaml'}:{line}:") and "doc_expired" in msg


def test_visa_area_must_be_a_country_group(rules: Path) -> None:
    line = edit(rules / "obligations.yaml", "visa_areas: [SCHENGEN]", "visa_areas: [SCHENGN]")
    assert only_problem(rules) == (
        f"{rules / 'obligations.yaml'}:{line}: visa area 'SCHENGN' is not a country group of frameworks.yaml"
    )


def test_screening_yaml_problems_are_located_at_their_key(rules: Path) -> None:
    text = (REPO / "rules" / "screening.yaml").read_text()
    lines = text.splitlines()
    at = next(i for i, x in enumerate(lines) if x.strip().startswith("threshold:"))
    lines.insert(at + 1, "  threshold_typo: 0.5")
    (rules / "screening.yaml").write_text("\n".join(lines) + "\n")
    msg = only_problem(rules)
    assert msg.startswith(f"{rules / 'screening.yaml'}:{at + 2}:") and "threshold_typo" in msg
