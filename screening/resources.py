"""Where the project's own files live, whether run from a checkout or an installed wheel."""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_DIR = PACKAGE_DIR.parent


def _first_existing(*candidates: Path) -> Path:
    for candidate in candidates:
        if candidate.exists():
            return candidate
    return candidates[0]


def schemas_dir() -> Path:
    return _first_existing(REPO_DIR / "schemas", PACKAGE_DIR / "bundled" / "schemas")


def default_rules_dir() -> Path:
    return _first_existing(REPO_DIR / "rules", PACKAGE_DIR / "bundled" / "rules")


def samples_dir() -> Path:
    return _first_existing(REPO_DIR / "data" / "samples", PACKAGE_DIR / "bundled" / "samples")


def dags_dir() -> Path:
    return _first_existing(REPO_DIR / "dags", PACKAGE_DIR / "bundled" / "dags")


def shared_data_dir() -> Path:
    """../shared/data beside the checkout: real public data for tests and benchmarks (never copied)."""
    return REPO_DIR.parent / "shared" / "data"
