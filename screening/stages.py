"""File-based wrappers over the pipeline stages for Airflow tasks: each takes and returns folder paths.
A manifest folder is work/<run_key>/<manifest_id>/ and each stage writes its own file there."""

from __future__ import annotations

import hashlib
import shutil
import time
from functools import lru_cache
from pathlib import Path
from typing import Any

from screening import quarantine_reasons as reasons
from screening import workdir
from screening.model import Traveller
from screening.run import EarlyHit, WaitingScreener

VALIDATION_JSON = "validation.json"
SCREENABLE_JSON = "screenable.json"
QUARANTINE_JSON = "quarantine.json"
FLAGS_VALIDATE = "flags_validate.json"
FLAGS_SCREEN = "flags_screen.json"
FLAGS_ALL = "flags.json"
SANCTIONS_JSON = "sanctions.json"
VERSIONS_JSON = "versions.json"
PARSE_QUARANTINE_DIR = "_parse_quarantine"


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def land_files(intake_dir: Path, raw_dir: Path, database_url: str, *, rescreen: bool = False) -> list[str]:
    """Move each new intake file, unmodified, into the raw store under its checksum; skip duplicates."""
    from screening.store import repository as repo
    from screening.store.db import session_scope, upgrade_database
    from screening.store.models import IngestedFile

    upgrade_database(database_url)
    landed: list[str] = []
    intake_dir.mkdir(parents=True, exist_ok=True)
    for path in sorted(p for p in intake_dir.iterdir() if p.is_file() and not p.name.startswith(".")):
        checksum = sha256_file(path)
        target = raw_dir / checksum[:2] / checksum / path.name
        target.parent.mkdir(parents=True, exist_ok=True)
        with session_scope(database_url) as session:
            known = session.get(IngestedFile, f"sha256:{checksum}")
            if not target.exists():
                shutil.copy2(path, target.with_name(f".{target.name}.tmp"))
                target.with_name(f".{target.name}.tmp").replace(target)
            path.unlink()
            if known is not None and known.status == "SCREENED" and not rescreen:
                repo.audit(
                    session,
                    "intake",
                    "duplicate_file_ignored",
                    f"sha256:{checksum}",
                    {"name": path.name},
                    key=f"dup|{checksum}",
                )
                continue
            repo.record_ingested_file(session, f"sha256:{checksum}", path.name, str(target), "LANDED")
        landed.append(str(target))
    return landed


def select_rescreen_files(
    database_url: str, date_from: str | None, date_to: str | None, carrier: str | None
) -> list[str]:
    """Landed files whose manifests departed in [date_from, date_to] (and fly the carrier, if given):
    what an operator re-screens from the trigger form, for example under a new rules version."""
    from sqlalchemy import select

    from screening.store.db import session_scope, upgrade_database
    from screening.store.models import ManifestRecord

    upgrade_database(database_url)
    with session_scope(database_url) as session:
        query = select(ManifestRecord.source_file, ManifestRecord.scheduled_departure, ManifestRecord.carrier)
        chosen = set()
        for source, departure, flown_by in session.execute(query):
            day = (departure or "")[:10]
            if date_from and day < date_from or date_to and day > date_to:
                continue
            if carrier and flown_by != carrier.upper():
                continue
            if Path(source).exists():
                chosen.add(source)
    return sorted(chosen)


READS_DIR = "_reads"
ASSEMBLY_JSON = "_assembly.json"
FAILED_JSON = "failed.json"
RESCREEN_JSON = "rescreen_changes.json"


def _assembler(multipart_dir: Path, run_id: str, wait_minutes: float) -> Any:
    from datetime import timedelta

    from screening.ingest.multipart import MultipartAssembler

    return MultipartAssembler(multipart_dir, wait=timedelta(minutes=wait_minutes), run_token=run_id)


def parse_to_work(
    raw_path: str,
    run_dir: Path,
    quarantine_dir: Path,
    multipart_dir: Path | None = None,
    run_id: str = "",
    wait_minutes: float = 120.0,
) -> list[str]:
    """Step read (screening.run.read_file) for one landed file, saved under the run's _reads/ folder:
    multi-part parts go to the durable assembler (multipart_dir). A file that cannot be read at all is
    also copied to the quarantine folder with a .reason.txt beside it; the other files go on."""
    from screening import run

    source = Path(raw_path)
    assembler = _assembler(multipart_dir, run_id or run_dir.name, wait_minutes) if multipart_dir else None
    read = run.read_file(source, assembler)
    if read.error:
        quarantine_dir.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, quarantine_dir / source.name)
        (quarantine_dir / f"{source.name}.reason.txt").write_text(f"{read.error}\n", encoding="utf-8")
    key = hashlib.sha256(f"{source.resolve()}|{sha256_file(source) if source.is_file() else ''}".encode())
    return [str(_save_read(read, run_dir / READS_DIR / key.hexdigest()[:24]))]


def _save_read(read: Any, folder: Path) -> Path:
    """A FileRead as files: its manifests as manifest folders, its quarantine and counts as JSON."""
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("m*"):
        shutil.rmtree(old) if old.is_dir() else old.unlink()
    for index, manifest in enumerate(read.manifests):
        workdir.save_manifest(manifest, folder / f"m{index:04d}")
    workdir.save_records(folder / QUARANTINE_JSON, read.quarantine)
    workdir.save_json(
        folder / "read.json",
        {
            "source_file": read.source_file,
            "travellers_in": read.travellers_in,
            "error": read.error,
            "manifests": len(read.manifests),
        },
    )
    return folder


def _load_read(folder: Path) -> Any:
    from screening import run

    meta = workdir.load_json(folder / "read.json", {})
    manifests = [workdir.load_manifest(m) for m in sorted(folder.glob("m*")) if m.is_dir()]
    return run.FileRead(
        meta.get("source_file", ""),
        manifests,
        workdir.load_quarantine(folder / QUARANTINE_JSON),
        int(meta.get("travellers_in", 0)),
        meta.get("error"),
    )


def gather_stage(
    read_dirs: list[str],
    run_dir: Path,
    multipart_dir: Path,
    run_id: str,
    wait_minutes: float,
    screen_waiting: Any = None,
) -> list[str]:
    """Step assemble (screening.run.assemble) over every file read in this run: sets whose wait is over
    are released incomplete, same-identity manifests combined, one folder written per manifest, and the
    run's accounting kept in _assembly.json for the summary (with the early watchlist hits of the sets
    still waiting, given screen_waiting: see waiting_screener_for)."""
    from screening import run

    assembler = _assembler(multipart_dir, run_id, wait_minutes)
    reads = [_load_read(Path(d)) for d in read_dirs]
    due = assembler.release_due()
    if due:
        reads.append(run.FileRead("multipart-timeout", manifests=due))
    assembly = run.assemble(reads, assembler, screen_waiting=screen_waiting)
    folders = []
    for manifest in assembly.manifests:
        folder = run_dir / manifest.manifest_id
        for stale in (FAILED_JSON, FLAGS_ALL):  # a re-run starts this manifest afresh
            (folder / stale).unlink(missing_ok=True)
        folders.append(str(workdir.save_manifest(manifest, folder)))
    workdir.save_records(run_dir / PARSE_QUARANTINE_DIR / "assembly.json", assembly.quarantine)
    alert_early_hits(assembly.waiting)
    workdir.save_json(
        run_dir / ASSEMBLY_JSON,
        {
            "travellers_in": assembly.travellers_in,
            "waiting_travellers": assembly.waiting_travellers,
            "waiting": run.waiting_summary(assembly.waiting),
            "errors": assembly.errors,
            "manifests": [Path(f).name for f in folders],
        },
    )
    return folders


def alert_early_hits(waiting: list[dict[str, Any]]) -> None:
    """An operator alert for a waiting set with watchlist hits, once: in the run its new part arrived."""
    from screening.alerts import Alert, send_alert

    for held in waiting:
        hits = held.get("watchlist_hits")
        if hits and held.get("travellers_this_run"):
            send_alert(
                Alert(
                    "WAITING_WATCHLIST_HIT",
                    "manifest_screening",
                    "gather",
                    str(held.get("manifest_id")),
                    f"multi-part message {held.get('common_ref')}: {len(hits)} watchlist hit(s) among the "
                    f"{held.get('travellers')} travellers held so far (parts {held.get('parts')}); the set "
                    "still waits for its other parts",
                )
            )


def waiting_screener_for(
    watchlists: list[str], registries: list[str], rules_dir: str, index_dir: str | None = None
) -> WaitingScreener:
    """The CLI's early check of waiting sets (screening.pipeline.waiting_screener) for a DAG task: the
    lists are loaded only when a set is actually waiting, once per worker process."""

    def screen(travellers: list[Traveller]) -> list[EarlyHit]:
        from screening.pipeline import waiting_screener

        ctx = cached_context(tuple(watchlists), tuple(registries), rules_dir, index_dir)
        return waiting_screener(ctx)(travellers)

    return screen


def failed(folder: Path) -> bool:
    """A manifest a stage quarantined whole: later stages leave it alone, the summary counts it."""
    return (folder / FAILED_JSON).exists()


def isolate(stage: str, manifest_dir: str, step: Any) -> str:
    """Step `stage` on one manifest folder, the way the CLI isolates it (screening.run.guarded): a data
    fault writes failed.json (the manifest quarantined whole, with its travellers) and the batch goes on;
    a transient fault is raised so Airflow retries the task."""
    from screening import run

    folder = Path(manifest_dir)
    if failed(folder):
        return manifest_dir
    manifest = workdir.load_manifest(folder)
    _, failure = run.guarded(stage, manifest, step)
    if failure is not None:
        workdir.save_records(folder / FAILED_JSON, [failure])
    return manifest_dir


def validate_batch_stage(manifest_dirs: list[str]) -> list[str]:
    """Validate a batch of manifest folders; one Great Expectations audit run covers the batch, and a
    manifest validation fails on is quarantined whole (screening.pipeline.validate_guarded)."""
    from screening.pipeline import validate_guarded

    folders = [Path(d) for d in manifest_dirs if not failed(Path(d))]
    manifests = [workdir.load_manifest(f) for f in folders]
    for folder, (result, failure) in zip(folders, validate_guarded(manifests), strict=True):
        if failure is not None:
            workdir.save_records(folder / FAILED_JSON, [failure])
            continue
        workdir.save_json(folder / VALIDATION_JSON, result.report)
        workdir.save_json(folder / SCREENABLE_JSON, [str(t.get("traveller_ref") or "") for t in result.screenable])
        workdir.save_records(folder / QUARANTINE_JSON, result.quarantine)
        workdir.save_records(folder / FLAGS_VALIDATE, result.flags)
    return manifest_dirs


def _screenable(folder: Path, manifest: Any) -> list[Traveller]:
    """The travellers validation kept, in manifest order (duplicate refs stay: each is screened)."""
    from collections import Counter

    remaining = Counter(workdir.load_json(folder / SCREENABLE_JSON, []))
    screened = []
    for traveller in manifest.travellers:
        ref = str(traveller.get("traveller_ref") or "")
        if remaining[ref] > 0:  # a counter, not list.remove: linear in the manifest size
            remaining[ref] -= 1
            screened.append(traveller)
    return screened


@lru_cache(maxsize=4)
def cached_context(
    watchlists: tuple[str, ...], registries: tuple[str, ...], rules_dir: str, index_dir: str | None = None
) -> Any:
    """Lists and rules are loaded once per worker process and reused for every manifest it screens; the
    watchlist index is built once per list version (index_dir) and loaded read-only after that."""
    from screening.pipeline import load_context

    return load_context(list(watchlists), list(registries), rules_dir, index_dir=index_dir)


def screen_stage(
    manifest_dir: str, watchlists: list[str], registries: list[str], rules_dir: str, index_dir: str | None = None
) -> str:
    from screening.pipeline import run_screening

    folder = Path(manifest_dir)

    def step() -> None:
        manifest = workdir.load_manifest(folder)
        ctx = cached_context(tuple(watchlists), tuple(registries), rules_dir, index_dir)
        workdir.save_records(folder / FLAGS_SCREEN, run_screening(manifest, _screenable(folder, manifest), ctx))
        _record_version(folder, list_version=ctx.list_version)

    return isolate("screen", manifest_dir, step)


def obligations_stage(manifest_dir: str, rules_dir: str) -> str:
    from screening.pipeline import run_obligations
    from screening.rules import load_ruleset

    folder = Path(manifest_dir)
    ruleset = load_ruleset(Path(rules_dir))  # an invalid rule file fails the task (RulesError), not a manifest

    def step() -> None:
        manifest = workdir.load_manifest(folder)
        earlier = workdir.load_flags(folder / FLAGS_VALIDATE) + workdir.load_flags(folder / FLAGS_SCREEN)
        flags, sanctions = run_obligations(manifest, _screenable(folder, manifest), earlier, ruleset)
        _record_version(folder, rules_version=ruleset.version)
        workdir.save_records(folder / SANCTIONS_JSON, sanctions)
        workdir.save_records(folder / FLAGS_ALL, flags)  # last: its presence marks the manifest done

    return isolate("obligations", manifest_dir, step)


def report_stage(manifest_dir: str, database_url: str, reports_dir: Path) -> str:
    from screening.report import write_flight_report

    if failed(Path(manifest_dir)):
        return manifest_dir
    return str(write_flight_report(Path(manifest_dir).name, database_url, reports_dir))


def outcome_from_folder(folder: Path) -> Any:
    from screening.pipeline import ManifestOutcome

    manifest = workdir.load_manifest(folder)
    return ManifestOutcome(
        manifest,
        _screenable(folder, manifest),
        workdir.load_quarantine(folder / QUARANTINE_JSON),
        workdir.load_flags(folder / FLAGS_ALL),
        workdir.load_sanctions(folder / SANCTIONS_JSON),
        workdir.load_json(folder / VALIDATION_JSON, {}),
    )


def persist_stage(manifest_dir: str, database_url: str, run_id: str) -> str:
    """One transaction per manifest: its flags, sanctions and quarantine appear together or not at all."""
    from screening.pipeline import persist_outcome
    from screening.store.db import session_scope, upgrade_database

    folder = Path(manifest_dir)
    if failed(folder):
        return manifest_dir
    outcome = outcome_from_folder(folder)
    versions = workdir.load_json(folder / VERSIONS_JSON, {})
    upgrade_database(database_url)
    with session_scope(database_url) as session:
        changes = persist_outcome(
            session, run_id, outcome, versions.get("rules_version", ""), versions.get("list_version", "")
        )
    workdir.save_json(folder / RESCREEN_JSON, changes)
    return manifest_dir


def _record_version(folder: Path, **versions: str) -> None:
    """Which list and rules versions this manifest was screened under (stored with every flag)."""
    current = workdir.load_json(folder / VERSIONS_JSON, {})
    current.update(versions)
    workdir.save_json(folder / VERSIONS_JSON, current)


def _stage_seconds(run_dir: Path) -> dict[str, float]:
    """Time spent inside each stage's own code (summed over manifests): the screening work, as opposed
    to the orchestrator's overhead around it."""
    import json

    totals: dict[str, float] = {}
    path = run_dir / "_timings.jsonl"
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            totals[row["stage"]] = round(totals.get(row["stage"], 0.0) + row["seconds"], 3)
    return totals


def _run_quarantine(run_dir: Path, folders: list[Path], outcomes: list[Any]) -> tuple[list[Any], list[str]]:
    """Everything the run quarantined (files, whole manifests, travellers) and the manifests no stage
    finished (a task that did not run: named in the summary, never silently missing)."""
    quarantine = list(workdir.load_quarantine(run_dir / PARSE_QUARANTINE_DIR / "assembly.json"))  # files' too
    unfinished = []
    for folder in folders:
        if failed(folder):
            quarantine.extend(workdir.load_quarantine(folder / FAILED_JSON))
        elif not (folder / FLAGS_ALL).exists():
            unfinished.append(folder.name)
    for outcome in outcomes:
        quarantine.extend(outcome.quarantine)
    return quarantine, unfinished


def _store_run(
    database_url: str,
    run_id: str,
    folders: list[Path],
    quarantine: list[Any],
    summary: dict[str, Any],
    raw_files: list[str],
) -> None:
    """The run's own records (the manifests were stored by their persist tasks): run, quarantine, files."""
    from screening.store import repository as repo
    from screening.store.db import session_scope, upgrade_database

    upgrade_database(database_url)
    unreadable = {q.source_file for q in quarantine if q.reason_code == reasons.FILE_UNREADABLE}
    versions = [workdir.load_json(f / VERSIONS_JSON, {}) for f in folders]
    with session_scope(database_url) as session:
        repo.start_run(
            session,
            run_id,
            next((v["rules_version"] for v in versions if v.get("rules_version")), ""),
            next((v["list_version"] for v in versions if v.get("list_version")), ""),
        )
        repo.save_quarantine(session, run_id, quarantine)
        repo.finish_run(session, run_id, summary)
        for raw in raw_files:
            repo.mark_file(session, raw, "QUARANTINED" if raw in unreadable else "SCREENED")


def summarise_run(
    run_dir: Path,
    out_dir: Path,
    raw_files: list[str],
    run_id: str,
    database_url: str | None,
    started_at: float | None = None,
    reports_dir: Path | None = None,
) -> dict[str, Any]:
    """Collect every manifest folder of a run into the four outputs of docs/architecture.md §3, with the same
    summary function and accounting as the CLI. A run that found nothing writes an empty, green summary.
    With reports_dir, the run report is also listed on the reports index (Run reports)."""
    from screening.pipeline import summarise, write_outputs_for

    assembly = workdir.load_json(run_dir / ASSEMBLY_JSON, {})
    folders = [run_dir / name for name in assembly.get("manifests", [])]
    outcomes = [outcome_from_folder(p) for p in folders if not failed(p) and (p / FLAGS_ALL).exists()]
    quarantine, unfinished = _run_quarantine(run_dir, folders, outcomes)
    seconds = time.time() - started_at if started_at else 0.0
    summary = summarise(
        len(raw_files),
        outcomes,
        quarantine,
        seconds,
        {
            "run_id": run_id,
            "stage_seconds": _stage_seconds(run_dir),
            "files_unreadable": len(assembly.get("errors", [])),
            "manifests_failed": sum(1 for f in folders if failed(f)),
            "manifests_unfinished": unfinished,
        },
        travellers_in=int(assembly.get("travellers_in", 0)),
        waiting=assembly.get("waiting", []),
        waiting_travellers=int(assembly.get("waiting_travellers", 0)),
    )
    changes = {f.name: workdir.load_json(f / RESCREEN_JSON, {}) for f in folders}
    summary["rescreen_changes"] = {m: c for m, c in changes.items() if any(c.values())}
    flags = [f for o in outcomes for f in o.flags]
    sanctions = [s for o in outcomes for s in o.sanctions]
    paths = write_outputs_for(out_dir, flags, sanctions, quarantine, summary)
    if database_url:
        _store_run(database_url, run_id, folders, quarantine, summary, raw_files)
    if reports_dir is not None and summary.get("files_in"):  # a quiet poll adds no page to the index
        from screening.report.run import publish_run_report

        publish_run_report(paths["report.html"], Path(reports_dir), run_id)
    return {"summary": summary, "outputs": {k: str(v) for k, v in paths.items()}}
