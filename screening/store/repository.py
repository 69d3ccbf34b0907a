"""Writes and reads the pipeline's records. Every write is keyed so a re-run replaces, never duplicates."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from screening.model import Flag, Manifest, QuarantineRecord, Sanction
from screening.store.models import (
    AuditEvent,
    FlagRecord,
    IngestedFile,
    ManifestRecord,
    QuarantineEntry,
    SanctionDecisionRecord,
    SanctionRecord,
    ScreeningRun,
    TravellerRecord,
)

FINAL_SANCTION_STATUSES = {"CONFIRMED", "APPEALED"}


def utcnow() -> datetime:
    return datetime.now(UTC)


def flag_key(flag: Flag) -> str:
    """What makes a flag the same flag on a re-run (its traveller, rule, list entry and wording)."""
    raw = "|".join([flag.traveller_ref, flag.rule_id, flag.watchlist_entry_id, flag.list_name, flag.explanation])
    return hashlib.sha1(raw.encode()).hexdigest()


def audit(session: Session, actor: str, action: str, subject: str, detail: dict[str, Any] | None = None,
          key: str | None = None, manifest_id: str | None = None) -> None:
    """Record an event once: the same key (for example run + manifest + action) is stored only once."""
    detail = detail or {}
    raw_key = key or f"{actor}|{action}|{subject}|{json.dumps(detail, sort_keys=True, default=str)}"
    event_key = hashlib.sha1(raw_key.encode()).hexdigest()  # fixed length, whatever the caller's key
    existing = session.scalar(select(AuditEvent).where(AuditEvent.event_key == event_key))
    if existing is None:
        session.add(AuditEvent(event_key=event_key, at=utcnow(), actor=actor, action=action, subject=subject,
                               detail=detail, manifest_id=manifest_id))


def start_run(session: Session, run_id: str, rules_version: str, list_version: str) -> None:
    run = session.get(ScreeningRun, run_id)
    if run is None:
        session.add(ScreeningRun(run_id=run_id, started_at=utcnow(), finished_at=None, status="RUNNING",
                                 rules_version=rules_version, list_version=list_version, summary={}))
    else:
        run.status, run.rules_version, run.list_version = "RUNNING", rules_version, list_version


def finish_run(session: Session, run_id: str, summary: dict[str, Any], status: str = "SUCCESS") -> None:
    run = session.get(ScreeningRun, run_id)
    if run is not None:
        run.finished_at, run.status, run.summary = utcnow(), status, summary


def record_ingested_file(session: Session, checksum: str, original_name: str, raw_path: str, status: str,
                         reason: str | None = None) -> bool:
    """True when the file is new; a file already landed (same checksum) is recognised, not re-added."""
    existing = session.get(IngestedFile, checksum)
    if existing is not None:
        existing.status, existing.reason = status, reason
        return False
    session.add(IngestedFile(checksum=checksum, original_name=original_name, raw_path=raw_path,
                             landed_at=utcnow(), status=status, reason=reason))
    return True


def mark_file(session: Session, raw_path: str, status: str) -> None:
    """SCREENED or QUARANTINED once a run has dealt with a landed file (the overdue alert watches LANDED)."""
    for record in session.scalars(select(IngestedFile).where(IngestedFile.raw_path == raw_path)):
        record.status = status


def save_manifest_results(session: Session, *, run_id: str, manifest: Manifest, screened: list[dict[str, Any]],
                          quarantined: int, flags: list[Flag], sanctions: list[Sanction],
                          validation: dict[str, Any], rules_version: str, list_version: str) -> None:
    """Replace this manifest's results under this rules version in one transaction."""
    manifest_id = manifest.manifest_id
    record = session.get(ManifestRecord, manifest_id)
    values = dict(
        carrier=manifest.carrier, flight_number=manifest.flight_number,
        departure_airport=manifest.departure_airport, arrival_airport=manifest.arrival_airport,
        scheduled_departure=manifest.scheduled_departure, scheduled_arrival=manifest.scheduled_arrival,
        transmitted_at=manifest.transmitted_at, message_ref=manifest.message_ref,
        message_type=manifest.message_type, declared_total=manifest.declared_total, parts=manifest.parts,
        source_file=manifest.source_file, travellers_in=len(manifest.travellers),
        travellers_screened=len(screened), travellers_quarantined=quarantined, last_run_id=run_id,
        rules_version=rules_version, list_version=list_version, screened_at=utcnow(), validation=validation,
    )
    if record is None:
        session.add(ManifestRecord(manifest_id=manifest_id, **values))
    else:
        for key, value in values.items():
            setattr(record, key, value)
    session.flush()
    session.execute(delete(TravellerRecord).where(TravellerRecord.manifest_id == manifest_id))
    session.add_all(TravellerRecord(manifest_id=manifest_id, traveller_ref=str(t.get("traveller_ref") or ""),
                                    data=_jsonable(t)) for t in manifest.travellers)
    session.execute(delete(FlagRecord).where(FlagRecord.manifest_id == manifest_id,
                                             FlagRecord.rules_version == rules_version))
    now = utcnow()
    seen: set[str] = set()
    for flag in flags:
        key = flag_key(flag)
        if key in seen:
            continue
        seen.add(key)
        session.add(FlagRecord(
            manifest_id=manifest_id, rules_version=rules_version, flag_key=key, run_id=run_id,
            carrier=flag.carrier, flight_number=flag.flight_number, traveller_ref=flag.traveller_ref,
            flag_type=flag.flag_type, rule_id=flag.rule_id, severity=flag.severity, score=flag.score,
            watchlist_entry_id=flag.watchlist_entry_id, list_name=flag.list_name,
            list_version=flag.list_version or list_version, explanation=flag.explanation,
            details=_jsonable(flag.details), created_at=now))
    save_sanctions(session, run_id, manifest_id, sanctions, rules_version)


def save_sanctions(session: Session, run_id: str, manifest_id: str, sanctions: Iterable[Sanction],
                   rules_version: str) -> None:
    """Upsert by deterministic sanction_id; an officer's CONFIRMED/APPEALED status survives a re-run."""
    current = {s.sanction_id: s for s in sanctions}
    decided = set(session.scalars(select(SanctionDecisionRecord.sanction_id).where(
        SanctionDecisionRecord.manifest_id == manifest_id)))
    stale = session.scalars(select(SanctionRecord).where(SanctionRecord.manifest_id == manifest_id)).all()
    for record in stale:
        if (record.sanction_id not in current and record.status not in FINAL_SANCTION_STATUSES
                and record.sanction_id not in decided):
            session.delete(record)
    for sanction_id, sanction in current.items():
        existing = session.get(SanctionRecord, sanction_id)
        values = dict(manifest_id=manifest_id, carrier=sanction.carrier, flight_number=sanction.flight_number,
                      traveller_ref=sanction.traveller_ref, rule_id=sanction.rule_id, framework=sanction.framework,
                      amount=sanction.amount, currency=sanction.currency, explanation=sanction.explanation,
                      rules_version=sanction.rules_version or rules_version, run_id=run_id, updated_at=utcnow())
        if existing is None:
            session.add(SanctionRecord(sanction_id=sanction_id, status=sanction.status, **values))
        else:
            for key, value in values.items():
                setattr(existing, key, value)
            if existing.status not in FINAL_SANCTION_STATUSES and sanction_id not in decided:
                existing.status = sanction.status  # an officer's decision (even WAIVED) survives a re-run


def save_quarantine(session: Session, run_id: str, records: Iterable[QuarantineRecord]) -> None:
    for q in records:
        existing = session.scalar(select(QuarantineEntry).where(
            QuarantineEntry.source_file == q.source_file, QuarantineEntry.record_ref == q.record_ref,
            QuarantineEntry.reason_code == q.reason_code))
        if existing is None:
            session.add(QuarantineEntry(run_id=run_id, source_file=q.source_file, record_ref=q.record_ref,
                                        reason_code=q.reason_code, message=q.message, raw=q.raw,
                                        travellers=q.travellers, created_at=utcnow()))
        else:
            existing.run_id, existing.message, existing.raw = run_id, q.message, q.raw


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str))


def query_audit(session: Session, since: datetime | None = None, actor: str | None = None,
                manifest_id: str | None = None, limit: int = 200) -> list[AuditEvent]:
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
