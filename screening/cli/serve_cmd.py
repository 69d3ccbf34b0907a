"""`screening serve`: the officer workspace over the screening store (uvicorn, one process)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from screening.cli import console, handles_errors


@handles_errors
def serve(
    host: Annotated[
        str, typer.Option("--host", help="Address to listen on (keep 127.0.0.1 behind a proxy)")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on")] = 8000,
    database_url: Annotated[
        str | None,
        typer.Option(
            "--database-url", help="Screening store (default: SCREENING_DATABASE_URL, else SQLite in the data dir)"
        ),
    ] = None,
    watchlist: Annotated[
        list[Path] | None,
        typer.Option(
            "--watchlist",
            help="Watchlist file(s) screened against, so alerts show the listed person "
            "(default: SCREENING_WATCHLISTS, paths separated by the OS path separator)",
        ),
    ] = None,
) -> None:
    """Serve the officer workspace: alert queue, flights, sanctions, audit log, trends and the JSON API."""
    import uvicorn

    from screening.config import load_settings
    from screening.errors import InputError
    from screening.web import WebConfig, create_app
    from screening.web.sessions import session_settings

    settings = load_settings()
    lists = list(watchlist or [Path(p) for p in settings.watchlist_paths])
    for path in lists:
        if not path.exists():
            raise InputError(f"{path}: no such watchlist file")
    config = WebConfig(
        database_url=database_url or settings.database_url,
        sessions=session_settings(settings.data_dir),
        reports_dir=settings.reports_dir,
        watchlists=lists,
    )
    app = create_app(config)
    console.print(f"workspace on http://{host}:{port}/ (Ctrl+C stops it)", highlight=False)
    uvicorn.run(
        app,
        host=host,
        port=port,
        proxy_headers=True,
        forwarded_allow_ips="127.0.0.1",
        log_level="info",
        access_log=False,
    )


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
