"""Explanations are true and backtests are the live pipeline: the samples, the shared PAXLST messages and
generated manifests are screened into a store; then for every traveller `rules explain` must give FLAGGED
exactly for the rules the pipeline flagged, and a backtest of the live rules over the store must give the
very flags and sanctions the pipeline stored."""

from __future__ import annotations

import csv
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from screening.pipeline import load_context, screen_files
from screening.resources import shared_data_dir
from screening.rules import load_ruleset
from screening.rules.backtest import compare, run_rules
from screening.rules.explain import explain_traveller
from screening.rules.history import load_history
from screening.rules.registry import OUTCOMES, RULES
from screening.store.db import session_scope
from screening.store.models import FlagRecord, SanctionRecord

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "data" / "samples"
RULES_DIR = REPO / "rules"
SHARED = shared_data_dir() / "messages"
SHARED_PAXLST = [
    "gtas/apisMessage.txt",
    "gtas/airline2.edi",
    "gtas/multiple_flight_leg_apis.txt",
    "gtas/Test1.txt",
    "gtas/Test3.txt",
    "paxlst_misc/ediclean_A_original.txt",
    "paxlst_misc/iata_mig_example_5_1_via_jetway.edi",
    "paxlst_misc/iata_mig_example_5_3_via_jetway.edi",
]
NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module", autouse=True)
def _no_gx_audit():
    """Flags never depend on the Great Expectations audit run; skipping it keeps generated runs quick."""
    mp = pytest.MonkeyPatch()
    mp.setenv("SCREENING_VALIDATE_GX", "0")
    yield
    mp.undo()


@pytest.fixture(scope="module")
def context():
    return load_context(
        [SAMPLES / "lists" / "watchlist.csv"], [SAMPLES / "lists" / "lost_stolen_documents.csv"], RULES_DIR
    )


def _screen(paths: list[Path], ctx, tmp: Path) -> str:
    url = f"sqlite:///{tmp / 'store.db'}"
    screen_files(paths, ctx, tmp / "out", database_url=url, now=NOW)
    return url


def _stored(url: str) -> tuple[Counter, dict[str, tuple[str, float]]]:
    with session_scope(url) as session:
        flags = Counter((f.manifest_id, f.traveller_ref, f.rule_id) for f in session.scalars(select(FlagRecord)))
        sanctions = {s.sanction_id: (s.status, s.amount) for s in session.scalars(select(SanctionRecord))}
    return flags, sanctions


def assert_explain_agrees(url: str) -> int:
    """Every traveller of the store: explain's FLAGGED set == the rules the pipeline flagged for it (or its
    manifest); every other outcome is one of the defined outcomes with a reason. Returns travellers checked."""
    ruleset = load_ruleset(RULES_DIR)
    history = load_history(url)
    flags, sanctions = _stored(url)
    by_traveller: dict[tuple[str, str], set[str]] = {}
    for manifest_id, ref, rule_id in flags:
        by_traveller.setdefault((manifest_id, ref), set()).add(rule_id)
    checked = 0
    screened = {
        (m, r)
        for m, r in history.travellers[["manifest_id", "traveller_ref"]].itertuples(index=False)
        if isinstance(r, str) and r
    }
    quarantined_flagged = {(m, r) for (m, r) in by_traveller if r and (m, r) not in screened}
    for manifest_id, ref in sorted(screened | quarantined_flagged):
        result = explain_traveller(
            history.travellers, manifest_id, ref, ruleset, carried=history.carried, stages_known=history.stages_known
        )
        flagged = {o.rule_id for o in result.outcomes if o.outcome == "FLAGGED"}
        expected = by_traveller.get((manifest_id, ref), set()) | by_traveller.get((manifest_id, ""), set())
        assert flagged == expected & set(RULES), (manifest_id, ref, flagged, expected)
        assert {o.rule_id for o in result.outcomes} == set(RULES)
        assert all(o.outcome in OUTCOMES and o.explanation for o in result.outcomes)
        # explain's sanctions are the stored ones of this traveller and of its manifest
        mine = {s["sanction_id"]: (s["status"], s["amount"]) for s in result.sanctions}
        assert all(sanctions.get(sid) == value for sid, value in mine.items()), (manifest_id, ref)
        checked += 1
    return checked


def assert_backtest_is_live(url: str) -> None:
    ruleset = load_ruleset(RULES_DIR)
    history = load_history(url)
    outcome = run_rules(history.travellers, ruleset, history.carried)
    flags, sanctions = _stored(url)
    got = Counter(
        zip(
            outcome.flags["manifest_id"],
            outcome.flags["traveller_ref"].fillna(""),
            outcome.flags["rule_id"],
            strict=True,
        )
    )
    assert got == flags
    assert (
        dict(
            zip(
                outcome.sanctions["sanction_id"],
                zip(outcome.sanctions["status"], outcome.sanctions["amount"], strict=True),
                strict=True,
            )
        )
        == sanctions
    )
    same = compare(history.travellers, ruleset, ruleset, carried=history.carried)
    assert same.changed.empty


def test_samples_explain_and_backtest_agree_with_the_pipeline(context, tmp_path: Path) -> None:
    paths = sorted(SAMPLES.glob("*.csv")) + sorted(SAMPLES.glob("*.edi"))
    url = _screen(paths, context, tmp_path)
    assert assert_explain_agrees(url) >= 15
    assert_backtest_is_live(url)
    # the live run proposes EUR 35,000 on the samples; the backtest baseline shows the same
    result = compare(
        load_history(url).travellers,
        load_ruleset(RULES_DIR),
        load_ruleset(RULES_DIR),
        carried=load_history(url).carried,
    )
    live = sum(amount for status, amount in _stored(url)[1].values() if status != "WAIVED")
    assert result.sanctions_by_rule["amount_baseline"].sum() == live == 35000


@pytest.mark.shared
@pytest.mark.skipif(not SHARED.is_dir(), reason=f"{SHARED} absent (shared sample data lives beside the checkout)")
def test_shared_messages_explain_and_backtest_agree(context, tmp_path: Path) -> None:
    paths = [SHARED / name for name in SHARED_PAXLST if (SHARED / name).exists()]
    url = _screen(paths, context, tmp_path)
    assert assert_explain_agrees(url) > 0
    assert_backtest_is_live(url)


HEADER = [
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
ROUTES = [("JFK", "FRA"), ("DXB", "CDG"), ("JFK", "LHR"), ("CDG", "YYZ"), ("SIN", "SYD"), ("FRA", "JFK")]
traveller = st.fixed_dictionaries(
    {
        "traveller_type": st.sampled_from(["PAX", "PAX", "CREW"]),
        "surname": st.sampled_from(["Haddad", "Nasser", "Smith", ""]),
        "nationality": st.sampled_from(["LBN", "JOR", "USA", "D", "FRA", "GBR", "AFG", ""]),
        "document_type": st.sampled_from(["P", "P", "I", ""]),
        "expiry_days": st.one_of(st.none(), st.integers(-30, 400)),
        "visa": st.booleans(),
    }
)


@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
    phases=[Phase.explicit, Phase.generate],
)
@given(
    route=st.sampled_from(ROUTES),
    late_minutes=st.integers(-240, 300),
    people=st.lists(traveller, min_size=1, max_size=5),
)
def test_generated_manifests_explain_and_backtest_agree(context, tmp_path_factory, route, late_minutes, people) -> None:
    tmp = tmp_path_factory.mktemp("gen")
    departure = datetime(2026, 12, 5, 10, 0, tzinfo=UTC)
    arrival = departure + timedelta(hours=8)
    rows = []
    for i, p in enumerate(people, start=1):
        expiry = "" if p["expiry_days"] is None else (arrival.date() + timedelta(days=p["expiry_days"])).isoformat()
        rows.append(
            {
                "carrier": "QQ",
                "flight_number": "77",
                "departure_airport": route[0],
                "arrival_airport": route[1],
                "scheduled_departure": departure.isoformat(),
                "scheduled_arrival": arrival.isoformat(),
                "transmitted_at": (departure + timedelta(minutes=late_minutes)).isoformat(),
                "traveller_type": p["traveller_type"],
                "traveller_ref": f"T{i}",
                "surname": p["surname"],
                "given_names": "Ann",
                "date_of_birth": "1980-01-01",
                "sex": "F",
                "nationality": p["nationality"],
                "document_type": p["document_type"],
                "document_number": f"X{i}00000" if p["document_type"] else "",
                "document_issuing_state": p["nationality"],
                "document_expiry": expiry,
                "visa_number": f"V{i}" if p["visa"] else "",
                "visa_issuing_state": "FRA" if p["visa"] else "",
                "visa_expiry": "2027-06-01" if p["visa"] else "",
                "embarkation": route[0],
                "disembarkation": route[1],
                "booking_ref": "",
                "seat": "",
            }
        )
    path = tmp / "manifest_QQ77.csv"
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, HEADER)
        writer.writeheader()
        writer.writerows(rows)
    url = _screen([path], context, tmp)
    assert_explain_agrees(url)
    assert_backtest_is_live(url)
