"""`screening rules ...`: check, explain and backtest carrier-obligation rule files; import visa policy."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from screening.cli import handles_errors, out
from screening.errors import RulesError

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
    out.print(f"{rules_dir}: rules OK ({rules_version(rules_dir)})", highlight=False)
