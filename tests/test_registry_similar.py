"""Lost/stolen registry: exact lookup and look-alike lookup (O/0, I/1, S/5, B/8, Z/2, one edit)."""

from __future__ import annotations

from pathlib import Path

import pytest

from screening.watchlists.registry import RULE_SIMILAR, Registry, fold_look_alike, load_registry

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "watchlists"


@pytest.fixture(scope="module")
def registry() -> Registry:
    return load_registry([FIXTURES / "registry_small.csv"])


def similar(registry: Registry, number: str, state: str) -> list[str]:
    return [document.document_number for document, _ in registry.lookup_similar(number, state)]


def test_exact_lookup_still_works(registry: Registry) -> None:
    assert registry.lookup("ab 123-4567", "gbr").status == "STOLEN"
    assert similar(registry, "AB1234567", "GBR") == []  # exact hits are lookup()'s job


@pytest.mark.parametrize("number", ["A81234567", "AB1234S67", "A8I234567", "AB12345G7"])
def test_look_alike_characters(registry: Registry, number: str) -> None:
    assert similar(registry, number, "GBR") == ["AB1234567"]


def test_look_alike_explanation_names_positions_not_numbers(registry: Registry) -> None:
    _, explanation = registry.lookup_similar("A81234567", "GBR")[0]
    assert "8/B at position 2" in explanation and "1234" not in explanation


@pytest.mark.parametrize("number", ["AB123457", "AB12345678", "AB1243567", "AB1234568"])
def test_single_edit(registry: Registry, number: str) -> None:
    assert similar(registry, number, "GBR") == ["AB1234567"]


def test_german_d_and_deu_are_the_same_state(registry: Registry) -> None:
    assert similar(registry, "XOS8B2", "DEU") == ["X0S8B2"]


def test_other_state_or_two_edits_do_not_match(registry: Registry) -> None:
    assert similar(registry, "A81234567", "FRA") == []
    assert similar(registry, "AB1299967", "GBR") == []
    assert similar(registry, "", "GBR") == []


def test_fold_and_rule_id() -> None:
    assert fold_look_alike("OISBZ") == "01582"
    assert RULE_SIMILAR == "DOC_REPORTED_LOST_STOLEN_SIMILAR"
