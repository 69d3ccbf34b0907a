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
        return [session.scalar(select(func.count()).select_from(m))
                for m in (ManifestRecord, FlagRecord, SanctionRecord, QuarantineEntry, AuditEvent)]


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
