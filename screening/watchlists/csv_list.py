"""Our watchlist CSV (docs/architecture.md §3, schemas/watchlist_csv.schema.json)."""

from __future__ import annotations

from pathlib import Path

from screening import quarantine_reasons as reasons
from screening import schemas
from screening.ingest.tabular import read_csv, split_multi
from screening.model import QuarantineRecord
from screening.watchlists.model import WatchlistEntry, WatchlistLoad, content_version
from screening.watchlists.registry import normalise_document_number


def load_watchlist_csv(path: str | Path) -> WatchlistLoad:
    data = Path(path).read_bytes()
    read = read_csv(path, schemas.WATCHLIST_CSV, data)
    entries: list[WatchlistEntry] = []
    skipped = list(read.quarantine)
    separator = schemas.load_schema(schemas.WATCHLIST_CSV)["x-separator"]
    list_names: set[str] = set()
    for row in read.rows:
        v = row.values
        primary = v.get("full_name") or " ".join(p for p in (v.get("given_names"), v.get("surname")) if p)
        if not v.get("entry_id") or not primary:
            skipped.append(
                QuarantineRecord(
                    read.path,
                    str(row.line),
                    reasons.WATCHLIST_ENTRY_INCOMPLETE,
                    f"{read.path}: line {row.line}: needs entry_id and a name",
                    row.raw,
                    0,
                )
            )
            continue
        list_name = v.get("list_name") or Path(path).stem
        list_names.add(list_name)
        entries.append(
            WatchlistEntry(
                entry_id=v["entry_id"] or "",
                list_name=list_name,
                names=[primary, *split_multi(v.get("aliases"), separator)],
                surname=v.get("surname") or "",
                given_names=v.get("given_names") or "",
                dates_of_birth=split_multi(v.get("date_of_birth"), separator),
                nationalities=[n.upper() for n in split_multi(v.get("nationality"), separator)],
                sex=(v.get("sex") or "").upper(),
                document_numbers=[
                    normalise_document_number(d) for d in split_multi(v.get("document_numbers"), separator)
                ],
                category=v.get("category") or "",
                reason=v.get("reason") or "",
            )
        )
    list_name = ",".join(sorted(list_names)) or Path(path).stem
    return WatchlistLoad(read.path, list_name, entries, skipped, content_version(data))
