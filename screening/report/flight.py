"""The per-flight report for liaison units: who on this flight needs action and why. Personal data is shown
only for flagged travellers (needed to act); everyone else appears only as a traveller_ref."""

from __future__ import annotations

import hashlib
import logging
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from screening import schemas
from screening.report import queries as q
from screening.report.render import render, safe_name
from screening.store.models import FlagRecord, ManifestRecord, SanctionRecord, TravellerRecord
from screening.vocabulary import WAIVED

log = logging.getLogger(__name__)

# Flight columns come from the manifest schema (one source of truth) plus the message's own facts.
FLIGHT_FIELDS = (*schemas.flight_columns(), "message_type", "message_ref", "declared_total", "parts")


def flight_path(reports_dir: Path, manifest_id: str) -> Path:
    return reports_dir / "flights" / f"{safe_name(manifest_id)}.html"


def flag_view(flag: FlagRecord) -> dict[str, Any]:
    details = flag.details or {}
    return {
        "rule_id": flag.rule_id,
        "flag_type": flag.flag_type,
        "severity": flag.severity,
        "score": flag.score,
        "explanation": flag.explanation,
        "list_name": flag.list_name,
        "list_version": flag.list_version,
        "watchlist_entry_id": flag.watchlist_entry_id,
        "rules_version": flag.rules_version,
        "category": details.get("category", ""),
        "parts": [part_view(p) for p in details.get("parts") or [] if isinstance(p, dict)],
    }


def part_view(part: dict[str, Any]) -> dict[str, Any]:
    """The name part is a similarity in [0, 1] (the base of the score); the other parts (date of birth,
    nationality, sex, document) are bonuses or penalties added to it, so they are shown signed."""
    feature = str(part.get("feature", ""))
    value = part.get("value")
    return {
        "feature": feature.replace("_", " "),
        "value": value if isinstance(value, int | float) else None,
        "base": feature == "name",
        "detail": str(part.get("detail", "")),
    }


def sanction_view(sanction: SanctionRecord) -> dict[str, Any]:
    return {
        "sanction_id": sanction.sanction_id,
        "traveller_ref": sanction.traveller_ref,
        "rule_id": sanction.rule_id,
        "framework": sanction.framework,
        "amount": sanction.amount,
        "currency": sanction.currency,
        "status": sanction.status,
        "explanation": sanction.explanation,
    }


def identity(traveller: TravellerRecord | None) -> dict[str, Any]:
    """Only the fields an officer needs to identify and act on a flagged traveller."""
    data = traveller.data if traveller is not None else {}
    return {
        "surname": data.get("surname") or "",
        "given_names": data.get("given_names") or "",
        "date_of_birth": data.get("date_of_birth") or "",
        "sex": data.get("sex") or "",
        "nationality": data.get("nationality") or "",
        "traveller_type": data.get("traveller_type") or "",
        "document_type": data.get("document_type") or "",
        "document_number": data.get("document_number") or "",
        "document_issuing_state": data.get("document_issuing_state") or "",
        "document_expiry": data.get("document_expiry") or "",
        "visa_number": data.get("visa_number") or "",
        "visa_issuing_state": data.get("visa_issuing_state") or "",
        "embarkation": data.get("embarkation") or "",
        "disembarkation": data.get("disembarkation") or "",
        "pseudonymised": bool(traveller is not None and traveller.pseudonymised_at is not None),
        "known": traveller is not None,
    }


def _severity(flags: list[dict[str, Any]]) -> str:
    return max((f["severity"] for f in flags), key=lambda s: q.SEVERITY_RANK.get(s, 0), default="LOW")


def flight_view(session: Session, manifest_id: str) -> dict[str, Any]:
    """Everything the flight template shows, as plain data (tested without HTML)."""
    manifest: ManifestRecord = q.get_manifest(session, manifest_id)
    flags = q.current_flags(session, [manifest])
    sanctions = q.sanctions_of(session, [manifest_id])
    travellers = q.travellers_of(session, manifest_id)
    by_ref = {t.traveller_ref: t for t in travellers}
    flags_by_ref: dict[str, list[dict[str, Any]]] = defaultdict(list)
    manifest_flags: list[dict[str, Any]] = []
    for flag in flags:
        (flags_by_ref[flag.traveller_ref] if flag.traveller_ref else manifest_flags).append(flag_view(flag))
    sanctions_by_ref: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for sanction in sanctions:
        sanctions_by_ref[sanction.traveller_ref].append(sanction_view(sanction))
    flagged = []
    for ref, ref_flags in flags_by_ref.items():
        ref_flags.sort(key=lambda f: (-q.SEVERITY_RANK.get(f["severity"], 0), -(f["score"] or 0), f["rule_id"]))
        flagged.append(
            {
                "traveller_ref": ref,
                "severity": _severity(ref_flags),
                "flags": ref_flags,
                "sanctions": sanctions_by_ref.get(ref, []),
                **identity(by_ref.get(ref)),
            }
        )
    flagged.sort(
        key=lambda t: (
            -q.SEVERITY_RANK.get(t["severity"], 0),
            -max((f["score"] or 0) for f in t["flags"]),
            t["traveller_ref"],
        )
    )
    unflagged = [t.traveller_ref for t in travellers if t.traveller_ref not in flags_by_ref]
    amounts: defaultdict[str, float] = defaultdict(float)
    for s in sanctions:
        if s.status != WAIVED:
            amounts[s.currency] += s.amount
    counts = {
        "travellers_in": manifest.travellers_in,
        "travellers_screened": manifest.travellers_screened,
        "travellers_quarantined": manifest.travellers_quarantined,
        "declared_total": manifest.declared_total,
        "travellers_flagged": len(flagged),
        "travellers_unflagged": len(unflagged),
        "flags": len(flags),
        "flags_by_severity": {s: n for s in q.SEVERITY_RANK if (n := sum(1 for f in flags if f.severity == s))},
        "flags_by_rule": dict(sorted(Counter(f.rule_id for f in flags).items())),
        "sanctions": len(sanctions),
        "sanctions_amount": dict(sorted(amounts.items())),
    }
    return {
        "manifest_id": manifest_id,
        "flight": {k: getattr(manifest, k) for k in FLIGHT_FIELDS},
        "rules_version": manifest.rules_version or "",
        "list_version": manifest.list_version or "",
        "screened_at": manifest.screened_at.strftime("%Y-%m-%d %H:%M UTC") if manifest.screened_at else "",
        "counts": counts,
        "flagged": flagged,
        "manifest_flags": manifest_flags,
        "unflagged": unflagged,
        "sanctions": [sanction_view(s) for s in sanctions],
        "quarantine": [
            {"record_ref": e.record_ref, "reason_code": e.reason_code, "message": e.message}
            for e in q.quarantine_of(session, manifest.source_file)
        ]
        if manifest.source_file
        else [],
    }


def write_flight_report(manifest_id: str, database_url: str, reports_dir: Path, *, actor: str | None = None) -> Path:
    """Write reports_dir/flights/<manifest_id>.html atomically and refresh the index; returns the path.
    The report holds personal data, so writing it is an audit event: one per actor, manifest, rules and
    list version, like the pipeline's own events, so a retry or re-run does not log twice. Safe to re-run:
    a manifest always overwrites its own report."""
    from screening.report.exports import audited_write, default_actor
    from screening.report.index import refresh_index

    with q.read_session(database_url) as session:
        view = flight_view(session, manifest_id)
    who = actor or default_actor()
    path = flight_path(Path(reports_dir), manifest_id)
    identity = f"{manifest_id}|{who}|{view['rules_version']}|{view['list_version']}"
    audited_write(
        database_url,
        path,
        render("flight.html.j2", **view),
        actor=who,
        action="report_flight",
        subject=manifest_id,
        detail={
            "travellers_flagged": view["counts"]["travellers_flagged"],
            "rules_version": view["rules_version"],
        },
        key="report_flight|" + hashlib.sha1(identity.encode()).hexdigest(),
    )
    refresh_index(Path(reports_dir))
    log.info(
        "flight report for %s written (%d flagged travellers)",
        manifest_id,
        view["counts"]["travellers_flagged"],
    )
    return path
