"""Reports keep carrier breaches apart from risks, reach into upcoming flights by default, check country
codes, label list versions by list, and show officers' sanction decisions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from screening.cli.report_cmd import _period, app
from screening.pipeline import load_context, screen_files
from screening.report import queries as q
from screening.report.carrier import carrier_figures
from screening.sanction_decisions import decide_sanction
from screening.store.db import session_scope
from screening.store.models import FlagRecord, SanctionRecord

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "data" / "samples"
runner = CliRunner()


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> tuple[str, Path]:
    tmp = tmp_path_factory.mktemp("samples")
    ctx = load_context(
        [SAMPLES / "lists" / "watchlist.csv"], [SAMPLES / "lists" / "lost_stolen_documents.csv"], REPO / "rules"
    )
    url = f"sqlite:///{tmp / 'store.db'}"
    screen_files(sorted(SAMPLES.glob("*.csv")) + sorted(SAMPLES.glob("*.edi")), ctx, tmp / "out", database_url=url)
    return url, tmp


def test_lost_stolen_look_alikes_are_risks_not_breaches(store) -> None:
    url, _ = store
    with session_scope(url) as session:
        flags = list(session.scalars(select(FlagRecord)))
        similar = [f for f in flags if f.rule_id == "DOC_REPORTED_LOST_STOLEN_SIMILAR"]
        assert similar and all(q.is_hit(f) and not q.is_breach(f) for f in similar)
        assert not any(q.is_breach(f) for f in flags if f.rule_id.startswith("DQ_"))
        figures = carrier_figures(
            session, "ZZ", q.Period.from_dates(datetime(2026, 11, 1).date(), datetime(2026, 12, 31).date())
        )
    assert set(figures["breaches_by_rule"]) <= {
        "API_LATE",
        "API_INCOMPLETE",
        "DOC_EXPIRED",
        "DOC_MISSING",
        "DOC_VALIDITY_SHORT",
        "VISA_REQUIRED_MISSING",
        "API_COUNT_MISMATCH",
        "API_DUPLICATE_TRAVELLER",
    }
    assert "DOC_REPORTED_LOST_STOLEN_SIMILAR" not in figures["breaches_by_rule"]


def test_default_period_includes_the_next_three_days() -> None:
    today = datetime.now(UTC).date()
    assert _period(None, None, 7) == (today - timedelta(days=6), today + timedelta(days=3))
    assert _period("2026-01-01", "2026-01-31", 7) == (datetime(2026, 1, 1).date(), datetime(2026, 1, 31).date())


def test_notify_refuses_a_country_code_that_does_not_exist(store) -> None:
    url, tmp = store
    result = runner.invoke(app, ["notify", "ANY", "--state", "XXQ", "--database-url", url, "--out", str(tmp)])
    assert result.exit_code == 2 and "not an ICAO Doc 9303 country code" in result.output


def test_carrier_report_shows_decisions_and_list_versions_by_list(store) -> None:
    url, tmp = store
    with session_scope(url) as session:
        sanction = session.scalars(select(SanctionRecord).order_by(SanctionRecord.sanction_id)).first()
        decide_sanction(session, sanction.sanction_id, "appeal", "carrier sent the passport scan", "officer.k")
        sid = sanction.sanction_id
        registry_flag = session.scalars(select(FlagRecord).where(FlagRecord.flag_type == "DOCUMENT")).first()
        watch_flag = session.scalars(select(FlagRecord).where(FlagRecord.flag_type == "WATCHLIST")).first()
        assert registry_flag.list_version != watch_flag.list_version  # each hit names its own list's version
        manifest_id = registry_flag.manifest_id
    result = runner.invoke(
        app,
        [
            "carrier",
            "ZZ",
            "--from",
            "2026-11-01",
            "--to",
            "2026-12-31",
            "--database-url",
            url,
            "--out",
            str(tmp / "reports"),
        ],
    )
    assert result.exit_code == 0, result.output
    html = next((tmp / "reports" / "carriers").glob("ZZ_*.html")).read_text()
    assert sid in html and "appeal by officer.k" in html and "carrier sent the passport scan" in html
    result = runner.invoke(app, ["flight", manifest_id, "--database-url", url, "--out", str(tmp / "reports")])
    assert result.exit_code == 0, result.output
    page = next((tmp / "reports" / "flights").glob("*.html")).read_text()
    assert "registry version" in page and "document_registry version" not in page
