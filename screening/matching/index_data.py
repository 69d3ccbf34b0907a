"""The watchlist index as flat arrays: every listed name's parts (slots and their forms) as vocabulary ids,
a posting list per name part, rarity weights, and the blocking key table. Flat numpy arrays save to .npy
files that workers memory-map read-only, so a 1M-name index loads in seconds and is shared between
processes; entries are decoded one by one only when they match."""

from __future__ import annotations

import json
import math
import multiprocessing as mp
import os
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

import numpy as np

from screening.errors import InputError
from screening.matching.blocking import build_key_table, key_table, vocabulary_keys
from screening.matching.build_digest import build_code_digest
from screening.matching.names import name_slots, split_packed_names
from screening.matching.part_features import FEATURES, extended_features, part_features
from screening.watchlists.model import WatchlistEntry

# 3: alias qualities in the vocabulary's words; 4: consonant-skeleton forms of Latin parts (names.py)
# 5: blocking keys (blocking.py) changed; 6: part features (part_features.py) saved;
# 7: partial dates of birth in the date table (birth_year_keys); 8: syllable flags among the part features
FORMAT = "screening-watchlist-index/8"
# A build of this many entries or more normalises names in parallel (build_workers()).
PARALLEL_BUILD_MIN = 20_000
MAX_WEIGHT = 3.0  # weight of a part no listed name has (it is as telling as the rarest part)
# The most a single Chinese syllable (ZHANG, CHIANG, HUANG) weighs, however rare on a list: a few hundred
# syllables write every Chinese name, so two people share one far more often than a list's rarity says.
SYLLABLE_MAX_WEIGHT = 1.5  # as a short part (short_part_max_weight in rules/screening.yaml)
_ARRAYS = (
    "token_weight",
    "slot_ptr",
    "form_ptr",
    "slot_forms",
    "slot_particle",
    "name_owner",
    "name_quality",
    "post_ptr",
    "post_names",
    "key_hashes",
    "key_ptr",
    "key_tokens",
    "name_text_ptr",
    "entry_ptr",
    "dob_keys",
    "dob_names",
    *FEATURES,
)


def rarity_weight(document_frequency: np.ndarray, names: int) -> np.ndarray:
    """1 for a part every name has, MAX_WEIGHT for a part only one name has (log-scaled in between):
    MOHAMMED and KHAN tell less than a rare family name."""
    n = max(names, 2)
    df = np.clip(document_frequency.astype(np.float64), 1, n)
    return (1.0 + (MAX_WEIGHT - 1.0) * np.log(n / df) / math.log(n)).astype(np.float32)


def part_weights(document_frequency: np.ndarray, names: int, syllables: np.ndarray) -> np.ndarray:
    """rarity_weight of each vocabulary part, at most SYLLABLE_MAX_WEIGHT for a single Chinese syllable
    (`syllables`: part_features.syllable_flags of the vocabulary)."""
    weights = rarity_weight(document_frequency, names)
    weights[syllables] = np.minimum(weights[syllables], SYLLABLE_MAX_WEIGHT)
    return weights


def dob_key(value: str | None) -> int | None:
    """A full date of birth (YYYY-MM-DD...) as the integer YYYYMMDD, or None (partial, range, unreadable)."""
    text = (value or "").strip()[:10]
    if len(text) != 10 or text[4] != "-" or text[7] != "-":
        return None
    digits = text[:4] + text[5:7] + text[8:10]
    return int(digits) if digits.isdigit() and digits[4:6] != "00" and digits[6:] != "00" else None


# A listed year range wider than this says too little to bring a name in by its year (birth_year_keys).
YEAR_RANGE_MAX = 10


def birth_year_keys(value: str | None) -> list[int]:
    """The date-table keys (YYYY0000) of a partial listed date of birth: a year, a year and month, or a
    year range (UN BETWEEN, 1965/1967) of at most YEAR_RANGE_MAX years; none for a full date (dob_key)
    or an unreadable one. Month 00 never collides with a full date's key."""
    text = (value or "").strip()
    if dob_key(text) is not None:
        return []
    if "/" in text:
        low, _, high = text.partition("/")
        readable = low.isdigit() and high.isdigit() and len(low) == len(high) == 4
        if readable and 0 <= int(high) - int(low) < YEAR_RANGE_MAX:
            return [year * 10000 for year in range(int(low), int(high) + 1)]
        return []
    year = text[:4]
    return [int(year) * 10000] if len(year) == 4 and year.isdigit() and text[4:5] in ("", "-") else []


def traveller_birth_year(value: str | None) -> tuple[int, bool] | None:
    """(year, whether the traveller gives only part of the date) of a traveller's date of birth, or None."""
    text = (value or "").strip()
    year = text[:4]
    if len(year) != 4 or not year.isdigit():
        return None
    return int(year), dob_key(text) is None


DOB_SPAN = 10**8  # date of birth keys (YYYYMMDD, YYYY0000) are below this


def year_keys(year: int, any_date: bool) -> tuple[int, int]:
    """[lo, hi) of the date of birth keys a birth year brings in: the year alone (YYYY0000, an entry
    that gives only the year), or with any_date every date in the year."""
    key = year * 10000
    return key, key + (10000 if any_date else 1)


def _dob_by_name(
    dob_names: np.ndarray, dob_keys: np.ndarray, name_count: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """born_in's arrays: the (name, date) pairs as name * DOB_SPAN + date, sorted, and each name's
    earliest and latest date key (DOB_SPAN and -1 for a name whose entry gives none)."""
    names, keys = np.asarray(dob_names, dtype=np.int64), np.asarray(dob_keys, dtype=np.int64)
    earliest = np.full(name_count, DOB_SPAN, dtype=np.int64)
    latest = np.full(name_count, -1, dtype=np.int64)
    np.minimum.at(earliest, names, keys)
    np.maximum.at(latest, names, keys)
    return np.sort(names * DOB_SPAN + keys), earliest, latest


def _dob_table(dobs: np.ndarray, names: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(dob_keys, dob_names): every (full date of birth, listed name) pair, and (YYYY0000, name) for each
    year a partial date gives (birth_year_keys), sorted by date then name."""
    keys = np.asarray(dobs, dtype=np.int64)
    values = np.asarray(names, dtype=np.int32)
    order = np.lexsort((values, keys))
    return keys[order], values[order]


def _pointer(lengths: Sequence[int] | np.ndarray) -> np.ndarray:
    """Where each of consecutive pieces of these lengths begins, and the end (a CSR pointer)."""
    return np.concatenate([[0], np.cumsum(lengths, dtype=np.int64)]).astype(np.int64)


def unique_values(values: np.ndarray) -> np.ndarray:
    """np.unique(values), by sorting: numpy 2.4's hash-based np.unique (used when no index, inverse or
    counts is asked for) takes seconds on a few million int64 values that a sort handles in 0.1 s."""
    ordered = np.sort(np.asarray(values).ravel())
    if len(ordered) < 2:
        return ordered
    keep = np.empty(len(ordered), dtype=np.bool_)
    keep[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=keep[1:])
    return ordered[keep]


def _ranges(starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Concatenation of arange(starts[k], ends[k]) for all k, without a Python loop."""
    lengths = np.asarray(ends, dtype=np.int64) - starts
    total = int(lengths.sum())
    if not total:
        return np.zeros(0, dtype=np.int64)
    offsets = np.repeat(starts - np.concatenate([[0], np.cumsum(lengths)[:-1]]), lengths)
    return np.arange(total, dtype=np.int64) + offsets


def _encode(
    entries: Sequence[WatchlistEntry], first_position: int, vocab: dict[str, int], qualities: dict[str, int]
) -> dict[str, np.ndarray]:
    """Name arrays of `entries` (owners numbered from first_position), extending vocab and qualities."""
    slot_ptr, form_ptr, slot_forms, slot_particle = [0], [0], [], []
    name_owner: list[int] = []
    name_quality: list[int] = []
    texts: list[bytes] = []
    dobs: list[int] = []
    dob_names: list[int] = []
    for position, entry in enumerate(entries, start=first_position):
        full = {k for k in map(dob_key, entry.dates_of_birth) if k is not None}
        full.update(k for value in entry.dates_of_birth for k in birth_year_keys(value))
        for n, raw in enumerate(entry.names):
            quality = "primary" if n == 0 else (entry.alias_quality[n - 1] if n - 1 < len(entry.alias_quality) else "")
            for name in split_packed_names(raw):
                slots = name_slots.__wrapped__(name)  # uncached: a build sees each name once
                if not slots:
                    continue
                for slot in slots:
                    for form in slot.listed_forms():
                        slot_forms.append(vocab.setdefault(form, len(vocab)))
                    form_ptr.append(len(slot_forms))
                    slot_particle.append(slot.particle)
                slot_ptr.append(len(form_ptr) - 1)
                for key in full:
                    dobs.append(key)
                    dob_names.append(len(name_owner))
                name_owner.append(position)
                name_quality.append(qualities.setdefault(quality, len(qualities)))
                texts.append(name.encode())
    lengths = np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts))
    return {
        "slot_ptr": np.asarray(slot_ptr, dtype=np.int64),
        "form_ptr": np.asarray(form_ptr, dtype=np.int64),
        "slot_forms": np.asarray(slot_forms, dtype=np.int32),
        "slot_particle": np.asarray(slot_particle, dtype=np.bool_),
        "name_owner": np.asarray(name_owner, dtype=np.int32),
        "name_quality": np.asarray(name_quality, dtype=np.int16),
        "name_text_ptr": _pointer(lengths),
        "name_text": np.frombuffer(b"".join(texts), dtype=np.uint8),
        "dob_pairs": np.array([dobs, dob_names], dtype=np.int64).reshape(2, -1),  # (date, name in this batch)
    }


def _concat_names(first: dict[str, np.ndarray], second: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Name arrays of `first` followed by `second` (pointers shifted)."""
    out = {}
    shift = {
        "slot_ptr": len(first["form_ptr"]) - 1,
        "form_ptr": len(first["slot_forms"]),
        "name_text_ptr": len(first["name_text"]),
    }
    for key, values in first.items():
        if key == "dob_pairs":  # the second batch's names come after the first's
            later = second[key] + np.array([[0], [len(first["name_owner"])]], dtype=np.int64)
            out[key] = np.concatenate([values, later], axis=1)
        elif key in shift:
            out[key] = np.concatenate([values, second[key][1:] + shift[key]]).astype(np.int64)
        else:
            out[key] = np.concatenate([values, second[key]]).astype(values.dtype)
    return out


def _merge_keys(
    old: tuple[np.ndarray, np.ndarray, np.ndarray], new: tuple[np.ndarray, np.ndarray, np.ndarray]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One key table from two (sorted hashes, CSR pointer, token ids); two sorted runs merge in linear
    time with a stable sort."""
    hashes = np.concatenate([np.repeat(old[0], np.diff(old[1])), np.repeat(new[0], np.diff(new[1]))])
    tokens = np.concatenate([np.asarray(old[2], dtype=np.int32), np.asarray(new[2], dtype=np.int32)])
    order = np.argsort(hashes, kind="stable")
    hashes, tokens = hashes[order], tokens[order]
    unique, starts = np.unique(hashes, return_index=True)
    return unique, np.append(starts, len(hashes)).astype(np.int64), tokens


def build_workers(entries: int) -> int:
    """Processes for a full build: up to two (the deployment's cores) for a big list; one for a small
    list, inside a daemon process (which may not fork workers) or where fork is unavailable."""
    if entries < PARALLEL_BUILD_MIN:
        return 1
    if mp.current_process().daemon or "fork" not in mp.get_all_start_methods():
        return 1
    return min(2, os.cpu_count() or 1)


_BUILD_ENTRIES: Sequence[WatchlistEntry] = ()  # set for the forked build workers only


def _encode_slice(bounds: tuple[int, int]) -> tuple[dict[str, np.ndarray], list[str], list[str]]:
    """In a build worker: _encode of entries[lo:hi] with its own vocabulary and qualities."""
    lo, hi = bounds
    vocab: dict[str, int] = {}
    qualities: dict[str, int] = {"": 0}
    names = _encode(_BUILD_ENTRIES[lo:hi], lo, vocab, qualities)
    return names, list(vocab), list(qualities)


def _build_parallel(
    entries: Sequence[WatchlistEntry], workers: int
) -> tuple[dict[str, np.ndarray], list[str], list[str], tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """(name arrays, vocabulary, qualities, key table) as the one-process build gives them: slices of the
    entries encoded in forked workers, their vocabularies merged in slice order (a part keeps the number
    of its first occurrence), then the key hashes of slices of the merged vocabulary."""
    global _BUILD_ENTRIES
    bounds = np.linspace(0, len(entries), workers + 1).astype(np.int64).tolist()
    _BUILD_ENTRIES = entries
    try:
        with mp.get_context("fork").Pool(workers) as pool:
            parts = pool.map(_encode_slice, list(zip(bounds[:-1], bounds[1:], strict=True)), chunksize=1)
            vocab: dict[str, int] = {}
            qualities: dict[str, int] = {"": 0}
            merged: dict[str, np.ndarray] | None = None
            for names, local_vocab, local_qualities in parts:
                to_global = np.fromiter(
                    (vocab.setdefault(t, len(vocab)) for t in local_vocab), dtype=np.int32, count=len(local_vocab)
                )
                quality_of = np.array([qualities.setdefault(q, len(qualities)) for q in local_qualities], np.int16)
                names["slot_forms"] = to_global[names["slot_forms"]] if len(to_global) else names["slot_forms"]
                names["name_quality"] = quality_of[names["name_quality"]]
                merged = names if merged is None else _concat_names(merged, names)
            vocabulary = list(vocab)
            cut = np.linspace(0, len(vocabulary), workers + 1).astype(np.int64).tolist()
            hashed = pool.map(vocabulary_keys, [vocabulary[a:b] for a, b in zip(cut[:-1], cut[1:], strict=True)])
    finally:
        _BUILD_ENTRIES = ()
    assert merged is not None
    keys = key_table(np.concatenate([h for h, _ in hashed]), np.concatenate([c for _, c in hashed]))
    return merged, vocabulary, list(qualities), keys


class GatheredSlots(NamedTuple):
    """Listed names' slots and their forms, flattened in name, slot and form order (gather_slots): what
    the batch scorer, the quick estimate and the name bounds read of every candidate."""

    slot_lo: np.ndarray  # each name's first slot
    slot_count: np.ndarray  # each name's number of slots
    slot_index: np.ndarray  # every slot of every name
    form_lo: np.ndarray  # each slot's first form
    form_count: np.ndarray  # each slot's number of forms
    forms: np.ndarray  # every form (vocabulary id) of every slot


class LazyEntries(Sequence[WatchlistEntry]):
    """Entries stored as JSON records in one memory-mapped blob, decoded on access."""

    def __init__(self, blob: np.ndarray, pointer: np.ndarray):
        self._blob, self._ptr = blob, pointer

    def __len__(self) -> int:
        return len(self._ptr) - 1

    def records(self) -> list[bytes]:
        blob, ptr = self._blob, self._ptr.tolist()
        return [bytes(blob[ptr[k] : ptr[k + 1]]) for k in range(len(ptr) - 1)]

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        raw = bytes(self._blob[self._ptr[i] : self._ptr[i + 1]])
        return WatchlistEntry(**json.loads(raw))


class IndexData:
    """Arrays of one index; build() from entries or load() from a saved folder."""

    # The flat arrays of _ARRAYS, set from `arrays` in __init__ (declared here for type checkers).
    token_weight: np.ndarray
    slot_ptr: np.ndarray
    form_ptr: np.ndarray
    slot_forms: np.ndarray
    slot_particle: np.ndarray
    name_owner: np.ndarray
    name_quality: np.ndarray
    post_ptr: np.ndarray
    post_names: np.ndarray
    key_hashes: np.ndarray
    key_ptr: np.ndarray
    key_tokens: np.ndarray
    name_text_ptr: np.ndarray
    entry_ptr: np.ndarray
    dob_keys: np.ndarray
    dob_names: np.ndarray
    part_lengths: np.ndarray
    first_letters: np.ndarray
    sound_ids: np.ndarray
    letter_sets: np.ndarray
    letter_counts: np.ndarray
    head_hashes: np.ndarray
    tail_hashes: np.ndarray
    syllables: np.ndarray

    def __init__(
        self,
        arrays: dict[str, np.ndarray],
        vocabulary: list[str],
        qualities: list[str],
        name_text: np.ndarray,
        entries: Sequence[WatchlistEntry],
        meta: dict[str, object],
        sound_codes: list[str],
    ):
        self.__dict__.update(arrays)
        self.arrays = arrays
        self.sound_codes = sound_codes  # sound_ids[k] is the number of sound_codes' code of part k
        self._sound_numbers: dict[str, int] | None = None
        self._dob_by_name: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None  # born_in's, on first use
        self.vocabulary = vocabulary
        self.vocab_ids = {t: i for i, t in enumerate(vocabulary)}
        self.qualities = qualities
        self.name_text = name_text
        self.entries = entries
        self.meta = meta

    def sound_numbers(self) -> dict[str, int]:
        """Sound code -> its number in sound_ids (made once, on first use)."""
        if self._sound_numbers is None:
            self._sound_numbers = {code: k for k, code in enumerate(self.sound_codes)}
        return self._sound_numbers

    @property
    def name_count(self) -> int:
        return len(self.name_owner)

    def listed_name(self, name: int) -> str:
        return bytes(self.name_text[self.name_text_ptr[name] : self.name_text_ptr[name + 1]]).decode()

    def gather_slots(self, names: np.ndarray) -> GatheredSlots:
        """The slots and forms of many listed names at once (int64 name numbers, any order)."""
        slot_lo, slot_hi = self.slot_ptr[names], self.slot_ptr[names + 1]
        slot_index = _ranges(slot_lo, slot_hi)
        form_lo, form_hi = self.form_ptr[slot_index], self.form_ptr[slot_index + 1]
        forms = self.slot_forms[_ranges(form_lo, form_hi)]
        return GatheredSlots(slot_lo, slot_hi - slot_lo, slot_index, form_lo, form_hi - form_lo, forms)

    def name_forms(self, name: int) -> list[tuple[tuple[str, ...], bool, tuple[int, ...]]]:
        """(forms, is particle, vocabulary ids of the forms) per slot of one listed name."""
        vocab = self.vocabulary
        out = []
        for slot in range(self.slot_ptr[name], self.slot_ptr[name + 1]):
            ids = self.slot_forms[self.form_ptr[slot] : self.form_ptr[slot + 1]].tolist()
            out.append((tuple(vocab[i] for i in ids), bool(self.slot_particle[slot]), tuple(ids)))
        return out

    @classmethod
    def build(cls, entries: list[WatchlistEntry], version: str, workers: int | None = None) -> IndexData:
        """The index of `entries`; with workers > 1 (by default build_workers()), names are normalised and
        blocking keys hashed in that many forked processes, giving the same arrays as one process."""
        workers = build_workers(len(entries)) if workers is None else workers
        if workers > 1:
            names, vocabulary, quality_list, keys = _build_parallel(entries, workers)
            return cls._assemble(names, vocabulary, quality_list, keys, entries, version)
        vocab: dict[str, int] = {}
        qualities: dict[str, int] = {"": 0}
        names = _encode(entries, 0, vocab, qualities)
        vocabulary = list(vocab)
        keys = build_key_table(vocabulary)
        return cls._assemble(names, vocabulary, list(qualities), keys, entries, version)

    @classmethod
    def _assemble(
        cls,
        names: dict[str, np.ndarray],
        vocabulary: list[str],
        qualities: list[str],
        keys: tuple[np.ndarray, np.ndarray, np.ndarray],
        entries: Sequence[WatchlistEntry],
        version: str,
        previous: IndexData | None = None,
    ) -> IndexData:
        """The index from its name arrays (slot_ptr, form_ptr, slot_forms, slot_particle, name_owner,
        name_quality, name_text_ptr, name_text) and key table: postings and rarity weights derived with
        numpy, the same for a build and an update. The part features (part_features.py) are computed for
        the whole vocabulary, or with `previous` (an update: its vocabulary begins this one) for the
        parts it lacks only."""
        arrays = {k: v for k, v in names.items() if k not in ("name_text", "dob_pairs")}
        arrays["dob_keys"], arrays["dob_names"] = _dob_table(names["dob_pairs"][0], names["dob_pairs"][1])
        name_count = len(arrays["name_owner"])
        # Postings: which names contain each vocabulary token (in any slot, any form).
        slot_name = np.repeat(np.arange(name_count, dtype=np.int64), np.diff(arrays["slot_ptr"]))
        form_name = np.repeat(slot_name, np.diff(arrays["form_ptr"]))
        width = max(name_count, 1)
        pairs = unique_values(arrays["slot_forms"].astype(np.int64) * width + form_name)
        arrays["post_names"] = (pairs % width).astype(np.int32)
        counts = np.bincount(pairs // width, minlength=len(vocabulary))
        arrays["post_ptr"] = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        arrays["key_hashes"], arrays["key_ptr"], arrays["key_tokens"] = keys
        arrays["entry_ptr"] = np.zeros(1, dtype=np.int64)
        if previous is None:
            codes: dict[str, int] = {}
            arrays.update(part_features(vocabulary, codes))
        else:
            codes = dict(previous.sound_numbers())
            old = {key: previous.arrays[key] for key in FEATURES}
            arrays.update(extended_features(old, codes, vocabulary[len(previous.vocabulary) :]))
        arrays["token_weight"] = part_weights(counts, name_count, arrays["syllables"])
        live = int(np.count_nonzero(counts))
        meta = {
            "format": FORMAT,
            "code": build_code_digest(),
            "version": version,
            "entries": len(entries),
            "names": name_count,
            "vocabulary": live,
        }
        return cls(arrays, vocabulary, qualities, names["name_text"], entries, meta, list(codes))

    def records(self) -> list[bytes]:
        """Each entry as its stored JSON record (raw bytes from the saved blob when memory-mapped)."""
        if isinstance(self.entries, LazyEntries):
            return self.entries.records()
        return [json.dumps(vars(e), ensure_ascii=False).encode() for e in self.entries]

    def update(self, removed: Sequence[int], added: list[WatchlistEntry], version: str) -> IndexData:
        """This index with the entries at positions `removed` taken out and `added` appended, without a
        rebuild: only the added names are normalised and only new name parts get blocking keys; the kept
        names' arrays are sliced and the key table merged (numpy). Screening it gives the answers a full
        build of (kept entries in order, then added) gives; name parts no entry has any more stay in the
        vocabulary with no postings and count as unknown."""
        gone = np.zeros(len(self.entries), dtype=np.bool_)
        gone[np.asarray(removed, dtype=np.int64)] = True
        kept_entries = np.nonzero(~gone)[0]
        new_position = np.full(len(self.entries), -1, dtype=np.int64)
        new_position[kept_entries] = np.arange(len(kept_entries))
        kept_names = np.nonzero(~gone[self.name_owner])[0]
        # Kept names, sliced out of the flat arrays.
        slot_lo, slot_hi = self.slot_ptr[kept_names], self.slot_ptr[kept_names + 1]
        slots = _ranges(slot_lo, slot_hi)
        form_lo, form_hi = self.form_ptr[slots], self.form_ptr[slots + 1]
        text_lo, text_hi = self.name_text_ptr[kept_names], self.name_text_ptr[kept_names + 1]
        kept = {
            "slot_ptr": _pointer(slot_hi - slot_lo),
            "form_ptr": _pointer(form_hi - form_lo),
            "slot_forms": np.asarray(self.slot_forms[_ranges(form_lo, form_hi)], dtype=np.int32),
            "slot_particle": np.asarray(self.slot_particle[slots], dtype=np.bool_),
            "name_owner": new_position[self.name_owner[kept_names]].astype(np.int32),
            "name_quality": np.asarray(self.name_quality[kept_names], dtype=np.int16),
            "name_text_ptr": _pointer(text_hi - text_lo),
            "name_text": np.asarray(self.name_text[_ranges(text_lo, text_hi)], dtype=np.uint8),
            "dob_pairs": self._kept_dob_pairs(kept_names),
        }
        vocab = dict(self.vocab_ids)
        qualities = {q: i for i, q in enumerate(self.qualities)}
        fresh = _encode(added, len(kept_entries), vocab, qualities)
        names = _concat_names(kept, fresh)
        vocabulary = list(vocab)
        new_hashes, new_ptr, new_tokens = build_key_table(vocabulary[len(self.vocabulary) :])
        keys = _merge_keys(
            (self.key_hashes, self.key_ptr, self.key_tokens), (new_hashes, new_ptr, new_tokens + len(self.vocabulary))
        )
        records = self.records()
        blob = b"".join(
            [
                *(records[i] for i in kept_entries.tolist()),
                *(json.dumps(vars(e), ensure_ascii=False).encode() for e in added),
            ]
        )
        lengths = [len(records[i]) for i in kept_entries.tolist()] + [
            len(json.dumps(vars(e), ensure_ascii=False).encode()) for e in added
        ]
        entries = LazyEntries(np.frombuffer(blob, dtype=np.uint8), _pointer(np.asarray(lengths, dtype=np.int64)))
        return IndexData._assemble(names, vocabulary, list(qualities), keys, entries, version, previous=self)

    def _kept_dob_pairs(self, kept_names: np.ndarray) -> np.ndarray:
        """(date, new name number) of the kept names' dates of birth (kept names renumbered 0, 1, ...)."""
        renumber = np.full(self.name_count, -1, dtype=np.int64)
        renumber[kept_names] = np.arange(len(kept_names))
        names = renumber[np.asarray(self.dob_names, dtype=np.int64)]
        kept = names >= 0
        return np.stack([np.asarray(self.dob_keys, dtype=np.int64)[kept], names[kept]])

    def names_born(self, dob: int) -> np.ndarray:
        """Listed names whose entry gives this full date of birth (YYYYMMDD), in name order."""
        return self.names_born_many([dob])[0]

    def names_born_many(self, dobs: Sequence[int]) -> list[np.ndarray]:
        """names_born of each of several dates in one search (a batch asks for hundreds)."""
        wanted = np.asarray(dobs, dtype=np.int64)
        lo = np.searchsorted(self.dob_keys, wanted).tolist()
        hi = np.searchsorted(self.dob_keys, wanted + 1).tolist()
        return [np.asarray(self.dob_names[a:b], dtype=np.int64) for a, b in zip(lo, hi, strict=True)]

    def any_born_in(self, year: int, any_date: bool) -> bool:
        """Whether any listed name's entry gives a date of birth key in year_keys(year, any_date)."""
        lo, hi = np.searchsorted(self.dob_keys, year_keys(year, any_date))
        return bool(hi > lo)

    def born_in(self, names: np.ndarray, lo: np.ndarray | int, hi: np.ndarray | int) -> np.ndarray:
        """Whether each name's entry gives a date of birth key in [lo, hi) (year_keys: only the year, or with
        any_date any date in it). Each name's earliest and latest key decide it unless they straddle
        the range; only those are searched among the (name, date) pairs sorted by name. A manifest asks
        for sixteen thousand names at once (each traveller's names below the share, against its year)."""
        if self._dob_by_name is None:
            self._dob_by_name = _dob_by_name(self.dob_names, self.dob_keys, self.name_count)
        table, earliest, latest = self._dob_by_name
        names = np.asarray(names, dtype=np.int64)
        first, last = earliest[names], latest[names]
        lo, hi = np.broadcast_to(lo, names.shape), np.broadcast_to(hi, names.shape)
        out = (last >= lo) & (first < hi)
        straddle = np.flatnonzero(out & (first < lo) & (last >= hi))
        if len(straddle):
            base = names[straddle] * DOB_SPAN
            at = np.searchsorted(table, base + lo[straddle])
            out[straddle] = table[np.minimum(at, len(table) - 1)] < base + hi[straddle]
        return out

    def save(self, folder: str | Path) -> None:
        """Write the arrays (.npy, memory-mappable), vocabulary, names and entries to `folder`."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        records = self.records()
        lengths = np.fromiter((len(r) for r in records), dtype=np.int64, count=len(records))
        entry_ptr = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
        (folder / "entries.bin").write_bytes(b"".join(records))
        (folder / "names.bin").write_bytes(self.name_text.tobytes())
        (folder / "vocabulary.txt").write_text("\n".join(self.vocabulary), encoding="utf-8")
        (folder / "sound_codes.json").write_text(json.dumps(self.sound_codes, ensure_ascii=False), encoding="utf-8")
        for key in _ARRAYS:
            np.save(folder / f"{key}.npy", entry_ptr if key == "entry_ptr" else self.arrays[key])
        (folder / "meta.json").write_text(json.dumps({**self.meta, "qualities": self.qualities}, indent=1))

    @classmethod
    def load(cls, folder: str | Path) -> IndexData:
        """Memory-map a saved index read-only (pages are shared between worker processes). A missing,
        truncated or inconsistent index raises InputError naming the folder and what is wrong."""
        folder = Path(folder)
        try:
            data = cls._load(folder)
        except InputError:
            raise
        except (OSError, ValueError, KeyError, TypeError, EOFError) as exc:
            raise InputError(f"{folder}: not a readable {FORMAT} index ({type(exc).__name__}: {exc})") from exc
        problem = data._inconsistency()
        if problem:
            raise InputError(f"{folder}: corrupt {FORMAT} index: {problem}")
        return data

    @classmethod
    def _load(cls, folder: Path) -> IndexData:
        meta = json.loads((folder / "meta.json").read_text())
        if not isinstance(meta, dict) or meta.get("format") != FORMAT:
            raise InputError(f"{folder}: not a {FORMAT} index")
        if meta.get("code") != build_code_digest():
            raise InputError(
                f"{folder}: built by other name-matching code (digest {meta.get('code')}, this code is "
                f"{build_code_digest()}): build the index again"
            )
        # Plain ndarray views of the memory maps: same shared pages, without np.memmap's per-slice cost.
        arrays = {key: np.load(folder / f"{key}.npy", mmap_mode="r").view(np.ndarray) for key in _ARRAYS}
        for small in ("token_weight", "key_hashes", "dob_keys"):  # searched on every query: keep in memory
            arrays[small] = np.ascontiguousarray(arrays[small])
        text = (folder / "vocabulary.txt").read_text(encoding="utf-8")
        vocabulary = text.split("\n") if text else []
        name_text = (
            np.memmap(folder / "names.bin", dtype=np.uint8, mode="r").view(np.ndarray)
            if (folder / "names.bin").stat().st_size
            else np.zeros(0, dtype=np.uint8)
        )
        blob = (
            np.memmap(folder / "entries.bin", dtype=np.uint8, mode="r").view(np.ndarray)
            if (folder / "entries.bin").stat().st_size
            else np.zeros(0, dtype=np.uint8)
        )
        entries = LazyEntries(blob, arrays["entry_ptr"])
        sound_codes = json.loads((folder / "sound_codes.json").read_text(encoding="utf-8"))
        return cls(arrays, vocabulary, meta.pop("qualities"), name_text, entries, meta, sound_codes)

    def _inconsistency(self) -> str | None:
        """What does not add up between the arrays (a truncated or mixed-up save), or None."""
        checks = [
            (
                "names",
                len(self.slot_ptr) - 1
                == len(self.name_owner)
                == len(self.name_quality)
                == len(self.name_text_ptr) - 1
                == self.meta.get("names"),
            ),
            ("slots", int(self.slot_ptr[-1]) == len(self.form_ptr) - 1 == len(self.slot_particle)),
            ("forms", int(self.form_ptr[-1]) == len(self.slot_forms)),
            ("vocabulary", len(self.post_ptr) - 1 == len(self.vocabulary) == len(self.token_weight)),
            ("part features", all(len(self.arrays[key]) == len(self.vocabulary) for key in FEATURES)),
            ("sound codes", not len(self.sound_ids) or int(self.sound_ids.max()) < len(self.sound_codes)),
            ("postings", int(self.post_ptr[-1]) == len(self.post_names)),
            ("keys", len(self.key_ptr) - 1 == len(self.key_hashes) and int(self.key_ptr[-1]) == len(self.key_tokens)),
            ("name text", int(self.name_text_ptr[-1]) == len(self.name_text)),
            ("dates of birth", len(self.dob_keys) == len(self.dob_names)),
            (
                "entries",
                len(self.entries) == self.meta.get("entries") and int(self.entry_ptr[-1]) == len(self.entries._blob)
                if isinstance(self.entries, LazyEntries)
                else True,
            ),
        ]
        bad = [what for what, ok in checks if not ok]
        if bad:
            return f"{', '.join(bad)} do not match the other arrays"
        owners = self.name_owner
        if len(owners) and (int(owners.max()) >= len(self.entries) or int(owners.min()) < 0):
            return "names point to entries that are not there"
        return None
