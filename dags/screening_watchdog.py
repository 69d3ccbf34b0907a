"""screening_watchdog: alert when a landed file is not screened within SCREENING_ALERT_AFTER_MINUTES
(default 15), or when a flight has arrived before its manifest was screened."""

from __future__ import annotations

from datetime import timedelta

import pendulum
from airflow.sdk import dag, task


@dag(
    dag_id="screening_watchdog",
    schedule=timedelta(minutes=5),
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    tags=["screening", "alerts"],
)
def screening_watchdog() -> None:
    @task
    def check_overdue() -> int:
        from datetime import UTC, datetime

        from screening.alerts import overdue_files, overdue_threshold, send_alert
        from screening.config import load_settings

        alerts = overdue_files(load_settings().database_url, datetime.now(UTC), overdue_threshold())
        for alert in alerts:
            send_alert(alert)
        return len(alerts)

    check_overdue()


screening_watchdog()
