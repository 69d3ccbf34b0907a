"""Backtests over what the pipeline left: the store (a database URL, filtered by dates and carriers) and
work folders (a re-screen counted once); validation-produced rules are sanctioned under each rule set;
matching thresholds are re-screened, or the backtest says up front that they are not."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from screening.cli.rules_cmd import app
from screening.pipeline import load_context, screen_files
from screening.rules import load_ruleset
from screening.rules.backtest import compare
from screening.rules.history import load_history

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "data" / "samples"
WATCHLIST = SAMPLES / "lists" / "watchlist.csv"
runner = CliRunner()


@pytest.fixture(scope="module")
def context():
    return load_context([WATCHLIST], [SAMPLES / "lists" / "lost_stolen_documents.csv"], REPO / "rules")


@pytest.fixture(scope="module")
def samples_store(context, tmp_path_factory) -> str:
    tmp = tmp_path_factory.mktemp("store")
    url = f"sqlite:///{tmp / 'store.db'}"
    screen_files(sorted(SAMPLES.glob("*.csv")) + sorted(SAMPLES.glob("*.edi")), context, tmp / "out", database_url=url)
    return url


def _candidate(tmp_path: Path, name: str, file: str, old: str, new: str) -> Path:
    target = tmp_path / name
    shutil.copytree(REPO / "rules", target)
    text = (target / file).read_text()
    assert old in text
    (target / file).write_text(text.replace(old, new, 1))
    return target


def test_fine_change_covers_validation_rules(samples_store: str, tmp_path: Path) -> None:
    """EU_2004_82's per-journey fine 5,000 -> 7,000: both API_INCOMPLETE records (validation) and both
    API_LATE records move by 2,000 each; the baseline equals the live run's EUR 35,000."""
    line = "        max: 30000      # [R] verify OJ L 261, 6.8.2004, p. 24, art. 4(1)\n        amount: "
    candidate = _candidate(tmp_path, "fine", "frameworks.yaml", line + "5000", line + "7000")
    history = load_history(samples_store)
    result = compare(history.travellers, load_ruleset(REPO / "rules"), load_ruleset(candidate), carried=history.carried)
    by_rule = result.sanctions_by_rule.set_index("rule_id")
    assert by_rule["amount_baseline"].sum() == 35000
    assert by_rule.loc["API_INCOMPLETE", "amount_change"] == 4000
    assert by_rule.loc["API_LATE", "amount_change"] == 4000
    assert result.sanctions_by_carrier["amount_change"].sum() == 8000


def test_store_history_filters_by_dates_and_carriers(samples_store: str) -> None:
    everything = load_history(samples_store).travellers
    assert set(everything["carrier"]) == {"ZZ"}
    assert load_history(samples_store, carriers=["XX"]).travellers.empty
    from datetime import date

    early = load_history(samples_store, last=date(2026, 12, 3)).travellers
    assert 0 < len(early) < len(everything)


def _near_misses(tmp_path: Path) -> Path:
    """Two travellers close to listed people (name, sex and nationality right, date of birth wrong): flagged
    at the configured threshold, not at 0.9999."""
    path = tmp_path / "manifest_QQ9.csv"
    header = (SAMPLES / "manifest_clean_ZZ101.csv").read_text().splitlines()[0].split(",")
    first = next(csv.reader((SAMPLES / "manifest_clean_ZZ101.csv").read_text().splitlines()[1:]))
    base = dict(zip(header, first, strict=True))
    rows = []
    for i, (surname, given, dob, sex, nat) in enumerate(
        [("KOVALENKO", "VIKTOR", "1980-01-01", "M", "UKR"), ("NOVAK", "MARTINA", "1970-01-01", "F", "CZE")], start=1
    ):
        rows.append(
            {
                **base,
                "carrier": "QQ",
                "traveller_ref": f"N{i}",
                "surname": surname,
                "given_names": given,
                "date_of_birth": dob,
                "sex": sex,
                "nationality": nat,
                "document_issuing_state": nat,
                "document_number": f"NM{i}23456",
            }
        )
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, header)
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_threshold_change_is_re_screened_or_said_not_to_be(context, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    screen_files([_near_misses(tmp_path)], context, tmp_path / "out", database_url=url)
    from screening.matching import load_match_config

    configured = load_match_config(REPO / "rules").threshold
    candidate = _candidate(tmp_path, "thr", "screening.yaml", f"threshold: {configured}", "threshold: 0.9999")
    args = [
        "backtest",
        "--rules",
        str(candidate),
        "--baseline",
        str(REPO / "rules"),
        "--history",
        url,
        "--out",
        str(tmp_path / "changed.csv"),
    ]
    carried = runner.invoke(app, args)
    assert carried.exit_code == 0, carried.output
    assert carried.output.startswith(
        f"note: matching settings differ (threshold {configured} -> 0.9999) but no --watchlist"
    )
    assert "0 traveller outcomes changed" in carried.output
    rescreened = runner.invoke(app, [*args, "--watchlist", str(WATCHLIST)])
    assert rescreened.exit_code == 0, rescreened.output
    assert "WATCHLIST_MATCH re-screened" in rescreened.output
    assert "2 traveller outcomes changed" in rescreened.output
    changed = list(csv.DictReader((tmp_path / "changed.csv").open()))
    assert {(r["traveller_ref"], r["rules_candidate"], r["change"]) for r in changed} == {
        ("N1", "", "removed"),
        ("N2", "", "removed"),
    }


def test_work_folders_count_a_rescreened_manifest_once(tmp_path: Path) -> None:
    from rules_support import flight_manifest

    from screening.model import Flag
    from screening.workdir import save_manifest, save_records

    m = flight_manifest(
        [
            {
                "traveller_ref": "P1",
                "traveller_type": "PAX",
                "surname": "X",
                "nationality": "USA",
                "document_type": "P",
                "document_number": "1",
                "document_expiry": "2030-01-01",
            }
        ]
    )
    incomplete = Flag(
        m.manifest_id,
        m.carrier,
        m.flight_number,
        "P1",
        "OBLIGATION",
        "API_INCOMPLETE",
        "MEDIUM",
        "missing mandatory API data element(s): sex",
    )
    for run in ("run-a", "run-b"):  # the same manifest screened, then re-screened
        folder = save_manifest(m, tmp_path / run / m.manifest_id)
        save_records(folder / "flags_validate.json", [incomplete])
    history = load_history(tmp_path)
    assert len(history.travellers) == 1 and len(history.carried) == 1
    rules = load_ruleset(REPO / "rules")
    result = compare(history.travellers, rules, rules, carried=history.carried)
    assert result.flags_by_rule.set_index("rule_id").loc["API_INCOMPLETE", "baseline"] == 1
    assert result.sanctions_by_rule.set_index("rule_id").loc["API_INCOMPLETE", "records_baseline"] == 1


def test_file_history_says_up_front_what_it_cannot_re_evaluate(tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        [
            "backtest",
            "--rules",
            str(REPO / "rules"),
            "--baseline",
            str(REPO / "rules"),
            "--history",
            str(REPO / "tests" / "fixtures" / "rules" / "history.csv"),
            "--out",
            str(tmp_path / "c.csv"),
        ],
    )
    assert result.exit_code == 0, result.output
    assert result.output.startswith("note: this history is a traveller file") and "API_INCOMPLETE" in result.output
