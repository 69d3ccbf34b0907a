"""Writes and reads the pipeline's records. Every write is keyed so a re-run replaces, never duplicates."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections import Counter
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from screening.model import Flag, Manifest, QuarantineRecord, Sanction, Traveller
from screening.store.models import (
    AuditEvent,
    FlagRecord,
    IngestedFile,
    ManifestRecord,
    ManifestTransmission,
    QuarantineEntry,
    SanctionDecisionRecord,
    SanctionRecord,
    ScreeningRun,
    TravellerRecord,
)
from screening.vocabulary import DECIDED_STATUSES

FINAL_SANCTION_STATUSES = DECIDED_STATUSES  # officers' decisions, kept on re-runs


def utcnow() -> datetime:
    return datetime.now(UTC)


def flag_key(flag: Flag) -> str:
    """What makes a flag the same flag on a re-run (its traveller, rule, list entry and wording)."""
    raw = "|".join([flag.traveller_ref, flag.rule_id, flag.watchlist_entry_id, flag.list_name, flag.explanation])
    return hashlib.sha1(raw.encode()).hexdigest()


def audit(
    session: Session,
    actor: str,
    action: str,
    subject: str,
    detail: dict[str, Any] | None = None,
    key: str | None = None,
    manifest_id: str | None = None,
) -> None:
    """Record an event once: the same key (for example run + manifest + action) is stored only once."""
    detail = detail or {}
    raw_key = key or f"{actor}|{action}|{subject}|{json.dumps(detail, sort_keys=True, default=str)}"
    event_key = hashlib.sha1(raw_key.encode()).hexdigest()  # fixed length, whatever the caller's key
    existing = session.scalar(select(AuditEvent).where(AuditEvent.event_key == event_key))
    if existing is None:
        session.add(
            AuditEvent(
                event_key=event_key,
                at=utcnow(),
                actor=actor,
                action=action,
                subject=subject,
                detail=detail,
                manifest_id=manifest_id,
            )
        )


def start_run(session: Session, run_id: str, rules_version: str, list_version: str) -> None:
    run = session.get(ScreeningRun, run_id)
    if run is None:
        session.add(
            ScreeningRun(
                run_id=run_id,
                started_at=utcnow(),
                finished_at=None,
                status="RUNNING",
                rules_version=rules_version,
                list_version=list_version,
                summary={},
            )
        )
    else:
        run.status, run.rules_version, run.list_version = "RUNNING", rules_version, list_version


def finish_run(session: Session, run_id: str, summary: dict[str, Any], status: str = "SUCCESS") -> None:
    run = session.get(ScreeningRun, run_id)
    if run is not None:
        run.finished_at, run.status, run.summary = utcnow(), status, summary


def record_ingested_file(
    session: Session, checksum: str, original_name: str, raw_path: str, status: str, reason: str | None = None
) -> bool:
    """True when the file is new; a file already landed (same checksum) is recognised, not re-added."""
    existing = session.get(IngestedFile, checksum)
    if existing is not None:
        existing.status, existing.reason = status, reason
        return False
    session.add(
        IngestedFile(
            checksum=checksum,
            original_name=original_name,
            raw_path=raw_path,
            landed_at=utcnow(),
            status=status,
            reason=reason,
        )
    )
    return True


def mark_file(session: Session, raw_path: str, status: str) -> None:
    """SCREENED or QUARANTINED once a run has dealt with a landed file (the overdue alert watches LANDED)."""
    for record in session.scalars(select(IngestedFile).where(IngestedFile.raw_path == raw_path)):
        record.status = status


def save_manifest_results(
    session: Session,
    *,
    run_id: str,
    manifest: Manifest,
    screened: list[Traveller],
    quarantined: int,
    flags: list[Flag],
    sanctions: list[Sanction],
    validation: dict[str, Any],
    rules_version: str,
    list_version: str,
) -> dict[str, Any]:
    """Replace this manifest's results under this rules version in one transaction. Returns (and, for a
    re-screen, audits as `manifest_rescreened`) what changed: flags and sanctions added and removed, and
    sanction amounts old -> new."""
    manifest_id = manifest.manifest_id
    record = session.get(ManifestRecord, manifest_id)
    before = _results_of(session, manifest_id, record.rules_version if record is not None else None)
    values = _manifest_values(
        manifest,
        screened=len(screened),
        quarantined=quarantined,
        run_id=run_id,
        rules_version=rules_version,
        list_version=list_version,
        validation=validation,
    )
    if record is None:
        session.add(ManifestRecord(manifest_id=manifest_id, **values))
    else:
        for key, value in values.items():
            setattr(record, key, value)
    session.flush()
    _replace_travellers(session, manifest)
    saved = _replace_flags(session, run_id, manifest_id, flags, rules_version, list_version)
    save_sanctions(session, run_id, manifest_id, sanctions, rules_version)
    record_transmission(session, run_id, manifest, flags=saved, sanctions=len(sanctions))
    session.flush()
    changes = _changes(before, _results_of(session, manifest_id, rules_version))
    if record is not None and any(changes.values()):  # an identical re-run (a retry) changes nothing
        audit(
            session,
            "pipeline",
            "manifest_rescreened",
            manifest_id,
            changes,
            key=f"rescreen|{run_id}|{manifest_id}|{rules_version}",
            manifest_id=manifest_id,
        )
    return changes


def _manifest_values(
    manifest: Manifest,
    *,
    screened: int,
    quarantined: int,
    run_id: str,
    rules_version: str,
    list_version: str,
    validation: dict[str, Any],
) -> dict[str, Any]:
    """The manifests row of this screening: the flight as transmitted, its counts and versions."""
    return dict(
        carrier=manifest.carrier,
        flight_number=manifest.flight_number,
        departure_airport=manifest.departure_airport,
        arrival_airport=manifest.arrival_airport,
        scheduled_departure=manifest.scheduled_departure,
        scheduled_arrival=manifest.scheduled_arrival,
        transmitted_at=manifest.transmitted_at,
        message_ref=manifest.message_ref,
        message_type=manifest.message_type,
        declared_total=manifest.declared_total,
        parts=manifest.parts,
        source_file=manifest.source_file,
        travellers_in=len(manifest.travellers),
        travellers_screened=screened,
        travellers_quarantined=quarantined,
        last_run_id=run_id,
        rules_version=rules_version,
        list_version=list_version,
        screened_at=utcnow(),
        validation=validation,
    )


def _replace_travellers(session: Session, manifest: Manifest) -> None:
    """The manifest's travellers as declared (the latest transmission's)."""
    manifest_id = manifest.manifest_id
    session.execute(delete(TravellerRecord).where(TravellerRecord.manifest_id == manifest_id))
    session.add_all(
        TravellerRecord(
            manifest_id=manifest_id, traveller_ref=str(t.get("traveller_ref") or ""), data=_traveller_data(manifest, t)
        )
        for t in manifest.travellers
    )


def _replace_flags(
    session: Session, run_id: str, manifest_id: str, flags: list[Flag], rules_version: str, list_version: str
) -> int:
    """This manifest's flags under this rules version, one per flag key; returns how many were saved."""
    session.execute(
        delete(FlagRecord).where(FlagRecord.manifest_id == manifest_id, FlagRecord.rules_version == rules_version)
    )
    now = utcnow()
    seen: set[str] = set()
    for flag in flags:
        key = flag_key(flag)
        if key in seen:
            continue
        seen.add(key)
        session.add(
            FlagRecord(
                manifest_id=manifest_id,
                rules_version=rules_version,
                flag_key=key,
                run_id=run_id,
                carrier=flag.carrier,
                flight_number=flag.flight_number,
                traveller_ref=flag.traveller_ref,
                flag_type=flag.flag_type,
                rule_id=flag.rule_id,
                severity=flag.severity,
                score=flag.score,
                watchlist_entry_id=flag.watchlist_entry_id,
                list_name=flag.list_name,
                list_version=flag.list_version or list_version,
                explanation=flag.explanation,
                details=_jsonable(flag.details),
                created_at=now,
            )
        )
    return len(seen)


def _results_of(session: Session, manifest_id: str, rules_version: str | None) -> dict[str, Any]:
    flags: Counter[str] = Counter()
    if rules_version is not None:
        for f in session.scalars(
            select(FlagRecord).where(FlagRecord.manifest_id == manifest_id, FlagRecord.rules_version == rules_version)
        ):
            flags[
                f"{f.traveller_ref or '-'}:{f.rule_id}" + (f":{f.watchlist_entry_id}" if f.watchlist_entry_id else "")
            ] += 1
    sanctions = {
        s.sanction_id: (s.rule_id, s.traveller_ref, s.amount, s.currency, s.status)
        for s in session.scalars(select(SanctionRecord).where(SanctionRecord.manifest_id == manifest_id))
    }
    return {"flags": flags, "sanctions": sanctions}


def _changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """What a re-screen changed, by traveller and rule (no personal data: references and rule ids only)."""
    added = sorted((after["flags"] - before["flags"]).elements())
    removed = sorted((before["flags"] - after["flags"]).elements())
    old, new = before["sanctions"], after["sanctions"]
    amounts = [
        f"{sid} {new[sid][0]}: {old[sid][3]} {old[sid][2]:,.2f} -> {new[sid][3]} {new[sid][2]:,.2f}"
        for sid in sorted(set(old) & set(new))
        if (old[sid][2], old[sid][3]) != (new[sid][2], new[sid][3])
    ]
    return {
        "flags_added": added,
        "flags_removed": removed,
        "sanctions_added": sorted(
            f"{sid} {new[sid][0]} {new[sid][3]} {new[sid][2]:,.2f}" for sid in set(new) - set(old)
        ),
        "sanctions_removed": sorted(
            f"{sid} {old[sid][0]} {old[sid][3]} {old[sid][2]:,.2f}" for sid in set(old) - set(new)
        ),
        "amounts_changed": amounts,
    }


def transmission_key(manifest: Manifest) -> str:
    """What tells two transmissions of one list apart: file, message reference, time and travellers sent."""
    refs = sorted(str(t.get("traveller_ref") or "") for t in manifest.travellers)
    raw = json.dumps([manifest.source_file, manifest.message_ref, manifest.transmitted_at, refs])
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


def record_transmission(session: Session, run_id: str, manifest: Manifest, *, flags: int, sanctions: int) -> None:
    """The manifest's history: this transmission is current, any other is marked superseded (and audited)
    rather than silently replaced. The same transmission screened again updates its own row."""
    key = transmission_key(manifest)
    now = utcnow()
    rows = session.scalars(
        select(ManifestTransmission).where(ManifestTransmission.manifest_id == manifest.manifest_id)
    ).all()
    current = next((r for r in rows if r.transmission_key == key), None)
    for row in rows:
        if row is not current and row.superseded_at is None:
            row.superseded_at, row.superseded_by = now, key
            audit(
                session,
                "pipeline",
                "manifest_superseded",
                manifest.manifest_id,
                {
                    "earlier": row.transmission_key,
                    "later": key,
                    "earlier_travellers": row.travellers_in,
                    "later_travellers": len(manifest.travellers),
                },
                key=f"superseded|{row.transmission_key}|{key}",
                manifest_id=manifest.manifest_id,
            )
    values = dict(
        run_id=run_id,
        source_file=manifest.source_file,
        message_ref=manifest.message_ref,
        transmitted_at=manifest.transmitted_at,
        received_at=now,
        travellers_in=len(manifest.travellers),
        flags=flags,
        sanctions=sanctions,
        superseded_at=None,
        superseded_by=None,
    )
    if current is None:
        session.add(ManifestTransmission(manifest_id=manifest.manifest_id, transmission_key=key, **values))
    else:
        for name, value in values.items():
            setattr(current, name, value)


def transmissions(session: Session, manifest_id: str) -> list[ManifestTransmission]:
    """A manifest's transmissions, oldest first (the last one not superseded is current)."""
    return list(
        session.scalars(
            select(ManifestTransmission)
            .where(ManifestTransmission.manifest_id == manifest_id)
            .order_by(ManifestTransmission.id)
        )
    )


def save_sanctions(
    session: Session, run_id: str, manifest_id: str, sanctions: Iterable[Sanction], rules_version: str
) -> None:
    """Upsert by deterministic sanction_id; an officer's CONFIRMED/APPEALED status survives a re-run."""
    current = {s.sanction_id: s for s in sanctions}
    decided = set(
        session.scalars(
            select(SanctionDecisionRecord.sanction_id).where(SanctionDecisionRecord.manifest_id == manifest_id)
        )
    )
    stale = session.scalars(select(SanctionRecord).where(SanctionRecord.manifest_id == manifest_id)).all()
    for record in stale:
        if (
            record.sanction_id not in current
            and record.status not in FINAL_SANCTION_STATUSES
            and record.sanction_id not in decided
        ):
            session.delete(record)
    for sanction_id, sanction in current.items():
        existing = session.get(SanctionRecord, sanction_id)
        values = dict(
            manifest_id=manifest_id,
            carrier=sanction.carrier,
            flight_number=sanction.flight_number,
            traveller_ref=sanction.traveller_ref,
            rule_id=sanction.rule_id,
            framework=sanction.framework,
            amount=sanction.amount,
            currency=sanction.currency,
            explanation=sanction.explanation,
            rules_version=sanction.rules_version or rules_version,
            run_id=run_id,
            updated_at=utcnow(),
        )
        if existing is None:
            session.add(SanctionRecord(sanction_id=sanction_id, status=sanction.status, **values))
        else:
            for key, value in values.items():
                setattr(existing, key, value)
            if existing.status not in FINAL_SANCTION_STATUSES and sanction_id not in decided:
                existing.status = sanction.status  # an officer's decision (even WAIVED) survives a re-run


def save_quarantine(session: Session, run_id: str, records: Iterable[QuarantineRecord]) -> None:
    """Raw text is stored without NUL characters: PostgreSQL text cannot hold them (a binary carrier file)."""
    for q in records:
        q = dataclasses.replace(q, raw=q.raw.replace("\x00", "\ufffd"), message=q.message.replace("\x00", ""))
        existing = session.scalar(
            select(QuarantineEntry).where(
                QuarantineEntry.source_file == q.source_file,
                QuarantineEntry.record_ref == q.record_ref,
                QuarantineEntry.reason_code == q.reason_code,
            )
        )
        if existing is None:
            session.add(
                QuarantineEntry(
                    run_id=run_id,
                    source_file=q.source_file,
                    record_ref=q.record_ref,
                    reason_code=q.reason_code,
                    message=q.message,
                    raw=q.raw,
                    travellers=q.travellers,
                    created_at=utcnow(),
                )
            )
        else:
            existing.run_id, existing.message, existing.raw = run_id, q.message, q.raw


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str))


def query_audit(
    session: Session,
    since: datetime | None = None,
    actor: str | None = None,
    manifest_id: str | None = None,
    limit: int = 200,
) -> list[AuditEvent]:
    """Audit events, newest first. `manifest_id` matches events recorded for the manifest (the column) or
    about it (subject), so the pipeline's own entries and officers' decisions both show."""
    query = select(AuditEvent)
    if since is not None:
        query = query.where(AuditEvent.at >= since)
    if actor:
        query = query.where(AuditEvent.actor == actor)
    if manifest_id:
        query = query.where(or_(AuditEvent.manifest_id == manifest_id, AuditEvent.subject == manifest_id))
    return list(session.scalars(query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(limit)))


def _traveller_data(manifest: Manifest, traveller: Traveller) -> dict[str, Any]:
    """The traveller as declared, plus what backtests need of its further documents (`_documents`: types,
    issuers, expiry, whether a number was sent; never the number, which retention would not cover)."""
    data = _jsonable(traveller)
    ref = str(traveller.get("traveller_ref") or "")
    docs = [
        {
            "document_type": d.get("document_type"),
            "issuing_state": d.get("issuing_state"),
            "expiry": d.get("expiry"),
            "is_visa": bool(d.get("is_visa")),
            "has_number": bool(str(d.get("document_number") or "").strip()),
        }
        for d in manifest.documents or []
        if str(d.get("traveller_ref") or "") == ref
    ]
    if docs:
        data["_documents"] = _jsonable(docs)
    return data
