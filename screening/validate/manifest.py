"""validate_manifest: the validate stage of the pipeline for one manifest."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
import pandas as pd

from screening import schemas
from screening.model import Manifest
from screening.validate import spec
from screening.validate.flags import flight_flags, traveller_flags
from screening.validate.frame import flight_frame, traveller_frame
from screening.validate.masks import Evaluator, Outcome
from screening.validate.mrz_checks import mrz_flags
from screening.validate.quarantine import split_screenable
from screening.validate.report import attach_gx, build_report
from screening.validate.result import ValidationResult

log = logging.getLogger(__name__)


def gx_enabled_by_default() -> bool:
    """SCREENING_VALIDATE_GX=0 skips the GX audit run (flags never depend on it)."""
    from screening.config import load_settings

    return load_settings().validate_gx


def evaluate_suite(evaluator: Evaluator, suite: str) -> list[Outcome]:
    return [evaluator.evaluate(check) for check in spec.checks_for(suite)]


@dataclass
class Evaluated:
    """One manifest's fast-path results, kept so a batch can share one GX audit run."""

    manifest: Manifest
    now: datetime
    travellers: pd.DataFrame
    flight: pd.DataFrame
    outcomes: dict[str, list[Outcome]]
    flags: list
    screenable: list
    quarantine: list
    mrz_summary: dict
    masks_seconds: float

    def result(self, gx_section: dict[str, object]) -> ValidationResult:
        report = build_report(
            self.manifest,
            self.now,
            self.outcomes,
            self.flags,
            self.screenable,
            self.quarantine,
            self.mrz_summary,
            gx_section,
            self.masks_seconds,
        )
        log.info(
            "validated %s: %d travellers, %d screenable, %d quarantined, %d flags, %d/%d expectations met",
            self.manifest.manifest_id,
            len(self.manifest.travellers),
            len(self.screenable),
            len(self.quarantine),
            len(self.flags),
            report["statistics"]["successful_expectations"],
            report["statistics"]["evaluated_expectations"],
        )
        return ValidationResult(flags=self.flags, screenable=self.screenable, quarantine=self.quarantine, report=report)


def evaluate_manifest(manifest: Manifest, now: datetime | None = None) -> Evaluated:
    """The fast path: flags from vectorised masks and the split into screenable and quarantined."""
    now = (now or datetime.now(UTC)).astimezone(UTC)
    started = time.perf_counter()
    travellers = traveller_frame(manifest.travellers)
    flight = flight_frame(manifest)
    t_eval = Evaluator(travellers, now)
    f_eval = Evaluator(flight, now)
    outcomes = {
        spec.TRAVELLER: evaluate_suite(t_eval, spec.TRAVELLER),
        spec.FLIGHT: evaluate_suite(f_eval, spec.FLIGHT),
    }
    flags = flight_flags(manifest, outcomes[spec.FLIGHT])
    flags += traveller_flags(manifest, travellers, outcomes[spec.TRAVELLER])
    mrz_found, mrz_summary = mrz_flags(manifest, now)
    flags += mrz_found
    missing = {
        c: np.flatnonzero(travellers[c].isna().to_numpy()).tolist() for c in schemas.screening_required_columns()
    }
    screenable, quarantine = split_screenable(manifest, missing)
    return Evaluated(
        manifest,
        now,
        travellers,
        flight,
        outcomes,
        flags,
        screenable,
        quarantine,
        mrz_summary,
        time.perf_counter() - started,
    )


def _use_gx(use_gx: bool | None) -> bool:
    return gx_enabled_by_default() if use_gx is None else use_gx


def validate_manifest(
    manifest: Manifest, *, now: datetime | None = None, use_gx: bool | None = None
) -> ValidationResult:
    """Validate one manifest: flags from vectorised masks, quarantine of unscreenable travellers, and a
    JSON-ready report of every expectation (cross-checked by a Great Expectations run unless disabled)."""
    evaluated = evaluate_manifest(manifest, now)
    gx_section: dict[str, object] = {"enabled": False}
    if _use_gx(use_gx):
        from screening.validate.gx_suite import gx_frame
        from screening.validate.gx_worker import start_audit

        frames = {
            spec.TRAVELLER: gx_frame(evaluated.travellers, evaluated.outcomes[spec.TRAVELLER]),
            spec.FLIGHT: gx_frame(evaluated.flight, evaluated.outcomes[spec.FLIGHT]),
        }
        gx_section = start_audit(frames).result()
    return evaluated.result(gx_section)


def validate_batch(
    manifests: list[Manifest], *, now: datetime | None = None, use_gx: bool | None = None, wait: bool = True
) -> list[ValidationResult]:
    """Validate several manifests with one Great Expectations audit run over all their rows: GX's cost is
    mostly fixed per run (about 0.4 s, more under load), so a busy hub pays it once per batch, not once per
    flight. Each manifest's report keeps its own expectation counts from the fast path, and carries the
    batch's GX result (`gx.scope` says which manifests it covered).

    With wait=False the audit may still be running (in the audit worker, screening.validate.gx_worker)
    when this returns: the reports say `gx.pending` until `complete_audits(results)` puts the result in."""
    evaluated = [evaluate_manifest(m, now) for m in manifests]
    if not (evaluated and _use_gx(use_gx)):
        return [e.result({"enabled": False}) for e in evaluated]
    from screening.validate.gx_suite import gx_frame
    from screening.validate.gx_worker import start_audit

    frames = {suite: _concat(evaluated, suite) for suite in spec.SUITES}
    pending = start_audit({name: gx_frame(frame, outcomes) for name, (frame, outcomes) in frames.items()})
    results = [e.result({"enabled": True, "pending": True}) for e in evaluated]
    scope = [e.manifest.manifest_id for e in evaluated]

    def finish() -> None:
        gx_section = _batch_agreement(pending.result(), frames)
        gx_section["scope"] = scope
        for result in results:
            attach_gx(result.report, gx_section)
            result.finish_audit = None

    for result in results:
        result.finish_audit = finish
    if wait:
        finish()
    return results


def complete_audits(results: list[ValidationResult]) -> None:
    """Wait for every audit still running for these results and put each result into its reports."""
    for result in results:
        if result.finish_audit is not None:
            result.finish_audit()


def _batch_agreement(
    gx_section: dict[str, object], frames: dict[str, tuple[pd.DataFrame, list[Outcome]]]
) -> dict[str, object]:
    """Compare GX's counts with the fast path's over the whole batch; per-manifest reports then carry the
    verdict (not batch counts, which would not match one manifest's own)."""
    results = gx_section.pop("results", None)
    if not isinstance(results, list):
        return gx_section
    fast = {o.check.id: o.unexpected_count for _, outcomes in frames.values() for o in outcomes}
    disagreements = sorted(r["id"] for r in results if r.get("id") in fast and r["unexpected_count"] != fast[r["id"]])
    gx_section["unexpected_by_expectation"] = {r["id"]: r["unexpected_count"] for r in results}
    gx_section["engines_agree"] = not disagreements
    gx_section["disagreements"] = disagreements
    return gx_section


def _concat(evaluated: list[Evaluated], suite: str) -> tuple[pd.DataFrame, list[Outcome]]:
    """One frame and one outcome per check over all manifests, for a single GX run."""
    frames = [e.travellers if suite == spec.TRAVELLER else e.flight for e in evaluated]
    from screening.validate.gx_suite import MANIFEST_SCOPE

    # uniqueness holds within a manifest: GX's unique checks are keyed by this column too
    frames = [f.assign(**{MANIFEST_SCOPE: e.manifest.manifest_id}) for f, e in zip(frames, evaluated, strict=True)]
    frame = pd.concat(frames, ignore_index=True)
    merged = []
    for position, first in enumerate(evaluated[0].outcomes[suite]):
        parts = [e.outcomes[suite][position] for e in evaluated]
        derived = (
            pd.concat([p.derived for p in parts], ignore_index=True)
            if first.derived is not None and all(p.derived is not None for p in parts)
            else None
        )
        merged.append(
            Outcome(
                check=first.check,
                failing=np.concatenate([p.failing for p in parts]),
                evaluated=sum(p.evaluated for p in parts),
                derived_name=first.derived_name,
                derived=derived,
            )
        )
    return frame, merged
