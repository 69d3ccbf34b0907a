"""`screening rules import-visa`: passport-index CSV -> reviewable visa_policy.yaml with ICAO codes and
provenance; overrides win; the real snapshot (../shared) imports and checks cleanly."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from screening.errors import InputError
from screening.resources import shared_data_dir
from screening.rules import collect_problems, load_ruleset
from screening.rules.visa_import import import_visa

FIXTURES = Path(__file__).parent / "fixtures" / "rules"
SMALL = FIXTURES / "passport_index_small.csv"
PASSPORT_INDEX = shared_data_dir() / "visa" / "passport-index-tidy-iso3.csv"


def test_import_maps_iso_to_icao_and_keeps_restrictions_only(tmp_path: Path) -> None:
    out = tmp_path / "visa_policy.yaml"
    counts = import_visa(SMALL, out, snapshot="2025-01-12", generated_at="2026-11-30", licence="MIT")
    data = yaml.safe_load(out.read_text())
    assert data["provenance"]["generated_at"] == "2026-11-30" and data["provenance"]["snapshot"] == "2025-01-12"
    assert data["provenance"]["source"] == SMALL.name and len(data["provenance"]["source_sha256"]) == 64
    assert data["destinations"]["D"] == {
        "visa_required": ["AFG", "RKS"],
        "no_admission": ["SYR"],
        "visa_on_arrival": ["IND"],
    }
    assert data["destinations"]["FRA"] == {"e_visa": ["AFG"]}
    assert data["destinations"]["USA"] == {"eta": ["D"]}
    assert "AFG" not in data["destinations"]  # own country (-1) is not a restriction
    assert counts == {"rows": 9, "destinations": 3, "restricted_pairs": 6}
    assert out.read_text().startswith("# GENERATED")


def test_generated_file_loads_and_overrides_win(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(FIXTURES / "basic", rules)
    import_visa(SMALL, rules / "visa_policy.yaml", generated_at="2026-11-30")
    (rules / "visa_overrides.yaml").write_text(
        'overrides:\n  - {destination: D, nationality: AFG, category: visa_free, reason: "test"}\n'
    )
    assert collect_problems(rules, include_others=False) == []
    ruleset = load_ruleset(rules)
    assert ruleset.visa_category("D", "AFG") == "visa_free"
    assert ruleset.visa_category("DEU", "RKS") == "visa_required"
    assert ruleset.visa_provenance["generated_at"] == "2026-11-30"


def test_unknown_requirement_names_the_line(tmp_path: Path) -> None:
    src = tmp_path / "bad.csv"
    src.write_text("Passport,Destination,Requirement\nAFG,DEU,visa required\nAFG,FRA,maybe\n")
    with pytest.raises(InputError, match=r"bad\.csv:3: unknown requirement 'maybe'"):
        import_visa(src, tmp_path / "out.yaml")


def test_unknown_country_names_the_line(tmp_path: Path) -> None:
    src = tmp_path / "bad.csv"
    src.write_text("Passport,Destination,Requirement\nQQQ,DEU,visa required\n")
    with pytest.raises(InputError, match=r"bad\.csv:2: unknown country code 'QQQ'"):
        import_visa(src, tmp_path / "out.yaml")


def test_wrong_header(tmp_path: Path) -> None:
    src = tmp_path / "bad.csv"
    src.write_text("from,to,what\n")
    with pytest.raises(InputError, match=r"bad\.csv:1: header"):
        import_visa(src, tmp_path / "out.yaml")


def test_visa_policy_errors_are_located(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(FIXTURES / "basic", rules)
    import_visa(SMALL, rules / "visa_policy.yaml", generated_at="2026-11-30")
    text = (rules / "visa_policy.yaml").read_text().replace("[AFG, RKS]", "[AFG, RKZ]")
    (rules / "visa_policy.yaml").write_text(text)
    line = text.splitlines().index(next(x for x in text.splitlines() if "RKZ" in x)) + 1
    [problem] = collect_problems(rules, include_others=False)
    assert (
        str(problem) == f"{rules / 'visa_policy.yaml'}:{line}: unknown country code 'RKZ' in destination D "
        "visa_required"
    )


def test_cli_import_visa(tmp_path: Path) -> None:
    from screening.cli.rules_cmd import app

    out = tmp_path / "visa_policy.yaml"
    result = CliRunner().invoke(app, ["import-visa", str(SMALL), "--out", str(out), "--snapshot", "2025-01-12"])
    assert result.exit_code == 0, result.output
    assert "3 destinations" in result.output and out.exists()


@pytest.mark.shared
@pytest.mark.skipif(not PASSPORT_INDEX.exists(), reason="../shared/data/visa/passport-index-tidy-iso3.csv absent")
def test_real_passport_index_imports_and_checks(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(FIXTURES / "basic", rules)
    counts = import_visa(PASSPORT_INDEX, rules / "visa_policy.yaml", snapshot="2025-01-12")
    assert counts["destinations"] > 190 and counts["rows"] > 39000
    assert collect_problems(rules, include_others=False) == []
    ruleset = load_ruleset(rules)
    assert ruleset.visa_category("D", "AFG") == "visa_required"
    assert ruleset.visa_category("FRA", "USA") is None  # visa-free
    assert ruleset.visa_category("D", "D") is None


def test_committed_visa_policy_is_generated_with_provenance() -> None:
    repo_rules = Path(__file__).resolve().parents[1] / "rules"
    head = (repo_rules / "visa_policy.yaml").read_text(encoding="utf-8")[:2000]
    assert head.startswith("# GENERATED") and "source_sha256:" in head and "generated_at:" in head
