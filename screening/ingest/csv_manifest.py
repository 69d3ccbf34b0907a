"""Manifest CSV reader (docs/architecture.md §3): one row per traveller, one or several flights per file."""

from __future__ import annotations

from pathlib import Path

from screening import quarantine_reasons as reasons
from screening import schemas
from screening.ingest.normalise import clean_result, normalise_traveller, traveller_documents
from screening.ingest.tabular import read_csv
from screening.model import Manifest, ParseResult, QuarantineRecord, list_type, new_traveller


def parse_manifest_csv(path: str | Path, data: bytes | None = None) -> ParseResult:
    """Group rows into manifests by the flight key; rows without a flight key are quarantined."""
    read = read_csv(path, schemas.MANIFEST_CSV, data)
    result = ParseResult(source_file=read.path, quarantine=list(read.quarantine))
    flight_cols = schemas.flight_columns()
    key_cols = schemas.flight_key_columns()
    by_key: dict[tuple[str | None, ...], Manifest] = {}
    for row in read.rows:
        values = normalise_traveller(row.values)
        missing_key = [c for c in key_cols if not values.get(c)]
        if missing_key:
            result.quarantine.append(
                QuarantineRecord(
                    read.path,
                    str(row.line),
                    reasons.MISSING_FLIGHT_KEY,
                    f"{read.path}: line {row.line}: no {', '.join(missing_key)}: the traveller "
                    "cannot be attributed to a flight",
                    row.raw,
                )
            )
            continue
        key = tuple(values[c] for c in key_cols)
        manifest = by_key.get(key)
        if manifest is None:
            manifest = Manifest(
                **{c: values.get(c) for c in flight_cols},  # type: ignore[arg-type]
                source_format="csv",
                source_file=read.path,
            )
            by_key[key] = manifest
        traveller = new_traveller(values, str(row.line))
        manifest.travellers.append(traveller)
        manifest.documents.extend(traveller_documents(traveller))
    result.manifests = list(by_key.values())
    for manifest in result.manifests:
        manifest.message_type = list_type(manifest.travellers)
    return clean_result(result)
