"""Times and dates as the rules need them: instants with offsets (naive times are local to their airport),
the arrival airport's local date, month arithmetic, and partial (year-only) document dates."""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, tzinfo
from functools import cache

import numpy as np
import pandas as pd

from screening.airports import airport_timezone as _airport_timezone


@cache
def airport_timezone(airport: str | None) -> tzinfo | None:
    """Cached: the evaluator asks once per flight, millions of times in a backtest."""
    return _airport_timezone(airport)


def parse_time(text: object, airport: str | None = None, *, naive_is_utc: bool = False) -> datetime | None:
    """An aware instant. A time without offset is the airport's local wall-clock time (PAXLST DTM 189/232),
    or UTC when `naive_is_utc` (transmission stamps). None when absent or unusable."""
    if text is None or (isinstance(text, float) and np.isnan(text)) or text is pd.NA:
        return None
    raw = str(text).strip()
    if not raw:
        return None
    try:
        value = datetime.fromisoformat(raw.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None
    if not 1 < value.year < 9999:  # offsets and deadlines would overflow: validation flags the value
        return None
    if value.tzinfo is None:
        if naive_is_utc:
            return value.replace(tzinfo=UTC)
        zone = airport_timezone(airport)
        if zone is None:
            return None
        value = value.replace(tzinfo=zone)
    return value


def local_date(instant: datetime | None, airport: str | None) -> date | None:
    """The calendar date at the airport when `instant` happens (document validity is judged locally)."""
    if instant is None:
        return None
    zone = airport_timezone(airport)
    return instant.astimezone(zone).date() if zone else instant.date()


def add_months(day: date, months: int) -> date:
    """Same day `months` later, clamped to the month's end (31 Jan + 1 month = 28/29 Feb)."""
    if months == 0:
        return day
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    if not 1 <= year <= 9999:  # past the calendar's end: the furthest date there is
        return date.max if months > 0 else date.min
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def parse_partial_dates(values: pd.Series, end_of_period: bool = True) -> np.ndarray:
    """datetime64[D] array from YYYY-MM-DD, YYYY-MM or YYYY text; NaT when absent or malformed.
    A year-only or year-month date stands for the last (or first) day of that period."""
    text = values.astype("string").str.strip()
    out = np.full(len(text), np.datetime64("NaT"), dtype="datetime64[D]")
    lengths = text.str.len().fillna(0).to_numpy()
    full = lengths == 10
    if full.any():
        parsed = pd.to_datetime(text[full], format="%Y-%m-%d", errors="coerce")
        out[full] = parsed.to_numpy().astype("datetime64[D]")
    month = lengths == 7
    if month.any():
        start = pd.to_datetime(text[month], format="%Y-%m", errors="coerce")
        start_d = start.to_numpy().astype("datetime64[M]")
        out[month] = ((start_d + 1).astype("datetime64[D]") - 1) if end_of_period else start_d.astype("datetime64[D]")
    year = lengths == 4
    if year.any():
        start = pd.to_datetime(text[year], format="%Y", errors="coerce")
        start_y = start.to_numpy().astype("datetime64[Y]")
        out[year] = ((start_y + 1).astype("datetime64[D]") - 1) if end_of_period else start_y.astype("datetime64[D]")
    return out
