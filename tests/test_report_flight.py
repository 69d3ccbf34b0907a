"""The per-flight report: flagged travellers first by severity, explanations present, personal data only
for flagged travellers, unknown manifests rejected."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_report_history import build_history

from screening.errors import InputError
from screening.report import write_flight_report
from screening.report.flight import flight_view
from screening.report.queries import read_session

Z303 = "ZZ303-IST-20261120"
Z202 = "ZZ202-DXB-20261125"


@pytest.fixture()
def history(tmp_path: Path) -> str:
    return build_history(tmp_path)


def test_flight_view_counts_only_current_rules_version(history: str) -> None:
    with read_session(history) as session:
        view = flight_view(session, Z303)
    assert view["counts"]["flags"] == 2  # the rules-v1 flag on P003 is not current
    assert view["counts"]["travellers_flagged"] == 2
    assert view["unflagged"] == ["P003", "P004"]
    assert [t["traveller_ref"] for t in view["flagged"]] == ["P002", "P001"]  # CRITICAL before HIGH


def test_flight_view_attaches_sanctions_and_manifest_findings(history: str) -> None:
    with read_session(history) as session:
        view = flight_view(session, Z202)
    assert [f["rule_id"] for f in view["manifest_flags"]] == ["API_LATE"]
    assert [t["traveller_ref"] for t in view["flagged"]] == ["P001", "P002", "P004"]
    assert view["flagged"][0]["sanctions"][0]["status"] == "CONFIRMED"
    assert view["counts"]["sanctions"] == 4
    assert view["counts"]["sanctions_amount"] == {"EUR": 12000.0}  # the waived 3000 is left out


def test_flight_report_shows_explanations_and_hides_unflagged_names(history: str, tmp_path: Path) -> None:
    path = write_flight_report(Z303, history, tmp_path / "reports")
    assert path == tmp_path / "reports" / "flights" / f"{Z303}.html"
    html = path.read_text(encoding="utf-8")
    assert "KOWALENKO" in html and "1975-03-14" in html and "FT1234567" in html
    assert "WL-0001" in html and "NATIONAL-SAMPLE" in html and "lists-2026-11" in html
    assert "KOVALENKO VIKTOR (transliteration)" in html and "0.93" in html
    assert "<details" in html and "P003" in html
    assert "Yilmaz" not in html and "Bakker" not in html  # unflagged: traveller_ref only
    assert "stale flag" not in html
    assert "NO_NAME" in html and "P005" in html and "RAWSECRET" not in html  # quarantine: reason, not raw text


def test_flight_report_escapes_traveller_text(history: str, tmp_path: Path) -> None:
    from screening.store.db import session_scope
    from screening.store.models import TravellerRecord

    with session_scope(history) as session:
        record = session.query(TravellerRecord).filter_by(manifest_id=Z303, traveller_ref="P001").one()
        record.data = {**record.data, "given_names": "<script>alert(1)</script>"}
    html = write_flight_report(Z303, history, tmp_path / "reports").read_text(encoding="utf-8")
    assert "<script>alert(1)" not in html and "&lt;script&gt;" in html


def test_flight_report_refreshes_index(history: str, tmp_path: Path) -> None:
    write_flight_report(Z303, history, tmp_path / "reports")
    write_flight_report(Z202, history, tmp_path / "reports")
    index = (tmp_path / "reports" / "index.html").read_text(encoding="utf-8")
    assert f"flights/{Z303}.html" in index and f"flights/{Z202}.html" in index
    assert not list((tmp_path / "reports" / "flights").glob(".*"))  # no temp files left behind


def test_unknown_manifest_is_an_input_error(history: str, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="unknown manifest"):
        write_flight_report("NOPE", history, tmp_path / "reports")


def test_writing_a_flight_report_is_audited_once_per_actor_and_version(history: str, tmp_path: Path) -> None:
    from sqlalchemy import select

    from screening.store.db import session_scope
    from screening.store.models import AuditEvent

    write_flight_report(Z303, history, tmp_path / "reports", actor="officer-1")
    write_flight_report(Z303, history, tmp_path / "reports", actor="officer-1")  # a retry
    write_flight_report(Z303, history, tmp_path / "reports", actor="officer-2")
    with session_scope(history) as session:
        events = session.scalars(select(AuditEvent).where(AuditEvent.action == "report_flight")).all()
        assert sorted(e.actor for e in events) == ["officer-1", "officer-2"]
        assert {e.subject for e in events} == {Z303}
