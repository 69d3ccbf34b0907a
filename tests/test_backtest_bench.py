"""The benchmark's synthetic history and candidate rules stay usable (a small run, not the 1M timing)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from screening.rules import load_ruleset
from screening.rules.backtest import compare
from screening.rules.frame import ensure_columns

REPO = Path(__file__).resolve().parents[1]


def _bench():
    spec = importlib.util.spec_from_file_location("bench_rules", REPO / "benchmarks" / "bench_rules.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def test_small_benchmark_run_changes_validity_flags(tmp_path: Path) -> None:
    bench = _bench()
    history = ensure_columns(bench.make_history(3000))
    baseline = load_ruleset(REPO / "rules")
    candidate = load_ruleset(bench.candidate_rules(REPO / "rules", tmp_path / "candidate"))
    assert candidate.version != baseline.version
    result = compare(history, baseline, candidate)
    by_rule = result.flags_by_rule.set_index("rule_id")
    assert by_rule.loc["DOC_VALIDITY_SHORT", "change"] > 0
    assert not result.changed.empty and result.travellers == 3000
