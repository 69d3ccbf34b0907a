"""DAG integrity (in the manner of Astronomer Cosmos): every file in dags/ imports without errors, the
graph is the one we expect, and parsing does not import the heavy screening stack."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def dagbag(tmp_path_factory):
    os.environ["AIRFLOW_HOME"] = str(tmp_path_factory.mktemp("airflow_home"))
    os.environ["AIRFLOW__CORE__LOAD_EXAMPLES"] = "False"
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(REPO / "dags"))


def test_dag_files_import_without_errors(dagbag):
    assert dagbag.import_errors == {}
    assert {"manifest_screening", "watchlist_refresh", "data_retention", "screening_watchdog"} <= set(dagbag.dags)


def test_every_dag_retries_and_has_tags(dagbag):
    for dag in dagbag.dags.values():
        assert dag.tags, dag.dag_id
        assert dag.max_active_runs == 1 or dag.dag_id == "manifest_screening", dag.dag_id


def test_watchlist_refresh_publishes_the_index_asset(dagbag):
    task = dagbag.dags["watchlist_refresh"].get_task("build_index")
    assert [o.uri.rstrip("/") for o in task.outlets] == ["screening://watchlist-index"]


def test_failures_raise_alerts_in_every_dag_and_each_dag_is_documented(dagbag):
    for dag in dagbag.dags.values():
        assert dag.doc_md and dag.doc_md.startswith(dag.dag_id), dag.dag_id
        for task in dag.tasks:
            assert task.on_failure_callback, f"{dag.dag_id}.{task.task_id}"


def test_manifest_screening_has_the_pipeline_stages_in_order(dagbag):
    dag = dagbag.dags["manifest_screening"]
    downstream = {t.task_id: set(t.downstream_task_ids) for t in dag.tasks}
    chain = ["land", "parse", "gather", "validate", "screen", "obligations", "persist", "report", "summarise"]
    for upstream, nxt in zip(chain, chain[1:], strict=False):
        assert nxt in downstream[upstream], f"{upstream} -> {nxt} missing"
    assert downstream["summarise"] == set()
    assert dag.tasks[0].dag.max_active_runs >= 1
    screen = dag.get_task("screen")
    assert screen.pool == "screening"
    assert dag.get_task("land").retries >= 1


def test_dag_parse_imports_no_heavy_modules():
    """Parse-time code only wires tasks: pandas, the screening package and GX load inside tasks."""
    code = (
        "import sys, runpy; runpy.run_path('dags/manifest_screening.py');"
        "heavy = [m for m in ('pandas', 'great_expectations', 'rapidfuzz', 'screening.pipeline') if m in sys.modules];"
        "print(','.join(heavy))"
    )
    env = {**os.environ, "AIRFLOW__CORE__LOAD_EXAMPLES": "False"}
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    heavy = [m for m in done.stdout.strip().splitlines()[-1].split(",") if m] if done.stdout.strip() else []
    assert "screening.pipeline" not in heavy and "great_expectations" not in heavy and "rapidfuzz" not in heavy
