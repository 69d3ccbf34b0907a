"""Schemas, default rules, samples and DAG files: read in place from a checkout, from package data when
installed (the wheel itself is checked in CI by .ci/wheel_check, in a fresh venv outside the checkout)."""

from __future__ import annotations

import ast
from pathlib import Path

from screening import resources

REPO = Path(__file__).resolve().parents[1]


def test_the_build_step_bundles_the_folders_resources_looks_for():
    tree = ast.parse((REPO / "setup.py").read_text(encoding="utf-8"))
    assigned = next(
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "BUNDLED" for t in node.targets)
    )
    assert ast.literal_eval(assigned) == resources.BUNDLED
    for source in resources.BUNDLED.values():
        assert (REPO / source).is_dir()


def test_a_checkout_reads_the_top_level_folders_in_place():
    assert resources.schemas_dir() == REPO / "schemas"
    assert resources.default_rules_dir() == REPO / "rules"
    assert (resources.schemas_dir() / "manifest_csv.schema.json").exists()


def test_an_installed_package_prefers_its_bundled_copy(tmp_path, monkeypatch):
    import screening

    package = tmp_path / "screening"
    (package / "bundled" / "schemas").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    monkeypatch.setattr(resources, "files", lambda name: package)
    assert resources.schemas_dir() == package / "bundled" / "schemas"
    assert resources.default_rules_dir() == REPO / "rules"  # not bundled here: the checkout's
    assert screening.__name__ == "screening"
