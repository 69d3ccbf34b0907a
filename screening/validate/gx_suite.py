"""The same checks as a Great Expectations suite, run on a pandas datasource for the auditable result.

GX is imported lazily and quietly (logger at WARNING, analytics and progress bars off); the ephemeral
context and the suites are built once per process. Results are reduced to counts: GX's
partial_unexpected_list would otherwise carry values (personal data) into the stored report."""

from __future__ import annotations

import importlib.util
import logging
import os
import sys
import time
import types
import uuid
from functools import cache
from typing import Any

import pandas as pd

from screening.validate import spec
from screening.validate.masks import Outcome, value_set

log = logging.getLogger(__name__)

_DATASOURCE = "screening_validate"
_RESULT_FORMAT = {"result_format": "BASIC", "partial_unexpected_count": 0, "include_unexpected_rows": False}


class _Deferred(types.ModuleType):
    """Stands in for a module until something uses one of its attributes, then imports it for real and
    hands the attribute over. Its __spec__ is the real one, so `import name` finds it without loading."""

    def __getattr__(self, attribute: str) -> Any:
        real = self.__dict__.get("_real")
        if real is None:
            if sys.modules.get(self.__name__) is self:
                del sys.modules[self.__name__]
            real = importlib.import_module(self.__name__)
            self.__dict__["_real"] = real
        return getattr(real, attribute)


# Imported by GX at its own import only for expectations and renderers this suite never uses (KL
# divergence, KS tests, charts): about 1 s of GX's 2 s start-up. Deferred, they load on first use.
DEFERRED_MODULES = ("scipy.stats", "altair")


def defer_unused_imports() -> None:
    """Register DEFERRED_MODULES as stand-ins (nothing that needs one loses it: first use loads it)."""
    for name in DEFERRED_MODULES:
        if name in sys.modules:
            continue
        try:
            spec = importlib.util.find_spec(name)
        except ImportError:
            continue
        if spec is None:
            continue
        stub = _Deferred(name)
        stub.__spec__ = spec
        stub.__file__ = spec.origin
        sys.modules[name] = stub
        parent, _, child = name.rpartition(".")
        if parent:  # `from scipy import stats` reads the attribute on the package
            setattr(importlib.import_module(parent), child, stub)


def quiet_gx() -> None:
    """Before GX is imported: no analytics, no INFO chatter, no tqdm bars, no unused eager imports."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    defer_unused_imports()
    for name in (
        "great_expectations",
        "great_expectations.core",
        "great_expectations.data_context",
        "great_expectations.datasource",
        "great_expectations.expectations",
    ):
        logging.getLogger(name).setLevel(logging.WARNING)


@cache
def gx_module() -> Any:
    quiet_gx()
    import great_expectations as gx

    return gx


@cache
def context() -> Any:
    """One ephemeral context per process (file contexts would write to disk on every run)."""
    gx = gx_module()
    from great_expectations.data_context.types.base import ProgressBarsConfig

    ctx = gx.get_context(mode="ephemeral")
    ctx.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    ctx.data_sources.add_pandas(_DATASOURCE)
    return ctx


def gx_column(outcome: Outcome) -> str:
    return outcome.derived_name or outcome.check.column


def to_expectation(outcome: Outcome) -> Any:
    """One GX expectation for one check; derived checks read the derived column the masks computed."""
    import great_expectations.expectations as gxe

    check = outcome.check
    meta = {"check_id": check.id, "rule_id": check.rule_id}
    column = gx_column(outcome)
    kind = check.kind
    if kind == spec.NOT_NULL:
        return gxe.ExpectColumnValuesToNotBeNull(column=column, meta=meta)
    if kind in (spec.REGEX, spec.CODE_PATTERN):
        return gxe.ExpectColumnValuesToMatchRegex(column=column, regex=check.params["regex"], meta=meta)
    if kind == spec.LENGTH:
        return gxe.ExpectColumnValueLengthsToBeBetween(
            column=column, min_value=check.params.get("min_value"), max_value=check.params.get("max_value"), meta=meta
        )
    if kind == spec.IN_SET and outcome.derived_name:
        return gxe.ExpectColumnValuesToBeInSet(column=column, value_set=[True], meta=meta)
    if kind == spec.IN_SET:
        return gxe.ExpectColumnValuesToBeInSet(column=column, value_set=sorted(value_set(check)), meta=meta)
    if kind in (spec.DATE, spec.DATETIME):
        return gxe.ExpectColumnValuesToBeInSet(column=column, value_set=[True], meta=meta)
    if kind == spec.NOT_FUTURE:
        return gxe.ExpectColumnValuesToBeBetween(column=column, min_value=0, meta=meta)
    if kind == spec.MAX_AGE:
        return gxe.ExpectColumnValuesToBeBetween(column=column, max_value=check.params["max_years"], meta=meta)
    if kind == spec.AFTER:
        return gxe.ExpectColumnValuesToBeBetween(column=column, min_value=0, strict_min=True, meta=meta)
    if kind == spec.UNIQUE:  # unique within a manifest: a batch of manifests shares one GX run
        return gxe.ExpectCompoundColumnsToBeUnique(
            column_list=[MANIFEST_SCOPE, *check.columns], ignore_row_if="any_value_is_missing", meta=meta
        )
    raise ValueError(f"no GX expectation for check kind {kind}")


@cache
def suite_and_batch(suite_name: str) -> tuple[Any, Any]:
    """The registered suite and a whole-dataframe batch definition for one suite name (built once)."""
    gx = gx_module()
    ctx = context()
    suite = gx.ExpectationSuite(name=f"manifest_{suite_name}_{uuid.uuid4().hex[:8]}")
    for outcome in _template_outcomes(suite_name):
        suite.add_expectation(to_expectation(outcome))
    suite = ctx.suites.add(suite)
    # A fresh asset name each time: if an earlier attempt failed half-way, a retry must not collide.
    asset = ctx.data_sources.get(_DATASOURCE).add_dataframe_asset(name=f"{suite.name}_rows")
    return suite, asset.add_batch_definition_whole_dataframe("all_rows")


def _template_outcomes(suite_name: str) -> list[Outcome]:
    """Outcomes on an empty frame: only the check and derived column names matter for the suite."""
    from screening.validate.frame import traveller_frame
    from screening.validate.masks import Evaluator

    frame = traveller_frame([])
    evaluator = Evaluator(frame)
    return [evaluator.evaluate(check) for check in spec.checks_for(suite_name)]


MANIFEST_SCOPE = "_manifest"


def gx_frame(frame: pd.DataFrame, outcomes: list[Outcome]) -> pd.DataFrame:
    """The raw columns plus every derived column, without copying the raw data."""
    data: dict[str, pd.Series] = {
        MANIFEST_SCOPE: frame[MANIFEST_SCOPE]
        if MANIFEST_SCOPE in frame.columns
        else pd.Series("manifest", index=frame.index, dtype=object)
    }
    for outcome in outcomes:
        for column in outcome.check.columns:
            data[column] = frame[column]
        if outcome.derived_name is not None and outcome.derived is not None:
            data[outcome.derived_name] = outcome.derived
    return pd.DataFrame(data, index=frame.index, copy=False)


def warm_up() -> None:
    """Import GX and build the context and both suites now (an audit worker does this while the run reads)."""
    for name in spec.SUITES:
        suite_and_batch(name)


def run_suite(suite_name: str, frame: pd.DataFrame) -> dict[str, Any]:
    """One suite over a frame from gx_frame (the raw and derived columns it reads)."""
    suite, batch_definition = suite_and_batch(suite_name)
    batch = batch_definition.get_batch(batch_parameters={"dataframe": frame})
    result = batch.validate(suite, result_format=_RESULT_FORMAT)
    rows = []
    for item in result.results:
        config = item.expectation_config
        counts = item.result or {}
        unexpected = counts.get("unexpected_count")
        rows.append(
            {
                "id": (config.meta or {}).get("check_id"),
                "type": config.type,
                "success": bool(item.success),
                "unexpected_count": int(unexpected) if unexpected is not None else (0 if item.success else None),
                "element_count": counts.get("element_count"),
                "missing_count": counts.get("missing_count"),
                "exception": bool(item.exception_info and item.exception_info.get("raised_exception")),
            }
        )
    return {"success": bool(result.success), "statistics": dict(result.statistics), "results": rows}


def run_gx(frames: dict[str, tuple[pd.DataFrame, list[Outcome]]]) -> dict[str, Any]:
    """Run every suite on the fast path's frames and outcomes (see run_prepared)."""
    return run_prepared({name: gx_frame(frame, outcomes) for name, (frame, outcomes) in frames.items()})


def run_prepared(frames: dict[str, pd.DataFrame]) -> dict[str, Any]:
    """Run every suite on its gx_frame; a GX failure is reported, never raised (flags do not depend on
    GX). Counts only: what comes back can cross a process boundary and be stored."""
    started, started_cpu = time.perf_counter(), time.process_time()
    try:
        gx = gx_module()
        suites = {name: run_suite(name, frame) for name, frame in frames.items()}
    except Exception as exc:  # GX is the audit trail, not the gate: record why it did not run
        log.warning("great expectations run failed: %s", type(exc).__name__)
        return {"enabled": True, "error": f"{type(exc).__name__}", "seconds": time.perf_counter() - started}
    results = [row for suite in suites.values() for row in suite.pop("results")]
    return {
        "enabled": True,
        "version": gx.__version__,
        "success": all(s["success"] for s in suites.values()),
        "suites": suites,
        "results": results,
        "seconds": round(time.perf_counter() - started, 4),
        "cpu_seconds": round(time.process_time() - started_cpu, 4),
    }
