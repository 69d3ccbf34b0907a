"""`screening audit show [--since ... --actor ... --manifest ...]`: read the audit log."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Annotated

import typer

from screening.cli import handles_errors, out

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Read the audit log.")


def _since(text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(f"{text!r} is not a date or time (ISO 8601)", param_hint="--since") from None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)


@app.command("show")
@handles_errors
def show(
    since: Annotated[
        str | None, typer.Option("--since", help="From this day or time (ISO 8601; UTC if no offset)")
    ] = None,
    actor: Annotated[str | None, typer.Option("--actor", help="Only this actor")] = None,
    manifest: Annotated[str | None, typer.Option("--manifest", help="Only events about this manifest id")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="At most this many events (newest first)")] = 200,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line")] = False,
    database_url: Annotated[str | None, typer.Option("--database-url", help="Screening store")] = None,
) -> None:
    """Audit events, newest first: when, who, what, on which record, and the details."""
    from screening.config import load_settings
    from screening.store.db import session_scope, upgrade_database
    from screening.store.repository import query_audit

    url = database_url or load_settings().database_url
    upgrade_database(url)
    with session_scope(url) as session:
        events = query_audit(session, since=_since(since), actor=actor, manifest_id=manifest, limit=limit)
        if not events:
            out.print("no audit events match", highlight=False)
        for e in events:
            at = e.at.replace(tzinfo=e.at.tzinfo or UTC).astimezone(UTC)
            if as_json:
                out.print(
                    json.dumps(
                        {
                            "at": at.isoformat(),
                            "actor": e.actor,
                            "action": e.action,
                            "subject": e.subject,
                            "manifest_id": e.manifest_id,
                            "detail": e.detail,
                        },
                        default=str,
                    ),
                    highlight=False,
                    soft_wrap=True,
                )
            else:
                detail = ", ".join(f"{k}={v}" for k, v in (e.detail or {}).items())
                out.print(
                    f"{at:%Y-%m-%d %H:%M:%S}Z  {e.actor}  {e.action}  {e.subject}"
                    + (f"  [{detail}]" if detail else ""),
                    highlight=False,
                    soft_wrap=True,
                )
