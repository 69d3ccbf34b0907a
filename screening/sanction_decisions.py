"""Officers' decisions on proposed sanctions: confirm, appeal, waive. A sanction is a legal act, so every
decision is a row with who, when, why and the status it left, plus an audit event; the sanction's status
changes only along the allowed transitions, and re-runs keep it (screening.store.repository.save_sanctions).
Used by the CLI (`screening sanctions ...`) and the officer workspace alike."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, get_args

from sqlalchemy import select
from sqlalchemy.orm import Session

from screening.errors import InputError, ScreeningError
from screening.store import repository as repo
from screening.store.models import SanctionDecisionRecord, SanctionRecord
from screening.vocabulary import APPEALED, CONFIRMED, PROPOSED, WAIVED

Action = Literal["confirm", "appeal", "waive"]
ACTIONS: tuple[str, ...] = get_args(Action)
TARGET_STATUS: dict[str, str] = {"confirm": CONFIRMED, "appeal": APPEALED, "waive": WAIVED}
# status now -> statuses an officer may move it to
TRANSITIONS: dict[str, frozenset[str]] = {
    PROPOSED: frozenset({CONFIRMED, APPEALED, WAIVED}),
    APPEALED: frozenset({CONFIRMED, WAIVED}),
    CONFIRMED: frozenset(),
    WAIVED: frozenset(),
}


class SanctionDecisionError(ScreeningError):
    """A decision that cannot be recorded (not allowed from the sanction's status, no reason given)."""


class UnknownSanctionError(SanctionDecisionError):
    """No sanction with that id in the store."""


def decide_sanction(
    session: Session, sanction_id: str, action: Action, reason: str, actor: str
) -> SanctionDecisionRecord:
    """Move one sanction to CONFIRMED / APPEALED / WAIVED, recording who, when and why (and audit it).
    Raises UnknownSanctionError for an unknown id and SanctionDecisionError for a transition that is not
    allowed (e.g. confirming a waived sanction) or an empty reason. The caller's session commits."""
    if action not in TARGET_STATUS:
        raise SanctionDecisionError(f"unknown action {action!r}: use one of {', '.join(ACTIONS)}")
    reason = (reason or "").strip()
    if not reason:
        raise SanctionDecisionError(f"a reason is required to {action} sanction {sanction_id}")
    actor = (actor or "").strip()
    if not actor:
        raise SanctionDecisionError(f"the deciding officer must be named to {action} sanction {sanction_id}")
    record = session.get(SanctionRecord, sanction_id)
    if record is None:
        raise UnknownSanctionError(f"no sanction {sanction_id} in the store")
    target = TARGET_STATUS[action]
    allowed = TRANSITIONS.get(record.status, frozenset())
    if target not in allowed:
        options = ", ".join(a for a, s in TARGET_STATUS.items() if s in allowed) or "none (decision is final)"
        raise SanctionDecisionError(
            f"cannot {action} sanction {sanction_id}: it is {record.status}; allowed from there: {options}"
        )
    now = repo.utcnow()
    decision = SanctionDecisionRecord(
        sanction_id=sanction_id,
        manifest_id=record.manifest_id,
        action=action,
        from_status=record.status,
        to_status=target,
        reason=reason,
        actor=actor,
        at=now,
    )
    session.add(decision)
    record.status, record.updated_at = target, now
    repo.audit(
        session,
        actor,
        f"sanction_{action}",
        sanction_id,
        {
            "from": decision.from_status,
            "to": target,
            "reason": reason,
            "rule_id": record.rule_id,
            "carrier": record.carrier,
            "amount": record.amount,
            "currency": record.currency,
        },
        key=f"sanction|{sanction_id}|{decision.from_status}|{target}|{now.isoformat()}",
        manifest_id=record.manifest_id,
    )
    session.flush()
    return decision


def sanction_history(session: Session, sanction_id: str) -> list[SanctionDecisionRecord]:
    """Every decision on one sanction, oldest first (empty for a sanction nobody has decided on)."""
    return list(
        session.scalars(
            select(SanctionDecisionRecord)
            .where(SanctionDecisionRecord.sanction_id == sanction_id)
            .order_by(SanctionDecisionRecord.at, SanctionDecisionRecord.id)
        )
    )


def decisions_for_manifests(session: Session, manifest_ids: list[str]) -> dict[str, SanctionDecisionRecord]:
    """The latest decision per sanction of these manifests (for reports)."""
    if not manifest_ids:
        return {}
    latest: dict[str, SanctionDecisionRecord] = {}
    rows = session.scalars(
        select(SanctionDecisionRecord)
        .where(SanctionDecisionRecord.manifest_id.in_(manifest_ids))
        .order_by(SanctionDecisionRecord.at, SanctionDecisionRecord.id)
    )
    for row in rows:
        latest[row.sanction_id] = row
    return latest


@dataclass(frozen=True)
class BatchLine:
    line: int
    sanction_id: str
    action: Action
    reason: str


def read_batch(path: Path, default_action: Action | None = None) -> list[BatchLine]:
    """A decisions CSV: columns sanction_id, reason and (unless one action applies to all) action.
    Every line is checked before anything is decided, so a bad file decides nothing."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            fields = set(reader.fieldnames or [])
            needed = {"sanction_id", "reason"} | (set() if default_action else {"action"})
            if not needed <= fields:
                raise InputError(f"{path}: line 1: missing column(s) {', '.join(sorted(needed - fields))}")
            lines = []
            for number, row in enumerate(reader, start=2):
                action = (row.get("action") or default_action or "").strip().lower()
                if action not in TARGET_STATUS:
                    raise InputError(f"{path}: line {number}: action {action!r} is not one of {', '.join(ACTIONS)}")
                sid, why = (row.get("sanction_id") or "").strip(), (row.get("reason") or "").strip()
                if not sid or not why:
                    raise InputError(f"{path}: line {number}: sanction_id and reason are required")
                lines.append(BatchLine(number, sid, action, why))  # type: ignore[arg-type]
            return lines
    except OSError as exc:
        raise InputError(f"{path}: cannot read the decisions file ({exc.strerror})") from exc


def decide_batch(session: Session, lines: list[BatchLine], actor: str, path: Path) -> list[SanctionDecisionRecord]:
    """All lines in one transaction (the caller's): one refused line refuses the whole file, naming it."""
    out = []
    for item in lines:
        try:
            out.append(decide_sanction(session, item.sanction_id, item.action, item.reason, actor))
        except SanctionDecisionError as exc:
            raise exc.__class__(f"{path}: line {item.line}: {exc}") from exc
    return out
