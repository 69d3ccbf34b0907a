"""`screening demo`: run the main job on the samples through Airflow and say where the report is."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from screening.cli import console, handles_errors, out
from screening.cli.render import print_summary


@handles_errors
def demo(home: Annotated[Path | None, typer.Option(help="Folder for Airflow and the demo data")] = None) -> None:
    """Screen the sample manifests end to end through the manifest_screening DAG (SQLite, local folders)."""
    from screening.demo import run_demo

    started = time.monotonic()

    def step(text: str) -> None:
        console.print(f"{time.monotonic() - started:5.1f}s {text}", highlight=False)

    with console.status("running the demo"):
        result = run_demo(home, step=step)
    print_summary(result.summary, {k: Path(v) for k, v in result.outputs.items()})
    index = result.reports_dir / "index.html"
    out.print(f"reports: {index if index.exists() else result.reports_dir}", highlight=False, soft_wrap=True)
    out.print(f"airflow log: {result.log_file}", highlight=False, soft_wrap=True)


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)
