"""Pick the right loader for a watchlist file by its name and content: our CSV, the UN Consolidated
List XML, or the OFAC SDN legacy CSV (a folder holding sdn.csv, or sdn.csv itself)."""

from __future__ import annotations

from pathlib import Path

from screening.errors import InputError
from screening.watchlists.model import WatchlistLoad


def watchlist_format(path: Path) -> str:
    """'un_xml', 'ofac' or 'csv'."""
    if path.is_dir():
        if (path / "sdn.csv").exists():
            return "ofac"
        raise InputError(f"{path}: folder holds no sdn.csv (OFAC) watchlist")
    if path.suffix.lower() == ".xml":
        return "un_xml"
    if path.name.lower() == "sdn.csv":
        return "ofac"
    with path.open("rb") as handle:
        head = handle.read(512).lstrip(b"\xef\xbb\xbf").lstrip()
    if head.startswith(b"<"):
        return "un_xml"
    return "csv"


def load_watchlist(path: str | Path) -> WatchlistLoad:
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: no such watchlist file")
    kind = watchlist_format(path)
    if kind == "un_xml":
        from screening.watchlists.un_xml import load_un_xml

        return load_un_xml(path)
    if kind == "ofac":
        from screening.watchlists.ofac_csv import load_ofac_csv

        return load_ofac_csv(path)
    from screening.watchlists.csv_list import load_watchlist_csv

    return load_watchlist_csv(path)
