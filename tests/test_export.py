"""CSV/JSON exports and partner-state hit notifications: the right rows per scope, schema-valid
notifications with only the fields needed to act, and an audit event for every export."""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

import jsonschema
import pytest
from sqlalchemy import select
from test_report_history import build_history

from screening.errors import InputError
from screening.report.exports import Scope, export_records
from screening.report.notify import build_notification, notification_schema, write_notification
from screening.store.db import session_scope
from screening.store.models import AuditEvent

Z303, Z202 = "ZZ303-IST-20261120", "ZZ202-DXB-20261125"


@pytest.fixture()
def history(tmp_path: Path) -> str:
    return build_history(tmp_path)


def audit_events(url: str) -> list[AuditEvent]:
    with session_scope(url) as session:
        return list(session.scalars(select(AuditEvent).order_by(AuditEvent.id)))


def test_flight_export_csv_has_current_flags_and_sanctions(history: str, tmp_path: Path) -> None:
    flags_path, sanctions_path = export_records(history, tmp_path / "out", Scope(manifest_id=Z202), actor="officer-7")
    flags = list(csv.DictReader(flags_path.open(encoding="utf-8")))
    assert flags_path.name == f"flags_{Z202}.csv"
    assert sorted(f["rule_id"] for f in flags) == [
        "API_LATE",
        "DOC_EXPIRED",
        "DOC_MISSING",
        "DOC_VALIDITY_SHORT",
    ]
    sanctions = list(csv.DictReader(sanctions_path.open(encoding="utf-8")))
    assert {s["sanction_id"]: s["status"] for s in sanctions} == {
        "S-1": "CONFIRMED",
        "S-2": "PROPOSED",
        "S-3": "WAIVED",
        "S-4": "PROPOSED",
    }
    assert sanctions[0]["scheduled_departure"] == "2026-11-25T02:40:00+04:00"


def test_carrier_period_export_json(history: str, tmp_path: Path) -> None:
    scope = Scope(carrier="ZZ", first=date(2026, 11, 16), last=date(2026, 11, 30))
    (path,) = export_records(history, tmp_path, scope, kinds=("flags",), fmt="json", actor="a")
    document = json.loads(path.read_text(encoding="utf-8"))
    assert path.name == "flags_ZZ_2026-11-16_2026-11-30.json"
    assert document["count"] == 6 and document["scope"]["carrier"] == "ZZ"
    assert {r["manifest_id"] for r in document["records"]} == {Z303, Z202}
    assert "stale flag of an old rule set" not in path.read_text(encoding="utf-8")


def test_period_export_covers_all_carriers(history: str, tmp_path: Path) -> None:
    scope = Scope(first=date(2026, 11, 1), last=date(2026, 11, 15))
    (path,) = export_records(history, tmp_path, scope, kinds=("sanctions",), actor="a")
    assert [r["sanction_id"] for r in csv.DictReader(path.open(encoding="utf-8"))] == ["S-5"]


def test_every_export_is_audited(history: str, tmp_path: Path) -> None:
    export_records(history, tmp_path, Scope(manifest_id=Z202), actor="officer-7")
    export_records(history, tmp_path, Scope(manifest_id=Z202), kinds=("flags",), actor="officer-7")
    events = [e for e in audit_events(history) if e.action.startswith("export_")]
    assert [e.action for e in events] == ["export_flags", "export_sanctions", "export_flags"]
    assert {e.actor for e in events} == {"officer-7"} and {e.subject for e in events} == {Z202}
    assert events[0].detail["records"] == 4 and events[0].detail["format"] == "csv"
    assert events[0].at is not None


def test_scope_must_be_flight_or_carrier_or_period() -> None:
    with pytest.raises(InputError):
        Scope()
    with pytest.raises(InputError):
        Scope(manifest_id=Z202, carrier="ZZ")
    with pytest.raises(InputError):
        Scope(first=date(2026, 11, 1))


def test_unknown_carrier_or_manifest_is_an_input_error(history: str, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="unknown carrier"):
        export_records(history, tmp_path, Scope(carrier="QQ"))
    with pytest.raises(InputError, match="unknown manifest"):
        export_records(history, tmp_path, Scope(manifest_id="NOPE"))
    assert not list(tmp_path.glob("*.csv"))


def test_hit_notification_holds_only_what_is_needed(history: str) -> None:
    document = build_notification(history, Z303, "nld", issued_at="2026-11-20T06:00:00Z")
    jsonschema.validate(document, notification_schema())
    assert document["recipient_state"] == "NLD"
    assert [h["traveller_ref"] for h in document["hits"]] == ["P002", "P001"]  # CRITICAL first
    watch = document["hits"][1]
    assert watch == {
        "traveller_ref": "P001",
        "surname": "KOWALENKO",
        "given_names": "Wiktor",
        "date_of_birth": "1975-03-14",
        "nationality": "UKR",
        "document": {"type": "P", "number": "FT1234567", "issuing_state": "UKR"},
        "rule_id": "WATCHLIST_MATCH",
        "list_name": "NATIONAL-SAMPLE",
        "list_entry_id": "WL-0001",
        "score": 0.93,
        "reason": "Name, date of birth and document match WL-0001",
    }
    text = json.dumps(document)
    assert "Yilmaz" not in text and "embarkation" not in text and "seat" not in text
    again = build_notification(history, Z303, "NLD")
    assert again["notification_id"] == document["notification_id"]  # same hits, same id


def test_hit_notification_for_one_traveller_is_written_and_audited(history: str, tmp_path: Path) -> None:
    path = write_notification(history, Z303, "NLD", tmp_path / "n", traveller_refs=["P001"], actor="liaison")
    document = json.loads(path.read_text(encoding="utf-8"))
    assert path == tmp_path / "n" / "notifications" / f"{Z303}_NLD.json"
    assert [h["traveller_ref"] for h in document["hits"]] == ["P001"]
    (event,) = [e for e in audit_events(history) if e.action == "hit_notification"]
    assert event.actor == "liaison" and event.detail["recipient_state"] == "NLD"
    assert event.detail["traveller_refs"] == ["P001"] and "KOWALENKO" not in json.dumps(event.detail)


def test_notification_without_hits_is_refused(history: str, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no watchlist or lost/stolen document hits"):
        write_notification(history, Z202, "FRA", tmp_path)
    with pytest.raises(InputError, match="P004"):
        build_notification(history, Z303, "NLD", traveller_refs=["P004"])


def test_invalid_notification_names_the_field_not_the_value(history: str) -> None:
    from screening.report.notify import validate_notification

    document = build_notification(history, Z303, "NLD")
    document["hits"][0]["date_of_birth"] = "14/03/1975"
    document["hits"][0]["booking_ref"] = "SECRET1"
    with pytest.raises(InputError) as info:
        validate_notification(document)
    assert "$.hits[0]" in str(info.value) and "14/03/1975" not in str(info.value) and "SECRET1" not in str(info.value)


def test_csv_cells_cannot_become_formulas(history: str, tmp_path: Path) -> None:
    from screening.store.models import FlagRecord

    with session_scope(history) as session:
        flag = session.scalars(select(FlagRecord).where(FlagRecord.rule_id == "DOC_MISSING")).one()
        flag.explanation = '=HYPERLINK("http://evil.example","click")'
    (path,) = export_records(history, tmp_path, Scope(manifest_id=Z202), kinds=("flags",), actor="a")
    rows = {r["rule_id"]: r for r in csv.DictReader(path.open(encoding="utf-8"))}
    assert rows["DOC_MISSING"]["explanation"].startswith("'=HYPERLINK")


def test_carrier_supplied_ids_cannot_escape_the_reports_folder(tmp_path: Path) -> None:
    from screening.report.flight import flight_path

    path = flight_path(tmp_path, "../../etc/ZZ1-X")
    assert path.resolve().parent == (tmp_path / "flights").resolve() and not path.name.startswith(".")
