"""Labelled name pairs from a published list, scored on names alone with `screening compare --pairs`'s
function: precision, recall and F1 at the configured threshold, per kind of pair.

Positives are the list's own: each individual's primary name beside its name in the original script
(Arabic, Cyrillic, Han...; UN "Original script"), beside each good alias and each low-quality alias.
Negatives are the same number of primary names of two different listed people: half chosen at random,
half "hard" (the two names share a name part, as MOHAMMED or KHAN do). Names only: no date of birth, no
nationality, so this measures the name score and nothing else. The UN list is issue 11's acceptance set:
measure on it, never tune on it.

    .venv/bin/python benchmarks/name_pairs.py                      # UN list in ../shared/data
    .venv/bin/python benchmarks/name_pairs.py --write /tmp/pairs.csv   # then: screening compare --pairs
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import defaultdict
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from screening.matching import load_match_config  # noqa: E402
from screening.matching.pairs import compare_pairs  # noqa: E402
from screening.resources import default_rules_dir, shared_data_dir  # noqa: E402
from screening.vocabulary import ALIAS_LOW, ALIAS_ORIGINAL_SCRIPT  # noqa: E402
from screening.watchlists.loader import load_watchlist  # noqa: E402
from screening.watchlists.model import WatchlistEntry  # noqa: E402

ORIGINAL = ALIAS_ORIGINAL_SCRIPT


def _kind(quality: str) -> str:
    if quality == ORIGINAL:
        return "original script"
    return "low-quality alias" if quality == ALIAS_LOW else "good alias"


def positives(entries: list[WatchlistEntry]) -> list[dict[str, str]]:
    rows = []
    for entry in entries:
        for alias, quality in zip(entry.names[1:], entry.alias_quality, strict=False):
            if alias and alias != entry.names[0]:
                rows.append({"name1": alias, "name2": entry.names[0], "kind": _kind(quality), "label": "1"})
    return rows


def negatives(entries: list[WatchlistEntry], count: int, rng: random.Random) -> list[dict[str, str]]:
    """Half random pairs of different people, half sharing a name part (the hard ones)."""
    by_part: dict[str, list[int]] = defaultdict(list)
    for i, entry in enumerate(entries):
        for part in set(entry.names[0].upper().split()):
            if len(part) > 2:
                by_part[part].append(i)
    shared = [ids for ids in by_part.values() if len(ids) > 1]
    rows = []
    while len(rows) < count // 2:
        i, j = rng.sample(range(len(entries)), 2)
        rows.append({"name1": entries[i].names[0], "name2": entries[j].names[0], "kind": "random", "label": "0"})
    while len(rows) < count and shared:
        i, j = rng.sample(rng.choice(shared), 2)
        rows.append({"name1": entries[i].names[0], "name2": entries[j].names[0], "kind": "shares a part", "label": "0"})
    return rows


def scores(frame: pd.DataFrame) -> dict[str, float]:
    truth, said = frame["label"] == "1", frame["is_match"].astype(bool)
    tp, fp, fn = int((truth & said).sum()), int((~truth & said).sum()), int((truth & ~said).sum())
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"pairs": len(frame), "precision": precision, "recall": recall, "f1": f1}


def rapidfuzz_reference(frame: pd.DataFrame) -> tuple[float, float]:
    """The same pairs by rapidfuzz token_sort_ratio on the names as ICAO-transliterated capitals, at the
    cutoff with the best F1 on these very pairs (an oracle cutoff: flattering to the reference)."""
    import numpy as np
    from rapidfuzz import fuzz, process

    from screening.matching.names import normalise_name

    left = [normalise_name(a) for a in frame["name1"]]
    right = [normalise_name(b) for b in frame["name2"]]
    similarity = process.cpdist(left, right, scorer=fuzz.token_sort_ratio, dtype=np.float64, workers=-1)
    truth = (frame["label"] == "1").to_numpy()
    best = (0.0, 0.0)
    for cutoff in range(20, 101):
        said = similarity >= cutoff
        tp, fp, fn = int((truth & said).sum()), int((~truth & said).sum()), int((truth & ~said).sum())
        f1 = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
        best = max(best, (f1, float(cutoff)))
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--list", type=Path, default=None, help="UN XML (default: the shared UN list)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--write", type=Path, default=None, help="also write the pairs CSV here")
    args = parser.parse_args()
    path = args.list or (shared_data_dir() / "watchlists" / "un_consolidated_2026-02-27.xml")
    if not path.exists():
        print(f"no list at {path}: pass --list", file=sys.stderr)
        return 2
    entries = [e for e in load_watchlist(path).entries if e.entry_type == "individual" and e.names]
    rng = random.Random(args.seed)
    pos = positives(entries)
    frame = pd.DataFrame(pos + negatives(entries, len(pos), rng))
    if args.write:
        frame.drop(columns=["kind"]).to_csv(args.write, index=False)
    config = load_match_config(default_rules_dir())
    started = time.perf_counter()
    scored = compare_pairs(frame, config)
    seconds = time.perf_counter() - started
    overall = scores(scored)
    print(f"{path.name}: {len(entries)} individuals, {overall['pairs']} pairs, threshold {config.threshold}")
    print(f"{'all pairs':22} P {overall['precision']:.3f}  R {overall['recall']:.3f}  F1 {overall['f1']:.3f}")
    for kind, group in scored.groupby("kind"):
        label = group["label"].iloc[0]
        hit = group["is_match"].astype(bool).mean()
        what = "recall" if label == "1" else "false matches"
        print(f"  {kind:20} {len(group):6d} pairs  {what} {hit:.3f}")
    print(f"scored in {seconds:.1f} s ({len(scored) / seconds:.0f} pairs/s)")
    f1, cutoff = rapidfuzz_reference(frame)
    print(f"reference: rapidfuzz token_sort_ratio, best cutoff {cutoff:.0f} on these pairs: F1 {f1:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
