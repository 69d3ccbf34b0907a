"""screening_watchdog: alert when a landed file is not screened within SCREENING_ALERT_AFTER_MINUTES
(default 15), when a flight has arrived before its manifest was screened, or when a multi-part PAXLST set
has waited for its other parts longer than SCREENING_MULTIPART_WAIT_MINUTES (default 120)."""

from __future__ import annotations

from datetime import timedelta

import pendulum
from airflow.sdk import dag, task

from screening.dag_defaults import default_args


@dag(
    dag_id="screening_watchdog",
    schedule=timedelta(minutes=5),
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    default_args=default_args(retries=1),
    doc_md=__doc__,
    tags=["screening", "alerts"],
)
def screening_watchdog() -> None:
    @task
    def check_overdue() -> int:
        from datetime import UTC, datetime

        from screening.alerts import multipart_wait, overdue_files, overdue_threshold, send_alert, waiting_sets
        from screening.config import load_settings

        settings, now = load_settings(), datetime.now(UTC)
        alerts = overdue_files(settings.database_url, now, overdue_threshold())
        alerts += waiting_sets(settings.data_dir / "multipart", now, multipart_wait())
        for alert in alerts:
            send_alert(alert)
        return len(alerts)

    check_overdue()


screening_watchdog()
