"""Benchmark: how long the workspace's alert page takes to render on a store holding 1,000,000 travellers,
against the same page on a store of 1,000 travellers measured in the same run (the ratio says whether the
page's cost grows with the store; absolute times are noisy on a shared machine).

    .venv/bin/python benchmarks/bench_web.py [--travellers 1000000] [--pages 50] [--database-url URL] [--keep DIR]

The store is synthetic (made here, deterministic seed), filled with bulk inserts: 200 travellers per
flight, one watchlist hit against an entry of data/samples/lists/watchlist.csv on every 20th flight and
a few obligation flags, and false-positive decisions on a tenth of the hits (so the decision look-ups do
real work). Each request is a real HTTP request through the app (TestClient): login, access checks, the
queries, the Jinja2 rendering and the audit row each view writes."""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
WATCHLIST = REPO / "data" / "samples" / "lists" / "watchlist.csv"
PER_FLIGHT = 200
HIT_EVERY = 20  # flights
RULES = "bench-rules"
PASSWORD = "benchmark password"
SURNAMES = ["MUELLER", "SMITH", "GARCIA", "KOWALSKI", "NOVAK", "ROSSI", "DUBOIS", "JANSEN", "SILVA", "YILMAZ"]
GIVEN = ["ANNA", "JOHN", "MARIA", "PETER", "SOFIA", "LUCAS", "EMMA", "NOAH", "MIA", "LEON"]
NATIONS = ["D", "GBR", "FRA", "ESP", "POL", "CZE", "ITA", "NLD", "PRT", "TUR"]


def populate(url: str, travellers: int, seed: int = 7) -> dict[str, Any]:
    """Fill an empty store with `travellers` travellers; returns the ids of the hit flags."""
    from sqlalchemy import insert, select

    from screening.store.db import session_scope, upgrade_database
    from screening.store.models import AlertDecision, FlagRecord, ManifestRecord, TravellerRecord
    from screening.web.accounts import add_user
    from screening.web.clearances import identity_key, person_hash
    from screening.web.listed import remember_lists

    rng = random.Random(seed)
    upgrade_database(url)
    now = datetime(2026, 11, 20, tzinfo=UTC)
    flights = max(1, travellers // PER_FLIGHT)
    with session_scope(url) as session:
        add_user(session, "bench-officer", "officer", [], PASSWORD)
        list_version = remember_lists(session, [WATCHLIST])
        entries = ["WL-0001", "WL-0002", "WL-0003"]
        snapshot_hashes = {}
        from screening.store.models import ListedEntrySnapshot

        query = select(ListedEntrySnapshot).where(ListedEntrySnapshot.list_version == list_version)
        for snap in session.scalars(query):
            snapshot_hashes[snap.entry_id] = snap.entry_hash
    made = 0
    batch_travellers: list[dict[str, Any]] = []
    batch_manifests: list[dict[str, Any]] = []
    batch_flags: list[dict[str, Any]] = []
    decisions: list[dict[str, Any]] = []

    def flush() -> None:
        with session_scope(url) as session:
            if batch_manifests:
                session.execute(insert(ManifestRecord), batch_manifests)
            if batch_travellers:
                session.execute(insert(TravellerRecord), batch_travellers)
            if batch_flags:
                session.execute(insert(FlagRecord), batch_flags)
        batch_manifests.clear()
        batch_travellers.clear()
        batch_flags.clear()

    for number in range(flights):
        carrier = f"C{number % 40:02d}"
        manifest_id = f"{carrier}{number:06d}-FRA-{number:08d}"
        day = 1 + number % 28
        batch_manifests.append(
            dict(
                manifest_id=manifest_id,
                carrier=carrier,
                flight_number=str(number % 9000 + 100),
                departure_airport="FRA",
                arrival_airport="AMS",
                scheduled_departure=f"2026-11-{day:02d}T08:00:00+01:00",
                scheduled_arrival=None,
                transmitted_at=None,
                message_ref=None,
                message_type="CSV",
                declared_total=None,
                parts=1,
                source_file="bench.csv",
                travellers_in=PER_FLIGHT,
                travellers_screened=PER_FLIGHT,
                travellers_quarantined=0,
                last_run_id="bench",
                rules_version=RULES,
                list_version=list_version,
                screened_at=now,
                validation={},
            )
        )
        for i in range(PER_FLIGHT):
            data = {
                "traveller_ref": f"P{i:03d}",
                "traveller_type": "PAX",
                "surname": rng.choice(SURNAMES),
                "given_names": rng.choice(GIVEN),
                "date_of_birth": f"19{rng.randint(40, 99)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}",
                "sex": rng.choice("MF"),
                "nationality": rng.choice(NATIONS),
                "document_type": "P",
                "document_number": f"X{rng.randint(10**7, 10**8 - 1)}",
                "document_issuing_state": rng.choice(NATIONS),
                "document_expiry": "2031-01-01",
                "embarkation": "FRA",
                "disembarkation": "AMS",
            }
            batch_travellers.append(
                {
                    "manifest_id": manifest_id,
                    "traveller_ref": data["traveller_ref"],
                    "data": data,
                    "pseudonymised_at": None,
                }
            )
            if number % HIT_EVERY == 0 and i == 7:
                entry = entries[number // HIT_EVERY % len(entries)]
                key = f"{number:032x}"[:40]
                batch_flags.append(
                    dict(
                        manifest_id=manifest_id,
                        rules_version=RULES,
                        flag_key=key,
                        run_id="bench",
                        carrier=carrier,
                        flight_number=str(number % 9000 + 100),
                        traveller_ref=data["traveller_ref"],
                        flag_type="WATCHLIST",
                        rule_id="WATCHLIST_MATCH",
                        severity="HIGH",
                        score=round(0.8 + rng.random() * 0.2, 4),
                        watchlist_entry_id=entry,
                        list_name="NATIONAL-SAMPLE",
                        list_version=list_version,
                        explanation=f"name similar to {entry}",
                        details={
                            "parts": [
                                {"feature": "name", "value": 0.9, "detail": "name 0.90"},
                                {"feature": "date_of_birth", "value": -0.1, "detail": "differs"},
                            ],
                            "category": "SAMPLE",
                        },
                        created_at=now,
                    )
                )
                if number % (HIT_EVERY * 10) == 0:
                    decisions.append(
                        dict(
                            manifest_id=manifest_id,
                            flag_key=key,
                            traveller_ref=data["traveller_ref"],
                            rule_id="WATCHLIST_MATCH",
                            list_name="NATIONAL-SAMPLE",
                            watchlist_entry_id=entry,
                            identity_key=identity_key(data),
                            person_hash=person_hash(data),
                            entry_hash=snapshot_hashes[entry],
                            decision="FALSE_POSITIVE",
                            note="bench",
                            actor="bench",
                            decided_at=now,
                        )
                    )
            if i in (11, 12) and number % 3 == 0:
                batch_flags.append(
                    dict(
                        manifest_id=manifest_id,
                        rules_version=RULES,
                        flag_key=f"o{number:020d}{i:03d}",
                        run_id="bench",
                        carrier=carrier,
                        flight_number=str(number % 9000 + 100),
                        traveller_ref=data["traveller_ref"],
                        flag_type="OBLIGATION",
                        rule_id="DOC_MISSING",
                        severity="MEDIUM",
                        score=None,
                        watchlist_entry_id="",
                        list_name="",
                        list_version="",
                        explanation="no travel document",
                        details={},
                        created_at=now,
                    )
                )
            made += 1
        if len(batch_travellers) >= 20_000:
            flush()
    flush()
    with session_scope(url) as session:
        if decisions:
            session.execute(insert(AlertDecision), decisions)
        hits = list(session.scalars(select(FlagRecord.id).where(FlagRecord.flag_type == "WATCHLIST")))
    return {"travellers": made, "flights": flights, "hits": hits}


def time_pages(url: str, tmp: Path, hits: list[int], pages: int, seed: int = 11) -> tuple[list[float], list[float]]:
    """Seconds per GET /alerts/{id} over `pages` random hits (after one warm-up request), and per GET
    /alerts?status=all (the whole queue) over five requests."""
    from fastapi.testclient import TestClient

    from screening.web import WebConfig, create_app
    from screening.web.sessions import SessionSettings

    app = create_app(WebConfig(url, SessionSettings("bench-" + "k" * 40), tmp / "reports", []))
    client = TestClient(app)
    assert client.post("/api/session", json={"name": "bench-officer", "password": PASSWORD}).status_code == 200
    rng = random.Random(seed)
    chosen = [rng.choice(hits) for _ in range(pages)]
    assert client.get(f"/alerts/{chosen[0]}").status_code == 200
    times = []
    for alert_id in chosen:
        started = time.perf_counter()
        response = client.get(f"/alerts/{alert_id}")
        times.append(time.perf_counter() - started)
        assert response.status_code == 200 and "Traveller beside the listed person" in response.text
    queue = []
    for _ in range(5):
        started = time.perf_counter()
        response = client.get("/alerts?status=all")
        queue.append(time.perf_counter() - started)
        assert response.status_code == 200 and "data-alert-id" in response.text
    return times, queue


def summary(label: str, times: list[float]) -> str:
    ordered = sorted(times)
    p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)]
    return (
        f"{label}: median {statistics.median(times) * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms, "
        f"max {max(times) * 1000:.1f} ms over {len(times)} pages"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--travellers", type=int, default=1_000_000)
    parser.add_argument("--pages", type=int, default=50)
    parser.add_argument("--database-url", help="store to fill (must be empty; default: SQLite in a temp dir)")
    parser.add_argument("--keep", type=Path, help="keep the SQLite stores in this folder")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench_web_"))
    try:
        small_url = f"sqlite:///{tmp / 'small.db'}"
        small = populate(small_url, 1_000)
        small_times, small_queue = time_pages(small_url, tmp, small["hits"], args.pages)
        big_url = args.database_url or f"sqlite:///{tmp / 'big.db'}"
        started = time.perf_counter()
        big = populate(big_url, args.travellers)
        fill = time.perf_counter() - started
        print(
            f"store: {big['travellers']:,} travellers, {big['flights']:,} flights, {len(big['hits']):,} watchlist "
            f"hits, filled in {fill:.0f} s ({big_url.split(':')[0]})"
        )
        big_times, big_queue = time_pages(big_url, tmp, big["hits"], args.pages)
        print(summary(f"alert page, {small['travellers']:,} travellers (reference)", small_times))
        print(summary(f"alert page, {big['travellers']:,} travellers", big_times))
        print(summary(f"alert queue ({len(small['hits'])} hits), {small['travellers']:,} travellers", small_queue))
        print(summary(f"alert queue ({len(big['hits'])} hits), {big['travellers']:,} travellers", big_queue))
        ratio = statistics.median(big_times) / statistics.median(small_times)
        print(f"ratio of medians (big / reference): {ratio:.2f}")
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
            for name in ("small.db", "big.db"):
                if (tmp / name).exists():
                    shutil.copy(tmp / name, args.keep / name)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
