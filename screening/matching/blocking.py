"""Candidate generation keys. A name part meets every listed part within one edit (delete-one keys, as in
SymSpell: a substitution, insertion, deletion or adjacent swap leaves a shared key), within two edits when
both parts are long (delete-two keys from LONG letters up), every long part with the same first PREFIX
letters (truncated names, and compounds that agree by their long shared head: ABDULAZIZ/ABDULRAHIM,
ABDALRAZZAQ/ABDALAZIZ, three or more edits apart) or the same last SUFFIX letters (IBRAHIM/ABDLRAHIM),
every part that sounds alike (metaphone, from two letters: TO/TAE) and every part with the same
consonant skeleton (MOHAMMAD/MUHAMED -> MD). The union of these keys over all
parts of a name is the candidate set, so a spelling variant is not lost because one key missed it. Keys
are stable 64-bit hashes so the table can be saved, memory-mapped and shared."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

import numpy as np

from screening.hashing import stable_hashes
from screening.matching.scoring import sound_code

_VOWELS = str.maketrans("", "", "AEIOUYHW")
PREFIX = 4  # parts of PREFIX_MIN letters or more also meet parts sharing their first PREFIX letters
PREFIX_MIN = 7
SUFFIX = 5  # parts longer than this also meet parts sharing their last SUFFIX letters
LONG = 5  # parts this long also get delete-two keys (two typos in a long part are common)


def skeleton(token: str) -> str:
    """Consonants with repeats collapsed, vowels and H/W/Y dropped: transliterations of one name agree
    (MOHAMMAD/MUHAMED -> MD, IBRAHIM/EEBRAHIM -> BRM)."""
    out: list[str] = []
    for ch in token.translate(_VOWELS):
        if not out or ch != out[-1]:
            out.append(ch)
    return "".join(out)


def key_strings(token: str) -> set[str]:
    """Blocking keys of one name part."""
    keys = {"=" + token}
    if 2 <= len(token) <= 4:  # short parts: a swap of two letters is the usual typo (YU/UY, AL/LA)
        keys.add("a" + "".join(sorted(token)))
    if len(token) >= 3:
        keys.update(_deletion_keys("=" + token, two=len(token) >= LONG))
    if len(token) >= PREFIX_MIN:  # long parts truncated (machine-readable zones cut long names), compounds
        keys.add("<" + token[:PREFIX])
    if len(token) > SUFFIX:  # compounds with another head (IBRAHIM/ABDLRAHIM)
        keys.add(">" + token[-SUFFIX:])
    if len(token) >= 2 and token.isalpha() and token.isupper():  # not a skeleton form (names.py: lower case)
        keys.add("p" + sound_code(token))  # two letters too: KO/KIU, TO/TAE sound alike
    if len(token) >= 3 and token.isalpha() and token.isupper():
        bones = skeleton(token)
        if len(bones) >= 2:
            keys.add("s" + bones)
    return keys


def _deletion_keys(marked: str, two: bool) -> list[str]:
    """`marked` (the key mark, then the part) with one of the part's letters deleted, and with `two` also
    every two of them (each pair once): the second deletion is made in the first's string, so each key
    is two slices and one join (the index build makes these keys for every listed part)."""
    n = len(marked)
    out = []
    for i in range(1, n):
        once = marked[:i] + marked[i + 1 :]
        out.append(once)
        if two:
            out.extend([once[:j] + once[j + 1 :] for j in range(i, n - 1)])
    return out


@lru_cache(maxsize=200_000)
def token_keys(token: str) -> tuple[int, ...]:
    """Hashed blocking keys of one name part (traveller side; cached as names recur)."""
    return tuple(stable_hashes(list(key_strings(token))).tolist())


def build_key_table(vocabulary: Iterable[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(sorted key hashes, CSR pointer, vocabulary ids) so a key finds every part that has it."""
    return key_table(*vocabulary_keys(vocabulary))


def vocabulary_keys(vocabulary: Iterable[str]) -> tuple[np.ndarray, np.ndarray]:
    """(every part's key hashes, one part after the other; how many each part has): the costly half of
    build_key_table, which a parallel build runs on slices of the vocabulary (key_table joins them)."""
    hashed: list[np.ndarray] = []
    counts: list[int] = []
    chunk: list[str] = []
    for token in vocabulary:  # hashed in chunks: millions of key strings never sit in memory at once
        keys = key_strings(token)
        chunk.extend(keys)
        counts.append(len(keys))
        if len(chunk) > 500_000:
            hashed.append(stable_hashes(chunk))
            chunk = []
    if chunk:
        hashed.append(stable_hashes(chunk))
    keys_arr = np.concatenate(hashed) if hashed else np.empty(0, dtype=np.uint64)
    return keys_arr, np.asarray(counts, dtype=np.int64)


def key_table(hashes: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The key table from vocabulary_keys' output (parts numbered in order)."""
    tokens_arr = np.repeat(np.arange(len(counts), dtype=np.int32), counts)
    order = np.argsort(hashes, kind="stable")
    keys_arr, tokens_arr = hashes[order], tokens_arr[order]
    unique, starts = np.unique(keys_arr, return_index=True)
    pointer = np.append(starts, len(keys_arr)).astype(np.int64)
    return unique, pointer, tokens_arr


def lookup_tokens(token: str, key_hashes: np.ndarray, key_pointer: np.ndarray, key_tokens: np.ndarray) -> np.ndarray:
    """Vocabulary ids sharing at least one key with `token`."""
    wanted = np.fromiter(token_keys(token), dtype=np.uint64)
    positions = np.searchsorted(key_hashes, wanted)
    inside = positions < len(key_hashes)
    positions, wanted = positions[inside], wanted[inside]
    positions = positions[key_hashes[positions] == wanted]
    if not len(positions):
        return np.empty(0, dtype=np.int32)
    found = np.concatenate([key_tokens[key_pointer[p] : key_pointer[p + 1]] for p in positions])
    ordered = np.sort(found)  # np.unique's hash path is slow in numpy 2.4 (see index_data.unique_values)
    return ordered[np.concatenate([[True], ordered[1:] != ordered[:-1]])]
