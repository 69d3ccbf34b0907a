"""CLI contracts: parse --json shape, compare explanations, exit codes."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from screening import schemas
from screening.cli import _register, app

runner = CliRunner()
_register()


def test_parse_json_prints_manifests_and_quarantine(samples):
    result = runner.invoke(app, ["parse", str(samples / "manifest_malformed_ZZ404.csv"), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    manifest = data["manifests"][0]
    for key in [*schemas.flight_columns(), "message_ref", "message_type", "declared_total", "parts", "travellers"]:
        assert key in manifest
    assert set(manifest["travellers"][0]) == set(schemas.traveller_columns())
    assert {q["reason_code"] for q in data["quarantine"]} == {"ROW_FIELD_COUNT", "MISSING_FLIGHT_KEY"}
    assert set(data["quarantine"][0]) == {"record_ref", "reason_code", "message", "raw", "travellers"}
    assert all(isinstance(q["travellers"], int) for q in data["quarantine"])
    assert data["travellers_in"] == len(manifest["travellers"]) + sum(q["travellers"] for q in data["quarantine"])


def test_parse_missing_file_exits_1(tmp_path):
    result = runner.invoke(app, ["parse", str(tmp_path / "nope.csv"), "--json"])
    assert result.exit_code == 1
    assert "nope.csv: no such file" in result.output


def test_compare_explains_each_part_of_the_score():
    result = runner.invoke(
        app, ["compare", "Jon Smith", "John Smith", "--dob-a", "1980-01-02", "--dob-b", "1980-01-02", "--json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert 0.0 <= data["score"] <= 1.0 and isinstance(data["is_match"], bool)
    assert data["parts"] and all({"feature", "value", "detail"} <= set(p) for p in data["parts"])
    assert any("date of birth" in p["detail"] for p in data["parts"])


def test_compare_pairs_adds_score_and_is_match(tmp_path):
    pairs = tmp_path / "pairs.csv"
    pairs.write_text("name1,name2,dob1,dob2\nJohn Smith,Jon Smith,1980-01-01,1980-01-01\nJohn Smith,Maria Garcia,,\n")
    result = runner.invoke(app, ["compare", "--pairs", str(pairs), "--out", str(tmp_path / "scored.csv")])
    assert result.exit_code == 0, result.output
    import csv

    rows = list(csv.DictReader((tmp_path / "scored.csv").open()))
    assert list(rows[0]) == ["name1", "name2", "dob1", "dob2", "score", "is_match", "explanation"]
    first, second = (float(row["score"]) for row in rows)
    assert first > second
    assert "date_of_birth" in rows[0]["explanation"] and "contradicts" in rows[1]["explanation"]


def test_compare_pairs_without_name_columns_exits_1(tmp_path):
    pairs = tmp_path / "pairs.csv"
    pairs.write_text("a,b\nx,y\n")
    result = runner.invoke(app, ["compare", "--pairs", str(pairs), "--out", str(tmp_path / "o.csv")])
    assert result.exit_code == 1 and "name1" in result.output


def test_unknown_command_is_a_usage_error():
    assert runner.invoke(app, ["frobnicate"]).exit_code == 2
