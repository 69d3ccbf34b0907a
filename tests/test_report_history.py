"""A small, known stored history shared by the report and export tests: two fortnights of manifests for
carriers ZZ and YY, inserted with the ORM so every expected number below can be counted by hand.

Current period 2026-11-16..30 (carrier ZZ): ZZ303 (watchlist hit + stolen document), ZZ202 (four breaches,
one late transmission). Previous period 2026-11-01..15: ZZ202 (visa breach, incomplete data) and ZZ777
(departs 2026-11-16 01:00+03:00, i.e. still 15 Nov in UTC). ZZ909 departs 1 Dec in UTC and is outside both.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from screening.store.db import get_engine, session_scope, upgrade_database
from screening.store.models import (
    FlagRecord,
    ManifestRecord,
    QuarantineEntry,
    SanctionRecord,
    TravellerRecord,
)

RULES = "rules-v2"
LISTS = "lists-2026-11"
NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
WL_PARTS = [
    {"feature": "name", "value": 0.91, "detail": "KOWALENKO WIKTOR ~ KOVALENKO VIKTOR (transliteration)"},
    {"feature": "date_of_birth", "value": 1.0, "detail": "1975-03-14 = 1975-03-14 (exact)"},
    {"feature": "nationality", "value": 1.0, "detail": "UKR = UKR"},
    {"feature": "document", "value": 1.0, "detail": "FT1234567 listed on the entry"},
]


def traveller(
    ref: str,
    surname: str,
    given: str,
    dob: str,
    nationality: str,
    document: str,
    embarkation: str = "",
    disembarkation: str = "",
) -> dict[str, Any]:
    return {
        "traveller_ref": ref,
        "traveller_type": "PAX",
        "surname": surname,
        "given_names": given,
        "date_of_birth": dob,
        "sex": "M",
        "nationality": nationality,
        "document_type": "P",
        "document_number": document,
        "document_issuing_state": nationality,
        "document_expiry": "2030-01-01",
        "embarkation": embarkation,
        "disembarkation": disembarkation,
    }


def manifest(
    mid: str,
    carrier: str,
    number: str,
    dep: str,
    arr: str,
    when: str,
    travellers: list[dict[str, Any]],
    transmitted: str | None = None,
) -> tuple[ManifestRecord, list[TravellerRecord]]:
    record = ManifestRecord(
        manifest_id=mid,
        carrier=carrier,
        flight_number=number,
        departure_airport=dep,
        arrival_airport=arr,
        scheduled_departure=when,
        scheduled_arrival=None,
        transmitted_at=transmitted,
        message_ref=None,
        message_type="CSV",
        declared_total=None,
        parts=1,
        source_file=f"{mid}.csv",
        travellers_in=len(travellers),
        travellers_screened=len(travellers),
        travellers_quarantined=0,
        last_run_id="run-1",
        rules_version=RULES,
        list_version=LISTS,
        screened_at=NOW,
        validation={},
    )
    rows = [TravellerRecord(manifest_id=mid, traveller_ref=t["traveller_ref"], data=t) for t in travellers]
    return record, rows


def flag(
    mid: str,
    carrier: str,
    number: str,
    ref: str,
    rule: str,
    flag_type: str,
    severity: str,
    explanation: str,
    *,
    score: float | None = None,
    entry: str = "",
    list_name: str = "",
    details: dict[str, Any] | None = None,
    rules_version: str = RULES,
) -> FlagRecord:
    key = f"{ref}|{rule}|{entry}|{rules_version}"
    return FlagRecord(
        manifest_id=mid,
        rules_version=rules_version,
        flag_key=key[:40],
        run_id="run-1",
        carrier=carrier,
        flight_number=number,
        traveller_ref=ref,
        flag_type=flag_type,
        rule_id=rule,
        severity=severity,
        score=score,
        watchlist_entry_id=entry,
        list_name=list_name,
        list_version=LISTS if list_name else "",
        explanation=explanation,
        details=details or {},
        created_at=NOW,
    )


def sanction(
    sid: str, mid: str, carrier: str, number: str, ref: str, rule: str, amount: float, status: str
) -> SanctionRecord:
    return SanctionRecord(
        sanction_id=sid,
        manifest_id=mid,
        carrier=carrier,
        flight_number=number,
        traveller_ref=ref,
        rule_id=rule,
        framework="EU_2001_51",
        amount=amount,
        currency="EUR",
        status=status,
        explanation=f"{rule} under EU_2001_51",
        rules_version=RULES,
        run_id="run-1",
        updated_at=NOW,
    )


_TEMPLATE: dict[str, Path] = {}


def build_history(tmp_path: Path) -> str:
    """A private copy of the store described in the module docstring; returns its database URL.
    The store is built once per test process and copied (migrations are the slow part)."""
    if "db" not in _TEMPLATE:
        folder = Path(tempfile.mkdtemp(prefix="report-history-"))
        atexit.register(shutil.rmtree, folder, True)
        populate(f"sqlite:///{folder / 'history.db'}")
        _TEMPLATE["db"] = folder / "history.db"
    target = tmp_path / "history.db"
    shutil.copyfile(_TEMPLATE["db"], target)
    return f"sqlite:///{target}"


def populate(url: str) -> None:
    """Migrate the database at `url` and insert the known history (works on SQLite and PostgreSQL)."""
    upgrade_database(url)
    z303, z202c, z202p, z777 = (
        "ZZ303-IST-20261120",
        "ZZ202-DXB-20261125",
        "ZZ202-DXB-20261105",
        "ZZ777-DXB-20261116",
    )
    records: list[Any] = []
    for m, rows in [
        manifest(
            z303,
            "ZZ",
            "303",
            "IST",
            "AMS",
            "2026-11-20T09:10:00+03:00",
            [
                traveller("P001", "KOWALENKO", "Wiktor", "1975-03-14", "UKR", "FT1234567", "IST", "AMS"),
                traveller("P002", "de Vries", "Sanne", "1992-06-18", "NLD", "NX12345K7", "IST", "AMS"),
                traveller("P003", "Yilmaz", "Mehmet", "1980-01-01", "TUR", "U12345678", "IST", "AMS"),
                traveller("P004", "Bakker", "Thomas", "1977-09-30", "NLD", "BK7654321", "IST", "AMS"),
            ],
            transmitted="2026-11-20T04:30:00Z",
        ),
        manifest(
            z202c,
            "ZZ",
            "202",
            "DXB",
            "CDG",
            "2026-11-25T02:40:00+04:00",
            [
                traveller("P001", "Haddad", "Karim", "1986-03-17", "LBN", "LR0012345", "DXB", "CDG"),
                traveller("P002", "Nasser", "Leila", "1993-08-05", "JOR", "", "DXB", "CDG"),
                traveller("P003", "Dubois", "Pierre", "1969-01-21", "FRA", "18AB12345", "DXB", "CDG"),
                traveller("P004", "Khan", "Imran Ali", "1990-10-10", "PAK", "AB1234567", "KHI", "CDG"),
            ],
            transmitted="2026-11-24T23:55:00Z",
        ),
        manifest(
            "YY500-LHR-20261118",
            "YY",
            "500",
            "LHR",
            "JFK",
            "2026-11-18T10:00:00+00:00",
            [traveller(f"Y{i}", "Person", "Any", "1980-01-01", "GBR", f"Y00{i}", "LHR", "JFK") for i in range(3)],
        ),
        manifest(
            z202p,
            "ZZ",
            "202",
            "DXB",
            "CDG",
            "2026-11-05T02:40:00+04:00",
            [
                traveller(f"P00{i}", "Traveller", "Some", "1985-01-01", "IND", f"Z00{i}", "DXB", "CDG")
                for i in range(1, 6)
            ],
        ),
        manifest(
            z777,
            "ZZ",
            "777",
            "DXB",
            "AMS",
            "2026-11-16T01:00:00+03:00",
            [
                traveller("P001", "AL-RASHIDI", "Abdul Karim", "1971-05-05", "SYR", "N1234567", "KBL", "AMS"),
                traveller("P002", "Other", "Person", "1990-02-02", "IND", "Z9999", "DXB", "AMS"),
            ],
        ),
        manifest(
            "ZZ909-JFK-20261130",
            "ZZ",
            "909",
            "JFK",
            "AMS",
            "2026-11-30T23:30:00-05:00",
            [traveller("P001", "Late", "Night", "1990-01-01", "USA", "U1", "JFK", "AMS")],
        ),
    ]:
        records += [m, *rows]
    records += [
        flag(
            z303,
            "ZZ",
            "303",
            "P001",
            "WATCHLIST_MATCH",
            "WATCHLIST",
            "HIGH",
            "Name, date of birth and document match WL-0001",
            score=0.93,
            entry="WL-0001",
            list_name="NATIONAL-SAMPLE",
            details={"parts": WL_PARTS, "category": "TERRORISM"},
        ),
        flag(
            z303,
            "ZZ",
            "303",
            "P002",
            "DOC_REPORTED_LOST_STOLEN",
            "DOCUMENT",
            "CRITICAL",
            "Document NLD NX12345K7 reported STOLEN on 2026-08-14",
            list_name="LOST-STOLEN",
        ),
        flag(
            z303,
            "ZZ",
            "303",
            "P003",
            "WATCHLIST_MATCH",
            "WATCHLIST",
            "HIGH",
            "stale flag of an old rule set",
            score=0.8,
            entry="WL-0003",
            list_name="NATIONAL-SAMPLE",
            rules_version="rules-v1",
        ),
        flag(z202c, "ZZ", "202", "P001", "DOC_EXPIRED", "OBLIGATION", "HIGH", "Passport expired 2026-11-24"),
        flag(z202c, "ZZ", "202", "P002", "DOC_MISSING", "OBLIGATION", "HIGH", "No travel document declared"),
        flag(
            z202c,
            "ZZ",
            "202",
            "P004",
            "DOC_VALIDITY_SHORT",
            "OBLIGATION",
            "MEDIUM",
            "Valid for 1 day after arrival",
        ),
        flag(
            z202c,
            "ZZ",
            "202",
            "",
            "API_LATE",
            "OBLIGATION",
            "MEDIUM",
            "Transmitted 5 minutes after the deadline",
        ),
        flag(
            z202p,
            "ZZ",
            "202",
            "P003",
            "VISA_REQUIRED_MISSING",
            "OBLIGATION",
            "HIGH",
            "IND needs a visa for FRA",
        ),
        flag(z202p, "ZZ", "202", "P005", "API_INCOMPLETE", "DATA_QUALITY", "LOW", "Document expiry missing"),
        flag(
            z777,
            "ZZ",
            "777",
            "P001",
            "WATCHLIST_MATCH",
            "WATCHLIST",
            "HIGH",
            "Name and year of birth match WL-0002",
            score=0.88,
            entry="WL-0002",
            list_name="NATIONAL-SAMPLE",
            details={"parts": [{"feature": "name", "value": 0.95, "detail": "AL-RASHIDI ABDUL KARIM"}]},
        ),
        sanction("S-1", z202c, "ZZ", "202", "P001", "DOC_EXPIRED", 5000, "CONFIRMED"),
        sanction("S-2", z202c, "ZZ", "202", "P002", "DOC_MISSING", 5000, "PROPOSED"),
        sanction("S-3", z202c, "ZZ", "202", "P004", "DOC_VALIDITY_SHORT", 3000, "WAIVED"),
        sanction("S-4", z202c, "ZZ", "202", "", "API_LATE", 2000, "PROPOSED"),
        sanction("S-5", z202p, "ZZ", "202", "P003", "VISA_REQUIRED_MISSING", 5000, "CONFIRMED"),
    ]
    records.append(
        QuarantineEntry(
            run_id="run-1",
            source_file=f"{z303}.csv",
            record_ref="6",
            reason_code="NO_NAME",
            message="line 6: traveller P005 has no surname; cannot be screened",
            raw="ZZ,303,IST,AMS,...,P005,,RAWSECRET,1980-01-01",
            travellers=1,
            created_at=NOW,
        )
    )
    with session_scope(url) as session:
        session.add_all(records)
    get_engine(url).dispose()  # on SQLite: closes the WAL so the single file holds everything


def test_history_builds_and_holds_six_manifests(tmp_path: Path) -> None:
    from sqlalchemy import func, select

    url = build_history(tmp_path)
    with session_scope(url) as session:
        assert session.scalar(select(func.count()).select_from(ManifestRecord)) == 6
