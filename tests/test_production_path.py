"""The production path on this machine: Airflow's metadata database on PostgreSQL running the full
manifest_screening DAG with the real scheduler, dag-processor and api-server, once with LocalExecutor and
once with CeleryExecutor (Redis broker, one worker). The screening store is PostgreSQL too.
Each skips with a reason only when its server is unreachable."""

from __future__ import annotations

import json
import shutil
import socket
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text

from screening.config import load_settings

pytestmark = pytest.mark.airflow

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "data" / "samples"
PG = load_settings().test_postgres_url
REDIS = load_settings().test_redis_url
CELERY = "airflow.providers.celery.executors.celery_executor.CeleryExecutor"


def reachable(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture
def pg_databases():
    """Two fresh databases: Airflow's metadata and the screening store."""
    if not reachable(5432):
        pytest.skip("PostgreSQL not reachable at 127.0.0.1:5432")
    admin = create_engine(PG, isolation_level="AUTOCOMMIT")
    names = [f"it_airflow_{uuid.uuid4().hex[:8]}", f"it_store_{uuid.uuid4().hex[:8]}"]
    with admin.connect() as conn:
        for name in names:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    base = PG.rsplit("/", 1)[0]
    yield (base.replace("+psycopg:", "+psycopg2:") + f"/{names[0]}", base + f"/{names[1]}")
    from screening.store.db import get_engine

    get_engine(base + f"/{names[1]}").dispose()
    with admin.connect() as conn:
        for name in names:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def run_full_dag(tmp_path: Path, airflow_url: str, store_url: str, executor: str, broker: str | None) -> None:
    from screening.ops.local_airflow import LocalAirflow
    from screening.store.db import session_scope
    from screening.store.models import FlagRecord, ManifestRecord

    data = tmp_path / "data"
    (data / "intake").mkdir(parents=True)
    for sample in SAMPLES.glob("manifest*"):
        shutil.copy(sample, data / "intake")
    env = {
        "SCREENING_DATA_DIR": str(data),
        "SCREENING_DATABASE_URL": store_url,
        "SCREENING_WATCHLISTS": str(SAMPLES / "lists" / "watchlist.csv"),
        "SCREENING_REGISTRIES": str(SAMPLES / "lists" / "lost_stolen_documents.csv"),
    }
    with LocalAirflow(
        tmp_path / "airflow", airflow_url, executor=executor, celery_broker=broker, extra_env=env
    ) as airflow:
        airflow.wait_for_dag("manifest_screening")
        run_id = airflow.trigger("manifest_screening")
        state = airflow.wait_for_run("manifest_screening", run_id, timeout=900)
        assert state == "success", airflow.logs()
    summaries = list((data / "runs").glob("*/summary.json"))
    assert len(summaries) == 1
    summary = json.loads(summaries[0].read_text())
    assert (summary["files_in"], summary["manifests"], summary["travellers_in"]) == (5, 5, 24)
    assert summary["invariant_holds"] is True
    with session_scope(store_url) as session:
        assert session.scalar(select(func.count()).select_from(ManifestRecord)) == 5
        rules = set(session.scalars(select(FlagRecord.rule_id)))
    assert {"WATCHLIST_MATCH", "DOC_REPORTED_LOST_STOLEN", "DOC_EXPIRED", "API_LATE"} <= rules


def test_full_dag_on_postgres_with_local_executor(tmp_path, pg_databases):
    run_full_dag(tmp_path, *pg_databases, executor="LocalExecutor", broker=None)


def test_full_dag_on_postgres_with_celery_executor_and_redis(tmp_path, pg_databases):
    if not reachable(6379):
        pytest.skip("Redis not reachable at 127.0.0.1:6379")
    pytest.importorskip(
        "airflow.providers.celery.executors.celery_executor",
        reason="install the celery extra: pip install -e '.[celery]'",
    )
    run_full_dag(tmp_path, *pg_databases, executor=CELERY, broker=REDIS)
