"""Shared helpers for the vectorised evaluators: column normalisation and the per-flight table."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from functools import cache

import numpy as np
import pandas as pd

from screening import schemas
from screening.model import manifest_id_for
from screening.rules.context import FLIGHT_COLUMNS, FlightContext, flight_context
from screening.rules.models import RuleSet

# Optional traveller columns the rules read when present (documented in `screening rules backtest --help`).
# other_documents: every further document of the traveller as TYPE:ISSUER, |-separated (e.g. "IR:D|AC:FRA").
EXTRA_COLUMNS = ("protection_claimed", "transit", "residence_permit_state", "other_documents")
TRUTHY = ("Y", "YES", "TRUE", "1", "T")


@cache
def _history_columns() -> tuple[str, ...]:
    cols = list(FLIGHT_COLUMNS) + [c for c in schemas.traveller_columns() if c not in FLIGHT_COLUMNS]
    return tuple(cols + list(EXTRA_COLUMNS))


def history_columns() -> list[str]:
    """Columns of the stored-history shape, flight columns first (schemas.py is the source of truth)."""
    return list(_history_columns())


def ensure_columns(df: pd.DataFrame) -> pd.DataFrame:
    """Add every column the rules read (missing ones as NA) and a manifest_id when absent."""
    missing = [c for c in history_columns() if c not in df.columns]
    if missing:
        df = df.assign(**{c: pd.Series(pd.NA, index=df.index, dtype="string") for c in missing})
    if df["manifest_id"].isna().any():
        df = df.copy()
        need = df["manifest_id"].isna()
        df.loc[need, "manifest_id"] = [
            manifest_id_for(str(c), str(f), None if pd.isna(s) else str(s), None if pd.isna(a) else str(a))
            for c, f, s, a in df.loc[
                need, ["carrier", "flight_number", "scheduled_departure", "departure_airport"]
            ].itertuples(index=False)
        ]
    return df


def text(df: pd.DataFrame, column: str) -> pd.Series:
    """A column as stripped string dtype (NA for missing or blank)."""
    s = df[column].astype("string").str.strip()
    return s.mask(s == "")


def truthy(df: pd.DataFrame, column: str) -> np.ndarray:
    return text(df, column).str.upper().isin(TRUTHY).fillna(False).to_numpy(dtype=bool)


class FlightTable:
    """One FlightContext per manifest, with `codes` mapping each traveller row to its flight."""

    def __init__(self, df: pd.DataFrame, ruleset: RuleSet, now: datetime | None = None) -> None:
        codes, uniques = pd.factorize(df["manifest_id"], use_na_sentinel=False)
        self.codes = codes
        self.manifest_ids = list(uniques)
        first = np.empty(len(uniques), dtype=np.int64)
        first[codes[::-1]] = np.arange(len(df) - 1, -1, -1)
        rows: list[dict[str, object]] = df.iloc[first][list(FLIGHT_COLUMNS)].to_dict(  # type: ignore[assignment]
            "records"
        )  # str column names
        self.rows = rows
        self.contexts: list[FlightContext] = [flight_context(r, ruleset, now) for r in rows]

    def per_flight(self, values: Sequence[object], dtype: str | None = None) -> np.ndarray:
        """A per-flight list spread to traveller rows."""
        arr = np.array(values, dtype=dtype) if dtype else np.array(values, dtype=object)
        return arr[self.codes]

    def days(self, values: Sequence[date | None]) -> np.ndarray:
        arr = np.array([np.datetime64(v, "D") if v else np.datetime64("NaT") for v in values], dtype="datetime64[D]")
        return arr[self.codes]
