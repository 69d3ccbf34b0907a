"""The Great Expectations audit in a side process gives the reports exactly what the in-process audit
gives; it is pending until the run collects it, and a dead worker is reported, never fatal."""

from __future__ import annotations

import sys

import pytest

from screening.ingest import parse_file
from screening.validate import complete_audits, validate_batch
from screening.validate.gx_worker import audit_worker

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="the side process is forked (POSIX)")


def _manifests(samples):
    return [m for p in sorted(samples.glob("manifest_*")) for m in parse_file(p).manifests]


def _audit_view(report: dict) -> dict:
    gx = {k: v for k, v in report["gx"].items() if k not in ("seconds", "cpu_seconds")}
    per_check = {
        e["id"]: (e.get("gx_success"), e.get("gx_unexpected_count"), e.get("engines_agree"))
        for e in report["expectations"]
    }
    return {"gx": gx, "per_check": per_check}


def test_side_process_audit_equals_the_in_process_audit(samples):
    manifests = _manifests(samples)
    here = validate_batch(manifests, use_gx=True)
    with audit_worker():
        there = validate_batch(manifests, use_gx=True, wait=False)
        assert all(r.report["gx"] == {"enabled": True, "pending": True} for r in there)
        complete_audits(there)
    assert [_audit_view(r.report) for r in there] == [_audit_view(r.report) for r in here]
    assert there[0].report["gx"]["engines_agree"] is True
    assert all(r.finish_audit is None for r in there)


def test_a_dead_worker_is_reported_and_the_flags_stand(samples):
    manifests = _manifests(samples)
    with audit_worker() as worker:
        worker._process.kill()
        worker._process.join()
        results = validate_batch(manifests, use_gx=True, wait=False)
        complete_audits(results)
    expected = validate_batch(manifests, use_gx=False)
    for got, want in zip(results, expected, strict=True):
        assert "error" in got.report["gx"] and "success" not in got.report["gx"]
        assert [f.as_row() for f in got.flags] == [f.as_row() for f in want.flags]


def test_an_unused_worker_is_stopped_at_once():
    import signal

    with audit_worker() as worker:
        pass
    assert not worker._process.is_alive()
    # terminated, not waited for while it imports GX (about 2 s of CPU): a quiet run stays quick
    assert worker._process.exitcode == -signal.SIGTERM


def test_gx_starts_without_its_unused_imports_and_they_still_work():
    """scipy.stats and altair (KL divergence, charts) wait for first use: a third of GX's start-up."""
    import subprocess

    code = (
        "import sys\n"
        "from screening.validate.gx_suite import DEFERRED_MODULES, warm_up\n"
        "warm_up()\n"
        "print(sorted(type(sys.modules[m]).__name__ for m in DEFERRED_MODULES))\n"
        "import altair, scipy.stats\n"
        "from scipy import stats\n"
        "print(round(stats.entropy([1, 1]), 4), altair.Chart.__name__)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert done.stdout.splitlines() == ["['_Deferred', '_Deferred']", "0.6931 Chart"]
