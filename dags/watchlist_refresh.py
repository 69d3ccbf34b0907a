"""watchlist_refresh: load the configured watchlists and registries, build the matching index once for
this list version, and publish it as the Asset `screening://watchlist-index` (the event's extra carries the
version and folder; never personal data). Screening tasks load the index for the same list contents from
the same folder, so they pick up a new version as soon as it is built."""

from __future__ import annotations

from datetime import timedelta

import pendulum
from airflow.sdk import Asset, dag, task

from screening.dag_defaults import default_args

WATCHLIST_INDEX = Asset("screening://watchlist-index")


@dag(
    dag_id="watchlist_refresh",
    schedule="@daily",
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    default_args=default_args(retry_delay=timedelta(minutes=1)),
    doc_md=__doc__,
    tags=["screening", "watchlists"],
)
def watchlist_refresh() -> None:
    @task(outlets=[WATCHLIST_INDEX])
    def build_index(**context) -> dict:
        from screening.dag_support import refresh_watchlist_index

        summary = refresh_watchlist_index()
        context["outlet_events"][WATCHLIST_INDEX].extra = {
            "version": summary["version"],
            "index_dir": summary["index_dir"],
        }
        return summary

    build_index()


watchlist_refresh()
