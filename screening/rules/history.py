"""Stored travellers for backtests and explanations.

History format: one row per traveller with the flight columns (manifest_id optional, carrier,
flight_number, departure_airport, arrival_airport, scheduled_departure, scheduled_arrival,
transmitted_at), the manifest CSV's traveller columns, and optionally protection_claimed, transit,
residence_permit_state, document_types. Given as a CSV file, a Parquet file, or a directory searched
recursively for travellers.parquet (or any *.parquet / *.csv); a travellers.parquet without flight
columns is joined on manifest_id with a manifests.parquet (or manifest.parquet) beside it."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from screening.errors import InputError
from screening.rules.context import FLIGHT_COLUMNS
from screening.rules.frame import ensure_columns

_FLIGHT_FILES = ("manifests.parquet", "manifest.parquet")


def _as_text(df: pd.DataFrame) -> pd.DataFrame:
    """Every column as string dtype, blanks as NA (the stored tables keep declared text)."""
    df = df.astype("string")
    return df.apply(lambda s: s.mask(s.str.strip() == ""))


def _read_file(path: Path) -> pd.DataFrame:
    try:
        if path.suffix.lower() == ".csv":
            return pd.read_csv(path, dtype=str, keep_default_na=False)
        return pd.read_parquet(path)
    except (OSError, ValueError) as exc:
        raise InputError(f"{path}: cannot read history file ({exc.__class__.__name__}: {exc})") from exc


def _with_flights(path: Path, df: pd.DataFrame) -> pd.DataFrame:
    if {"arrival_airport", "scheduled_departure"} <= set(df.columns) or "manifest_id" not in df.columns:
        return df
    for name in _FLIGHT_FILES:
        flights_path = path.parent / name
        if flights_path.exists():
            flights = _read_file(flights_path)
            cols = [c for c in FLIGHT_COLUMNS if c in flights.columns]
            extra = [c for c in cols if c not in df.columns or c == "manifest_id"]
            return df.merge(flights[extra].drop_duplicates("manifest_id"), on="manifest_id", how="left")
    raise InputError(f"{path}: travellers without flight columns and no manifests.parquet beside it")


def history_files(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    if path.is_dir():
        found = sorted(path.rglob("travellers.parquet"))
        if not found:
            found = sorted(p for p in path.rglob("*.parquet") if p.name not in _FLIGHT_FILES)
            found += sorted(path.rglob("*.csv"))
        if found:
            return found
        raise InputError(f"{path}: no travellers.parquet, *.parquet or *.csv files in this directory")
    raise InputError(f"{path}: history file or directory does not exist")


def read_history(path: Path | str) -> pd.DataFrame:
    """All stored travellers under `path` in the history shape (see module docstring)."""
    path = Path(path)
    frames = [_with_flights(p, _read_file(p)) for p in history_files(path)]
    df = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    missing = [
        c for c in ("carrier", "flight_number", "arrival_airport", "scheduled_departure") if c not in df
    ]
    if missing:
        raise InputError(f"{path}: history lacks column(s) {', '.join(missing)}")
    return ensure_columns(_as_text(df))
