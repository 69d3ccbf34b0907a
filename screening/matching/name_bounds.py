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

from dataclasses import dataclass, field

import numpy as np

from screening.matching.candidates import INITIAL_WEIGHT, CandidateFinder
from screening.matching.index_data import IndexData, _pointer, _ranges, unique_values
from screening.matching.part_features import end_hashes, letter_counts, letter_sets
from screening.matching.scoring import CONTAINED_MIN, NameWeights, WeightedSlot
from screening.matching.sorted_keys import in_sorted
from screening.matching.vectorised import part_agreements

# Multiplier keying an end hash by its traveller (wrapping int64): a collision only loosens the bound.
_END_KEY_MIX = np.int64(0x5BD1E995)


class NameBounds:
    """Upper bounds of name log-odds for many travellers' candidates at once (see the module's note)."""

    def __init__(self, data: IndexData, finder: CandidateFinder):
        self.data = data
        self.finder = finder

    def many_bounds(
        self,
        asked: list[tuple[np.ndarray, list[WeightedSlot]]],
        weights: NameWeights,
        particle_weight: float,
        needed: np.ndarray | None = None,
    ) -> np.ndarray:
        """For every traveller's (candidate names, slots), concatenated in order: an upper bound of each
        name's score_names log-odds against the traveller's slots, with the known part similarities.
        With `needed` (per traveller), a name whose bound is below it even with every part that does not
        agree read as one begins or ends the other is given that bound (looser, as true, and deciding as
        much): the begins-or-ends test then runs only for the others."""
        if not _monotone(weights):
            return np.full(sum(len(n) for n, _ in asked), np.inf)
        listed = self._listed_parts(asked, weights)
        if not len(listed.names):
            return np.zeros(0)
        best = self._best_without_contained(asked, listed, weights, particle_weight)
        within = part_agreements(np.full(len(best), weights.agree_min), listed.weight, listed.length, weights)
        loose = np.maximum(best, within)  # an agreeing part's best is already at least `within`
        starts = _pointer(listed.slot_count)[:-1]
        joined = self._joined_bound(asked, listed, starts, weights)
        side = self._traveller_side(asked, weights)[listed.owner]
        bound = np.maximum(np.add.reduceat(loose, starts) + side, joined)
        rows = np.arange(len(bound)) if needed is None else np.flatnonzero(bound >= needed[listed.owner])
        if len(rows):
            slots = _ranges(starts[rows], starts[rows] + listed.slot_count[rows])
            contained = self._contained_possible(asked, listed, slots)
            tight = np.where(contained, loose[slots], best[slots])
            plain = np.add.reduceat(tight, _pointer(listed.slot_count[rows])[:-1]) + side[rows]
            bound[rows] = np.maximum(plain, joined[rows])
        return np.minimum(bound, weights.max_log_odds)

    def _listed_parts(self, asked: list[tuple[np.ndarray, list[WeightedSlot]]], weights: NameWeights) -> _Listed:
        """The candidates' listed parts gathered once, with each one's best similarity to any of its
        traveller's parts (the agreeing-parts tables, through the finder's dense buffer)."""
        d = self.data
        names = np.concatenate([np.zeros(0, dtype=np.int64), *[np.asarray(n, dtype=np.int64) for n, _ in asked]])
        per_traveller = [len(n) for n, _ in asked]
        owner = np.repeat(np.arange(len(asked), dtype=np.int64), per_traveller)
        _slot_lo, slot_count, slot_index, form_lo, form_count, forms = d.gather_slots(names)
        form_starts = _pointer(form_count)[:-1]
        if len(names):
            tables = [[self.finder.agreeing_parts(f, weights)[:2] for f, _ in slots] for _n, slots in asked]
            form_bounds = _pointer(form_count)[_pointer(slot_count)[_pointer(per_traveller)]]
            slot_sim = np.maximum.reduceat(self.finder.lookup_tables(tables, form_bounds, forms), form_starts)
        else:
            slot_sim = np.zeros(0)
        first = d.slot_forms[form_lo]
        return _Listed(
            names,
            owner,
            slot_count,
            slot_index,
            np.repeat(owner, slot_count),
            forms,
            form_count,
            first,
            d.part_lengths[first],
            slot_sim,
        )

    def _best_without_contained(
        self,
        asked: list[tuple[np.ndarray, list[WeightedSlot]]],
        listed: _Listed,
        weights: NameWeights,
        particle_weight: float,
    ) -> np.ndarray:
        """Per listed part, the most it can contribute but for a part one begins or ends: missing or
        contradicting, an initial, its best agreeing traveller part. Sets its weight in `listed`."""
        d = self.data
        first, length = listed.first, listed.length
        weight = np.where(d.slot_particle[listed.slot_index], particle_weight, d.token_weight[first].astype(np.float64))
        weight = listed.weight = np.where(length == 1, np.minimum(weight, INITIAL_WEIGHT), weight)
        heaviest = np.array([max((w for _, w in slots), default=0.0) for _n, slots in asked])[listed.slot_owner]
        contradiction = weights.contradiction_log_odds + np.maximum(
            weights.contradiction_weight_log_odds * weight, weights.contradiction_weight_log_odds * heaviest
        )
        best = np.maximum(weights.missing_listed_log_odds * weight, contradiction)
        initial = self._initial_possible(asked, listed.slot_owner, length, d.first_letters[first])
        best = np.where(initial, np.maximum(best, weights.initial_log_odds), best)
        agrees = listed.slot_sim >= weights.agree_min
        agreement = part_agreements(listed.slot_sim, weight, length, weights)
        return np.where(agrees, np.maximum(best, agreement), best)

    def _joined_bound(
        self,
        asked: list[tuple[np.ndarray, list[WeightedSlot]]],
        listed: _Listed,
        starts: np.ndarray,
        weights: NameWeights,
    ) -> np.ndarray:
        """Per name, the most its joined reading can give (every listed part agreeing fully), where the
        joined strings could be within two Indel edits; -inf elsewhere."""
        query_total = np.array([sum(len(f[0]) for f, _ in slots) for _n, slots in asked], dtype=np.int64)
        query_total = query_total[listed.owner]
        listed_total = np.add.reduceat(listed.length, starts)
        shorter, longer = np.minimum(query_total, listed_total), np.maximum(query_total, listed_total)
        close = (shorter >= weights.joined_min * longer) & (longer - shorter <= 2)
        if close.any():
            close &= self._letters_close(asked, listed.owner, listed.first, starts)
        out = np.full(len(close), -np.inf)
        if close.any():
            full = part_agreements(np.ones(len(listed.weight)), listed.weight, listed.length, weights)
            out = np.where(close, np.add.reduceat(full, starts), out)
        return out

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
        self, asked: list[tuple[np.ndarray, list[WeightedSlot]]], listed: _Listed, slots: np.ndarray
    ) -> np.ndarray:
        """Per listed part of `slots` (positions in `listed`), whether one of its forms could begin or end
        one of its traveller's forms or the other way round (scoring._contained): their first or last
        CONTAINED_MIN letters agree (end hashes keyed by the traveller, looked up in a bitmap of their
        low bits, then among the keys)."""
        owners: list[int] = []
        words: list[str] = []
        for t, (_names, query) in enumerate(asked):
            for query_forms, _weight in query:
                for form in query_forms:
                    if len(form) >= CONTAINED_MIN:
                        owners.append(t)
                        words.append(form)
        if not words or not len(slots):
            return np.zeros(len(slots), dtype=np.bool_)
        form_starts = _pointer(listed.form_count)
        lo, count = form_starts[slots], listed.form_count[slots]
        forms = listed.forms[_ranges(lo, lo + count)]
        form_owner = np.repeat(listed.slot_owner[slots], count)
        form_starts = _pointer(count)[:-1]
        heads, tails = end_hashes(words)
        mix = np.array(owners, dtype=np.int64) * _END_KEY_MIX
        keys = unique_values(np.concatenate([heads + mix, tails + mix]))
        listed_mix = form_owner * _END_KEY_MIX
        listed_heads = self.data.head_hashes[forms] + listed_mix
        listed_tails = self.data.tail_hashes[forms] + listed_mix
        head_marked, tail_marked = self.finder.marks.marked(keys, [listed_heads, listed_tails])
        hit = head_marked | tail_marked
        maybe = np.flatnonzero(hit & (self.data.part_lengths[forms] >= CONTAINED_MIN))
        hit[:] = False
        hit[maybe] = in_sorted(keys, listed_heads[maybe]) | in_sorted(keys, listed_tails[maybe])
        return np.logical_or.reduceat(hit, form_starts)


@dataclass
class _Listed:
    """The listed parts of many travellers' candidate names (NameBounds._listed_parts): per name its
    traveller and part count; per part its slot in the index, traveller, forms, first form, that form's
    length, best similarity to a traveller part and (once set) weight."""

    names: np.ndarray
    owner: np.ndarray
    slot_count: np.ndarray
    slot_index: np.ndarray
    slot_owner: np.ndarray
    forms: np.ndarray
    form_count: np.ndarray
    first: np.ndarray
    length: np.ndarray
    slot_sim: np.ndarray
    weight: np.ndarray = field(default_factory=lambda: np.zeros(0))


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
