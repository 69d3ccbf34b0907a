"""The main job through Airflow itself: `screening demo` runs the manifest_screening DAG with
`airflow dags test` on SQLite, twice into the same folders, and a re-run duplicates nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from screening.demo import run_demo
from screening.store.db import session_scope
from screening.store.models import AuditEvent, FlagRecord, ManifestRecord, QuarantineEntry, SanctionRecord

pytestmark = pytest.mark.airflow


def counts(url: str) -> list[int]:
    with session_scope(url) as session:
        return [
            session.scalar(select(func.count()).select_from(m))
            for m in (ManifestRecord, FlagRecord, SanctionRecord, QuarantineEntry, AuditEvent)
        ]


def test_demo_runs_the_dag_end_to_end_and_a_rerun_duplicates_nothing(tmp_path: Path):
    first = run_demo(tmp_path)
    summary = first.summary
    assert (summary["files_in"], summary["manifests"], summary["travellers_in"]) == (5, 5, 24)
    assert summary["invariant_holds"] is True
    assert summary["flags_by_rule"]["WATCHLIST_MATCH"] == 2  # ZZ303 P001 and the PAXLST flight's NOVAKOVA
    assert summary["flags_by_rule"]["DOC_REPORTED_LOST_STOLEN"] == 1
    assert set(first.outputs) >= {"flags.csv", "sanctions.csv", "quarantine.csv", "summary.json"}
    reports = sorted((first.reports_dir / "flights").glob("*.html"))
    assert len(reports) == 5 and (first.reports_dir / "index.html").exists()
    url = f"sqlite:///{tmp_path / 'data' / 'screening.db'}"
    before = counts(url)
    assert before[0] == 5

    second = run_demo(tmp_path)
    assert second.summary["flags_by_rule"] == summary["flags_by_rule"]
    assert counts(url) == before
    flags_a = Path(first.outputs["flags.csv"]).read_text()
    assert Path(second.outputs["flags.csv"]).read_text() == flags_a
    assert json.loads(Path(second.outputs["summary.json"]).read_text())["run_id"] != summary["run_id"]


def test_a_scheduled_run_with_nothing_to_do_is_green_and_sends_no_alert(tmp_path: Path):
    from screening.demo import DAG_ID, _airflow, _run_state, demo_environment

    env = demo_environment(tmp_path)
    with (tmp_path / "airflow.log").open("w", encoding="utf-8") as log:
        _airflow(["db", "migrate"], env, log)
        _airflow(["pools", "set", "screening", "2", "test"], env, log)
        _airflow(["dags", "test", DAG_ID], env, log)
        [summary_path] = (tmp_path / "data" / "runs").glob("*/summary.json")
        summary = json.loads(summary_path.read_text())
        assert _run_state(summary["run_id"], env, log) == "success"
    assert (summary["files_in"], summary["manifests"], summary["travellers_in"]) == (0, 0, 0)
    assert not (tmp_path / "data" / "alerts.jsonl").exists()
