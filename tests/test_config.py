"""One typed settings object for every SCREENING_* variable: the README lists exactly these, no module reads
the environment behind its back, and the operators' recipe sets what the tested local Airflow sets."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from screening.config import environment_variables, load_settings
from screening.errors import ConfigError

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text(encoding="utf-8")


def _section(title: str) -> str:
    start = README.index(f"## {title}")
    end = README.find("\n## ", start + 3)
    return README[start : end if end > 0 else None]


def test_readme_configuration_table_lists_exactly_the_settings():
    rows = [line for line in _section("Configuration").splitlines() if line.startswith("| `SCREENING_")]
    documented = [name for row in rows for name in re.findall(r"`(SCREENING_\w+)`", row.split("|")[1])]
    assert sorted(documented) == sorted(environment_variables())
    assert len(documented) == len(set(documented))


def test_every_screening_variable_in_the_code_is_a_setting():
    mentioned = set()
    for path in [*(REPO / "screening").rglob("*.py"), *(REPO / "dags").glob("*.py")]:
        mentioned |= set(re.findall(r"SCREENING_[A-Z_]+[A-Z]", path.read_text(encoding="utf-8")))
    assert mentioned - set(environment_variables()) == set()


def test_no_module_reads_the_environment_itself():
    readers = []
    for path in [*(REPO / "screening").rglob("*.py"), *(REPO / "dags").glob("*.py")]:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(r"os\.environ\.get\(|os\.getenv\(|os\.environ\[", line) and "SCREENING_" in line:
                readers.append(f"{path.relative_to(REPO)}:{number}")
    assert readers == []


def test_settings_have_laptop_defaults_and_typed_values(monkeypatch, tmp_path):
    for name in environment_variables():
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SCREENING_DATA_DIR", str(tmp_path))
    settings = load_settings()
    assert settings.database_url == f"sqlite:///{tmp_path / 'screening.db'}"
    assert (settings.batch_size, settings.intake_cron, settings.validate_gx) == (1, "*/2 * * * *", True)
    monkeypatch.setenv("SCREENING_INTAKE_SCHEDULE", "")
    monkeypatch.setenv("SCREENING_VALIDATE_GX", "off")
    monkeypatch.setenv("SCREENING_WATCHLISTS", "a.csv:b.xml")
    monkeypatch.setenv("SCREENING_BATCH_SIZE", "")
    settings = load_settings()
    assert (settings.intake_cron, settings.validate_gx, settings.watchlist_paths, settings.batch_size) == (
        None,
        False,
        ["a.csv", "b.xml"],
        1,
    )


def test_an_invalid_setting_is_one_sentence_naming_the_variable(monkeypatch):
    monkeypatch.setenv("SCREENING_BATCH_SIZE", "many")
    with pytest.raises(ConfigError, match=r"^SCREENING_BATCH_SIZE is invalid: "):
        load_settings()


def test_operator_recipe_sets_what_the_tested_local_airflow_sets(tmp_path):
    from screening.ops.local_airflow import LocalAirflow

    recipe = _section("Operators: one machine")
    exported = set(re.findall(r"export (AIRFLOW__\w+)=", recipe))
    tested = {k for k in LocalAirflow(tmp_path, "sqlite:///x.db").env if k.startswith("AIRFLOW__")}
    essential = {
        "AIRFLOW__CORE__DAGS_FOLDER",
        "AIRFLOW__CORE__EXECUTOR",
        "AIRFLOW__CORE__PARALLELISM",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN",
        "AIRFLOW__CORE__EXECUTION_API_SERVER_URL",
        "AIRFLOW__API__BASE_URL",
        "AIRFLOW__API__PORT",
        "AIRFLOW__CORE__LOAD_EXAMPLES",
    }
    assert essential <= exported <= tested
    assert "airflow pools set screening" in recipe and "intake/" in recipe
