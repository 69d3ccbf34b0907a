"""The watchlist index as flat arrays: every listed name's parts (slots and their forms) as vocabulary ids,
a posting list per name part, rarity weights, and the blocking key table. Flat numpy arrays save to .npy
files that workers memory-map read-only, so a 1M-name index loads in seconds and is shared between
processes; entries are decoded one by one only when they match."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from screening.matching.blocking import build_key_table
from screening.matching.names import name_slots, split_packed_names
from screening.watchlists.model import WatchlistEntry

FORMAT = "screening-watchlist-index/1"
MAX_WEIGHT = 3.0  # weight of a part no listed name has (it is as telling as the rarest part)
_ARRAYS = ("token_weight", "slot_ptr", "form_ptr", "slot_forms", "slot_particle", "name_owner",
           "name_quality", "post_ptr", "post_names", "key_hashes", "key_ptr", "key_tokens",
           "name_text_ptr", "entry_ptr")


def rarity_weight(document_frequency: np.ndarray, names: int) -> np.ndarray:
    """1 for a part every name has, MAX_WEIGHT for a part only one name has (log-scaled in between):
    MOHAMMED and KHAN tell less than a rare family name."""
    n = max(names, 2)
    df = np.clip(document_frequency.astype(np.float64), 1, n)
    return (1.0 + (MAX_WEIGHT - 1.0) * np.log(n / df) / math.log(n)).astype(np.float32)


class LazyEntries(Sequence[WatchlistEntry]):
    """Entries stored as JSON records in one memory-mapped blob, decoded on access."""

    def __init__(self, blob: np.ndarray, pointer: np.ndarray):
        self._blob, self._ptr = blob, pointer

    def __len__(self) -> int:
        return len(self._ptr) - 1

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

    def __init__(self, arrays: dict[str, np.ndarray], vocabulary: list[str], qualities: list[str],
                 name_text: np.ndarray, entries: Sequence[WatchlistEntry], meta: dict[str, object]):
        self.__dict__.update(arrays)
        self.arrays = arrays
        self.vocabulary = vocabulary
        self.vocab_ids = {t: i for i, t in enumerate(vocabulary)}
        self.qualities = qualities
        self.name_text = name_text
        self.entries = entries
        self.meta = meta

    @property
    def name_count(self) -> int:
        return len(self.name_owner)

    def listed_name(self, name: int) -> str:
        return bytes(self.name_text[self.name_text_ptr[name] : self.name_text_ptr[name + 1]]).decode()

    def name_forms(self, name: int) -> list[tuple[tuple[str, ...], bool, tuple[int, ...]]]:
        """(forms, is particle, vocabulary ids of the forms) per slot of one listed name."""
        vocab = self.vocabulary
        out = []
        for slot in range(self.slot_ptr[name], self.slot_ptr[name + 1]):
            ids = self.slot_forms[self.form_ptr[slot] : self.form_ptr[slot + 1]].tolist()
            out.append((tuple(vocab[i] for i in ids), bool(self.slot_particle[slot]), tuple(ids)))
        return out

    @classmethod
    def build(cls, entries: list[WatchlistEntry], version: str) -> IndexData:
        vocab: dict[str, int] = {}
        slot_ptr, form_ptr, slot_forms, slot_particle = [0], [0], [], []
        name_owner, name_quality, texts = [], [], []
        qualities: dict[str, int] = {"": 0}
        for position, entry in enumerate(entries):
            for n, raw in enumerate(entry.names):
                quality = "primary" if n == 0 else (
                    entry.alias_quality[n - 1] if n - 1 < len(entry.alias_quality) else "")
                for name in split_packed_names(raw):
                    slots = name_slots.__wrapped__(name)  # uncached: a build sees each name once
                    if not slots:
                        continue
                    for slot in slots:
                        for form in slot.forms:
                            slot_forms.append(vocab.setdefault(form, len(vocab)))
                        form_ptr.append(len(slot_forms))
                        slot_particle.append(slot.particle)
                    slot_ptr.append(len(form_ptr) - 1)
                    name_owner.append(position)
                    name_quality.append(qualities.setdefault(quality, len(qualities)))
                    texts.append(name.encode())
        arrays: dict[str, np.ndarray] = {
            "slot_ptr": np.asarray(slot_ptr, dtype=np.int64),
            "form_ptr": np.asarray(form_ptr, dtype=np.int64),
            "slot_forms": np.asarray(slot_forms, dtype=np.int32),
            "slot_particle": np.asarray(slot_particle, dtype=np.bool_),
            "name_owner": np.asarray(name_owner, dtype=np.int32),
            "name_quality": np.asarray(name_quality, dtype=np.int16)}
        # Postings: which names contain each vocabulary token (in any slot, any form).
        slots_per_name = np.diff(arrays["slot_ptr"])
        slot_name = np.repeat(np.arange(len(name_owner), dtype=np.int64), slots_per_name)
        form_name = np.repeat(slot_name, np.diff(arrays["form_ptr"]))
        pairs = np.unique(arrays["slot_forms"].astype(np.int64) * max(len(name_owner), 1) + form_name)
        tokens_of_pairs = pairs // max(len(name_owner), 1)
        arrays["post_names"] = (pairs % max(len(name_owner), 1)).astype(np.int32)
        counts = np.bincount(tokens_of_pairs, minlength=len(vocab))
        arrays["post_ptr"] = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        arrays["token_weight"] = rarity_weight(counts, len(name_owner))
        vocabulary = list(vocab)
        arrays["key_hashes"], arrays["key_ptr"], arrays["key_tokens"] = build_key_table(vocabulary)
        lengths = np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts))
        arrays["name_text_ptr"] = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
        name_text = np.frombuffer(b"".join(texts), dtype=np.uint8)
        arrays["entry_ptr"] = np.zeros(1, dtype=np.int64)
        meta = {"format": FORMAT, "version": version, "entries": len(entries), "names": len(name_owner),
                "vocabulary": len(vocabulary)}
        return cls(arrays, vocabulary, list(qualities), name_text, entries, meta)

    def save(self, folder: str | Path) -> None:
        """Write the arrays (.npy, memory-mappable), vocabulary, names and entries to `folder`."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        records = [json.dumps(vars(e), ensure_ascii=False).encode() for e in self.entries]
        lengths = np.fromiter((len(r) for r in records), dtype=np.int64, count=len(records))
        entry_ptr = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
        (folder / "entries.bin").write_bytes(b"".join(records))
        (folder / "names.bin").write_bytes(self.name_text.tobytes())
        (folder / "vocabulary.txt").write_text("\n".join(self.vocabulary), encoding="utf-8")
        for key in _ARRAYS:
            np.save(folder / f"{key}.npy", entry_ptr if key == "entry_ptr" else self.arrays[key])
        (folder / "meta.json").write_text(json.dumps({**self.meta, "qualities": self.qualities}, indent=1))

    @classmethod
    def load(cls, folder: str | Path) -> IndexData:
        """Memory-map a saved index read-only (pages are shared between worker processes)."""
        folder = Path(folder)
        meta = json.loads((folder / "meta.json").read_text())
        if meta.get("format") != FORMAT:
            raise ValueError(f"{folder}: not a {FORMAT} index")
        # Plain ndarray views of the memory maps: same shared pages, without np.memmap's per-slice cost.
        arrays = {key: np.load(folder / f"{key}.npy", mmap_mode="r").view(np.ndarray) for key in _ARRAYS}
        for small in ("token_weight", "key_hashes"):  # searched on every query: keep in memory
            arrays[small] = np.ascontiguousarray(arrays[small])
        text = (folder / "vocabulary.txt").read_text(encoding="utf-8")
        vocabulary = text.split("\n") if text else []
        name_text = np.memmap(folder / "names.bin", dtype=np.uint8, mode="r").view(np.ndarray) \
            if (folder / "names.bin").stat().st_size else np.zeros(0, dtype=np.uint8)
        blob = np.memmap(folder / "entries.bin", dtype=np.uint8, mode="r").view(np.ndarray) \
            if (folder / "entries.bin").stat().st_size else np.zeros(0, dtype=np.uint8)
        entries = LazyEntries(blob, arrays["entry_ptr"])
        return cls(arrays, vocabulary, meta.pop("qualities"), name_text, entries, meta)
