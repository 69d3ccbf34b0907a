"""The quarantine reason codes, each defined once with what it means. A quarantined record's reason_code is
what an operator filters on and what a carrier liaison unit is told, so a code is a public contract
(quarantine.csv, the store, the reports): a reader names one of these, never a string of its own.

A leaf module (no project imports), like screening.rule_ids, so every reader can import it without a
cycle. schemas/quarantine_csv.schema.json lists the same codes; tests/test_quarantine_reasons.py checks
that the two agree and that no other module spells a code as a literal."""

from __future__ import annotations

from typing import Final

# -- the file as a whole (the run assembler, screening.run) --
FILE_UNREADABLE: Final = "FILE_UNREADABLE"
READER_FAILED: Final = "READER_FAILED"
MANIFEST_FAILED: Final = "MANIFEST_FAILED"
SUPERSEDED: Final = "SUPERSEDED"
DUPLICATE_PART: Final = "DUPLICATE_PART"
# -- EDIFACT envelopes and message types (screening.ingest.paxlst) --
EDIFACT_NO_INTERCHANGE: Final = "EDIFACT_NO_INTERCHANGE"
EDIFACT_OUTSIDE_INTERCHANGE: Final = "EDIFACT_OUTSIDE_INTERCHANGE"
EDIFACT_OUTSIDE_MESSAGE: Final = "EDIFACT_OUTSIDE_MESSAGE"
EDIFACT_UNSUPPORTED_MESSAGE: Final = "EDIFACT_UNSUPPORTED_MESSAGE"
PNRGOV_NOT_SUPPORTED: Final = "PNRGOV_NOT_SUPPORTED"
# -- PAXLST messages and traveller groups --
PAXLST_READER_ERROR: Final = "PAXLST_READER_ERROR"
PAXLST_NO_FLIGHT: Final = "PAXLST_NO_FLIGHT"
PAXLST_UNPLACED_TRAVELLER: Final = "PAXLST_UNPLACED_TRAVELLER"
PAXLST_BROKEN_TRAVELLER: Final = "PAXLST_BROKEN_TRAVELLER"
PAXLST_NO_NAME: Final = "PAXLST_NO_NAME"
PAXLST_MALFORMED_SEGMENT: Final = "PAXLST_MALFORMED_SEGMENT"
# -- CSV and JSON manifests (screening.ingest.tabular, csv_manifest, json_manifest) --
ROW_UNPARSEABLE: Final = "ROW_UNPARSEABLE"
ROW_FIELD_COUNT: Final = "ROW_FIELD_COUNT"
MANIFEST_UNREADABLE: Final = "MANIFEST_UNREADABLE"
MISSING_FLIGHT_KEY: Final = "MISSING_FLIGHT_KEY"
TRAVELLER_UNREADABLE: Final = "TRAVELLER_UNREADABLE"
# -- travellers that cannot be screened (screening.validate.quarantine) --
NO_NAME: Final = "NO_NAME"
MISSING_PREFIX: Final = "MISSING_"
MISSING_COLUMNS_FAMILY: Final = "MISSING_<COLUMNS>"  # a family of codes, e.g. MISSING_DATE_OF_BIRTH: missing_columns
# -- list and registry records (screening.watchlists) --
WATCHLIST_ENTRY_INCOMPLETE: Final = "WATCHLIST_ENTRY_INCOMPLETE"
REGISTRY_ENTRY_INCOMPLETE: Final = "REGISTRY_ENTRY_INCOMPLETE"

MEANINGS: Final[dict[str, str]] = {
    FILE_UNREADABLE: "the file could not be decoded or recognised as any input format",
    READER_FAILED: "the format's reader failed on this file; the file is kept whole",
    MANIFEST_FAILED: "a stage failed on a manifest; the manifest is kept whole for a re-run",
    SUPERSEDED: "an earlier transmission of a message a later one in the same run replaces",
    DUPLICATE_PART: "a part of a multi-part PAXLST message received again with the same content",
    EDIFACT_NO_INTERCHANGE: "no UNB or UNH segment: not an EDIFACT interchange",
    EDIFACT_OUTSIDE_INTERCHANGE: "traveller segments in envelope text before the interchange start (UNA/UNB)",
    EDIFACT_OUTSIDE_MESSAGE: "segments outside any UNH..UNT message",
    EDIFACT_UNSUPPORTED_MESSAGE: "an EDIFACT message type this pipeline does not read",
    PNRGOV_NOT_SUPPORTED: "a PNRGOV (PNR) message: not an API manifest",
    PAXLST_READER_ERROR: "the PAXLST reader could not process the file (last resort)",
    PAXLST_NO_FLIGHT: "a PAXLST message without a flight (TDT) to place its travellers on",
    PAXLST_UNPLACED_TRAVELLER: "a traveller group that belongs to no readable message",
    PAXLST_BROKEN_TRAVELLER: "a traveller group that could not be read",
    PAXLST_NO_NAME: "a traveller NAD without a surname",
    PAXLST_MALFORMED_SEGMENT: "a segment of a traveller group with a malformed tag",
    ROW_UNPARSEABLE: "a CSV row that could not be parsed",
    ROW_FIELD_COUNT: "a CSV row with more or fewer fields than the header",
    MANIFEST_UNREADABLE: "a JSON manifest that is not valid JSON or not a manifest object",
    MISSING_FLIGHT_KEY: "a manifest without the flight fields that identify the flight",
    TRAVELLER_UNREADABLE: "a JSON traveller that is not an object",
    NO_NAME: "a traveller without surname or given names: cannot be screened",
    MISSING_COLUMNS_FAMILY: "a traveller without a screening-required column: cannot be screened",
    WATCHLIST_ENTRY_INCOMPLETE: "a watchlist record without an id or a usable name",
    REGISTRY_ENTRY_INCOMPLETE: "a lost/stolen document registry record without a number or issuing state",
}
CODES: Final[tuple[str, ...]] = tuple(code for code in MEANINGS if code != MISSING_COLUMNS_FAMILY)  # fixed codes


def missing_columns(columns: list[str]) -> str:
    """The code of a traveller missing screening-required columns, e.g. MISSING_DATE_OF_BIRTH."""
    return MISSING_PREFIX + "_".join(column.upper() for column in columns)


def is_known(code: str) -> bool:
    """Whether a reason code is one of this registry's (a fixed code or a MISSING_<COLUMNS> code)."""
    return code in CODES or (code.startswith(MISSING_PREFIX) and len(code) > len(MISSING_PREFIX))
