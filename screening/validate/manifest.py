"""validate_manifest: the validate stage of the pipeline for one manifest."""

from __future__ import annotations

import logging
import os
import time
from datetime import UTC, datetime

import numpy as np

from screening import schemas
from screening.model import Manifest
from screening.validate import spec
from screening.validate.flags import flight_flags, traveller_flags
from screening.validate.frame import flight_frame, traveller_frame
from screening.validate.masks import Evaluator, Outcome
from screening.validate.mrz_checks import mrz_flags
from screening.validate.quarantine import split_screenable
from screening.validate.report import build_report
from screening.validate.result import ValidationResult

log = logging.getLogger(__name__)


def gx_enabled_by_default() -> bool:
    """SCREENING_VALIDATE_GX=0 skips the GX audit run (flags never depend on it)."""
    return os.environ.get("SCREENING_VALIDATE_GX", "1").strip().lower() not in ("0", "false", "no", "off")


def evaluate_suite(evaluator: Evaluator, suite: str) -> list[Outcome]:
    return [evaluator.evaluate(check) for check in spec.checks_for(suite)]


def validate_manifest(manifest: Manifest, *, now: datetime | None = None,
                      use_gx: bool | None = None) -> ValidationResult:
    """Validate one manifest: flags from vectorised masks, quarantine of unscreenable travellers, and a
    JSON-ready report of every expectation (cross-checked by a Great Expectations run unless disabled)."""
    now = (now or datetime.now(UTC)).astimezone(UTC)
    started = time.perf_counter()
    travellers = traveller_frame(manifest.travellers)
    flight = flight_frame(manifest)
    t_eval = Evaluator(travellers, now)
    f_eval = Evaluator(flight, now)
    outcomes = {spec.TRAVELLER: evaluate_suite(t_eval, spec.TRAVELLER),
                spec.FLIGHT: evaluate_suite(f_eval, spec.FLIGHT)}
    flags = flight_flags(manifest, outcomes[spec.FLIGHT])
    flags += traveller_flags(manifest, travellers, outcomes[spec.TRAVELLER])
    mrz_found, mrz_summary = mrz_flags(manifest, now)
    flags += mrz_found
    missing = {c: np.flatnonzero(travellers[c].isna().to_numpy()).tolist()
               for c in schemas.screening_required_columns()}
    screenable, quarantine = split_screenable(manifest, missing)
    masks_seconds = time.perf_counter() - started
    gx_section: dict[str, object] = {"enabled": False}
    if gx_enabled_by_default() if use_gx is None else use_gx:
        from screening.validate.gx_suite import run_gx

        gx_section = run_gx({spec.TRAVELLER: (travellers, outcomes[spec.TRAVELLER]),
                             spec.FLIGHT: (flight, outcomes[spec.FLIGHT])})
    report = build_report(manifest, now, outcomes, flags, screenable, quarantine, mrz_summary, gx_section,
                          masks_seconds)
    log.info("validated %s: %d travellers, %d screenable, %d quarantined, %d flags, %d/%d expectations met",
             manifest.manifest_id, len(manifest.travellers), len(screenable), len(quarantine), len(flags),
             report["statistics"]["successful_expectations"], report["statistics"]["evaluated_expectations"])
    return ValidationResult(flags=flags, screenable=screenable, quarantine=quarantine, report=report)
