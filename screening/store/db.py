"""Database access: one URL (SQLite file by default, PostgreSQL in production), schema by Alembic."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from screening.errors import StoreError

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def _alembic_config(url: str):
    import sys

    from alembic.config import Config

    config = Config(stdout=sys.stdout)  # alembic's default is sys.stdout at its import, maybe long closed
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


@cache
def get_engine(url: str) -> Engine:
    """One engine per URL per process; SQLite gets foreign keys and a busy timeout for parallel tasks."""
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 60})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection, _record) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


def upgrade_database(url: str) -> None:
    """Bring the schema to the newest migration (safe to call on every start)."""
    from alembic import command

    config = _alembic_config(url)
    try:
        with get_engine(url).begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    except SQLAlchemyError as exc:
        raise StoreError(f"cannot migrate the database at {safe_url(url)}: {exc.__class__.__name__}") from exc


@contextmanager
def session_scope(url: str) -> Iterator[Session]:
    """A transaction: everything in it is committed together or not at all (no partial results)."""
    factory = sessionmaker(bind=get_engine(url), expire_on_commit=False)
    session = factory()
    try:
        yield session
        session.commit()
    except Exception:
        session.rollback()
        raise
    finally:
        session.close()


def safe_url(url: str) -> str:
    """The URL without a password, for messages."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)
