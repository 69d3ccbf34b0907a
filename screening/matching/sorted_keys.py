"""Lookups of many int64 keys among sorted distinct keys, as the batch stages make them (and the stable
sort that groups equal keys, to reduce values by key): a binary search each, and for a few thousand
keys against many wanted ones (most of them absent), a bitmap of the keys' low bits first, so one
gather rules out almost every wanted key and only the rest are searched."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

# Low bits of a key marked in KeyMarks' bitmap (a megabyte): a few thousand keys leave most buckets empty.
MARK_BITS = 20
_MARK_MASK = np.int64((1 << MARK_BITS) - 1)


def sorted_runs(names: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(stable sorting order of non-empty `names`, where each distinct name's run begins in that order):
    several value arrays of the same names can then be reduced by name with one sort."""
    order = np.argsort(names, kind="stable")
    ordered = names[order]
    return order, np.flatnonzero(np.concatenate([[True], ordered[1:] != ordered[:-1]]))


def values_at(keys: np.ndarray, values: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """values[k] where keys[k] == wanted, else 0, for sorted distinct `keys` (a binary search each)."""
    if not len(keys):
        return np.zeros(len(wanted))
    at = np.minimum(np.searchsorted(keys, wanted.astype(keys.dtype, copy=False)), len(keys) - 1)
    return np.where(keys[at] == wanted, values[at], 0.0)


def in_sorted(keys: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """Whether each of `wanted` is among sorted distinct `keys` (a binary search each)."""
    return values_at(keys, np.ones(len(keys)), wanted) > 0


class KeyMarks:
    """One reusable bitmap over the low MARK_BITS bits of int64 keys, all False between calls (clearing
    a megabyte each call would cost more than the lookups)."""

    def __init__(self) -> None:
        self._marks: np.ndarray | None = None

    def marked(self, keys: np.ndarray, wanted: Sequence[np.ndarray]) -> list[np.ndarray]:
        """For each array of `wanted`, whether each key's low bits are those of one of `keys`: True for
        every key among them (and a few others that only share the low bits)."""
        marks = self._marks
        if marks is None:
            marks = self._marks = np.zeros(1 << MARK_BITS, dtype=np.bool_)
        buckets = np.asarray(keys, dtype=np.int64) & _MARK_MASK
        marks[buckets] = True
        try:
            return [marks[np.asarray(w, dtype=np.int64) & _MARK_MASK] for w in wanted]
        finally:
            marks[buckets] = False

    def member(self, keys: np.ndarray, wanted: np.ndarray) -> np.ndarray:
        """Whether each of `wanted` is among the sorted distinct `keys`."""
        found = self.marked(keys, [wanted])[0]
        maybe = np.flatnonzero(found)
        found[maybe] = in_sorted(keys, wanted[maybe])
        return found

    def values_at(self, keys: np.ndarray, values: np.ndarray, wanted: Sequence[np.ndarray]) -> list[np.ndarray]:
        """values_at(keys, values, w) for each array w of `wanted`, searching only the marked keys."""
        out = []
        for w, found in zip(wanted, self.marked(keys, wanted), strict=True):
            maybe = np.flatnonzero(found)
            its = np.zeros(len(w))
            its[maybe] = values_at(keys, values, w[maybe])
            out.append(its)
        return out
