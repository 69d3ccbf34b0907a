"""CSV and JSON exports of flags and sanctions per flight, carrier or period. Every export is written to the
audit trail (who, what, when) in the same transaction: no export leaves without its audit event."""

from __future__ import annotations

import csv
import getpass
import io
import json
import uuid
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from screening.config import load_settings
from screening.errors import InputError, StoreError
from screening.outputs import atomic_write_text, safe_cell
from screening.report import queries as q
from screening.report.render import generated_at, safe_name
from screening.store import repository
from screening.store.db import safe_url, session_scope
from screening.store.models import FlagRecord, SanctionRecord
from screening.vocabulary import FLAG_EXPORT_COLUMNS as FLAG_COLUMNS
from screening.vocabulary import SANCTION_EXPORT_COLUMNS as SANCTION_COLUMNS

KINDS = ("flags", "sanctions")
FORMATS = ("csv", "json")


def default_actor() -> str:
    """Who is exporting: SCREENING_ACTOR (set by a service or the DAG), else the login name."""
    try:
        return load_settings().actor or getpass.getuser()
    except (KeyError, OSError):  # no login name in some containers
        return "unknown"


@dataclass(frozen=True)
class Scope:
    """One flight, or a carrier and/or a period (inclusive UTC days)."""

    manifest_id: str | None = None
    carrier: str | None = None
    first: date | None = None
    last: date | None = None

    def __post_init__(self) -> None:
        if self.manifest_id and (self.carrier or self.first or self.last):
            raise InputError("export either one flight (manifest id) or a carrier and/or period, not both")
        if not self.manifest_id and not self.carrier and not (self.first and self.last):
            raise InputError("say what to export: a manifest id, a carrier, or a period (--from and --to)")
        if bool(self.first) != bool(self.last):
            raise InputError("a period needs both --from and --to")

    @property
    def period(self) -> q.Period | None:
        return q.Period.from_dates(self.first, self.last) if self.first and self.last else None

    @property
    def slug(self) -> str:
        if self.manifest_id:
            return self.manifest_id
        period = self.period
        return "_".join([self.carrier or "all", *([str(period.first_day), str(period.last_day)] if period else [])])

    def as_dict(self) -> dict[str, str | None]:
        return {
            "manifest_id": self.manifest_id,
            "carrier": self.carrier,
            "from": self.first.isoformat() if self.first else None,
            "to": self.last.isoformat() if self.last else None,
        }


def _flag_row(flag: FlagRecord, departure: str | None) -> dict[str, Any]:
    row = {c: getattr(flag, c, None) for c in FLAG_COLUMNS}
    row["scheduled_departure"] = departure
    return row


def _sanction_row(sanction: SanctionRecord, departure: str | None) -> dict[str, Any]:
    row = {c: getattr(sanction, c, None) for c in SANCTION_COLUMNS}
    row["scheduled_departure"] = departure
    return row


def collect(database_url: str, scope: Scope) -> dict[str, list[dict[str, Any]]]:
    """The flag and sanction rows in scope (current rules version), oldest flight first."""
    with q.read_session(database_url) as session:
        if scope.manifest_id:
            manifests = [q.get_manifest(session, scope.manifest_id)]
        else:
            if scope.carrier:
                q.require_carrier(session, scope.carrier)
            manifests = q.manifests_in(session, scope.period, scope.carrier)
        departure = {m.manifest_id: m.scheduled_departure for m in manifests}
        order = {m.manifest_id: i for i, m in enumerate(manifests)}
        flags = sorted(q.current_flags(session, manifests), key=lambda f: order[f.manifest_id])
        sanctions = sorted(q.sanctions_of(session, list(departure)), key=lambda s: order[s.manifest_id])
        return {
            "flags": [_flag_row(f, departure[f.manifest_id]) for f in flags],
            "sanctions": [_sanction_row(s, departure[s.manifest_id]) for s in sanctions],
        }


def render_records(kind: str, fmt: str, rows: list[dict[str, Any]], scope: Scope) -> str:
    if fmt == "json":
        document = {
            "kind": kind,
            "scope": scope.as_dict(),
            "generated_at": generated_at(),
            "count": len(rows),
            "records": rows,
        }
        return json.dumps(document, indent=2, ensure_ascii=False, default=str) + "\n"
    buffer = io.StringIO()
    writer = csv.DictWriter(
        buffer, fieldnames=list(FLAG_COLUMNS if kind == "flags" else SANCTION_COLUMNS), lineterminator="\n"
    )
    writer.writeheader()
    writer.writerows({k: safe_cell(v) for k, v in row.items()} for row in rows)
    return buffer.getvalue()


def audited_write(
    database_url: str,
    path: Path,
    text: str,
    *,
    actor: str,
    action: str,
    subject: str,
    detail: dict[str, Any],
    key: str | None = None,
) -> Path:
    """Write the file and its audit event together; if the audit cannot be stored, the file is removed.
    Without a key every call is its own event; with one, a repeat (a task retry) is recorded once."""
    existed = path.exists()
    try:
        with session_scope(database_url) as session:
            repository.audit(
                session,
                actor,
                action,
                subject,
                {**detail, "path": str(path)},
                key=key or f"{action}|{uuid.uuid4().hex}",
            )
            session.flush()
            atomic_write_text(path, text)
    except SQLAlchemyError as exc:
        if not existed:
            path.unlink(missing_ok=True)
        raise StoreError(
            f"cannot record the audit event for {subject} in {safe_url(database_url)} "
            f"({exc.__class__.__name__}); nothing was exported"
        ) from exc
    return path


def export_records(
    database_url: str,
    out_dir: Path,
    scope: Scope,
    *,
    kinds: tuple[str, ...] = KINDS,
    fmt: str = "csv",
    actor: str | None = None,
) -> list[Path]:
    """Write <kind>_<scope>.<fmt> for each kind into out_dir; returns the paths written."""
    if fmt not in FORMATS:
        raise InputError(f"unknown export format {fmt!r}: use csv or json")
    unknown = [k for k in kinds if k not in KINDS]
    if unknown:
        raise InputError(f"unknown export kind {unknown[0]!r}: use flags or sanctions")
    records = collect(database_url, scope)
    paths = []
    for kind in kinds:
        path = Path(out_dir) / f"{kind}_{safe_name(scope.slug)}.{fmt}"
        audited_write(
            database_url,
            path,
            render_records(kind, fmt, records[kind], scope),
            actor=actor or default_actor(),
            action=f"export_{kind}",
            subject=scope.slug,
            detail={"format": fmt, "records": len(records[kind]), "scope": scope.as_dict()},
        )
        paths.append(path)
    return paths
