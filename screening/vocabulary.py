"""The project's words, each defined once: flag types, severities, sanction statuses, the columns of every
flag, sanction and quarantine record the project writes, and the sanction id. Every other module imports
them from here (tests/test_vocabulary.py checks the enums and columns against the output schemas).

Rule ids are not here: the rule registry (screening/rules/registry.py) is their vocabulary. The columns of
the run outputs come from their JSON Schemas in schemas/ (flags_csv, sanctions_csv, quarantine_csv), the one
source of truth for file columns, as the input files' columns do (screening.schemas)."""

from __future__ import annotations

import hashlib
from typing import Final, Literal

from screening import schemas

# Flag types: what a flag is about (docs/architecture.md §3).
FlagType = Literal["WATCHLIST", "DOCUMENT", "OBLIGATION", "DATA_QUALITY"]
WATCHLIST: Final = "WATCHLIST"  # a watchlist match (a risk about the traveller)
DOCUMENT: Final = "DOCUMENT"  # a lost/stolen registry hit or a document fault (a risk about the document)
OBLIGATION: Final = "OBLIGATION"  # a carrier obligation breached (may carry a sanction)
DATA_QUALITY: Final = "DATA_QUALITY"  # what the data says about itself (never a sanction)
FLAG_TYPES: tuple[FlagType, ...] = (WATCHLIST, DOCUMENT, OBLIGATION, DATA_QUALITY)
# flag types that are risks (hits) whatever their rule id: a list loader may add new watchlist rule ids
HIT_FLAG_TYPES: tuple[FlagType, ...] = (WATCHLIST, DOCUMENT)

# Severities, lowest first; SEVERITY_RANK iterates highest first (the order reports list them in).
Severity = Literal["LOW", "MEDIUM", "HIGH", "CRITICAL"]
LOW: Final = "LOW"
MEDIUM: Final = "MEDIUM"
HIGH: Final = "HIGH"
CRITICAL: Final = "CRITICAL"
SEVERITIES: tuple[Severity, ...] = (LOW, MEDIUM, HIGH, CRITICAL)
SEVERITY_RANK: dict[str, int] = {s: rank for rank, s in reversed(list(enumerate(SEVERITIES, start=1)))}

# Sanction statuses, in the order a sanction lives through them (and reports list them in).
SanctionStatus = Literal["PROPOSED", "CONFIRMED", "APPEALED", "WAIVED"]
PROPOSED: Final = "PROPOSED"  # what a run proposes
CONFIRMED: Final = "CONFIRMED"  # an officer's decision
APPEALED: Final = "APPEALED"  # an officer's decision, open to a final confirm or waive
WAIVED: Final = "WAIVED"  # an exemption applied by the run, or an officer's decision
SANCTION_STATUSES: tuple[SanctionStatus, ...] = (PROPOSED, CONFIRMED, APPEALED, WAIVED)
# statuses only an officer sets: a re-run keeps them (screening.store.repository)
DECIDED_STATUSES: frozenset[str] = frozenset({CONFIRMED, APPEALED})

# Run outputs: the CSV files' columns, in file order, from their schemas.
FLAGS_CSV_SCHEMA: Final = "flags_csv"
SANCTIONS_CSV_SCHEMA: Final = "sanctions_csv"
QUARANTINE_CSV_SCHEMA: Final = "quarantine_csv"
FLAGS_CSV_COLUMNS: tuple[str, ...] = tuple(schemas.columns(FLAGS_CSV_SCHEMA))
SANCTIONS_CSV_COLUMNS: tuple[str, ...] = tuple(schemas.columns(SANCTIONS_CSV_SCHEMA))
QUARANTINE_CSV_COLUMNS: tuple[str, ...] = tuple(schemas.columns(QUARANTINE_CSV_SCHEMA))

# The rule stages' frames (screening.rules): a flag with the frameworks it breaches, a sanction with its
# manifest; both carry the rules version they were computed under.
FLAG_FRAME_COLUMNS: tuple[str, ...] = (
    "manifest_id",
    "carrier",
    "flight_number",
    "traveller_ref",
    "flag_type",
    "rule_id",
    "severity",
    "explanation",
    "frameworks",
    "rules_version",
)
SANCTION_FRAME_COLUMNS: tuple[str, ...] = (
    "sanction_id",
    "manifest_id",
    *SANCTIONS_CSV_COLUMNS[1:-1],
    "explanation",
    "rules_version",
)

# Exports (screening report export): the run output's columns plus the flight's departure and versions.
FLAG_EXPORT_COLUMNS: tuple[str, ...] = (
    "manifest_id",
    "carrier",
    "flight_number",
    "scheduled_departure",
    "traveller_ref",
    "flag_type",
    "rule_id",
    "severity",
    "score",
    "watchlist_entry_id",
    "list_name",
    "list_version",
    "rules_version",
    "explanation",
)
SANCTION_EXPORT_COLUMNS: tuple[str, ...] = (
    "sanction_id",
    "manifest_id",
    "carrier",
    "flight_number",
    "scheduled_departure",
    "traveller_ref",
    "rule_id",
    "framework",
    "amount",
    "currency",
    "status",
    "rules_version",
    "explanation",
)


def sanction_id(manifest_id: str, traveller_ref: str, rule_id: str, framework: str) -> str:
    """Deterministic: one record per carrier, flight, traveller, rule and framework, so re-runs replace
    a sanction and never duplicate it (and officers' decisions stay attached to it)."""
    key = f"{manifest_id}|{traveller_ref}|{rule_id}|{framework}"
    return "S-" + hashlib.sha1(key.encode()).hexdigest()[:16]
