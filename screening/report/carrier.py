"""Per-carrier compliance for a period, next to the previous period of equal length, so a liaison unit can
see whether a carrier is getting better or worse. No personal data: travellers appear only as counts."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from screening.report import queries as q
from screening.report.render import safe_name, write_report
from screening.sanction_decisions import decisions_for_manifests
from screening.vocabulary import CONFIRMED, PROPOSED, SANCTION_STATUSES


def carrier_path(reports_dir: Path, carrier: str, period: q.Period) -> Path:
    return reports_dir / "carriers" / f"{safe_name(carrier)}_{period.first_day}_{period.last_day}.html"


def carrier_figures(session: Session, carrier: str, period: q.Period) -> dict[str, Any]:
    """The compliance numbers of one carrier for one period (all counted on the current rules version)."""
    manifests = q.manifests_in(session, period, carrier)
    flags = q.current_flags(session, manifests)
    sanctions = q.sanctions_of(session, [m.manifest_id for m in manifests])
    breaches = [f for f in flags if q.is_breach(f)]
    rules_by_manifest: dict[str, set[str]] = {}
    for flag in flags:
        rules_by_manifest.setdefault(flag.manifest_id, set()).add(flag.rule_id)
    sanctions_by_status: dict[str, dict[str, Any]] = {}
    for status in sorted(
        {s.status for s in sanctions} | set(SANCTION_STATUSES),
        key=lambda s: (SANCTION_STATUSES + (s,)).index(s),
    ):
        chosen = [s for s in sanctions if s.status == status]
        amounts: defaultdict[str, float] = defaultdict(float)
        for s in chosen:
            amounts[s.currency] += s.amount
        sanctions_by_status[status] = {"count": len(chosen), "amount": dict(sorted(amounts.items()))}
    travellers = sum(m.travellers_in for m in manifests)
    decisions = decisions_for_manifests(session, [m.manifest_id for m in manifests])
    sanction_rows = []
    for s in sanctions:
        d = decisions.get(s.sanction_id)
        sanction_rows.append(
            {
                "sanction_id": s.sanction_id,
                "flight_number": s.flight_number,
                "rule_id": s.rule_id,
                "framework": s.framework,
                "amount": s.amount,
                "currency": s.currency,
                "status": s.status,
                "action": d.action if d else "",
                "decided_by": d.actor if d else "",
                "decided_at": f"{d.at:%Y-%m-%d %H:%M} UTC" if d else "",
                "reason": d.reason if d else "",
            }
        )
    flights = []
    for m in manifests:
        rules = Counter(f.rule_id for f in breaches if f.manifest_id == m.manifest_id)
        flights.append(
            {
                "manifest_id": m.manifest_id,
                "flight_number": m.flight_number,
                "route": f"{m.departure_airport or '?'} → {m.arrival_airport or '?'}",
                "scheduled_departure": m.scheduled_departure or "",
                "travellers": m.travellers_in,
                "breaches": sum(rules.values()),
                "rules": dict(sorted(rules.items())),
                "late": bool(rules_by_manifest.get(m.manifest_id, set()) & set(q.LATE_RULES)),
                "sanctions": sum(1 for s in sanctions if s.manifest_id == m.manifest_id),
            }
        )
    return {
        "period": period.label,
        "flights": len(manifests),
        "travellers": travellers,
        "travellers_quarantined": sum(m.travellers_quarantined for m in manifests),
        "breaches": len(breaches),
        "breaches_per_1000": round(1000 * len(breaches) / travellers, 1) if travellers else 0.0,
        "breaches_by_rule": dict(sorted(Counter(f.rule_id for f in breaches).items())),
        "late_transmissions": sum(1 for r in rules_by_manifest.values() if r & set(q.LATE_RULES)),
        "incomplete_transmissions": sum(1 for r in rules_by_manifest.values() if r & set(q.INCOMPLETE_RULES)),
        "sanctions_by_status": sanctions_by_status,
        "flight_rows": flights,
        "sanction_rows": sanction_rows,
    }


def _row(
    measure: str, current: float, previous: float, *, worse_when_up: bool | None = True, kind: str = "count"
) -> dict[str, Any]:
    """kind (count, rate, money) says how to format; worse_when_up=None for volumes that are not a verdict."""
    change = round(current - previous, 2)
    trend = "" if change == 0 or worse_when_up is None else ("worse" if (change > 0) == worse_when_up else "better")
    return {
        "measure": measure,
        "current": current,
        "previous": previous,
        "change": change,
        "trend": trend,
        "kind": kind,
    }


def comparison(current: dict[str, Any], previous: dict[str, Any]) -> list[dict[str, Any]]:
    """Measure by measure, this period against the previous one."""
    now, before = current, previous
    rows = [
        _row("Flights", now["flights"], before["flights"], worse_when_up=None),
        _row("Travellers carried", now["travellers"], before["travellers"], worse_when_up=None),
        _row(
            "Travellers quarantined (unusable data)",
            now["travellers_quarantined"],
            before["travellers_quarantined"],
        ),
        _row("Obligation breaches", now["breaches"], before["breaches"]),
        _row(
            "Breaches per 1,000 travellers",
            now["breaches_per_1000"],
            before["breaches_per_1000"],
            kind="rate",
        ),
    ]
    for rule in sorted(set(now["breaches_by_rule"]) | set(before["breaches_by_rule"])):
        rows.append(_row(f"  {rule}", now["breaches_by_rule"].get(rule, 0), before["breaches_by_rule"].get(rule, 0)))
    rows.append(_row("Late transmissions (flights)", now["late_transmissions"], before["late_transmissions"]))
    rows.append(
        _row(
            "Incomplete transmissions (flights)",
            now["incomplete_transmissions"],
            before["incomplete_transmissions"],
        )
    )
    for status, figures in now["sanctions_by_status"].items():
        earlier = before["sanctions_by_status"].get(status, {"count": 0, "amount": {}})
        verdict = True if status in (PROPOSED, CONFIRMED) else None  # money the carrier owes
        rows.append(_row(f"Sanctions {status.lower()}", figures["count"], earlier["count"], worse_when_up=verdict))
        for currency in sorted(set(figures["amount"]) | set(earlier["amount"])):
            rows.append(
                _row(
                    f"  amount {status.lower()} ({currency})",
                    figures["amount"].get(currency, 0.0),
                    earlier["amount"].get(currency, 0.0),
                    worse_when_up=verdict,
                    kind="money",
                )
            )
    return rows


def carrier_view(session: Session, carrier: str, period: q.Period) -> dict[str, Any]:
    q.require_carrier(session, carrier)
    current = carrier_figures(session, carrier, period)
    previous = carrier_figures(session, carrier, period.previous())
    return {
        "carrier": carrier,
        "period": period.label,
        "previous_period": period.previous().label,
        "current": current,
        "previous": previous,
        "rows": comparison(current, previous),
    }


def write_carrier_report(carrier: str, first: date, last: date, database_url: str, reports_dir: Path) -> Path:
    """Write reports_dir/carriers/<carrier>_<first>_<last>.html and refresh the index."""
    from screening.report.flight import flight_path
    from screening.report.index import refresh_index

    period = q.Period.from_dates(first, last)
    reports_dir = Path(reports_dir)
    with q.read_session(database_url) as session:
        view = carrier_view(session, carrier, period)
    for row in view["current"]["flight_rows"]:
        report = flight_path(reports_dir, row["manifest_id"])
        row["href"] = f"../flights/{report.name}" if report.exists() else ""
    path = write_report(carrier_path(reports_dir, carrier, period), "carrier.html.j2", **view)
    refresh_index(reports_dir)
    return path
