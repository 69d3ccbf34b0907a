"""Vectorised evaluation of each check with pandas: a boolean mask of failing rows per check.

This is the fast path (no per-row Python) that gives flags their traveller references. Checks that
GX cannot express natively (calendar dates, ages, date order) are evaluated through a derived column,
and the same derived column is handed to GX, so both engines judge the very same numbers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from screening import schemas
from screening.countries import icao_codes
from screening.model import parse_instant
from screening.validate.spec import Check

_ISO_DATE = r"^\d{4}-\d{2}-\d{2}$"
INLINE_SET_LIMIT = 64  # larger value sets (countries, airports) reach GX as a derived membership column


@cache
def airport_codes() -> frozenset[str]:
    from screening.airports import _airports

    return frozenset(code for code in _airports() if code)


NAMED_VALUE_SETS = ("icao_country_codes", "iata_airports")


def named_value_set(name: str) -> frozenset[str]:
    """Reference code lists: ICAO Doc 9303 countries (countries.py) and IATA airports (airportsdata)."""
    return icao_codes() if name == "icao_country_codes" else airport_codes()


def value_set(check: Check) -> frozenset[str]:
    """The allowed values of an IN_SET check (named sets resolve to their reference data)."""
    name = check.params.get("value_set")
    if name in NAMED_VALUE_SETS:
        return named_value_set(name)
    return frozenset(check.params.get("values", ()))


@cache
def _arrow_set(values: frozenset[str]) -> pa.Array:
    return pa.array(sorted(values), type=pa.string())


def arrow_value_set(check: Check) -> pa.Array:
    """Value sets as Arrow arrays, built once (pandas' isin rebuilds its list on every call)."""
    return _arrow_set(value_set(check))


@dataclass
class Outcome:
    """One check evaluated on one frame: failing rows, and the derived column GX checks (if any).

    Derived numbers are plain float64 (NaN when not applicable): GX vectorises only numpy dtypes and
    falls back to a Python call per row for pandas' nullable ones."""

    check: Check
    failing: np.ndarray
    evaluated: int  # rows the check applied to (non-missing values, or all rows for NOT_NULL)
    derived_name: str | None = None
    derived: pd.Series | None = None

    @property
    def unexpected_count(self) -> int:
        return int(self.failing.sum())


class Evaluator:
    """Evaluates checks on one frame, parsing each date column once."""

    def __init__(self, frame: pd.DataFrame, now: datetime | None = None) -> None:
        self.frame = frame
        self.now = (now or datetime.now(UTC)).astimezone(UTC)
        self._dates: dict[str, pd.Series] = {}
        self._instants: dict[str, pd.Series] = {}

    def column(self, name: str) -> pd.Series:
        if name not in self.frame:
            self.frame[name] = pd.Series([None] * len(self.frame), index=self.frame.index, dtype="str")
        return self.frame[name]

    def dates(self, name: str) -> pd.Series:
        """Calendar dates as datetime64 (NaT when missing or not a valid YYYY-MM-DD date)."""
        if name not in self._dates:
            text = self.column(name)
            shaped = text.str.fullmatch(_ISO_DATE).fillna(False).astype(bool)
            parsed = pd.to_datetime(text.where(shaped), format="%Y-%m-%d", errors="coerce")
            self._dates[name] = parsed
        return self._dates[name]

    def instants(self, name: str) -> pd.Series:
        """ISO 8601 instants with offset, in UTC (NaT when missing, malformed or naive)."""
        if name not in self._instants:
            values = [parse_instant(v) if isinstance(v, str) else None for v in self.column(name)]
            self._instants[name] = pd.to_datetime(pd.Series(values, index=self.frame.index, dtype=object), utc=True)
        return self._instants[name]

    def is_temporal_instant(self, name: str) -> bool:
        return schemas.property_specs().get(name, {}).get("format") == "date-time"

    def evaluate(self, check: Check) -> Outcome:
        handler = getattr(self, f"_{check.kind}")
        return handler(check)

    # -- one method per kind ------------------------------------------------------------------------
    def _not_null(self, check: Check) -> Outcome:
        failing = self.column(check.column).isna().to_numpy()
        return Outcome(check, failing, len(failing))

    def _present(self, check: Check) -> np.ndarray:
        return self.column(check.column).notna().to_numpy()

    def _regex(self, check: Check) -> Outcome:
        text = self.column(check.column)
        ok = text.str.fullmatch(check.params["regex"]).fillna(True).astype(bool).to_numpy()
        present = self._present(check)
        return Outcome(check, present & ~ok, int(present.sum()))

    _code_pattern = _regex

    def _length(self, check: Check) -> Outcome:
        lengths = self.column(check.column).str.len()
        low, high = check.params.get("min_value"), check.params.get("max_value")
        bad = pd.Series(False, index=lengths.index)
        if low is not None:
            bad |= (lengths < low).fillna(False).astype(bool)
        if high is not None:
            bad |= (lengths > high).fillna(False).astype(bool)
        present = self._present(check)
        return Outcome(check, bad.to_numpy() & present, int(present.sum()))

    def _in_set(self, check: Check) -> Outcome:
        text = self.column(check.column)
        present = self._present(check)
        allowed = arrow_value_set(check)
        try:
            ok = pc.is_in(text.array.__arrow_array__(), value_set=allowed).to_numpy(zero_copy_only=False)
        except AttributeError:  # text not backed by Arrow
            ok = text.isin(value_set(check)).to_numpy()
        if len(allowed) <= INLINE_SET_LIMIT:
            return Outcome(check, present & ~ok, int(present.sum()))
        # GX re-serialises an expectation's kwargs thousands of times per run: with the ~8,000 airport
        # codes inline that cost 8 s per run whatever the row count, so GX checks membership as a flag.
        derived = pd.Series(np.where(present, ok, None), index=self.frame.index, dtype=object)
        return Outcome(check, present & ~ok, int(present.sum()), f"{check.id}__in_set", derived)

    def _validity(self, check: Check, parsed: pd.Series) -> Outcome:
        present = self._present(check)
        valid = parsed.notna().to_numpy()
        derived = pd.Series(
            np.where(present, valid, None),  # type: ignore[call-overload]  # pandas-stubs
            index=self.frame.index,
            dtype=object,  # type: ignore[arg-type]
        )
        return Outcome(check, present & ~valid, int(present.sum()), f"{check.id}__valid", derived)

    def _date(self, check: Check) -> Outcome:
        return self._validity(check, self.dates(check.column))

    def _datetime(self, check: Check) -> Outcome:
        return self._validity(check, self.instants(check.column))

    def _age_days(self, column: str) -> pd.Series:
        today = pd.Timestamp(self.now.date())
        return (today - self.dates(column)).dt.days.astype("float64")

    def _not_future(self, check: Check) -> Outcome:
        days = self._age_days(check.column)
        failing = (days < 0).fillna(False).astype(bool).to_numpy()
        return Outcome(check, failing, int(days.notna().sum()), f"{check.column}__age_days", days)

    def _max_age(self, check: Check) -> Outcome:
        born = self.dates(check.column)
        today: date = self.now.date()
        before_birthday = (born.dt.month > today.month) | ((born.dt.month == today.month) & (born.dt.day > today.day))
        years = (today.year - born.dt.year - before_birthday.astype("float64")).astype("float64")
        years = years.where(born.notna())
        failing = (years > check.params["max_years"]).fillna(False).astype(bool).to_numpy()
        return Outcome(check, failing, int(born.notna().sum()), f"{check.column}__age_years", years)

    def _after(self, check: Check) -> Outcome:
        later, earlier = check.columns
        if self.is_temporal_instant(later):
            seconds = (self.instants(later) - self.instants(earlier)).dt.total_seconds()
            delta = (seconds / 60.0).astype("float64")
            unit = "minutes"
        else:
            delta = (self.dates(later) - self.dates(earlier)).dt.days.astype("float64")
            unit = "days"
        failing = (delta <= 0).fillna(False).astype(bool).to_numpy()
        name = f"{later}__minus__{earlier}__{unit}"
        return Outcome(check, failing, int(delta.notna().sum()), name, delta)

    def _unique(self, check: Check) -> Outcome:
        cols = list(check.columns)
        for col in cols:
            self.column(col)
        complete = self.frame[cols].notna().all(axis=1).to_numpy()
        dup = self.frame[cols].duplicated(keep=False).to_numpy()
        return Outcome(check, complete & dup, int(complete.sum()))


def first_occurrence_duplicates(frame: pd.DataFrame, columns: tuple[str, ...]) -> dict[int, int]:
    """For rows repeating an earlier row's key: row position -> position of that first row.

    Flags go on the repeats only; the loop runs over duplicated rows alone, so it stays cheap."""
    cols = list(columns)
    complete = frame[cols].notna().all(axis=1)
    involved = complete & frame[cols].duplicated(keep=False)
    if not involved.any():
        return {}
    positions = np.flatnonzero(involved.to_numpy())
    sub = frame[cols].iloc[positions]
    firsts: dict[tuple, int] = {}
    out: dict[int, int] = {}
    for pos, key in zip(positions, sub.itertuples(index=False, name=None), strict=True):
        if key in firsts:
            out[int(pos)] = firsts[key]
        else:
            firsts[key] = int(pos)
    return out
