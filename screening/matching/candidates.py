"""Candidate generation: which listed names are worth scoring for one traveller.

Each traveller name part finds the listed parts that share a blocking key with it (one or two edits,
a swap in a short part, same first letters of a long part, sound-alike, consonant skeleton: blocking.py)
and agree closely enough; a listed name's "share" is the traveller's rarity weight it covers, each part
counted by its similarity. Only names with share >= candidate_min_share are scored. Rarity-aware: the
most common parts (MOHAMMED in a million names) are not expanded into their huge posting lists when the
rarer parts must match anyway; their share is added afterwards by checking the surviving candidates' own
parts, so the result is the set a full expansion would give. Beyond the best ALWAYS_SCORED candidates, a
vectorised estimate of the name score drops those that cannot reach the candidate cutoff.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from operator import itemgetter

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import OSA, Indel

from screening.matching.blocking import key_strings, lookup_tokens, stable_hashes
from screening.matching.index_data import IndexData, _pointer, _ranges, unique_values, year_keys
from screening.matching.part_features import letter_counts, letter_sets, syllable_flags
from screening.matching.scoring import (
    NameWeights,
    WeightedSlot,
    head_cap,
    slot_similarity,
    sound_code,
)
from screening.matching.sorted_keys import KeyMarks, in_sorted, sorted_runs, values_at
from screening.matching.vectorised import token_similarities

# Postings longer than this are "common" and expanded only when nothing rarer can carry the share.
COMMON_POSTINGS = 2000
_CACHE_LIMIT = 100_000
_EXPAND_CACHE_NAMES = 20_000_000  # name numbers kept in the expansion cache (80 MB)
# A traveller whose rarest parts expand into this many listed names or more has them summed and kept on
# their own (_kept_by_share_many); those with fewer, together.
_KEPT_ALONE_ENTRIES = 512
# A common part deferred this many times is expanded once (cached) and looked up by binary search after:
# the common parts recur in most travellers, and reading every candidate's parts cost more.
EXPAND_DEFERRED_AFTER = 2
# ... or at once when its postings are at most this many per candidate name: gathering and sorting them
# then costs less than reading the candidates' parts (a name has about seven forms).
EXPAND_POSTINGS_PER_NAME = 4
# A cached expansion this many names long or longer gets a bitmap over all names (_holder_values): a bit
# per name costs no more than its holders' arrays once it holds 1 name in 128.
HOLDER_BITMAP_SHARE = 128
_HOLDER_BITMAP_BYTES = 64_000_000  # bitmaps kept (a million-name list: 500 of them)
# Keys per bucket of the key table's top-bits index (_key_positions): a few cache lines each.
KEY_BUCKET_SIZE = 16
# Candidates (best shared weight first) scored in full whatever their quick estimate says.
ALWAYS_SCORED = 12
# Edit similarity below which only sounding alike can lift a part pair to agreeing (one typo or a swap
# of two letters always leaves at least this much).
ROUGH_MIN = 0.5
# Weight of a lone initial, however rare the letter (engine.query_slots); initials and particles are too
# weak to bring in a listed name on a date of birth alone.
INITIAL_WEIGHT = 0.5
_NO_NAMES = np.empty(0, dtype=np.int64)


def _letters_allow(shared: np.ndarray, la: np.ndarray, lb: np.ndarray, agree_min: float) -> np.ndarray:
    """Whether parts of lengths la and lb with `shared` letters in common (or at most that many) could
    agree by an edit similarity: at most 2 * shared / (la + lb), or one edit (bag distance at most 1)."""
    return (2 * shared >= agree_min * (la + lb) - 1e-9) | (np.maximum(la, lb) - shared <= 1)


def _reduce_by_name(names: np.ndarray, values: np.ndarray, reduce: np.ufunc) -> tuple[np.ndarray, np.ndarray]:
    """(sorted distinct names, each one's values combined by `reduce` in input order: np.add sums them,
    np.maximum keeps the largest), by one stable sort (numpy 2's unique with an inverse is several times
    slower than this)."""
    if not len(names):
        return names, values
    order, starts = sorted_runs(names)
    return names[order][starts], reduce.reduceat(values[order], starts)


def _keyed(owners: Sequence[int], arrays: Sequence[np.ndarray], space: int) -> np.ndarray:
    """The values of `arrays`, concatenated, each as owner * space + value (int64): the owners' arrays in
    one searchable key array (values below `space`)."""
    lengths = np.fromiter(map(len, arrays), dtype=np.int64, count=len(arrays))
    owner = np.repeat(np.asarray(owners, dtype=np.int64), lengths)
    return np.concatenate([_NO_NAMES, *arrays]).astype(np.int64) + owner * np.int64(space)


def _not_among(values: np.ndarray, others: np.ndarray) -> np.ndarray:
    """values[~np.isin(values, others)] for a traveller's few candidates: one sort and a binary search
    each (np.isin's fixed cost, about 20 microseconds a call, was a twentieth of a manifest)."""
    if not len(others) or not len(values):
        return values
    ordered = np.sort(others)
    at = np.minimum(np.searchsorted(ordered, values), len(ordered) - 1)
    return values[ordered[at] != values]


def split_by(values: np.ndarray, lengths: Sequence[int]) -> list[np.ndarray]:
    """`values` cut into consecutive pieces of these lengths (the batch's per-traveller results), as views
    sliced directly (np.split's per-piece overhead is several times a slice's)."""
    ends = np.cumsum(lengths).tolist()
    starts = [0, *ends[:-1]] if ends else []
    return [values[start:end] for start, end in zip(starts, ends, strict=True)]


@dataclass
class _FormPairs:
    """Every (form of a traveller part, listed part) pair of groups part * vocabulary_size + listed part,
    in group order: how many forms each group has, and per pair its group, the form's token, the listed
    part."""

    per_group: np.ndarray
    group: np.ndarray
    token: np.ndarray
    vocab: np.ndarray

    @classmethod
    def of(
        cls, groups: np.ndarray, vocabulary_size: int, part_form_ptr: np.ndarray, form_token: np.ndarray
    ) -> _FormPairs:
        g_part, g_vocab = groups // vocabulary_size, groups % vocabulary_size
        f_lo, f_hi = part_form_ptr[g_part], part_form_ptr[g_part + 1]
        per_group = f_hi - f_lo
        p_group = np.repeat(np.arange(len(groups)), per_group)
        return cls(per_group, p_group, form_token[_ranges(f_lo, f_hi)], g_vocab[p_group])

    def any_per_group(self, marks: np.ndarray) -> np.ndarray:
        """Whether any of each group's pairs is marked (False for a group without pairs)."""
        if not len(marks):
            return np.zeros(len(self.per_group), dtype=np.bool_)
        return np.logical_or.reduceat(marks, _pointer(self.per_group)[:-1]) & (self.per_group > 0)

    def of_groups(self, chosen: np.ndarray) -> _FormPairs:
        """The pairs of the `chosen` groups only (a mask), groups numbered anew in order."""
        keep = chosen[self.group]
        renumbered = np.cumsum(chosen) - 1
        return _FormPairs(self.per_group[chosen], renumbered[self.group[keep]], self.token[keep], self.vocab[keep])


def _rough_scores(
    a_words: np.ndarray, b_words: np.ndarray, at: np.ndarray, osa: np.ndarray, indel: np.ndarray, rough: np.ndarray
) -> None:
    """OSA and Indel normalised similarities of the pairs `at`, written into `osa` and `indel`, and their
    larger as cdist's float32 gives it into `rough` (rapidfuzz cpdist, in C)."""
    if not len(at):
        return
    a, b = a_words[at].tolist(), b_words[at].tolist()
    osa[at] = process.cpdist(a, b, scorer=OSA.normalized_similarity, dtype=np.float64, workers=1)
    indel[at] = process.cpdist(a, b, scorer=Indel.normalized_similarity, dtype=np.float64, workers=1)
    rough[at] = np.maximum(indel[at], osa[at]).astype(np.float32)


class CandidateFinder:
    """Per-index candidate search with a cache of each traveller name part's agreeing listed parts."""

    def __init__(self, data: IndexData):
        self.data = data
        self._part_cache: dict[tuple[str, ...], tuple[np.ndarray, np.ndarray, int]] = {}
        self._expand_cache: dict[tuple[str, ...], tuple[np.ndarray, np.ndarray]] = {}
        self._expand_size = 0
        self._deferrals: dict[tuple[str, ...], int] = {}
        self._holder_bits: dict[tuple[str, ...], np.ndarray] = {}
        self._holder_bytes = 0
        self._vocab_features: dict[str, np.ndarray] | None = None
        self._buffer: np.ndarray | None = None
        self._key_buckets: tuple[np.ndarray, int] | None = None  # (_key_positions' pointers, shift)
        self._year_cache: dict[tuple[int, bool], tuple[int, int] | None] = {}
        self._words: np.ndarray | None = None
        self.marks = KeyMarks()  # the batch stages' bitmap of sorted keys (sorted_keys.py), one per index
        self._weights: NameWeights | None = None  # the weights the part caches hold values for

    def _use(self, weights: NameWeights) -> None:
        """Makes `weights` the caches' weights: the caches of parts, expansions, deferrals and holder
        bitmaps are keyed by a part's forms alone (hashing the weights with each key, a Python-level
        hash, cost a twentieth of a manifest's screening), so other weights clear them."""
        if weights != self._weights:
            self._part_cache.clear()
            self._expand_cache.clear()
            self._expand_size = 0
            self._deferrals.clear()
            self._holder_bits.clear()
            self._holder_bytes = 0
        self._weights = weights

    def agreeing_parts(self, forms: tuple[str, ...], weights: NameWeights) -> tuple[np.ndarray, np.ndarray, int]:
        """(sorted vocabulary ids, their similarity, total postings) of listed parts agreeing with a part."""
        if weights is not self._weights:
            self._use(weights)
        key = forms
        found = self._part_cache.get(key)
        if found is not None:
            return found
        d = self.data
        looked = [lookup_tokens(f, d.key_hashes, d.key_ptr, d.key_tokens) for f in forms]
        ids = unique_values(np.concatenate(looked)) if len(looked) > 1 else looked[0]
        sims = np.zeros(len(ids))
        if len(ids):
            # rapidfuzz in C first; the exact part similarity (phonetic, swaps) only where it could agree
            words = [d.vocabulary[i] for i in ids]
            rough = np.maximum(
                process.cdist(forms, words, scorer=Indel.normalized_similarity),
                process.cdist(forms, words, scorer=OSA.normalized_similarity),
            ).max(axis=0)
            # (an upper bound of token_similarity's edit part, which uses Indel only for similar lengths)
            sounds = {sound_code(f) for f in forms}
            initials = {f[0] for f in forms}
            for k in range(len(ids)):
                if rough[k] >= 1.0:
                    sims[k] = 1.0
                elif rough[k] >= ROUGH_MIN:
                    sims[k] = slot_similarity(forms, (words[k],), weights)
                elif words[k][0] in initials and sound_code(words[k]) in sounds:  # what slot_similarity gives
                    sims[k] = min(weights.phonetic_similarity, head_cap(forms, words[k], *self._credits(weights)))
        keep = sims >= weights.agree_min
        ids, sims = ids[keep], sims[keep]
        size = int(np.sum(d.post_ptr[ids + 1] - d.post_ptr[ids])) if len(ids) else 0
        if len(self._part_cache) > _CACHE_LIMIT:
            self._part_cache.clear()
        found = self._part_cache[key] = (ids, sims, size)
        return found

    def prepare(self, many: list[tuple[str, ...]], weights: NameWeights) -> None:
        """agreeing_parts() for many traveller name parts at once (a batch): blocking keys of every new
        part hashed in one call, one sorted join of all keys against the key table, and the part
        similarities of all (traveller part, listed part) pairs in a few rapidfuzz cpdist calls."""
        if weights is not self._weights:
            self._use(weights)
        missing = list(dict.fromkeys(f for f in many if f not in self._part_cache))
        if not missing:
            return
        if len(self._part_cache) + len(missing) > _CACHE_LIMIT:
            self._part_cache.clear()
            missing = list(dict.fromkeys(many))
        d = self.data
        tokens = list(dict.fromkeys(t for forms in missing for t in forms))
        position = {t: k for k, t in enumerate(tokens)}
        # 1. keys of every token, hashed at once; 2. join against the key table -> (token, listed part)
        key_lists = [key_strings(t) for t in tokens]
        counts = np.fromiter((len(k) for k in key_lists), dtype=np.int64, count=len(key_lists))
        hashes = stable_hashes([k for keys in key_lists for k in keys])
        owner = np.repeat(np.arange(len(tokens), dtype=np.int64), counts)
        order = np.argsort(hashes)  # the table read in order: far fewer cache misses on a big index
        hashes, owner = hashes[order], owner[order]
        at = np.minimum(self._key_positions(hashes), max(len(d.key_hashes) - 1, 0))
        hit = d.key_hashes[at] == hashes if len(d.key_hashes) else np.zeros(len(hashes), dtype=np.bool_)
        at, owner = at[hit], owner[hit]
        starts, ends = d.key_ptr[at], d.key_ptr[at + 1]
        vocab_ids = d.key_tokens[_ranges(starts, ends)].astype(np.int64)
        token_of = np.repeat(owner, ends - starts)
        vocabulary_size = max(len(d.vocabulary), 1)
        # 3. (traveller part, listed part) groups: met through the keys of any of the part's forms (each
        # (token, listed part) pair goes to every part the token is a form of; one sort makes them distinct)
        form_count = np.fromiter((len(forms) for forms in missing), dtype=np.int64, count=len(missing))
        part_form_ptr = np.concatenate([[0], np.cumsum(form_count)]).astype(np.int64)
        tuple_of = np.repeat(np.arange(len(missing), dtype=np.int64), form_count)
        form_token = np.fromiter((position[t] for forms in missing for t in forms), dtype=np.int64)
        by_token = np.argsort(form_token, kind="stable")
        token_forms = np.searchsorted(form_token[by_token], np.arange(len(tokens) + 1))
        lo, hi = token_forms[token_of], token_forms[token_of + 1]
        groups = unique_values(tuple_of[by_token][_ranges(lo, hi)] * vocabulary_size + np.repeat(vocab_ids, hi - lo))
        sims = np.zeros(len(groups))
        pairs = _FormPairs.of(groups, vocabulary_size, part_form_ptr, form_token)
        possible = self._could_agree(pairs, tokens, weights)
        open_groups = pairs.any_per_group(possible)
        kept_pairs = open_groups[pairs.group]
        sims[open_groups] = self._group_similarities(
            pairs.of_groups(open_groups), possible[kept_pairs], tokens, weights
        )
        keep = sims >= weights.agree_min
        groups, sims = groups[keep], sims[keep]
        part_of, ids = groups // vocabulary_size, groups % vocabulary_size
        bounds = np.searchsorted(part_of, np.arange(len(missing) + 1))
        postings = np.concatenate([[0], np.cumsum(d.post_ptr[ids + 1] - d.post_ptr[ids])])
        ids = ids.astype(np.int32)
        for m, forms in enumerate(missing):
            lo, hi = int(bounds[m]), int(bounds[m + 1])
            self._part_cache[forms] = (ids[lo:hi], sims[lo:hi], int(postings[hi] - postings[lo]))

    def _key_positions(self, hashes: np.ndarray) -> np.ndarray:
        """np.searchsorted(key_hashes, hashes): each hash searched only among the keys sharing its top
        bits (a bucket of about KEY_BUCKET_SIZE, found in a pointer array made once), so a lookup reads
        a few neighbouring cache lines of a big index's key table, not one per level of a binary search
        over all of it."""
        keys = self.data.key_hashes
        if len(keys) < KEY_BUCKET_SIZE or not len(hashes):
            return np.searchsorted(keys, hashes)
        if self._key_buckets is None:
            bits = max(1, int(np.log2(len(keys) / KEY_BUCKET_SIZE)))
            firsts = np.arange(1 << bits, dtype=np.uint64) << np.uint64(64 - bits)
            self._key_buckets = (np.append(np.searchsorted(keys, firsts), len(keys)).astype(np.int64), 64 - bits)
        buckets, shift = self._key_buckets
        bucket = (hashes >> np.uint64(shift)).astype(np.int64)
        lo, hi = buckets[bucket], buckets[bucket + 1]
        last = len(keys) - 1
        while True:  # a binary search in every bucket at once: lo ends at the first key >= its hash
            open_ = np.flatnonzero(lo < hi)
            if not len(open_):
                return lo
            mid = (lo[open_] + hi[open_]) >> 1
            right = keys[np.minimum(mid, last)] < hashes[open_]
            lo[open_] = np.where(right, mid + 1, lo[open_])
            hi[open_] = np.where(right, hi[open_], mid)

    def _could_agree(self, pairs: _FormPairs, tokens: list[str], weights: NameWeights) -> np.ndarray:
        """Which (form, listed part) pairs could agree, by letter counts alone: an edit similarity is at
        most 2 * shared letters / (both lengths) (OSA and Indel distances are at least the bag distance),
        one edit needs a bag distance of at most 1, and sounding alike or an initial needs nothing of the
        letters. The others are below agree_min for token_similarity, and skip its rapidfuzz calls (most
        pairs the keys meet in a big list)."""
        if not len(pairs.token):
            return np.zeros(0, dtype=np.bool_)
        features = self._features()
        p_token, p_vocab = pairs.token, pairs.vocab  # gathered by np.take: several times quicker for rows
        v_sound = np.take(self.data.sound_ids, p_vocab)
        t_len, t_first, t_sound, _t_id = self._token_features(tokens)
        la, lb = np.take(t_len, p_token), np.take(features["len"], p_vocab)
        possible = (np.minimum(la, lb) <= 1) | (
            (np.take(t_first, p_token) == np.take(features["first"], p_vocab)) & (np.take(t_sound, p_token) == v_sound)
        )
        # Letters: first a bound from the letter sets (every letter one part has and the other lacks is one
        # letter not shared, at least), then the letter counts only for the pairs that bound leaves open.
        t_counts = letter_counts(tokens)
        a_set = np.take(letter_sets(t_counts), p_token)
        b_set = np.take(self.data.letter_sets, p_vocab).astype(np.int64)
        most = np.minimum(la - np.bitwise_count(a_set & ~b_set), lb - np.bitwise_count(b_set & ~a_set))
        counted = np.flatnonzero(~possible & _letters_allow(most, la, lb, weights.agree_min))
        shared = np.minimum(
            np.take(t_counts, p_token[counted], axis=0), np.take(self.data.letter_counts, p_vocab[counted], axis=0)
        ).sum(axis=1, dtype=np.int64)
        possible[counted] = _letters_allow(shared, la[counted], lb[counted], weights.agree_min)
        return possible

    def _group_similarities(
        self, pairs: _FormPairs, possible: np.ndarray, tokens: list[str], weights: NameWeights
    ) -> np.ndarray:
        """slot_similarity(forms of part, (listed part,)) for every group part * vocabulary_size + listed
        part that reaches agree_min, as agreeing_parts() decides it (rough edit score over all forms
        first, the exact similarity where it is open, sounding alike below ROUGH_MIN), for all groups at
        once (vectorised.py); a group below agree_min gets some value below it. Every group holds a pair
        that `possible` (_could_agree) marks. The other pairs are below agree_min by any edit score
        (below 1), so they change neither a group's class (exact, open, or only sounding alike: their
        rough score is needed only where the possible pairs' stays below ROUGH_MIN) nor an agreeing
        group's best exact similarity, and their rapidfuzz calls are skipped elsewhere."""
        if not len(pairs.per_group):
            return np.zeros(0)
        per_group, p_group, p_token, p_vocab = pairs.per_group, pairs.group, pairs.token, pairs.vocab
        a_words, b_words = np.array(tokens, dtype=object)[p_token], self._vocabulary_words()[p_vocab]
        osa, indel = np.zeros(len(p_token)), np.zeros(len(p_token))
        rough = np.full(len(p_token), -1.0, dtype=np.float32)  # -1: not computed (a pair that cannot agree)
        starts = np.concatenate([[0], np.cumsum(per_group)[:-1]]).astype(np.int64)
        _rough_scores(a_words, b_words, np.flatnonzero(possible), osa, indel, rough)
        rest = ~possible & (np.maximum.reduceat(rough, starts) < ROUGH_MIN)[p_group]
        _rough_scores(a_words, b_words, np.flatnonzero(rest), osa, indel, rough)
        computed = possible | rest
        best_rough = np.maximum.reduceat(rough, starts)
        features = self._features()
        v_sound = self._sounds(p_vocab)
        t_len, t_first, t_sound, t_id = self._token_features(tokens)
        same_first = t_first[p_token] == features["first"][p_vocab]
        same_sound = t_sound[p_token] == v_sound
        sims = np.where(best_rough >= 1.0, 1.0, 0.0)
        # Where the rough score leaves it open: the scorer's own part similarity (vectorised.py), best form
        open_group = (best_rough < 1.0) & (best_rough >= ROUGH_MIN)
        if open_group.any():
            pick = np.flatnonzero(open_group[p_group] & computed)
            exact = token_similarities(
                a_words[pick].tolist(),
                b_words[pick].tolist(),
                weights,
                known={
                    "la": t_len[p_token[pick]],
                    "lb": features["len"][p_vocab[pick]],
                    "same_first": same_first[pick],
                    "first": t_first[p_token[pick]],
                    "same_sound": same_sound[pick],
                    "equal": t_id[p_token[pick]] == p_vocab[pick],
                    "osa": osa[pick],
                    "indel": indel[pick],
                    "syllable_a": syllable_flags(tokens)[p_token[pick]],
                    "syllable_b": self.data.syllables[p_vocab[pick]],
                },
            )
            counts = np.bincount(p_group[pick], minlength=len(per_group))[open_group]
            sims[open_group] = np.maximum.reduceat(exact, np.concatenate([[0], np.cumsum(counts)[:-1]]))
        low = best_rough < ROUGH_MIN
        if low.any():  # only sounding alike can lift these (an initial from any form, a sound from any)
            initial = np.logical_or.reduceat(same_first, starts)
            sound = np.logical_or.reduceat(same_sound, starts)
            alike = np.flatnonzero(low & initial & sound)
            sims[alike] = weights.phonetic_similarity
            for g in alike.tolist():  # the joining-head rule (scoring.head_cap), a few groups at most
                lo = int(starts[g])
                forms = a_words[lo : lo + int(per_group[g])].tolist()
                sims[g] = min(sims[g], head_cap(forms, b_words[lo], *self._credits(weights)))
        return sims

    @staticmethod
    def _credits(weights: NameWeights) -> tuple[float, float]:
        """(phonetic, initial) similarity credits, as token_similarity takes them."""
        return weights.phonetic_similarity, weights.initial_similarity

    def lookup(self, ids: np.ndarray, values: np.ndarray, wanted: np.ndarray) -> np.ndarray:
        """values[k] where wanted == ids[k], else 0, for unique `ids`: through a dense buffer over the
        vocabulary (set, gather, reset) instead of a binary search per element."""
        buffer = self._vocabulary_buffer()
        buffer[ids] = values
        out = buffer[wanted]
        buffer[ids] = 0.0
        return out

    def lookup_tables(
        self, tables: Sequence[Sequence[tuple[np.ndarray, np.ndarray]]], bounds: np.ndarray, wanted: np.ndarray
    ) -> np.ndarray:
        """For each owner k, the value of each vocabulary id of wanted[bounds[k]:bounds[k + 1]] in owner
        k's (unique ids, non-negative values) tables, the largest where several hold it, else 0: through
        the dense buffer over the vocabulary (set, gather, reset per owner), not a binary search per
        element among keys owner * vocabulary size + id (several times slower on a batch)."""
        buffer = self._vocabulary_buffer()
        out = np.zeros(len(wanted))
        for k, owned in enumerate(tables):
            lo, hi = int(bounds[k]), int(bounds[k + 1])
            if hi == lo or not owned:
                continue
            for ids, values in owned:
                buffer[ids] = np.maximum(buffer[ids], values) if len(owned) > 1 else values
            out[lo:hi] = buffer[wanted[lo:hi]]
            for ids, _values in owned:
                buffer[ids] = 0.0
        return out

    def lookup_parts(
        self,
        tables: Sequence[Sequence[tuple[np.ndarray, np.ndarray]]],
        owner: np.ndarray,
        wanted: np.ndarray,
        parts: int,
    ) -> np.ndarray:
        """(parts, len(wanted)): row i holds, for each vocabulary id of `wanted`, its value in the i-th
        (sorted unique ids, values) table of its owner (tables[owner][i]; 0 where the owner has fewer
        tables or the table lacks it). One binary search per element among keys (owner * parts + i) *
        vocabulary size + id, which come out sorted as the tables are listed: for the batch scorer's
        few hundred small tables (a manifest's) this is a few numpy calls where lookup_tables' dense
        buffer makes three per table."""
        size = np.int64(max(len(self.data.vocabulary), 1))
        listed = [(k * parts + i, table) for k, owned in enumerate(tables) for i, table in enumerate(owned)]
        keys = _keyed([at for at, _table in listed], [ids for _at, (ids, _values) in listed], int(size))
        values = np.concatenate([np.zeros(0), *(values for _at, (_ids, values) in listed)])
        base = (np.asarray(owner, dtype=np.int64) * parts) * size + np.asarray(wanted, dtype=np.int64)
        out = np.zeros((parts, len(wanted)))
        if parts:  # most rows hold none of their traveller's agreeing parts: the bitmap rules them out
            out[:] = self.marks.values_at(keys, values, [base + i * size for i in range(parts)])
        return out

    def _vocabulary_buffer(self) -> np.ndarray:
        """A zeroed float per vocabulary part, shared by the dense lookups (each leaves it zeroed)."""
        buffer = self._buffer
        if buffer is None or len(buffer) != len(self.data.vocabulary):
            buffer = self._buffer = np.zeros(len(self.data.vocabulary))
        return buffer

    def _vocabulary_words(self) -> np.ndarray:
        """The vocabulary as an object array (made once): a batch's hundred thousand listed parts are
        gathered by one fancy index, not a Python loop."""
        words = self._words
        if words is None or len(words) != len(self.data.vocabulary):
            words = self._words = np.array(self.data.vocabulary, dtype=object)
        return words

    def vocab_features(self) -> dict[str, np.ndarray]:
        """Per vocabulary part: length and first letter (ord)."""
        return self._features()

    def _features(self) -> dict[str, np.ndarray]:
        """Per vocabulary part: length and first letter (ord; saved with the index, part_features.py)."""
        if self._vocab_features is None:
            self._vocab_features = {"len": self.data.part_lengths, "first": self.data.first_letters}
        return self._vocab_features

    def _sounds(self, ids: np.ndarray) -> np.ndarray:
        """Sound code numbers of vocabulary parts (saved with the index, part_features.py)."""
        return self.data.sound_ids[ids].astype(np.int64)

    def _token_features(self, tokens: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Length, first letter, metaphone code id (unique negative ids for codes no listed part has) and
        vocabulary id (-1 if none) of traveller parts."""
        codes = self.data.sound_numbers()
        ids = self.data.vocab_ids
        n = len(tokens)
        return (
            np.fromiter(map(len, tokens), dtype=np.int64, count=n),
            np.fromiter((ord(t[0]) if t else -2 for t in tokens), dtype=np.int64, count=n),
            np.fromiter((codes.get(sound_code(t), -2 - k) for k, t in enumerate(tokens)), dtype=np.int64, count=n),
            np.fromiter((ids.get(t, -1) for t in tokens), dtype=np.int64, count=n),
        )

    def _expand(self, key: tuple[str, ...], ids: np.ndarray, sims: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Sorted distinct names holding any of `ids`, each with its best part similarity (cached: parts recur)."""
        found = self._expand_cache.pop(key, None)
        if found is not None:
            self._expand_cache[key] = found  # now the most recently used (_remember_expansion)
            return found
        d = self.data
        if len(ids) == 1:
            i = ids[0]
            names = np.asarray(d.post_names[d.post_ptr[i] : d.post_ptr[i + 1]])
            best = np.full(len(names), sims[0])
        else:  # every posting list gathered at once, each name's best similarity by one sort
            starts, ends = d.post_ptr[ids], d.post_ptr[ids + 1]
            names = np.asarray(d.post_names[_ranges(starts, ends)])
            per_name = np.repeat(sims, ends - starts)
            names, best = _reduce_by_name(names, per_name, np.maximum)
        self._remember_expansion(key, names, best)
        return names, best

    def _remember_expansion(self, key: tuple[str, ...], names: np.ndarray, best: np.ndarray) -> None:
        """Caches an expansion, the least recently used ones evicted first beyond _EXPAND_CACHE_NAMES:
        the common parts recur in every batch, and clearing the whole cache when full had them expanded
        again (two in five expansions of a million-name list's batch were such repeats)."""
        cache = self._expand_cache
        self._expand_size += len(names)
        while cache and self._expand_size > _EXPAND_CACHE_NAMES:
            oldest = next(iter(cache))
            self._expand_size -= len(cache.pop(oldest)[0])
        cache[key] = (names, best)

    def _gains_of_parts(self, names: np.ndarray, parts: list[tuple[np.ndarray, np.ndarray]]) -> list[np.ndarray]:
        """For each candidate name and each (ids, gains), the best gain of any of the name's parts among
        `ids` (0 if none); the names' forms are gathered only once for all of them."""
        d = self.data
        starts = d.form_ptr[d.slot_ptr[names]]
        ends = d.form_ptr[d.slot_ptr[names + 1]]
        lengths = ends - starts
        if not len(names) or not lengths.sum():
            return [np.zeros(len(names)) for _ in parts]
        forms = np.asarray(d.slot_forms[_ranges(starts, ends)])
        first = np.concatenate([[0], np.cumsum(lengths)[:-1]])
        return [np.maximum.reduceat(self.lookup(ids, gains, forms), first) for ids, gains in parts]

    def _deferred_gains(
        self,
        names: np.ndarray,
        deferred: list[tuple[tuple[str, ...], np.ndarray, np.ndarray, float]],
        weights: NameWeights,
    ) -> list[np.ndarray]:
        """_gains_of_parts of each deferred (forms, ids, sims, weight) part for sorted distinct `names`:
        from the part's cached expansion (EXPAND_DEFERRED_AFTER, EXPAND_POSTINGS_PER_NAME) or from the
        names' own parts. The same values either way: a name's best similarity times the weight is its
        best gain (weights >= 0)."""
        out: list[np.ndarray | None] = []
        read: list[tuple[np.ndarray, np.ndarray]] = []
        if weights is not self._weights:
            self._use(weights)
        for forms, ids, sims, weight in deferred:
            key = forms
            seen = self._deferrals[key] = self._deferrals.get(key, 0) + 1
            if key in self._expand_cache or seen >= EXPAND_DEFERRED_AFTER or self._few_postings(ids, len(names)):
                out.append(self._holder_values(key, ids, sims, names) * weight)
            else:
                out.append(None)
                read.append((ids, sims * weight))
        from_parts = iter(self._gains_of_parts(names, read) if read else [])
        if len(self._deferrals) > _CACHE_LIMIT:
            self._deferrals.clear()
        return [next(from_parts) if gained is None else gained for gained in out]

    def _few_postings(self, ids: np.ndarray, names: int) -> bool:
        """Whether listed parts `ids` have at most EXPAND_POSTINGS_PER_NAME postings per candidate name."""
        d = self.data
        return int(np.sum(d.post_ptr[ids + 1] - d.post_ptr[ids])) <= EXPAND_POSTINGS_PER_NAME * names

    def _holder_values(self, key: tuple[str, ...], ids: np.ndarray, sims: np.ndarray, names: np.ndarray) -> np.ndarray:
        """Each of `names`' best similarity in the part's cached expansion (_expand), 0 if it holds none
        of `ids`. A long expansion's bitmap over all names rules out first the names that hold none (most
        of a traveller's names lack its deferred common part), and only the rest are searched among the
        holders: the same values, without a binary search per name in a long array."""
        holders, best = self._expand(key, ids, sims)
        size = self.data.name_count
        if len(holders) * HOLDER_BITMAP_SHARE < size or not len(names):
            return values_at(holders, best, names)
        bits = self._holder_bitmap(key, holders)
        held = np.flatnonzero((bits[names >> 3] >> (names & 7).astype(np.uint8)) & 1)
        out = np.zeros(len(names))
        out[held] = values_at(holders, best, names[held])
        return out

    def _holder_bitmap(self, key: tuple[str, ...], holders: np.ndarray) -> np.ndarray:
        """The bitmap over all names of an expansion's holders, cached, the least recently used evicted
        first beyond _HOLDER_BITMAP_BYTES (the deferred common parts recur in every batch)."""
        cache = self._holder_bits
        bits = cache.pop(key, None)
        if bits is None:
            marks = np.zeros(self.data.name_count, dtype=np.bool_)
            marks[holders] = True
            bits = np.packbits(marks, bitorder="little")
            self._holder_bytes += len(bits)
            while cache and self._holder_bytes > _HOLDER_BITMAP_BYTES:
                self._holder_bytes -= len(cache.pop(next(iter(cache))))
        cache[key] = bits  # now the most recently used
        return bits

    def estimate(
        self,
        names: np.ndarray,
        slots: list[WeightedSlot],
        weights: NameWeights,
        shared: np.ndarray,
        particle_weight: float,
    ) -> np.ndarray:
        """Quick, optimistic name score for many candidates at once (numpy, no alignment): the listed
        side's agreeing weight against its unmatched weight, as score_names counts them."""
        return self.estimate_many([(names, slots, shared)], weights, particle_weight)

    def estimate_many(
        self,
        asked: list[tuple[np.ndarray, list[WeightedSlot], np.ndarray]],
        weights: NameWeights,
        particle_weight: float,
    ) -> np.ndarray:
        """estimate() of several travellers' (names, slots, shared) at once, concatenated: each name's
        parts looked up in its own traveller's table of agreeing parts (keyed traveller * vocabulary size
        + listed part, each part's best similarity), so the numpy calls are paid once per batch."""
        d = self.data
        tables = [[self.agreeing_parts(forms, weights)[:2] for forms, _ in slots] for _n, slots, _s in asked]
        names = np.concatenate([np.asarray(n, dtype=np.int64) for n, _slots, _s in asked])
        owner = np.repeat(np.arange(len(asked), dtype=np.int64), [len(n) for n, _slots, _s in asked])
        _slot_lo, slot_count, slot_index, form_lo, form_count, forms = d.gather_slots(names)
        name_bounds = _pointer([len(n) for n, _slots, _s in asked])
        form_bounds = _pointer(form_count)[_pointer(slot_count)[name_bounds]]
        per_form = self.lookup_tables(tables, form_bounds, forms)
        slot_sim = np.maximum.reduceat(per_form, np.concatenate([[0], np.cumsum(form_count)[:-1]]))
        slot_weight = np.where(d.slot_particle[slot_index], particle_weight, d.token_weight[d.slot_forms[form_lo]])
        agrees = slot_sim >= weights.agree_min
        starts = np.concatenate([[0], np.cumsum(slot_count)[:-1]])
        listed_total = np.add.reduceat(slot_weight, starts)
        matched = np.add.reduceat(np.where(agrees, slot_weight, 0.0), starts)
        credit = np.add.reduceat(np.where(agrees, slot_weight * slot_sim, 0.0), starts)
        query_total = np.array([sum(w for _, w in slots) for _n, slots, _s in asked], dtype=np.float64)[owner]
        shared = np.concatenate([np.asarray(s, dtype=np.float64) for _n, _slots, s in asked])
        unmatched_query = query_total * np.clip(1.0 - shared, 0.0, 1.0)
        denominator = (
            matched
            + weights.unmatched_traveller * unmatched_query
            + weights.unmatched_listed * (listed_total - matched)
        )
        return np.where(denominator > 0, credit / np.maximum(denominator, 1e-9), 0.0)

    def ends(self) -> tuple[np.ndarray, np.ndarray]:
        """Per vocabulary part, a stable hash of its first and of its last CONTAINED_MIN letters (0 if
        shorter; part_features.end_hashes, saved with the index): one part can begin or end another
        (scoring._contained) only where these agree."""
        return self.data.head_hashes, self.data.tail_hashes

    def find(
        self,
        slots: list[WeightedSlot],
        weights: NameWeights,
        min_share: float,
        limit: int,
        min_estimate: float = 0.0,
        particle_weight: float = 0.3,
        dob: int | None = None,
        year: tuple[int, bool] | None = None,
    ) -> np.ndarray:
        """Listed name numbers to score for a traveller, best share first, at most `limit`; with
        min_estimate, only those whose quick estimate (see estimate()) reaches it. With a full date of
        birth (YYYYMMDD), then the names born that day sharing a part with the traveller (born()); with a
        birth year (index_data.traveller_birth_year), the names listed with only that year holding one of
        the traveller's rarer parts, whatever their share (_by_share)."""
        return self.find_many([(slots, min_share, dob, year)], weights, limit, min_estimate, particle_weight)[0]

    def find_many(
        self,
        asked: list[tuple[list[WeightedSlot], float, int | None, tuple[int, bool] | None]],
        weights: NameWeights,
        limit: int,
        min_estimate: float = 0.0,
        particle_weight: float = 0.3,
    ) -> list[np.ndarray]:
        """find() for several travellers' (slots, min_share, dob, year): the quick estimates of all of them
        in one estimate_many call."""
        out: list[np.ndarray] = []
        pending = []  # (traveller, names, shares, candidates by share)
        years: list[np.ndarray] = []  # names brought in by their listed birth year, per traveller
        shares = self._by_share_many(
            [(slots, min_share, year) for slots, min_share, _dob, year in asked], weights, particle_weight
        )
        for k, (unique, shared, good, by_year) in enumerate(shares):
            years.append(by_year)
            if not len(good):
                out.append(_NO_NAMES)
                continue
            if min_estimate > 0 and len(good) > ALWAYS_SCORED:
                pending.append((k, unique, shared, good[np.argsort(-shared[good], kind="stable")]))
                out.append(_NO_NAMES)  # set below, from the estimates
                continue
            if len(good) > limit:
                good = good[np.argsort(-shared[good], kind="stable")[:limit]]
            out.append(unique[good].astype(np.int64))
        # The best ALWAYS_SCORED by share are always scored (the estimate cannot see parts joined or split
        # across boundaries); the rest only if their quick estimate could reach the cutoff, and when too
        # many remain, the best by estimate (a better ranking than share alone).
        rough_all = (
            self.estimate_many(
                [
                    (unique[good[ALWAYS_SCORED:]].astype(np.int64), asked[k][0], shared[good[ALWAYS_SCORED:]])
                    for k, unique, shared, good in pending
                ],
                weights,
                particle_weight,
            )
            if pending
            else np.zeros(0)
        )
        roughs = split_by(rough_all, [max(len(good) - ALWAYS_SCORED, 0) for _k, _u, _s, good in pending])
        for (k, unique, _shared, good), rough in zip(pending, roughs, strict=True):
            rest = good[ALWAYS_SCORED:]
            passing = rough >= min_estimate
            rest, rough = rest[passing], rough[passing]
            rest = rest[np.argsort(-rough, kind="stable")[: max(limit - ALWAYS_SCORED, 0)]]
            out[k] = unique[np.concatenate([good[:ALWAYS_SCORED], rest])].astype(np.int64)
        dated = [(k, slots, dob) for k, (slots, _min_share, dob, _year) in enumerate(asked) if dob is not None]
        born = self.born_many([(slots, dob) for _k, slots, dob in dated], weights, particle_weight)
        for (k, _slots, _dob), extra in zip(dated, born, strict=True):
            if len(extra):
                out[k] = np.concatenate([out[k], _not_among(extra, out[k])])
        for k, extra in enumerate(years):
            if len(extra):
                out[k] = np.concatenate([out[k], _not_among(extra, out[k])])
        return out

    def born(self, slots: list[WeightedSlot], weights: NameWeights, dob: int, particle_weight: float) -> np.ndarray:
        """Listed names whose entry gives this full date of birth and that hold a part agreeing with one
        of the traveller's parts (not a particle or an initial): a partial name, a surname alone, with the
        exact date of birth reaches the scorer, which weighs them (the share rule would not let it)."""
        return self.born_many([(slots, dob)], weights, particle_weight)[0]

    def born_many(
        self, asked: list[tuple[list[WeightedSlot], int]], weights: NameWeights, particle_weight: float
    ) -> list[np.ndarray]:
        """born() of several travellers' (slots, full date of birth) at once: the parts of all names born
        on their days gathered once and looked up among keys traveller * vocabulary size + agreeing part."""
        d = self.data
        size = max(len(d.vocabulary), 1)
        born = d.names_born_many([dob for _slots, dob in asked])
        names = np.concatenate([np.zeros(0, dtype=np.int64), *born])
        if not len(names):
            return born
        strong = max(INITIAL_WEIGHT, particle_weight)
        agreeing = [
            (k, self.agreeing_parts(forms, weights)[0])
            for k, (slots, _dob) in enumerate(asked)
            if len(born[k])
            for forms, weight in slots
            if weight > strong
        ]
        keys = _keyed([k for k, _ids in agreeing], [ids for _k, ids in agreeing], size)
        starts, ends = d.form_ptr[d.slot_ptr[names]], d.form_ptr[d.slot_ptr[names + 1]]
        owner = np.repeat(np.arange(len(asked), dtype=np.int64), [len(b) for b in born])
        wanted = np.repeat(owner, ends - starts) * size + d.slot_forms[_ranges(starts, ends)]
        table = unique_values(keys)
        per_form = in_sorted(table, wanted)
        hit = np.logical_or.reduceat(per_form, np.concatenate([[0], np.cumsum(ends - starts)[:-1]]))
        return [b[h] for b, h in zip(born, split_by(hit, [len(b) for b in born]), strict=True)]

    def _by_share(
        self,
        slots: list[WeightedSlot],
        weights: NameWeights,
        min_share: float,
        year: tuple[int, bool] | None = None,
        particle_weight: float = 0.3,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(sorted names sharing a part with the traveller, their shares, positions of those whose share
        reaches min_share, names below it brought in by their birth year), as find() reads them.

        Why the last: a list that gives only a year of birth (a sixth of OFAC's individuals, two fifths of
        the UN's) cannot bring a name in by born(), and a surname with the year and nationality is enough
        for the scorer (HAQQANI, Naseer against HAQQANI, Nasiruddin, born 1972). So of the names holding a
        part of the traveller that is neither an initial nor a particle, those listed with only a year
        holding the traveller's year (any date in it when the traveller gives only a year) are kept below
        the share; the scorer weighs them with that evidence. Common parts deferred below are not read."""
        return self._by_share_many([(slots, min_share, year)], weights, particle_weight)[0]

    def _by_share_many(
        self,
        asked: list[tuple[list[WeightedSlot], float, tuple[int, bool] | None]],
        weights: NameWeights,
        particle_weight: float,
    ) -> list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]]:
        """_by_share of several travellers' (slots, min_share, year): what to expand and defer is decided,
        and the expanded names summed, kept and those below the share matched against birth years
        (_share_plan per traveller; _kept_by_share_many for all travellers' expansions at once, keyed
        traveller * name count + name). Each traveller's values are those it gets alone."""
        none = np.empty(0, dtype=np.int64)
        nothing = (none, np.zeros(0), none, none)
        out = [nothing] * len(asked)
        plans = [
            (k, plan)
            for k, (slots, min_share, year) in enumerate(asked)
            if (plan := self._share_plan(slots, weights, min_share, year, particle_weight)) is not None
        ]
        kept = self._kept_by_share_many([plan for _k, plan in plans])
        for (k, plan), (names, shared, extra) in zip(plans, kept, strict=True):
            if not plan.deferred:  # kept here means shared + 0.0 >= min_share: every kept name is good
                out[k] = (names, shared, np.arange(len(names)), extra)
                continue
            for gained in self._deferred_gains(names, plan.deferred, weights):
                shared = shared + gained / plan.total  # deferred common parts, added part by part in order
            out[k] = (names, shared, np.nonzero(shared >= plan.min_share)[0], extra)
        return out

    def _share_plan(
        self,
        slots: list[WeightedSlot],
        weights: NameWeights,
        min_share: float,
        year: tuple[int, bool] | None,
        particle_weight: float,
    ) -> _SharePlan | None:
        """For one traveller, its parts' agreeing listed parts, the rare ones expanded into their names
        (with their gains) and the common ones deferred until the common parts left could not reach the
        share on their own; None when no listed name can be brought in."""
        total = sum(w for _, w in slots)
        if not slots or total <= 0:
            return None
        years = self._year_range(year) if year is not None else None
        parts = []
        known = self._part_cache if weights is self._weights else {}  # agreeing_parts, without a call per part
        for forms, weight in slots:
            ids, sims, size = known.get(forms) or self.agreeing_parts(forms, weights)
            if len(ids):
                parts.append((size, weight, ids, forms, sims))
        parts.sort(key=itemgetter(0))  # rarest first
        reachable = sum(p[1] for p in parts) / total
        if reachable < min_share and years is None:
            return None
        # Expand rare parts until the common ones left could not reach the share on their own.
        plan = _SharePlan(total, min_share, reachable, years)
        strong = max(INITIAL_WEIGHT, particle_weight)
        for position in range(len(parts) - 1, -1, -1):
            size, weight, ids, forms, sims = parts[position]
            if position > 0 and size > COMMON_POSTINGS and (plan.deferred_weight + weight) / total < min_share:
                plan.deferred.append((forms, ids, sims, weight))
                plan.deferred_weight += weight
            else:
                names, best = self._expand(forms, ids, sims)
                plan.expand.append((names, best, weight, weight > strong))
        return plan if plan.expand else None

    def _kept_by_share_many(self, plans: list[_SharePlan]) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
        """Per plan: (its expanded names whose share with the deferred parts' whole weight could reach
        min_share, their shares so far, and the names below it that a strong part holds and that are
        listed with only a year holding the traveller's: see _by_share). Plans expanding at least
        _KEPT_ALONE_ENTRIES names are worked out one by one (_kept_alone: a single part's expansion is
        already sorted and distinct, and needs no sort); the rest, a manifest's few hundred small plans,
        together in one stable sort of keys plan * name count + name (_kept_group), where per-plan calls
        cost more than the work. A name's gains are summed in expansion order either way, so each plan's
        values are those it gets alone."""
        big = [sum(len(names) for names, _b, _w, _s in plan.expand) >= _KEPT_ALONE_ENTRIES for plan in plans]
        together = iter(self._kept_group([plan for plan, alone in zip(plans, big, strict=True) if not alone]))
        return [self._kept_alone(plan) if alone else next(together) for plan, alone in zip(plans, big, strict=True)]

    def _kept_alone(self, plan: _SharePlan) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """_kept_by_share_many of one plan, on its own arrays."""
        if len(plan.expand) == 1:  # one part's expansion: its names are already sorted and distinct
            names, best, weight, strong = plan.expand[0]
            gains = best * weight
            held = np.full(len(names), strong)
        else:
            names = np.concatenate([names for names, _b, _w, _s in plan.expand])
            gains = np.concatenate([best * weight for _n, best, weight, _s in plan.expand])
            order, starts = sorted_runs(names)
            marks = np.concatenate([np.full(len(n), strong) for n, _b, _w, strong in plan.expand])
            held = np.logical_or.reduceat(marks[order], starts)
            names, gains = names[order][starts], np.add.reduceat(gains[order], starts)
        names = names.astype(np.int64, copy=False)
        shared = gains / plan.total
        keep = (shared + plan.deferred_weight / plan.total >= plan.min_share) & (plan.reachable >= plan.min_share)
        if plan.years is None:
            return names[keep], shared[keep], _NO_NAMES
        below = names[~keep & held]
        return names[keep], shared[keep], below[self.data.born_in(below, *plan.years)]

    def _kept_group(self, plans: list[_SharePlan]) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
        """_kept_by_share_many of plans with small expansions, all at once: the names below the share
        that a strong part holds are matched against the traveller's birth year in one search
        (IndexData.born_in), and each plan's values are slices of the whole batch's kept arrays."""
        space = np.int64(max(self.data.name_count, 1))
        plan_numbers: list[int] = []
        name_arrays: list[np.ndarray] = [_NO_NAMES]
        best_arrays: list[np.ndarray] = [np.zeros(0)]
        part_weights: list[float] = []
        strong_parts: list[bool] = []
        for t, plan in enumerate(plans):  # one pass over the pieces (a manifest has about 300)
            for names, best, weight, strong_part in plan.expand:
                plan_numbers.append(t)
                name_arrays.append(names)
                best_arrays.append(best)
                part_weights.append(weight)
                strong_parts.append(strong_part)
        lengths = np.fromiter(map(len, name_arrays[1:]), dtype=np.int64, count=len(plan_numbers))
        owner = np.repeat(np.array(plan_numbers, dtype=np.int64), lengths)
        keys = np.concatenate(name_arrays).astype(np.int64) + owner * space
        # each name's best similarity times its part's weight, multiplied as one array (the same products)
        gains = np.concatenate(best_arrays) * np.repeat(np.array(part_weights, dtype=np.float64), lengths)
        strong = np.repeat(np.array(strong_parts, dtype=np.bool_), lengths)
        if len(keys):
            order, starts = sorted_runs(keys)
            keys, gains = keys[order][starts], np.add.reduceat(gains[order], starts)
            strong = np.logical_or.reduceat(strong[order], starts)
        plan_of = keys // space
        names = keys - plan_of * space
        total = np.array([p.total for p in plans])[plan_of]
        min_share = np.array([p.min_share for p in plans])[plan_of]
        deferred = np.array([p.deferred_weight / p.total for p in plans])[plan_of]
        reachable = np.array([p.reachable >= p.min_share for p in plans], dtype=np.bool_)[plan_of]
        shared = gains / total
        keep = (shared + deferred >= min_share) & reachable
        dated = np.array([p.years is not None for p in plans], dtype=np.bool_)
        below = np.flatnonzero(~keep & strong & dated[plan_of])
        if len(below):
            its_plan = plan_of[below]  # each plan's key range, as two flat arrays (not an array of pairs)
            lo = np.fromiter((p.years[0] if p.years else 0 for p in plans), dtype=np.int64, count=len(plans))
            hi = np.fromiter((p.years[1] if p.years else 0 for p in plans), dtype=np.int64, count=len(plans))
            below = below[self.data.born_in(names[below], lo[its_plan], hi[its_plan])]
        kept = np.flatnonzero(keep)
        kept_names, kept_shared, below_names = names[kept], shared[kept], names[below]
        plans_at = np.arange(len(plans) + 1)
        bounds = np.searchsorted(plan_of[kept], plans_at).tolist()
        below_bounds = np.searchsorted(plan_of[below], plans_at).tolist()
        nothing = (kept_names[:0], kept_shared[:0], below_names[:0])  # most plans keep no name
        return [
            nothing
            if bounds[t] == bounds[t + 1] and below_bounds[t] == below_bounds[t + 1]
            else (
                kept_names[bounds[t] : bounds[t + 1]],
                kept_shared[bounds[t] : bounds[t + 1]],
                below_names[below_bounds[t] : below_bounds[t + 1]],
            )
            for t in range(len(plans))
        ]

    def _year_range(self, year: tuple[int, bool]) -> tuple[int, int] | None:
        """The date of birth keys [lo, hi) a traveller's birth year brings in (index_data.year_keys), or
        None when no listed name has one there (cached: a batch's travellers give a few dozen years)."""
        if year not in self._year_cache:
            if len(self._year_cache) > _CACHE_LIMIT:
                self._year_cache.clear()
            self._year_cache[year] = year_keys(*year) if self.data.any_born_in(*year) else None
        return self._year_cache[year]


@dataclass
class _SharePlan:
    """One traveller's share search (_by_share_many): its total weight, share rule, the share its
    agreeing parts could reach, the date of birth keys of its birth year, the expanded parts' (names, best
    similarities, weight, whether the part is strong: neither an initial nor a particle), and the
    deferred common parts with their summed weight."""

    total: float
    min_share: float
    reachable: float
    years: tuple[int, int] | None  # date of birth keys [lo, hi) of its birth year, None if no name has one
    # names, their best similarity, the part's weight (a name's gain is the two's product), strong
    expand: list[tuple[np.ndarray, np.ndarray, float, bool]] = field(default_factory=list)
    deferred: list[tuple[tuple[str, ...], np.ndarray, np.ndarray, float]] = field(default_factory=list)
    deferred_weight: float = 0.0
