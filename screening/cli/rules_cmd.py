"""`screening rules ...`: check, explain and backtest carrier-obligation rule files; import visa policy."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from screening.cli import handles_errors, out
from screening.errors import RulesError

if TYPE_CHECKING:
    import pandas as pd

app = typer.Typer(no_args_is_help=True, help="Check, explain and backtest rule files; import visa policy.")


def _default_rules() -> Path:
    from screening.config import load_settings

    return load_settings().rules_dir


@app.command("check")
@handles_errors
def check(
    rules_dir: Annotated[
        Path,
        typer.Argument(
            help="Rules folder (obligations.yaml, frameworks.yaml, "
            "visa_policy.yaml, visa_overrides.yaml, screening.yaml)"
        ),
    ],
) -> None:
    """Validate rule files against their JSON Schemas and for meaning (unknown country codes or rule ids,
    contradicting rules, negative or missing amounts). Prints every problem as file:line; exit 1 if any."""
    from screening.rules import collect_problems, rules_version

    problems = collect_problems(rules_dir)
    if problems:
        for problem in problems:
            out.print(str(problem), highlight=False, soft_wrap=True)
        raise RulesError(f"{problems[0]} ({len(problems)} problem(s) in {rules_dir})")
    out.print(f"{rules_dir}: rules OK ({rules_version(rules_dir)})", highlight=False, soft_wrap=True)


HISTORY_HELP = (
    "Stored travellers: a database URL (the screening store, e.g. sqlite:///var/screening.db or "
    "postgresql+psycopg://...; each manifest under the rules version it was last screened with, with the "
    "flags of validation, reader and matching as recorded), the DAG's work folders (a manifest re-screened "
    "in several run folders counts once, the latest), or a CSV or Parquet file or directory of travellers "
    "(a travellers.parquet without flight columns is joined on manifest_id with a manifests.parquet beside "
    "it). A file has one row per traveller with the flight columns manifest_id (optional), carrier, "
    "flight_number, departure_airport, arrival_airport, scheduled_departure, scheduled_arrival, "
    "transmitted_at and the manifest CSV's traveller columns; optional protection_claimed (Y/N), transit "
    "(Y/N), residence_permit_state, other_documents (further documents as TYPE:ISSUER, |-separated, "
    "e.g. IR:D|AC:FRA). A file carries no validation or matching flags (said up front)."
)
FromDay = Annotated[str | None, typer.Option("--from", help="First day of scheduled departures (YYYY-MM-DD, UTC)")]
ToDay = Annotated[str | None, typer.Option("--to", help="Last day of scheduled departures, included")]
Carriers = Annotated[list[str] | None, typer.Option("--carrier", help="Only this carrier (repeatable)")]


def _day(text: str | None, option: str):  # noqa: ANN202 - date | None
    from datetime import date

    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(f"{text!r} is not a date (YYYY-MM-DD)", param_hint=option) from None


def _load(history: str, first: str | None, last: str | None, carriers: list[str] | None):  # noqa: ANN202
    from screening.rules.history import load_history

    return load_history(history, first=_day(first, "--from"), last=_day(last, "--to"), carriers=carriers)


@app.command("backtest")
@handles_errors
def backtest(
    rules: Annotated[Path, typer.Option("--rules", help="Candidate rules folder")],
    baseline: Annotated[Path, typer.Option("--baseline", help="Baseline rules folder (e.g. what is live)")],
    history: Annotated[str, typer.Option("--history", help=HISTORY_HELP)],
    changed_out: Annotated[
        Path, typer.Option("--out", help="CSV of travellers whose flags or sanctions changed")
    ] = Path("backtest_changed.csv"),
    first: FromDay = None,
    last: ToDay = None,
    carriers: Carriers = None,
    watchlists: Annotated[
        list[Path] | None,
        typer.Option(
            "--watchlist",
            help="Watchlist file(s) to re-screen the history's travellers with when the matching "
            "settings (screening.yaml) differ; without them watchlist outcomes are carried",
        ),
    ] = None,
) -> None:
    """Show how flags and sanctions would change, per rule and per carrier, between the baseline and the
    candidate rules over stored travellers; write the travellers whose outcome changed to --out
    (manifest_id, carrier, flight_number, traveller_ref, rules_baseline, rules_candidate,
    sanctions_baseline, sanctions_candidate, change; manifest-level outcomes have an empty traveller_ref).
    Obligation rules and every sanction are re-evaluated; flags of validation and the reader (API_INCOMPLETE,
    API_COUNT_MISMATCH, ...) are carried from the history and sanctioned under each rule set; matching is
    re-run when its settings differ and --watchlist is given. What could not be re-evaluated is printed first."""
    from screening.rules import load_ruleset
    from screening.rules.backtest import compare
    from screening.rules.rescreen import carried_flags

    base_rules, cand_rules = load_ruleset(baseline), load_ruleset(rules)
    loaded = _load(history, first, last, carriers)
    carried, candidate_carried, notes = carried_flags(
        loaded, baseline, rules, watchlists or [], (base_rules.version, cand_rules.version)
    )
    for note in notes:
        out.print(f"note: {note}", style="bold yellow", soft_wrap=True)
    result = compare(
        loaded.travellers, base_rules, cand_rules, carried=carried, candidate_carried=candidate_carried, notes=notes
    )
    from screening.outputs import neutralise_frame

    neutralise_frame(result.changed).to_csv(changed_out, index=False)
    out.print(
        f"baseline {result.baseline_version} -> candidate {result.candidate_version}; {result.travellers:,} travellers",
        highlight=False,
        soft_wrap=True,
    )
    _table("Flags per rule", result.flags_by_rule)
    _table("Flags per carrier", result.flags_by_carrier)
    _table("Sanctions per rule", result.sanctions_by_rule)
    _table("Sanctions per carrier", result.sanctions_by_carrier)
    out.print(
        f"{len(result.changed):,} traveller outcomes changed -> {changed_out}",
        highlight=False,
        soft_wrap=True,
    )


_SHORT = {
    "baseline": "base",
    "candidate": "cand",
    "records_baseline": "records base",
    "records_candidate": "records cand",
    "waived_baseline": "waived base",
    "waived_candidate": "waived cand",
    "amount_baseline": "amount base",
    "amount_candidate": "amount cand",
    "amount_change": "amount change",
}


def _table(title: str, frame: pd.DataFrame) -> None:
    """Numbers never truncated: a table wider than the terminal is printed at its natural width."""
    from rich import box
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title, box=box.SIMPLE_HEAD, pad_edge=False)
    for col in frame.columns:
        numeric = frame[col].dtype.kind in "if"
        table.add_column(_SHORT.get(str(col), str(col)), justify="right" if numeric else "left", no_wrap=True)
    for row in frame.itertuples(index=False):
        table.add_row(
            *[f"{v:,.0f}" if isinstance(v, float) else f"{v:,}" if isinstance(v, int) else str(v) for v in row]
        )
    Console(width=max(out.width, 150), highlight=False).print(table)


@app.command("explain")
@handles_errors
def explain(
    history: Annotated[str, typer.Option("--history", help=HISTORY_HELP)],
    manifest_id: Annotated[str, typer.Option("--manifest-id", help="Manifest of the traveller")],
    traveller_ref: Annotated[str, typer.Option("--traveller-ref", help="The traveller's reference")],
    rules: Annotated[Path | None, typer.Option("--rules", help="Rules folder (default: configured)")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Explain every rule's outcome for one traveller of a stored manifest (FLAGGED, PASSED, NOT_APPLICABLE,
    NOT_EVALUATED, DISABLED: what was checked, against which parameter and source), with exemptions and
    sanctions."""
    import json
    from dataclasses import asdict

    from rich.table import Table

    from screening.rules import load_ruleset
    from screening.rules.explain import explain_traveller

    ruleset = load_ruleset(rules or _default_rules())
    loaded = _load(history, None, None, None)
    result = explain_traveller(
        loaded.travellers,
        manifest_id,
        traveller_ref,
        ruleset,
        carried=loaded.carried,
        stages_known=loaded.stages_known,
        notes=loaded.notes,
    )
    if as_json:
        print(json.dumps(asdict(result), indent=2, default=str))
        return
    for note in result.notes:
        out.print(f"note: {note}", style="bold yellow", soft_wrap=True)
    out.print(
        f"{manifest_id} traveller {traveller_ref}: destination {result.destination}, frameworks "
        f"{', '.join(result.frameworks) or 'none'}, rules {result.rules_version}",
        highlight=False,
        soft_wrap=True,
    )
    table = Table(title="Rules")
    for col in ("rule", "outcome", "why"):
        table.add_column(col)
    for o in result.outcomes:
        table.add_row(o.rule_id, o.outcome, o.explanation)
    out.print(table)
    for line in result.exemptions:
        out.print(f"exemption: {line}", highlight=False, soft_wrap=True)
    if not result.sanctions:
        out.print("sanctions: none", highlight=False)
    for s in result.sanctions:
        out.print(
            f"sanction {s['sanction_id']} {s['status']} {s['currency']} {s['amount']:,.0f}: {s['explanation']}",
            highlight=False,
            soft_wrap=True,
        )


@app.command("import-visa")
@handles_errors
def import_visa(
    src: Annotated[
        Path,
        typer.Argument(
            help="CSV with Passport,Destination,Requirement (ISO alpha-3), e.g. the passport-index tidy ISO3 file"
        ),
    ],
    out_file: Annotated[Path, typer.Option("--out", help="Rules file to write")] = Path("rules/visa_policy.yaml"),
    snapshot: Annotated[str | None, typer.Option("--snapshot", help="Date of the source snapshot")] = None,
    licence: Annotated[str | None, typer.Option("--licence", help="Licence and origin of the source")] = None,
) -> None:
    """Generate the visa policy rules file (ICAO codes, provenance, date) from a passport-index CSV.
    Corrections go in visa_overrides.yaml, which wins over the generated file."""
    from screening.rules.visa_import import import_visa as run

    counts = run(src, out_file, snapshot=snapshot, licence=licence)
    out.print(
        f"{out_file}: {counts['destinations']} destinations, {counts['restricted_pairs']:,} "
        f"nationality/destination pairs needing a visa or authorisation, from {counts['rows']:,} rows",
        highlight=False,
        soft_wrap=True,
    )
