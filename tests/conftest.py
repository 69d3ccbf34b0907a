"""Shared fixtures: sample paths, a throwaway data folder, and database URLs (PostgreSQL skips with a
reason when no server is reachable)."""

from __future__ import annotations

import logging
import os
import socket
import uuid
from pathlib import Path

import pytest

os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
logging.getLogger("great_expectations").setLevel(logging.WARNING)

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "data" / "samples"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED_DATA = REPO.parent / "shared" / "data"


@pytest.fixture
def samples() -> Path:
    return SAMPLES


@pytest.fixture
def sample_lists() -> dict[str, list[Path]]:
    return {
        "watchlists": [SAMPLES / "lists" / "watchlist.csv"],
        "registries": [SAMPLES / "lists" / "lost_stolen_documents.csv"],
    }


@pytest.fixture
def sample_manifests() -> list[Path]:
    return sorted(SAMPLES.glob("*.csv"))


@pytest.fixture
def rules_dir() -> Path:
    return REPO / "rules"


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'screening.db'}"


def _reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture
def postgres_url() -> str:
    """A fresh schema-less database per test on the PostgreSQL server, dropped afterwards."""
    from screening.config import load_settings

    base = load_settings().test_postgres_url
    if not _reachable("127.0.0.1", 5432) and "127.0.0.1" in base:
        pytest.skip("PostgreSQL not reachable at 127.0.0.1:5432 (set SCREENING_TEST_POSTGRES_URL)")
    try:
        import psycopg  # noqa: F401
        from sqlalchemy import create_engine, text
    except ImportError:
        pytest.skip("psycopg not installed (pip install -e '.[postgres]')")
    name = f"screening_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # server there but refusing: say so rather than fail obscurely
        pytest.skip(f"cannot create a PostgreSQL test database: {exc.__class__.__name__}")
    url = base.rsplit("/", 1)[0] + f"/{name}"
    yield url
    from screening.store.db import get_engine

    get_engine(url).dispose()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'screening.db'}"
    return request.getfixturevalue("postgres_url")
