"""Operator-side behaviour without Airflow: intake deduplication, re-screen selection, retention of
personal data, overdue alerts and failure alerts."""

from __future__ import annotations

import json
import os
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from screening import stages
from screening.alerts import Alert, on_task_failure, overdue_files, send_alert
from screening.pipeline import load_context, screen_files
from screening.retention import RetentionPolicy, apply_retention, load_retention_policy, pseudonym
from screening.store.db import session_scope
from screening.store.models import AuditEvent, IngestedFile, QuarantineEntry, TravellerRecord


@pytest.fixture
def data_dir(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("SCREENING_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data"


def test_land_moves_files_by_checksum_and_skips_screened_duplicates(tmp_path, samples, sqlite_url):
    intake, raw = tmp_path / "intake", tmp_path / "raw"
    intake.mkdir()
    shutil.copy(samples / "manifest_clean_ZZ101.csv", intake / "a.csv")
    shutil.copy(samples / "manifest_clean_ZZ101.csv", intake / "b.csv")  # same bytes, other name
    landed = stages.land_files(intake, raw, sqlite_url)
    assert len(landed) == 2 and not list(intake.iterdir())
    assert Path(landed[0]).read_bytes() == (samples / "manifest_clean_ZZ101.csv").read_bytes()
    with session_scope(sqlite_url) as session:
        for record in session.scalars(select(IngestedFile)):
            record.status = "SCREENED"
    shutil.copy(samples / "manifest_clean_ZZ101.csv", intake / "again.csv")
    assert stages.land_files(intake, raw, sqlite_url) == []
    shutil.copy(samples / "manifest_clean_ZZ101.csv", intake / "again.csv")
    assert len(stages.land_files(intake, raw, sqlite_url, rescreen=True)) == 1


def test_unreadable_file_goes_to_the_quarantine_folder_with_a_reason(tmp_path):
    raw = tmp_path / "raw" / "ab" / "abc"
    raw.mkdir(parents=True)
    bad = raw / "broken.csv"
    bad.write_bytes(b"\xff\xfe\x00garbage")
    [read_dir] = stages.parse_to_work(str(bad), tmp_path / "run", tmp_path / "quarantine")
    reason = (tmp_path / "quarantine" / "broken.csv.reason.txt").read_text()
    assert "not UTF-8" in reason and (tmp_path / "quarantine" / "broken.csv").exists()
    folders = stages.gather_stage([read_dir], tmp_path / "run", tmp_path / "multipart", "run-1", 120)
    assert folders == []  # no manifest, but the file's quarantine record reaches the run's outputs
    result = stages.summarise_run(tmp_path / "run", tmp_path / "out", [str(bad)], "run-1", None)
    assert result["summary"]["files_unreadable"] == 1
    assert "FILE_UNREADABLE" in (tmp_path / "out" / "quarantine.csv").read_text()


@pytest.fixture
def stored(samples, sample_lists, rules_dir, sqlite_url, tmp_path):
    ctx = load_context(sample_lists["watchlists"], sample_lists["registries"], rules_dir)
    screen_files(sorted(samples.glob("*.csv")), ctx, tmp_path / "out", database_url=sqlite_url)
    return sqlite_url


def test_rescreen_selects_stored_files_by_departure_date_and_carrier(stored, samples):
    chosen = stages.select_rescreen_files(stored, "2026-12-03", "2026-12-04", "ZZ")
    assert sorted(Path(p).name for p in chosen) == ["manifest_breaches_ZZ202.csv", "manifest_watchlist_ZZ303.csv"]
    assert stages.select_rescreen_files(stored, "2026-12-03", "2026-12-04", "XX") == []


def test_retention_pseudonymises_unflagged_travellers_first(stored, tmp_path):
    policy = RetentionPolicy(unflagged_travellers_hours=24, flagged_travellers_hours=24 * 365)
    report = apply_retention(stored, tmp_path / "data", policy, datetime.now(UTC) + timedelta(hours=25))
    with session_scope(stored) as session:
        travellers = session.scalars(select(TravellerRecord)).all()
        audit = session.scalars(select(AuditEvent).where(AuditEvent.action == "personal_data_removed")).one()
    kept = [t for t in travellers if t.pseudonymised_at is None]
    gone = [t for t in travellers if t.pseudonymised_at is not None]
    assert report.travellers_pseudonymised == len(gone) > 0
    assert {t.traveller_ref for t in kept} >= {"P001", "P002"}  # the watchlist hit and the stolen passport
    assert all(t.data["surname"] is None or t.data["surname"].startswith("PSN-") for t in gone)
    assert audit.detail["travellers_pseudonymised"] == len(gone)
    assert "surname" not in json.dumps(audit.detail).lower().replace("travellers", "")


def test_retention_later_removes_flagged_records_and_quarantined_raw_text(stored, tmp_path):
    policy = RetentionPolicy(
        unflagged_travellers_hours=24, flagged_travellers_hours=48, quarantined_records_hours=48, action="delete"
    )
    apply_retention(stored, tmp_path / "data", policy, datetime.now(UTC) + timedelta(hours=49))
    with session_scope(stored) as session:
        assert session.scalars(select(TravellerRecord)).all() == []
        assert all(q.raw == "" for q in session.scalars(select(QuarantineEntry)))


def test_pseudonyms_are_stable_and_keyed(monkeypatch):
    monkeypatch.setenv("SCREENING_PSEUDONYM_KEY", "key one, long enough")
    first = pseudonym("SMITH")
    assert first == pseudonym("SMITH") != pseudonym("SMYTH")
    monkeypatch.setenv("SCREENING_PSEUDONYM_KEY", "key two, long enough")
    assert pseudonym("SMITH") != first


def test_retention_policy_file_is_read_and_checked(tmp_path, rules_dir):
    assert load_retention_policy(rules_dir).unflagged_travellers_hours == 24
    (tmp_path / "retention.yaml").write_text("retention:\n  unflagged_travellers_hours: -1\n")
    from screening.errors import RulesError

    with pytest.raises(RulesError, match="retention.yaml"):
        load_retention_policy(tmp_path)


def test_overdue_landed_file_raises_an_alert(sqlite_url):
    from screening.store import repository as repo
    from screening.store.db import upgrade_database

    upgrade_database(sqlite_url)
    with session_scope(sqlite_url) as session:
        repo.record_ingested_file(session, "sha256:abc", "late.csv", "/raw/late.csv", "LANDED")
    now = datetime.now(UTC)
    assert overdue_files(sqlite_url, now, timedelta(minutes=15)) == []
    alerts = overdue_files(sqlite_url, now + timedelta(minutes=16), timedelta(minutes=15))
    assert [(a.kind, a.subject) for a in alerts] == [("NOT_SCREENED_IN_TIME", "sha256:abc")]


class _TI:
    dag_id, task_id, map_index, rendered_map_index = "manifest_screening", "screen", 3, "ZZ303-IST-20261204T0910"


def test_failure_callback_writes_dag_task_manifest_and_reason(data_dir):
    on_task_failure({"task_instance": _TI(), "exception": ValueError("index missing\nsecond line")})
    alert = json.loads((data_dir / "alerts.jsonl").read_text().splitlines()[-1])
    assert (alert["dag_id"], alert["task_id"], alert["subject"]) == (
        "manifest_screening",
        "screen",
        "ZZ303-IST-20261204T0910",
    )
    assert alert["reason"] == "ValueError: index missing"


def test_broken_webhook_does_not_raise(data_dir, monkeypatch):
    monkeypatch.setenv("SCREENING_ALERT_WEBHOOK", "http://127.0.0.1:9/nothing-listens-here")
    send_alert(Alert("TASK_FAILED", "d", "t", "s", "r"))
    assert (data_dir / "alerts.jsonl").exists()
    os.environ.pop("SCREENING_ALERT_WEBHOOK", None)
