"""Name scores of all of one traveller's candidate names at once: the similarity of every (traveller part,
listed part) pair comes from the agreeing-parts tables the candidate search already holds (a join on
vocabulary ids, no string work), the listed parts' weights from the index arrays, and the alignment from
vectorised.align. Joined strings (letters moved across a part boundary) are compared only for the few pairs
where they can change the score. Gives score_names' scores bit for bit (tests check it)."""

from __future__ import annotations

import numpy as np

from screening.matching.candidates import INITIAL_WEIGHT, CandidateFinder
from screening.matching.index_data import IndexData, _ranges
from screening.matching.scoring import NameWeights, WeightedSlot
from screening.matching.vectorised import align, joined_similarity, plain_log_odds


class BatchScorer:
    """Array scoring of candidate names against one index."""

    def __init__(self, data: IndexData, finder: CandidateFinder):
        self.data = data
        self.finder = finder
        self._vocab_len: np.ndarray | None = None

    @property
    def vocab_len(self) -> np.ndarray:
        """Length of every vocabulary part (for initials and joined-string lengths), computed once."""
        if self._vocab_len is None or len(self._vocab_len) != len(self.data.vocabulary):
            self._vocab_len = np.fromiter(
                map(len, self.data.vocabulary), dtype=np.int64, count=len(self.data.vocabulary)
            )
        return self._vocab_len

    def name_scores(
        self, names: np.ndarray, slots: list[WeightedSlot], weights: NameWeights, particle_weight: float
    ) -> np.ndarray:
        """score_names(slots, listed slots of each name, weights, known similarities).score per name."""
        return self.name_scores_and_bounds(names, slots, weights, particle_weight)[0]

    def agreeing_bounds(
        self, names: np.ndarray, slots: list[WeightedSlot], weights: NameWeights, particle_weight: float
    ) -> np.ndarray:
        """An upper bound of score_names' log-odds with any similarities for the pairs that do not agree
        (the known tables must hold every agreeing pair): the agreeing parts' log-odds, every other part
        costing nothing, or the joined reading wherever the lengths allow it (the exhaustive benchmark)."""
        return self.name_scores_and_bounds(names, slots, weights, particle_weight, agreeing_only=True)[1]

    def name_scores_and_bounds(
        self,
        names: np.ndarray,
        slots: list[WeightedSlot],
        weights: NameWeights,
        particle_weight: float,
        agreeing_only: bool = False,
    ) -> tuple[np.ndarray, np.ndarray]:
        """(score_names(...).score exactly, an upper bound of score_names(...).log_odds) per name, with the
        part similarities the candidate search knows. The bound is the plain alignment's log-odds (the same
        contributions as scoring._name_log_odds, summed in another order) and, where the joined strings can
        be read instead, the best the joined reading could give (every listed part agreeing fully)."""
        d = self.data
        names = np.asarray(names, dtype=np.int64)
        n, q = len(names), len(slots)
        slot_lo, slot_hi = d.slot_ptr[names], d.slot_ptr[names + 1]
        slot_count = slot_hi - slot_lo
        slot_index = _ranges(slot_lo, slot_hi)
        row = np.repeat(np.arange(n), slot_count)
        column = slot_index - np.repeat(slot_lo, slot_count)
        form_lo, form_hi = d.form_ptr[slot_index], d.form_ptr[slot_index + 1]
        forms = d.slot_forms[_ranges(form_lo, form_hi)]
        form_starts = np.concatenate([[0], np.cumsum(form_hi - form_lo)[:-1]]).astype(np.int64)
        width = int(slot_count.max())
        sims = np.zeros((n, q, width))
        for i, (query_forms, _weight) in enumerate(slots):
            ids, values, _size = self.finder.agreeing_parts(query_forms, weights)
            if not len(ids):
                continue
            per_form = self.finder.lookup(ids, values, forms)
            sims[row, i, column] = np.maximum.reduceat(per_form, form_starts)
        first_form = d.slot_forms[form_lo]
        first_len = self.vocab_len[first_form]
        listed = np.where(d.slot_particle[slot_index], particle_weight, d.token_weight[first_form].astype(np.float64))
        listed = np.where(first_len == 1, np.minimum(listed, INITIAL_WEIGHT), listed)
        listed_weight = np.zeros((n, width))
        listed_weight[row, column] = listed
        query_weight = np.array([w for _, w in slots], dtype=np.float64)
        aligned, imperfect, partner = align(sims, query_weight, listed_weight, slot_count, weights)
        part_len = np.zeros((n, width), dtype=np.int64)
        part_len[row, column] = first_len
        listed_first = np.full((n, width), -1, dtype=np.int64)
        listed_first[row, column] = self.finder.vocab_features()["first"][first_form]
        plain = plain_log_odds(
            sims,
            partner,
            query_weight,
            listed_weight,
            part_len,
            listed_first,
            slot_count,
            slots,
            weights,
            agreeing_only,
        )
        # Joined strings: only where a boundary can have moved, the lengths are close and (at most two
        # insertions/deletions apart) the lengths differ by two or less.
        query_len = sum(len(forms_[0]) for forms_, _ in slots)
        listed_len = np.add.reduceat(first_len, np.concatenate([[0], np.cumsum(slot_count)[:-1]]))
        shorter, longer = np.minimum(query_len, listed_len), np.maximum(query_len, listed_len)
        boundary = (slot_count != q) | (imperfect >= 2)
        close = (shorter >= weights.joined_min * longer) & (longer - shorter <= 2)
        maybe = (aligned < 1.0) & boundary & close
        score = aligned
        bound = plain
        if (close if agreeing_only else maybe).any():  # the joined reading: every listed part agreeing fully at most
            capped = np.where(
                part_len <= weights.short_part_length,
                np.minimum(listed_weight, weights.short_part_max_weight),
                listed_weight,
            )
            valid = np.arange(width)[None, :] < slot_count[:, None]
            joined_best = weights.agree_log_odds * np.where(valid, capped, 0.0).sum(axis=1)
            bound = np.where(close if agreeing_only else maybe, np.maximum(plain, joined_best), plain)
        candidates_joined = np.nonzero(maybe)[0]
        if len(candidates_joined):
            score = aligned.copy()
            query_parts = [forms_[0] for forms_, _ in slots]
            vocabulary = d.vocabulary
            for k in candidates_joined.tolist():
                lo = int(slot_lo[k])
                listed_parts = [
                    vocabulary[int(d.slot_forms[d.form_ptr[s]])] for s in range(lo, lo + int(slot_count[k]))
                ]
                joined = joined_similarity(query_parts, listed_parts, partner[k].tolist(), weights)
                score[k] = max(aligned[k], joined)
        return score, bound
