"""A listed person as every loader produces it, whatever the list's own format."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from screening.model import QuarantineRecord
from screening.vocabulary import alias_quality


@dataclass
class WatchlistEntry:
    """One listed person. names[0] is the primary name; the rest are aliases (all are screened)."""

    entry_id: str  # the list's own identifier: entry_id (CSV), REFERENCE_NUMBER (UN), ent_num (OFAC)
    list_name: str
    names: list[str]
    surname: str = ""
    given_names: str = ""
    # YYYY, YYYY-MM, YYYY-MM-DD, or a year range YYYY/YYYY (UN "BETWEEN")
    dates_of_birth: list[str] = field(default_factory=list)
    nationalities: list[str] = field(default_factory=list)  # ICAO 9303 codes
    sex: str = ""
    document_numbers: list[str] = field(default_factory=list)
    category: str = ""
    reason: str = ""
    alias_quality: list[str] = field(default_factory=list)  # per alias in names[1:]: vocabulary.ALIAS_QUALITIES
    entry_type: str = "individual"  # lists also carry entities, vessels; person screening uses individuals

    def __post_init__(self) -> None:
        # every reader's own words (UN Good/Low, OFAC aka/fka) become the few the matcher acts on, here,
        # once, whatever the reader: nothing downstream knows a list's vocabulary
        self.alias_quality = [alias_quality(q) for q in self.alias_quality]


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

    def summary(self) -> dict[str, object]:
        """Counts an operator checks after a refresh: entries, names, aliases per quality, skipped."""
        qualities: dict[str, int] = {}
        for entry in self.entries:
            for position in range(1, len(entry.names)):
                quality = entry.alias_quality[position - 1] if position - 1 < len(entry.alias_quality) else ""
                qualities[quality or "unspecified"] = qualities.get(quality or "unspecified", 0) + 1
        return {
            "list_name": self.list_name,
            "version": self.version,
            "entries": len(self.entries),
            "names": self.name_count,
            "aliases": sum(qualities.values()),
            "aliases_by_quality": dict(sorted(qualities.items())),
            "with_date_of_birth": sum(1 for e in self.entries if e.dates_of_birth),
            "with_nationality": sum(1 for e in self.entries if e.nationalities),
            "document_numbers": sum(len(e.document_numbers) for e in self.entries),
            "skipped": len(self.skipped),
        }


def content_version(data: bytes) -> str:
    """A list version is its content hash: the same file always gets the same version."""
    return "sha256:" + hashlib.sha256(data).hexdigest()[:16]
