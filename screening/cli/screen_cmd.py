"""`screening screen`: screen files without Airflow and write the four outputs."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import Progress

from screening.cli import console, handles_errors
from screening.cli.render import print_summary
from screening.errors import InputError
from screening.pipeline import RunResult


@handles_errors
def screen(
    manifest: Annotated[list[Path], typer.Option("--manifest", help="Manifest file(s): CSV, JSON or PAXLST")],
    watchlist: Annotated[list[Path], typer.Option("--watchlist", help="Watchlist file(s): CSV, UN XML, OFAC")],
    out: Annotated[
        Path, typer.Option("--out", help="Folder for flags.csv, sanctions.csv, quarantine.csv, summary.json")
    ],
    registry: Annotated[list[Path] | None, typer.Option("--registry", help="Lost/stolen document CSV(s)")] = None,
    rules: Annotated[Path | None, typer.Option("--rules", help="Rules folder (default: SCREENING_RULES_DIR)")] = None,
    database_url: Annotated[str | None, typer.Option("--database-url", help="Also store results here")] = None,
    multipart_dir: Annotated[
        Path | None,
        typer.Option(
            "--multipart-dir",
            help="Hold incomplete multi-part PAXLST sets here between runs (default: this run "
            "only; sets still incomplete are reported as waiting)",
        ),
    ] = None,
    multipart_wait: Annotated[
        float, typer.Option("--multipart-wait-minutes", help="How long a multi-part set may wait for its other parts")
    ] = 120.0,
) -> None:
    """Screen manifests against watchlists, the document registry and the rules."""
    from screening.config import load_settings
    from screening.pipeline import load_context, screen_files

    for path in [*manifest, *watchlist, *(registry or [])]:
        if not path.exists():
            raise InputError(f"{path}: no such file")
    rules_dir = rules or load_settings().rules_dir
    with console.status("loading watchlists, registry and rules"):
        ctx = load_context(watchlist, registry or [], rules_dir)
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("screening manifests", total=None)
        result = screen_files(
            manifest,
            ctx,
            out,
            database_url=database_url,
            multipart_dir=multipart_dir,
            multipart_wait_minutes=multipart_wait,
            progress=lambda _mid: progress.advance(task),
        )
    print_summary(result.summary, result.output_paths)
    raise_for_failures(result)


def raise_for_failures(result: RunResult) -> None:
    """After every output is written: exit 1 naming what failed (files, manifests, the accounting)."""
    problems = []
    if result.file_errors:
        problems.append(
            f"{len(result.file_errors)} file(s) could not be read (kept in quarantine.csv); first: "
            f"{result.file_errors[0]}"
        )
    if result.failures:
        problems.append(f"{len(result.failures)} manifest(s) failed and were quarantined; first: {result.failures[0]}")
    if not result.summary.get("invariant_holds", True):
        problems.append(
            f"travellers in ({result.summary['travellers_in']}) differ from screened + quarantined + "
            "waiting; see summary.json"
        )
    if problems:
        raise InputError("; ".join(problems))


def register(app: typer.Typer) -> None:
    app.command("screen")(screen)
