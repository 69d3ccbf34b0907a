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

# Alias quality: what a list says of an alias, in the few words the matcher acts on (the lists' own words,
# UN QUALITY Good/Low, OFAC aka/fka/nka, UN NAME_ORIGINAL_SCRIPT, are mapped at load time).
AliasQuality = Literal["good", "low", "former", "original_script", "unspecified"]
ALIAS_GOOD: Final = "good"  # UN Good, OFAC aka (also known as) and nka (now known as)
ALIAS_LOW: Final = "low"  # UN Low: a vague or partial alias the list itself doubts
ALIAS_FORMER: Final = "former"  # OFAC fka (formerly known as)
ALIAS_ORIGINAL_SCRIPT: Final = "original_script"  # the name as written in its own script
ALIAS_UNSPECIFIED: Final = "unspecified"  # the list says nothing (our CSV format)
ALIAS_QUALITIES: tuple[AliasQuality, ...] = (
    ALIAS_GOOD,
    ALIAS_LOW,
    ALIAS_FORMER,
    ALIAS_ORIGINAL_SCRIPT,
    ALIAS_UNSPECIFIED,
)
# aliases weighed down by low_quality_alias_log_odds (rules/screening.yaml)
LOW_QUALITY_ALIASES: frozenset[str] = frozenset({ALIAS_LOW, ALIAS_FORMER})
_LIST_WORDS: dict[str, AliasQuality] = {
    "good": ALIAS_GOOD,
    "aka": ALIAS_GOOD,
    "nka": ALIAS_GOOD,
    "strong": ALIAS_GOOD,
    "low": ALIAS_LOW,
    "weak": ALIAS_LOW,
    "fka": ALIAS_FORMER,
    "original script": ALIAS_ORIGINAL_SCRIPT,
    "original_script": ALIAS_ORIGINAL_SCRIPT,
}


def alias_quality(word: str | None) -> AliasQuality:
    """A list's own word for an alias's quality as one of ALIAS_QUALITIES (unknown words: unspecified)."""
    return _LIST_WORDS.get(" ".join((word or "").lower().split()), ALIAS_UNSPECIFIED)


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
