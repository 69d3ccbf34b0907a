"""File-based wrappers over the pipeline stages for Airflow tasks: each takes and returns folder paths.
A manifest folder is work/<run_key>/<manifest_id>/ and each stage writes its own file there."""

from __future__ import annotations

import hashlib
import shutil
import time
from functools import lru_cache
from pathlib import Path
from typing import Any

from screening import workdir
from screening.errors import InputError
from screening.model import QuarantineRecord

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
                repo.audit(session, "intake", "duplicate_file_ignored", f"sha256:{checksum}",
                           {"name": path.name}, key=f"dup|{checksum}")
                continue
            repo.record_ingested_file(session, f"sha256:{checksum}", path.name, str(target), "LANDED")
        landed.append(str(target))
    return landed


def select_rescreen_files(database_url: str, date_from: str | None, date_to: str | None,
                          carrier: str | None) -> list[str]:
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


def parse_to_work(raw_path: str, run_dir: Path, quarantine_dir: Path, multipart_dir: Path | None = None) -> list[str]:
    """Parse one landed file into manifest folders. PAXLST parts of a multi-part message go through the
    durable assembler (multipart_dir): a manifest is released when its set is complete. A file that cannot
    be read at all is copied to the quarantine folder with a .reason.txt beside it; the other files go on."""
    from screening.ingest import parse_file, sniff_format

    source = Path(raw_path)
    checksum = source.parent.name
    data = source.read_bytes()
    try:
        if multipart_dir is not None and sniff_format(source, data) == "paxlst":
            from screening.ingest.multipart import MultipartAssembler

            result = MultipartAssembler(multipart_dir).add_file(data, str(source))
            if getattr(result, "duplicate", False):  # re-screen of a file already assembled: read it alone
                result = parse_file(source, data)
        else:
            result = parse_file(source, data)
    except InputError as exc:
        quarantine_dir.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, quarantine_dir / source.name)
        (quarantine_dir / f"{source.name}.reason.txt").write_text(f"{exc}\n", encoding="utf-8")
        record = QuarantineRecord(str(source), "file", "FILE_UNREADABLE", str(exc),
                                  data[:2000].decode("utf-8", "replace"), travellers=0)
        workdir.save_records(run_dir / PARSE_QUARANTINE_DIR / f"{checksum}.json", [record])
        return []
    return _save_parsed(result, run_dir, checksum)


def _save_parsed(result: Any, run_dir: Path, key: str) -> list[str]:
    workdir.save_records(run_dir / PARSE_QUARANTINE_DIR / f"{key}.json", result.quarantine)
    workdir.save_json(run_dir / PARSE_QUARANTINE_DIR / f"{key}.count.json",
                      {"travellers_in": result.travellers_in, "source_file": result.source_file})
    return [str(workdir.save_manifest(m, run_dir / m.manifest_id)) for m in result.manifests]


def release_waiting_parts(multipart_dir: Path, run_dir: Path, wait_minutes: float) -> list[str]:
    """Multi-part sets that waited longer than allowed are released incomplete (API_INCOMPLETE)."""
    from datetime import timedelta

    from screening.ingest.multipart import MultipartAssembler
    from screening.model import ParseResult

    released = MultipartAssembler(multipart_dir, wait=timedelta(minutes=wait_minutes)).release_due()
    if not released:
        return []
    return _save_parsed(ParseResult(source_file="multipart-timeout", manifests=released), run_dir,
                        f"released-{int(time.time())}")


def validate_stage(manifest_dir: str) -> str:
    return validate_batch_stage([manifest_dir])[0]


def validate_batch_stage(manifest_dirs: list[str]) -> list[str]:
    """Validate a batch of manifest folders; one Great Expectations audit run covers the batch."""
    from screening.pipeline import run_validation_batch

    folders = [Path(d) for d in manifest_dirs]
    results = run_validation_batch([workdir.load_manifest(f) for f in folders])
    for folder, result in zip(folders, results, strict=True):
        workdir.save_json(folder / VALIDATION_JSON, result.report)
        workdir.save_json(folder / SCREENABLE_JSON, [str(t.get("traveller_ref") or "") for t in result.screenable])
        workdir.save_records(folder / QUARANTINE_JSON, result.quarantine)
        workdir.save_records(folder / FLAGS_VALIDATE, result.flags)
    return manifest_dirs


def _screenable(folder: Path, manifest: Any) -> list[dict[str, Any]]:
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
def cached_context(watchlists: tuple[str, ...], registries: tuple[str, ...], rules_dir: str,
                   index_dir: str | None = None) -> Any:
    """Lists and rules are loaded once per worker process and reused for every manifest it screens; the
    watchlist index is built once per list version (index_dir) and loaded read-only after that."""
    from screening.pipeline import load_context

    return load_context(list(watchlists), list(registries), rules_dir, index_dir=index_dir)


def screen_stage(manifest_dir: str, watchlists: list[str], registries: list[str], rules_dir: str,
                 index_dir: str | None = None) -> str:
    from screening.pipeline import run_screening

    folder = Path(manifest_dir)
    manifest = workdir.load_manifest(folder)
    ctx = cached_context(tuple(watchlists), tuple(registries), rules_dir, index_dir)
    workdir.save_records(folder / FLAGS_SCREEN, run_screening(manifest, _screenable(folder, manifest), ctx))
    _record_version(folder, list_version=ctx.list_version)
    return manifest_dir


def obligations_stage(manifest_dir: str, rules_dir: str) -> str:
    from screening.pipeline import run_obligations
    from screening.rules import load_ruleset

    folder = Path(manifest_dir)
    manifest = workdir.load_manifest(folder)
    earlier = workdir.load_flags(folder / FLAGS_VALIDATE) + workdir.load_flags(folder / FLAGS_SCREEN)
    ruleset = load_ruleset(Path(rules_dir))
    flags, sanctions = run_obligations(manifest, _screenable(folder, manifest), earlier, ruleset)
    _record_version(folder, rules_version=ruleset.version)
    workdir.save_records(folder / FLAGS_ALL, flags)
    workdir.save_records(folder / SANCTIONS_JSON, sanctions)
    return manifest_dir


def report_stage(manifest_dir: str, database_url: str, reports_dir: Path) -> str:
    from screening.report import write_flight_report

    return str(write_flight_report(Path(manifest_dir).name, database_url, reports_dir))


def outcome_from_folder(folder: Path) -> Any:
    from screening.pipeline import ManifestOutcome

    manifest = workdir.load_manifest(folder)
    return ManifestOutcome(manifest, _screenable(folder, manifest), workdir.load_quarantine(folder / QUARANTINE_JSON),
                           workdir.load_flags(folder / FLAGS_ALL), workdir.load_sanctions(folder / SANCTIONS_JSON),
                           workdir.load_json(folder / VALIDATION_JSON, {}))


def persist_stage(manifest_dir: str, database_url: str, run_id: str) -> str:
    """One transaction per manifest: its flags, sanctions and quarantine appear together or not at all."""
    from screening.pipeline import persist_outcome
    from screening.store.db import session_scope, upgrade_database

    folder = Path(manifest_dir)
    outcome = outcome_from_folder(folder)
    versions = workdir.load_json(folder / VERSIONS_JSON, {})
    upgrade_database(database_url)
    with session_scope(database_url) as session:
        persist_outcome(session, run_id, outcome, versions.get("rules_version", ""), versions.get("list_version", ""))
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


def summarise_run(run_dir: Path, out_dir: Path, raw_files: list[str], run_id: str, database_url: str | None,
                  started_at: float | None = None) -> dict[str, Any]:
    """Collect every manifest folder of a run into the four outputs of DESIGN.md 4.2."""
    from screening.pipeline import summarise, write_outputs_for

    outcomes = [outcome_from_folder(p) for p in sorted(run_dir.iterdir())
                if p.is_dir() and (p / FLAGS_ALL).exists()]
    quarantine = []
    parse_dir = run_dir / PARSE_QUARANTINE_DIR
    travellers_parsed = 0
    if parse_dir.exists():
        for path in sorted(parse_dir.glob("*.json")):
            if path.name.endswith(".count.json"):
                travellers_parsed += workdir.load_json(path, {}).get("travellers_in", 0)
            else:
                quarantine.extend(workdir.load_quarantine(path))
    for outcome in outcomes:
        quarantine.extend(outcome.quarantine)
    seconds = time.time() - started_at if started_at else 0.0
    summary = summarise(len(raw_files), outcomes, quarantine, seconds,
                        {"run_id": run_id, "stage_seconds": _stage_seconds(run_dir)})
    summary["invariant_holds"] = summary["travellers_in"] == travellers_parsed
    flags = [f for o in outcomes for f in o.flags]
    sanctions = [s for o in outcomes for s in o.sanctions]
    paths = write_outputs_for(out_dir, flags, sanctions, quarantine, summary)
    if database_url:
        from screening.store import repository as repo
        from screening.store.db import session_scope

        unreadable = {q.source_file for q in quarantine if q.reason_code == "FILE_UNREADABLE"}
        with session_scope(database_url) as session:
            repo.save_quarantine(session, run_id, quarantine)
            repo.finish_run(session, run_id, summary)
            for raw in raw_files:
                repo.mark_file(session, raw, "QUARANTINED" if raw in unreadable else "SCREENED")
    return {"summary": summary, "outputs": {k: str(v) for k, v in paths.items()}}
