"""A listed person as every loader produces it, whatever the list's own format."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from screening.model import QuarantineRecord


@dataclass
class WatchlistEntry:
    """One listed person. names[0] is the primary name; the rest are aliases (all are screened)."""

    entry_id: str  # the list's own identifier: entry_id (CSV), REFERENCE_NUMBER (UN), ent_num (OFAC)
    list_name: str
    names: list[str]
    surname: str = ""
    given_names: str = ""
    dates_of_birth: list[str] = field(default_factory=list)  # YYYY, YYYY-MM or YYYY-MM-DD
    nationalities: list[str] = field(default_factory=list)  # ICAO 9303 codes
    sex: str = ""
    document_numbers: list[str] = field(default_factory=list)
    category: str = ""
    reason: str = ""
    alias_quality: list[str] = field(default_factory=list)  # per alias in names[1:], e.g. "Good"/"Low"


@dataclass
class WatchlistLoad:
    """The result of loading one list file: entries, skipped records, and the content-hash version."""

    source_file: str
    list_name: str
    entries: list[WatchlistEntry]
    skipped: list[QuarantineRecord]
    version: str

    @property
    def name_count(self) -> int:
        return sum(len(e.names) for e in self.entries)


def content_version(data: bytes) -> str:
    """A list version is its content hash: the same file always gets the same version."""
    return "sha256:" + hashlib.sha256(data).hexdigest()[:16]
