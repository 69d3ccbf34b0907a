"""PAXLST data values turned into canonical text: dates, local flight times, flight designators.

Values that cannot be read are returned as sent (stripped), never dropped, so validation can tell a
malformed value from a missing one.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from functools import lru_cache

from screening.airports import localise

_DESIGNATOR = re.compile(r"^([A-Z]{3}|[A-Z][A-Z0-9]|[0-9][A-Z])(\d{1,5}[A-Z]?)$", re.ASCII)


def is_digits(text: str) -> bool:
    """ASCII digits only (str.isdigit also accepts superscripts, which int() rejects)."""
    return text.isascii() and text.isdigit()


# Two-digit-year windows (rules catalogue PAX-007, PAX-011): a birth date lies in the past relative to
# travel; a document expiry lies at most this many years after travel (else it is last century's).
EXPIRY_FORWARD_YEARS = 20


def split_flight(transport_id: str, carrier: str) -> tuple[str, str]:
    """(carrier, flight number) from TDT C222 8028 and C040 3127: `AA123` + `AA` -> (AA, 123).
    The flight number keeps its digits as sent (`UA0989` -> `0989`) without the carrier prefix."""
    ident = transport_id.strip().upper().replace(" ", "")
    carrier = carrier.strip().upper()
    if carrier and ident.startswith(carrier) and is_digits(ident[len(carrier) :][:1]):
        return carrier, ident[len(carrier) :]
    match = _DESIGNATOR.match(ident)
    if match:
        return carrier or match.group(1), match.group(2)
    return carrier, ident


def _two_digit_year(yy: int, reference: date, *, birth: bool) -> int:
    century = reference.year // 100 * 100
    year = century + yy
    if birth:
        return year if year <= reference.year else year - 100
    if year > reference.year + EXPIRY_FORWARD_YEARS:
        return year - 100
    if year < reference.year + EXPIRY_FORWARD_YEARS - 100:
        return year + 100
    return year


def parse_date(text: str, reference: date, *, birth: bool) -> str | None:
    """YYMMDD (format 101, the PAXLST default) or CCYYMMDD (102) to YYYY-MM-DD; bad values as sent."""
    value = text.strip()
    if not value:
        return None
    return _parse_date(value, reference, birth)


@lru_cache(maxsize=16384)
def _parse_date(value: str, reference: date, birth: bool) -> str:
    """Cached: expiry dates and reference dates repeat across a manifest."""
    try:
        if len(value) == 6 and is_digits(value):
            year = _two_digit_year(int(value[:2]), reference, birth=birth)
            if birth and date(year, int(value[2:4]), int(value[4:6])) > reference:
                year -= 100  # born later in the reference year than the reference date: last century
            return date(year, int(value[2:4]), int(value[4:6])).isoformat()
        if len(value) == 8 and is_digits(value):
            return date(int(value[:4]), int(value[4:6]), int(value[6:8])).isoformat()
    except ValueError:
        return value
    return value


def parse_local_time(text: str, fmt: str) -> datetime | None:
    """DTM 189/232: format 201 YYMMDDHHMM (default), 203 CCYYMMDDHHMM, 102 CCYYMMDD; naive local."""
    value = text.strip().replace(" ", "")
    if not is_digits(value):
        return None
    try:
        if len(value) == 10 and fmt in ("201", ""):
            return datetime(2000 + int(value[:2]), int(value[2:4]), int(value[4:6]), int(value[6:8]), int(value[8:10]))
        if len(value) == 12:
            return datetime(int(value[:4]), int(value[4:6]), int(value[6:8]), int(value[8:10]), int(value[10:12]))
        if len(value) == 8:
            return datetime(int(value[:4]), int(value[4:6]), int(value[6:8]))
        if len(value) == 6:
            return datetime(2000 + int(value[:2]), int(value[2:4]), int(value[4:6]))
    except ValueError:
        return None
    return None


def iso_local_time(naive: datetime | None, raw: str, airport: str | None) -> tuple[str | None, bool]:
    """ISO 8601 with the airport's offset; (text, True) when the offset is known. An unknown airport
    keeps the local wall-clock time without offset rather than guessing one."""
    if naive is None:
        return (raw.strip() or None), False
    aware = localise(naive, airport)
    if aware is None:
        return naive.isoformat(), False
    return aware.isoformat(), True


def interchange_time(date_text: str, time_text: str) -> str | None:
    """UNB S004 date YYMMDD (or CCYYMMDD) and HHMM; the standard gives no zone, we assume UTC."""
    d, t = date_text.strip(), time_text.strip()
    try:
        if len(d) == 6:
            day = date(2000 + int(d[:2]), int(d[2:4]), int(d[4:6]))
        elif len(d) == 8:
            day = date(int(d[:4]), int(d[4:6]), int(d[6:8]))
        else:
            return None
        hour, minute = (int(t[:2]), int(t[2:4])) if len(t) == 4 and is_digits(t) else (0, 0)
        return datetime(day.year, day.month, day.day, hour, minute).isoformat() + "+00:00"
    except ValueError:
        return None
