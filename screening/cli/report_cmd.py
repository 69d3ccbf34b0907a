"""`screening report ...`: per-flight and per-carrier reports, trends, exports and hit notifications.
Each command parses its options, calls one function of screening.report and prints where the result is."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from screening.cli import handles_errors, out

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Reports for liaison units and analysts, exports and partner-state notifications.",
)


def _default_url() -> str:
    from screening.config import load_settings

    return load_settings().database_url


def _default_reports_dir() -> Path:
    from screening.config import load_settings

    return load_settings().reports_dir


DatabaseUrl = Annotated[
    str | None,
    typer.Option(
        "--database-url", help="Screening store (default: SCREENING_DATABASE_URL or SQLite in the data dir)"
    ),
]
ReportsOut = Annotated[
    Path | None, typer.Option("--out", help="Reports folder (default: <data dir>/reports)")
]


@app.command("flight")
@handles_errors
def flight(
    manifest_id: Annotated[str, typer.Argument(help="Manifest id as stored (see flags.csv)")],
    database_url: DatabaseUrl = None,
    out_dir: ReportsOut = None,
) -> None:
    """Write the per-flight report (HTML, printable to PDF) and refresh the index."""
    from screening.report import write_flight_report

    path = write_flight_report(manifest_id, database_url or _default_url(), out_dir or _default_reports_dir())
    out.print(f"flight report: {path}", highlight=False)


@app.command("index")
@handles_errors
def index(out_dir: ReportsOut = None, database_url: DatabaseUrl = None) -> None:
    """Rebuild the index page listing the latest reports."""
    from screening.report.index import refresh_index

    out.print(f"index: {refresh_index(out_dir or _default_reports_dir())}", highlight=False)
