"""`screening report ...` commands: each writes its file, unknown manifests/carriers exit 1, bad dates 2."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_report_history import build_history
from typer.testing import CliRunner

from screening.cli.report_cmd import app

runner = CliRunner()
Z303 = "ZZ303-IST-20261120"


@pytest.fixture()
def url(tmp_path: Path) -> str:
    return build_history(tmp_path)


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def test_flight_all_and_index(url: str, tmp_path: Path) -> None:
    code, output = run("flight", "--all", "--database-url", url, "--out", str(tmp_path / "r"))
    assert code == 0, output
    assert len(list((tmp_path / "r" / "flights").glob("*.html"))) == 6
    assert run("index", "--out", str(tmp_path / "r"))[0] == 0
    assert Z303 in (tmp_path / "r" / "index.html").read_text(encoding="utf-8")


def test_carrier_and_trends(url: str, tmp_path: Path) -> None:
    out = str(tmp_path / "r")
    code, output = run(
        "carrier", "ZZ", "--from", "2026-11-16", "--to", "2026-11-30", "--database-url", url, "--out", out
    )
    assert code == 0, output
    assert (tmp_path / "r" / "carriers" / "ZZ_2026-11-16_2026-11-30.html").exists()
    code, output = run(
        "trends",
        "--from",
        "2026-11-01",
        "--to",
        "2026-11-30",
        "--bucket",
        "week",
        "--database-url",
        url,
        "--out",
        out,
    )
    assert code == 0, output
    assert (tmp_path / "r" / "trends" / "trends_2026-11-01_2026-11-30.html").exists()


def test_export_and_notify(url: str, tmp_path: Path) -> None:
    code, output = run(
        "export",
        "--carrier",
        "ZZ",
        "--format",
        "json",
        "--out",
        str(tmp_path / "x"),
        "--database-url",
        url,
        "--actor",
        "tester",
    )
    assert code == 0, output
    assert sorted(p.name for p in (tmp_path / "x").iterdir()) == ["flags_ZZ.json", "sanctions_ZZ.json"]
    target = tmp_path / "n.json"
    code, output = run("notify", Z303, "--state", "NLD", "--out", str(target), "--database-url", url)
    assert code == 0, output
    assert target.exists()


def test_unknown_things_exit_1_and_bad_dates_exit_2(url: str, tmp_path: Path) -> None:
    out = str(tmp_path / "r")
    assert run("flight", "NOPE", "--database-url", url, "--out", out)[0] == 1
    assert run("carrier", "QQ", "--database-url", url, "--out", out)[0] == 1
    assert run("export", "--carrier", "QQ", "--database-url", url, "--out", out)[0] == 1
    assert run("notify", "NOPE", "--state", "NLD", "--database-url", url)[0] == 1
    assert run("carrier", "ZZ", "--from", "01/11/2026", "--database-url", url, "--out", out)[0] == 2
