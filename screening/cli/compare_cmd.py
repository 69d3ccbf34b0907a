"""`screening compare`: explain one match, or score a CSV of pairs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from screening.cli import handles_errors, out


@handles_errors
def compare(
    name_a: Annotated[str | None, typer.Argument(help="First name (as on a manifest)")] = None,
    name_b: Annotated[str | None, typer.Argument(help="Second name (as on a list)")] = None,
    dob_a: Annotated[str | None, typer.Option("--dob-a")] = None,
    dob_b: Annotated[str | None, typer.Option("--dob-b")] = None,
    nationality_a: Annotated[str | None, typer.Option("--nationality-a")] = None,
    nationality_b: Annotated[str | None, typer.Option("--nationality-b")] = None,
    pairs: Annotated[
        Path | None, typer.Option("--pairs", help="CSV with name1,name2[,dob1,dob2,nationality1,nationality2]")
    ] = None,
    out_file: Annotated[Path | None, typer.Option("--out", help="With --pairs: CSV to write")] = None,
    rules: Annotated[Path | None, typer.Option("--rules", help="Rules folder for the threshold")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Score two names the way screening does and show each part of the score."""
    from screening.config import load_settings
    from screening.matching import load_match_config

    config = load_match_config(rules or load_settings().rules_dir)
    if pairs is not None:
        _compare_pairs(pairs, out_file, config)
        return
    if not name_a or not name_b:
        raise typer.BadParameter("give NAME_A and NAME_B, or --pairs FILE.csv --out FILE.csv")
    from screening.matching import compare as compare_names

    result = compare_names(
        name_a, name_b, config, dob_a=dob_a, dob_b=dob_b, nationality_a=nationality_a, nationality_b=nationality_b
    )
    if as_json:
        print(
            json.dumps(
                {"name_a": name_a, "name_b": name_b, **result.to_json()},
                indent=2,
                ensure_ascii=False,
            )
        )
        return
    table = Table(
        title=f"probability {result.score:.3f} - {'MATCH' if result.is_match else 'no match'} "
        f"at threshold {result.threshold}" + ("" if result.threshold == config.threshold else " (names alone)")
    )
    table.add_column("part")
    table.add_column("log-odds", justify="right")
    table.add_column("explanation")
    for part in result.parts:
        table.add_row(part.feature, f"{part.value:+.3f}", part.detail)
    out.print(table)


def _compare_pairs(pairs: Path, out_file: Path | None, config) -> None:
    import pandas as pd

    from screening.errors import InputError
    from screening.matching.pairs import compare_pairs

    if out_file is None:
        raise typer.BadParameter("--pairs needs --out FILE.csv")
    try:
        frame = pd.read_csv(pairs, dtype=str, keep_default_na=False)
    except (OSError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise InputError(f"{pairs}: cannot be read as CSV ({exc})") from exc
    missing = [c for c in ("name1", "name2") if c not in frame.columns]
    if missing:
        raise InputError(f"{pairs}: line 1: header lacks column(s) {', '.join(missing)}")
    frame = compare_pairs(frame, config)
    out_file.parent.mkdir(parents=True, exist_ok=True)
    from screening.outputs import neutralise_frame

    neutralise_frame(frame).to_csv(out_file, index=False)
    out.print(f"{len(frame)} pair(s) scored, {int(frame['is_match'].sum())} match(es): {out_file}", highlight=False)


def register(app: typer.Typer) -> None:
    app.command("compare")(compare)
