"""The pipeline of docs/architecture.md §1 as plain functions: parse -> validate -> screen -> obligations ->
sanctions -> persist -> outputs. The CLI calls `screen_files`; the DAG calls the same stage functions
one task per stage (screening.stages)."""

from __future__ import annotations

import time
import uuid
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any

from screening import rule_ids
from screening.documents import document_flags
from screening.matching import MatchConfig, WatchlistIndex, load_match_config
from screening.model import Flag, Manifest, QuarantineRecord, Sanction, Traveller
from screening.rules import RuleSet, load_ruleset
from screening.run import EarlyHit, WaitingScreener
from screening.vocabulary import WAIVED, WATCHLIST
from screening.watchlists.loader import load_watchlist
from screening.watchlists.registry import Registry, load_registry


@dataclass
class ScreeningContext:
    """Everything screening needs that does not change between manifests: built once, reused."""

    index: WatchlistIndex
    registry: Registry
    match_config: MatchConfig
    ruleset: RuleSet
    skipped: list[QuarantineRecord] = field(default_factory=list)

    @property
    def list_version(self) -> str:
        return self.index.version

    @property
    def rules_version(self) -> str:
        return self.ruleset.version


def load_context(
    watchlists: Sequence[str | Path],
    registries: Sequence[str | Path],
    rules_dir: str | Path,
    index_dir: str | Path | None = None,
) -> ScreeningContext:
    """With index_dir, the watchlist index is built once per list version and loaded after that."""
    registry = load_registry(list(registries))
    if index_dir is not None:
        from screening.matching.index_store import load_or_build

        index, skipped = load_or_build(list(watchlists), index_dir), []
    else:
        loads = [load_watchlist(path) for path in watchlists]
        index, skipped = WatchlistIndex(loads), [q for load in loads for q in load.skipped]
    return ScreeningContext(
        index, registry, load_match_config(rules_dir), load_ruleset(Path(rules_dir)), skipped + list(registry.skipped)
    )


@dataclass
class ManifestOutcome:
    manifest: Manifest
    screened: list[Traveller]
    quarantine: list[QuarantineRecord]
    flags: list[Flag]
    sanctions: list[Sanction]
    validation: dict[str, Any]

    @property
    def travellers_quarantined(self) -> int:
        return sum(q.travellers for q in self.quarantine)


def watchlist_flags(manifest: Manifest, travellers: list[Traveller], ctx: ScreeningContext) -> list[Flag]:
    flags = []
    for match in ctx.index.screen(travellers, ctx.match_config):
        flags.append(
            Flag(
                manifest_id=manifest.manifest_id,
                carrier=manifest.carrier,
                flight_number=manifest.flight_number,
                traveller_ref=match.traveller_ref,
                flag_type=WATCHLIST,
                rule_id=rule_ids.WATCHLIST_MATCH,
                severity=ctx.match_config.severity,
                score=round(match.score, 4),
                watchlist_entry_id=match.entry.entry_id,
                list_name=match.entry.list_name,
                explanation=match.explanation,
                list_version=ctx.list_version,
                details={
                    "parts": [
                        {"feature": p.feature, "value": round(p.value, 4), "detail": p.detail} for p in match.parts
                    ],
                    "category": match.entry.category,
                },
            )
        )
    return flags


def waiting_screener(ctx: ScreeningContext) -> WaitingScreener:
    """The early watchlist check of travellers held in a waiting multi-part set (screening.run.assemble):
    what a liaison officer needs to act on (refs, entries, scores; no names), before the set is complete."""

    def screen(travellers: list[Traveller]) -> list[EarlyHit]:
        return [
            EarlyHit(
                traveller_ref=match.traveller_ref,
                watchlist_entry_id=match.entry.entry_id,
                list_name=match.entry.list_name,
                score=round(match.score, 4),
            )
            for match in ctx.index.screen(travellers, ctx.match_config)
        ]

    return screen


def control_flags(manifest: Manifest) -> list[Flag]:
    """Message-level findings a reader attached (PAXLST counts, control references): flagged, never dropped."""
    flags = []
    for finding in manifest.control_findings or []:
        flags.append(
            Flag(
                manifest_id=manifest.manifest_id,
                carrier=manifest.carrier,
                flight_number=manifest.flight_number,
                traveller_ref="",
                flag_type=finding.get("flag_type", "DATA_QUALITY"),
                rule_id=finding.get("rule_id", "EDIFACT_CONTROL"),
                severity=finding.get("severity", "LOW"),
                explanation=finding.get("message", ""),
                details={"source": "reader"},
            )
        )
    return flags


def run_validation(manifest: Manifest, now: datetime | None = None) -> Any:
    """Stage validate: data-quality flags, the travellers that can be screened, quarantine for the rest."""
    from screening.validate import validate_manifest

    result = validate_manifest(manifest, now=now)
    result.flags = list(result.flags) + control_flags(manifest)
    return result


def run_validation_batch(manifests: list[Manifest], now: datetime | None = None, *, wait: bool = True) -> list[Any]:
    """Stage validate for several manifests at once (one Great Expectations audit run for the batch; with
    wait=False it may still run when this returns: see screening.validate.complete_audits)."""
    from screening.validate import validate_batch

    results = validate_batch(manifests, now=now, wait=wait)
    for manifest, result in zip(manifests, results, strict=True):
        result.flags = list(result.flags) + control_flags(manifest)
    return results


def run_screening(manifest: Manifest, screened: list[Traveller], ctx: ScreeningContext) -> list[Flag]:
    """Stage screen: watchlists and the lost/stolen document registry."""
    flags = watchlist_flags(manifest, screened, ctx) + document_flags(manifest, screened, ctx.registry)
    for flag in flags:
        flag.list_version = flag.list_version or ctx.list_version
    return flags


def run_obligations(
    manifest: Manifest,
    screened: list[Traveller],
    earlier_flags: list[Flag],
    ruleset: RuleSet,
    now: datetime | None = None,
) -> tuple[list[Flag], list[Sanction]]:
    """Stages obligations and sanction: rule flags, then sanctions for every flag a framework covers."""
    from screening.obligations import apply_obligations
    from screening.sanctions import sanctions_for

    flags = list(earlier_flags) + apply_obligations(manifest, screened, ruleset, now=now)
    for flag in flags:
        flag.rules_version = flag.rules_version or ruleset.version
    return flags, sanctions_for(manifest, flags, screened, ruleset)


def screen_manifest(manifest: Manifest, ctx: ScreeningContext, now: datetime | None = None) -> ManifestOutcome:
    """All in-memory stages for one manifest; nothing here touches the database."""
    validation = run_validation(manifest, now=now)
    screened = validation.screenable
    flags = list(validation.flags) + run_screening(manifest, screened, ctx)
    flags, sanctions = run_obligations(manifest, screened, flags, ctx.ruleset, now=now)
    return ManifestOutcome(manifest, screened, list(validation.quarantine), flags, sanctions, validation.report)


@dataclass
class RunResult:
    run_id: str
    outcomes: list[ManifestOutcome]
    quarantine: list[QuarantineRecord]
    summary: dict[str, Any]
    output_paths: dict[str, Path]
    file_errors: list[str]
    failures: list[str] = field(default_factory=list)  # manifests a stage failed on (quarantined whole)


def validate_guarded(
    manifests: list[Manifest], now: datetime | None = None, *, wait: bool = True
) -> list[tuple[Any, QuarantineRecord | None]]:
    """Validation for a batch in one Great Expectations run (wait=False: the audit may finish while the
    run screens); if the batch fails, each manifest alone, so one manifest's fault quarantines that
    manifest only."""
    from screening.run import guarded, is_transient

    try:
        return [(result, None) for result in run_validation_batch(manifests, now=now, wait=wait)]
    except Exception as exc:
        if is_transient(exc):
            raise
        return [guarded("validate", m, partial(run_validation, m, now=now)) for m in manifests]


def process_after_validation(
    manifest: Manifest, validation: Any, ctx: ScreeningContext, now: datetime | None = None
) -> ManifestOutcome | QuarantineRecord:
    """Screen, obligations and sanctions for one validated manifest; a fault quarantines the manifest."""
    from screening.run import guarded

    def step() -> ManifestOutcome:
        screened = validation.screenable
        flags = list(validation.flags) + run_screening(manifest, screened, ctx)
        flags, sanctions = run_obligations(manifest, screened, flags, ctx.ruleset, now=now)
        return ManifestOutcome(manifest, screened, list(validation.quarantine), flags, sanctions, validation.report)

    outcome, failure = guarded("screen", manifest, step)
    return failure if failure is not None else outcome


def process_manifests(
    manifests: list[Manifest],
    ctx: ScreeningContext,
    now: datetime | None = None,
    progress: Callable[[str], None] | None = None,
    while_auditing: Callable[[], None] | None = None,
) -> tuple[list[ManifestOutcome], list[QuarantineRecord]]:
    """validate -> screen -> obligations -> sanctions for every manifest of a run; the validation audit
    (Great Expectations) runs meanwhile and is in every report when this returns. `while_auditing` is
    more work to do before waiting for the audit (the CLI prepares the store)."""
    from screening.validate import complete_audits

    outcomes: list[ManifestOutcome] = []
    failed: list[QuarantineRecord] = []
    validations = validate_guarded(manifests, now=now, wait=False)
    for manifest, (validation, failure) in zip(manifests, validations, strict=True):
        if progress:
            progress(manifest.manifest_id)
        result = failure if failure is not None else process_after_validation(manifest, validation, ctx, now)
        if isinstance(result, QuarantineRecord):
            failed.append(result)
        else:
            outcomes.append(result)
    if while_auditing is not None:
        while_auditing()
    complete_audits([validation for validation, _ in validations if validation is not None])
    return outcomes, failed


def validation_summary(outcomes: list[ManifestOutcome]) -> dict[str, Any]:
    """What validation found over the run (each manifest's full result is stored with it)."""
    stats = [o.validation.get("statistics", {}) for o in outcomes]
    failed = [s.get("evaluated_expectations", 0) - s.get("successful_expectations", 0) for s in stats]
    return {
        "manifests_validated": len(outcomes),
        "manifests_with_failed_expectations": sum(1 for f in failed if f),
        "failed_expectations": sum(failed),
    }


def summarise(
    files_in: int,
    outcomes: list[ManifestOutcome],
    quarantine: list[QuarantineRecord],
    seconds: float,
    extra: dict[str, Any] | None = None,
    *,
    travellers_in: int | None = None,
    waiting: list[dict[str, Any]] | None = None,
    waiting_travellers: int = 0,
) -> dict[str, Any]:
    """summary.json. travellers_in comes from reading the input; the invariant says it is all accounted
    for: screened + quarantined + waiting (multi-part sets held for their other parts)."""
    flags = [f for o in outcomes for f in o.flags]
    sanctions = [s for o in outcomes for s in o.sanctions]
    screened = sum(len(o.screened) for o in outcomes)
    quarantined = sum(q.travellers for q in quarantine)
    accounted = screened + quarantined + waiting_travellers
    amounts: dict[str, float] = {}
    for s in sanctions:
        if s.status != WAIVED:
            amounts[s.currency] = amounts.get(s.currency, 0.0) + s.amount
    summary = {
        "files_in": files_in,
        "manifests": len(outcomes),
        "travellers_in": accounted if travellers_in is None else travellers_in,
        "travellers_screened": screened,
        "travellers_quarantined": quarantined,
        "travellers_waiting": waiting_travellers,
        "waiting": list(waiting or []),
        "flags_by_rule": dict(sorted(Counter(f.rule_id for f in flags).items())),
        "sanctions_total": len(sanctions),
        "sanctions_amount_by_currency": dict(sorted(amounts.items())),
        "seconds": round(seconds, 3),
        "validation": validation_summary(outcomes),
    }
    summary["invariant_holds"] = summary["travellers_in"] == accounted
    summary.update(extra or {})
    return summary


def screen_files(
    paths: Sequence[str | Path],
    ctx: ScreeningContext,
    out_dir: Path,
    *,
    database_url: str | None = None,
    run_id: str | None = None,
    now: datetime | None = None,
    progress: Callable[[str], None] | None = None,
    multipart_dir: str | Path | None = None,
    multipart_wait_minutes: float = 120.0,
) -> RunResult:
    """Screen carrier files end to end without Airflow, through the same steps as the DAG (screening.run);
    writes the four outputs and, if asked, the store. Multi-part parts are held in `multipart_dir` (a
    temporary folder when not given: sets still incomplete at the end are reported as waiting)."""
    from screening import run

    started = time.perf_counter()
    run_id = run_id or f"cli-{uuid.uuid4().hex[:12]}"
    assembly = read_and_assemble(paths, ctx, run_id, multipart_dir, multipart_wait_minutes, now)
    prepare = partial(prepare_store, database_url) if database_url else None
    outcomes, failed = process_manifests(assembly.manifests, ctx, now=now, progress=progress, while_auditing=prepare)
    quarantine = list(assembly.quarantine) + failed + [q for o in outcomes for q in o.quarantine]
    summary = summarise(
        len(paths),
        outcomes,
        quarantine,
        time.perf_counter() - started,
        {
            "run_id": run_id,
            "rules_version": ctx.rules_version,
            "list_version": ctx.list_version,
            "files_unreadable": len(assembly.errors),
            "manifests_failed": len(failed),
        },
        travellers_in=assembly.travellers_in,
        waiting=run.waiting_summary(assembly.waiting),
        waiting_travellers=assembly.waiting_travellers,
    )
    if database_url:
        persist_run(database_url, run_id, outcomes, quarantine, summary, ctx)
    flags = [f for o in outcomes for f in o.flags]
    sanctions = [s for o in outcomes for s in o.sanctions]
    output_paths = write_outputs_for(out_dir, flags, sanctions, quarantine, summary)
    return RunResult(run_id, outcomes, quarantine, summary, output_paths, assembly.errors, [q.message for q in failed])


def read_and_assemble(
    paths: Sequence[str | Path],
    ctx: ScreeningContext,
    run_id: str,
    multipart_dir: str | Path | None,
    multipart_wait_minutes: float,
    now: datetime | None,
) -> Any:
    """Steps read and assemble of the CLI's run (screening.run): every file read alone, sets whose wait is
    over released, waiting sets checked against the watchlists. Without multipart_dir the held parts live
    in a temporary folder for this run only."""
    import tempfile

    from screening import run

    with tempfile.TemporaryDirectory(prefix="screening-multipart-") as scratch:
        assembler = run.in_memory_assembler(multipart_dir or scratch, multipart_wait_minutes, run_id, now)
        reads = run.read_files(paths, assembler)
        due = assembler.release_due()  # sets whose wait is over (held earlier in multipart_dir, or wait 0)
        if due:
            reads.append(run.FileRead("multipart-timeout", manifests=due))
        return run.assemble(reads, assembler, screen_waiting=waiting_screener(ctx))


def write_outputs_for(
    out_dir: Path,
    flags: list[Flag],
    sanctions: list[Sanction],
    quarantine: list[QuarantineRecord],
    summary: dict[str, Any],
) -> dict[str, Path]:
    """The four outputs, then the run report (report.html) drawn from the same summary."""
    from screening.outputs import write_outputs
    from screening.report.run import RUN_REPORT, write_run_report

    paths = write_outputs(out_dir, flags, sanctions, quarantine, summary)
    paths[RUN_REPORT] = write_run_report(out_dir, summary)
    return paths


def prepare_store(database_url: str) -> None:
    """The store's schema brought up to date (and its modules imported) ahead of persist_run."""
    from screening.store import repository  # noqa: F401 - imported now, used by persist_run
    from screening.store.db import upgrade_database

    upgrade_database(database_url)


def persist_run(
    database_url: str,
    run_id: str,
    outcomes: list[ManifestOutcome],
    quarantine: list[QuarantineRecord],
    summary: dict[str, Any],
    ctx: ScreeningContext,
) -> None:
    """Store the run's manifests, quarantine and run record in one transaction (after prepare_store)."""
    from screening.store import repository as repo
    from screening.store.db import session_scope

    with session_scope(database_url) as session:
        repo.start_run(session, run_id, ctx.rules_version, ctx.list_version)
        changes = {
            o.manifest.manifest_id: persist_outcome(session, run_id, o, ctx.rules_version, ctx.list_version)
            for o in outcomes
        }
        summary["rescreen_changes"] = {m: c for m, c in changes.items() if any(c.values())}
        repo.save_quarantine(session, run_id, quarantine)  # the run's whole quarantine, once
        repo.finish_run(session, run_id, summary)


def persist_outcome(
    session: Any, run_id: str, outcome: ManifestOutcome, rules_version: str, list_version: str
) -> dict[str, Any]:
    """Store one manifest's results; returns what a re-screen changed (empty lists on a first screening)."""
    from screening.store import repository as repo

    changes = repo.save_manifest_results(
        session,
        run_id=run_id,
        manifest=outcome.manifest,
        screened=outcome.screened,
        quarantined=outcome.travellers_quarantined,
        flags=outcome.flags,
        sanctions=outcome.sanctions,
        validation=outcome.validation,
        rules_version=rules_version,
        list_version=list_version,
    )
    repo.audit(
        session,
        "pipeline",
        "manifest_screened",
        outcome.manifest.manifest_id,
        {
            "rules_version": rules_version,
            "list_version": list_version,
            "flags": len(outcome.flags),
            "sanctions": len(outcome.sanctions),
        },
        key=f"screened|{outcome.manifest.manifest_id}|{rules_version}|{list_version}",
        manifest_id=outcome.manifest.manifest_id,
    )
    return changes
