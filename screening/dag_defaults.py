"""Default task arguments every DAG shares: retries with backoff for transient faults, and the failure
alert (screening.alerts). Standard library only, so DAG files can import it at parse time cheaply; the
alert module itself is imported when a task fails, not when the DAG is parsed."""

from __future__ import annotations

from datetime import timedelta
from typing import Any


def alert_on_failure(context: Any) -> None:
    """on_failure_callback of every task: DAG, task, manifest (map index) and reason; no personal data."""
    from screening.alerts import on_task_failure

    on_task_failure(context)


def default_args(retries: int = 2, retry_delay: timedelta = timedelta(seconds=10)) -> dict[str, Any]:
    """Data and configuration faults fail a task at once (AirflowFailException, see dag_support.run_stage);
    these retries are for the transient ones (database busy, disk full)."""
    return {
        "retries": retries,
        "retry_delay": retry_delay,
        "retry_exponential_backoff": True,
        "max_retry_delay": timedelta(minutes=5),
        "on_failure_callback": alert_on_failure,
    }
