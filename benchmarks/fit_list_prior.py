"""Fit list_size_prior_weight of rules/screening.yaml: how far the cut that flags 1 in 1,000 ordinary
travellers moves with a list's size, measured on random subsets of OFAC's development list (never the
UN acceptance set).

    .venv/bin/python benchmarks/fit_list_prior.py                       # sizes 300 730 1500 2500, 4 seeds
    .venv/bin/python benchmarks/fit_list_prior.py --sizes 730 --seeds 2

A traveller is compared with every listed name, so chance agreements grow with a list's size N: the
log-odds cut that keeps the false-alert rate at --rate moves by about w * log(N_full / N). w = 1 is the
pure prior odds (Fellegi-Sunter's 1 / N); a measured w below 1 says ordinary travellers' best chance
agreements are concentrated on a few common listed names, so they grow more slowly than N. The fit is
least squares through the origin of (cut on the full list - cut on a subset) against log(N_full / N),
each subset scored against the yente fixture's 50,000 ordinary travellers with list_size_prior off.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.alias_set import alias_set  # noqa: E402
from benchmarks.eval_screening import _negative_travellers, score_all  # noqa: E402
from screening.matching import MatchConfig, WatchlistIndex, load_match_config  # noqa: E402
from screening.resources import default_rules_dir  # noqa: E402
from screening.watchlists.model import WatchlistEntry, WatchlistLoad  # noqa: E402


def _logit(p: float) -> float:
    p = min(max(p, 1e-15), 1 - 1e-15)
    return float(np.log(p / (1 - p)))


def false_alert_cut(
    entries: list[WatchlistEntry], config: MatchConfig, negatives: list[dict], rate: float, workers: int
) -> float:
    """The calibrated log-odds that at most `rate` of `negatives` reach against these entries."""
    index = WatchlistIndex([WatchlistLoad("ofac", "OFAC", entries, [], f"subset:{len(entries)}:{id(entries)}")])
    results = score_all(index, config, negatives, workers)
    best = np.sort([max((_logit(p) for p in r.values()), default=-50.0) for r in results])[::-1]
    return float(best[int(np.floor(rate * len(best)))])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[300, 730, 1500, 2500])
    parser.add_argument("--seeds", type=int, default=4)
    parser.add_argument("--rate", type=float, default=0.001)
    parser.add_argument("--negatives", type=int, default=50_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rules", type=Path, default=default_rules_dir())
    args = parser.parse_args()
    # Off, and a threshold low enough that every negative's best chance agreement is kept.
    config = load_match_config(args.rules).model_copy(update={"list_size_prior": False, "threshold": 1e-9})
    primaries, _ = alias_set("ofac", "dev")
    negatives = _negative_travellers(args.negatives)
    full = false_alert_cut(primaries, config, negatives, args.rate, args.workers)
    print(f"full list: {len(primaries)} names, cut {full:+.3f}")
    xs, ys = [], []
    for size in args.sizes:
        cuts = []
        for seed in range(args.seeds):
            subset = random.Random(seed).sample(primaries, size)
            cuts.append(false_alert_cut(subset, config, negatives, args.rate, args.workers))
            xs.append(float(np.log(len(primaries) / size)))
            ys.append(full - cuts[-1])
        shown = " ".join(f"{c:+.3f}" for c in cuts)
        print(f"{size:>6} names: cuts {shown}  mean shift {full - float(np.mean(cuts)):.3f}  log ratio {xs[-1]:.3f}")
    x, y = np.array(xs), np.array(ys)
    weight = float(x @ y / (x @ x))
    spread = float(np.sqrt(np.mean((y - weight * x) ** 2)))
    print(f"list_size_prior_weight: {weight:.2f}  (rms residual {spread:.3f} log-odds; {len(x)} subsets)")
    print(f"calibration_names: {len(primaries)}")


if __name__ == "__main__":
    main()
