"""Fit the calibration of rules/screening.yaml (summed log-odds -> probability) and find the threshold
that flags about 1 in 1,000 ordinary travellers, on the OFAC development aliases only (never the UN
acceptance set, never the held-out OFAC entries).

    .venv/bin/python benchmarks/calibrate_screening.py            # prints the values to put in the YAML

Pairs: every (alias traveller, listed entry) candidate, labelled 1 for the alias's own entry, and every
candidate of the yente fixture's 50,000 ordinary travellers, labelled 0. A logistic regression of the
label on the summed log-odds gives calibration_slope and calibration_intercept, so a score means the
share of true hits among candidate pairs with that evidence (in this set's mix of hits and non-hits).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.alias_set import alias_set  # noqa: E402
from benchmarks.eval_screening import negative_travellers, score_all  # noqa: E402
from screening.matching import WatchlistIndex, load_match_config  # noqa: E402
from screening.resources import default_rules_dir  # noqa: E402
from screening.watchlists.model import WatchlistLoad  # noqa: E402


def fit_logistic(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Slope and intercept of P(y=1) = 1/(1+exp(-(a*x+b))), maximum likelihood (scipy)."""
    from scipy.optimize import minimize

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        z = theta[0] * x + theta[1]
        nll = np.sum(np.logaddexp(0.0, z) - y * z)
        p = 1.0 / (1.0 + np.exp(-np.clip(z, -50, 50)))
        return float(nll), np.array([np.sum((p - y) * x), np.sum(p - y)])

    found = minimize(loss, np.array([0.5, -3.0]), jac=True, method="L-BFGS-B")
    return float(found.x[0]), float(found.x[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rules", type=Path, default=default_rules_dir())
    parser.add_argument("--rate", type=float, default=0.001, help="target share of ordinary travellers flagged")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    config = load_match_config(args.rules)
    primaries, positives = alias_set("ofac", "dev")
    negatives = negative_travellers(50_000)
    index = WatchlistIndex([WatchlistLoad("ofac", "OFAC", primaries, [], "primaries:ofac")])
    names = round(index.chance_size(config))  # the fit is for a list this size (list_size_prior shifts others)
    raw = config.model_copy(update={"calibration_slope": 1.0, "calibration_intercept": 0.0, "calibration_names": names})
    results = score_all(index, raw, positives + negatives, args.workers)

    def logit(p: float) -> float:
        p = min(max(p, 1e-15), 1 - 1e-15)
        return float(np.log(p / (1 - p)))

    xs, ys = [], []
    for k, result in enumerate(results):
        truth = positives[k]["entry_id"] if k < len(positives) else None
        for entry_id, p in result.items():
            xs.append(logit(p))
            ys.append(1.0 if entry_id == truth else 0.0)
    x, y = np.array(xs), np.array(ys)
    slope, intercept = fit_logistic(x, y)
    neg_best = np.sort([max((logit(p) for p in r.values()), default=-50.0) for r in results[len(positives) :]])[::-1]
    k = int(np.floor(args.rate * len(neg_best)))
    cut = neg_best[k] + 1e-6  # flags at most k of them
    probability = 1.0 / (1.0 + np.exp(-(slope * cut + intercept)))
    pos_true = np.array([logit(r.get(str(t["entry_id"]), 0.0)) for r, t in zip(results, positives, strict=False)])
    print(
        f"{len(x)} candidate pairs ({int(y.sum())} true) from {len(positives)} OFAC development aliases and "
        f"{len(negatives)} ordinary travellers"
    )
    print(f"calibration_slope: {slope:.4f}\ncalibration_intercept: {intercept:.4f}\ncalibration_names: {names}")
    print(
        f"log-odds cut for at most {args.rate:.2%} of ordinary travellers: {cut:.3f} -> threshold "
        f"{probability:.4f}; recall there {np.mean(pos_true >= cut):.4f}"
    )
    for label, t in (("p>=0.5", 0.5), ("p>=0.9", 0.9)):
        c = (np.log(t / (1 - t)) - intercept) / slope
        print(
            f"  at {label}: recall {np.mean(pos_true >= c):.4f}, ordinary travellers flagged "
            f"{np.mean(neg_best >= c):.4%}"
        )


if __name__ == "__main__":
    main()
