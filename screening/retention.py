"""Personal-data retention: after the configured periods, travellers' personal fields are pseudonymised
(or deleted) in the database, landed files and work folders are removed, and quarantined raw text is
blanked. Everything removed is recorded in the audit log (counts, never the data itself)."""

from __future__ import annotations

import hashlib
import hmac
import os
import shutil
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import select

from screening import schemas
from screening.errors import RulesError
from screening.store import repository as repo
from screening.store.db import session_scope, upgrade_database
from screening.store.models import FlagRecord, ManifestRecord, QuarantineEntry, TravellerRecord

PSEUDONYM_KEY_ENV = "SCREENING_PSEUDONYM_KEY"


class RetentionPolicy(BaseModel):
    model_config = ConfigDict(extra="forbid")

    unflagged_travellers_hours: float = Field(24, gt=0)
    flagged_travellers_hours: float = Field(8760, gt=0)
    raw_files_hours: float = Field(24, gt=0)
    quarantined_records_hours: float = Field(720, gt=0)
    action: Literal["pseudonymise", "delete"] = "pseudonymise"


def load_retention_policy(rules_dir: Path) -> RetentionPolicy:
    path = rules_dir / "retention.yaml"
    if not path.exists():
        return RetentionPolicy()
    try:
        data = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("retention", {})
        return RetentionPolicy.model_validate(data)
    except (yaml.YAMLError, ValidationError) as exc:
        raise RulesError(f"{path}: invalid retention policy ({exc.__class__.__name__}: {str(exc).splitlines()[0]})") \
            from exc


@dataclass
class RetentionReport:
    travellers_pseudonymised: int = 0
    travellers_deleted: int = 0
    quarantine_blanked: int = 0
    folders_removed: int = 0
    reports_removed: int = 0

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


def pseudonym(value: str) -> str:
    """A keyed hash: the same person stays linkable across flights without their name being kept."""
    key = os.environ.get(PSEUDONYM_KEY_ENV, "screening-default-key").encode()
    return "PSN-" + hmac.new(key, value.encode(), hashlib.sha256).hexdigest()[:16]


def _pseudonymise(data: dict[str, Any]) -> dict[str, Any]:
    out = dict(data)
    for column in schemas.personal_columns():
        if out.get(column):
            out[column] = pseudonym(str(out[column]))
    for extra in ("mrz",):
        out.pop(extra, None)
    return out


def apply_retention(database_url: str, data_dir: Path, policy: RetentionPolicy, now: datetime) -> RetentionReport:
    upgrade_database(database_url)
    report = RetentionReport()
    with session_scope(database_url) as session:
        flagged = {(m, t) for m, t in session.execute(
            select(FlagRecord.manifest_id, FlagRecord.traveller_ref).where(FlagRecord.flag_type != "DATA_QUALITY"))}
        screened_at = dict(session.execute(select(ManifestRecord.manifest_id, ManifestRecord.screened_at)).all())
        travellers = session.scalars(select(TravellerRecord).where(TravellerRecord.pseudonymised_at.is_(None))).all()
        for traveller in travellers:
            when = screened_at.get(traveller.manifest_id)
            if when is None:
                continue
            hours = (policy.flagged_travellers_hours if (traveller.manifest_id, traveller.traveller_ref) in flagged
                     else policy.unflagged_travellers_hours)
            if _aware(when) > now - timedelta(hours=hours):
                continue
            if policy.action == "delete":
                session.delete(traveller)
                report.travellers_deleted += 1
            else:
                traveller.data = _pseudonymise(traveller.data)
                traveller.pseudonymised_at = now
                report.travellers_pseudonymised += 1
        cutoff = now - timedelta(hours=policy.quarantined_records_hours)
        for entry in session.scalars(select(QuarantineEntry).where(QuarantineEntry.raw != "")):
            if _aware(entry.created_at) <= cutoff:
                entry.raw = ""
                report.quarantine_blanked += 1
        report.folders_removed = _remove_old_folders(data_dir, now - timedelta(hours=policy.raw_files_hours))
        report.reports_removed = _remove_old_reports(data_dir, now - timedelta(hours=policy.flagged_travellers_hours))
        repo.audit(session, "data_retention", "personal_data_removed", str(data_dir), report.as_dict(),
                   key=f"retention|{now.isoformat()}")
    return report


def _aware(value: datetime) -> datetime:
    from datetime import UTC

    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _remove_old_folders(data_dir: Path, cutoff: datetime) -> int:
    """Landed raw files (raw/<xx>/<checksum>/) and per-run work folders older than the cutoff."""
    removed = 0
    candidates = list((data_dir / "raw").glob("*/*")) + list((data_dir / "work").glob("*"))
    for folder in candidates:
        if folder.is_dir() and datetime.fromtimestamp(folder.stat().st_mtime, cutoff.tzinfo) <= cutoff:
            shutil.rmtree(folder, ignore_errors=True)
            removed += 1
    return removed


def _remove_old_reports(data_dir: Path, cutoff: datetime) -> int:
    """Flight reports show flagged travellers' personal data: they go with the flagged-record period."""
    removed = 0
    for report in (data_dir / "reports" / "flights").glob("*.html"):
        if datetime.fromtimestamp(report.stat().st_mtime, cutoff.tzinfo) <= cutoff:
            report.unlink(missing_ok=True)
            removed += 1
    return removed
