"""Settings from environment variables with defaults that work on one laptop (SQLite, local folders)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from screening.resources import REPO_DIR, default_rules_dir


@dataclass(frozen=True)
class Settings:
    """Where things live. Analysts tune rules in YAML; nothing here is a screening threshold."""

    data_dir: Path
    database_url: str
    rules_dir: Path

    @property
    def intake_dir(self) -> Path:
        return self.data_dir / "intake"

    @property
    def raw_dir(self) -> Path:
        return self.data_dir / "raw"

    @property
    def work_dir(self) -> Path:
        return self.data_dir / "work"

    @property
    def quarantine_dir(self) -> Path:
        return self.data_dir / "quarantine"

    @property
    def reports_dir(self) -> Path:
        return self.data_dir / "reports"


def load_settings() -> Settings:
    """SCREENING_DATA_DIR (default ./var), SCREENING_DATABASE_URL (default SQLite in the data dir),
    SCREENING_RULES_DIR (default the repository's rules/)."""
    data_dir = Path(os.environ.get("SCREENING_DATA_DIR", REPO_DIR / "var")).resolve()
    database_url = os.environ.get("SCREENING_DATABASE_URL") or f"sqlite:///{data_dir / 'screening.db'}"
    rules_dir = Path(os.environ.get("SCREENING_RULES_DIR", default_rules_dir())).resolve()
    return Settings(data_dir=data_dir, database_url=database_url, rules_dir=rules_dir)
