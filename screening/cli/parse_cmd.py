"""`screening parse FILE... --json`: the canonical manifests and quarantined records of carrier files,
read and assembled exactly as a screening run reads them (multi-part sets in the files given are joined)."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Annotated, Any

import typer

from screening.cli import handles_errors, out


def parsed_files(files: list[Path]) -> list[dict[str, Any]]:
    """One JSON object per file (docs/architecture.md §3): a set completed by a later file is shown with that file;
    sets still waiting for parts are listed under `waiting` of the last file."""
    from screening import run

    with tempfile.TemporaryDirectory(prefix="screening-parse-") as scratch:
        assembler = run.in_memory_assembler(scratch, 120.0, "parse")
        reads = run.read_files(files, assembler)
        waiting = run.waiting_summary(assembler.pending())
    objects = []
    for read in reads:
        manifests, superseded = run.combine_same_identity(read.manifests)
        objects.append(
            {
                "source_file": read.source_file,
                "manifests": [m.to_json() for m in manifests],
                "quarantine": [
                    {k: v for k, v in q.as_row().items() if k != "source_file"} | {"travellers": q.travellers}
                    for q in [*read.quarantine, *superseded]
                ],
                "travellers_in": read.travellers_in,
                "error": read.error,
            }
        )
    if objects:
        objects[-1]["waiting"] = waiting
    return objects


@handles_errors
def parse(
    files: Annotated[list[Path], typer.Argument(help="Carrier files: PAXLST, CSV or JSON")],
    as_json: Annotated[
        bool, typer.Option("--json", help="Print one JSON object per file (JSON lines for several)")
    ] = False,
) -> None:
    """Parse carrier files into canonical manifests (no screening)."""
    from screening.errors import InputError

    for file in files:
        if not file.exists():
            raise InputError(f"{file}: no such file")
    objects = parsed_files(files)
    if as_json:
        for obj in objects:
            print(json.dumps(obj, indent=2 if len(objects) == 1 else None, ensure_ascii=False))
    else:
        _print_readable(objects)
    errors = [obj["error"] for obj in objects if obj["error"]]
    if errors:  # after printing what could be read: exit 1 naming the first unreadable file
        raise InputError(f"{len(errors)} file(s) could not be read; first: {errors[0]}")


def _print_readable(objects: list[dict[str, Any]]) -> None:
    for obj in objects:
        for manifest in obj["manifests"]:
            out.print(
                f"{obj['source_file']}: {manifest['carrier']}{manifest['flight_number']} "
                f"{manifest['departure_airport']}->{manifest['arrival_airport']} departs "
                f"{manifest['scheduled_departure']}, {manifest['message_type']} list, "
                f"{len(manifest['travellers'])} traveller(s)",
                highlight=False,
                markup=False,
            )
        for record in obj["quarantine"]:
            out.print(
                f"quarantined {record['record_ref']}: {record['reason_code']}: {record['message']}",
                highlight=False,
                markup=False,
            )
        for item in obj.get("waiting", []):
            out.print(
                f"waiting: {item['manifest_id']} message {item['common_ref']}: parts {item['parts']} held, "
                f"{item['travellers']} traveller(s)",
                highlight=False,
                markup=False,
            )


def register(app: typer.Typer) -> None:
    app.command("parse")(parse)
