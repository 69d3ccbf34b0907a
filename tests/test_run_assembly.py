"""One run, one truth: the run assembler (screening.run) that `screening screen` and the DAG's tasks share.
Multi-part sets, crew and passenger lists of one flight, one flight in several files, faults isolated per
manifest, and the store agreeing with the run's outputs."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from screening import stages
from screening.pipeline import load_context, screen_files
from screening.store import repository as repo
from screening.store.db import session_scope
from screening.store.models import FlagRecord, ManifestRecord, SanctionRecord, TravellerRecord

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "paxlst"
PARTS = ["multipart_01C.edi", "multipart_02.edi", "multipart_03F.edi"]
SHARED = Path(__file__).resolve().parents[2] / "shared"
GTAS = SHARED / "data" / "messages" / "gtas"
REPRO = SHARED / "repro"


@pytest.fixture
def ctx(sample_lists, rules_dir):
    return load_context(sample_lists["watchlists"], sample_lists["registries"], rules_dir)


def one_interchange(names: list[str]) -> bytes:
    """Several parts' messages (UNH..UNT) in one interchange: the first file's envelope around them all."""
    texts = [(FIXTURES / n).read_text() for n in names]
    lines = texts[0].splitlines()
    head = [ln for ln in lines if not ln.startswith("UNZ")]
    for text in texts[1:]:
        head += [ln for ln in text.splitlines() if not ln.startswith(("UNA", "UNB", "UNZ"))]
    return ("\n".join(head + [f"UNZ+{len(texts)}+IC1001'"]) + "\n").encode()


def rule_ids(path: Path, manifest_level: bool = False) -> list[str]:
    """Rule ids in a flags.csv; manifest_level: only flags on the whole manifest (no traveller_ref)."""
    with path.open(encoding="utf-8") as handle:
        return [row["rule_id"] for row in csv.DictReader(handle) if not (manifest_level and row["traveller_ref"])]


def test_parts_in_one_file_are_one_manifest_without_false_findings(tmp_path, ctx):
    file = tmp_path / "three_parts.edi"
    file.write_bytes(one_interchange(PARTS))
    result = screen_files([file], ctx, tmp_path / "out")
    [outcome] = result.outcomes
    assert outcome.manifest.parts == 3 and len(outcome.manifest.travellers) == 5
    flags = rule_ids(tmp_path / "out" / "flags.csv", manifest_level=True)
    assert "API_INCOMPLETE" not in flags and "API_COUNT_MISMATCH" not in flags
    assert result.summary["waiting"] == [] and result.summary["invariant_holds"]


def test_a_lone_part_waits_and_is_neither_screened_nor_sanctioned(tmp_path, ctx):
    result = screen_files([FIXTURES / PARTS[0]], ctx, tmp_path / "out")
    summary = result.summary
    assert summary["manifests"] == 0 and summary["sanctions_total"] == 0
    assert summary["travellers_in"] == 2 and summary["travellers_waiting"] == 2
    [waiting] = summary["waiting"]
    assert waiting["parts"] == [1] and waiting["common_ref"] == "ZZ0456/250301"
    assert 0 < waiting["wait_left_minutes"] <= 120
    assert summary["invariant_holds"]
    assert json.loads((tmp_path / "out" / "summary.json").read_text())["waiting"] == summary["waiting"]
    report = (tmp_path / "out" / "report.html").read_text()
    waiting_section = report.split('id="waiting"', 1)[1].split("<h2", 1)[0]
    assert waiting["manifest_id"] in waiting_section and "ZZ0456/250301" in waiting_section
    assert "waiting for other parts" in report and "(1)" in waiting_section


def test_an_expired_wait_releases_the_set_with_one_incomplete_flag(tmp_path, ctx):
    result = screen_files([FIXTURES / PARTS[0], FIXTURES / PARTS[2]], ctx, tmp_path / "out", multipart_wait_minutes=0)
    [outcome] = result.outcomes
    incomplete = [f for f in outcome.flags if f.rule_id == "API_INCOMPLETE" and not f.traveller_ref]
    assert len(incomplete) == 1 and "parts 2 missing" in incomplete[0].explanation
    assert result.summary["travellers_waiting"] == 0 and result.summary["invariant_holds"]


def test_a_set_held_between_cli_runs_is_completed_later(tmp_path, ctx):
    hold = tmp_path / "hold"
    first = screen_files([FIXTURES / PARTS[0]], ctx, tmp_path / "a", multipart_dir=hold)
    assert first.summary["travellers_waiting"] == 2
    second = screen_files([FIXTURES / PARTS[1], FIXTURES / PARTS[2]], ctx, tmp_path / "b", multipart_dir=hold)
    [outcome] = second.outcomes
    assert len(outcome.manifest.travellers) == 5
    assert second.summary["travellers_in"] == 5  # 3 from this run's files, 2 carried in from the hold
    assert second.summary["invariant_holds"] and second.summary["waiting"] == []


@pytest.mark.skipif(not GTAS.exists(), reason="../shared/data/messages/gtas is not here")
def test_crew_and_passenger_lists_of_one_flight_are_two_manifests(tmp_path, ctx, sqlite_url):
    result = screen_files(
        [GTAS / "Test1.txt", GTAS / "Test3.txt"],
        ctx,
        tmp_path / "out",
        database_url=sqlite_url,
        multipart_wait_minutes=0,
    )
    kinds = sorted((o.manifest.message_type, len(o.manifest.travellers)) for o in result.outcomes)
    assert kinds == [("CREW", 8), ("PAX", 260)]
    assert len({o.manifest.manifest_id for o in result.outcomes}) == 2
    assert_store_agrees(sqlite_url, result)


@pytest.mark.skipif(not REPRO.exists(), reason="../shared/repro is not here")
def test_one_flight_in_two_csv_files_is_one_manifest_with_both_files_travellers(tmp_path, ctx, sqlite_url):
    files = [REPRO / "same_flight_partA_ZZ303.csv", REPRO / "same_flight_partB_ZZ303.csv"]
    result = screen_files(files, ctx, tmp_path / "out", database_url=sqlite_url)
    [outcome] = result.outcomes
    travellers_in_files = sum(len(list(csv.DictReader(f.open(encoding="utf-8")))) for f in files)
    assert len(outcome.manifest.travellers) == travellers_in_files
    assert "MANIFEST_MERGED" in rule_ids(tmp_path / "out" / "flags.csv")
    assert_store_agrees(sqlite_url, result)
    with session_scope(sqlite_url) as session:
        hits = session.scalars(select(FlagRecord.traveller_ref).where(FlagRecord.rule_id == "WATCHLIST_MATCH")).all()
    assert "P001" in hits  # the first file's listed traveller is in the store, not only in flags.csv


@pytest.mark.skipif(not REPRO.exists(), reason="../shared/repro is not here")
def test_a_later_transmission_supersedes_the_earlier_which_is_kept_as_history(tmp_path, ctx, sqlite_url):
    first = screen_files([REPRO / "same_flight_partA_ZZ303.csv"], ctx, tmp_path / "a", database_url=sqlite_url)
    screen_files([REPRO / "same_flight_partB_ZZ303.csv"], ctx, tmp_path / "b", database_url=sqlite_url)
    [manifest_id] = {o.manifest.manifest_id for o in first.outcomes}
    with session_scope(sqlite_url) as session:
        history = repo.transmissions(session, manifest_id)
        assert [h.superseded_at is None for h in history] == [False, True]
        assert history[0].superseded_by == history[1].transmission_key
        assert history[0].travellers_in == len(first.outcomes[0].manifest.travellers)


def test_a_fault_in_one_manifest_quarantines_it_and_the_run_goes_on(tmp_path, ctx, samples, monkeypatch):
    import screening.pipeline as pipeline

    real = pipeline.run_screening

    def flaky(manifest, travellers, context):
        if manifest.flight_number == "202":
            raise KeyError("an unforeseen bug")
        return real(manifest, travellers, context)

    monkeypatch.setattr(pipeline, "run_screening", flaky)
    result = screen_files(sorted(samples.glob("*.csv")), ctx, tmp_path / "out")
    assert result.failures and "ZZ202" in result.failures[0]
    assert {o.manifest.flight_number for o in result.outcomes} == {"101", "303", "404"}
    failed = [q for q in result.quarantine if q.reason_code == "MANIFEST_FAILED"]
    assert len(failed) == 1 and failed[0].travellers > 0
    assert result.summary["invariant_holds"]


def test_a_dag_run_with_nothing_to_do_is_quiet_and_green(tmp_path):
    result = stages.summarise_run(tmp_path / "work" / "run-empty", tmp_path / "out", [], "run-empty", None)
    summary = result["summary"]
    assert (summary["files_in"], summary["manifests"], summary["travellers_in"]) == (0, 0, 0)
    assert summary["invariant_holds"] and (tmp_path / "out" / "summary.json").exists()


def dag_path(files: list[Path], tmp_path: Path, sample_lists, rules_dir, database_url: str) -> dict:
    """The DAG's tasks, in order, in this process: the same steps over files."""
    from screening.dag_support import run_in_process

    cfg = {
        "run_id": "run-1",
        "run_dir": str(tmp_path / "work" / "run-1"),
        "quarantine_dir": str(tmp_path / "q"),
        "multipart_dir": str(tmp_path / "mp"),
        "multipart_wait_minutes": 120,
        "database_url": database_url,
        "watchlists": [str(p) for p in sample_lists["watchlists"]],
        "rules_dir": str(rules_dir),
        "registries": [str(p) for p in sample_lists["registries"]],
        "reports_dir": str(tmp_path / "reports"),
        "out_dir": str(tmp_path / "dag-out"),
    }
    return run_in_process(cfg, [str(f) for f in files])


def comparable(summary: dict) -> dict:
    keys = (
        "manifests",
        "travellers_in",
        "travellers_screened",
        "travellers_quarantined",
        "travellers_waiting",
        "flags_by_rule",
        "sanctions_total",
        "sanctions_amount_by_currency",
        "invariant_holds",
    )
    return {k: summary[k] for k in keys}


def every_input(samples: Path) -> list[Path]:
    shared = sorted(  # every shared PAXLST/PNRGOV message (none when ../shared is absent)
        p
        for folder in (GTAS, GTAS.parent / "paxlst_misc")
        for p in folder.glob("*")
        if p.suffix in (".txt", ".edi") and "LICENSE" not in p.name
    )
    return sorted(samples.glob("*.csv")) + sorted(samples.glob("*.edi")) + shared


def test_the_dag_steps_and_the_cli_give_the_same_run(tmp_path, ctx, samples, sample_lists, rules_dir):
    files = every_input(samples)
    cli = screen_files(files, ctx, tmp_path / "cli-out", database_url=f"sqlite:///{tmp_path / 'cli.db'}")
    dag = dag_path(files, tmp_path, sample_lists, rules_dir, f"sqlite:///{tmp_path / 'dag.db'}")
    assert comparable(dag["summary"]) == comparable(cli.summary)
    for out in ("dag-out", "cli-out"):  # both write the run report from their summary
        assert 'id="waiting"' in (tmp_path / out / "report.html").read_text()
    for name in ("flags.csv", "sanctions.csv"):
        assert sorted((tmp_path / "dag-out" / name).read_text().splitlines()) == sorted(
            (tmp_path / "cli-out" / name).read_text().splitlines()
        )


def assert_store_agrees(url: str, result) -> None:
    """The store holds exactly what the run's outputs say: manifests, travellers, flags and sanctions."""
    ids = [o.manifest.manifest_id for o in result.outcomes]
    with session_scope(url) as session:

        def count(model, *where):
            return session.scalar(select(func.count()).select_from(model).where(*where))

        assert count(ManifestRecord, ManifestRecord.last_run_id == result.run_id) == result.summary["manifests"]
        assert count(TravellerRecord, TravellerRecord.manifest_id.in_(ids)) == sum(
            len(o.manifest.travellers) for o in result.outcomes
        )
        assert count(FlagRecord, FlagRecord.manifest_id.in_(ids)) == sum(len(o.flags) for o in result.outcomes)
        assert count(SanctionRecord, SanctionRecord.manifest_id.in_(ids)) == result.summary["sanctions_total"]


@pytest.mark.parametrize(
    "name", [p.name for p in every_input(Path(__file__).resolve().parents[1] / "data" / "samples")]
)
def test_the_store_agrees_with_the_outputs_for_every_sample_and_shared_message(
    name, tmp_path, ctx, samples, sqlite_url
):
    [path] = [p for p in every_input(samples) if p.name == name]
    result = screen_files([path], ctx, tmp_path / "out", database_url=sqlite_url, multipart_wait_minutes=0)
    assert result.summary["invariant_holds"]
    assert_store_agrees(sqlite_url, result)


def test_the_watchdog_alerts_on_a_set_waiting_longer_than_its_wait(tmp_path, ctx):
    from datetime import UTC, datetime, timedelta

    from screening.alerts import waiting_sets

    hold = tmp_path / "hold"
    screen_files([FIXTURES / PARTS[0]], ctx, tmp_path / "out", multipart_dir=hold)
    now = datetime.now(UTC)
    assert waiting_sets(hold, now, timedelta(minutes=120)) == []
    [alert] = waiting_sets(hold, now + timedelta(minutes=121), timedelta(minutes=120))
    assert alert.kind == "MULTIPART_WAITING" and "2 travellers" in alert.reason
    assert "ALPHA" not in alert.text() and "BRAVO" not in alert.text()  # ids and counts, no names


def test_a_rescreen_says_what_it_changed(tmp_path, ctx, samples, sample_lists, rules_dir, sqlite_url):
    files = sorted(samples.glob("*.csv"))
    screen_files(files, ctx, tmp_path / "a", database_url=sqlite_url)
    again = screen_files(files, ctx, tmp_path / "b", database_url=sqlite_url)
    assert again.summary["rescreen_changes"] == {}  # the same inputs and rules: nothing changed
    empty_list = tmp_path / "empty.csv"
    header = (sample_lists["watchlists"][0]).read_text(encoding="utf-8").splitlines()[0]
    empty_list.write_text(header + "\n", encoding="utf-8")
    no_hits = load_context([empty_list], sample_lists["registries"], rules_dir)
    changed = screen_files(files, no_hits, tmp_path / "c", database_url=sqlite_url).summary["rescreen_changes"]
    removed = [f for c in changed.values() for f in c["flags_removed"]]
    assert any("WATCHLIST_MATCH" in str(f) for f in removed)


def test_a_waiting_set_is_checked_against_the_watchlists_at_once(tmp_path, ctx):
    """Obligations and sanctions wait for the whole list; a listed person among the parts held does not."""
    part = tmp_path / "part1.edi"
    text = (FIXTURES / PARTS[0]).read_text().replace("NAD+FL+++BRAVO:BEN'", "NAD+FL+++KOVALENKO:VIKTOR ANDRIIOVYCH'")
    part.write_text(text.replace("RFF+ABO:R2'", "RFF+ABO:R2'DTM+329:750314'"))
    result = screen_files([part], ctx, tmp_path / "out")
    [waiting] = result.summary["waiting"]
    assert [(h["traveller_ref"], h["watchlist_entry_id"]) for h in waiting["watchlist_hits"]] == [("R2", "WL-0001")]
    assert result.summary["flags_by_rule"] == {} and result.summary["sanctions_total"] == 0
    assert result.summary["travellers_waiting"] == 2 and result.summary["invariant_holds"]
    report = (tmp_path / "out" / "report.html").read_text()
    assert "R2 ~ NATIONAL-SAMPLE WL-0001" in report and "KOVALENKO" not in report  # refs, never names


def test_the_dag_checks_a_waiting_set_and_alerts_once(tmp_path, sample_lists, rules_dir, monkeypatch):
    monkeypatch.setenv("SCREENING_DATA_DIR", str(tmp_path / "var"))
    part = tmp_path / "part1.edi"
    text = (FIXTURES / PARTS[0]).read_text().replace("NAD+FL+++BRAVO:BEN'", "NAD+FL+++KOVALENKO:VIKTOR ANDRIIOVYCH'")
    part.write_text(text)
    dag = dag_path([part], tmp_path, sample_lists, rules_dir, f"sqlite:///{tmp_path / 'dag.db'}")
    [waiting] = dag["summary"]["waiting"]
    assert [h["watchlist_entry_id"] for h in waiting["watchlist_hits"]] == ["WL-0001"]
    alerts = (tmp_path / "var" / "alerts.jsonl").read_text().splitlines()
    assert [json.loads(a)["kind"] for a in alerts] == ["WAITING_WATCHLIST_HIT"]
    assert "KOVALENKO" not in alerts[0]
