"""`screening report ...`: per-flight and per-carrier reports, trends, exports and hit notifications.
Each command parses its options, calls one function of screening.report and prints where the result is."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Annotated

import typer

from screening.cli import handles_errors, out

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Reports for liaison units and analysts, exports and partner-state notifications.",
)

DatabaseUrl = Annotated[
    str | None,
    typer.Option(
        "--database-url",
        help="Screening store (default: SCREENING_DATABASE_URL, else SQLite in the data dir)",
    ),
]
ReportsOut = Annotated[Path | None, typer.Option("--out", help="Reports folder (default: <data dir>/reports)")]
FromDay = Annotated[str | None, typer.Option("--from", help="First day, YYYY-MM-DD (UTC scheduled departure)")]
ToDay = Annotated[
    str | None, typer.Option("--to", help="Last day, YYYY-MM-DD, included (default: 3 days after today, UTC)")
]
Actor = Annotated[
    str | None,
    typer.Option("--actor", help="Who exports, for the audit trail (default: SCREENING_ACTOR or the login name)"),
]


def _url(database_url: str | None) -> str:
    from screening.config import load_settings

    return database_url or load_settings().database_url


def _reports_dir(out_dir: Path | None) -> Path:
    from screening.config import load_settings

    return out_dir or load_settings().reports_dir


def _day(text: str | None, option: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(f"{text!r} is not a date (YYYY-MM-DD)", param_hint=option) from None


AHEAD_DAYS = 3  # API data is about flights not yet departed: default periods reach this far ahead


def _period(first: str | None, last: str | None, default_days: int) -> tuple[date, date]:
    """--from/--to; without them the `default_days` days up to today (UTC) and the next AHEAD_DAYS days."""
    today = datetime.now(UTC).date()
    given_end = _day(last, "--to")
    end = given_end or today + timedelta(days=AHEAD_DAYS)
    start = _day(first, "--from") or (given_end or today) - timedelta(days=default_days - 1)
    return start, end


def _state(code: str) -> str:
    """A country code checked against the ICAO Doc 9303 table (screening/countries.py)."""
    from screening.countries import is_icao_code

    value = code.strip().upper()
    if not is_icao_code(value):
        raise typer.BadParameter(
            f"{code!r} is not an ICAO Doc 9303 country code (e.g. NLD, D, GBR)", param_hint="--state"
        )
    return value


@app.command("flight")
@handles_errors
def flight(
    manifest_ids: Annotated[list[str] | None, typer.Argument(help="Manifest id(s) as stored (see flags.csv)")] = None,
    all_flights: Annotated[bool, typer.Option("--all", help="Every manifest in the store")] = False,
    database_url: DatabaseUrl = None,
    out_dir: ReportsOut = None,
) -> None:
    """Write per-flight reports (HTML, printable to PDF) and refresh the index."""
    from screening.errors import InputError
    from screening.report import write_flight_report
    from screening.report.queries import manifests_in, read_session

    url = _url(database_url)
    ids = list(manifest_ids or [])
    if all_flights:
        with read_session(url) as session:
            ids += [m.manifest_id for m in manifests_in(session)]
    if not ids:
        raise InputError("name a manifest id, or use --all")
    for manifest_id in dict.fromkeys(ids):
        path = write_flight_report(manifest_id, url, _reports_dir(out_dir))
        out.print(f"flight report: {path}", highlight=False, soft_wrap=True)


@app.command("carrier")
@handles_errors
def carrier(
    carrier_code: Annotated[str, typer.Argument(metavar="CARRIER", help="Carrier code as on the manifests")],
    first: FromDay = None,
    last: ToDay = None,
    database_url: DatabaseUrl = None,
    out_dir: ReportsOut = None,
) -> None:
    """Compliance report for one carrier and period (default: the last 7 days and the next 3), against the
    period before; shows officers' decisions on its sanctions."""
    from screening.report.carrier import write_carrier_report

    start, end = _period(first, last, 7)
    path = write_carrier_report(carrier_code, start, end, _url(database_url), _reports_dir(out_dir))
    out.print(f"carrier report: {path}", highlight=False, soft_wrap=True)


@app.command("trends")
@handles_errors
def trends(
    first: FromDay = None,
    last: ToDay = None,
    bucket: Annotated[str | None, typer.Option("--bucket", help="day, week or month (default: by length)")] = None,
    carrier_code: Annotated[str | None, typer.Option("--carrier", help="Only this carrier")] = None,
    database_url: DatabaseUrl = None,
    out_dir: ReportsOut = None,
) -> None:
    """Flags and breaches per route and per carrier over time, with charts (default: the last 90 days and
    the next 3)."""
    from screening.report.trends import write_trends_report

    start, end = _period(first, last, 90)
    path = write_trends_report(
        start, end, _url(database_url), _reports_dir(out_dir), bucket=bucket, carrier=carrier_code
    )
    out.print(f"trends report: {path}", highlight=False, soft_wrap=True)


@app.command("export")
@handles_errors
def export(
    manifest_id: Annotated[str | None, typer.Option("--manifest", help="One flight (manifest id)")] = None,
    carrier_code: Annotated[str | None, typer.Option("--carrier", help="One carrier")] = None,
    first: Annotated[str | None, typer.Option("--from", help="First day, YYYY-MM-DD")] = None,
    last: Annotated[str | None, typer.Option("--to", help="Last day, YYYY-MM-DD, included")] = None,
    kind: Annotated[str, typer.Option("--kind", help="flags, sanctions or both")] = "both",
    fmt: Annotated[str, typer.Option("--format", help="csv or json")] = "csv",
    out_dir: Annotated[Path | None, typer.Option("--out", help="Folder (default: <data dir>/reports/exports)")] = None,
    actor: Actor = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Export flags and/or sanctions of a flight, a carrier or a period as CSV or JSON (audited)."""
    from screening.errors import InputError
    from screening.report.exports import KINDS, Scope, export_records

    if kind not in (*KINDS, "both"):
        raise InputError(f"unknown export kind {kind!r}: use flags, sanctions or both")
    scope = Scope(manifest_id=manifest_id, carrier=carrier_code, first=_day(first, "--from"), last=_day(last, "--to"))
    folder = out_dir or _reports_dir(None) / "exports"
    kinds = KINDS if kind == "both" else (kind,)
    for path in export_records(_url(database_url), folder, scope, kinds=kinds, fmt=fmt.lower(), actor=actor):
        out.print(f"export: {path}", highlight=False, soft_wrap=True)


@app.command("notify")
@handles_errors
def notify(
    manifest_id: Annotated[str, typer.Argument(help="The flight (manifest id) with the hits")],
    state: Annotated[str, typer.Option("--state", help="Partner state, ICAO code (e.g. NLD, D)")],
    traveller_ref: Annotated[list[str] | None, typer.Option("--traveller-ref", help="Only these travellers")] = None,
    out_path: Annotated[
        Path | None,
        typer.Option("--out", help="A .json file, or a folder (default: <data dir>/reports/notifications/...)"),
    ] = None,
    actor: Actor = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Hit notification (JSON, schemas/hit_notification.schema.json) for a partner state (audited)."""
    from screening.report.notify import write_notification

    path = write_notification(
        _url(database_url),
        manifest_id,
        _state(state),
        out_path or _reports_dir(None),
        traveller_refs=traveller_ref or (),
        actor=actor,
    )
    out.print(f"hit notification: {path}", highlight=False, soft_wrap=True)


@app.command("index")
@handles_errors
def index(out_dir: ReportsOut = None, database_url: DatabaseUrl = None) -> None:
    """Rebuild the index page listing the latest reports (database_url is accepted for symmetry)."""
    from screening.report.index import refresh_index

    out.print(f"index: {refresh_index(_reports_dir(out_dir))}", highlight=False, soft_wrap=True)
