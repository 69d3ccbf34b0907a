"""Stable 64-bit hashes of strings, shared by the matching index and the document registry (a module of its
own so that neither package has to import the other)."""

from __future__ import annotations

import numpy as np
from pandas.util import hash_array


def stable_hashes(keys: list[str]) -> np.ndarray:
    """64-bit hashes that are the same in every process and run (pandas' SipHash with its fixed key;
    Python's hash() is salted per process). Vectorised: millions of keys hash in about a second. A rare
    collision only adds a candidate part, which the similarity check then drops."""
    return hash_array(np.asarray(keys, dtype=object), categorize=False)
