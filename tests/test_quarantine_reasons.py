"""One registry of quarantine reason codes (screening/quarantine_reasons.py): the output schema allows exactly
its codes, no other module spells one as a string, and every record the readers write on real messages
carries a registered code."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from screening import quarantine_reasons as reasons
from screening import schemas
from screening.resources import shared_data_dir
from screening.run import read_file

PACKAGE = Path(__file__).resolve().parent.parent / "screening"


def test_the_output_schema_allows_exactly_the_registered_codes() -> None:
    reason = schemas.load_schema("quarantine_csv")["properties"]["reason_code"]
    fixed, family = reason["anyOf"]
    assert tuple(fixed["enum"]) == reasons.CODES
    validator = Draft202012Validator(reason)
    assert validator.is_valid(reasons.missing_columns(["date_of_birth"]))
    assert not validator.is_valid("MISSING_")
    assert not validator.is_valid("ROW_BROKEN")
    assert family["pattern"].startswith("^" + reasons.MISSING_PREFIX)


def test_every_code_has_a_meaning_and_is_named_once() -> None:
    assert len(set(reasons.CODES)) == len(reasons.CODES)
    assert all(reasons.MEANINGS[code] for code in reasons.CODES)
    assert reasons.missing_columns(["date_of_birth", "sex"]) == "MISSING_DATE_OF_BIRTH_SEX"
    assert reasons.is_known("MISSING_DATE_OF_BIRTH") and not reasons.is_known("NO_SUCH_REASON")


def test_no_module_spells_a_reason_code_as_a_literal() -> None:
    """A typo in a literal would create a code no operator filters on; modules use the registry's names."""
    codes = set(reasons.CODES)
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name == "quarantine_reasons.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and node.value in codes:
                found.append(f"{path.relative_to(PACKAGE)}:{node.lineno}: {node.value}")
    assert found == []


def _real_messages() -> list[Path]:
    root = shared_data_dir()
    folders = [root / "messages" / "gtas", root / "messages" / "paxlst_misc", root.parent / "repro"]
    return sorted(p for folder in folders if folder.is_dir() for p in folder.iterdir() if p.suffix != ".md")


def test_real_messages_are_quarantined_only_with_registered_codes() -> None:
    files = _real_messages()
    if not files:
        pytest.skip(f"needs the shared messages in {shared_data_dir()} and ../shared/repro")
    codes = set()
    for path in files:
        read = read_file(path)
        codes |= {q.reason_code for q in read.quarantine}
    assert codes, "the real messages give quarantine records to check"
    assert [c for c in codes if not reasons.is_known(c)] == []
