"""The `screening` command. Each command parses arguments, calls one library function and renders the
result; ScreeningError becomes exit code 1 with one clear sentence, usage errors exit 2 (typer/click)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

import typer
from rich.console import Console
from rich.text import Text

from screening.errors import ScreeningError

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="Carrier passenger pre-reporting (API) screening: parse, validate, screen, sanction.",
)
# markup off: every message prints file names and carrier values literally (`m[/]e.csv`, `[bold]`);
# styling, where wanted, goes through rich.text.Text, never through markup in f-strings
console = Console(stderr=True, markup=False)
out = Console(markup=False)

F = TypeVar("F", bound=Callable[..., Any])


def print_error(exc: BaseException) -> None:
    """One line on stderr; the message is printed literally (a path like `m[/]e.csv` is not markup)."""
    console.print(Text.assemble(("error:", "bold red"), " ", str(exc)), highlight=False, soft_wrap=True)


def handles_errors(func: F) -> F:
    """Turn the project's errors into exit code 1 and a one-line message (never a bare traceback)."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except ScreeningError as exc:
            print_error(exc)
            raise typer.Exit(code=exc.exit_code) from None

    return wrapper  # type: ignore[return-value]


def _register() -> None:
    from screening.cli import compare_cmd, demo_cmd, parse_cmd, screen_cmd

    for module in (screen_cmd, demo_cmd, parse_cmd, compare_cmd):
        module.register(app)
    from screening.cli import report_cmd, retention_cmd, rules_cmd

    app.add_typer(rules_cmd.app, name="rules", help="Check, explain, backtest and import rule files.")
    app.add_typer(report_cmd.app, name="report", help="Flight, carrier and trend reports; exports.")
    app.add_typer(retention_cmd.app, name="retention", help="Apply the personal-data retention rules.")
    from screening.cli import audit_cmd, sanctions_cmd

    app.add_typer(sanctions_cmd.app, name="sanctions", help="Confirm, appeal or waive proposed sanctions.")
    app.add_typer(audit_cmd.app, name="audit", help="Read the audit log.")
    from screening.cli import serve_cmd, users_cmd

    serve_cmd.register(app)
    app.add_typer(users_cmd.app, name="users", help="Workspace accounts and roles.")


MULTI_VALUE_OPTIONS = frozenset({"--manifest", "--watchlist", "--registry"})


def expand_multi_value_options(argv: list[str]) -> list[str]:
    """`--manifest a.csv b.csv` (what a shell glob gives) as `--manifest a.csv --manifest b.csv`: click
    options take one value each, so the words after a multi-value option up to the next option are its."""
    expanded: list[str] = []
    current: str | None = None
    for word in argv:
        if word.startswith("-"):
            current = word if word in MULTI_VALUE_OPTIONS else None
            expanded.append(word)
        elif current is not None and expanded[-1] != current:
            expanded.extend([current, word])
        else:
            expanded.append(word)
    return expanded


def main() -> None:
    """Entry point: sub-command modules may raise ScreeningError; it ends here as exit code 1."""
    _register()
    try:
        app(args=expand_multi_value_options(sys.argv[1:]), prog_name="screening")
    except ScreeningError as exc:
        print_error(exc)
        sys.exit(exc.exit_code)


if __name__ == "__main__":  # pragma: no cover
    main()
