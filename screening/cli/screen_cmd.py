"""`screening screen`: screen files without Airflow and write the four outputs."""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.progress import Progress

from screening.cli import console, handles_errors
from screening.cli.render import print_summary
from screening.errors import InputError

if TYPE_CHECKING:  # the pipeline (pandas...) is imported when a command runs, not when the CLI starts
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

    for path in [*manifest, *watchlist, *(registry or [])]:
        if not path.exists():
            raise InputError(f"{path}: no such file")
    settings = load_settings()
    with audit_side_process(settings.validate_gx):
        _screen(
            manifest, watchlist, out, registry, rules or settings.rules_dir, database_url, multipart_dir, multipart_wait
        )


def audit_side_process(enabled: bool) -> AbstractContextManager[object]:
    """The validation audit's side process (screening.validate.gx_worker), started before anything else so
    that Great Expectations' start-up overlaps the run; nothing when the audit is off."""
    if not enabled:
        return nullcontext()
    from screening.validate.gx_worker import audit_worker

    return audit_worker()


def _screen(
    manifest: list[Path],
    watchlist: list[Path],
    out: Path,
    registry: list[Path] | None,
    rules_dir: Path,
    database_url: str | None,
    multipart_dir: Path | None,
    multipart_wait: float,
) -> None:
    from screening.pipeline import load_context, screen_files

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
