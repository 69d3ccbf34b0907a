"""PAXLST value conversions: flight designators, two-digit-year windows, local times with offsets."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from screening.ingest.paxlst_values import (
    interchange_time,
    iso_local_time,
    parse_date,
    parse_local_time,
    split_flight,
)


@pytest.mark.parametrize(
    ("ident", "carrier", "expected"),
    [
        ("AA123", "AA", ("AA", "123")),
        ("UA0989", "UA", ("UA", "0989")),
        ("TN506", "", ("TN", "506")),
        ("A92707", "", ("A9", "2707")),
        ("9W123", "", ("9W", "123")),
        ("EZY1234", "", ("EZY", "1234")),
        ("BA123A", "", ("BA", "123A")),
        ("ZX877", "XZ", ("XZ", "877")),
        ("1234", "", ("", "1234")),
    ],
)
def test_flight_designator_is_split_into_carrier_and_number(
    ident: str, carrier: str, expected: tuple[str, str]
) -> None:
    assert split_flight(ident, carrier) == expected


def test_birth_dates_resolve_into_the_past() -> None:
    travel = date(2025, 3, 1)
    assert parse_date("850214", travel, birth=True) == "1985-02-14"
    assert parse_date("150607", travel, birth=True) == "2015-06-07"
    assert parse_date("250401", travel, birth=True) == "1925-04-01"  # a month after travel: last century
    assert parse_date("19850214", travel, birth=True) == "1985-02-14"


def test_expiry_dates_use_a_forward_window() -> None:
    travel = date(2017, 1, 27)
    assert parse_date("271012", travel, birth=False) == "2027-10-12"
    assert parse_date("370101", travel, birth=False) == "2037-01-01"
    assert parse_date("610218", travel, birth=False) == "1961-02-18"


def test_unreadable_dates_are_kept_as_sent() -> None:
    assert parse_date("991332", date(2025, 1, 1), birth=True) == "991332"
    assert parse_date("  ", date(2025, 1, 1), birth=True) is None


def test_local_times_get_the_airport_offset() -> None:
    naive = parse_local_time("1306212200", "201")
    assert naive == datetime(2013, 6, 21, 22, 0)
    assert iso_local_time(naive, "1306212200", "HNL") == ("2013-06-21T22:00:00-10:00", True)
    assert iso_local_time(naive, "1306212200", "QQQ") == ("2013-06-21T22:00:00", False)
    assert parse_local_time(" 201306212200", "203") == datetime(2013, 6, 21, 22, 0)


def test_interchange_time_is_taken_as_utc() -> None:
    assert interchange_time("140211", "1800") == "2014-02-11T18:00:00+00:00"
    assert interchange_time("bad", "1800") is None
