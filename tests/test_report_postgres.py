"""The same report numbers on PostgreSQL (JSON field access and string periods differ by dialect)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from test_report_history import populate

from screening.report.carrier import carrier_view
from screening.report.exports import Scope, export_records
from screening.report.flight import flight_view
from screening.report.queries import Period, read_session
from screening.report.trends import trends_view

pytestmark = pytest.mark.postgres


def test_reports_count_the_same_on_postgres(postgres_url: str, tmp_path: Path) -> None:
    populate(postgres_url)
    with read_session(postgres_url) as session:
        flight = flight_view(session, "ZZ303-IST-20261120")
        carrier = carrier_view(session, "ZZ", Period.from_dates(date(2026, 11, 16), date(2026, 11, 30)))
        trends = trends_view(session, Period.from_dates(date(2026, 11, 1), date(2026, 11, 30)), "week", charts=False)
    assert [t["traveller_ref"] for t in flight["flagged"]] == ["P002", "P001"]
    assert carrier["current"]["breaches"] == 4 and carrier["previous"]["incomplete_transmissions"] == 1
    routes = {r["name"]: r for r in trends["routes"]}
    assert routes["KBL → DXB → AMS"]["by_bucket"]["hits"] == [0, 0, 1, 0, 0, 0]
    assert routes["DXB → CDG"]["travellers"] == 8
    (path,) = export_records(
        postgres_url, tmp_path, Scope(manifest_id="ZZ202-DXB-20261125"), kinds=("sanctions",), actor="pg"
    )
    assert path.read_text(encoding="utf-8").count("\n") == 5
