"""Array forms of the scorer's pieces, for batch screening: part similarities for many (part, part) pairs in
one rapidfuzz `cpdist` call per distance, and the order-free greedy part alignment of many candidate names
at once. They mirror scoring.token_similarity and scoring.score_names exactly (tests compare them pair by
pair), and are the narrow interface a new scorer plugs into: replace these two functions, keep the batch
machinery (blocking, candidate join, evidence) as it is.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import OSA, Indel, Levenshtein

from screening.matching.part_features import syllable_flags
from screening.matching.scoring import (
    CONTAINED_MIN,
    HEAD_REST_MIN,
    JOINED_HEADS,
    LIGHT_WEIGHT,
    SYLLABLE_MAX,
    NameWeights,
    joined_head_rests,
    sound_code,
)
from screening.matching.scoring import joined_similarity as joined_similarity  # shared with score_names

_HEAD_FIRST_LETTERS = np.array(sorted({ord(head[0]) for head in JOINED_HEADS}), dtype=np.int64)
_SHORTEST_HEAD = min(map(len, JOINED_HEADS))


def _lengths(words: Sequence[str]) -> np.ndarray:
    return np.fromiter(map(len, words), dtype=np.int64, count=len(words))


def _osa_distances(similarity: np.ndarray, longer: np.ndarray) -> np.ndarray:
    """OSA distances from rapidfuzz's normalised OSA similarities (1 - distance / the longer length, so
    the distance is a whole number up to rounding): no second pass over the strings."""
    return np.rint((1.0 - similarity) * longer).astype(np.int64)


def _same_first(x: str, y: str) -> bool:
    return x[:1] == y[:1]


def token_similarities(
    a: Sequence[str], b: Sequence[str], weights: NameWeights, *, known: dict[str, np.ndarray] | None = None
) -> np.ndarray:
    """scoring.token_similarity(a[k], b[k], phonetic, initial) for every k, computed as arrays.

    `known` may hold what the caller already has as arrays (la, lb: lengths; same_first, same_sound,
    equal, syllable_a, syllable_b: booleans, the last two whether each side is one Chinese syllable;
    osa, indel: normalised similarities in float64), so that a batch of pairs between indexed parts
    needs no per-pair Python beyond the joining-head test of pairs with the same first two letters."""
    given = _with_pair_features(a, b, known)
    score = _edit_similarities(a, b, weights, known=given)
    score = _other_syllables_apart(a, b, score, given)
    open_pairs = np.flatnonzero((score > 0.0) & (score < 1.0) & _may_share_head(given))
    rests = [(k, r) for k in open_pairs.tolist() if (r := joined_head_rests(a[k], b[k]))]
    if rests:
        at = np.array([k for k, _ in rests], dtype=np.int64)
        capped = _edit_similarities([r[0] for _, r in rests], [r[1] for _, r in rests], weights)
        score = score.copy()
        score[at] = np.minimum(score[at], capped)
    return score


def _other_syllables_apart(
    a: Sequence[str], b: Sequence[str], score: np.ndarray, given: dict[str, np.ndarray]
) -> np.ndarray:
    """score with the pairs of two different Chinese syllables set to 0 (scoring.other_syllables: an
    open score means the parts differ), where the lengths allow one syllable each: by the sides'
    syllable flags, the caller's (the index saves them per part) or worked out for those pairs only."""
    short, long_ = np.minimum(given["la"], given["lb"]), np.maximum(given["la"], given["lb"])
    at = np.flatnonzero((score > 0.0) & (score < 1.0) & (short >= 3) & (long_ <= SYLLABLE_MAX))
    if not len(at):
        return score
    first = given["syllable_a"][at] if "syllable_a" in given else syllable_flags([a[k] for k in at.tolist()])
    second = given["syllable_b"][at] if "syllable_b" in given else syllable_flags([b[k] for k in at.tolist()])
    apart = at[first & second]
    if not len(apart):
        return score
    score = score.copy()
    score[apart] = 0.0
    return score


def _with_pair_features(
    a: Sequence[str], b: Sequence[str], known: dict[str, np.ndarray] | None
) -> dict[str, np.ndarray]:
    """`known` with the lengths, same-first-letter flags and first letters (ord) of the pairs filled in
    where the caller did not give them (they are needed twice: edit similarity, joining-head test)."""
    given = dict(known or {})
    if "la" not in given:
        given["la"] = _lengths(a)
    if "lb" not in given:
        given["lb"] = _lengths(b)
    if "same_first" not in given:
        given["same_first"] = np.fromiter(map(_same_first, a, b), dtype=np.bool_, count=len(a))
    if "first" not in given:
        given["first"] = np.fromiter((ord(x[0]) if x else -1 for x in a), dtype=np.int64, count=len(a))
    return given


def _may_share_head(given: dict[str, np.ndarray]) -> np.ndarray:
    """Pairs joined_head_rests could give rests for, by arrays alone: both parts begin with the same
    letter, one a joining head begins with, and both are long enough for the shortest head and a rest.
    The per-pair string test then runs only for these (a few in a hundred of a big list's pairs)."""
    return (
        given["same_first"]
        & np.isin(given["first"], _HEAD_FIRST_LETTERS)
        & (np.minimum(given["la"], given["lb"]) >= _SHORTEST_HEAD + HEAD_REST_MIN)
    )


def _edit_similarities(
    a: Sequence[str], b: Sequence[str], weights: NameWeights, *, known: dict[str, np.ndarray] | None = None
) -> np.ndarray:
    """token_similarities without the joining-head rule (scoring._edit_similarity as arrays)."""
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
    osa = (
        given["osa"]
        if "osa" in given
        else process.cpdist(a, b, scorer=OSA.normalized_similarity, dtype=np.float64, workers=1)
    )
    indel = (
        given["indel"]
        if "indel" in given
        else process.cpdist(a, b, scorer=Indel.normalized_similarity, dtype=np.float64, workers=1)
    )
    score = np.where(4 * short >= 3 * long_, np.maximum(osa, indel), osa)
    near = np.nonzero((score < 0.9) & (long_ - short <= 1))[0]  # OSA distance 1 needs lengths this close
    if len(near):
        one_edit = _osa_distances(osa[near], long_[near]) <= 1
        swap = one_edit & (la[near] == lb[near])
        swapped = np.flatnonzero(swap)  # one OSA edit between equal lengths: a swap if Levenshtein needs two
        if len(swapped):
            at = near[swapped].tolist()
            swap[swapped] = (
                process.cpdist(
                    [a[k] for k in at], [b[k] for k in at], scorer=Levenshtein.distance, score_cutoff=2, workers=1
                )
                == 2
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
    query_count: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Greedy order-free alignment of one traveller's Q parts with N candidate names (score_names' loop).

    sims: (N, Q, L) part similarities, listed parts beyond a name's listed_count padded (any value);
    query_weight: (N, Q), each name's traveller's part weights (names of several travellers are aligned at
    once; query_count (N,): a row's traveller has only its first query_count parts, the rest padding of
    weight 0 that aligns with nothing); listed_weight: (N, L). Returns (aligned score, count of aligned
    pairs that are not identical, order key of each query part: the listed position it aligned with, or
    -1), accumulating in score_names' order so the floats are the same."""
    n, q, width = sims.shape
    valid = np.arange(width)[None, :] < listed_count[:, None]  # (N, L)
    real = np.arange(q)[None, :] < query_count[:, None]
    work = np.where(valid[:, None, :] & real[:, :, None], sims, -1.0)
    numerator = np.zeros(n)
    denominator = np.zeros(n)
    imperfect = np.zeros(n, dtype=np.int64)
    used_q = ~real
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
        wq, wc = query_weight[rows, i], listed_weight[rows, j]
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
        left_q = left_q + np.where(used_q[:, i], 0.0, query_weight[:, i])
    left_c = np.zeros(n)
    for j in range(width):
        left_c = left_c + np.where(valid[:, j] & ~used_c[:, j], listed_weight[:, j], 0.0)
    denominator = denominator + weights.unmatched_traveller * left_q
    denominator = denominator + weights.unmatched_listed * left_c
    with np.errstate(divide="ignore", invalid="ignore"):
        aligned = np.where(denominator != 0, numerator / np.where(denominator != 0, denominator, 1.0), 0.0)
    return aligned, imperfect, partner


def _aligned_pairs(
    sims: np.ndarray,
    partner: np.ndarray,
    query_weight: np.ndarray,
    listed_weight: np.ndarray,
    listed_len: np.ndarray,
    query_len: np.ndarray,
    query_first: np.ndarray,
) -> tuple[np.ndarray, ...]:
    """The arrays both log-odds readings start from, per (name, query part): row index, whether the part
    is aligned, its partner column, the pair's similarity, both weights, both lengths and the query part's
    first letter (ord); query_weight, query_len and query_first (N, Q) are the names' travellers'."""
    n, q = partner.shape
    rows = np.arange(n)[:, None]
    taken = partner >= 0
    j = np.where(taken, partner, 0)
    s = sims[rows, np.arange(q)[None, :], j]
    wc = listed_weight[rows, j]
    lb = listed_len[rows, j]
    return rows, taken, j, s, wc, query_weight, query_len, query_first, lb


def plain_log_odds(
    sims: np.ndarray,
    partner: np.ndarray,
    query_weight: np.ndarray,
    listed_weight: np.ndarray,
    listed_len: np.ndarray,
    listed_first: np.ndarray,
    listed_count: np.ndarray,
    query_len: np.ndarray,
    query_first: np.ndarray,
    weights: NameWeights,
    query_count: np.ndarray,
    agreeing_only: bool = False,
) -> np.ndarray:
    """An upper bound of scoring._name_log_odds of the plain alignment (no joined strings) for N names at
    once: agreeing parts exactly (scoring.part_agreement), the most a pair that does not agree could give,
    and missing parts on either side. sims (N, Q, L), partner (N, Q) from align(); listed_len and
    listed_first (N, L): each listed part's length and first letter (ord); query_weight, query_len and
    query_first (N, Q): the same of each name's traveller's parts. Sums in another order than
    score_names (engine.BOUND_MARGIN covers the rounding). With agreeing_only, only what pairs could
    agree on counts (an upper bound whatever the other parts' similarities). query_count: as for align."""
    n, q = partner.shape
    rows, taken, j, s, wc, wq, la, a0, lb = _aligned_pairs(
        sims, partner, query_weight, listed_weight, listed_len, query_len, query_first
    )
    initial = ((la == 1) != (lb == 1)) & (a0 == listed_first[rows, j])
    span = max(1e-9, 1.0 - weights.agree_min)
    share = weights.near_agree_share + (1.0 - weights.near_agree_share) * np.clip(
        (s - weights.agree_min) / span, 0.0, 1.0
    )
    short = np.minimum(la, lb) <= weights.short_part_length
    weight = np.where(short, np.minimum(wc, weights.short_part_max_weight), wc)
    share = np.where(short & (s < 1.0), share * weights.short_inexact_factor, share)
    agreement = np.where(initial, weights.initial_log_odds, weights.agree_log_odds * weight * share)
    agrees = (s >= weights.agree_min) | initial
    # A pair that does not agree is, for the scorer, a contradiction, or a part contained in the other (a
    # weak agreement), or, for a particle, a title or a part written as one with its agreeing neighbour,
    # two missing parts (scoring._name_log_odds). Which one needs the strings; the bound takes the most
    # any of them gives: never the contradiction, which is below the other two.
    contained = weights.agree_log_odds * weights.near_agree_share * np.minimum(wq, wc)
    as_missing = weights.missing_listed_log_odds * wc  # the traveller part costs nothing when joined
    unsure = np.maximum(np.where(np.minimum(la, lb) >= CONTAINED_MIN, contained, -np.inf), as_missing)
    # a traveller part the list lacks costs nothing when it is one with its agreeing neighbour
    alone = query_count < 2  # a one-part traveller
    missing_query = np.where(alone[:, None], weights.missing_traveller_log_odds * wq, 0.0)
    per_part = np.where(taken, np.where(agrees, agreement, unsure), missing_query)
    width = listed_weight.shape[1]
    used = np.zeros((n, width), dtype=np.bool_)
    used[np.nonzero(taken)[0], partner[taken]] = True
    valid = np.arange(width)[None, :] < listed_count[:, None]
    missing_listed = np.where(valid & ~used, weights.missing_listed_log_odds * listed_weight, 0.0)
    if agreeing_only:
        return np.where(taken, np.where(agrees, agreement, np.maximum(unsure, 0.0)), 0.0).sum(axis=1)
    return per_part.sum(axis=1) + missing_listed.sum(axis=1)


def part_agreements(similarity: np.ndarray, weight: np.ndarray, length: np.ndarray, weights: NameWeights) -> np.ndarray:
    """scoring.part_agreement(similarity, weight, weights, length=length) elementwise (not for initials),
    the same operations in the same order, so each value is the scorer's bit for bit."""
    span = max(1e-9, 1.0 - weights.agree_min)
    share = weights.near_agree_share + (1.0 - weights.near_agree_share) * np.minimum(
        1.0, np.maximum(0.0, (similarity - weights.agree_min) / span)
    )
    short = length <= weights.short_part_length
    weight = np.where(short, np.minimum(weight, weights.short_part_max_weight), weight)
    share = np.where(short & (similarity < 1.0), share * weights.short_inexact_factor, share)
    return weights.agree_log_odds * weight * share


def name_log_odds(
    sims: np.ndarray,
    partner: np.ndarray,
    query_weight: np.ndarray,
    listed_weight: np.ndarray,
    listed_len: np.ndarray,
    listed_first: np.ndarray,
    listed_count: np.ndarray,
    query_len: np.ndarray,
    query_first: np.ndarray,
    weights: NameWeights,
    joined_neighbour: np.ndarray,
    contained: Callable[[np.ndarray, np.ndarray], np.ndarray],
) -> np.ndarray:
    """scoring._name_log_odds of the plain alignment (no joined strings) for N names at once, summed in
    another order (engine.BOUND_MARGIN covers the rounding). Arrays as for plain_log_odds; the two string
    tests come from the caller: joined_neighbour (N, Q), whether a query part written together with a
    neighbour is the listed part that neighbour agreed with (scoring._joined_with_neighbour), and
    contained(rows, query parts) -> bool, scoring._contained for those aligned pairs."""
    n, q = partner.shape
    rows, taken, j, s, wc, wq, la, a0, lb = _aligned_pairs(
        sims, partner, query_weight, listed_weight, listed_len, query_len, query_first
    )
    shorter = np.minimum(la, lb)
    # 1. an agreeing pair, or an initial against a part it begins
    initial = ((la == 1) != (lb == 1)) & (a0 == listed_first[rows, j])
    agrees = taken & ((s >= weights.agree_min) | initial)
    agreement = np.where(initial, weights.initial_log_odds, part_agreements(s, wc, shorter, weights))
    # 2. a particle, a title or a part one with its agreeing neighbour: both parts count as missing
    other = taken & ~agrees
    apart = other & ((((wq < LIGHT_WEIGHT) & (la > 1)) | ((wc < LIGHT_WEIGHT) & (lb > 1))) | joined_neighbour)
    # 3. one part begins or ends the other: a weak agreement; 4. else a contradiction
    judged = other & ~apart
    is_contained = np.zeros((n, q), dtype=np.bool_)
    if judged.any():
        pick_rows, pick_parts = np.nonzero(judged)
        is_contained[pick_rows, pick_parts] = contained(pick_rows, pick_parts)
    weak = part_agreements(np.full((n, q), weights.agree_min), np.minimum(wq, wc), shorter, weights)
    contradiction = weights.contradiction_log_odds + weights.contradiction_weight_log_odds * np.maximum(wq, wc)
    paired = taken & ~apart
    per_pair = np.where(paired, np.where(agrees, agreement, np.where(is_contained, weak, contradiction)), 0.0)
    # missing parts: a traveller part one with its agreeing neighbour costs nothing
    missing_query = np.where(paired, 0.0, np.where(joined_neighbour, 0.0, weights.missing_traveller_log_odds * wq))
    width = listed_weight.shape[1]
    used = np.zeros((n, width), dtype=np.bool_)
    used[np.nonzero(paired)[0], partner[paired]] = True
    valid = np.arange(width)[None, :] < listed_count[:, None]
    missing_listed = np.where(valid & ~used, weights.missing_listed_log_odds * listed_weight, 0.0)
    return per_pair.sum(axis=1) + missing_query.sum(axis=1) + missing_listed.sum(axis=1)
