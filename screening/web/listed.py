"""The listed person behind an alert, as the entry was in the list version the traveller was screened
against. The workspace records a snapshot of every entry of the lists it is given (keyed by the combined
list version the pipeline stamps on its flags), so the alert page and a remembered decision refer to the
entry as it was, not as the list reads today."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from screening.store.models import ListedEntrySnapshot
from screening.watchlists.loader import load_watchlist
from screening.watchlists.model import WatchlistEntry, WatchlistLoad

# What identifies a listed person; the free-text reason and alias grading do not change who is listed.
ENTRY_FIELDS = (
    "list_name",
    "entry_id",
    "names",
    "dates_of_birth",
    "nationalities",
    "sex",
    "document_numbers",
    "category",
    "entry_type",
)


def combined_version(loads: Sequence[WatchlistLoad]) -> str:
    """The version the pipeline's WatchlistIndex gives this set of lists (and stamps on every flag)."""
    versions = "|".join(sorted(load.version for load in loads))
    return "sha256:" + hashlib.sha256(versions.encode()).hexdigest()[:16]


def entry_hash(entry: WatchlistEntry) -> str:
    """A content hash of the entry: changes when a name, alias, date of birth, nationality or document does."""
    data = asdict(entry)
    canonical = json.dumps({k: data[k] for k in ENTRY_FIELDS}, sort_keys=True, ensure_ascii=False)
    return "entry:" + hashlib.sha256(canonical.encode()).hexdigest()[:32]


def remember_lists(session: Session, paths: Iterable[str | Path]) -> str:
    """Snapshot every entry of these lists under their combined version (idempotent); returns the version."""
    loads = [load_watchlist(p) for p in paths]
    version = combined_version(loads)
    known = set(
        session.scalars(select(ListedEntrySnapshot.entry_id).where(ListedEntrySnapshot.list_version == version))
    )
    rows = []
    for load in loads:
        for entry in load.entries:
            if entry.entry_id in known:
                continue
            known.add(entry.entry_id)
            rows.append(
                {
                    "list_version": version,
                    "list_name": entry.list_name,
                    "entry_id": entry.entry_id,
                    "entry_hash": entry_hash(entry),
                    "data": {**asdict(entry), "list_file_version": load.version},
                }
            )
    if rows:
        session.execute(insert(ListedEntrySnapshot), rows)
    return version


def snapshots(
    session: Session, keys: Iterable[tuple[str, str, str]]
) -> dict[tuple[str, str, str], ListedEntrySnapshot]:
    """(list_version, list_name, entry_id) -> snapshot, for those that were recorded."""
    wanted = list(dict.fromkeys(keys))
    found: dict[tuple[str, str, str], ListedEntrySnapshot] = {}
    for start in range(0, len(wanted), 300):
        chunk = wanted[start : start + 300]
        asked = set(chunk)
        columns = (ListedEntrySnapshot.list_version, ListedEntrySnapshot.list_name, ListedEntrySnapshot.entry_id)
        for snap in session.scalars(select(ListedEntrySnapshot).where(*pairs_in(columns, chunk))):
            key = (snap.list_version, snap.list_name, snap.entry_id)
            if key in asked:
                found[key] = snap
    return found


def pairs_in(columns: Sequence[Any], keys: Sequence[tuple[str, ...]]) -> list[Any]:
    """Each column IN its values: uses a composite index on SQLite and PostgreSQL alike (a row-value IN
    scans the whole table on SQLite); the caller drops the few cross-product rows it did not ask for."""
    return [column.in_(sorted({key[i] for key in keys})) for i, column in enumerate(columns)]


def listed_view(snapshot: ListedEntrySnapshot | None) -> dict[str, Any]:
    """The listed person's fields for the alert page (empty when the list was never given to the workspace)."""
    if snapshot is None:
        return {"known": False}
    data = snapshot.data or {}
    names = list(data.get("names") or [])
    return {
        "known": True,
        "primary_name": names[0] if names else "",
        "aliases": names[1:],
        "surname": data.get("surname", ""),
        "given_names": data.get("given_names", ""),
        "dates_of_birth": data.get("dates_of_birth") or [],
        "nationalities": data.get("nationalities") or [],
        "sex": data.get("sex", ""),
        "document_numbers": data.get("document_numbers") or [],
        "category": data.get("category", ""),
        "reason": data.get("reason", ""),
        "list_name": snapshot.list_name,
        "entry_id": snapshot.entry_id,
        "list_version": snapshot.list_version,
        "list_file_version": data.get("list_file_version", ""),
        "entry_hash": snapshot.entry_hash,
    }
