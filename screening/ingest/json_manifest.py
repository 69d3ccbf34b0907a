"""JSON manifest reader: the shape `screening parse --json` prints, one manifest object, or a list.

A traveller may carry extra keys (for example "mrz": [lines] or "documents": [...]); they are kept."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from screening import schemas
from screening.errors import InputError
from screening.ingest.normalise import normalise_traveller, traveller_documents
from screening.ingest.tabular import decode_text
from screening.model import Manifest, ParseResult, QuarantineRecord, list_type


def parse_manifest_json(path: str | Path, data: bytes | None = None) -> ParseResult:
    path = str(path)
    if data is None:
        data = Path(path).read_bytes()
    text = decode_text(data, path)
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}: line {exc.lineno}: not valid JSON ({exc.msg})") from exc
    if isinstance(document, dict) and "manifests" in document:
        items = document["manifests"]
    elif isinstance(document, dict):
        items = [document]
    else:
        items = document
    if not isinstance(items, list):
        raise InputError(f"{path}: expected a manifest object or a list of manifests")
    result = ParseResult(source_file=path)
    for index, item in enumerate(items):
        _read_manifest(path, index, item, result)
    return result


def _read_manifest(path: str, index: int, item: Any, result: ParseResult) -> None:
    where = f"manifests[{index}]"
    travellers = item.get("travellers") if isinstance(item, dict) else None
    if not isinstance(item, dict) or not isinstance(travellers, list):
        count = len(travellers) if isinstance(travellers, list) else 0
        result.quarantine.append(QuarantineRecord(path, where, "MANIFEST_UNREADABLE",
                                                  f"{path}: {where}: not an object with a travellers list",
                                                  json.dumps(item)[:2000], travellers=count))
        return
    flight = normalise_traveller({c: item.get(c) for c in schemas.flight_columns()})
    missing = [c for c in schemas.flight_key_columns() if not flight.get(c)]
    if missing:
        result.quarantine.append(QuarantineRecord(
            path, where, "MISSING_FLIGHT_KEY",
            f"{path}: {where}: no {', '.join(missing)}: {len(travellers)} traveller(s) cannot be attributed "
            "to a flight", json.dumps(item)[:2000], travellers=len(travellers)))
        return
    manifest = Manifest(**{c: flight.get(c) for c in schemas.flight_columns()},  # type: ignore[arg-type]
                        message_ref=item.get("message_ref"), source_format="json",
                        declared_total=_int_or_none(item.get("declared_total")),
                        parts=_int_or_none(item.get("parts")) or 1, source_file=path)
    for t_index, traveller in enumerate(travellers):
        ref = f"{where}.travellers[{t_index}]"
        if not isinstance(traveller, dict):
            result.quarantine.append(QuarantineRecord(path, ref, "TRAVELLER_UNREADABLE",
                                                      f"{path}: {ref}: not an object", json.dumps(traveller)))
            continue
        known = normalise_traveller({c: traveller.get(c) for c in schemas.traveller_columns()})
        extras = {k: v for k, v in traveller.items() if k not in known}
        record: dict[str, Any] = {**known, **extras, "source_line": ref}
        manifest.travellers.append(record)
        manifest.documents.extend(traveller_documents(record))
    declared = str(item.get("message_type") or "").upper()
    manifest.message_type = declared if declared in ("PAX", "CREW") else list_type(manifest.travellers)
    result.manifests.append(manifest)


def _int_or_none(value: Any) -> int | None:
    try:
        return int(value) if value is not None and value != "" else None
    except (TypeError, ValueError):
        return None
