"""data_retention: pseudonymise or delete personal data after the periods in rules/retention.yaml
(Directive 2004/82/EC art. 6: API data within 24 hours unless needed), everywhere the personal-data
inventory lists, and audit the counts. The same function as `screening retention apply`."""

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
        from screening.retention import run_retention

        return run_retention().as_dict()  # counts per kind only: no personal data in XCom

    apply()


data_retention()
