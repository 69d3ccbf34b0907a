"""Build step: copy the top-level schemas/, rules/, data/samples/ and dags/ (the source of truth, kept where
operators and analysts find them) into the wheel as screening/bundled/, so an installed package finds its
schemas and default rules through importlib.resources. Metadata lives in pyproject.toml."""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
BUNDLED = {"schemas": "schemas", "rules": "rules", "samples": "data/samples", "dags": "dags"}
SKIP = shutil.ignore_patterns("__pycache__", "*.pyc", ".*")


class BuildWithBundledData(build_py):
    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):  # an editable install reads the checkout's folders in place
            return
        target = Path(self.build_lib) / "screening" / "bundled"
        for name, source in BUNDLED.items():
            if (HERE / source).is_dir():
                shutil.rmtree(target / name, ignore_errors=True)
                shutil.copytree(HERE / source, target / name, ignore=SKIP)


setup(cmdclass={"build_py": BuildWithBundledData})
