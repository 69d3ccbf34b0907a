"""Candidate generation keys. A name part meets every listed part within one edit (delete-one keys, as in
SymSpell: a substitution, insertion, deletion or adjacent swap leaves a shared key), every part that sounds
alike (metaphone) and every part with the same consonant skeleton (MOHAMMAD/MUHAMED -> MD). The union of
these keys over all parts of a name is the candidate set, so a spelling variant is not lost because one
key missed it. Keys are stable 64-bit hashes so the table can be saved and memory-mapped."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from functools import lru_cache

import numpy as np

from screening.matching.scoring import _metaphone

_VOWELS = str.maketrans("", "", "AEIOUYHW")


def stable_hash(key: str) -> int:
    """64-bit hash that is the same in every process (Python's hash() is salted per process)."""
    return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "little") >> 1


def skeleton(token: str) -> str:
    """Consonants with repeats collapsed, vowels and H/W/Y dropped: transliterations of one name agree
    (MOHAMMAD/MUHAMED -> MD, IBRAHIM/EEBRAHIM -> BRM)."""
    out: list[str] = []
    for ch in token.translate(_VOWELS):
        if not out or ch != out[-1]:
            out.append(ch)
    return "".join(out)


@lru_cache(maxsize=1_000_000)
def token_keys(token: str) -> tuple[int, ...]:
    """Hashed blocking keys of one name part."""
    keys = {"=" + token}
    if len(token) >= 3:
        keys.update("=" + token[:i] + token[i + 1 :] for i in range(len(token)))
    if len(token) >= 4 and token.isalpha():
        keys.add("p" + _metaphone(token))
        bones = skeleton(token)
        if len(bones) >= 2:
            keys.add("s" + bones)
    return tuple(stable_hash(k) for k in keys)


def build_key_table(vocabulary: Iterable[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(sorted key hashes, CSR pointer, vocabulary ids) so a key finds every part that has it."""
    pairs_key: list[int] = []
    pairs_token: list[int] = []
    for token_id, token in enumerate(vocabulary):
        keys = token_keys(token)
        pairs_key.extend(keys)
        pairs_token.extend([token_id] * len(keys))
    keys_arr = np.asarray(pairs_key, dtype=np.uint64)
    tokens_arr = np.asarray(pairs_token, dtype=np.int32)
    order = np.argsort(keys_arr, kind="stable")
    keys_arr, tokens_arr = keys_arr[order], tokens_arr[order]
    unique, starts = np.unique(keys_arr, return_index=True)
    pointer = np.append(starts, len(keys_arr)).astype(np.int64)
    return unique, pointer, tokens_arr


def lookup_tokens(token: str, key_hashes: np.ndarray, key_pointer: np.ndarray,
                  key_tokens: np.ndarray) -> np.ndarray:
    """Vocabulary ids sharing at least one key with `token`."""
    wanted = np.fromiter(token_keys(token), dtype=np.uint64)
    positions = np.searchsorted(key_hashes, wanted)
    inside = positions < len(key_hashes)
    positions, wanted = positions[inside], wanted[inside]
    positions = positions[key_hashes[positions] == wanted]
    if not len(positions):
        return np.empty(0, dtype=np.int32)
    return np.unique(np.concatenate([key_tokens[key_pointer[p] : key_pointer[p + 1]] for p in positions]))
