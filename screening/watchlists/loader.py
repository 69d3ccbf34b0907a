"""Pick the right loader for a watchlist file by its content and name."""

from __future__ import annotations

from pathlib import Path

from screening.errors import InputError
from screening.watchlists.model import WatchlistLoad


def load_watchlist(path: str | Path) -> WatchlistLoad:
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: no such watchlist file")
    from screening.watchlists.csv_list import load_watchlist_csv

    return load_watchlist_csv(path)
