"""`screening retention apply [--now ISO] [--dry-run]`: apply rules/retention.yaml outside Airflow, and
`screening retention inventory`: where personal data lives and which rule governs it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import typer
from rich.table import Table

from screening.cli import handles_errors, out
from screening.errors import InputError

app = typer.Typer(no_args_is_help=True, help="Delete or pseudonymise personal data past its retention period.")


def _instant(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise InputError(f"--now {value!r} is not an ISO 8601 time (e.g. 2026-12-03T12:00:00Z)") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@app.command("apply")
@handles_errors
def apply(
    now: Annotated[
        str | None, typer.Option("--now", help="Act as if it were this time (ISO 8601; default now)")
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Count what would be removed; change nothing")] = False,
) -> None:
    """Pseudonymise or delete what is past its period in the store and under the data dir; one audit event."""
    from screening.config import load_settings
    from screening.retention import run_retention

    report = run_retention(_instant(now), dry_run=dry_run)
    counts = report.as_dict()
    if counts:
        table = Table(title="would remove (dry run)" if dry_run else "removed or pseudonymised")
        table.add_column("kind")
        table.add_column("count", justify="right")
        for kind, count in counts.items():
            table.add_row(kind, str(count))
        out.print(table)
    else:
        out.print("nothing was past its retention period", highlight=False)
    if dry_run:
        out.print("dry run: nothing was changed and no audit event was recorded", highlight=False)
    out.print(f"data dir: {load_settings().data_dir}", highlight=False, soft_wrap=True)
    out.print(f"pseudonym key: {report.key_source}", highlight=False, soft_wrap=True)


@app.command("inventory")
@handles_errors
def inventory() -> None:
    """Every store column and data-dir place that can hold personal data, with its retention rule."""
    from screening.personal_data import inventory_rows

    table = Table(title="Personal-data inventory (rules/retention.yaml)")
    for column in ("where", "rule", "action", "holds"):
        table.add_column(column)
    for row in inventory_rows():
        if row["rule"] != "-":
            table.add_row(row["where"], row["rule"], row["action"], row["holds"])
    out.print(table)
