"""Screening quality, measured: recall at fixed false-alert rates on labelled data, beside exhaustive
rapidfuzz token_sort_ratio on the same queries in the same run.

    .venv/bin/python benchmarks/eval_screening.py                 # both parts
    .venv/bin/python benchmarks/eval_screening.py --part yente --negatives 5000
    .venv/bin/python benchmarks/eval_screening.py --part own
    .venv/bin/python benchmarks/eval_screening.py --part aliases --source ofac --split dev
    .venv/bin/python benchmarks/eval_screening.py --part aliases --source un     # acceptance: never tune

Part "aliases" (benchmarks/alias_set.py): a list's own aliases of individuals as travellers with the
person's date of birth and nationality, against the list's primary names only, and the yente fixture's
50,000 negatives (with their own dates of birth and nationalities) as ordinary travellers; recall per
kind of variation at the configured threshold and at 1 % / 0.1 % of ordinary travellers flagged.

Part "yente": list = UN Consolidated List XML; queries = the 683 treated positives (truth: the UN entry
whose name is the untreated row) and 50,000 negatives from opensanctions/yente's candidate-generation
fixtures (../shared/data/eval). Part "own": benchmarks/make_labelled_set.py families against UN + OFAC.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from screening.matching import MatchConfig, WatchlistIndex, load_match_config  # noqa: E402
from screening.matching.names import normalise_name  # noqa: E402
from screening.resources import default_rules_dir, shared_data_dir  # noqa: E402
from screening.watchlists.country_names import country_to_icao  # noqa: E402
from screening.watchlists.loader import load_watchlist  # noqa: E402
from screening.watchlists.model import WatchlistLoad  # noqa: E402

_INDEX: WatchlistIndex | None = None
_CONFIG: MatchConfig | None = None


def _init(index: WatchlistIndex, config: MatchConfig) -> None:
    global _INDEX, _CONFIG
    _INDEX, _CONFIG = index, config


def _scores(traveller: dict[str, Any]) -> dict[str, float]:
    """Best score per listed entry id (above the candidate cutoff) for one traveller."""
    assert _INDEX is not None and _CONFIG is not None
    return {m.entry.entry_id: m.score for m in _INDEX.score_traveller(traveller, _CONFIG, keep_below=True)}


def score_all(
    index: WatchlistIndex, config: MatchConfig, travellers: list[dict[str, Any]], workers: int
) -> list[dict[str, float]]:
    if workers <= 1:
        _init(index, config)
        return [_scores(t) for t in travellers]
    with mp.get_context("fork").Pool(workers, initializer=_init, initargs=(index, config)) as pool:
        return pool.map(_scores, travellers, chunksize=200)


def rapidfuzz_scores(index: WatchlistIndex, queries: list[str]) -> tuple[np.ndarray, list[str]]:
    """Exhaustive token_sort_ratio of every query against every listed name (the reference scan)."""
    names = [normalise_name(index.data.listed_name(i)) for i in range(index.data.name_count)]
    owners = [index.entries[int(o)].entry_id for o in index.data.name_owner]
    matrix = process.cdist(
        [normalise_name(q) for q in queries], names, scorer=fuzz.token_sort_ratio, dtype=np.uint8, workers=-1
    )
    return matrix, owners


Row = tuple[str, float, float, float]


def recall_table(pos: np.ndarray, neg: np.ndarray, configured: float | None) -> list[Row]:
    """(operating point, threshold, recall, false-alert rate) at 1% and 0.1% false alerts and configured."""
    rows = []
    for label, rate in (("FAR 1%", 0.01), ("FAR 0.1%", 0.001)):
        threshold = _cutoff_at_rate(neg, rate)
        rows.append((label, threshold, float(np.mean(pos >= threshold)), float(np.mean(neg >= threshold))))
    if configured is not None:
        rows.append(("configured", configured, float(np.mean(pos >= configured)), float(np.mean(neg >= configured))))
    return rows


def _cutoff_at_rate(best: np.ndarray, rate: float) -> float:
    """The lowest score cutoff at which at most `rate` of these negatives' best scores reach it."""
    ranked = np.sort(best)[::-1]
    allowed = int(np.floor(rate * len(ranked)))
    return float(ranked[allowed]) + 1e-9 if allowed < len(ranked) else 0.0


def print_table(title: str, columns: dict[str, list[tuple[str, float, float, float]]]) -> None:
    print(f"\n{title}")
    print(f"{'method':<40}{'operating point':<16}{'threshold':>10}{'recall':>9}{'false alerts':>14}")
    for method, rows in columns.items():
        for label, threshold, recall, far in rows:
            print(f"{method:<40}{label:<16}{threshold:>10.4f}{recall:>9.4f}{far:>13.4%}")


def _traveller(row: dict[str, Any], ref: str, with_evidence: bool) -> dict[str, Any]:
    dob = row.get("date_of_birth")
    nationality = row.get("nationality")
    gender = str(row.get("gender") or "").lower()
    return {
        "traveller_ref": ref,
        "given_names": str(row["full_name"]),
        "surname": "",
        "date_of_birth": str(dob) if with_evidence and isinstance(dob, str) and dob else None,
        "nationality": country_to_icao(str(nationality)) if with_evidence and isinstance(nationality, str) else None,
        "sex": {"male": "M", "female": "F"}.get(gender) if with_evidence else None,
    }


def yente_part(config: MatchConfig, negatives: int, workers: int) -> None:
    root = shared_data_dir()
    folder = root / "eval" / "yente_candidate_generation"
    un_path = root / "watchlists" / "un_consolidated_2026-02-27.xml"
    if not folder.exists() or not un_path.exists():
        print("yente part skipped: ../shared/data/eval or the UN list is absent")
        return
    index = WatchlistIndex([load_watchlist(un_path)])
    treated = pd.read_csv(folder / "positives_un_treated.csv", dtype=str, keep_default_na=False)
    untreated = pd.read_csv(folder / "positives_un_untreated.csv", dtype=str, keep_default_na=False)
    negs = pd.read_csv(folder / "negatives_global.csv", dtype=str, keep_default_na=False)
    if negatives < len(negs):
        negs = negs.sample(negatives, random_state=7)
    # Truth: the UN entries one of whose names is the untreated row's name, or (the files are not strictly
    # row-aligned: NOOR BARZAN... sits beside MOHAMMAD BARZAN...) entries named exactly as the treated row.
    # Every entry of that name counts: two listed people can share a name once titles are dropped
    # (ABDUL RAHMAN AGHA and ABDUL RAHMAN), and the row's date of birth tells which one it is.
    by_name: dict[str, set[str]] = {}
    for entry in index.entries:
        for name in entry.names:
            by_name.setdefault(normalise_name(name), set()).add(entry.entry_id)
    truth_sets = [
        by_name.get(normalise_name(u), set()) | by_name.get(normalise_name(n), set())
        for u, n in zip(untreated["full_name"], treated["full_name"], strict=True)
    ]
    known = [i for i, t in enumerate(truth_sets) if t]
    print(
        f"yente fixture: {len(treated)} positives ({len(known)} name a person on this UN list version; "
        f"the rest were delisted), {len(negs)} negatives, list {index.data.meta['entries']} entries / "
        f"{index.data.name_count} names"
    )
    pos_rows = [treated.iloc[i].to_dict() for i in known]
    truth = [truth_sets[i] for i in known]
    neg_rows = negs.to_dict("records")
    columns: dict[str, list[tuple[str, float, float, float]]] = {}
    for with_evidence in (False, True):
        started = time.perf_counter()
        travellers = [_traveller(r, f"p{i}", with_evidence) for i, r in enumerate(pos_rows)] + [
            _traveller(r, f"n{i}", with_evidence) for i, r in enumerate(neg_rows)
        ]
        results = score_all(index, config, travellers, workers)
        pos = np.array([max(results[k].get(t, 0.0) for t in truth[k]) for k in range(len(pos_rows))])
        neg = np.array([max(r.values(), default=0.0) for r in results[len(pos_rows) :]])
        label = "ours, name+DOB+nationality" if with_evidence else "ours, name only"
        columns[label] = recall_table(pos, neg, config.threshold)
        print(f"  {label}: {len(travellers)} queries in {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    matrix, owners = rapidfuzz_scores(index, [r["full_name"] for r in pos_rows + neg_rows])
    owner_arr = np.array(owners)
    pos = np.array([matrix[k][np.isin(owner_arr, list(truth[k]))].max() / 100.0 for k in range(len(pos_rows))])
    neg = matrix[len(pos_rows) :].max(axis=1) / 100.0
    columns["rapidfuzz token_sort_ratio (cdist)"] = recall_table(pos, neg, None)
    print(f"  rapidfuzz cdist: {matrix.shape[0]}x{matrix.shape[1]} in {time.perf_counter() - started:.1f} s")
    print_table("yente candidate-generation fixture vs UN list", columns)


def own_part(config: MatchConfig, workers: int, seed: int) -> None:
    from benchmarks.make_labelled_set import generate

    try:
        labelled, loads = generate(seed=seed)
    except FileNotFoundError as exc:
        print(f"own part skipped: {exc}")
        return
    index = WatchlistIndex(loads)
    rows = labelled.to_dict("records")
    travellers = [{k: (v if v != "" else None) for k, v in r.items()} for r in rows]
    started = time.perf_counter()
    results = score_all(index, config, travellers, workers)
    print(
        f"\nown labelled set: {len(rows)} travellers vs {index.data.meta['entries']} entries "
        f"({index.data.name_count} names), scored in {time.perf_counter() - started:.1f} s"
    )
    matrix, owners = rapidfuzz_scores(index, [f"{r['given_names']} {r['surname']}" for r in rows])
    owner_arr = np.array(owners)
    # rapidfuzz at the cutoff that flags no more background travellers than ours does (its scores are
    # similarities, not probabilities: our threshold means nothing on them)
    is_background = np.array([r["family"] == "background" for r in rows])
    ours_background = np.mean(
        [max(r.values(), default=0.0) >= config.threshold for r, b in zip(results, is_background, strict=True) if b]
    )
    rf_cutoff = _cutoff_at_rate(matrix[is_background].max(axis=1) / 100.0, float(ours_background))
    print(f"{'family':<40}{'kind':<10}{'n':>6}{'ours':>9}{f'rapidfuzz>={rf_cutoff:.2f}':>18}")
    per_family: dict[tuple[str, str], list[tuple[bool, bool]]] = {}
    all_pos, background_alerts, background = [], 0, 0
    for k, (row, result) in enumerate(zip(rows, results, strict=True)):
        if row["kind"] == "positive":
            ours = result.get(row["entry_id"], 0.0) >= config.threshold
            rf = matrix[k][owner_arr == row["entry_id"]].max() / 100.0 >= rf_cutoff
            all_pos.append(ours)
        else:
            ours = max(result.values(), default=0.0) >= config.threshold  # flagged at all
            rf = matrix[k].max() / 100.0 >= rf_cutoff
            if row["family"] == "background":
                background += 1
                background_alerts += int(ours)
        per_family.setdefault((row["family"], row["kind"]), []).append((ours, rf))
    for (family, kind), values in sorted(per_family.items(), key=lambda x: (x[0][1], x[0][0])):
        ours_rate = np.mean([v[0] for v in values])
        rf_rate = np.mean([v[1] for v in values])
        what = "recall" if kind == "positive" else "flagged"
        print(f"{family:<40}{kind:<10}{len(values):>6}{ours_rate:>9.4f}{rf_rate:>18.4f}   ({what})")
    print(
        f"overall recall {np.mean(all_pos):.4f} on {len(all_pos)} positives; false alerts per 1,000 "
        f"background travellers: {1000 * background_alerts / max(background, 1):.2f} "
        f"({background_alerts}/{background}) at threshold {config.threshold}"
    )


def negative_travellers(count: int) -> list[dict[str, Any]]:
    path = shared_data_dir() / "eval" / "yente_candidate_generation" / "negatives_global.csv"
    negs = pd.read_csv(path, dtype=str, keep_default_na=False)
    if count < len(negs):
        negs = negs.sample(count, random_state=7)
    return [_traveller(r, f"n{i}", True) for i, r in enumerate(negs.to_dict("records"))]


def aliases_part(config: MatchConfig, source: str, split: str, negatives: int, workers: int, misses: int = 0) -> None:
    from benchmarks.alias_set import KINDS, alias_set

    try:
        primaries, positives = alias_set(source, split)
        frozen = os.environ.get("ALIAS_SET_FILE")  # the same travellers and kinds for a run on older code
        if frozen:
            positives = json.loads(Path(frozen).read_text())[f"{source}:{split}"]
        negs = negative_travellers(negatives)
    except FileNotFoundError as exc:
        print(f"aliases part skipped: {exc}")
        return
    index = WatchlistIndex([WatchlistLoad(source, source.upper(), primaries, [], f"primaries:{source}")])
    started = time.perf_counter()
    results = score_all(index, config, positives + negs, workers)
    elapsed = time.perf_counter() - started
    pos = np.array([results[k].get(str(t["entry_id"]), 0.0) for k, t in enumerate(positives)])
    neg = np.array([max(r.values(), default=0.0) for r in results[len(positives) :]])
    print(
        f"\n{source} aliases ({split}): {len(positives)} aliases of {len(primaries)} individuals against "
        f"primary names only, {len(negs)} ordinary travellers; scored in {elapsed:.1f} s"
    )
    table = recall_table(pos, neg, config.threshold)
    matrix, owners = rapidfuzz_scores(index, [str(t["given_names"]) for t in positives + negs])
    owner_arr = np.array(owners)
    rf_pos = np.array(
        [
            matrix[k][owner_arr == t["entry_id"]].max() / 100.0 if (owner_arr == t["entry_id"]).any() else 0.0
            for k, t in enumerate(positives)
        ]
    )
    rf_neg = matrix[len(positives) :].max(axis=1) / 100.0
    rf_table = recall_table(rf_pos, rf_neg, None)
    print_table(
        f"{source} aliases, all kinds",
        {"ours, name+DOB+nationality": table, "rapidfuzz token_sort_ratio (cdist)": rf_table},
    )
    kinds = np.array([t["kind"] for t in positives])
    cuts = [("configured", config.threshold), ("FAR 0.1%", table[1][1]), ("FAR 1%", table[0][1])]
    rf_cut = rf_table[1][1]
    print(
        f"\n{'kind of variation':<22}{'n':>6}"
        + "".join(f"{label:>13}" for label, _ in cuts)
        + f"{'rapidfuzz@0.1%':>16}"
    )
    groups = [(k, kinds == k) for k in KINDS if (kinds == k).any()]
    groups += [("shares a similar part", kinds != "other name"), ("all", np.ones(len(kinds), dtype=bool))]
    for kind, mask in groups:
        print(
            f"{kind:<22}{int(mask.sum()):>6}"
            + "".join(f"{float(np.mean(pos[mask] >= c)):>13.4f}" for _, c in cuts)
            + f"{float(np.mean(rf_pos[mask] >= rf_cut)):>16.4f}"
        )
    if misses:
        print("\nsome misses at the configured threshold (alias -> primary, score):")
        missed = [k for k in range(len(positives)) if pos[k] < config.threshold]
        for k in missed[:: max(1, len(missed) // misses)][:misses]:
            t = positives[k]
            print(f"  [{t['kind']}] {t['given_names']} -> {t['primary']}  {pos[k]:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--part", choices=("yente", "own", "aliases", "all"), default="all")
    parser.add_argument("--source", choices=("ofac", "un"), default="ofac", help="aliases part: which list")
    parser.add_argument(
        "--split",
        choices=("dev", "held-out", "all"),
        default="all",
        help="aliases part, OFAC: development or held-out entries (UN: always all)",
    )
    parser.add_argument("--misses", type=int, default=0, help="aliases part: show this many misses")
    parser.add_argument("--negatives", type=int, default=50_000, help="yente negatives to use (of 50,000)")
    parser.add_argument("--workers", type=int, default=max(1, (mp.cpu_count() or 2)))
    parser.add_argument("--rules", type=Path, default=default_rules_dir())
    parser.add_argument("--seed", type=int, default=20260227)
    args = parser.parse_args()
    config = load_match_config(args.rules)
    print(f"threshold {config.threshold} from {args.rules}/screening.yaml; {args.workers} worker(s)")
    if args.part in ("yente", "all"):
        yente_part(config, args.negatives, args.workers)
    if args.part in ("own", "all"):
        own_part(config, args.workers, args.seed)
    if args.part in ("aliases", "all"):
        aliases_part(
            config, args.source, "all" if args.source == "un" else args.split, args.negatives, args.workers, args.misses
        )


if __name__ == "__main__":
    main()
