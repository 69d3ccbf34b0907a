"""Per-carrier compliance numbers against the known history (see test_report_history)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from test_report_history import build_history

from screening.errors import InputError
from screening.report.carrier import carrier_view, write_carrier_report
from screening.report.queries import Period, read_session

PERIOD = Period.from_dates(date(2026, 11, 16), date(2026, 11, 30))


@pytest.fixture()
def view(tmp_path: Path) -> dict:
    with read_session(build_history(tmp_path)) as session:
        return carrier_view(session, "ZZ", PERIOD)


def test_previous_period_has_equal_length() -> None:
    assert PERIOD.previous().label == "2026-11-01 to 2026-11-15"


def test_current_period_figures(view: dict) -> None:
    now = view["current"]
    assert now["flights"] == 2  # ZZ909 departs 1 Dec UTC; ZZ777 on 15 Nov UTC
    assert now["travellers"] == 8
    assert now["breaches_by_rule"] == {
        "API_LATE": 1,
        "DOC_EXPIRED": 1,
        "DOC_MISSING": 1,
        "DOC_VALIDITY_SHORT": 1,
    }
    assert now["breaches"] == 4 and now["breaches_per_1000"] == 500.0
    assert now["late_transmissions"] == 1 and now["incomplete_transmissions"] == 0
    sanctions = now["sanctions_by_status"]
    assert sanctions["PROPOSED"] == {"count": 2, "amount": {"EUR": 7000.0}}
    assert sanctions["CONFIRMED"] == {"count": 1, "amount": {"EUR": 5000.0}}
    assert sanctions["WAIVED"] == {"count": 1, "amount": {"EUR": 3000.0}}


def test_previous_period_figures(view: dict) -> None:
    before = view["previous"]
    assert before["flights"] == 2 and before["travellers"] == 7
    assert before["breaches_by_rule"] == {"API_INCOMPLETE": 1, "VISA_REQUIRED_MISSING": 1}
    assert before["late_transmissions"] == 0 and before["incomplete_transmissions"] == 1
    assert before["sanctions_by_status"]["CONFIRMED"] == {"count": 1, "amount": {"EUR": 5000.0}}
    assert before["sanctions_by_status"]["PROPOSED"]["count"] == 0


def test_comparison_rows_show_change_and_verdict(view: dict) -> None:
    rows = {r["measure"].strip(): r for r in view["rows"]}
    assert rows["Obligation breaches"]["change"] == 2 and rows["Obligation breaches"]["trend"] == "worse"
    assert rows["VISA_REQUIRED_MISSING"]["trend"] == "better"
    assert rows["Travellers carried"]["trend"] == ""  # volume, not a verdict
    assert rows["amount proposed (EUR)"]["change"] == 7000.0


def test_carrier_report_html_and_unknown_carrier(tmp_path: Path) -> None:
    url = build_history(tmp_path)
    path = write_carrier_report("ZZ", date(2026, 11, 16), date(2026, 11, 30), url, tmp_path / "reports")
    html = path.read_text(encoding="utf-8")
    assert path.name == "ZZ_2026-11-16_2026-11-30.html"
    assert "DOC_VALIDITY_SHORT" in html and "7,000.00" in html and "2026-11-01 to 2026-11-15" in html
    assert "Haddad" not in html  # no personal data in a carrier report
    with pytest.raises(InputError, match="unknown carrier"):
        write_carrier_report("QQ", date(2026, 11, 16), date(2026, 11, 30), url, tmp_path / "reports")
