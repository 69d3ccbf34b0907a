"""The `screening` command. Each command parses arguments, calls one library function and renders the
result; ScreeningError becomes exit code 1 with one clear sentence, usage errors exit 2 (typer/click)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

import typer
from rich.console import Console

from screening.errors import ScreeningError

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Carrier passenger pre-reporting (API) screening: parse, validate, screen, sanction.")
console = Console(stderr=True)
out = Console()

F = TypeVar("F", bound=Callable[..., Any])


def handles_errors(func: F) -> F:
    """Turn the project's errors into exit code 1 and a one-line message (never a bare traceback)."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except ScreeningError as exc:
            console.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
            raise typer.Exit(code=exc.exit_code) from None

    return wrapper  # type: ignore[return-value]


def _register() -> None:
    from screening.cli import compare_cmd, demo_cmd, parse_cmd, screen_cmd

    for module in (screen_cmd, demo_cmd, parse_cmd, compare_cmd):
        module.register(app)
    from screening.cli import report_cmd, rules_cmd

    app.add_typer(rules_cmd.app, name="rules", help="Check, explain, backtest and import rule files.")
    app.add_typer(report_cmd.app, name="report", help="Flight, carrier and trend reports; exports.")
    from screening.cli import audit_cmd, sanctions_cmd; app.add_typer(sanctions_cmd.app, name="sanctions"); app.add_typer(audit_cmd.app, name="audit")  # noqa: E501,E702,I001
    from screening.cli import serve_cmd, users_cmd; serve_cmd.register(app); app.add_typer(users_cmd.app, name="users")  # noqa: E702, I001


def main() -> None:
    """Entry point: sub-command modules may raise ScreeningError; it ends here as exit code 1."""
    _register()
    try:
        app(prog_name="screening")
    except ScreeningError as exc:
        console.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
        sys.exit(exc.exit_code)


if __name__ == "__main__":  # pragma: no cover
    main()
