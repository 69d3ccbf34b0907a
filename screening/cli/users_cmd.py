"""`screening users ...`: workspace accounts (the password is read from standard input, never an argument)."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from screening.cli import handles_errors, out

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Accounts of the officer workspace.")

DatabaseUrl = Annotated[
    str | None,
    typer.Option(
        "--database-url", help="Screening store (default: SCREENING_DATABASE_URL, else SQLite in the data dir)"
    ),
]


def _url(database_url: str | None) -> str:
    from screening.config import load_settings

    return database_url or load_settings().database_url


@app.command("add")
@handles_errors
def add(
    name: Annotated[str, typer.Argument(help="Login name")],
    role: Annotated[str, typer.Option("--role", help="officer | liaison | analyst | carrier | admin")],
    carrier: Annotated[
        list[str] | None, typer.Option("--carrier", help="Carrier code (liaison, carrier); repeat")
    ] = None,
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="Read the password from stdin")] = False,
    database_url: DatabaseUrl = None,
) -> None:
    """Create a user, or reset an existing user's role, carriers and password."""
    from screening.errors import InputError
    from screening.store.db import session_scope, upgrade_database
    from screening.store.repository import audit
    from screening.web.accounts import add_user

    if not password_stdin:
        raise InputError("give the password on standard input with --password-stdin (never as an argument)")
    password = sys.stdin.readline().rstrip("\r\n")
    url = _url(database_url)
    upgrade_database(url)
    with session_scope(url) as session:
        account = add_user(session, name, role, list(carrier or []), password)
        from screening.report.exports import default_actor

        audit(
            session,
            default_actor(),
            "user_add",
            account.name,
            {"role": account.role, "carriers": list(account.carriers), "via": "cli"},
        )
    scope = f" for {', '.join(account.carriers)}" if account.carriers else ""
    out.print(f"user {account.name}: {account.role}{scope}", highlight=False)


@app.command("list")
@handles_errors
def list_(database_url: DatabaseUrl = None) -> None:
    """List the workspace's users and roles."""
    from screening.store.db import session_scope, upgrade_database
    from screening.web.accounts import list_users

    url = _url(database_url)
    upgrade_database(url)
    with session_scope(url) as session:
        for account in list_users(session):
            out.print(f"{account.name}\t{account.role}\t{' '.join(account.carriers)}", highlight=False)
