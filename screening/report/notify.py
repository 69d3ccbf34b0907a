"""Hit notifications for partner states: watchlist and lost/stolen document hits on one flight, with only
the fields the partner needs to act (schemas/hit_notification.schema.json, additionalProperties false).
Validated before writing; every notification is in the audit trail."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema

from screening.errors import InputError
from screening.report import queries as q
from screening.report.exports import audited_write, default_actor
from screening.report.render import safe_name
from screening.resources import schemas_dir
from screening.store.models import ManifestRecord

SCHEMA_NAME = "hit_notification.schema.json"


@cache
def notification_schema() -> dict[str, Any]:
    with (schemas_dir() / SCHEMA_NAME).open(encoding="utf-8") as handle:
        return json.load(handle)


def validate_notification(document: dict[str, Any]) -> None:
    """Raise InputError naming the failing field (never its value: it may be personal data)."""
    validator = jsonschema.Draft202012Validator(
        notification_schema(), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
    if errors:
        first = errors[0]
        raise InputError(
            f"hit notification does not match {SCHEMA_NAME} at {first.json_path} "
            f"({first.validator} check failed; {len(errors)} problem(s) in all)"
        )


def _blank_to_none(value: Any) -> Any:
    return value if value not in ("", None) else None


def _hit(flag: Any, data: dict[str, Any]) -> dict[str, Any]:
    number = data.get("document_number") or ""
    return {
        "traveller_ref": flag.traveller_ref,
        "surname": data.get("surname") or "",
        "given_names": data.get("given_names") or "",
        "date_of_birth": _blank_to_none(data.get("date_of_birth")),
        "nationality": _blank_to_none(data.get("nationality")),
        "document": {
            "type": _blank_to_none(data.get("document_type")),
            "number": number,
            "issuing_state": _blank_to_none(data.get("document_issuing_state")),
        }
        if number
        else None,
        "rule_id": flag.rule_id,
        "list_name": _blank_to_none(flag.list_name),
        "list_entry_id": _blank_to_none(flag.watchlist_entry_id),
        "score": flag.score,
        "reason": flag.explanation or flag.rule_id,
    }


def _flight(manifest: ManifestRecord) -> dict[str, Any]:
    return {
        "manifest_id": manifest.manifest_id,
        "carrier": manifest.carrier,
        "flight_number": manifest.flight_number,
        "departure_airport": manifest.departure_airport,
        "arrival_airport": manifest.arrival_airport,
        "scheduled_departure": manifest.scheduled_departure,
        "scheduled_arrival": manifest.scheduled_arrival,
    }


def build_notification(
    database_url: str,
    manifest_id: str,
    recipient_state: str,
    traveller_refs: Sequence[str] = (),
    issued_at: str | None = None,
) -> dict[str, Any]:
    """The notification for the hits on one flight (optionally only some travellers), validated."""
    from datetime import UTC, datetime

    state = recipient_state.strip().upper()
    with q.read_session(database_url) as session:
        manifest = q.get_manifest(session, manifest_id)
        wanted = set(traveller_refs)
        flags = [
            f
            for f in q.current_flags(session, [manifest])
            if f.rule_id in q.HIT_RULES and f.traveller_ref and (not wanted or f.traveller_ref in wanted)
        ]
        missing = wanted - {f.traveller_ref for f in flags}
        if missing:
            raise InputError(
                f"no watchlist or lost/stolen document hit for traveller_ref {sorted(missing)[0]!r} "
                f"on manifest {manifest_id!r}"
            )
        if not flags:
            raise InputError(f"manifest {manifest_id!r} has no watchlist or lost/stolen document hits to notify")
        data = {t.traveller_ref: t.data for t in q.travellers_of(session, manifest_id)}
        flags.sort(key=lambda f: (-q.SEVERITY_RANK.get(f.severity, 0), -(f.score or 0), f.traveller_ref, f.rule_id))
        hits = [_hit(f, data.get(f.traveller_ref, {})) for f in flags]
        flight = _flight(manifest)
    identity = "|".join(
        [manifest_id, state, *sorted(f"{f.traveller_ref}:{f.rule_id}:{f.watchlist_entry_id}" for f in flags)]
    )
    document = {
        "schema_version": "1.0",
        "notification_id": "N-" + hashlib.sha1(identity.encode()).hexdigest()[:16],
        "issued_at": issued_at or datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "recipient_state": state,
        "flight": flight,
        "hits": hits,
    }
    validate_notification(document)
    return document


def notification_path(reports_dir: Path, manifest_id: str, recipient_state: str) -> Path:
    return Path(reports_dir) / "notifications" / f"{safe_name(manifest_id)}_{safe_name(recipient_state.upper())}.json"


def write_notification(
    database_url: str,
    manifest_id: str,
    recipient_state: str,
    out: Path,
    *,
    traveller_refs: Sequence[str] = (),
    actor: str | None = None,
) -> Path:
    """Build, validate and write the notification to `out` (a .json file, or a folder for the default name),
    logging who sent which travellers' hits to which state."""
    document = build_notification(database_url, manifest_id, recipient_state, traveller_refs)
    path = out if out.suffix == ".json" else notification_path(out, manifest_id, document["recipient_state"])
    text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    return audited_write(
        database_url,
        path,
        text,
        actor=actor or default_actor(),
        action="hit_notification",
        subject=manifest_id,
        detail={
            "recipient_state": document["recipient_state"],
            "notification_id": document["notification_id"],
            "traveller_refs": sorted({h["traveller_ref"] for h in document["hits"]}),
        },
    )
