"""Build the watchlist index once per list version and load it read-only everywhere else: workers call
load_or_build(paths, cache_dir) and get the saved index for those exact list contents, memory-mapped."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path

from screening.matching.build_digest import build_code_digest
from screening.matching.engine import WatchlistIndex
from screening.watchlists.loader import load_watchlist
from screening.watchlists.model import content_version

# Index formats before the code digest (v2: dates of birth; v3: alias qualities normalised; v4: skeletons;
# v5: keys for heads and tails of long parts; v6: part features; v7: partial dates) were a tag in the cache
# key; build_code_digest now covers them, since index_data.py holds FORMAT.
_LISTS_FILE = "lists.json"  # which list files an index was built from (to update it when they change)


def _file_digest(path: Path) -> str:
    if path.is_dir():
        parts = [p for p in sorted(path.iterdir()) if p.name in ("sdn.csv", "alt.csv")]
        return "|".join(content_version(p.read_bytes()) for p in parts)
    if path.name.lower() == "sdn.csv" and path.with_name("alt.csv").exists():
        alt = path.with_name("alt.csv").read_bytes()
        return content_version(path.read_bytes()) + "|" + content_version(alt)
    return content_version(path.read_bytes())


def cache_key(paths: list[str | Path]) -> str:
    """Key from the lists' contents (not their names or times) and the code that builds an index, so a
    refreshed list or a changed name rule gets a new index."""
    digests = sorted(_file_digest(Path(p)) for p in paths)
    return hashlib.sha256(("|".join(digests) + build_code_digest()).encode()).hexdigest()[:24]


def _built_by_this_code(folder: Path) -> bool:
    try:
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(meta, dict) and meta.get("code") == build_code_digest()


def _list_names(paths: list[str | Path]) -> str:
    return json.dumps(sorted(str(Path(p).resolve()) for p in paths))


def previous_index(paths: list[str | Path], cache_dir: Path) -> Path | None:
    """The newest saved index built from the same list files (an earlier version of their contents) by
    this code: one built by other code is not updated, since its unchanged entries hold the old rules."""
    wanted = _list_names(paths)
    found = [
        p.parent
        for p in cache_dir.glob(f"index-*/{_LISTS_FILE}")
        if p.read_text(encoding="utf-8") == wanted and _built_by_this_code(p.parent)
    ]
    return max(found, key=lambda p: (p / "meta.json").stat().st_mtime) if found else None


def load_or_build(paths: list[str | Path], cache_dir: str | Path) -> WatchlistIndex:
    """The saved index for these list contents, building and saving it first if there is none. When an
    index of an earlier version of the same lists is saved, the new one is an incremental update of it
    (only changed entries are normalised and keyed: national lists change by a few entries a day). A build
    writes to a temporary folder and renames it into place, so concurrent workers never see half an index."""
    cache_dir = Path(cache_dir)
    target = cache_dir / f"index-{cache_key(paths)}"
    if (target / "meta.json").exists():
        return WatchlistIndex.load(target)
    loads = [load_watchlist(p) for p in paths]
    previous = previous_index(paths, cache_dir) if cache_dir.exists() else None
    index = WatchlistIndex.load(previous).updated(loads) if previous else WatchlistIndex(loads)
    cache_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".building-", dir=cache_dir))
    try:
        index.save(staging)
        (staging / _LISTS_FILE).write_text(_list_names(paths), encoding="utf-8")
        try:
            os.replace(staging, target)
        except OSError:  # another worker finished first: use theirs
            shutil.rmtree(staging, ignore_errors=True)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return WatchlistIndex.load(target)
