"""Per vocabulary part features the candidate search reads for every (traveller part, listed part) pair
the blocking keys meet: length, first letter, sound code number, letter counts and letter set, hashes
of the first and last CONTAINED_MIN letters, and whether the part is one Chinese syllable. They are
computed when the index is built (or, for the new parts only, updated) and saved with it, so that a
freshly started worker reads them memory-mapped instead of computing them for every part it meets
(about a tenth of a fresh worker's time against a million-name list)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from screening.hashing import stable_hashes
from screening.matching.scoring import CONTAINED_MIN, SYLLABLE_MAX, is_pinyin_syllable, sound_code

# The saved arrays, one row per vocabulary part (index_data._ARRAYS holds them too).
FEATURES = (
    "part_lengths",
    "first_letters",
    "sound_ids",
    "letter_sets",
    "letter_counts",
    "head_hashes",
    "tail_hashes",
    "syllables",
)


def letter_counts(words: list[str]) -> np.ndarray:
    """(len(words), 27): how often each of A-Z occurs in each word, every other character in the last
    column (an overcount of shared letters there keeps bounds built on it safe)."""
    lengths = np.fromiter(map(len, words), dtype=np.int64, count=len(words))
    codes = np.frombuffer("".join(words).encode("utf-32-le"), dtype=np.uint32).astype(np.int64) - ord("A")
    column = np.where((codes >= 0) & (codes < 26), codes, 26)
    cell = np.repeat(np.arange(len(words), dtype=np.int64), lengths) * 27 + column
    counts = np.bincount(cell, minlength=27 * len(words)).reshape(len(words), 27)
    return counts.astype(np.uint16)  # no name part has 65,536 of one letter


def letter_sets(counts: np.ndarray) -> np.ndarray:
    """Rows of letter_counts as bit sets (bit k: column k occurs)."""
    return ((counts > 0).astype(np.int64) << np.arange(counts.shape[1], dtype=np.int64)).sum(axis=1)


def end_hashes(words: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Stable hashes of each word's first and of its last CONTAINED_MIN letters (0 if shorter): one part
    can begin or end another (scoring._contained) only where these agree (a collision only adds a pair
    for the exact test)."""
    long = [k for k, w in enumerate(words) if len(w) >= CONTAINED_MIN]
    heads = np.zeros(len(words), dtype=np.uint64)
    tails = np.zeros(len(words), dtype=np.uint64)
    if long:
        heads[long] = stable_hashes([words[k][:CONTAINED_MIN] for k in long])
        tails[long] = stable_hashes([words[k][-CONTAINED_MIN:] for k in long])
    return heads.view(np.int64), tails.view(np.int64)


def syllable_flags(words: Sequence[str]) -> np.ndarray:
    """Whether each word is one Chinese syllable as pinyin writes it (scoring.is_pinyin_syllable): read
    by the rarity weights' syllable cap and by the candidate search's two-syllables rule
    (scoring.other_syllables), which would otherwise test a regex on every pair of short parts."""
    lengths = np.fromiter(map(len, words), dtype=np.int64, count=len(words))
    flags = np.zeros(len(words), dtype=np.bool_)
    for k in np.flatnonzero(lengths <= SYLLABLE_MAX).tolist():
        flags[k] = is_pinyin_syllable(words[k])
    return flags


def sound_ids(words: list[str], codes: dict[str, int]) -> np.ndarray:
    """Each word's metaphone code as a number, codes numbered as met (extending `codes`)."""
    return np.fromiter((codes.setdefault(sound_code(w), len(codes)) for w in words), np.int32, len(words))


def part_features(words: list[str], codes: dict[str, int]) -> dict[str, np.ndarray]:
    """The FEATURES arrays of `words` (sound codes numbered on from `codes`, which is extended)."""
    counts = letter_counts(words)
    heads, tails = end_hashes(words)
    return {
        "part_lengths": np.fromiter(map(len, words), dtype=np.int64, count=len(words)),
        "first_letters": np.fromiter((ord(w[0]) if w else -1 for w in words), dtype=np.int64, count=len(words)),
        "sound_ids": sound_ids(words, codes),
        "letter_sets": letter_sets(counts).astype(np.int32),  # 27 bits
        "letter_counts": counts,
        "head_hashes": heads,
        "tail_hashes": tails,
        "syllables": syllable_flags(words),
    }


def extended_features(old: dict[str, np.ndarray], codes: dict[str, int], new_words: list[str]) -> dict[str, np.ndarray]:
    """FEATURES of a vocabulary that is the old one with `new_words` appended (an incremental update):
    the old rows kept, only the new words computed."""
    fresh = part_features(new_words, codes)
    return {key: np.concatenate([np.asarray(old[key]), fresh[key]]) for key in FEATURES}
