"""Reports over a store filled by the real pipeline from data/samples: the reports must agree with the
run's own flags.csv and sanctions.csv, whatever the rules currently say."""

from __future__ import annotations

import csv
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from screening.report import write_flight_report
from screening.report.carrier import carrier_view
from screening.report.exports import Scope, export_records
from screening.report.flight import flight_view
from screening.report.notify import build_notification
from screening.report.queries import Period, read_session

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "data" / "samples"


@pytest.fixture(scope="module")
def screened(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    from screening.pipeline import load_context, screen_files

    folder = tmp_path_factory.mktemp("e2e")
    url = f"sqlite:///{folder / 'screening.db'}"
    ctx = load_context(
        [SAMPLES / "lists" / "watchlist.csv"],
        [SAMPLES / "lists" / "lost_stolen_documents.csv"],
        REPO / "rules",
    )
    screen_files(sorted(SAMPLES.glob("*.csv")), ctx, folder / "out", database_url=url, run_id="e2e")
    return url, folder


def rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(path.open(encoding="utf-8")))


def test_flight_reports_agree_with_flags_csv(screened: tuple[str, Path]) -> None:
    url, folder = screened
    flags = rows(folder / "out" / "flags.csv")
    by_manifest = Counter(f["manifest_id"] for f in flags)
    with read_session(url) as session:
        for manifest_id, count in by_manifest.items():
            assert flight_view(session, manifest_id)["counts"]["flags"] == count


def test_watchlist_hit_report_explains_the_match(screened: tuple[str, Path]) -> None:
    url, folder = screened
    hit = next(f for f in rows(folder / "out" / "flags.csv") if f["rule_id"] == "WATCHLIST_MATCH")
    html = write_flight_report(hit["manifest_id"], url, folder / "reports").read_text(encoding="utf-8")
    assert hit["watchlist_entry_id"] in html and "KOWALENKO" in html and "date of birth" in html
    assert "Bakker" not in html  # unflagged traveller on the same flight: ref only
    document = build_notification(url, hit["manifest_id"], "NLD")
    assert hit["traveller_ref"] in {h["traveller_ref"] for h in document["hits"]}


def test_carrier_figures_and_exports_agree_with_run_outputs(screened: tuple[str, Path]) -> None:
    url, folder = screened
    sanctions = rows(folder / "out" / "sanctions.csv")
    with read_session(url) as session:
        view = carrier_view(session, "ZZ", Period.from_dates(date(2026, 12, 1), date(2026, 12, 7)))
    recorded = sum(s["count"] for s in view["current"]["sanctions_by_status"].values())
    assert recorded == len(sanctions)
    flags_path, sanctions_path = export_records(url, folder / "exports", Scope(carrier="ZZ"), actor="e2e")
    assert len(rows(flags_path)) == len(rows(folder / "out" / "flags.csv"))
    assert {r["sanction_id"] for r in rows(sanctions_path)} == {s["sanction_id"] for s in sanctions}
