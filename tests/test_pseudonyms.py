"""Pseudonyms cannot be reversed: a keyed hash under a secret that is never built in, and values with few
possible values are generalised or removed rather than hashed."""

from __future__ import annotations

import os
from datetime import UTC, datetime

import pytest
from typer.testing import CliRunner

from screening.cli import _register, app
from screening.config import load_settings
from screening.errors import ConfigError
from screening.pseudonyms import pseudonym, pseudonym_key, pseudonymise_traveller

TRAVELLER = {
    "traveller_ref": "P1",
    "traveller_type": "PAX",
    "surname": "SMITH",
    "given_names": "ANNA",
    "date_of_birth": "1984-05-12",
    "sex": "F",
    "nationality": "GBR",
    "document_type": "P",
    "document_number": "123456789",
    "document_issuing_state": "GBR",
    "booking_ref": "ABC123",
    "seat": "12A",
    "address": "1 HIGH STREET",
    "phone": "+44 20 7946 0000",
    "mrz": ["P<GBR..."],
}


@pytest.fixture
def no_key(tmp_path, monkeypatch):
    monkeypatch.delenv("SCREENING_PSEUDONYM_KEY", raising=False)
    monkeypatch.setenv("SCREENING_DATA_DIR", str(tmp_path))
    return tmp_path


def test_without_a_configured_key_one_is_generated_owner_only_and_reused(no_key):
    first = pseudonym_key()
    path = no_key / "pseudonym.key"
    assert first.source == str(path) and (path.stat().st_mode & 0o777) == 0o600
    assert len(first.secret) == 64 and pseudonym_key().secret == first.secret


def test_two_installations_get_different_keys(tmp_path, monkeypatch):
    monkeypatch.delenv("SCREENING_PSEUDONYM_KEY", raising=False)
    keys = []
    for name in ("a", "b"):
        monkeypatch.setenv("SCREENING_DATA_DIR", str(tmp_path / name))
        keys.append(pseudonym("SMITH", pseudonym_key()))
    assert keys[0] != keys[1]


def test_a_key_file_others_can_read_is_refused(no_key):
    pseudonym_key()
    os.chmod(no_key / "pseudonym.key", 0o644)
    with pytest.raises(ConfigError, match="readable by others"):
        pseudonym_key()


def test_a_short_configured_key_is_refused(no_key, monkeypatch):
    monkeypatch.setenv("SCREENING_PSEUDONYM_KEY", "secret")
    with pytest.raises(ConfigError, match="too short"):
        pseudonym_key()


def test_low_entropy_values_are_generalised_or_removed_never_hashed(no_key):
    key = pseudonym_key()
    out = pseudonymise_traveller(TRAVELLER, key)
    assert out["year_of_birth"] == "1984" and "date_of_birth" not in out
    assert set(out) == {
        "traveller_ref",
        "traveller_type",
        "document_type",
        "surname",
        "given_names",
        "document_number",
        "year_of_birth",
    }
    assert out["surname"] == pseudonym("SMITH", key) != pseudonym("SMYTH", key)
    # a dictionary attack over all dates of birth finds nothing: no date is hashed at all
    assert not any(pseudonym(f"1984-05-{d:02d}", key) in out.values() for d in range(1, 32))


def test_cli_retention_apply_says_where_the_key_is_and_changes_nothing_on_a_dry_run(no_key):
    _register()
    result = CliRunner().invoke(app, ["retention", "apply", "--dry-run", "--now", "2030-01-01T00:00:00Z"])
    assert result.exit_code == 0, result.output
    assert "pseudonym key:" in result.output and str(no_key / "pseudonym.key") in result.output.replace("\n", "")
    assert "dry run" in result.output and not (no_key / "pseudonym.key").exists()
    assert CliRunner().invoke(app, ["retention", "apply"]).exit_code == 0
    assert (no_key / "pseudonym.key").exists()
    bad = CliRunner().invoke(app, ["retention", "apply", "--now", "yesterday"])
    assert bad.exit_code == 1 and "ISO 8601" in bad.output
    assert load_settings().data_dir == no_key and datetime.now(UTC).year >= 2026
