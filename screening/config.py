"""Every SCREENING_* environment variable, in one typed settings object with defaults that work on one
laptop (SQLite, local folders). Modules read `load_settings()`, never os.environ: the README's
configuration table is checked against the fields below."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from screening.errors import ConfigError
from screening.resources import REPO_DIR, default_rules_dir

ENV_PREFIX = "SCREENING_"


def _default_data_dir() -> Path:
    return REPO_DIR / "var" if (REPO_DIR / "pyproject.toml").exists() else Path.cwd() / "var"


class Settings(BaseSettings):
    """Where things live and how the DAGs behave. Analysts tune rules in YAML; nothing here is a
    screening threshold. Field descriptions are the meanings the README's table shows."""

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, frozen=True, extra="ignore", populate_by_name=True)

    data_dir: Path = Field(
        default_factory=_default_data_dir,
        description=(
            "intake, raw store, work folders, quarantine, multi-part holding area, index, reports, "
            "alerts file, pseudonym key and the SQLite file"
        ),
    )
    database_url: str = Field(
        "",
        description=(
            "any SQLAlchemy URL; empty: SQLite in the data dir; PostgreSQL: `postgresql+psycopg://user@host/db`"
        ),
    )
    rules_dir: Path = Field(
        default_factory=default_rules_dir,
        description=("rule files (the checkout's `rules/`, or the copy shipped in the package when installed)"),
    )
    watchlists: str = Field(
        "", description=("watchlist files for the DAGs (CSV, UN XML, OFAC folder), separated by `:`")
    )
    registries: str = Field("", description="lost/stolen document CSVs for the DAGs, separated by `:`")
    intake_schedule: str = Field(
        "*/2 * * * *", description=("how often `manifest_screening` polls intake (cron; empty: manual/triggered only)")
    )
    batch_size: int = Field(1, ge=1, description="manifests per mapped task")
    multipart_wait_minutes: float = Field(
        120, gt=0, description=("how long a multi-part PAXLST set waits for missing parts before release as incomplete")
    )
    alert_webhook: str = Field("", description="alert channel: URL that receives each alert as a JSON POST")
    alert_email: str = Field("", description="alert channel: comma-separated addresses (Airflow's SMTP settings)")
    alert_after_minutes: float = Field(
        15, gt=0, description=("watchdog: alert when a landed file is not screened within this many minutes")
    )
    pseudonym_key: SecretStr | None = Field(
        None,
        description=(
            "secret of the keyed hash (HMAC-SHA-256) used when pseudonymising; empty: generated on first use and "
            "kept in `$SCREENING_DATA_DIR/pseudonym.key` (mode 0600)"
        ),
    )
    validate_gx: bool = Field(
        True, description=("`0` skips the Great Expectations audit run (flags never depend on it)")
    )
    actor: str = Field(
        "",
        description=(
            "who exports or notifies, for the audit trail (set by a service or the DAG); empty: the login name"
        ),
    )
    web_secret: SecretStr | None = Field(
        None,
        description=(
            "key signing the workspace's session cookies; empty: random, kept in `$SCREENING_DATA_DIR/web_secret` "
            "(mode 0600)"
        ),
    )
    web_session_minutes: int = Field(30, gt=0, description="workspace idle timeout (minutes)")
    web_secure_cookies: bool = Field(False, description=("`1` behind HTTPS: session cookies get the Secure flag"))
    test_postgres_url: str = Field(
        "postgresql+psycopg://postgres@127.0.0.1:5432/test",
        description=("tests only: PostgreSQL database the integration tests use (skipped when unreachable)"),
    )
    test_redis_url: str = Field(
        "redis://127.0.0.1:6379/0",
        description=("tests only: Redis broker the CeleryExecutor test uses (skipped when unreachable)"),
    )

    @field_validator(
        "batch_size",
        "multipart_wait_minutes",
        "alert_after_minutes",
        "validate_gx",
        "pseudonym_key",
        "web_secret",
        "web_session_minutes",
        "web_secure_cookies",
        mode="before",
    )
    @classmethod
    def _empty_is_default(cls, value: Any, info: Any) -> Any:
        """An exported-but-empty variable means "not set" for values that have no empty meaning."""
        if isinstance(value, str) and not value.strip():
            field = cls.model_fields[info.field_name]
            return field.get_default(call_default_factory=True)
        return value

    @field_validator("data_dir", "rules_dir", mode="after")
    @classmethod
    def _absolute(cls, value: Path) -> Path:
        return value.expanduser().resolve()

    def model_post_init(self, context: Any) -> None:
        if not self.database_url:
            object.__setattr__(self, "database_url", f"sqlite:///{self.data_dir / 'screening.db'}")

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
    def runs_dir(self) -> Path:
        return self.data_dir / "runs"

    @property
    def quarantine_dir(self) -> Path:
        return self.data_dir / "quarantine"

    @property
    def multipart_dir(self) -> Path:
        return self.data_dir / "multipart"

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"

    @property
    def reports_dir(self) -> Path:
        return self.data_dir / "reports"

    @property
    def exports_dir(self) -> Path:
        return self.reports_dir / "exports"

    @property
    def notifications_dir(self) -> Path:
        return self.reports_dir / "notifications"

    @property
    def alerts_file(self) -> Path:
        return self.data_dir / "alerts.jsonl"

    @property
    def pseudonym_key_file(self) -> Path:
        return self.data_dir / "pseudonym.key"

    @property
    def watchlist_paths(self) -> list[str]:
        return _split_paths(self.watchlists)

    @property
    def registry_paths(self) -> list[str]:
        return _split_paths(self.registries)

    @property
    def intake_cron(self) -> str | None:
        return self.intake_schedule.strip() or None


def _split_paths(value: str) -> list[str]:
    return [p for p in value.split(os.pathsep) if p]


def environment_variables() -> dict[str, str]:
    """SCREENING_* name -> meaning, for every setting (the README's configuration table lists these)."""
    return {ENV_PREFIX + name.upper(): field.description or "" for name, field in Settings.model_fields.items()}


def load_settings() -> Settings:
    """Read the environment now (cheap; tests and DAG tasks change it between calls)."""
    try:
        return Settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        name = ENV_PREFIX + str(first["loc"][0]).upper() if first.get("loc") else "a SCREENING_ variable"
        raise ConfigError(f"{name} is invalid: {first['msg']}") from None
