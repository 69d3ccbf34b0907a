"""Which code an index was built by: a saved index holds normalised name parts, keys and features, so one
built before a change to the name rules (an honorific added, a romanisation folded) would quietly screen
with the old rules. The digest of the modules that shape an index is saved with it and checked on load,
and is part of the cache key, so a changed rule always means a rebuilt index, by construction."""

from __future__ import annotations

import hashlib
import importlib.util
from functools import lru_cache
from pathlib import Path

# Every module whose code decides what an index holds (parts, keys, weights, features, layout).
BUILD_MODULES = (
    "screening.hashing",
    "screening.matching.translit",
    "screening.matching.names",
    "screening.matching.scoring",
    "screening.matching.blocking",
    "screening.matching.part_features",
    "screening.matching.index_data",
    "screening.watchlists.model",
    "screening.vocabulary",
    "screening.model",
)


@lru_cache(maxsize=1)
def build_code_digest() -> str:
    """A short digest of the source of BUILD_MODULES (read from disk, so importing stays cheap)."""
    digest = hashlib.sha256()
    for name in BUILD_MODULES:
        spec = importlib.util.find_spec(name)
        if spec is None or spec.origin is None:
            raise RuntimeError(f"cannot find the source of {name}")
        digest.update(name.encode() + b"\0" + Path(spec.origin).read_bytes())
    return digest.hexdigest()[:16]
