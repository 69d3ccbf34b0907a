"""Name score: align the name parts of two names (order-free) and weigh each part by its rarity, then
turn the alignment into log-likelihood-ratio evidence (Fellegi-Sunter) and calibrate the sum.

Two numbers come out of score_names(): `score`, a similarity in [0, 1] used only to prune candidates
cheaply, and `log_odds`, the name's evidence: each agreeing part adds log-odds growing with its rarity in
the lists (MOHAMMED or KHAN little, a rare family name a lot) and its similarity, a missing part costs a
little, a contradicting part a lot. Date of birth, nationality, sex and document add their own log-odds
(evidence.py). The sum goes through one logistic calibration, fitted on measured data, to a probability.

Batch entry point (vectorisable): the per-part contributions are plain sums, so a batch scorer can hold
them as arrays and call `calibrate(log_odds_array, config)` (numpy in, numpy out) once:

    total = name_log_odds + dob_log_odds + nationality_log_odds + sex_log_odds + document_log_odds
    probability = calibrate(total, config)        # 1 / (1 + exp(-(slope * total + intercept)))

`combine(name_part, evidence_parts, config)` does the same for one pair and keeps every part.

Each part pair gets a similarity from rapidfuzz (Indel and OSA distances, so transpositions such as
AFIZ/FAIZ cost one edit) and a phonetic check (metaphone) for short transliteration variants (ALI/ALY).
A part with no counterpart (a dropped middle name) costs less than a part that contradicts its
counterpart (JOHN vs PETER); a particle or title never contradicts (both count as missing), and a part
that begins or ends the other (KAMCHY / KAMCHYBEK, MALIK / ABDULMALIK) is a weak agreement. The joined
strings are compared too, which catches a letter moved across a part boundary (LAUREN TNKUNDA / LAURENT
NKUNDA) and parts split or joined (ABDUL RAHMAN / ABDULRAHMAN).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, fields
from functools import lru_cache

import jellyfish
import numpy as np
from rapidfuzz.distance import OSA, Indel, Levenshtein

from screening.matching.translit import joined_keys

# Slots lighter than this are particles or titles (ordinary parts weigh 1..3 by rarity).
LIGHT_WEIGHT = 0.9
# A part contained at the start or end of the other counts as a weak agreement from this length on.
CONTAINED_MIN = 4
# The similarity the alignment gives a pair that begins or ends the other (below agree_min: not agreeing).
CONTAINED_SIMILARITY = 0.5
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
    # Log-odds (natural log) of the name evidence; see rules/screening.yaml for what each means.
    agree_log_odds: float = 1.6  # times the part's rarity weight (1..3) for an exact agreement
    near_agree_share: float = 0.45  # share of that kept by a part just at agree_min (linear up to 1.0)
    initial_log_odds: float = 0.4  # an initial agreeing with a part's first letter
    contradiction_log_odds: float = -1.2  # plus contradiction_weight_log_odds times the heavier weight
    contradiction_weight_log_odds: float = -0.6
    missing_listed_log_odds: float = -0.25  # times the weight of a listed part the traveller did not give
    missing_traveller_log_odds: float = -0.5  # times the weight of a traveller part the list lacks
    # Short parts (Chinese and Korean syllables, ALI, LI) agree by chance far more often than their rarity
    # on a list says: their weight is capped, and an inexact agreement between them counts for less.
    short_part_length: int = 4
    short_part_max_weight: float = 1.5
    short_inexact_factor: float = 0.5
    # The most a name alone can say, however many rare parts agree: parts are not independent (MIGUEL
    # ANGEL, MUHAMMAD HISHAM travel together) and a list's rarity is not the travelling population's, so
    # namesakes share whole names far more often than the product of their parts' rarities says.
    max_log_odds: float = 10.0

    def __hash__(self) -> int:
        """The fields' hash, worked out once: weights key every part-table and expansion lookup, tens of
        thousands a batch, and a dataclass hashes all its fields each time."""
        found = self.__dict__.get("_hash")
        if found is None:
            found = hash(tuple(getattr(self, f.name) for f in fields(self)))
            object.__setattr__(self, "_hash", found)
        return int(found)


@dataclass
class NameScore:
    score: float
    pairs: list[tuple[str, str, float]]  # (traveller part, listed part, similarity)
    unmatched_traveller: list[str]
    unmatched_listed: list[str]
    joined: float  # similarity of the joined strings, aligned order
    log_odds: float = 0.0  # the name's evidence (sum of `contributions`)
    # Every part's contribution: (what, log-odds), agreeing, contradicting and missing parts alike.
    contributions: list[tuple[str, float]] = field(default_factory=list)

    def detail(self) -> str:
        parts = ", ".join(f"{what} {value:+.2f}" for what, value in self.contributions)
        return f"name {self.log_odds:+.2f} (similarity {self.score:.2f}): {parts or 'no parts'}"


def part_agreement(
    similarity: float, weight: float, weights: NameWeights, initial: bool = False, length: int = 10
) -> float:
    """Log-odds of one agreeing part pair: its rarity weight times a share growing with its similarity;
    `length` is the shorter part's length (short parts are capped, see NameWeights)."""
    if initial:
        return weights.initial_log_odds
    span = max(1e-9, 1.0 - weights.agree_min)
    share = weights.near_agree_share + (1.0 - weights.near_agree_share) * min(
        1.0, max(0.0, (similarity - weights.agree_min) / span)
    )
    if length <= weights.short_part_length:
        weight = min(weight, weights.short_part_max_weight)
        if similarity < 1.0:
            share *= weights.short_inexact_factor
    return weights.agree_log_odds * weight * share


def _name_log_odds(
    query: Sequence[WeightedSlot],
    listed: Sequence[WeightedSlot],
    aligned: list[tuple[int, int, float]],
    joined: float,
    weights: NameWeights,
) -> list[tuple[str, float]]:
    """Per-part log-odds of an alignment; parts rescued by the joined strings agree at that similarity."""
    out: list[tuple[str, float]] = []
    used_q = {i for i, _, _ in aligned}
    used_c = {j for _, j, _ in aligned}
    partner = {i: j for i, j, s in aligned if s >= weights.agree_min}
    if joined > 0:
        for slot in listed:
            out.append(
                (
                    f"{slot[0][0]} (joined strings {joined:.2f})",
                    part_agreement(joined, slot[1], weights, length=len(slot[0][0])),
                )
            )
        return out
    for i, j, s in aligned:
        a, b = query[i][0][0], listed[j][0][0]
        wq, wc = query[i][1], listed[j][1]
        is_initial = (len(a) == 1) != (len(b) == 1) and a[0] == b[0]
        if s >= weights.agree_min or is_initial:
            label = a if a == b else f"{a}~{b} {s:.2f}"
            out.append((label, part_agreement(s, wc, weights, is_initial, min(len(a), len(b)))))
        elif (
            (wq < LIGHT_WEIGHT and len(a) > 1)
            or (wc < LIGHT_WEIGHT and len(b) > 1)
            or _joined_with_neighbour(query, listed, partner, i)
        ):
            # a particle or title says nothing against a part, nor a part that is one with its agreeing
            # neighbour (ALI KHAN against ALIKHAN AHMED): both count as missing
            used_q.discard(i)
            used_c.discard(j)
        elif _contained(query[i][0], listed[j][0]):
            out.append(
                (
                    f"{a}~{b} (one part of the other)",
                    part_agreement(weights.agree_min, min(wq, wc), weights, length=min(len(a), len(b))),
                )
            )
        else:
            out.append(
                (
                    f"{a} contradicts {b}",
                    weights.contradiction_log_odds + weights.contradiction_weight_log_odds * max(wq, wc),
                )
            )
    for j, slot in enumerate(listed):
        if j not in used_c:
            out.append((f"listed {slot[0][0]} not given", weights.missing_listed_log_odds * slot[1]))
    for i, slot in enumerate(query):
        if i in used_q:
            continue
        whole = _joined_with_neighbour(query, listed, partner, i)
        if whole:  # GHOLAM REZA against GHOLAMREZA: REZA is part of the agreeing compound
            out.append((f"{slot[0][0]} (one part with {whole})", 0.0))
        else:
            out.append((f"{slot[0][0]} not listed", weights.missing_traveller_log_odds * slot[1]))
    return out


def _joined_with_neighbour(
    query: Sequence[WeightedSlot], listed: Sequence[WeightedSlot], partner: dict[int, int], i: int
) -> str:
    """The listed part that a traveller part's neighbour agreed with, when the two traveller parts written
    together are that listed part ('' otherwise)."""
    for k, pair in ((i - 1, (i - 1, i)), (i + 1, (i, i + 1))):
        if k in partner:
            forms = set(listed[partner[k]][0])
            if not forms.isdisjoint(joined_keys(query[pair[0]][0][0], query[pair[1]][0][0])):
                return listed[partner[k]][0][0]
    return ""


def _contained(a: Sequence[str], b: Sequence[str]) -> bool:
    """One part begins or ends the other (ABDULMALIK / MALIK, KAMCHYBEK / KAMCHY): a compound written
    whole on one side, not a contradiction; the shorter must have CONTAINED_MIN letters."""
    for x in a:
        for y in b:
            short, long_ = (x, y) if len(x) <= len(y) else (y, x)
            if len(short) < CONTAINED_MIN or len(long_) == len(short):
                continue
            if (long_.startswith(short) or long_.endswith(short)) and not other_syllables(x, y):
                return True  # (LIANG does not end with JIANG's key IANG: two syllables)
    return False


@lru_cache(maxsize=1_000_000)
def sound_code(token: str) -> str:
    return jellyfish.metaphone(token) if token.isalpha() else token


# Heads Arabic names write joined to the next part (AL-SHAMI, ABU WALID, ABD AL-GHAFUR), longest first. Two
# parts that begin with the same head agree only as well as what follows it: the shared head alone lifts
# ALSAHRAUI/ALSHAMI or ABUUBAYDAH/ABUHURAYRAH, different names, to a near agreement by edit distance.
JOINED_HEADS = ("ABDUL", "ABDEL", "ABDAL", "ABOU", "ABDL", "ABU", "ABD", "BIN", "BEN", "AL", "EL", "UL")
_HEAD_STARTS = frozenset(h[:2] for h in JOINED_HEADS)
HEAD_REST_MIN = 3  # a head is taken off only when both parts keep this many letters after it


def joined_head_rests(a: str, b: str) -> tuple[str, str] | None:
    """What follows the longest joining head both parts begin with, or None (no shared head, or a rest
    shorter than HEAD_REST_MIN: ALI/ALY are not AL + I)."""
    if a[:2] != b[:2] or a[:2] not in _HEAD_STARTS:
        return None
    for head in JOINED_HEADS:
        if a.startswith(head) and b.startswith(head):
            n = len(head)
            if min(len(a), len(b)) - n >= HEAD_REST_MIN:
                return a[n:], b[n:]
            return None
    return None


# One Chinese syllable as pinyin writes it (anyascii writes a Han character so): initial, then final.
_PINYIN_SYLLABLE = re.compile(
    r"(?:ZH|CH|SH|[BPMFDTNLGKHJQXRZCSYW])?"
    r"(?:IANG|IONG|UANG|ANG|ENG|ING|ONG|IAN|IAO|UAN|UAI|UE|UN|IA|IE|IU|IN|UA|UO|UI|AI|EI|AO|OU|AN|EN|ER|A|O|E|I|U)"
)

SYLLABLE_MAX = 6  # letters in the longest syllable (ZHUANG, CHUANG, SHUANG)


def is_pinyin_syllable(token: str) -> bool:
    """Whether a part is one Chinese syllable as pinyin spells it (JIANG; not HSIEN, written Wade-Giles)."""
    return _PINYIN_SYLLABLE.fullmatch(token) is not None


def other_syllables(a: str, b: str) -> bool:
    """Two different Chinese syllables (JIANG/LIANG, ZHONG/CHENG, CHIN/BIN, JIN/BIN): two names, however
    close their letters, as a two-letter part with one letter replaced is (RI/JI). Romanisation systems'
    spellings of one syllable meet by their keys (CHANG/ZHANG/JANG), not by letters."""
    return (
        a != b
        and min(len(a), len(b)) >= 3
        and max(len(a), len(b)) <= SYLLABLE_MAX
        and is_pinyin_syllable(a)
        and is_pinyin_syllable(b)
    )


@lru_cache(maxsize=2_000_000)
def token_similarity(a: str, b: str, phonetic: float = 0.88, initial: float = 0.7) -> float:
    """Similarity of two name parts in [0, 1]: edit-based, with phonetic and initial-letter credit; for
    two parts with the same joining head (joined_head_rests), at most the similarity of what follows it."""
    score = _edit_similarity(a, b, phonetic, initial)
    if 0.0 < score < 1.0 and other_syllables(a, b):
        return 0.0
    rests = joined_head_rests(a, b) if 0.0 < score < 1.0 else None
    if rests is not None:
        score = min(score, _edit_similarity(rests[0], rests[1], phonetic, initial))
    return score


def head_cap(forms: Sequence[str], word: str, phonetic: float = 0.88, initial: float = 0.7) -> float:
    """The most the joining-head rule lets any of a part's forms agree with `word` (1.0: no shared head
    for some form), for similarities decided without token_similarity (sounding alike, candidates.py)."""
    cap = 0.0
    for form in forms:
        if other_syllables(form, word):
            continue
        rests = joined_head_rests(form, word)
        if rests is None:
            return 1.0
        cap = max(cap, _edit_similarity(rests[0], rests[1], phonetic, initial))
    return cap


def _edit_similarity(a: str, b: str, phonetic: float, initial: float) -> float:
    """token_similarity without the joining-head rule."""
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


def below_agreement(a: Sequence[str], b: Sequence[str], weights: NameWeights) -> float:
    """What the alignment orders a pair of slots that does not agree by: the initial credit for an
    initial against a part it begins, CONTAINED_SIMILARITY for a part that begins or ends the other,
    else 0. Only these two outcomes of a pair that does not agree give evidence (_name_log_odds), and
    they need no edit similarity, so a scorer given only the agreeing pairs (screening's tables of
    agreeing parts, candidates.py) aligns exactly as one computing every similarity."""
    x, y = a[0], b[0]
    if (len(x) == 1) != (len(y) == 1) and x[0] == y[0]:
        return weights.initial_similarity
    if _contained(a, b):
        return CONTAINED_SIMILARITY
    return 0.0


def pair_similarity_of(a: Sequence[str], b: Sequence[str], weights: NameWeights) -> float:
    """The similarity align_parts pairs two slots by: slot_similarity where they agree, else
    below_agreement."""
    s = slot_similarity(a, b, weights)
    return s if s >= weights.agree_min else below_agreement(a, b, weights)


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


@dataclass
class Alignment:
    """The order-free greedy pairing of two names' parts and its weighted similarity."""

    aligned: list[tuple[int, int, float]]  # (traveller slot, listed slot, similarity), best pairs first
    pairs: list[tuple[str, str, float]]  # the agreeing pairs' primary forms
    order: list[tuple[int, int]]  # (listed slot, traveller slot) of every aligned pair
    left_q: list[int]  # traveller slots with no counterpart
    left_c: list[int]  # listed slots with no counterpart
    similarity: float
    imperfect: int  # aligned pairs that are not identical


def align_parts(
    query: Sequence[WeightedSlot],
    listed: Sequence[WeightedSlot],
    weights: NameWeights,
    pair_similarity: Callable[[int, int], float] | None = None,
) -> Alignment:
    """Best pairs first (equal pairs in name order: the first AL with the first AL); a contradiction
    costs the weight of the heavier part with no credit, a part left over its cost factor. Pairs that do
    not agree are ordered by below_agreement (pair_similarity gives the agreeing similarities or that)."""
    if pair_similarity is None:
        sims = sorted(
            (-pair_similarity_of(q[0], c[0], weights), i, j) for i, q in enumerate(query) for j, c in enumerate(listed)
        )
    else:
        sims = sorted((-pair_similarity(i, j), i, j) for i in range(len(query)) for j in range(len(listed)))
    used_q: set[int] = set()
    used_c: set[int] = set()
    numerator = denominator = 0.0
    out = Alignment([], [], [], [], [], 0.0, 0)
    for negative, i, j in sims:
        s = -negative
        if i in used_q or j in used_c:
            continue
        used_q.add(i)
        used_c.add(j)
        out.imperfect += s < 1.0
        out.aligned.append((i, j, s))
        out.order.append((j, i))
        if s >= weights.agree_min:
            numerator += listed[j][1] * s
            denominator += listed[j][1]
            out.pairs.append((query[i][0][0], listed[j][0][0], s))
        else:
            denominator += max(query[i][1], listed[j][1])
        if len(used_q) == len(query) or len(used_c) == len(listed):
            break
    out.left_q = [i for i in range(len(query)) if i not in used_q]
    out.left_c = [j for j in range(len(listed)) if j not in used_c]
    denominator += weights.unmatched_traveller * sum(query[i][1] for i in out.left_q)
    denominator += weights.unmatched_listed * sum(listed[j][1] for j in out.left_c)
    out.similarity = numerator / denominator if denominator else 0.0
    return out


def joined_strings(
    query: Sequence[WeightedSlot], listed: Sequence[WeightedSlot], alignment: Alignment, weights: NameWeights
) -> float:
    """Similarity of the joined strings in the listed order (0 when not worth comparing): catches letters
    moved across part boundaries. A traveller part with no counterpart stays just before the next part
    it preceded (ABDUL + RAHMAN). Only where a boundary can have moved: parts split or joined (counts
    differ), or two parts differ (LAUREN TNKUNDA); one differing part is judged on its own (KHI TAILGOR
    is not HIK TAILGOR)."""
    shorter, longer = sorted((sum(len(q[0][0]) for q in query), sum(len(c[0][0]) for c in listed)))
    boundary = len(query) != len(listed) or alignment.imperfect >= 2
    if alignment.similarity >= 1.0 or not boundary or shorter < weights.joined_min * longer:
        return 0.0
    partner = [-1] * len(query)
    for j, i in alignment.order:
        partner[i] = j
    return joined_similarity([q[0][0] for q in query], [c[0][0] for c in listed], partner, weights)


def joined_similarity(
    query: Sequence[str], listed: Sequence[str], partner: Sequence[int], weights: NameWeights
) -> float:
    """The joined-strings similarity of two names' parts, given each query part's aligned listed
    position (-1 when it had no counterpart); shared with the batch scorer (vectorised.py)."""
    keys = {i: float(j) for i, j in enumerate(partner) if j >= 0}
    following = float(len(listed) + len(query))
    for i in range(len(query) - 1, -1, -1):
        if i in keys:
            following = keys[i]
        else:
            keys[i] = following - 0.5 + i / 1000.0
    joined_q = "".join(query[i] for i in sorted(keys, key=keys.__getitem__))
    joined_c = "".join(listed)
    # At most two insertions/deletions (one letter moved, one typo): a contradicting part beside a long
    # one is not washed out (SHOUR VELFIRVAILSHIAR is not SHUN VELFIRVAILSHIAR).
    if Indel.distance(joined_q, joined_c, score_cutoff=2) <= 2:
        return float(Indel.normalized_similarity(joined_q, joined_c, score_cutoff=weights.joined_min))
    return 0.0


def score_names(
    query: Sequence[WeightedSlot],
    listed: Sequence[WeightedSlot],
    weights: NameWeights = NameWeights(),
    pair_similarity: Callable[[int, int], float] | None = None,
) -> NameScore:
    """Weighted, order-free alignment of two names' parts, or their joined strings if that agrees more.
    `pair_similarity(i, j)` may supply part similarities already known (screening reuses those found
    during candidate generation): the agreeing similarity of a pair, or below_agreement for a pair that
    does not agree, as pair_similarity_of gives them."""
    if not query or not listed:
        return NameScore(
            0.0, [], [q[0][0] for q in query], [c[0][0] for c in listed], 0.0, -10.0, [("no name to compare", -10.0)]
        )
    alignment = align_parts(query, listed, weights, pair_similarity)
    joined = joined_strings(query, listed, alignment, weights)
    joined_used = joined if joined > alignment.similarity else 0.0
    contributions = _name_log_odds(query, listed, alignment.aligned, joined_used, weights)
    if joined_used:  # the joined reading is taken only if it is the stronger evidence
        plain = _name_log_odds(query, listed, alignment.aligned, 0.0, weights)
        if sum(v for _, v in plain) >= sum(v for _, v in contributions):
            contributions, joined_used = plain, 0.0
    total = sum(v for _, v in contributions)
    if total > weights.max_log_odds:
        contributions.append((namesake_detail(weights.max_log_odds), weights.max_log_odds - total))
    return NameScore(
        max(alignment.similarity, joined),
        alignment.pairs,
        [query[i][0][0] for i in alignment.left_q],
        [listed[j][0][0] for j in alignment.left_c],
        joined_used,
        sum(v for _, v in contributions),
        contributions,
    )


def namesake_detail(most: float) -> str:
    """The contribution that holds a name's evidence at NameWeights.max_log_odds, in words."""
    return f"a name alone counts at most {most:+.2f} (namesakes share whole names)"


def calibrate(log_odds: float | np.ndarray, slope: float, intercept: float) -> float | np.ndarray:
    """Summed log-odds to a probability of a true hit: logistic, fitted on measured data (see
    rules/screening.yaml: calibration_slope, calibration_intercept). Works on numpy arrays as well."""
    z = np.clip(slope * np.asarray(log_odds, dtype=np.float64) + intercept, -50.0, 50.0)
    p = 1.0 / (1.0 + np.exp(-z))
    return float(p) if np.ndim(p) == 0 else p
