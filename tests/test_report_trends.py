"""Trend counts per route and per carrier against the known history (see test_report_history)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from test_report_history import build_history

from screening.errors import InputError
from screening.report.queries import Period, read_session
from screening.report.trends import all_buckets, trends_view, write_trends_report

NOVEMBER = Period.from_dates(date(2026, 11, 1), date(2026, 11, 30))


@pytest.fixture()
def view(tmp_path: Path) -> dict:
    with read_session(build_history(tmp_path)) as session:
        return trends_view(session, NOVEMBER, "week", charts=False)


def test_weeks_start_on_monday_and_cover_the_period() -> None:
    assert all_buckets(NOVEMBER, "week") == [
        "2026-10-26",
        "2026-11-02",
        "2026-11-09",
        "2026-11-16",
        "2026-11-23",
        "2026-11-30",
    ]
    assert all_buckets(NOVEMBER, "month") == ["2026-11"]


def test_routes_include_origin_and_transit(view: dict) -> None:
    routes = {r["name"]: r for r in view["routes"]}
    assert set(routes) == {
        "DXB → CDG",
        "KHI → DXB → CDG",
        "KBL → DXB → AMS",
        "DXB → AMS",
        "IST → AMS",
        "LHR → JFK",
    }
    assert (routes["DXB → CDG"]["travellers"], routes["DXB → CDG"]["breaches"]) == (8, 5)
    assert routes["KHI → DXB → CDG"]["breaches"] == 1
    assert routes["KBL → DXB → AMS"]["hits"] == 1
    assert routes["IST → AMS"]["hits"] == 2 and routes["IST → AMS"]["hits_per_1000"] == 500.0


def test_counts_fall_in_their_week(view: dict) -> None:
    routes = {r["name"]: r for r in view["routes"]}
    # ZZ202 on 5 Nov (week of 2 Nov): 5 travellers, 2 breaches; on 25 Nov (week of 23 Nov): 3 and 3
    assert routes["DXB → CDG"]["by_bucket"]["travellers"] == [0, 5, 0, 0, 3, 0]
    assert routes["DXB → CDG"]["by_bucket"]["breaches"] == [0, 2, 0, 0, 3, 0]
    # ZZ777 departs 16 Nov 01:00+03:00, i.e. Sunday 15 Nov in UTC: week of 9 Nov
    assert routes["KBL → DXB → AMS"]["by_bucket"]["hits"] == [0, 0, 1, 0, 0, 0]


def test_per_carrier_totals(view: dict) -> None:
    carriers = {r["name"]: r for r in view["carriers"]}
    assert (carriers["ZZ"]["travellers"], carriers["ZZ"]["hits"], carriers["ZZ"]["breaches"]) == (15, 3, 6)
    assert (carriers["YY"]["travellers"], carriers["YY"]["hits"], carriers["YY"]["breaches"]) == (3, 0, 0)
    assert view["flights"] == 5  # ZZ909 departs 1 Dec in UTC


def test_trends_report_embeds_charts(tmp_path: Path) -> None:
    url = build_history(tmp_path)
    path = write_trends_report(date(2026, 11, 1), date(2026, 11, 30), url, tmp_path / "reports", bucket="week")
    html = path.read_text(encoding="utf-8")
    assert html.count('src="data:image/png;base64,') == 7  # route shares + 3 measures x (route, carrier)
    assert "KBL → DXB → AMS" in html and "AL-RASHIDI" not in html
    with pytest.raises(InputError, match="bucket"):
        write_trends_report(date(2026, 11, 1), date(2026, 11, 30), url, tmp_path / "reports", bucket="year")


def test_route_shares_show_a_shift_of_traffic() -> None:
    import math
    from collections import Counter

    from screening.report.trends import route_shares

    counter = Counter({("w1", "A → C"): 90, ("w1", "B → C"): 10, ("w2", "A → C"): 30, ("w2", "B → C"): 70})
    shares = route_shares(counter, ["w1", "w2", "w3"], ["A → C", "B → C"])
    assert shares["A → C"][:2] == [90.0, 30.0] and shares["B → C"][:2] == [10.0, 70.0]
    assert math.isnan(shares["A → C"][2])  # no traffic at all: no share, not 0 %
