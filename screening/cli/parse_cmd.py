"""`screening parse FILE --json`: the canonical manifests and quarantined records of one file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from screening.cli import handles_errors, out


@handles_errors
def parse(
    file: Annotated[Path, typer.Argument(help="A carrier file: PAXLST, CSV or JSON")],
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object")] = False,
) -> None:
    """Parse one carrier file into canonical manifests (no screening)."""
    from screening.errors import InputError
    from screening.ingest import parse_file

    if not file.exists():
        raise InputError(f"{file}: no such file")
    result = parse_file(file)
    if as_json:
        print(json.dumps(result.to_json(), indent=2, ensure_ascii=False))
        return
    for manifest in result.manifests:
        out.print(f"{manifest.manifest_id}: {manifest.carrier}{manifest.flight_number} "
                  f"{manifest.departure_airport}->{manifest.arrival_airport} departs {manifest.scheduled_departure}, "
                  f"{len(manifest.travellers)} traveller(s)", highlight=False)
    for record in result.quarantine:
        out.print(f"quarantined {record.record_ref}: {record.reason_code}: {record.message}", highlight=False)


def register(app: typer.Typer) -> None:
    app.command("parse")(parse)
