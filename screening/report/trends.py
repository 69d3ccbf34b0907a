"""Trends for analysts: travellers, hits and breaches per route (origin, transit, destination) and per
carrier over time, so a shift of traffic (and of risk) from one route to another shows. Counts only."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from screening.errors import InputError
from screening.report import queries as q
from screening.report.render import safe_name, write_report
from screening.store.models import ManifestRecord, TravellerRecord

BUCKETS = ("day", "week", "month")
TOP_ROUTES = 6
MEASURES = ("travellers", "hits", "breaches")


def auto_bucket(period: q.Period) -> str:
    days = (period.end - period.start).days
    return "day" if days <= 31 else "week" if days <= 183 else "month"


def bucket_of(instant: datetime, bucket: str) -> str:
    """Day (YYYY-MM-DD), ISO week (its Monday, YYYY-MM-DD) or month (YYYY-MM) in UTC."""
    day = instant.date()
    if bucket == "week":
        return (day - timedelta(days=day.weekday())).isoformat()
    if bucket == "month":
        return day.strftime("%Y-%m")
    return day.isoformat()


def all_buckets(period: q.Period, bucket: str) -> list[str]:
    """Every bucket of the period, empty ones too (a gap in traffic is information)."""
    found, day = [], period.first_day
    while day <= period.last_day:
        key = bucket_of(datetime(day.year, day.month, day.day), bucket)
        if key not in found:
            found.append(key)
        day += timedelta(days=1)
    return found


def route_of(manifest: ManifestRecord, embarkation: str | None, disembarkation: str | None) -> str:
    """A traveller's route: where they boarded, the flight leg, where they leave; repeats collapsed."""
    dep, arr = manifest.departure_airport or "?", manifest.arrival_airport or "?"
    path: list[str] = []
    for stop in (embarkation or dep, dep, arr, disembarkation or arr):
        if not path or path[-1] != stop:
            path.append(stop)
    return " → ".join(path)


def _traveller_routes(session: Session, manifests: Sequence[ManifestRecord]) -> dict[tuple[str, str], str]:
    """(manifest_id, traveller_ref) -> route, reading two JSON fields only (not the personal data)."""
    by_id = {m.manifest_id: m for m in manifests}
    routes: dict[tuple[str, str], str] = {}
    ids = list(by_id)
    for start in range(0, len(ids), 500):
        query = select(
            TravellerRecord.manifest_id,
            TravellerRecord.traveller_ref,
            TravellerRecord.data["embarkation"].as_string(),
            TravellerRecord.data["disembarkation"].as_string(),
        ).where(TravellerRecord.manifest_id.in_(ids[start : start + 500]))
        for manifest_id, ref, embarkation, disembarkation in session.execute(query):
            routes[(manifest_id, ref)] = route_of(by_id[manifest_id], embarkation, disembarkation)
    return routes


def trend_counts(session: Session, period: q.Period, bucket: str, carrier: str | None = None) -> dict[str, Any]:
    """Counters keyed by (bucket, route) and (bucket, carrier) for travellers, hits and breaches."""
    manifests = q.manifests_in(session, period, carrier)
    by_id = {m.manifest_id: m for m in manifests}
    routes = _traveller_routes(session, manifests)
    per_route: dict[str, Counter[tuple[str, str]]] = {m: Counter() for m in MEASURES}
    per_carrier: dict[str, Counter[tuple[str, str]]] = {m: Counter() for m in MEASURES}
    bucket_by_id = {m.manifest_id: bucket_of(q.departure_instant(m), bucket) for m in manifests}  # type: ignore[arg-type]
    for (manifest_id, _ref), route in routes.items():
        per_route["travellers"][(bucket_by_id[manifest_id], route)] += 1
    for m in manifests:
        per_carrier["travellers"][(bucket_by_id[m.manifest_id], m.carrier)] += m.travellers_in
    for flag in q.current_flags(session, manifests):
        measure = "hits" if q.is_hit(flag) else "breaches" if q.is_breach(flag) else ""
        if not measure:  # data-quality findings are neither a carrier breach nor a risk
            continue
        manifest = by_id[flag.manifest_id]
        route = routes.get((flag.manifest_id, flag.traveller_ref)) or route_of(manifest, None, None)
        key = bucket_by_id[flag.manifest_id]
        per_route[measure][(key, route)] += 1
        per_carrier[measure][(key, manifest.carrier)] += 1
    return {"per_route": per_route, "per_carrier": per_carrier, "flights": len(manifests)}


def _series(counter: Counter[tuple[str, str]], buckets: list[str], names: list[str]) -> dict[str, list[int]]:
    return {name: [counter.get((b, name), 0) for b in buckets] for name in names}


def _ranked(counters: dict[str, Counter[tuple[str, str]]], measure: str) -> list[str]:
    """Every name seen under any measure, largest `measure` total first."""
    totals: Counter[str] = Counter({name: 0 for other in MEASURES for (_b, name) in counters[other]})
    for (_b, name), n in counters[measure].items():
        totals[name] += n
    return [name for name, _n in sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))]


def route_shares(counter: Counter[tuple[str, str]], buckets: list[str], names: list[str]) -> dict[str, list[float]]:
    """Each route's percentage of all travellers in each bucket (NaN where nobody travelled): a shift of
    traffic from one route to another shows even when the total changes."""
    totals = {b: sum(n for (bb, _name), n in counter.items() if bb == b) for b in buckets}
    return {
        name: [round(100 * counter.get((b, name), 0) / totals[b], 1) if totals[b] else math.nan for b in buckets]
        for name in names
    }


def chart_specs(counts: dict[str, Any], buckets: list[str], bucket: str) -> list[tuple[str, dict[str, Any], str]]:
    """(title, series, y label) of each chart: route shares, then each measure per route and carrier."""
    specs: list[tuple[str, dict[str, Any], str]] = []
    routes = counts["per_route"]["travellers"]
    top = [n for n in _ranked(counts["per_route"], "travellers") if any(routes.get((b, n)) for b in buckets)]
    if top:
        specs.append(
            (
                f"Share of travellers per route and {bucket} (%)",
                route_shares(routes, buckets, top[:TOP_ROUTES]),
                "% of travellers",
            )
        )
    for level, label in (("per_route", "route"), ("per_carrier", "carrier")):
        for measure in MEASURES:
            counter = counts[level][measure]
            names = [n for n in _ranked(counts[level], measure) if any(counter.get((b, n)) for b in buckets)]
            if names:
                specs.append(
                    (
                        f"{measure.capitalize()} per {label} and {bucket}",
                        _series(counter, buckets, names[:TOP_ROUTES]),
                        measure,
                    )
                )
    return specs


def trends_view(
    session: Session,
    period: q.Period,
    bucket: str | None = None,
    carrier: str | None = None,
    charts: bool = True,
) -> dict[str, Any]:
    bucket = bucket or auto_bucket(period)
    if bucket not in BUCKETS:
        raise InputError(f"unknown bucket {bucket!r}: use one of {', '.join(BUCKETS)}")
    if carrier:
        q.require_carrier(session, carrier)
    counts = trend_counts(session, period, bucket, carrier)
    buckets = all_buckets(period, bucket)
    tables = {}
    for level in ("per_route", "per_carrier"):
        counters = counts[level]
        names = _ranked(counters, "travellers")
        rows = []
        for name in names:
            row = {"name": name, **{m: sum(counters[m].get((b, name), 0) for b in buckets) for m in MEASURES}}
            row["by_bucket"] = {m: [counters[m].get((b, name), 0) for b in buckets] for m in MEASURES}
            row["hits_per_1000"] = round(1000 * row["hits"] / row["travellers"], 1) if row["travellers"] else None
            rows.append(row)
        tables[level] = rows
    images = []
    if charts:
        from screening.report.charts import line_chart, stable_colours

        colours = stable_colours([r["name"] for r in tables["per_route"]] + [r["name"] for r in tables["per_carrier"]])
        for title, series, ylabel in chart_specs(counts, buckets, bucket):
            images.append({"title": title, "src": line_chart(title, buckets, series, ylabel, colours)})
    return {
        "period": period.label,
        "bucket": bucket,
        "buckets": buckets,
        "carrier": carrier or "",
        "flights": counts["flights"],
        "routes": tables["per_route"],
        "carriers": tables["per_carrier"],
        "charts": images,
        "top_series": TOP_ROUTES,
    }


def trends_path(reports_dir: Path, period: q.Period, carrier: str | None = None) -> Path:
    scope = f"{safe_name(carrier)}_" if carrier else ""
    return reports_dir / "trends" / f"trends_{scope}{period.first_day}_{period.last_day}.html"


def write_trends_report(
    first: date,
    last: date,
    database_url: str,
    reports_dir: Path,
    *,
    bucket: str | None = None,
    carrier: str | None = None,
) -> Path:
    """Write reports_dir/trends/trends_[<carrier>_]<first>_<last>.html and refresh the index."""
    from screening.report.index import refresh_index

    period = q.Period.from_dates(first, last)
    with q.read_session(database_url) as session:
        view = trends_view(session, period, bucket, carrier)
    path = write_report(trends_path(Path(reports_dir), period, carrier), "trends.html.j2", **view)
    refresh_index(Path(reports_dir))
    return path
