"""Name scores of all of one traveller's candidate names at once: the similarity of every (traveller part,
listed part) pair comes from the agreeing-parts tables the candidate search already holds (a join on
vocabulary ids, no string work), the listed parts' weights from the index arrays, and the alignment from
vectorised.align. Joined strings (letters moved across a part boundary) are compared only for the few pairs
where they can change the score. Gives score_names' scores bit for bit and its log-odds up to the rounding
of another summing order (tests check both), so the batch path sends only the candidates that can be
flagged to the scorer."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from screening.matching.candidates import INITIAL_WEIGHT, CandidateFinder, split_by
from screening.matching.index_data import IndexData, _pointer, _ranges, unique_values
from screening.matching.part_features import end_hashes, letter_counts
from screening.matching.scoring import CONTAINED_MIN, CONTAINED_SIMILARITY, NameWeights, WeightedSlot, _contained
from screening.matching.translit import joined_keys
from screening.matching.vectorised import align, joined_similarity, name_log_odds, part_agreements, plain_log_odds

# Multiplier keying an end hash by its traveller part (_end_key): odd, so distinct parts shift a hash apart.
_END_KEY_MIX = np.int64(0x5BD1E995)
_ENDS_CACHE_LIMIT = 100_000  # traveller parts whose end hashes are kept (_form_ends)
_NO_HASHES = np.zeros(0, dtype=np.int64)


class BatchScorer:
    """Array scoring of candidate names against one index."""

    def __init__(self, data: IndexData, finder: CandidateFinder):
        self.data = data
        self.finder = finder
        self._vocab_len: np.ndarray | None = None
        self._contained_cache: dict[tuple[tuple[str, ...], tuple[int, ...]], bool] = {}
        self._ends_cache: dict[tuple[str, ...], tuple[np.ndarray, np.ndarray]] = {}

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
        """(score_names(...).score exactly, score_names(...).log_odds) per name, with the part similarities
        the candidate search knows. The log-odds are scoring._name_log_odds' contributions as arrays
        (vectorised.name_log_odds; the two string tests, a part one with its neighbour and a part one
        begins or ends, from _joined_neighbour and _contained), summed in another order, so equal up to
        rounding (engine.BOUND_MARGIN), and the joined reading where score_names takes it. With
        agreeing_only, instead an upper bound whatever the similarities of the pairs that do not agree."""
        return self.many_scores_and_bounds([(names, slots)], weights, particle_weight, agreeing_only)[0]

    def many_scores_and_bounds(
        self,
        queries: list[tuple[np.ndarray, list[WeightedSlot]]],
        weights: NameWeights,
        particle_weight: float,
        agreeing_only: bool = False,
    ) -> list[tuple[np.ndarray, np.ndarray]]:
        """name_scores_and_bounds of several travellers' (candidate names, slots): the names of all
        travellers are scored as one set of arrays, so the hundred-odd numpy calls of the scoring are paid
        once per batch, not once per traveller (nor once per number of traveller parts: the fixed cost was
        three quarters of a manifest's exact scoring). Each name's values are those it gets alone (the
        alignment is row by row; a traveller's parts are padded to the batch's most with weightless parts
        that align with nothing, and sums over padded parts add zeros)."""
        out: list[tuple[np.ndarray, np.ndarray]] = [(np.zeros(0), np.zeros(0))] * len(queries)
        members = [k for k, (names, slots) in enumerate(queries) if len(names) and slots]
        if not members:
            return out
        group = [(np.asarray(queries[k][0], dtype=np.int64), queries[k][1]) for k in members]
        score, bound = self._group_scores_and_bounds(group, weights, particle_weight, agreeing_only)
        lengths = [len(names) for names, _ in group]
        for k, its_score, its_bound in zip(members, split_by(score, lengths), split_by(bound, lengths), strict=True):
            out[k] = (its_score, its_bound)
        return out

    def _group_scores_and_bounds(
        self,
        group: list[tuple[np.ndarray, list[WeightedSlot]]],
        weights: NameWeights,
        particle_weight: float,
        agreeing_only: bool,
    ) -> tuple[np.ndarray, np.ndarray]:
        """many_scores_and_bounds for travellers' names concatenated, each traveller's parts padded to the
        most any has (query_count: each row's own number of parts)."""
        d = self.data
        names = np.concatenate([names for names, _ in group])
        owner = np.repeat(np.arange(len(group)), [len(names) for names, _ in group])  # each row's traveller
        part_counts = np.array([len(slots) for _, slots in group], dtype=np.int64)
        query_count = part_counts[owner]
        n, q = len(names), int(part_counts.max())
        slot_lo, slot_count, slot_index, form_lo, form_count, forms = d.gather_slots(names)
        row = np.repeat(np.arange(n), slot_count)
        column = slot_index - np.repeat(slot_lo, slot_count)
        form_starts = np.concatenate([[0], np.cumsum(form_count)[:-1]]).astype(np.int64)
        form_owner = np.repeat(owner[row], form_count)
        width = int(slot_count.max())
        sims = np.zeros((n, q, width))
        tables = [[self.finder.agreeing_parts(forms_, weights)[:2] for forms_, _ in slots] for _, slots in group]
        per_form = self.finder.lookup_parts(tables, form_owner, forms, q)  # every traveller part of every row
        for i in range(q):
            sims[row, i, column] = np.maximum.reduceat(per_form[i], form_starts)
        first_form = d.slot_forms[form_lo]
        first_len = self.vocab_len[first_form]
        listed = np.where(d.slot_particle[slot_index], particle_weight, d.token_weight[first_form].astype(np.float64))
        listed = np.where(first_len == 1, np.minimum(listed, INITIAL_WEIGHT), listed)
        listed_weight = np.zeros((n, width))
        listed_weight[row, column] = listed
        query_weight = _padded([[w for _, w in slots] for _, slots in group], q, 0.0, np.float64)[owner]
        query_len = _padded([[len(f[0]) for f, _ in slots] for _, slots in group], q, 0, np.int64)[owner]
        query_first = _padded(
            [[ord(f[0][0]) if f[0] else -2 for f, _ in slots] for _, slots in group], q, -2, np.int64
        )[owner]
        part_len = np.zeros((n, width), dtype=np.int64)
        part_len[row, column] = first_len
        listed_first = np.full((n, width), -1, dtype=np.int64)
        listed_first[row, column] = self.finder.vocab_features()["first"][first_form]
        forms_of = _FormsOf(forms, form_starts, slot_count)
        contained = self._below_agreement(
            group,
            owner,
            sims,
            query_len,
            query_first,
            part_len,
            listed_first,
            slot_count,
            query_count,
            forms_of,
            weights,
        )
        aligned, imperfect, partner = align(sims, query_weight, listed_weight, slot_count, weights, query_count)
        arrays = (
            sims,
            partner,
            query_weight,
            listed_weight,
            part_len,
            listed_first,
            slot_count,
            query_len,
            query_first,
        )
        if agreeing_only:
            plain = plain_log_odds(*arrays, weights, query_count, agreeing_only=True)
        else:
            plain = name_log_odds(
                *arrays,
                weights,
                self._joined_neighbour(
                    group, owner, sims, partner, forms, form_starts, form_owner, row, column, width, weights
                ),
                lambda rows, parts: contained[rows, parts, partner[rows, parts]],
            )
        # Joined strings: only where a boundary can have moved, the lengths are close and (at most two
        # insertions/deletions apart) the lengths differ by two or less.
        query_total = np.array([sum(len(f[0]) for f, _ in slots) for _, slots in group], dtype=np.int64)[owner]
        listed_len = np.add.reduceat(first_len, np.concatenate([[0], np.cumsum(slot_count)[:-1]]))
        shorter, longer = np.minimum(query_total, listed_len), np.maximum(query_total, listed_len)
        boundary = (slot_count != query_count) | (imperfect >= 2)
        close = (shorter >= weights.joined_min * longer) & (longer - shorter <= 2)
        maybe = (aligned < 1.0) & boundary & close
        score = aligned
        bound = plain
        valid = np.arange(width)[None, :] < slot_count[:, None]
        if agreeing_only and close.any():  # the joined reading: every listed part agreeing fully at most
            capped = np.where(
                part_len <= weights.short_part_length,
                np.minimum(listed_weight, weights.short_part_max_weight),
                listed_weight,
            )
            joined_best = weights.agree_log_odds * np.where(valid, capped, 0.0).sum(axis=1)
            bound = np.where(close, np.maximum(plain, joined_best), plain)
        candidates_joined = np.flatnonzero(maybe)
        candidates_joined = candidates_joined[
            self._joined_may_raise(group, owner, candidates_joined, first_form, slot_count, aligned, query_total)
        ]
        if len(candidates_joined):
            score = aligned.copy()
            joined_at = np.zeros(n)
            vocabulary = d.vocabulary
            for k in candidates_joined.tolist():
                lo = int(slot_lo[k])
                query_parts = [forms_[0] for forms_, _ in group[int(owner[k])][1]]
                listed_parts = [
                    vocabulary[int(d.slot_forms[d.form_ptr[s]])] for s in range(lo, lo + int(slot_count[k]))
                ]
                its_partners = partner[k, : len(query_parts)].tolist()
                joined_at[k] = joined_similarity(query_parts, listed_parts, its_partners, weights)
                score[k] = max(aligned[k], joined_at[k])
            if not agreeing_only:
                # score_names reads the joined strings when they agree more than the parts and give more
                # log-odds: every listed part agreeing at the joined similarity
                used = (joined_at > aligned) & (joined_at > 0)
                if used.any():
                    per_part = part_agreements(
                        np.broadcast_to(joined_at[:, None], (n, width)), listed_weight, part_len, weights
                    )
                    joined_sum = np.where(valid, per_part, 0.0).sum(axis=1)
                    bound = np.where(used & (joined_sum > plain), joined_sum, plain)
        return score, np.minimum(bound, weights.max_log_odds)  # score_names' namesake cap

    def _joined_may_raise(
        self,
        group: list[tuple[np.ndarray, list[WeightedSlot]]],
        owner: np.ndarray,
        rows: np.ndarray,
        first_form: np.ndarray,
        slot_count: np.ndarray,
        aligned: np.ndarray,
        query_total: np.ndarray,
    ) -> np.ndarray:
        """Of `rows`, those whose joined-strings similarity (joined_similarity) could exceed their aligned
        similarity, by letter counts alone: it is 0 beyond two Indel edits, and the Indel distance is at
        least both lengths less twice the letters in common, so it is at most 2 * common / (both lengths).
        The others' joined reading changes neither score nor log-odds, and is not worked out."""
        if not len(rows):
            return np.zeros(0, dtype=np.bool_)
        primaries = ["".join(forms[0] for forms, _ in slots) for _, slots in group]
        query_counts = np.take(letter_counts(primaries).astype(np.int64), owner[rows], axis=0)
        slot_start = _pointer(slot_count)[rows]
        listed = np.take(
            self.data.letter_counts, first_form[_ranges(slot_start, slot_start + slot_count[rows])], axis=0
        )
        listed_counts = np.add.reduceat(listed.astype(np.int64), _pointer(slot_count[rows])[:-1])
        common = np.minimum(query_counts, listed_counts).sum(axis=1)
        total = query_total[rows] + listed_counts.sum(axis=1)
        return (total - 2 * common <= 2) & (2 * common >= (aligned[rows] - 1e-9) * total)

    def _joined_neighbour(
        self,
        group: list[tuple[np.ndarray, list[WeightedSlot]]],
        owner: np.ndarray,
        sims: np.ndarray,
        partner: np.ndarray,
        forms: np.ndarray,
        form_starts: np.ndarray,
        form_owner: np.ndarray,
        row: np.ndarray,
        column: np.ndarray,
        width: int,
        weights: NameWeights,
    ) -> np.ndarray:
        """(N, Q): scoring._joined_with_neighbour for every name and its traveller's part: the part written
        together with its left or right neighbour (or that string's transliteration key) is a form of the
        listed part the neighbour agreed with. Only traveller parts whose joined string is a listed part
        at all need the arrays."""
        n, q = partner.shape
        out = np.zeros((n, q), dtype=np.bool_)
        if q < 2:
            return out
        ids = self.data.vocab_ids
        rows = np.arange(n)
        taken = partner >= 0
        j = np.where(taken, partner, 0)
        agreeing = taken & (sims[rows[:, None], np.arange(q)[None, :], j] >= weights.agree_min)
        vocabulary_size = max(len(self.data.vocabulary), 1)
        for left in range(q - 1):
            wanted: list[int] = []  # traveller * vocabulary_size + listed part, for every traveller of the group
            for t, (_names, slots) in enumerate(group):
                if left + 1 >= len(slots):
                    continue
                joined = joined_keys(slots[left][0][0], slots[left + 1][0][0])
                found = {v for v in map(ids.get, joined) if v is not None}
                wanted.extend(t * vocabulary_size + v for v in sorted(found))
            if not wanted:
                continue
            keys = np.array(wanted, dtype=np.int64)
            per_form = self.finder.marks.member(keys, form_owner * vocabulary_size + forms)
            member = np.zeros((n, width), dtype=np.bool_)
            member[row, column] = np.logical_or.reduceat(per_form, form_starts)
            # the right part with its agreeing left neighbour, and the left part with its agreeing right one
            out[:, left + 1] |= agreeing[:, left] & member[rows, j[:, left]]
            out[:, left] |= agreeing[:, left + 1] & member[rows, j[:, left + 1]]
        return out

    def _below_agreement(
        self,
        group: list[tuple[np.ndarray, list[WeightedSlot]]],
        owner: np.ndarray,
        sims: np.ndarray,
        query_len: np.ndarray,
        query_first: np.ndarray,
        part_len: np.ndarray,
        listed_first: np.ndarray,
        slot_count: np.ndarray,
        query_count: np.ndarray,
        forms_of: _FormsOf,
        weights: NameWeights,
    ) -> np.ndarray:
        """scoring.below_agreement written into `sims` (N, Q, L) for the pairs that do not agree, so the
        alignment is score_names' own: an initial against a part it begins, then a part that begins or
        ends the other. Returns which pairs are the latter (scoring._contained), for name_log_odds."""
        n, q, width = sims.shape
        valid = (np.arange(width)[None, :] < slot_count[:, None])[:, None, :]
        valid = valid & (np.arange(q)[None, :] < query_count[:, None])[:, :, None]  # not a padded part
        below = valid & (sims < weights.agree_min)
        initial = (
            below
            & ((query_len[:, :, None] == 1) != (part_len[:, None, :] == 1))
            & (query_first[:, :, None] == listed_first[:, None, :])
        )
        sims[initial] = weights.initial_similarity
        contained = np.zeros((n, q, width), dtype=np.bool_)
        rows, parts, columns = np.nonzero(below & ~initial)
        if len(rows):
            contained[rows, parts, columns] = self._contained(group, owner, rows, parts, columns, forms_of)
        sims[contained] = CONTAINED_SIMILARITY
        return contained

    def _end_keys(self, group: list[tuple[np.ndarray, list[WeightedSlot]]]) -> tuple[np.ndarray, np.ndarray]:
        """Sorted _end_key of the first and of the last CONTAINED_MIN letters of every traveller part's
        long forms (keyed by the part's running number over the group's travellers), hashed as the index
        hashed its parts: a listed form whose end key is among them may begin or end the part (one
        membership search, no padded table)."""
        ends = [self._form_ends(query_forms) for _, slots in group for query_forms, _ in slots]
        owner = np.repeat(np.arange(len(ends), dtype=np.int64), [len(heads) for heads, _ in ends])
        heads = np.concatenate([_NO_HASHES, *(heads for heads, _ in ends)])
        tails = np.concatenate([_NO_HASHES, *(tails for _, tails in ends)])
        return unique_values(_end_key(heads, owner)), unique_values(_end_key(tails, owner))

    def _form_ends(self, forms: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
        """part_features.end_hashes of a traveller part's forms of CONTAINED_MIN letters or more, cached
        (a batch meets the same parts again, and hashing strings is the costly step)."""
        found = self._ends_cache.get(forms)
        if found is None:
            if len(self._ends_cache) > _ENDS_CACHE_LIMIT:
                self._ends_cache.clear()
            long = [f for f in forms if len(f) >= CONTAINED_MIN]
            found = self._ends_cache[forms] = end_hashes(long) if long else (_NO_HASHES, _NO_HASHES)
        return found

    def _contained(
        self,
        group: list[tuple[np.ndarray, list[WeightedSlot]]],
        owner: np.ndarray,
        rows: np.ndarray,
        parts: np.ndarray,
        columns: np.ndarray,
        forms_of: _FormsOf,
    ) -> np.ndarray:
        """scoring._contained(traveller part's forms, listed part's forms) for (rows, parts, columns); the
        scorer's own test runs only for pairs where a form of each has the same first or last letters."""
        out = np.zeros(len(rows), dtype=np.bool_)
        head, tail = self.finder.ends()
        lo, hi = forms_of.span(rows, columns)
        per_pair = hi - lo
        listed = forms_of.forms[_ranges(lo, hi)]
        first_part = _pointer([len(slots) for _, slots in group])  # each traveller's parts' running numbers
        heads, tails = self._end_keys(group)
        part_of_form = np.repeat(first_part[owner[rows]] + parts, per_pair)
        maybe = self.finder.marks.member(heads, _end_key(head[listed], part_of_form)) | self.finder.marks.member(
            tails, _end_key(tail[listed], part_of_form)
        )
        if not maybe.any():
            return out
        starts = np.concatenate([[0], np.cumsum(per_pair)[:-1]]).astype(np.int64)
        open_pairs = np.nonzero(np.logical_or.reduceat(maybe, starts) & (per_pair > 0))[0]
        cache = self._contained_cache
        if len(cache) > 100_000:
            cache.clear()
        vocabulary = self.data.vocabulary
        for k in open_pairs.tolist():
            query_forms = group[int(owner[rows[k]])][1][int(parts[k])][0]
            ids = tuple(listed[starts[k] : starts[k] + per_pair[k]].tolist())
            key = (query_forms, ids)
            contained = cache.get(key)
            if contained is None:
                contained = cache[key] = _contained(query_forms, tuple(vocabulary[v] for v in ids))
            out[k] = contained
        return out


def _padded(rows: Sequence[Sequence[float]], width: int, fill: float, dtype: type) -> np.ndarray:
    """Rows of different lengths as one (len(rows), width) array, each filled out with `fill`."""
    out: np.ndarray = np.full((len(rows), width), fill, dtype=dtype)
    for k, values in enumerate(rows):
        out[k, : len(values)] = values
    return out


def _end_key(hashes: np.ndarray, part: np.ndarray) -> np.ndarray:
    """An end hash (part_features.end_hashes) keyed by the traveller part (traveller * parts + part) it is
    looked up for, as one int64 (wrapping): a collision only sends a pair to the exact test."""
    return np.asarray(hashes, dtype=np.int64) + np.asarray(part, dtype=np.int64) * _END_KEY_MIX


class _FormsOf:
    """Where each listed part's forms (vocabulary ids) are among the scored names' gathered forms."""

    def __init__(self, forms: np.ndarray, form_starts: np.ndarray, slot_count: np.ndarray):
        self.forms = forms
        self.form_starts = form_starts
        self.form_ends = np.append(form_starts[1:], len(forms))
        self.first_slot = np.concatenate([[0], np.cumsum(slot_count)[:-1]])

    def span(self, rows: np.ndarray, columns: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Where the forms of listed part `columns` of name `rows` are in `forms` (start, end)."""
        t = self.first_slot[rows] + columns
        return self.form_starts[t], self.form_ends[t]
