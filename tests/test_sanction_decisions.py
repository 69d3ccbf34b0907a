"""Sanction decisions: allowed transitions only, who/when/why recorded and audited, kept across re-runs,
readable through `screening sanctions ...` and `screening audit show`."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from screening.model import Flag, Manifest, Sanction
from screening.sanction_decisions import (
    SanctionDecisionError,
    UnknownSanctionError,
    decide_sanction,
    sanction_history,
)
from screening.store import repository as repo
from screening.store.db import session_scope, upgrade_database
from screening.store.models import SanctionRecord


def _manifest() -> Manifest:
    return Manifest(
        carrier="ZZ",
        flight_number="9",
        departure_airport="JFK",
        arrival_airport="FRA",
        scheduled_departure="2026-12-01T18:30:00-05:00",
        travellers=[{"traveller_ref": "P1"}],
    )


def _save(url: str, run_id: str, amount: float = 3000.0) -> str:
    m = _manifest()
    flag = Flag(m.manifest_id, "ZZ", "9", "P1", "OBLIGATION", "DOC_MISSING", "HIGH", "no document")
    sanction = Sanction(
        m.manifest_id, "ZZ", "9", "P1", "DOC_MISSING", "EU_2001_51", amount, "EUR", "PROPOSED", "no document"
    )
    with session_scope(url) as session:
        repo.save_manifest_results(
            session,
            run_id=run_id,
            manifest=m,
            screened=m.travellers,
            quarantined=0,
            flags=[flag],
            sanctions=[sanction],
            validation={},
            rules_version="r1",
            list_version="l1",
        )
    return sanction.sanction_id


@pytest.fixture
def store(sqlite_url: str) -> tuple[str, str]:
    upgrade_database(sqlite_url)
    return sqlite_url, _save(sqlite_url, "run-1")


def _status(url: str, sid: str) -> str:
    with session_scope(url) as session:
        return session.get(SanctionRecord, sid).status  # type: ignore[union-attr]


def test_appeal_then_waive_is_recorded_with_who_when_why(store):
    url, sid = store
    with session_scope(url) as session:
        first = decide_sanction(session, sid, "appeal", "carrier produced the passport", "officer.a")
        assert (first.from_status, first.to_status) == ("PROPOSED", "APPEALED")
    with session_scope(url) as session:
        decide_sanction(session, sid, "waive", "appeal upheld", "officer.b")
    with session_scope(url) as session:
        history = sanction_history(session, sid)
        assert [(h.actor, h.action, h.from_status, h.to_status, h.reason) for h in history] == [
            ("officer.a", "appeal", "PROPOSED", "APPEALED", "carrier produced the passport"),
            ("officer.b", "waive", "APPEALED", "WAIVED", "appeal upheld"),
        ]
        assert all(h.at is not None for h in history)
        events = repo.query_audit(session, manifest_id=_manifest().manifest_id)
        assert [e.action for e in events][:2] == ["sanction_waive", "sanction_appeal"]
        assert repo.query_audit(session, actor="officer.a")[0].detail["reason"] == "carrier produced the passport"
    assert _status(url, sid) == "WAIVED"


@pytest.mark.parametrize(
    "steps, refused", [(["confirm"], "confirm"), (["waive"], "appeal"), (["appeal"], "appeal"), (["confirm"], "waive")]
)
def test_transitions_outside_the_allowed_ones_are_refused(store, steps, refused):
    url, sid = store
    for step in steps:
        with session_scope(url) as session:
            decide_sanction(session, sid, step, "ok", "officer")
    before = _status(url, sid)
    with (
        pytest.raises(SanctionDecisionError, match=f"cannot {refused} sanction {sid}: it is {before}"),
        session_scope(url) as session,
    ):
        decide_sanction(session, sid, refused, "again", "officer")
    assert _status(url, sid) == before


def test_unknown_id_and_empty_reason_are_project_errors(store):
    url, sid = store
    with session_scope(url) as session:
        with pytest.raises(UnknownSanctionError, match="no sanction S-nope"):
            decide_sanction(session, "S-nope", "confirm", "x", "officer")
        with pytest.raises(SanctionDecisionError, match="a reason is required"):
            decide_sanction(session, sid, "confirm", "  ", "officer")


def test_a_waiver_survives_a_rerun_that_changes_the_amount(store):
    url, sid = store
    with session_scope(url) as session:
        decide_sanction(session, sid, "waive", "humanitarian", "officer")
    _save(url, "run-2", amount=5000.0)
    with session_scope(url) as session:
        record = session.get(SanctionRecord, sid)
        assert (record.status, record.amount) == ("WAIVED", 5000.0)  # type: ignore[union-attr]


def test_cli_confirm_batch_history_and_audit_show(store, tmp_path, monkeypatch):
    from screening.cli import _register, app

    _register()
    url, sid = store
    monkeypatch.setenv("SCREENING_ACTOR", "cli.officer")
    runner = CliRunner()
    result = runner.invoke(app, ["sanctions", "appeal", sid, "--reason", "carrier disputes", "--database-url", url])
    assert result.exit_code == 0, result.output
    assert f"{sid}: PROPOSED -> APPEALED by cli.officer" in result.output
    batch = tmp_path / "decisions.csv"
    batch.write_text(f"sanction_id,reason\n{sid},appeal rejected\n")
    result = runner.invoke(app, ["sanctions", "confirm", "--csv", str(batch), "--database-url", url])
    assert result.exit_code == 0, result.output
    assert _status(url, sid) == "CONFIRMED"
    result = runner.invoke(app, ["sanctions", "waive", "--csv", str(batch), "--database-url", url])
    assert result.exit_code == 1 and "line 2: cannot waive" in result.output
    result = runner.invoke(app, ["sanctions", "confirm", "S-missing", "--reason", "x", "--database-url", url])
    assert result.exit_code == 1 and "no sanction S-missing" in result.output
    result = runner.invoke(app, ["sanctions", "history", sid, "--database-url", url])
    assert "appeal (PROPOSED -> APPEALED): carrier disputes" in result.output
    result = runner.invoke(
        app,
        [
            "audit",
            "show",
            "--actor",
            "cli.officer",
            "--manifest",
            _manifest().manifest_id,
            "--since",
            "2000-01-01",
            "--database-url",
            url,
        ],
    )
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 2 and "sanction_confirm" in lines[0] and "sanction_appeal" in lines[1]
    result = runner.invoke(app, ["audit", "show", "--actor", "nobody", "--database-url", url])
    assert "no audit events match" in result.output


def test_batch_refuses_a_bad_file_before_deciding_anything(store, tmp_path):
    from screening.errors import InputError
    from screening.sanction_decisions import read_batch

    url, sid = store
    bad = tmp_path / "bad.csv"
    bad.write_text(f"sanction_id,reason,action\n{sid},ok,confirm\n{sid},ok,cancel\n")
    with pytest.raises(InputError, match="line 3: action 'cancel'"):
        read_batch(bad)
    with session_scope(url) as session:
        assert session.scalars(select(SanctionRecord)).one().status == "PROPOSED"


def test_rescreen_reports_what_it_changed(store):
    url, sid = store
    with session_scope(url) as session:
        m = _manifest()
        flag = Flag(m.manifest_id, "ZZ", "9", "P1", "OBLIGATION", "DOC_MISSING", "HIGH", "no document")
        late = Flag(m.manifest_id, "ZZ", "9", "", "OBLIGATION", "API_LATE", "MEDIUM", "late")
        sanction = Sanction(
            m.manifest_id, "ZZ", "9", "P1", "DOC_MISSING", "EU_2001_51", 4000.0, "EUR", "PROPOSED", "no document"
        )
        changes = repo.save_manifest_results(
            session,
            run_id="run-2",
            manifest=m,
            screened=m.travellers,
            quarantined=0,
            flags=[flag, late],
            sanctions=[sanction],
            validation={},
            rules_version="r1",
            list_version="l1",
        )
    assert changes["flags_added"] == ["-:API_LATE"] and changes["flags_removed"] == []
    assert changes["amounts_changed"] == [f"{sid} DOC_MISSING: EUR 3,000.00 -> EUR 4,000.00"]
    with session_scope(url) as session:
        event = repo.query_audit(session, manifest_id=_manifest().manifest_id)[0]
        assert event.action == "manifest_rescreened" and event.detail["flags_added"] == ["-:API_LATE"]
