"""data_retention: pseudonymise or delete personal data after the periods in rules/retention.yaml
(Directive 2004/82/EC art. 6: API data within 24 hours unless needed), and audit what was removed."""

from __future__ import annotations

from datetime import timedelta

import pendulum
from airflow.sdk import dag, task

from screening.dag_defaults import default_args


@dag(
    dag_id="data_retention",
    schedule="@hourly",
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    default_args=default_args(retry_delay=timedelta(minutes=2)),
    doc_md=__doc__,
    tags=["screening", "personal-data"],
)
def data_retention() -> None:
    @task
    def apply() -> dict:
        from datetime import UTC, datetime

        from screening.config import load_settings
        from screening.retention import apply_retention, load_retention_policy

        settings = load_settings()
        policy = load_retention_policy(settings.rules_dir)
        return apply_retention(settings.database_url, settings.data_dir, policy, datetime.now(UTC)).as_dict()

    apply()


data_retention()
