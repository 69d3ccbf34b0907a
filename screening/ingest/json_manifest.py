"""JSON manifest reader: the shape `screening parse --json` prints, one manifest object, or a list.

A traveller may carry extra keys (for example "mrz": [lines] or "documents": [...]); they are kept."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from screening import quarantine_reasons as reasons
from screening import schemas
from screening.errors import InputError
from screening.ingest import paxlst_controls as ctl
from screening.ingest.normalise import clean_result, normalise_traveller, traveller_documents, usable_count
from screening.ingest.tabular import decode_text
from screening.model import Manifest, ParseResult, QuarantineRecord, list_type, new_traveller


def parse_manifest_json(path: str | Path, data: bytes | None = None) -> ParseResult:
    path = str(path)
    if data is None:
        data = Path(path).read_bytes()
    text = decode_text(data, path)
    try:
        document = json.loads(text, parse_int=_json_int)
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}: line {exc.lineno}: not valid JSON ({exc.msg})") from exc
    except RecursionError as exc:
        raise InputError(
            f"{path}: JSON nested too deeply to read (arrays or objects inside each other "
            "more than about a thousand levels)"
        ) from exc
    except ValueError as exc:  # numbers Python refuses to convert
        raise InputError(f"{path}: not readable JSON ({str(exc)[:120]})") from exc
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
        held = len(result.quarantine)
        try:
            _read_manifest(path, index, item, result)
        except RecursionError:  # a value nested too deeply to turn into text: this manifest alone
            del result.quarantine[held:]
            travellers = item.get("travellers") if isinstance(item, dict) else None
            result.quarantine.append(
                QuarantineRecord(
                    path,
                    f"manifests[{index}]",
                    reasons.MANIFEST_UNREADABLE,
                    f"{path}: manifests[{index}]: a value is nested too deeply to read",
                    "",
                    travellers=len(travellers) if isinstance(travellers, list) else 0,
                )
            )
    return clean_result(result)


def _json_int(text: str) -> int | str:
    """JSON integers as int, except absurdly long ones (kept as text: never a 5,000-digit conversion)."""
    return int(text) if len(text) <= 18 else text


def _text(value: Any) -> str | None:
    return None if value is None or isinstance(value, (list, dict)) else str(value)[:128]


def _dump(value: Any) -> str:
    """Raw text of a quarantined JSON value (bounded)."""
    try:
        return json.dumps(value)[:2000]
    except (ValueError, TypeError, RecursionError):
        return repr(value)[:2000]


def _read_manifest(path: str, index: int, item: Any, result: ParseResult) -> None:
    """One manifest object: quarantined whole without a travellers list or a flight key, else a Manifest."""
    where = f"manifests[{index}]"
    travellers = item.get("travellers") if isinstance(item, dict) else None
    if not isinstance(item, dict) or not isinstance(travellers, list):
        count = len(travellers) if isinstance(travellers, list) else 1 if isinstance(travellers, dict) else 0
        result.quarantine.append(
            QuarantineRecord(
                path,
                where,
                reasons.MANIFEST_UNREADABLE,
                f"{path}: {where}: not an object with a travellers list",
                _dump(item),
                travellers=count,
            )
        )
        return
    flight = normalise_traveller({c: item.get(c) for c in schemas.flight_columns()})
    missing = [c for c in schemas.flight_key_columns() if not flight.get(c)]
    if missing:
        result.quarantine.append(
            QuarantineRecord(
                path,
                where,
                reasons.MISSING_FLIGHT_KEY,
                f"{path}: {where}: no {', '.join(missing)}: {len(travellers)} traveller(s) cannot be attributed "
                "to a flight",
                _dump(item),
                travellers=len(travellers),
            )
        )
        return
    manifest = Manifest(
        **{c: flight.get(c) for c in schemas.flight_columns()},  # type: ignore[arg-type]
        message_ref=_text(item.get("message_ref")),
        source_format="json",
        declared_total=usable_count(item.get("declared_total")),
        parts=usable_count(item.get("parts")) or 1,
        source_file=path,
    )
    if item.get("declared_total") not in (None, "") and manifest.declared_total is None:
        ctl.attach(
            manifest,
            ctl.FINDINGS_ATTR,
            [ctl.finding("DQ_VALUE_CLEANED", f"{where}: declared_total is not a usable count; ignored", where)],
        )
    _read_travellers(path, where, travellers, manifest, result)
    declared = str(item.get("message_type") or "").upper()
    manifest.message_type = declared if declared in ("PAX", "CREW") else list_type(manifest.travellers)
    result.manifests.append(manifest)


def _read_travellers(path: str, where: str, travellers: list[Any], manifest: Manifest, result: ParseResult) -> None:
    """Each traveller object into the manifest, with its documents and its own extra keys; anything else
    in the list is quarantined (one traveller each)."""
    for t_index, traveller in enumerate(travellers):
        ref = f"{where}.travellers[{t_index}]"
        if not isinstance(traveller, dict):
            result.quarantine.append(
                QuarantineRecord(
                    path, ref, reasons.TRAVELLER_UNREADABLE, f"{path}: {ref}: not an object", _dump(traveller)
                )
            )
            continue
        known = normalise_traveller({c: traveller.get(c) for c in schemas.traveller_columns()})
        extras = {k: v for k, v in traveller.items() if k not in known}
        record = new_traveller(known, ref, extras)
        manifest.travellers.append(record)
        manifest.documents.extend(traveller_documents(record))
