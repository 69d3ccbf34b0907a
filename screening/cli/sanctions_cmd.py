"""`screening sanctions confirm|appeal|waive SANCTION_ID --reason TEXT` (or `--csv FILE` for a batch) and
`screening sanctions history SANCTION_ID`: officers' decisions, recorded with who, when and why."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from screening.cli import handles_errors, out

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Confirm, appeal or waive proposed sanctions (who, when and why are recorded).",
)

DatabaseUrl = Annotated[
    str | None,
    typer.Option(
        "--database-url", help="Screening store (default: SCREENING_DATABASE_URL, else SQLite in the data dir)"
    ),
]
Actor = Annotated[
    str | None, typer.Option("--actor", help="Deciding officer (default: SCREENING_ACTOR or the login name)")
]
Reason = Annotated[str | None, typer.Option("--reason", help="Why (required; quoted in the carrier report)")]
Batch = Annotated[
    Path | None,
    typer.Option(
        "--csv",
        help="Decide a batch: CSV with sanction_id,reason columns (all or nothing)",
        exists=True,
        dir_okay=False,
    ),
]


def _url(database_url: str | None) -> str:
    from screening.config import load_settings

    return database_url or load_settings().database_url


def _decide(
    action: str,
    sanction_id: str | None,
    reason: str | None,
    batch: Path | None,
    database_url: str | None,
    actor: str | None,
) -> None:
    from screening.report.exports import default_actor
    from screening.sanction_decisions import BatchLine, decide_batch, read_batch
    from screening.store.db import session_scope, upgrade_database

    if (sanction_id is None) == (batch is None):
        raise typer.BadParameter("give one SANCTION_ID or --csv FILE", param_hint="SANCTION_ID")
    if batch is None and not reason:
        raise typer.BadParameter("a reason is required", param_hint="--reason")
    who = actor or default_actor()
    lines = read_batch(batch, action) if batch is not None else [BatchLine(0, sanction_id or "", action, reason or "")]  # type: ignore[arg-type]
    url = _url(database_url)
    upgrade_database(url)
    with session_scope(url) as session:
        decisions = decide_batch(session, lines, who, batch or Path("command line"))
        for d in decisions:
            out.print(
                f"{d.sanction_id}: {d.from_status} -> {d.to_status} by {d.actor} at "
                f"{d.at:%Y-%m-%d %H:%M:%S} UTC: {d.reason}",
                highlight=False,
                soft_wrap=True,
            )


def _command(action: str):
    @handles_errors
    def command(
        sanction_id: Annotated[str | None, typer.Argument(help="Sanction id (sanctions.csv)")] = None,
        reason: Reason = None,
        batch: Batch = None,
        database_url: DatabaseUrl = None,
        actor: Actor = None,
    ) -> None:
        _decide(action, sanction_id, reason, batch, database_url, actor)

    command.__doc__ = f"{action.capitalize()} a sanction (or each sanction of a CSV batch) with a reason."
    return command


for _action in ("confirm", "appeal", "waive"):
    app.command(_action)(_command(_action))


@app.command("history")
@handles_errors
def history(sanction_id: Annotated[str, typer.Argument(help="Sanction id")], database_url: DatabaseUrl = None) -> None:
    """Every decision on one sanction, oldest first."""
    from screening.sanction_decisions import sanction_history
    from screening.store.db import session_scope, upgrade_database

    url = _url(database_url)
    upgrade_database(url)
    with session_scope(url) as session:
        rows = sanction_history(session, sanction_id)
        if not rows:
            out.print(f"{sanction_id}: no decisions recorded", highlight=False)
        for d in rows:
            out.print(
                f"{d.at:%Y-%m-%d %H:%M:%S} UTC {d.actor}: {d.action} ({d.from_status} -> {d.to_status}): {d.reason}",
                highlight=False,
                soft_wrap=True,
            )
