"""Array forms of the scorer's pieces, for batch screening: part similarities for many (part, part) pairs in
one rapidfuzz `cpdist` call per distance, and the order-free greedy part alignment of many candidate names
at once. They mirror scoring.token_similarity and scoring.score_names exactly (tests compare them pair by
pair), and are the narrow interface a new scorer plugs into: replace these two functions, keep the batch
machinery (blocking, candidate join, evidence) as it is.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import OSA, Indel, Levenshtein

from screening.matching.scoring import NameWeights, sound_code
from screening.matching.scoring import joined_similarity as joined_similarity  # shared with score_names


def _lengths(words: Sequence[str]) -> np.ndarray:
    return np.fromiter(map(len, words), dtype=np.int64, count=len(words))


def _same_first(x: str, y: str) -> bool:
    return x[:1] == y[:1]


def token_similarities(
    a: Sequence[str], b: Sequence[str], weights: NameWeights, *, known: dict[str, np.ndarray] | None = None
) -> np.ndarray:
    """scoring.token_similarity(a[k], b[k], phonetic, initial) for every k, computed as arrays.

    `known` may hold what the caller already has as arrays (la, lb: lengths; same_first, same_sound,
    equal: booleans; osa, indel: normalised similarities in float64), so that a batch of pairs between
    indexed parts needs no per-pair Python at all."""
    n = len(a)
    if not n:
        return np.zeros(0)
    given = known or {}
    la = given["la"] if "la" in given else _lengths(a)
    lb = given["lb"] if "lb" in given else _lengths(b)
    short, long_ = np.minimum(la, lb), np.maximum(la, lb)
    same_first = (
        given["same_first"] if "same_first" in given else np.fromiter(map(_same_first, a, b), dtype=np.bool_, count=n)
    )
    score = (
        given["osa"]
        if "osa" in given
        else process.cpdist(a, b, scorer=OSA.normalized_similarity, dtype=np.float64, workers=1)
    )
    indel = (
        given["indel"]
        if "indel" in given
        else process.cpdist(a, b, scorer=Indel.normalized_similarity, dtype=np.float64, workers=1)
    )
    score = np.where(4 * short >= 3 * long_, np.maximum(score, indel), score)
    near = np.nonzero((score < 0.9) & (long_ - short <= 1))[0]  # OSA distance 1 needs lengths this close
    if len(near):
        sub_a, sub_b = [a[k] for k in near.tolist()], [b[k] for k in near.tolist()]
        one_edit = process.cpdist(sub_a, sub_b, scorer=OSA.distance, score_cutoff=1, dtype=np.int32, workers=1) <= 1
        swap = (
            one_edit
            & (la[near] == lb[near])
            & (
                process.cpdist(sub_a, sub_b, scorer=Levenshtein.distance, score_cutoff=2, dtype=np.int32, workers=1)
                == 2
            )
        )
        typo = one_edit & ~swap & ((short[near] >= 3) | (la[near] != lb[near]))
        lifted = np.where(swap, 0.9, score[near])
        lifted = np.where(typo, np.maximum(lifted, np.where(short[near] >= 4, 0.85, 0.8)), lifted)
        score = score.copy()
        score[near] = lifted
    sounds = np.nonzero((score < weights.phonetic_similarity) & same_first)[0]
    if len(sounds):
        if "same_sound" in given:
            alike = given["same_sound"][sounds]
        else:
            alike = np.fromiter(
                (sound_code(a[k]) == sound_code(b[k]) for k in sounds.tolist()), dtype=np.bool_, count=len(sounds)
            )
        score = score.copy()
        score[sounds[alike]] = weights.phonetic_similarity
    initial = (la == 1) | (lb == 1)
    score = np.where(initial, np.where(same_first, weights.initial_similarity, 0.0), score)
    score = np.where((la == 0) | (lb == 0), 0.0, score)
    equal = given["equal"] if "equal" in given else np.fromiter(map(str.__eq__, a, b), dtype=np.bool_, count=n)
    return np.where(equal, 1.0, score)


def align(
    sims: np.ndarray,
    query_weight: np.ndarray,
    listed_weight: np.ndarray,
    listed_count: np.ndarray,
    weights: NameWeights,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Greedy order-free alignment of one traveller's Q parts with N candidate names (score_names' loop).

    sims: (N, Q, L) part similarities, listed parts beyond a name's listed_count padded (any value);
    query_weight: (Q,); listed_weight: (N, L). Returns (aligned score, count of aligned pairs that are not
    identical, order key of each query part: the listed position it aligned with, or -1), accumulating in
    score_names' order so the floats are the same."""
    n, q, width = sims.shape
    valid = np.arange(width)[None, :] < listed_count[:, None]  # (N, L)
    work = np.where(valid[:, None, :], sims, -1.0)
    numerator = np.zeros(n)
    denominator = np.zeros(n)
    imperfect = np.zeros(n, dtype=np.int64)
    used_q = np.zeros((n, q), dtype=np.bool_)
    used_c = ~valid
    partner = np.full((n, q), -1, dtype=np.int64)
    rows = np.arange(n)
    steps = int(min(q, int(listed_count.max()) if n else 0))
    for _ in range(steps):
        active = ~(used_q.all(axis=1) | used_c.all(axis=1))
        if not active.any():
            break
        # Best pair left; ties go to the first query part, then the first listed part (score_names' sort).
        flat = np.argmax(work.reshape(n, q * width), axis=1)
        i, j = flat // width, flat % width
        s = work[rows, i, j]
        wq, wc = query_weight[i], listed_weight[rows, j]
        agree = s >= weights.agree_min
        numerator = np.where(active & agree, numerator + wc * s, numerator)
        denominator = np.where(active, denominator + np.where(agree, wc, np.maximum(wq, wc)), denominator)
        imperfect += active & (s < 1.0)
        on, i_on, j_on = rows[active], i[active], j[active]
        partner[on, i_on] = j_on
        used_q[on, i_on] = True
        used_c[on, j_on] = True
        work[on, i_on, :] = -2.0  # that query part and that listed part are taken
        work[on, :, j_on] = -2.0
    left_q = np.zeros(n)
    for i in range(q):  # in index order, as score_names' sum() adds them
        left_q = left_q + np.where(used_q[:, i], 0.0, query_weight[i])
    left_c = np.zeros(n)
    for j in range(width):
        left_c = left_c + np.where(valid[:, j] & ~used_c[:, j], listed_weight[:, j], 0.0)
    denominator = denominator + weights.unmatched_traveller * left_q
    denominator = denominator + weights.unmatched_listed * left_c
    with np.errstate(divide="ignore", invalid="ignore"):
        aligned = np.where(denominator != 0, numerator / np.where(denominator != 0, denominator, 1.0), 0.0)
    return aligned, imperfect, partner
