"""Labelled name pairs from a published list, scored on names alone with `screening compare --pairs`'s
function: precision, recall and F1 at the configured names-alone threshold, per kind of pair.

Positives are the list's own: each individual's alias (OFAC alt.csv, or the UN list's aliases and names
in the original script) beside its primary name, classified by benchmarks/alias_set.py's kinds.
Negatives are as many pairs of primary names of two different listed people: half chosen at random,
half "hard" (the two names share a name part, as MOHAMMED or KHAN do). Two different people listed
under the same name after normalisation are left out of the negatives and counted: on names alone they
are the same name, which no name matcher can or should tell apart. Names only: no date of birth, no
nationality, so this measures the name score and nothing else.

OFAC is the development set (`--split dev` tunes `names_only_threshold`: `--fit` prints the cut with the
best F1; `held-out` is measured only); the UN list is issue 11's acceptance set: measure on it, never
tune on it. Beside the F1 on all pairs it prints the F1 on positives that share a similar name part
with the primary name (an alias under a different name altogether is beyond any name matcher), and
rapidfuzz's token_sort_ratio at its best cutoff on the same pairs as a reference.

    .venv/bin/python benchmarks/name_pairs.py                          # UN list in ../shared/data
    .venv/bin/python benchmarks/name_pairs.py --source ofac --split dev --fit
    .venv/bin/python benchmarks/name_pairs.py --write /tmp/pairs.csv   # then: screening compare --pairs
    .venv/bin/python benchmarks/name_pairs.py --source ofac --split dev --alias-negatives

--alias-negatives draws the negatives as one person's alias beside another person's primary name, so
both classes are written the same way (a list writes its aliases differently from its primary names:
name formats alone separate alias positives from primary-name negatives at an AUC of about 0.70, which
a learned combiner would exploit and a matcher should not be credited or blamed for).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.alias_set import SOURCES, alias_set, split_of  # noqa: E402
from screening.matching import load_match_config  # noqa: E402
from screening.matching.names import normalise_name  # noqa: E402
from screening.matching.pairs import compare_pairs  # noqa: E402
from screening.resources import default_rules_dir  # noqa: E402
from screening.watchlists.model import WatchlistEntry  # noqa: E402

DIFFERENT_NAME = "other name"  # alias_set's kind for an alias sharing no similar part with the primary name


def positives(rows: list[dict[str, str | None]]) -> list[dict[str, str]]:
    return [
        {"name1": str(r["given_names"]), "name2": str(r["primary"]), "kind": str(r["kind"]), "label": "1"} for r in rows
    ]


def _words(name: str) -> list[str]:
    return name.upper().replace(",", " ").split()


def _names_by_part(names: list[str], words: Callable[[str], list[str]]) -> dict[str, list[int]]:
    """Which names hold each word of more than two letters (in name order, each word's first in sorted
    order: the same pairs in every run)."""
    by_part: dict[str, list[int]] = defaultdict(list)
    for i, name in enumerate(names):
        for part in sorted(set(words(name))):
            if len(part) > 2:
                by_part[part].append(i)
    return by_part


def negatives(primaries: list[WatchlistEntry], count: int, rng: random.Random) -> tuple[list[dict[str, str]], int]:
    """Half random pairs of different people, half sharing a name part (the hard ones); and how many
    drawn pairs were left out because both people are listed under the same normalised name."""
    names = [e.names[0] for e in primaries]
    same_name = 0
    by_part = _names_by_part(names, lambda name: name.upper().split())
    shared = [ids for ids in by_part.values() if len(ids) > 1]
    rows: list[dict[str, str]] = []
    while len(rows) < count:
        hard = len(rows) >= count // 2
        if hard and not shared:
            break
        i, j = rng.sample(rng.choice(shared), 2) if hard else rng.sample(range(len(names)), 2)
        if normalise_name(names[i]) == normalise_name(names[j]):
            same_name += 1
            continue
        rows.append(
            {
                "name1": names[i],
                "name2": names[j],
                "kind": "people sharing a part" if hard else "random people",
                "label": "0",
            }
        )
    return rows, same_name


def alias_negatives(
    rows: list[dict[str, str | None]], primaries: list[WatchlistEntry], count: int, rng: random.Random
) -> tuple[list[dict[str, str]], int]:
    """Like negatives(), but each pair is one person's ALIAS beside another person's primary name, so
    positives and negatives differ only in who the two names belong to, not in how they are written
    (a list writes aliases differently from primary names: on this project's sets the name formats
    alone tell positives from primary-name negatives at an AUC of about 0.70)."""
    names = [e.names[0] for e in primaries]
    owners = [e.entry_id for e in primaries]
    by_part = _names_by_part(names, _words)
    same_name = 0
    out: list[dict[str, str]] = []
    tries = 0
    while len(out) < count and tries < 50 * count:
        tries += 1
        hard = len(out) >= count // 2
        row = rows[rng.randrange(len(rows))]
        alias = str(row["given_names"])
        if hard:
            parts = [p for p in sorted(set(_words(alias))) if p in by_part]
            if not parts:
                continue
            j = rng.choice(by_part[rng.choice(parts)])
        else:
            j = rng.randrange(len(names))
        if owners[j] == row["entry_id"]:
            continue
        if normalise_name(alias) == normalise_name(names[j]):
            same_name += 1
            continue
        kind = "alias, people sharing a part" if hard else "alias, random people"
        out.append({"name1": alias, "name2": names[j], "kind": kind, "label": "0"})
    return out, same_name


def confusion(truth: np.ndarray, said: np.ndarray) -> dict[str, float]:
    tp, fp, fn = int((truth & said).sum()), int((~truth & said).sum()), int((truth & ~said).sum())
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}


def best_cut(truth: np.ndarray, score: np.ndarray, cuts: np.ndarray) -> tuple[float, float]:
    """(best F1, the cut giving it) over the given cuts."""
    return max((confusion(truth, score >= cut)["f1"], float(cut)) for cut in cuts)


def rapidfuzz_reference(frame: pd.DataFrame) -> tuple[float, float]:
    """The same pairs by rapidfuzz token_sort_ratio on the names as ICAO-transliterated capitals, at the
    cutoff with the best F1 on these very pairs (an oracle cutoff: flattering to the reference)."""
    from rapidfuzz import fuzz, process

    left = [normalise_name(a) for a in frame["name1"]]
    right = [normalise_name(b) for b in frame["name2"]]
    similarity = process.cpdist(left, right, scorer=fuzz.token_sort_ratio, dtype=np.float64, workers=-1)
    return best_cut((frame["label"] == "1").to_numpy(), similarity, np.arange(20, 101, dtype=np.float64))


def pair_set(source: str, split: str, seed: int, from_aliases: bool = False) -> tuple[pd.DataFrame, int]:
    primaries, rows = alias_set(source, split)
    if source == "ofac" and split != "all":
        primaries = [e for e in primaries if split_of(e.entry_id) == split]
    pos = positives(rows)
    if from_aliases:
        neg, same_name = alias_negatives(rows, primaries, len(pos), random.Random(seed))
    else:
        neg, same_name = negatives(primaries, len(pos), random.Random(seed))
    return pd.DataFrame(pos + neg), same_name


def report(frame: pd.DataFrame, threshold: float) -> None:
    truth, score = (frame["label"] == "1").to_numpy(), frame["score"].to_numpy()
    similar = (frame["kind"] != DIFFERENT_NAME).to_numpy()
    for label, keep in (("all pairs", np.ones(len(frame), bool)), ("sharing a similar part", similar)):
        c = confusion(truth[keep], score[keep] >= threshold)
        f1, cut = best_cut(truth[keep], score[keep], np.linspace(0.0, 1.0, 1001))
        print(
            f"{label:24} P {c['precision']:.3f}  R {c['recall']:.3f}  F1 {c['f1']:.3f}"
            f"   (best F1 on these pairs {f1:.3f} at {cut:.3f})"
        )
    for kind, group in frame.groupby("kind"):
        hit = (group["score"] >= threshold).mean()
        what = "recall" if group["label"].iloc[0] == "1" else "false matches"
        print(f"  {kind:22} {len(group):6d} pairs  {what} {hit:.3f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--source", choices=sorted(SOURCES), default="un")
    parser.add_argument("--split", choices=("all", "dev", "held-out"), default="all", help="OFAC only")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--threshold", type=float, default=None, help="instead of names_only_threshold")
    parser.add_argument("--fit", action="store_true", help="print the names-alone cut with the best F1")
    parser.add_argument("--write", type=Path, default=None, help="also write the pairs CSV here")
    parser.add_argument("--rules", type=Path, default=default_rules_dir(), help="rules folder (screening.yaml)")
    parser.add_argument(
        "--alias-negatives",
        action="store_true",
        help="negatives are one person's alias beside another's primary name (written as the positives are)",
    )
    args = parser.parse_args()
    if args.source == "un" and args.split != "all":
        parser.error("the UN list is the acceptance set: it has no dev/held-out split")
    try:
        frame, same_name = pair_set(args.source, args.split, args.seed, args.alias_negatives)
    except FileNotFoundError as exc:
        print(f"{exc}: the shared data is not beside this checkout", file=sys.stderr)
        return 2
    if args.write:
        frame.drop(columns=["kind"]).to_csv(args.write, index=False)
    config = load_match_config(args.rules)
    threshold = config.names_only_threshold if args.threshold is None else args.threshold
    started = time.perf_counter()
    scored = compare_pairs(frame, config)
    seconds = time.perf_counter() - started
    if args.threshold is not None:
        scored["is_match"] = scored["score"] >= threshold
    print(
        f"{args.source} {args.split}: {(frame['label'] == '1').sum()} alias pairs, {(frame['label'] == '0').sum()} "
        f"pairs of different people ({same_name} drawn pairs of different people listed under the same name "
        f"left out); names-alone threshold {threshold}"
    )
    report(scored, threshold)
    print(f"scored in {seconds:.1f} s ({len(scored) / seconds:.0f} pairs/s)")
    f1, cutoff = rapidfuzz_reference(frame)
    print(f"reference: rapidfuzz token_sort_ratio, best cutoff {cutoff:.0f} on these pairs: F1 {f1:.3f}")
    if args.fit:
        truth = (scored["label"] == "1").to_numpy()
        f1, cut = best_cut(truth, scored["score"].to_numpy(), np.linspace(0.0, 1.0, 10001))
        print(f"fit: names_only_threshold {cut:.4f} gives F1 {f1:.3f} on these pairs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
