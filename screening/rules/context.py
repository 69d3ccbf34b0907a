"""Per-flight facts every rule needs (destination State, frameworks in force, local arrival date,
API deadlines), computed once per manifest rather than once per traveller."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from screening import schemas
from screening.airports import airport_country
from screening.rules.models import ApiDeadline, Framework, RuleSet
from screening.rules.timing import add_months, local_date, parse_time

# The manifest schema's flight columns (one source of truth), keyed by manifest.
FLIGHT_COLUMNS = ("manifest_id", *schemas.flight_columns())


@dataclass
class Deadline:
    framework: str
    deadline: datetime
    text: str


@dataclass
class FlightContext:
    """What the rules know about one flight; explanations quote these facts."""

    destination: str | None
    departure: datetime | None
    arrival_date: date | None
    arrival_date_basis: str
    transmitted: datetime | None
    frameworks: list[Framework] = field(default_factory=list)
    validity_months: int = 0
    validity_framework: str = ""
    required_until: date | None = None
    deadlines: list[Deadline] = field(default_factory=list)

    @property
    def framework_ids(self) -> list[str]:
        return [f.id for f in self.frameworks]

    def late_deadlines(self) -> list[Deadline]:
        if self.transmitted is None:
            return []
        return [d for d in self.deadlines if self.transmitted > d.deadline]


def _fmt(instant: datetime) -> str:
    return instant.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def flight_context(row: dict[str, object], ruleset: RuleSet, now: datetime | None = None) -> FlightContext:
    """Facts for one flight row (flight columns as text)."""
    dep_airport = _text(row.get("departure_airport"))
    arr_airport = _text(row.get("arrival_airport"))
    destination = airport_country(arr_airport)
    departure = parse_time(row.get("scheduled_departure"), dep_airport)
    arrival = parse_time(row.get("scheduled_arrival"), arr_airport)
    if arrival is not None:
        arrival_date, basis = (
            local_date(arrival, arr_airport),
            f"scheduled arrival, local date at {arr_airport}",
        )
    elif departure is not None:
        arrival_date = local_date(departure, arr_airport)
        basis = f"no scheduled arrival: departure time as a local date at {arr_airport}"
    else:
        arrival_date, basis = None, "no scheduled times"
    transmitted = parse_time(row.get("transmitted_at"), None, naive_is_utc=True)
    if transmitted is None and now is not None:
        transmitted = now if now.tzinfo else now.replace(tzinfo=UTC)
    dep_day = local_date(departure, dep_airport) if departure else arrival_date
    frameworks = ruleset.frameworks_for(destination, dep_day)
    ctx = FlightContext(destination, departure, arrival_date, basis, transmitted, frameworks)
    for fw in frameworks:
        if fw.document_validity and fw.document_validity.min_months_after_arrival > ctx.validity_months:
            ctx.validity_months = fw.document_validity.min_months_after_arrival
            ctx.validity_framework = fw.id
    if arrival_date is not None:
        ctx.required_until = add_months(arrival_date, ctx.validity_months)
    if departure is not None:
        timing = ruleset.parameters.timing
        offsets = {
            "scheduled_departure": 0,
            "check_in_close": timing.check_in_close_minutes_before_departure,
            "doors_closed": timing.doors_closed_minutes_before_departure,
        }
        for fw in frameworks:
            if fw.api_deadline is not None:
                ctx.deadlines.append(_deadline(fw.id, fw.api_deadline, departure, offsets, ""))
        fallback = ruleset.parameters.fallback_deadline(destination)
        if not ctx.deadlines and fallback is not None:
            where = destination or "an unknown destination State"
            others = (
                f" (in force there: {', '.join(ctx.framework_ids)}, none with an API deadline)" if frameworks else ""
            )
            note = f"; no sanction framework for API data is configured for {where}{others}, so no sanction is proposed"
            ctx.deadlines.append(_deadline("", fallback, departure, offsets, note))
    return ctx


def _deadline(framework: str, d: ApiDeadline, departure: datetime, offsets: dict[str, int], note: str) -> Deadline:
    """One deadline and the sentence that states it (which moment, how it was derived, its source)."""
    deadline = departure - timedelta(minutes=offsets[d.reference] + d.minutes_before)
    moment = d.reference.replace("_", " ")
    if d.minutes_before == 0:
        rel = f"at {moment}"
    else:
        rel = f"{abs(d.minutes_before)} min {'after' if d.minutes_before < 0 else 'before'} {moment}"
    taken = ""
    if d.reference != "scheduled_departure":
        taken = f", {moment} taken as {offsets[d.reference]} min before departure {_fmt(departure)}"
    name = f"{framework} deadline" if framework else "default API deadline"
    return Deadline(framework, deadline, f"{name} {_fmt(deadline)} ({rel}{taken}; {d.source}{note})")


def _text(value: object) -> str | None:
    if value is None or value != value:  # NaN
        return None
    text = str(value).strip()
    return text or None


def fmt_instant(instant: datetime | None) -> str:
    return _fmt(instant) if instant else "unknown"
