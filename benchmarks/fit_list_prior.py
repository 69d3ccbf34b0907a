"""Fit the list-size prior of rules/screening.yaml (list_size_prior_weight, list_alias_weight,
list_undated_weight, calibration_names): how far the cut that flags 1 in 1,000 ordinary travellers moves
with a list's size, measured on variants of OFAC's list of individuals (the calibration list), then
checked on lists it was not fitted on (the UN list of individuals, and UN + OFAC with every alias).

    .venv/bin/python benchmarks/fit_list_prior.py                       # sizes 300 730 1500 2500, 3 seeds
    .venv/bin/python benchmarks/fit_list_prior.py --sizes 730 --seeds 1 --negatives 10000   # a quick look

A traveller is compared with every listed person, so chance agreements grow with a list's size: the
log-odds cut that keeps the false-alert rate at --rate moves by about w * log(S_calibration / S), where S
is the list's size for chance agreements (screening/matching/list_size.py): each listed person counts 1,
or K without a date of birth, times 1 + a per alias. Measured on OFAC: random subsets of the primary
names (the size), every alias added (a), dates of birth removed from half or all of the people (K). w, a
and K are fitted by least squares of (cut on the calibration list - cut on a variant) against
w * log(S_calibration / S_variant), on the yente fixture's 50,000 ordinary travellers with the prior off.
The UN list's aliases are issue 11's acceptance set; its names serve here only as a list to measure the
false-alert cut on, after the fit, as a check.
"""

from __future__ import annotations

import argparse
import random
import sys
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.alias_set import SOURCES, alias_set  # noqa: E402
from benchmarks.eval_screening import negative_travellers, score_all  # noqa: E402
from screening.matching import MatchConfig, WatchlistIndex, load_match_config  # noqa: E402
from screening.matching.list_size import chance_size  # noqa: E402
from screening.resources import default_rules_dir, shared_data_dir  # noqa: E402
from screening.watchlists.loader import load_watchlist  # noqa: E402
from screening.watchlists.model import WatchlistEntry, WatchlistLoad  # noqa: E402


def _logit(p: float) -> float:
    p = min(max(p, 1e-15), 1 - 1e-15)
    return float(np.log(p / (1 - p)))


@dataclass
class Measured:
    """One list's false-alert cut and what its chance size is made of."""

    label: str
    cut: float
    name_owner: np.ndarray
    dated_names: np.ndarray

    def size(self, alias_weight: float, undated_weight: float) -> float:
        return chance_size(self.name_owner, self.dated_names, alias_weight, undated_weight)


def measure(
    label: str, entries: list[WatchlistEntry], config: MatchConfig, negatives: list[dict], rate: float, workers: int
) -> Measured:
    """The calibrated log-odds that at most `rate` of `negatives` reach against these entries."""
    index = WatchlistIndex([WatchlistLoad("fit", "FIT", entries, [], f"{label}:{len(entries)}:{id(entries)}")])
    results = score_all(index, config, negatives, workers)
    best = np.sort([max((_logit(p) for p in r.values()), default=-50.0) for r in results])[::-1]
    cut = float(best[int(np.floor(rate * len(best)))])
    measured = Measured(label, cut, index.data.name_owner.copy(), index.data.dob_names.copy())
    print(f"  {label:<34} {len(entries):>6} people {len(measured.name_owner):>6} names  cut {cut:+.3f}", flush=True)
    return measured


def undated(entries: list[WatchlistEntry], share: float, seed: int) -> list[WatchlistEntry]:
    rng = random.Random(seed)
    return [replace(e, dates_of_birth=[]) if rng.random() < share else e for e in entries]


def fit(calibration: Measured, variants: list[Measured]) -> tuple[float, float, float, float]:
    """(w, a, K, rms residual) minimising the squared error of the predicted cut shifts (grid over a
    and K, w in closed form for each)."""
    shifts = np.array([calibration.cut - v.cut for v in variants])
    best = (0.0, 0.0, 1.0, float("inf"))
    for a in np.linspace(0.0, 1.0, 101):
        for k in np.linspace(1.0, 30.0, 117):
            base = calibration.size(a, k)
            x = np.array([np.log(base / v.size(a, k)) for v in variants])
            w = float(x @ shifts / (x @ x)) if x @ x else 0.0
            rms = float(np.sqrt(np.mean((shifts - w * x) ** 2)))
            if rms < best[3]:
                best = (w, float(a), float(k), rms)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[300, 730, 1500, 2500])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--rate", type=float, default=0.001)
    parser.add_argument("--negatives", type=int, default=50_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rules", type=Path, default=default_rules_dir())
    args = parser.parse_args()
    rules = load_match_config(args.rules)
    # Off, and a threshold low enough that every negative's best chance agreement is kept.
    config = rules.model_copy(update={"list_size_prior": False, "threshold": 1e-9})
    primaries, _ = alias_set("ofac", "dev")  # every OFAC individual, primary name only: the calibration list
    everyone = [e for e in load_watchlist(shared_data_dir() / SOURCES["ofac"]).entries if e.entry_type == "individual"]
    negatives = negative_travellers(args.negatives)
    print(f"fitted on OFAC ({len(primaries)} people), {len(negatives)} ordinary travellers, rate {args.rate}")
    calibration = measure("calibration list (primary names)", primaries, config, negatives, args.rate, args.workers)
    variants = [measure("every alias added", everyone, config, negatives, args.rate, args.workers)]
    for share in (0.5, 1.0):
        entries = undated(primaries, share, 0)
        variants.append(
            measure(f"{share:.0%} without a date of birth", entries, config, negatives, args.rate, args.workers)
        )
    for size in args.sizes:
        for seed in range(args.seeds):
            subset = random.Random(seed).sample(primaries, size)
            variants.append(measure(f"{size} people, seed {seed}", subset, config, negatives, args.rate, args.workers))
    w, a, k, rms = fit(calibration, variants)
    print(f"\nlist_size_prior_weight: {w:.2f}\nlist_alias_weight: {a:.2f}\nlist_undated_weight: {k:.2f}")
    print(f"calibration_names: {calibration.size(a, k):.0f}   (rms residual {rms:.3f} log-odds, {len(variants)} lists)")
    print("\nchecked on lists not fitted on: measured cut shift, predicted by the fit / by the configured prior")
    un = [e for e in load_watchlist(shared_data_dir() / SOURCES["un"]).entries if e.entry_type == "individual"]
    checks = [
        ("UN, primary names", [replace(e, names=e.names[:1], alias_quality=[]) for e in un]),
        ("UN, every alias", un),
        ("UN + OFAC, every alias", un + everyone),
    ]
    for label, entries in checks:
        m = measure(label, entries, config, negatives, args.rate, args.workers)
        fitted = w * np.log(calibration.size(a, k) / m.size(a, k))
        configured = rules.list_size_prior_weight * np.log(
            rules.calibration_names / m.size(rules.list_alias_weight, rules.list_undated_weight)
        )
        print(f"  {label:<34} measured {calibration.cut - m.cut:+.3f}  fit {fitted:+.3f}  configured {configured:+.3f}")


if __name__ == "__main__":
    main()
