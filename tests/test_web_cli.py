"""`screening users add/list` and `screening serve` at the command line."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from screening.cli import _register, app
from screening.store.db import session_scope
from screening.web.accounts import authenticate

_register()
runner = CliRunner()


def test_users_add_reads_the_password_from_stdin(sqlite_url: str) -> None:
    result = runner.invoke(
        app,
        [
            "users",
            "add",
            "lena",
            "--role",
            "liaison",
            "--carrier",
            "zz",
            "--carrier",
            "YY",
            "--password-stdin",
            "--database-url",
            sqlite_url,
        ],
        input="a long passphrase\n",
    )
    assert result.exit_code == 0, result.output
    assert "lena: liaison for YY, ZZ" in result.output
    with session_scope(sqlite_url) as session:
        account = authenticate(session, "lena", "a long passphrase")
    assert account is not None and account.carriers == ("YY", "ZZ")
    listed = runner.invoke(app, ["users", "list", "--database-url", sqlite_url])
    assert listed.exit_code == 0 and listed.output.split() == ["lena", "liaison", "YY", "ZZ"]


def test_users_add_refuses_bad_input_with_one_sentence(sqlite_url: str) -> None:
    cases = [
        (["--role", "officer"], "", "--password-stdin"),
        (["--role", "boss", "--password-stdin"], "a long passphrase\n", "unknown role"),
        (["--role", "carrier", "--password-stdin"], "a long passphrase\n", "needs at least one --carrier"),
        (["--role", "analyst", "--carrier", "ZZ", "--password-stdin"], "a long passphrase\n", "sees all carriers"),
        (["--role", "officer", "--password-stdin"], "short\n", "at least 10 characters"),
    ]
    for options, stdin, message in cases:
        result = runner.invoke(app, ["users", "add", "x", *options, "--database-url", sqlite_url], input=stdin)
        assert result.exit_code == 1, (options, result.output)
        assert message in result.output and "Traceback" not in result.output


def test_serve_names_a_missing_watchlist(tmp_path: Path, sqlite_url: str) -> None:
    result = runner.invoke(app, ["serve", "--database-url", sqlite_url, "--watchlist", str(tmp_path / "no.csv")])
    assert result.exit_code == 1 and "no such watchlist file" in result.output
    assert runner.invoke(app, ["serve", "--help"]).exit_code == 0
