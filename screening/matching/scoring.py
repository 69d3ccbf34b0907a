"""Name score: align the name parts of two names (order-free) and weigh each part by its rarity.

Each part pair gets a similarity from rapidfuzz (Indel and OSA distances, so transpositions such as
AFIZ/FAIZ cost one edit) and a phonetic check (metaphone) for short transliteration variants (ALI/ALY).
A part with no counterpart (a dropped middle name) costs less than a part that contradicts its
counterpart (JOHN vs PETER). The joined strings are compared too, which catches a letter moved across a
part boundary (LAUREN TNKUNDA / LAURENT NKUNDA) and parts split or joined (ABDUL RAHMAN / ABDULRAHMAN).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import jellyfish
from rapidfuzz.distance import OSA, Indel, Levenshtein

# A scored slot: its forms (primary first) and its weight (rarity; particles are light).
WeightedSlot = tuple[tuple[str, ...], float]


@dataclass(frozen=True)
class NameWeights:
    """How much unmatched and contradicting parts cost, and when a pair counts as agreeing
    (read from rules/screening.yaml through MatchConfig)."""

    agree_min: float = 0.72  # part similarity below this is a contradiction, not a spelling variant
    unmatched_traveller: float = 0.5  # cost factor of a traveller name part the listed name lacks
    unmatched_listed: float = 0.25  # cost factor of a listed name part the traveller did not give
    phonetic_similarity: float = 0.88  # similarity given to parts that sound alike (same metaphone)
    initial_similarity: float = 0.7  # an initial (M) against a part starting with that letter
    joined_min: float = 0.9  # joined strings count only this close: a moved letter, not a different part


@dataclass
class NameScore:
    score: float
    pairs: list[tuple[str, str, float]]  # (traveller part, listed part, similarity)
    unmatched_traveller: list[str]
    unmatched_listed: list[str]
    joined: float  # similarity of the joined strings, aligned order

    def detail(self) -> str:
        agreed = ", ".join(f"{a}~{b} {s:.2f}" if a != b else a for a, b, s in self.pairs)
        text = f"name {self.score:.2f}: parts {agreed or 'none'}"
        if self.unmatched_listed:
            text += f"; listed parts not given: {' '.join(self.unmatched_listed)}"
        if self.unmatched_traveller:
            text += f"; traveller parts not listed: {' '.join(self.unmatched_traveller)}"
        if self.joined > 0:
            text += f"; joined strings agree {self.joined:.2f}"
        return text


@lru_cache(maxsize=1_000_000)
def sound_code(token: str) -> str:
    return jellyfish.metaphone(token) if token.isalpha() else token


@lru_cache(maxsize=2_000_000)
def token_similarity(a: str, b: str, phonetic: float = 0.88, initial: float = 0.7) -> float:
    """Similarity of two name parts in [0, 1]: edit-based, with phonetic and initial-letter credit."""
    if a == b:
        return 1.0
    if not a or not b:
        return 0.0
    if len(a) == 1 or len(b) == 1:
        return initial if a[0] == b[0] else 0.0
    score = OSA.normalized_similarity(a, b)
    if 4 * min(len(a), len(b)) >= 3 * max(len(a), len(b)):
        # Indel (insertions/deletions only) is kinder to transliteration variants (YUSUF/YOUSEF), but
        # not between parts of very different length (BAIL is not BAINOUL).
        score = max(score, Indel.normalized_similarity(a, b))
    if score < 0.9 and OSA.distance(a, b, score_cutoff=1) <= 1:
        if len(a) == len(b) and Levenshtein.distance(a, b, score_cutoff=2) == 2:
            score = 0.9  # two neighbouring letters swapped (AFIZ/FAIZ, EL/LE): the commonest typo
        elif min(len(a), len(b)) >= 3 or len(a) != len(b):
            # one typo, even in a short part (ALI/AI, OK/OLK); a two-letter part with one letter
            # replaced (RI/JI, LI/LU) is another name
            score = max(score, 0.85 if min(len(a), len(b)) >= 4 else 0.8)
    if score < phonetic and a[0] == b[0] and sound_code(a) == sound_code(b):
        score = phonetic
    return score


def slot_similarity(a: Sequence[str], b: Sequence[str], weights: NameWeights) -> float:
    best = 0.0
    for x in a:
        for y in b:
            s = token_similarity(x, y, weights.phonetic_similarity, weights.initial_similarity)
            if s > best:
                best = s
                if best == 1.0:
                    return best
    return best


def score_names(query: Sequence[WeightedSlot], listed: Sequence[WeightedSlot],
                weights: NameWeights = NameWeights(),
                pair_similarity: Callable[[int, int], float] | None = None) -> NameScore:
    """Weighted, order-free alignment of two names' parts, or their joined strings if that agrees more.
    `pair_similarity(i, j)` may supply part similarities already known (screening reuses those found
    during candidate generation; a pair it does not know counts as not agreeing)."""
    if not query or not listed:
        return NameScore(0.0, [], [q[0][0] for q in query], [c[0][0] for c in listed], 0.0)
    # Best pairs first; equal pairs in name order (the first AL with the first AL).
    if pair_similarity is None:
        sims = sorted((-slot_similarity(q[0], c[0], weights), i, j)
                      for i, q in enumerate(query) for j, c in enumerate(listed))
    else:
        sims = sorted((-pair_similarity(i, j), i, j) for i in range(len(query)) for j in range(len(listed)))
    used_q: set[int] = set()
    used_c: set[int] = set()
    numerator = denominator = 0.0
    pairs: list[tuple[str, str, float]] = []
    order: list[tuple[int, int]] = []
    imperfect = 0  # aligned pairs that are not identical
    for negative, i, j in sims:
        s = -negative
        if i in used_q or j in used_c:
            continue
        used_q.add(i)
        used_c.add(j)
        wq, wc = query[i][1], listed[j][1]
        imperfect += s < 1.0
        if s >= weights.agree_min:
            numerator += wc * s
            denominator += wc
            pairs.append((query[i][0][0], listed[j][0][0], s))
            order.append((j, i))
        else:  # a contradiction costs the weight of the heavier part, with no credit
            denominator += max(wq, wc)
            order.append((j, i))
        if len(used_q) == len(query) or len(used_c) == len(listed):
            break
    left_q = [i for i in range(len(query)) if i not in used_q]
    left_c = [j for j in range(len(listed)) if j not in used_c]
    denominator += weights.unmatched_traveller * sum(query[i][1] for i in left_q)
    denominator += weights.unmatched_listed * sum(listed[j][1] for j in left_c)
    aligned = numerator / denominator if denominator else 0.0
    # Joined strings in the listed order: catches letters moved across part boundaries. A traveller
    # part with no counterpart stays just before the next part it preceded (ABDUL + RAHMAN).
    joined = 0.0
    shorter, longer = sorted((sum(len(q[0][0]) for q in query), sum(len(c[0][0]) for c in listed)))
    # Only where a boundary can have moved: parts split or joined (counts differ), or two parts differ
    # (LAUREN TNKUNDA); one differing part is judged on its own (KHI TAILGOR is not HIK TAILGOR).
    boundary = len(query) != len(listed) or imperfect >= 2
    if aligned < 1.0 and boundary and shorter >= weights.joined_min * longer:
        keys = {i: float(j) for j, i in order}
        following = float(len(listed) + len(query))
        for i in range(len(query) - 1, -1, -1):
            if i in keys:
                following = keys[i]
            else:
                keys[i] = following - 0.5 + i / 1000.0
        joined_q = "".join(query[i][0][0] for i in sorted(keys, key=keys.__getitem__))
        joined_c = "".join(c[0][0] for c in listed)
        # At most two insertions/deletions (one letter moved, one typo): a contradicting part beside a
        # long one is not washed out (SHOUR VELFIRVAILSHIAR is not SHUN VELFIRVAILSHIAR).
        if Indel.distance(joined_q, joined_c, score_cutoff=2) <= 2:
            joined = Indel.normalized_similarity(joined_q, joined_c, score_cutoff=weights.joined_min)
    score = max(aligned, joined)
    return NameScore(score, pairs, [query[i][0][0] for i in left_q], [listed[j][0][0] for j in left_c],
                     joined if joined > aligned else 0.0)
