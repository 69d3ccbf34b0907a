"""sorted_keys: the bitmap-filtered lookups give what a binary search of every wanted key gives."""

from __future__ import annotations

import numpy as np

from screening.matching.sorted_keys import MARK_BITS, KeyMarks, in_sorted, values_at


def _keys_and_wanted(seed: int) -> tuple[np.ndarray, np.ndarray, list[np.ndarray]]:
    rng = np.random.default_rng(seed)
    keys = np.unique(rng.integers(0, 1 << 40, 3000, dtype=np.int64))
    values = rng.random(len(keys)) + 0.5
    # wanted: some keys, some absent keys sharing a key's low bits (the bitmap lets them through), others
    shifted = keys[:500] + (np.int64(1) << MARK_BITS) * rng.integers(1, 50, 500)
    absent = shifted[~np.isin(shifted, keys)]
    wanted = [rng.permutation(np.concatenate([keys[::7], absent, rng.integers(0, 1 << 40, 2000)])) for _ in range(3)]
    return keys, values, wanted


def test_values_at_through_the_bitmap_is_the_plain_search() -> None:
    keys, values, wanted = _keys_and_wanted(3)
    marks = KeyMarks()
    got = marks.values_at(keys, values, wanted)
    for w, its in zip(wanted, got, strict=True):
        assert np.array_equal(its, values_at(keys, values, w))
        assert (its > 0).sum() == np.isin(w, keys).sum() > 0


def test_member_is_membership_and_leaves_the_bitmap_clear() -> None:
    keys, _values, wanted = _keys_and_wanted(5)
    marks = KeyMarks()
    assert np.array_equal(marks.member(keys, wanted[0]), np.isin(wanted[0], keys))
    assert np.array_equal(in_sorted(keys, wanted[1]), np.isin(wanted[1], keys))
    # a later call with other keys sees none of the earlier calls' marks: exactly its own keys' low bits
    low = (1 << MARK_BITS) - 1
    other = keys[:10] + 1
    assert np.array_equal(marks.marked(other, [keys])[0], np.isin(keys & low, other & low))
