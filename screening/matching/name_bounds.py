"""A cheap upper bound of each candidate name's log-odds, before the exact array scoring (batch.py): most
candidates a big list's blocking brings in share one part with the traveller and cannot reach the
threshold whatever the alignment, and telling them apart needs only the agreeing-parts tables the
candidate search already holds, gathered once per listed part.

Why it is an upper bound of scoring._name_log_odds (then capped at max_log_odds, as score_names does):
every contribution belongs to one listed part or one traveller part. A traveller part's own
contribution (not listed, or one part with its neighbour) is never positive. A listed part's is, by what
it is aligned with: an agreeing pair (part_agreement, growing with the similarity, so at most that of its
best agreeing traveller part), an initial (initial_log_odds), a part one begins or ends
(part_agreement at agree_min with the lighter weight), a contradiction, or missing (its weight times
missing_listed_log_odds, also when a particle or a part one with its neighbour sends both to missing).
A contradiction costs more than missing, so each listed part's contribution is at most the largest of
the outcomes its traveller's parts allow, and the name's at most their sum. The joined reading gives
every listed part part_agreement at the joined similarity (at most 1), and is possible only where the
joined strings' lengths are close (scoring.joined_strings, joined_similarity: at most two Indel edits).
Short parts: part_agreement takes the shorter part's length, so a listed part of short_part_length or
fewer letters is capped whatever its partner, and a longer one is bounded by the uncapped value."""

from __future__ import annotations

import numpy as np

from screening.matching.candidates import INITIAL_WEIGHT, CandidateFinder, _in_sorted
from screening.matching.index_data import IndexData, _pointer, _ranges, unique_values
from screening.matching.part_features import end_hashes, letter_counts, letter_sets
from screening.matching.scoring import CONTAINED_MIN, NameWeights, WeightedSlot
from screening.matching.vectorised import part_agreements

# Low bits of a keyed end hash marked in _contained_possible's bitmap (a megabyte).
_MARK_BITS = 20
_MARK_MASK = np.int64((1 << _MARK_BITS) - 1)
# Multiplier keying an end hash by its traveller (wrapping int64): a collision only loosens the bound.
_END_KEY_MIX = np.int64(0x5BD1E995)


class NameBounds:
    """Upper bounds of name log-odds for many travellers' candidates at once (see the module's note)."""

    def __init__(self, data: IndexData, finder: CandidateFinder):
        self.data = data
        self.finder = finder

    def many_bounds(
        self, asked: list[tuple[np.ndarray, list[WeightedSlot]]], weights: NameWeights, particle_weight: float
    ) -> np.ndarray:
        """For every traveller's (candidate names, slots), concatenated in order: an upper bound of each
        name's score_names log-odds against the traveller's slots, with the known part similarities."""
        d = self.data
        names = np.concatenate([np.zeros(0, dtype=np.int64), *[np.asarray(n, dtype=np.int64) for n, _ in asked]])
        if not len(names):
            return np.zeros(0)
        per_traveller = [len(n) for n, _ in asked]
        owner = np.repeat(np.arange(len(asked), dtype=np.int64), per_traveller)
        slot_lo, slot_hi = d.slot_ptr[names], d.slot_ptr[names + 1]
        slot_count = slot_hi - slot_lo
        slot_index = _ranges(slot_lo, slot_hi)
        slot_owner = np.repeat(owner, slot_count)
        form_lo, form_hi = d.form_ptr[slot_index], d.form_ptr[slot_index + 1]
        form_count = form_hi - form_lo
        forms = d.slot_forms[_ranges(form_lo, form_hi)]
        form_starts = _pointer(form_count)[:-1]
        tables = [[self.finder.agreeing_parts(f, weights)[:2] for f, _ in slots] for _n, slots in asked]
        form_bounds = _pointer(form_count)[_pointer(slot_count)[_pointer(per_traveller)]]
        slot_sim = np.maximum.reduceat(self.finder.lookup_tables(tables, form_bounds, forms), form_starts)
        first = d.slot_forms[form_lo]
        length = d.part_lengths[first]
        weight = np.where(d.slot_particle[slot_index], particle_weight, d.token_weight[first].astype(np.float64))
        weight = np.where(length == 1, np.minimum(weight, INITIAL_WEIGHT), weight)
        if not _monotone(weights):
            return np.full(len(names), np.inf)
        # missing, or contradicting one of the traveller's parts: what any listed part can come to
        heaviest = np.array([max((w for _, w in slots), default=0.0) for _n, slots in asked])[slot_owner]
        contradiction = weights.contradiction_log_odds + np.maximum(
            weights.contradiction_weight_log_odds * weight, weights.contradiction_weight_log_odds * heaviest
        )
        best = np.maximum(weights.missing_listed_log_odds * weight, contradiction)
        initial = self._initial_possible(asked, slot_owner, length, d.first_letters[first])
        best = np.where(initial, np.maximum(best, weights.initial_log_odds), best)
        contained = self._contained_possible(asked, np.repeat(slot_owner, form_count), forms, form_starts)
        within = part_agreements(np.full(len(weight), weights.agree_min), weight, length, weights)
        best = np.where(contained, np.maximum(best, within), best)
        agrees = slot_sim >= weights.agree_min
        best = np.where(agrees, np.maximum(best, part_agreements(slot_sim, weight, length, weights)), best)
        slot_starts = _pointer(slot_count)[:-1]
        bound = np.add.reduceat(best, slot_starts) + self._traveller_side(asked, weights)[owner]
        query_total = np.array([sum(len(f[0]) for f, _ in slots) for _n, slots in asked], dtype=np.int64)[owner]
        listed_total = np.add.reduceat(length, slot_starts)
        shorter, longer = np.minimum(query_total, listed_total), np.maximum(query_total, listed_total)
        close = (shorter >= weights.joined_min * longer) & (longer - shorter <= 2)
        if close.any():
            close &= self._letters_close(asked, owner, first, slot_starts)
        if close.any():
            joined = np.add.reduceat(part_agreements(np.ones(len(weight)), weight, length, weights), slot_starts)
            bound = np.where(close, np.maximum(bound, joined), bound)
        return np.minimum(bound, weights.max_log_odds)

    @staticmethod
    def _traveller_side(asked: list[tuple[np.ndarray, list[WeightedSlot]]], weights: NameWeights) -> np.ndarray:
        """The most a traveller's parts can add on their own (missing, or one with a neighbour: 0), per
        traveller: nothing unless a configuration rewards a missing part."""
        most = max(weights.missing_traveller_log_odds, 0.0)
        return np.array([sum(most * w for _, w in slots) for _n, slots in asked])

    def _letters_close(
        self,
        asked: list[tuple[np.ndarray, list[WeightedSlot]]],
        owner: np.ndarray,
        first: np.ndarray,
        slot_starts: np.ndarray,
    ) -> np.ndarray:
        """Whether a name's joined primary forms could be within two Indel edits of its traveller's
        (scoring.joined_similarity), by letter sets: a letter one side has and the other lacks is an edit."""
        primaries = ["".join(forms[0] for forms, _ in slots) for _n, slots in asked]
        query_sets = letter_sets(letter_counts(primaries))[owner]
        listed_sets = np.bitwise_or.reduceat(self.data.letter_sets[first].astype(np.int64), slot_starts)
        return np.bitwise_count(query_sets ^ listed_sets) <= 2

    @staticmethod
    def _initial_possible(
        asked: list[tuple[np.ndarray, list[WeightedSlot]]],
        slot_owner: np.ndarray,
        length: np.ndarray,
        first_letter: np.ndarray,
    ) -> np.ndarray:
        """Whether a listed part could pair with one of its traveller's parts as an initial: one of the
        two is a single letter, the other longer and beginning with it (primary forms). Letters as bits
        A-Z, any other in one shared bit (a shared bit only loosens the bound)."""
        singles = np.zeros(len(asked), dtype=np.int64)
        longs = np.zeros(len(asked), dtype=np.int64)
        for t, (_names, slots) in enumerate(asked):
            for forms, _weight in slots:
                if forms[0]:
                    bit = 1 << _letter_bit(ord(forms[0][0]))
                    if len(forms[0]) == 1:
                        singles[t] |= bit
                    else:
                        longs[t] |= bit
        column = first_letter - ord("A")
        column = np.where((column >= 0) & (column < 26), column, 26)
        table = np.where(length == 1, longs[slot_owner], singles[slot_owner])
        return ((table >> column) & 1).astype(np.bool_)

    def _contained_possible(
        self,
        asked: list[tuple[np.ndarray, list[WeightedSlot]]],
        form_owner: np.ndarray,
        forms: np.ndarray,
        form_starts: np.ndarray,
    ) -> np.ndarray:
        """Per listed part, whether one of its forms could begin or end one of its traveller's forms or
        the other way round (scoring._contained): their first or last CONTAINED_MIN letters agree (end
        hashes keyed by the traveller, looked up in a bitmap of their low bits: a collision only loosens
        the bound)."""
        owners: list[int] = []
        words: list[str] = []
        for t, (_names, slots) in enumerate(asked):
            for query_forms, _weight in slots:
                for form in query_forms:
                    if len(form) >= CONTAINED_MIN:
                        owners.append(t)
                        words.append(form)
        if not words:
            return np.zeros(len(form_starts), dtype=np.bool_)
        heads, tails = end_hashes(words)
        mix = np.array(owners, dtype=np.int64) * _END_KEY_MIX
        marks = np.zeros(1 << _MARK_BITS, dtype=np.bool_)
        marks[(heads + mix) & _MARK_MASK] = True
        marks[(tails + mix) & _MARK_MASK] = True
        listed_mix = form_owner * _END_KEY_MIX
        listed_heads = self.data.head_hashes[forms] + listed_mix
        listed_tails = self.data.tail_hashes[forms] + listed_mix
        hit = marks[listed_heads & _MARK_MASK] | marks[listed_tails & _MARK_MASK]
        maybe = np.flatnonzero(hit & (self.data.part_lengths[forms] >= CONTAINED_MIN))
        keys = unique_values(np.concatenate([heads + mix, tails + mix]))
        hit[:] = False
        hit[maybe] = _in_sorted(keys, listed_heads[maybe]) | _in_sorted(keys, listed_tails[maybe])
        return np.logical_or.reduceat(hit, form_starts)


def _letter_bit(code: int) -> int:
    """The bit of a first letter in _initial_possible's masks: A-Z, then one for any other character."""
    column = code - ord("A")
    return column if 0 <= column < 26 else 26


def _monotone(weights: NameWeights) -> bool:
    """Whether part_agreement grows with the similarity (the bound takes each listed part's best
    agreeing similarity): true of any sensible configuration; the bound prunes nothing otherwise."""
    return (
        0.0 <= weights.near_agree_share <= 1.0
        and 0.0 <= weights.short_inexact_factor <= 1.0
        and (weights.agree_log_odds >= 0.0)
    )
