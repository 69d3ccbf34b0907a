"""Where the project's own files live, whether run from a checkout or an installed wheel.

The top-level schemas/, rules/, data/samples/ and dags/ folders are the source of truth. A wheel build
(setup.py's build_py step) copies them into the package as `screening/bundled/...`, found here through
importlib.resources; a checkout (or `pip install -e`) has no bundled copy and reads the folders in place."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_DIR = PACKAGE_DIR.parent
# bundled name -> folder of the checkout it is copied from (setup.py reads this mapping too)
BUNDLED = {"schemas": "schemas", "rules": "rules", "samples": "data/samples", "dags": "dags"}


def bundled(name: str) -> Path:
    """The package-data copy of a project folder, or the checkout's folder when not installed from a wheel."""
    packaged = files("screening").joinpath("bundled", name)
    if packaged.is_dir():
        return Path(str(packaged))
    return REPO_DIR / BUNDLED[name]


def schemas_dir() -> Path:
    return bundled("schemas")


def default_rules_dir() -> Path:
    return bundled("rules")


def samples_dir() -> Path:
    return bundled("samples")


def dags_dir() -> Path:
    return bundled("dags")


def shared_data_dir() -> Path:
    """../shared/data beside the checkout: real public data for tests and benchmarks (never copied)."""
    return REPO_DIR.parent / "shared" / "data"
