"""Stored travellers for backtests and explanations.

History format: one row per traveller with the flight columns (manifest_id optional, carrier,
flight_number, departure_airport, arrival_airport, scheduled_departure, scheduled_arrival,
transmitted_at), the manifest CSV's traveller columns, and optionally protection_claimed, transit,
residence_permit_state, other_documents. Given as a CSV file, a Parquet file, or a directory searched
recursively for travellers.parquet (or any *.parquet / *.csv). A travellers.parquet without flight
columns takes them from a manifests.parquet (joined on manifest_id) or a manifest.json beside it (the
pipeline's work folders); its documents.parquet and `extras` column fill visas, further documents and
the optional columns."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pandas as pd

from screening.errors import InputError
from screening.rules.context import FLIGHT_COLUMNS
from screening.rules.frame import EXTRA_COLUMNS, ensure_columns
from screening.rules.stored import History, is_database_url, read_store, read_work_folders

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
    df = _with_extras(path, df)
    if {"arrival_airport", "scheduled_departure"} <= set(df.columns) or "manifest_id" not in df.columns:
        return df
    for name in _FLIGHT_FILES:
        flights_path = path.parent / name
        if flights_path.exists():
            flights = _read_file(flights_path)
            cols = [c for c in FLIGHT_COLUMNS if c in flights.columns]
            extra = [c for c in cols if c not in df.columns or c == "manifest_id"]
            return df.merge(flights[extra].drop_duplicates("manifest_id"), on="manifest_id", how="left")
    meta_path = path.parent / "manifest.json"
    if meta_path.exists():
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise InputError(f"{meta_path}: cannot read manifest metadata ({exc})") from exc
        return df.assign(**{c: meta.get(c) for c in FLIGHT_COLUMNS if c != "manifest_id" and c not in df.columns})
    raise InputError(f"{path}: travellers without flight columns and no manifests.parquet or manifest.json beside it")


def _with_extras(path: Path, df: pd.DataFrame) -> pd.DataFrame:
    """The pipeline keeps non-contract traveller fields as JSON in `extras` and documents beside them."""
    df = df.copy()
    if "extras" in df.columns:
        parsed = [json.loads(x) if isinstance(x, str) and x else {} for x in df["extras"]]
        for col in EXTRA_COLUMNS:
            values = [p.get(col) for p in parsed]
            if any(v is not None for v in values):
                current = df[col] if col in df.columns else pd.Series(None, index=df.index, dtype=object)
                df[col] = current.where(current.notna(), pd.Series(values, index=df.index, dtype=object))
        df = df.drop(columns=["extras"])
    docs_path = path.parent / "documents.parquet"
    if path.name == "travellers.parquet" and docs_path.exists() and "traveller_ref" in df.columns:
        docs = _read_file(docs_path)
        if not docs.empty:
            df = _with_documents(df, docs)
    return df


def _with_documents(df: pd.DataFrame, docs: pd.DataFrame) -> pd.DataFrame:
    is_visa = docs["is_visa"].fillna(False).astype(bool) | (docs["document_type"] == "V")
    visas = docs[is_visa].drop_duplicates("traveller_ref").set_index("traveller_ref")
    refs = df["traveller_ref"]
    for col, src in (
        ("visa_number", "document_number"),
        ("visa_issuing_state", "issuing_state"),
        ("visa_expiry", "expiry"),
    ):
        if col not in df.columns:
            df[col] = None
        df[col] = df[col].where(df[col].notna(), refs.map(visas[src]))
    others = docs[~is_visa & docs["document_type"].notna()]
    text = others["document_type"].astype(str) + ":" + others["issuing_state"].fillna("").astype(str)
    joined = text.groupby(others["traveller_ref"].to_numpy()).agg("|".join)
    if "other_documents" not in df.columns:
        df["other_documents"] = None
    df["other_documents"] = df["other_documents"].where(df["other_documents"].notna(), refs.map(joined))
    return df


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
    missing = [c for c in ("carrier", "flight_number", "arrival_airport", "scheduled_departure") if c not in df]
    if missing:
        raise InputError(f"{path}: history lacks column(s) {', '.join(missing)}")
    return ensure_columns(_as_text(df))


FILE_HISTORY_NOTE = (
    "this history is a traveller file: it carries no flags of the validation, reader, matching or "
    "registry stages, so API_INCOMPLETE, API_COUNT_MISMATCH, API_DUPLICATE_TRAVELLER and hits are not in "
    "these figures (use the store, --history sqlite:///..., or the DAG's work folders)"
)


def _in_period(df: pd.DataFrame, first: date | None, last: date | None) -> pd.Series:
    when = pd.to_datetime(df["scheduled_departure"], errors="coerce", utc=True, format="ISO8601")
    keep = pd.Series(True, index=df.index)
    if first:
        keep &= when >= pd.Timestamp(first, tz="UTC")
    if last:
        keep &= when < pd.Timestamp(last, tz="UTC") + pd.Timedelta(days=1)
    return keep.fillna(False)


def load_history(
    source: str | Path, *, first: date | None = None, last: date | None = None, carriers: list[str] | None = None
) -> History:
    """A history from any source: a database URL (the screening store), the DAG's work folders (re-screens
    counted once), or traveller files (CSV/Parquet). Filtered by scheduled departure (UTC days) and carrier."""
    if is_database_url(source):
        return read_store(str(source), first=first, last=last, carriers=carriers)
    path = Path(source)
    if path.is_dir() and any(path.rglob("manifest.json")):
        history = read_work_folders(path)
    else:
        history = History(read_history(path), notes=[FILE_HISTORY_NOTE], source=str(path))
    df = history.travellers
    keep = pd.Series(True, index=df.index)
    if first or last:
        keep &= _in_period(df, first, last)
    if carriers:
        keep &= df["carrier"].isin(carriers).fillna(False)
    if not keep.all():
        history.travellers = df[keep].reset_index(drop=True)
        ids = set(history.travellers["manifest_id"])
        history.carried = history.carried[history.carried["manifest_id"].isin(ids)].reset_index(drop=True)
    return history
