"""The watchlist format registry: each format says how it recognises its files by content (the UN
Consolidated List by its root element, OFAC by its file set, our CSV by its header) and which reader
loads it; anything else is refused with a clear error instead of being sent to the wrong reader."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from screening.errors import InputError
from screening.watchlists.model import WatchlistLoad


@dataclass(frozen=True)
class WatchlistFormat:
    """One list format: how its files are recognised (by content, not by name alone) and what reads it."""

    name: str
    recognises: Callable[[Path, bytes], bool]  # (path, the first bytes of a file; b"" for a folder)
    load: Callable[[Path], WatchlistLoad]


def _is_un_xml(path: Path, head: bytes) -> bool:
    return head.startswith(b"<") and b"<CONSOLIDATED_LIST" in head


def _is_ofac(path: Path, head: bytes) -> bool:
    if path.is_dir():
        return (path / "sdn.csv").exists()
    return path.name.lower() == "sdn.csv"


def _is_our_csv(path: Path, head: bytes) -> bool:
    first = head.decode("utf-8", "replace").splitlines()[0] if head else ""
    columns = {c.strip().strip('"').lower() for c in first.split(",")}
    return {"entry_id", "list_name"} <= columns


def _load_un_xml(path: Path) -> WatchlistLoad:
    from screening.watchlists.un_xml import load_un_xml

    return load_un_xml(path)


def _load_ofac(path: Path) -> WatchlistLoad:
    from screening.watchlists.ofac_csv import load_ofac_csv

    return load_ofac_csv(path)


def _load_csv(path: Path) -> WatchlistLoad:
    from screening.watchlists.csv_list import load_watchlist_csv

    return load_watchlist_csv(path)


# The registry: a new format is one entry here (see docs/architecture.md, "A new watchlist format").
FORMATS: tuple[WatchlistFormat, ...] = (
    WatchlistFormat("ofac", _is_ofac, _load_ofac),
    WatchlistFormat("un_xml", _is_un_xml, _load_un_xml),
    WatchlistFormat("csv", _is_our_csv, _load_csv),
)


def _head(path: Path) -> bytes:
    if path.is_dir():
        return b""
    with path.open("rb") as handle:
        return handle.read(4096).lstrip(b"\xef\xbb\xbf").lstrip()


def watchlist_format(path: Path) -> str:
    """The name of the format that recognises the file ('ofac', 'un_xml' or 'csv')."""
    return _format_of(path).name


def _format_of(path: Path) -> WatchlistFormat:
    head = _head(path)
    for fmt in FORMATS:
        if fmt.recognises(path, head):
            return fmt
    if path.is_dir():
        raise InputError(f"{path}: folder holds no sdn.csv (OFAC) watchlist")
    if path.suffix.lower() in (".csv", ".txt") and not head.startswith(b"<"):
        return FORMATS[-1]  # our CSV reader names the header columns that are missing
    raise InputError(
        f"{path}: not a watchlist this project reads (our CSV with entry_id and list_name columns, "
        "the UN Consolidated List XML, or OFAC's sdn.csv)"
    )


def load_watchlist(path: str | Path) -> WatchlistLoad:
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: no such watchlist file")
    return _format_of(path).load(path)
