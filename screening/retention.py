"""Personal-data retention: after the periods of rules/retention.yaml, personal data is pseudonymised or
deleted everywhere the inventory (screening.personal_data) says it lives: traveller rows, flag and sanction
explanations, quarantined text, landed files, work and run folders, multi-part parts, reports, exports,
notifications and alerts. One audit event per run gives the counts per kind, never the data itself."""

from __future__ import annotations

import csv
import json
import logging
import shutil
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from screening import personal_data as inv
from screening.errors import RulesError
from screening.pseudonyms import PseudonymKey, dry_run_key, pseudonym_key, pseudonymise_traveller
from screening.pseudonyms import pseudonym as _pseudonym
from screening.store import repository as repo
from screening.store.db import get_engine, safe_url, session_scope, upgrade_database
from screening.store.models import (
    AuditEvent,
    FlagRecord,
    IngestedFile,
    ManifestRecord,
    QuarantineEntry,
    SanctionRecord,
    TravellerRecord,
)
from screening.vocabulary import DATA_QUALITY

log = logging.getLogger(__name__)
REMOVED = "removed by data retention"
Ref = tuple[str, str]


class RetentionPolicy(BaseModel):
    model_config = ConfigDict(extra="forbid")

    unflagged_travellers_hours: float = Field(24, gt=0)
    flagged_travellers_hours: float = Field(8760, gt=0)
    raw_files_hours: float = Field(24, gt=0)
    quarantined_records_hours: float = Field(720, gt=0)
    action: Literal["pseudonymise", "delete"] = "pseudonymise"

    def period(self, rule: str) -> timedelta:
        return timedelta(hours=float(getattr(self, rule)))


def load_retention_policy(rules_dir: Path) -> RetentionPolicy:
    path = rules_dir / "retention.yaml"
    if not path.exists():
        return RetentionPolicy()
    try:
        data = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("retention", {})
        return RetentionPolicy.model_validate(data)
    except (yaml.YAMLError, ValidationError) as exc:
        raise RulesError(
            f"{path}: invalid retention policy ({exc.__class__.__name__}: {str(exc).splitlines()[0]})"
        ) from exc


@dataclass
class RetentionReport:
    """Counts per kind of record or file; `dry_run` means nothing was changed (the counts say what would be)."""

    counts: Counter[str] = field(default_factory=Counter)
    dry_run: bool = False
    key_source: str = ""

    def __getattr__(self, name: str) -> int:  # report.travellers_pseudonymised etc.
        if name.startswith("_") or name in ("counts", "dry_run", "key_source"):
            raise AttributeError(name)
        return self.counts.get(name, 0)

    def as_dict(self) -> dict[str, int]:
        return {k: v for k, v in sorted(self.counts.items()) if v}


def pseudonym(value: str) -> str:
    """Kept for callers of the old API: the keyed hash under the configured (never built-in) key."""
    return _pseudonym(value)


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


@dataclass
class _Deadlines:
    """When each traveller's period ends, from the store: flagged travellers keep the longer period."""

    policy: RetentionPolicy
    now: datetime
    due: dict[Ref, datetime] = field(default_factory=dict)

    def traveller_due(self, ref: Ref, fallback: datetime, flag_type: str = "") -> bool:
        if ref in self.due:
            return self.due[ref] <= self.now
        # no traveller row: a quarantined traveller's data-quality flag, or a traveller already deleted
        rule = inv.QUARANTINED if flag_type == DATA_QUALITY else inv.FLAGGED
        return _aware(fallback) + self.policy.period(rule) <= self.now


def _deadlines(session: Session, policy: RetentionPolicy, now: datetime) -> _Deadlines:
    flagged = {
        (m, t)
        for m, t in session.execute(
            select(FlagRecord.manifest_id, FlagRecord.traveller_ref).where(FlagRecord.flag_type != DATA_QUALITY)
        )
    }
    screened = dict(session.execute(select(ManifestRecord.manifest_id, ManifestRecord.screened_at)).all())
    result = _Deadlines(policy, now)
    for manifest_id, ref in session.execute(select(TravellerRecord.manifest_id, TravellerRecord.traveller_ref)):
        when = screened.get(manifest_id)
        if when is not None:
            rule = inv.FLAGGED if (manifest_id, ref) in flagged else inv.UNFLAGGED
            result.due[(manifest_id, ref)] = _aware(when) + policy.period(rule)
    return result


def _store(
    session: Session, policy: RetentionPolicy, now: datetime, key: PseudonymKey, report: RetentionReport
) -> tuple[_Deadlines, set[str]]:
    """Apply the STORE entries of the inventory; returns the deadlines and the manifests changed."""
    deadlines = _deadlines(session, policy, now)
    changed: set[str] = set()
    for traveller in session.scalars(select(TravellerRecord).where(TravellerRecord.pseudonymised_at.is_(None))):
        ref = (traveller.manifest_id, traveller.traveller_ref)
        if ref not in deadlines.due or deadlines.due[ref] > now:
            continue
        changed.add(traveller.manifest_id)
        if policy.action == "delete":
            session.delete(traveller)
            report.counts["travellers_deleted"] += 1
        else:
            traveller.data = pseudonymise_traveller(traveller.data, key)
            traveller.pseudonymised_at = now
            report.counts["travellers_pseudonymised"] += 1
    for flag in session.scalars(
        select(FlagRecord).where(FlagRecord.traveller_ref != "", FlagRecord.explanation.not_like(f"%{REMOVED}%"))
    ):
        if REMOVED in flag.explanation or not deadlines.traveller_due(
            (flag.manifest_id, flag.traveller_ref), flag.created_at, flag.flag_type
        ):
            continue
        flag.explanation = f"{flag.rule_id}: explanation {REMOVED} on {now.date().isoformat()}"
        flag.details = {"retention": REMOVED}
        changed.add(flag.manifest_id)
        report.counts["flag_explanations_blanked"] += 1
    for sanction in session.scalars(
        select(SanctionRecord).where(
            SanctionRecord.traveller_ref != "", SanctionRecord.explanation.not_like(f"%{REMOVED}%")
        )
    ):
        if REMOVED in sanction.explanation or not deadlines.traveller_due(
            (sanction.manifest_id, sanction.traveller_ref), sanction.updated_at
        ):
            continue
        sanction.explanation = f"{sanction.rule_id}: explanation {REMOVED} on {now.date().isoformat()}"
        changed.add(sanction.manifest_id)
        report.counts["sanction_explanations_blanked"] += 1
    cutoff = now - policy.period(inv.QUARANTINED)
    for entry in session.scalars(select(QuarantineEntry).where(QuarantineEntry.raw != "")):
        if _aware(entry.created_at) <= cutoff:
            entry.raw, entry.message = "", f"{entry.reason_code}: {REMOVED}"
            report.counts["quarantine_records_blanked"] += 1
    cutoff = now - policy.period(inv.RAW)
    for ingested in session.scalars(select(IngestedFile).where(IngestedFile.reason.is_not(None))):
        if _aware(ingested.landed_at) <= cutoff and ingested.reason != REMOVED:
            ingested.reason = REMOVED
            report.counts["file_reasons_blanked"] += 1
    return deadlines, changed


def _older(path: Path, cutoff: datetime) -> bool:
    try:
        return datetime.fromtimestamp(path.stat().st_mtime, UTC) <= cutoff
    except FileNotFoundError:
        return False


def _newest(folder: Path) -> float:
    """A folder's age is its newest file's: a run folder written to an hour ago is not old."""
    times = [p.stat().st_mtime for p in folder.rglob("*") if p.is_file()]
    return max(times, default=folder.stat().st_mtime)


def _remove(path: Path, dry_run: bool) -> None:
    if dry_run:
        return
    if path.is_dir():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def _entries(folder: Path, depth: int) -> Iterator[Path]:
    """The units a folder is cleaned in: files (depth 0) or sub-folders `depth` levels down."""
    if not folder.is_dir():
        return
    yield from (folder.glob("/".join(["*"] * depth)) if depth else (p for p in folder.iterdir() if p.is_file()))


# Inventory folder -> (units to remove: depth below the folder, count name)
_AGED = {
    "intake/": (0, "intake_files_removed"),
    "raw/": (2, "raw_files_removed"),
    "work/": (1, "work_folders_removed"),
    "runs/": (1, "run_outputs_removed"),
    "quarantine/": (0, "quarantine_files_removed"),
    "multipart/sets/": (1, "multipart_sets_removed"),
}


def _aged_folders(data_dir: Path, policy: RetentionPolicy, now: datetime, report: RetentionReport) -> None:
    for where, (depth, count) in _AGED.items():
        place = inv.file_place(where)
        assert place is not None and place.rule is not None, where
        cutoff = (now - policy.period(place.rule)).timestamp()
        for unit in list(_entries(data_dir / where, depth)):
            age = _newest(unit) if unit.is_dir() else unit.stat().st_mtime
            if unit.name.startswith(".") and depth == 0:
                continue  # a file being written (temp name)
            if age <= cutoff:
                _remove(unit, report.dry_run)
                report.counts[count] += 1
    if not report.dry_run:
        for shard in _entries(data_dir / "raw", 1):  # empty raw/<xx>/ shards
            if shard.is_dir() and not any(shard.iterdir()):
                shard.rmdir()


def _output_refs(path: Path) -> tuple[set[Ref], str | None]:
    """(manifest_id, traveller_ref) pairs an export or notification holds, and its manifest if one."""
    try:
        if path.suffix == ".csv":
            with path.open(encoding="utf-8", newline="") as handle:
                rows = list(csv.DictReader(handle))
            return {(r.get("manifest_id", ""), r.get("traveller_ref", "")) for r in rows}, None
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError):
        return set(), None
    if "hits" in document:  # a hit notification
        manifest_id = str((document.get("flight") or {}).get("manifest_id", ""))
        return {(manifest_id, str(h.get("traveller_ref", ""))) for h in document["hits"]}, manifest_id
    records = document.get("records", []) if isinstance(document, dict) else []
    return {(str(r.get("manifest_id", "")), str(r.get("traveller_ref", ""))) for r in records}, None


def _outputs(session: Session, data_dir: Path) -> list[Path]:
    """Exports and notifications: under the data dir, and wherever an audit event says one was written."""
    found = [
        p
        for sub in ("reports/exports", "reports/notifications")
        for p in _entries(data_dir / sub, 0)
        if not p.name.startswith(".")
    ]
    for detail in session.scalars(select(AuditEvent.detail).where(AuditEvent.action.in_(inv.AUDITED_OUTPUT_ACTIONS))):
        path = Path(str((detail or {}).get("path", "")))
        if path.name and path.is_file() and path not in found:
            found.append(path)
    return found


def _exports_and_notifications(
    session: Session, data_dir: Path, deadlines: _Deadlines, now: datetime, report: RetentionReport
) -> None:
    """An export or notification is a snapshot: it goes as soon as one traveller in it is past their period
    (it can be made again from the store, which then holds only pseudonyms)."""
    for path in _outputs(session, data_dir):
        refs, notified = _output_refs(path)
        people = {r for r in refs if r[1]}
        fallback = datetime.fromtimestamp(path.stat().st_mtime, UTC)
        if any(deadlines.traveller_due(ref, fallback) for ref in people) or (
            not people and fallback + deadlines.policy.period(inv.FLAGGED) <= now
        ):
            _remove(path, report.dry_run)
            report.counts["notifications_removed" if notified is not None else "exports_removed"] += 1


def _flight_reports(
    session: Session, data_dir: Path, deadlines: _Deadlines, changed: set[str], now: datetime, report: RetentionReport
) -> None:
    """A flight report is rebuilt from the store (now pseudonymised) when its manifest changed, and removed
    once every traveller on it is past their period."""
    from screening.outputs import atomic_write_text
    from screening.report.flight import flight_path, flight_view
    from screening.report.render import render

    folder = data_dir / "reports" / "flights"
    if not folder.is_dir():
        return
    by_path = {flight_path(data_dir / "reports", m): m for (m,) in session.execute(select(ManifestRecord.manifest_id))}
    last_due: dict[str, datetime] = {}  # when the last traveller of each manifest is past their period
    for (flight, _), due in deadlines.due.items():
        last_due[flight] = max(due, last_due.get(flight, due))
    for path in list(_entries(folder, 0)):
        manifest_id = by_path.get(path)
        if path.name.startswith("."):
            continue
        last = last_due.get(manifest_id or "")
        if (
            manifest_id is None
            or (last is not None and last <= now)
            or (last is None and _older(path, now - deadlines.policy.period(inv.FLAGGED)))
        ):
            _remove(path, report.dry_run)
            report.counts["flight_reports_removed"] += 1
        elif manifest_id in changed:
            if not report.dry_run:
                atomic_write_text(path, render("flight.html.j2", **flight_view(session, manifest_id)))
            report.counts["flight_reports_rebuilt"] += 1


def _alerts(data_dir: Path, policy: RetentionPolicy, now: datetime, report: RetentionReport) -> None:
    path = data_dir / "alerts.jsonl"
    if not path.exists():
        return
    cutoff = now - policy.period(inv.QUARANTINED)
    kept, dropped = [], 0
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            at = datetime.fromisoformat(json.loads(line).get("at", ""))
        except (ValueError, AttributeError):
            at = None
        if at is None or _aware(at) <= cutoff:
            dropped += 1
        else:
            kept.append(line)
    if dropped:
        report.counts["alerts_removed"] += dropped
        if not report.dry_run:
            from screening.outputs import atomic_write_text

            atomic_write_text(path, "".join(f"{line}\n" for line in kept))


def _compact_sqlite(database_url: str) -> None:
    """Deleted or overwritten values stay in SQLite's free pages and WAL until the file is rewritten."""
    if not database_url.startswith("sqlite"):
        return
    try:
        with get_engine(database_url).connect() as connection:
            connection = connection.execution_options(isolation_level="AUTOCOMMIT")
            connection.execute(text("VACUUM"))
            connection.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
    except OperationalError as exc:  # busy (a screening run is writing): the next retention run compacts
        log.warning(
            "could not compact %s now (%s); the next retention run will", safe_url(database_url), exc.__class__.__name__
        )


def apply_retention(
    database_url: str,
    data_dir: Path,
    policy: RetentionPolicy,
    now: datetime,
    *,
    dry_run: bool = False,
    key: PseudonymKey | None = None,
) -> RetentionReport:
    """Apply the inventory once at `now`. A dry run changes nothing and records no audit event."""
    now = _aware(now)
    data_dir = Path(data_dir)
    upgrade_database(database_url)
    if key is None:
        from screening.config import load_settings

        settings = load_settings()
        key = pseudonym_key(settings.model_copy(update={"data_dir": data_dir}))
    report = RetentionReport(dry_run=dry_run, key_source=key.source)
    with session_scope(database_url) as session:
        deadlines, changed = _store(session, policy, now, key, report)
        session.flush()
        _flight_reports(session, data_dir, deadlines, changed, now, report)
        _exports_and_notifications(session, data_dir, deadlines, now, report)
        _aged_folders(data_dir, policy, now, report)
        _alerts(data_dir, policy, now, report)
        if dry_run:
            session.rollback()
            return report
        repo.audit(
            session,
            "data_retention",
            "personal_data_removed",
            str(data_dir),
            {**report.as_dict(), "policy": policy.model_dump(), "now": now.isoformat()},
            key=f"retention|{now.isoformat()}",
        )
    if any(report.counts.values()):
        from screening.report.index import refresh_index

        if (data_dir / "reports").is_dir():
            refresh_index(data_dir / "reports")
        _compact_sqlite(database_url)
    return report


def run_retention(now: datetime | None = None, *, dry_run: bool = False) -> RetentionReport:
    """Retention under the configured settings and rules: what the CLI and the data_retention DAG run."""
    from screening.config import load_settings

    settings = load_settings()
    policy = load_retention_policy(settings.rules_dir)
    key = dry_run_key(settings) if dry_run else pseudonym_key(settings)
    moment = now or datetime.now(UTC)
    report = apply_retention(settings.database_url, settings.data_dir, policy, moment, dry_run=dry_run, key=key)
    log.info(
        "retention at %s%s: %s (pseudonym key: %s)",
        moment.isoformat(),
        " (dry run)" if dry_run else "",
        report.as_dict() or "nothing past its period",
        key.source,
    )
    return report
