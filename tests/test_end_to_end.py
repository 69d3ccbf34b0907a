"""`screening screen` on the samples: the specific flags, sanctions and quarantine rows, the invariant
travellers_in == screened + quarantined, and re-runs into the same database without duplicates."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from typer.testing import CliRunner

from screening import schemas
from screening.cli import _register, app

runner = CliRunner()
_register()

FLAG_COLUMNS = [
    "manifest_id",
    "carrier",
    "flight_number",
    "traveller_ref",
    "flag_type",
    "rule_id",
    "severity",
    "score",
    "watchlist_entry_id",
    "list_name",
    "explanation",
]
SANCTION_COLUMNS = [
    "sanction_id",
    "carrier",
    "flight_number",
    "traveller_ref",
    "rule_id",
    "framework",
    "amount",
    "currency",
    "status",
    "explanation",
]
QUARANTINE_COLUMNS = ["source_file", "record_ref", "reason_code", "message", "raw", "travellers"]


def run_screen(samples: Path, out: Path, extra: list[str] | None = None):
    args = [
        "screen",
        *sum((["--manifest", str(p)] for p in sorted(samples.glob("*.csv"))), []),
        "--watchlist",
        str(samples / "lists" / "watchlist.csv"),
        "--registry",
        str(samples / "lists" / "lost_stolen_documents.csv"),
        "--out",
        str(out),
        *(extra or []),
    ]
    return runner.invoke(app, args)


def read_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


@pytest.fixture(scope="module")
def screened(tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    db = tmp_path_factory.mktemp("db") / "s.db"
    result = run_screen(
        Path(__file__).resolve().parents[1] / "data" / "samples", out, ["--database-url", f"sqlite:///{db}"]
    )
    assert result.exit_code == 0, result.output
    return out, f"sqlite:///{db}"


def test_outputs_have_the_contract_columns(screened):
    out, _ = screened
    assert read_csv(out / "flags.csv")[0] == FLAG_COLUMNS
    assert read_csv(out / "sanctions.csv")[0] == SANCTION_COLUMNS
    assert read_csv(out / "quarantine.csv")[0] == QUARANTINE_COLUMNS
    summary = json.loads((out / "summary.json").read_text())
    for key in (
        "files_in",
        "manifests",
        "travellers_in",
        "travellers_screened",
        "travellers_quarantined",
        "flags_by_rule",
        "sanctions_total",
        "seconds",
        "validation",
    ):
        assert key in summary


OUTPUT_SCHEMAS = [("flags.csv", "flags_csv"), ("sanctions.csv", "sanctions_csv"), ("quarantine.csv", "quarantine_csv")]


@pytest.mark.parametrize(("name", "schema"), OUTPUT_SCHEMAS)
def test_written_csvs_match_their_output_schemas(screened, name, schema):
    """schemas/*_csv.schema.json describe the run outputs like the input schemas describe the inputs:
    the header is the schema's properties in order, and every row is valid against the schema."""
    header, rows = read_csv(screened[0] / name)
    assert header == schemas.columns(schema)
    assert rows, f"the samples give {name} rows to check"
    validator = Draft202012Validator(schemas.load_schema(schema))
    problems = [f"row {i}: {e.message}" for i, row in enumerate(rows) for e in validator.iter_errors(row)]
    assert problems == []


def test_nothing_is_lost(screened):
    summary = json.loads((screened[0] / "summary.json").read_text())
    assert summary["travellers_in"] == 21  # 6 + 5 + 5 + 5 rows in the four sample files
    assert summary["travellers_in"] == summary["travellers_screened"] + summary["travellers_quarantined"]
    assert (summary["files_in"], summary["manifests"], summary["travellers_quarantined"]) == (4, 4, 3)


def flags_of(out: Path) -> set[tuple[str, str, str]]:
    return {(r["flight_number"], r["traveller_ref"], r["rule_id"]) for r in read_csv(out / "flags.csv")[1]}


def test_clean_flight_has_no_flags(screened):
    assert {f for f in flags_of(screened[0]) if f[0] == "101"} == set()


def test_breaches_flight_has_its_obligation_flags(screened):
    flags = {f for f in flags_of(screened[0]) if f[0] == "202"}
    assert {("202", "P001", "DOC_EXPIRED"), ("202", "P002", "DOC_MISSING"), ("202", "", "API_LATE")} <= flags
    assert not any(ref in ("P003", "P005") for _, ref, _ in flags)


def test_watchlist_flight_flags_the_listed_traveller_and_the_stolen_passport(screened):
    rows = [r for r in read_csv(screened[0] / "flags.csv")[1] if r["flight_number"] == "303"]
    hit = next(r for r in rows if r["rule_id"] == "WATCHLIST_MATCH")
    assert (hit["traveller_ref"], hit["watchlist_entry_id"], hit["list_name"]) == ("P001", "WL-0001", "NATIONAL-SAMPLE")
    assert float(hit["score"]) >= 0.9 and "date of birth" in hit["explanation"]
    stolen = next(r for r in rows if r["rule_id"] == "DOC_REPORTED_LOST_STOLEN")
    assert (stolen["traveller_ref"], stolen["severity"]) == ("P002", "CRITICAL")
    assert "STOLEN" in stolen["explanation"]
    assert not any(r["rule_id"] == "WATCHLIST_MATCH" and r["traveller_ref"] != "P001" for r in rows)
    similar = next(r for r in rows if r["rule_id"] == "DOC_REPORTED_LOST_STOLEN_SIMILAR")
    assert (similar["traveller_ref"], similar["severity"]) == ("P005", "MEDIUM")
    assert "382716" not in similar["explanation"]  # no document number in the text


def test_sanctions_follow_the_obligation_breaches(screened):
    rows = read_csv(screened[0] / "sanctions.csv")[1]
    keys = {(r["flight_number"], r["traveller_ref"], r["rule_id"], r["framework"]) for r in rows}
    assert ("202", "P001", "DOC_EXPIRED", "EU_2001_51") in keys
    assert ("202", "P002", "DOC_MISSING", "EU_2001_51") in keys
    assert ("202", "", "API_LATE", "EU_2004_82") in keys
    assert all(float(r["amount"]) > 0 and r["currency"] == "EUR" for r in rows if r["status"] != "WAIVED")
    assert len({r["sanction_id"] for r in rows}) == len(rows)


def test_malformed_rows_are_quarantined_with_reasons(screened):
    rows = read_csv(screened[0] / "quarantine.csv")[1]
    got = {(Path(r["source_file"]).name, r["record_ref"], r["reason_code"]) for r in rows}
    assert got == {
        ("manifest_malformed_ZZ404.csv", "5", "ROW_FIELD_COUNT"),
        ("manifest_malformed_ZZ404.csv", "6", "MISSING_FLIGHT_KEY"),
        ("manifest_malformed_ZZ404.csv", "4", "NO_NAME"),
    }
    assert all(r["raw"] for r in rows)


def test_rerun_into_the_same_database_adds_nothing(screened, tmp_path):
    from sqlalchemy import func, select

    from screening.store.db import session_scope
    from screening.store.models import FlagRecord, ManifestRecord, QuarantineEntry, SanctionRecord

    out, url = screened

    def counts():
        with session_scope(url) as s:
            return [
                s.scalar(select(func.count()).select_from(m))
                for m in (ManifestRecord, FlagRecord, SanctionRecord, QuarantineEntry)
            ]

    before = counts()
    assert before[0] == 4 and before[1] > 0
    result = run_screen(Path(__file__).resolve().parents[1] / "data" / "samples", tmp_path, ["--database-url", url])
    assert result.exit_code == 0, result.output
    assert counts() == before
    assert (tmp_path / "flags.csv").read_text() == (out / "flags.csv").read_text()


def test_unreadable_file_exits_1_naming_the_file_and_still_writes_outputs(tmp_path, samples):
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"carrier,flight_number\n\xff\xfe\n")
    result = runner.invoke(
        app,
        [
            "screen",
            "--manifest",
            str(bad),
            "--manifest",
            str(samples / "manifest_clean_ZZ101.csv"),
            "--watchlist",
            str(samples / "lists" / "watchlist.csv"),
            "--out",
            str(tmp_path / "o"),
        ],
    )
    assert result.exit_code == 1
    assert "bad.csv" in result.output and "not UTF-8" in result.output
    rows = read_csv(tmp_path / "o" / "quarantine.csv")[1]
    assert rows[0]["reason_code"] == "FILE_UNREADABLE"
    assert json.loads((tmp_path / "o" / "summary.json").read_text())["travellers_screened"] == 6


def test_missing_option_is_a_usage_error(tmp_path):
    assert runner.invoke(app, ["screen", "--out", str(tmp_path)]).exit_code == 2
