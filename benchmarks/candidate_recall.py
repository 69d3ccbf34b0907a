"""Candidate recall against exhaustive scoring with the same scorer (benchmarks only).

The truth for a sample of travellers is every listed entry whose best name, scored by screening's scorer
(score_names over the part similarities of every agreeing pair of parts; a pair that does not agree counts
as 0, as in screening) plus the traveller's evidence, reaches the flag threshold: the top
max_matches_per_traveller per traveller, as screening returns them. Scoring a million names per traveller
in Python is out of reach, so the truth is computed in three steps that lose nothing:

1. Every (traveller part, listed part) pair that agrees (token_similarity >= agree_min), found by
   rapidfuzz cdist of each traveller part against the whole vocabulary (an agreeing pair has an edit
   similarity >= agree_min, or is one OSA edit apart, or has the same first letter and metaphone code),
   then the exact similarity (vectorised.token_similarities). Nothing from the blocking keys.
2. Names: those holding an agreeing part, plus those whose joined string is within two insertions or
   deletions of a permutation of the traveller's parts (the joined-strings reading needs that, even with
   no part agreeing). Names whose log-odds upper bound (BatchScorer) plus the most the traveller's
   evidence could add cannot reach the threshold are dropped: none the scorer accepts is lost.
3. The rest scored by WatchlistIndex.score_traveller with those similarity tables and the candidate
   cutoff set to 0 (a pair the cutoff drops in screening counts as lost).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import OSA, Indel

from screening.matching import MatchConfig, WatchlistIndex
from screening.matching.engine import evidence_ceiling
from screening.matching.index_data import _ranges
from screening.matching.scoring import NameWeights, calibrate, sound_code
from screening.matching.vectorised import token_similarities


@dataclass
class Recall:
    travellers: int
    truth: int  # (traveller, entry) pairs exhaustive scoring flags (top max_matches per traveller)
    kept: int  # of those, flagged by screening
    lost_examples: list[tuple[str, str, float]]  # (traveller_ref, entry id, score): no names printed
    truth_seconds: float

    @property
    def recall(self) -> float:
        return self.kept / max(self.truth, 1)


def agreeing_vocabulary(index: WatchlistIndex, forms: list[str], weights: NameWeights) -> dict[str, dict[int, float]]:
    """For each form, every vocabulary part agreeing with it and the similarity (exhaustive)."""
    d = index.data
    vocabulary = d.vocabulary
    by_sound: dict[tuple[str, str], list[int]] = {}
    for k, word in enumerate(vocabulary):
        if word:
            by_sound.setdefault((word[0], sound_code(word)), []).append(k)
    out: dict[str, dict[int, float]] = {}
    forms = [f for f in dict.fromkeys(forms) if len(f) > 1]
    for start in range(0, len(forms), 64):
        chunk = forms[start : start + 64]
        # float32 scores: a margin below agree_min so no pair at agree_min is lost to rounding
        cutoff = weights.agree_min - 0.01
        osa = process.cdist(chunk, vocabulary, scorer=OSA.normalized_similarity, score_cutoff=cutoff, workers=-1)
        indel = process.cdist(chunk, vocabulary, scorer=Indel.normalized_similarity, score_cutoff=cutoff, workers=-1)
        close = np.maximum(osa, indel) > 0
        del osa, indel
        one_edit = process.cdist(chunk, vocabulary, scorer=OSA.distance, score_cutoff=1, dtype=np.int32, workers=-1)
        rows, cols = np.nonzero(close | (one_edit <= 1))
        del close, one_edit
        pairs = set(zip(rows.tolist(), cols.tolist(), strict=True))
        for r, form in enumerate(chunk):
            pairs.update((r, k) for k in by_sound.get((form[0], sound_code(form)), []))
        ordered = sorted(pairs)
        a = [chunk[r] for r, _ in ordered]
        b = [vocabulary[k] for _, k in ordered]
        sims = token_similarities(a, b, weights) if ordered else np.zeros(0)
        for (r, k), s in zip(ordered, sims.tolist(), strict=True):
            if s >= weights.agree_min:
                out.setdefault(chunk[r], {})[k] = s
    return out


def joined_neighbours(index: WatchlistIndex, travellers_parts: list[list[str]]) -> list[np.ndarray]:
    """Per traveller, the names whose joined parts are within Indel distance 2 of a permutation of the
    traveller's parts (the only way the joined-strings reading can score a name)."""
    d = index.data
    joined = ["".join(forms[0] for forms, _p, _i in d.name_forms(n)) for n in range(d.name_count)]
    lengths = np.fromiter(map(len, joined), dtype=np.int64, count=len(joined))
    order = np.argsort(lengths, kind="stable")
    sorted_lengths = lengths[order]
    out = []
    for parts in travellers_parts:
        if not parts:
            out.append(np.zeros(0, dtype=np.int64))
            continue
        total = sum(map(len, parts))
        lo, hi = np.searchsorted(sorted_lengths, [total - 2, total + 3])
        window = order[lo:hi]
        perms = list(dict.fromkeys("".join(p) for p in itertools.islice(itertools.permutations(parts), 24)))
        distances = process.cdist(
            perms, [joined[k] for k in window.tolist()], scorer=Indel.distance, score_cutoff=2, workers=-1
        )
        out.append(window[np.nonzero((distances <= 2).any(axis=0))[0]].astype(np.int64))
    return out


def exhaustive_truth(
    index: WatchlistIndex, config: MatchConfig, travellers: list[dict[str, Any]]
) -> list[list[tuple[str, float, str]]]:
    """Per traveller, the (entry id, score, listed name) exhaustive scoring flags, best first."""
    config = index.list_config(config)  # calibrated for the list's size, as screening is
    weights = config.name_weights()
    d = index.data
    slots_of = [index.traveller_slots(t, config) for t in travellers]
    tables = agreeing_vocabulary(index, [f for slots in slots_of for forms, _ in slots for f in forms], weights)
    joined = joined_neighbours(index, [[forms[0] for forms, _ in slots] for slots in slots_of])
    uncut = config.model_copy(update={"candidate_cutoff": 0.0})
    slope, intercept = config.calibration_slope, config.calibration_intercept
    out = []
    for traveller, slots, near in zip(travellers, slots_of, joined, strict=True):
        if not slots:
            out.append([])
            continue
        parts = []
        for forms, _weight in slots:
            best: dict[int, float] = {}
            for form in forms:
                for k, s in tables.get(form, {}).items():
                    best[k] = max(best.get(k, 0.0), s)
            parts.append(best)
        ids = np.array(sorted({k for p in parts for k in p}), dtype=np.int64)
        names = np.unique(d.post_names[_ranges(d.post_ptr[ids], d.post_ptr[ids + 1])]).astype(np.int64)
        names = np.union1d(names, near)
        if not len(names):
            out.append([])
            continue
        # known tables with every agreeing pair: the agreeing part of the greedy alignment is the scorer's
        index.finder._use(weights)  # the part cache holds these weights' values
        for (forms, _w), table in zip(slots, parts, strict=True):
            index.finder._part_cache[forms] = (
                np.array(sorted(table), dtype=np.int32),
                np.array([table[k] for k in sorted(table)]),
                0,
            )
        _score, bound = index.batch_scorer.name_scores_and_bounds(names, slots, weights, config.particle_weight)
        reach = calibrate(bound + evidence_ceiling(traveller, config) + 1e-6, slope, intercept)
        names = names[np.asarray(reach) >= config.threshold]
        index.finder._part_cache.clear()
        matches = index.score_traveller(
            traveller, uncut, names=names, known=parts, slots=slots, limit=config.max_matches_per_traveller
        )
        out.append([(m.entry.entry_id, m.score, m.matched_name) for m in matches])
    return out


def measure(index: WatchlistIndex, config: MatchConfig, travellers: list[dict[str, Any]]) -> Recall:
    """Screening's flags (the batch path) against the exhaustive truth on `travellers`."""
    import time

    t0 = time.perf_counter()
    truth = exhaustive_truth(index, config, travellers)
    truth_s = time.perf_counter() - t0
    index.finder._part_cache.clear()
    flagged: dict[str, dict[str, float]] = {}
    for match in index.screen(travellers, config):
        flagged.setdefault(match.traveller_ref, {})[match.entry.entry_id] = match.score
    total = kept = 0
    lost = []
    for traveller, expected in zip(travellers, truth, strict=True):
        ours = flagged.get(str(traveller.get("traveller_ref") or ""), {})
        full = len(ours) >= config.max_matches_per_traveller
        for entry_id, score, _listed in expected:
            total += 1
            # kept if flagged, or displaced from a full list by flags scoring at least as much (ties)
            if entry_id in ours or (full and min(ours.values()) >= score):
                kept += 1
            elif len(lost) < 10:
                lost.append((str(traveller.get("traveller_ref")), entry_id, round(score, 4)))
    return Recall(len(travellers), total, kept, lost, truth_s)
