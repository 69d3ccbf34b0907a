"""The rules check is remembered per exact content: a known-good set loads fast and identically, and any
edit (or a bad file written after a good one) is checked in full again."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from screening.errors import RulesError
from screening.rules import checked, loader
from screening.rules.yamlloc import load_located

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SCREENING_DATA_DIR", str(tmp_path / "var"))
    loader._CACHE.clear()
    yield tmp_path / "var"
    loader._CACHE.clear()


def _copy_rules(tmp_path: Path) -> Path:
    target = tmp_path / "rules"
    shutil.copytree(REPO / "rules", target)
    return target


@pytest.mark.parametrize("name", sorted(loader.RULE_FILES))
def test_plain_loader_gives_the_located_loaders_data(name: str) -> None:
    path = REPO / "rules" / name
    if not path.exists():
        pytest.skip(f"{name} is not shipped")
    assert checked.load_plain(path).data == load_located(path).data


def test_second_load_uses_the_marker_and_builds_the_same_ruleset(tmp_path: Path, data_dir: Path) -> None:
    rules = _copy_rules(tmp_path)
    first = loader.load_ruleset(rules)
    markers = list((data_dir / "cache" / "rules-checked").iterdir())
    assert len(markers) == 1
    loader._CACHE.clear()
    second = loader.load_ruleset(rules)
    assert second.visa == first.visa
    assert second.rules == first.rules
    assert second.frameworks == first.frameworks
    assert second.parameters == first.parameters


def test_an_edit_after_a_good_load_is_checked_again(tmp_path: Path, data_dir: Path) -> None:
    rules = _copy_rules(tmp_path)
    loader.load_ruleset(rules)
    loader._CACHE.clear()
    obligations = rules / "obligations.yaml"
    obligations.write_text(obligations.read_text(encoding="utf-8") + "\nnot_a_known_key: 1\n", encoding="utf-8")
    with pytest.raises(RulesError, match="obligations.yaml"):
        loader.load_ruleset(rules)


def test_unwritable_cache_only_costs_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("SCREENING_DATA_DIR", str(blocker))
    loader._CACHE.clear()
    try:
        assert loader.load_ruleset(_copy_rules(tmp_path)).visa
    finally:
        loader._CACHE.clear()
