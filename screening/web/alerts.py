"""The alert queue and the alert page as plain data (the HTML pages and the JSON API show the same dicts).
An alert is a hit flag (watchlist or lost/stolen document) of the rules version its manifest was last
screened under; its status comes from screening.web.clearances."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import case, or_, select
from sqlalchemy.orm import Session

from screening.report import queries as q
from screening.report.flight import flag_view, identity
from screening.store.models import FlagRecord, ManifestRecord, TravellerRecord
from screening.web.access import HIT_TYPES, Scope
from screening.web.clearances import AlertState, alert_states, history
from screening.web.listed import listed_view

QUEUE_LIMIT = 500
STATUSES = ("open", "cleared", "decided", "all")


@dataclass(frozen=True)
class QueueFilter:
    flight: str = ""  # flight number or manifest id (contains)
    carrier: str = ""
    rule: str = ""
    date_from: str = ""  # YYYY-MM-DD, scheduled departure (as stored, local date)
    date_to: str = ""
    status: str = "open"


def _severity_order() -> Any:
    return case(*((FlagRecord.severity == s, r) for s, r in q.SEVERITY_RANK.items()), else_=0)


def queue_query(scope: Scope, filters: QueueFilter) -> Any:
    query = (
        select(FlagRecord, ManifestRecord)
        .join(ManifestRecord, ManifestRecord.manifest_id == FlagRecord.manifest_id)
        .where(FlagRecord.rules_version == ManifestRecord.rules_version)
        .where(or_(FlagRecord.flag_type.in_(HIT_TYPES), FlagRecord.rule_id.in_(q.HIT_RULES)))
    )
    if scope.carriers is not None:
        query = query.where(FlagRecord.carrier.in_(sorted(scope.carriers)))
    if filters.carrier:
        query = query.where(FlagRecord.carrier == filters.carrier.upper())
    if filters.rule:
        query = query.where(FlagRecord.rule_id == filters.rule.upper())
    if filters.flight:
        text = filters.flight.strip()
        query = query.where(
            or_(
                FlagRecord.flight_number == text,
                FlagRecord.manifest_id == text,
                (FlagRecord.carrier + FlagRecord.flight_number) == text.upper(),
            )
        )
    if filters.date_from:
        query = query.where(ManifestRecord.scheduled_departure >= filters.date_from)
    if filters.date_to:
        query = query.where(ManifestRecord.scheduled_departure < filters.date_to + "~")  # whole last day
    return query.order_by(FlagRecord.score.desc().nulls_last(), _severity_order().desc(), FlagRecord.id)


def _wanted(state: AlertState, status: str) -> bool:
    if status == "open":
        return state.is_open
    if status == "cleared":
        return state.status == "CLEARED"
    if status == "decided":
        return state.status != "OPEN"
    return True


def decision_view(decision: Any) -> dict[str, Any] | None:
    if decision is None:
        return None
    return {
        "decision": decision.decision,
        "note": decision.note,
        "actor": decision.actor,
        "decided_at": decision.decided_at.strftime("%Y-%m-%d %H:%M UTC"),
        "manifest_id": decision.manifest_id,
        "traveller_ref": decision.traveller_ref,
    }


def alert_row(state: AlertState, manifest: ManifestRecord) -> dict[str, Any]:
    flag = state.flag
    data = state.traveller
    return {
        "alert_id": flag.id,
        "manifest_id": flag.manifest_id,
        "carrier": flag.carrier,
        "flight_number": flag.flight_number,
        "scheduled_departure": manifest.scheduled_departure or "",
        "traveller_ref": flag.traveller_ref,
        "traveller_name": " ".join(x for x in (data.get("surname"), data.get("given_names")) if x),
        "rule_id": flag.rule_id,
        "severity": flag.severity,
        "score": flag.score,
        "watchlist_entry_id": flag.watchlist_entry_id,
        "list_name": flag.list_name,
        "status": state.status,
        "remembered": state.remembered,
        "decision": decision_view(state.decision),
    }


def alert_queue(session: Session, scope: Scope, filters: QueueFilter, limit: int = QUEUE_LIMIT) -> dict[str, Any]:
    """Alerts in this user's scope, highest score then severity first, with their status; `status` picks
    open (the default: new and needs-more-information), cleared, decided or all."""
    rows = session.execute(queue_query(scope, filters)).all()
    manifests = {flag.manifest_id: manifest for flag, manifest in rows}
    states = alert_states(session, [flag for flag, _m in rows])
    chosen = [s for s in states if _wanted(s, filters.status)]
    counts = {"open": sum(1 for s in states if s.is_open), "total": len(states)}
    counts["closed"] = counts["total"] - counts["open"]
    return {
        "alerts": [alert_row(s, manifests[s.flag.manifest_id]) for s in chosen[:limit]],
        "shown": min(limit, len(chosen)),
        "matching": len(chosen),
        "counts": counts,
        "filters": filters.__dict__,
    }


def alert_detail(session: Session, scope: Scope, alert_id: int) -> dict[str, Any]:
    """The traveller beside the listed person, the score's parts, the status and the decision history."""
    flag = scope.hit(session.get(FlagRecord, alert_id))
    manifest = scope.manifest(session, flag.manifest_id)
    state = alert_states(session, [flag])[0]
    traveller = session.scalar(
        select(TravellerRecord).where(
            TravellerRecord.manifest_id == flag.manifest_id, TravellerRecord.traveller_ref == flag.traveller_ref
        )
    )
    return {
        **alert_row(state, manifest),
        "flag": flag_view(flag),
        "details": {k: v for k, v in (flag.details or {}).items() if k != "parts"},
        "traveller": identity(traveller),
        "listed": listed_view(state.snapshot),
        "current": manifest.rules_version == flag.rules_version,
        "flight": {
            "departure_airport": manifest.departure_airport,
            "arrival_airport": manifest.arrival_airport,
            "scheduled_departure": manifest.scheduled_departure,
            "screened_at": manifest.screened_at,
        },
        "identity_key_known": bool(state.identity_key),
        "entry_version": state.entry_hash,
        "history": [decision_view(d) for d in history(session, state)],
    }
