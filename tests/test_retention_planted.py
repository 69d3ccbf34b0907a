"""Planted values: distinctive names, document numbers, addresses, phones and booking references go in through
every input path (CSV, JSON with extras, PAXLST, a quarantined row, an unreadable file, a multi-part set, one
part left waiting) and out through every output (flags, sanctions, flight reports, exports, notifications),
the way the manifest_screening DAG runs its stages. Retention then runs with the clock past each period, and
every file under the data dir and every text column of the store is scanned: nothing may be left."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from sqlalchemy import JSON, String, Text, select
from sqlalchemy import text as sql

from screening.dag_support import land_and_select, resolve_run_config, run_in_process
from screening.personal_data import file_place
from screening.report.exports import Scope, export_records
from screening.report.notify import write_notification
from screening.retention import apply_retention, load_retention_policy
from screening.store.db import get_engine, session_scope
from screening.store.models import AuditEvent, Base

FLIGHT = ["ZZ", "771", "IST", "AMS", "2026-12-04T09:10:00+03:00", "2026-12-04T11:55:00+01:00", "2026-12-04T04:30:00Z"]
# traveller_ref, surname, given_names, date_of_birth, sex, nationality, doc type, number, state, expiry,
# booking_ref, seat
CSV_TRAVELLERS = {
    "watchlist hit": [
        "W1",
        "VRZOLAKOVA",
        "JARMILA",
        "1966-04-02",
        "F",
        "CZE",
        "P",
        "QP7731904",
        "CZE",
        "2031-01-01",
        "BKWQZ71",
        "31K",
    ],
    "stolen passport": [
        "S1",
        "HALVORSENIUS",
        "OSWINDRA",
        "1979-08-21",
        "F",
        "NLD",
        "P",
        "LS9047261",
        "NLD",
        "2031-01-01",
        "BKSTL52",
        "12C",
    ],
    "expired passport": [
        "E1",
        "PENDRAGOSZ",
        "ULRIKETTA",
        "1988-11-05",
        "F",
        "LBN",
        "P",
        "EX5518302",
        "LBN",
        "2020-01-01",
        "BKEXP63",
        "14D",
    ],
    "clean": [
        "C1",
        "MARROWYNDE",
        "BELPHINA",
        "1991-02-17",
        "F",
        "NLD",
        "P",
        "CL6620931",
        "NLD",
        "2031-01-01",
        "BKCLN44",
        "20A",
    ],
    "quarantined row": [
        "Q1",
        "",
        "TIBURCINE",
        "1993-03-09",
        "F",
        "NLD",
        "P",
        "QR4471958",
        "NLD",
        "2031-01-01",
        "BKQRN85",
        "21B",
    ],
}
# flagged travellers, kept for the longer period (the row without a surname is a carrier breach: API_INCOMPLETE)
FLAGGED = ("watchlist hit", "stolen passport", "expired passport", "quarantined row")
JSON_TRAVELLER = {
    "traveller_ref": "J1",
    "surname": "OSTRAVECKY",
    "given_names": "FILIGRANA",
    "date_of_birth": "1985-07-30",
    "sex": "F",
    "nationality": "NLD",
    "document_type": "P",
    "document_number": "JS8830417",
    "document_issuing_state": "NLD",
    "document_expiry": "2031-01-01",
    "booking_ref": "BKJSN96",
    "seat": "22C",
    "address": "17 QUILLWAVERN STREET",
    "phone": "+31 6 48829317",
}
PAXLST_NAMES = {
    "paxlst": ("GRUNDVELKA", "AMBROSINE", "PX6610382"),
    "multipart": ("TEMBLORIUS", "CASPARINE", "MP2294713"),
    "waiting part": ("SOLVANGRUD", "DELPHINETTE", "WP5528106"),
}
UNREADABLE = "UNREADQUILLON"


def _planted() -> dict[str, list[str]]:
    """Whose values (a traveller's name -> the strings that must disappear)."""
    values = {who: [row[1], row[2], row[7], row[10]] for who, row in CSV_TRAVELLERS.items()}
    values["quarantined row"].remove("")
    values["watchlist hit"].remove("JARMILA")  # the list's own entry has this given name (list data, not hers)
    values["json"] = [JSON_TRAVELLER[k] for k in ("surname", "given_names", "document_number", "booking_ref")] + [
        "QUILLWAVERN",
        "48829317",
    ]
    values.update({who: list(names) for who, names in PAXLST_NAMES.items()})
    values["unreadable file"] = [UNREADABLE]
    return values


def _csv_manifest() -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(
        [
            "carrier",
            "flight_number",
            "departure_airport",
            "arrival_airport",
            "scheduled_departure",
            "scheduled_arrival",
            "transmitted_at",
            "traveller_type",
            "traveller_ref",
            "surname",
            "given_names",
            "date_of_birth",
            "sex",
            "nationality",
            "document_type",
            "document_number",
            "document_issuing_state",
            "document_expiry",
            "visa_number",
            "visa_issuing_state",
            "visa_expiry",
            "embarkation",
            "disembarkation",
            "booking_ref",
            "seat",
        ]
    )
    for row in CSV_TRAVELLERS.values():
        writer.writerow([*FLIGHT, "PAX", *row[:10], "", "", "", "IST", "AMS", row[10], row[11]])
    return buffer.getvalue()


def _paxlst(ref: str, part: str, names: list[tuple[str, str, str]], flight: str = "ZZ772", total: int = 1) -> str:
    header = ["UNA:+.? '", f"UNB+UNOA:4+ZZAIRLINE+NLBORDER+261204:0500+{ref}'"]
    body = [
        f"UNH+{ref}+PAXLST:D:05B:UN:IATA+{flight}/041204/0910+{part}'",
        "BGM+745'",
        f"TDT+20+{flight}+++ZZ'",
        "LOC+125+IST'",
        "DTM+189:2612040910:201'",
        "LOC+87+AMS'",
        "DTM+232:2612041155:201'",
    ]
    for index, (surname, given, document) in enumerate(names, 1):
        body += [
            f"NAD+FL+++{surname}:{given}'",
            "ATT+2++F'",
            "DTM+329:870412'",
            "NAT+2+NLD'",
            f"RFF+AVF:BK{ref}{index}'",
            f"RFF+ABO:{ref}{index}'",
            f"DOC+P+{document}'",
            "DTM+36:310101'",
            "LOC+91+NLD'",
        ]
    body += [f"CNT+42:{total}'"]
    return "\n".join([*header, *body, f"UNT+{len(body) + 1}+{ref}'", f"UNZ+1+{ref}'"]) + "\n"


def _deliver(intake: Path, lists: Path) -> None:
    intake.mkdir(parents=True, exist_ok=True)
    (intake / "zz771.csv").write_text(_csv_manifest(), encoding="utf-8")
    flight = dict(
        zip(
            [
                "carrier",
                "flight_number",
                "departure_airport",
                "arrival_airport",
                "scheduled_departure",
                "scheduled_arrival",
                "transmitted_at",
            ],
            FLIGHT,
            strict=True,
        )
    )
    (intake / "zz773.json").write_text(
        json.dumps({**flight, "flight_number": "773", "travellers": [JSON_TRAVELLER]}), encoding="utf-8"
    )
    (intake / "zz772.edi").write_text(_paxlst("PX1", "01:F", [PAXLST_NAMES["paxlst"]]), encoding="utf-8")
    one, two = PAXLST_NAMES["multipart"], ("TEMBLORIUS", "CASPARINE", "MP2294714")
    (intake / "zz774_1.edi").write_text(_paxlst("MA1", "01:C", [one], "ZZ774", 2), encoding="utf-8")
    (intake / "zz774_2.edi").write_text(_paxlst("MA2", "02:F", [two], "ZZ774", 2), encoding="utf-8")
    (intake / "zz775_1.edi").write_text(
        _paxlst("MW1", "01:C", [PAXLST_NAMES["waiting part"]], "ZZ775", 2), encoding="utf-8"
    )
    (intake / "broken.csv").write_bytes(b"\xff\xfe\x00" + UNREADABLE.encode() + b"\x00\xff")
    lists.mkdir(parents=True, exist_ok=True)
    (lists / "watchlist.csv").write_text(
        "entry_id,list_name,surname,given_names,full_name,aliases,date_of_birth,nationality,sex,document_numbers,"
        "category,reason\nWL-9001,TEST,VRZOLAK,JARMILA,JARMILA VRZOLAK,,1966-04-02,CZE,F,,TERRORISM,test\n",
        encoding="utf-8",
    )
    (lists / "registry.csv").write_text(
        "document_number,issuing_state,document_type,reported_at,status\nLS9047261,NLD,P,2026-01-20,STOLEN\n",
        encoding="utf-8",
    )


def _run_like_the_dag(cfg: dict) -> None:
    """The manifest_screening DAG's stages in order, without Airflow (same functions, same folders)."""
    run_in_process(cfg, land_and_select(cfg))


def _file_text(path: Path) -> str:
    if path.suffix == ".parquet":
        return json.dumps(pq.read_table(path).to_pylist(), default=str)
    return path.read_bytes().decode("utf-8", "replace")


def scan(data_dir: Path, database_url: str, planted: dict[str, list[str]]) -> dict[str, dict[str, int]]:
    """Occurrences of each person's planted values per place: files by inventory entry, store by column."""
    found: dict[str, dict[str, int]] = {}

    def count(place: str, text: str) -> None:
        upper = text.upper()
        for who, values in planted.items():
            hits = sum(upper.count(v.upper()) for v in values)
            if hits:
                found.setdefault(who, {})
                found[who][place] = found[who].get(place, 0) + hits

    for path in sorted(p for p in data_dir.rglob("*") if p.is_file()):
        relative = path.relative_to(data_dir).as_posix()
        place = file_place(relative)
        assert place is not None, f"{relative} is in no personal-data inventory entry"
        count(place.where, _file_text(path))
    with session_scope(database_url) as session:
        for table in Base.metadata.sorted_tables:
            for column in table.columns:
                if isinstance(column.type, String | Text | JSON):
                    cast = f"CAST({column.name} AS TEXT)"
                    for (value,) in session.execute(sql(f"SELECT {cast} FROM {table.name}")):  # noqa: S608
                        if value:
                            count(f"{table.name}.{column.name}", value)
    return found


def _plant_and_screen(data_dir: Path, database_url: str, tmp_path: Path, monkeypatch) -> None:
    lists = tmp_path / "lists"
    monkeypatch.setenv("SCREENING_DATA_DIR", str(data_dir))
    monkeypatch.setenv("SCREENING_DATABASE_URL", database_url)
    monkeypatch.setenv("SCREENING_WATCHLISTS", str(lists / "watchlist.csv"))
    monkeypatch.setenv("SCREENING_REGISTRIES", str(lists / "registry.csv"))
    monkeypatch.setenv("SCREENING_VALIDATE_GX", "0")
    monkeypatch.delenv("SCREENING_PSEUDONYM_KEY", raising=False)
    _deliver(data_dir / "intake", lists)
    cfg = resolve_run_config({}, "manual__planted")
    _run_like_the_dag(cfg)
    with session_scope(database_url) as session:
        manifests = [m for (m,) in session.execute(sql("SELECT manifest_id FROM manifests"))]
    manifest = next(m for m in manifests if "771" in m)
    export_records(database_url, data_dir / "reports" / "exports", Scope(manifest_id=manifest), actor="officer1")
    export_records(database_url, tmp_path / "elsewhere", Scope(manifest_id=manifest), fmt="json", actor="officer1")
    write_notification(database_url, manifest, "NLD", data_dir / "reports", actor="officer1")


def _check(data_dir: Path, database_url: str, tmp_path: Path, monkeypatch, capsys) -> None:
    _plant_and_screen(data_dir, database_url, tmp_path, monkeypatch)
    planted = _planted()
    before = scan(data_dir, database_url, planted)
    elsewhere = tmp_path / "elsewhere"
    assert set(before) == set(planted), f"not every input path was exercised: {set(planted) - set(before)}"
    assert before["stolen passport"].get("reports/notifications/") and before["clean"].get("travellers.data")
    with session_scope(database_url) as session:
        sanctioned = {r for (r,) in session.execute(sql("SELECT traveller_ref FROM sanctions"))}
    assert "E1" in sanctioned
    assert before["waiting part"].get("multipart/sets/") and before["unreadable file"].get("quarantine/")
    assert any(elsewhere.iterdir())
    policy = load_retention_policy(Path(__file__).resolve().parents[1] / "rules")
    now = datetime.now(UTC)

    two_days = apply_retention(database_url, data_dir, policy, now + timedelta(days=2))
    after_days = scan(data_dir, database_url, planted)
    unflagged = [w for w in planted if w not in FLAGGED and w != "unreadable file"]
    assert {w: after_days[w] for w in unflagged if w in after_days} == {}
    # a quarantined file's text is kept 30 days for correction requests, in the store and quarantine/ only
    assert set(after_days["unreadable file"]) <= {"quarantine/", "quarantine.raw", "screening.db"}
    assert all(after_days.get(w) for w in FLAGGED), "flagged travellers are kept for their (longer) period"
    assert any(elsewhere.iterdir()), "an export of flagged travellers stays for their period"

    two_years = apply_retention(database_url, data_dir, policy, now + timedelta(days=730))
    after_years = scan(data_dir, database_url, planted)
    assert after_years == {}
    assert not any(elsewhere.iterdir()), "an export written outside the data dir is found through its audit event"
    with session_scope(database_url) as session:
        events = session.scalars(select(AuditEvent).where(AuditEvent.action == "personal_data_removed")).all()
    assert [e.detail.get("travellers_pseudonymised", 0) for e in events] == [
        two_days.travellers_pseudonymised,
        two_years.travellers_pseudonymised,
    ]
    with capsys.disabled():
        print(f"\nplanted-value scan ({database_url.split(':')[0]}), occurrences per place:")
        for label, result in (("before", before), ("+2 days", after_days), ("+2 years", after_years)):
            print(f"  {label}: {json.dumps(result, sort_keys=True) if result else 'none'}")
        print(f"  retention +2 days: {two_days.as_dict()}")
        print(f"  retention +2 years: {two_years.as_dict()}")


def test_planted_values_are_gone_after_each_period_sqlite(tmp_path, monkeypatch, capsys):
    data_dir = tmp_path / "data"
    _check(data_dir, f"sqlite:///{data_dir / 'screening.db'}", tmp_path, monkeypatch, capsys)


@pytest.mark.postgres
def test_planted_values_are_gone_after_each_period_postgres(tmp_path, monkeypatch, capsys, postgres_url):
    _check(tmp_path / "data", postgres_url, tmp_path, monkeypatch, capsys)
    get_engine(postgres_url).dispose()
