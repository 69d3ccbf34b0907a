"""Canonical records passed between pipeline stages, matching the JSON Schemas in schemas/ and the Arrow
schemas in screening.schemas (tests/test_records.py keeps the typed records and the schemas equal).

Travellers and documents are TypedDicts: plain dicts at run time (JSON state, Parquet and the store take
them unchanged), typed for mypy and for the reader of the code."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from functools import cache
from typing import Any, TypedDict, cast

from screening import schemas, vocabulary


class Traveller(TypedDict, total=False):
    """One traveller as the readers give it: the traveller, document and visa columns of
    schemas/manifest_csv.schema.json (text as declared, None when not given), its x-optional-extras and
    its x-reader-fields. A JSON manifest may add further keys of its own; they are kept as sent."""

    traveller_type: str | None
    traveller_ref: str | None
    surname: str | None
    given_names: str | None
    date_of_birth: str | None
    sex: str | None
    nationality: str | None
    document_type: str | None
    document_number: str | None
    document_issuing_state: str | None
    document_expiry: str | None
    visa_number: str | None
    visa_issuing_state: str | None
    visa_expiry: str | None
    embarkation: str | None
    disembarkation: str | None
    booking_ref: str | None
    seat: str | None
    document_issue_date: str | None  # x-optional-extras
    source_line: str  # x-reader-fields: where the reader found it
    mrz: list[str]  # x-reader-fields: MRZ lines a JSON manifest may send


class Document(TypedDict):
    """One travel document or visa of a traveller (screening.schemas.document_arrow_schema without the
    manifest_id): PAXLST may send several DOC groups, a CSV or JSON traveller one document and a visa."""

    traveller_ref: str | None
    document_type: str | None
    document_number: str | None
    issuing_state: str | None
    expiry: str | None
    is_visa: bool


def new_traveller(values: Mapping[str, Any], source_line: str, extras: Mapping[str, Any] | None = None) -> Traveller:
    """A Traveller with every schema column (None when not given), a JSON manifest's own extra keys and
    where it was read: the one place a reader's loose mapping becomes the typed record."""
    record: dict[str, Any] = {c: values.get(c) for c in _traveller_columns()}
    record.update(extras or {})
    record["source_line"] = source_line
    return cast(Traveller, record)


@cache
def _traveller_columns() -> tuple[str, ...]:
    return tuple(schemas.traveller_columns())  # read once: the schema does not change while a process runs


def renamed_documents(documents: list[Document], renames: Mapping[str, str]) -> list[Document]:
    """Copies of the documents with the traveller references a merge renamed (the travellers' own renames)."""
    out: list[Document] = []
    for document in documents:
        ref = document["traveller_ref"]
        out.append({**document, "traveller_ref": renames.get(ref, ref) if ref is not None else None})
    return out


class QuarantineRow(TypedDict):
    """quarantine.csv's row (schemas/quarantine_csv.schema.json)."""

    source_file: str
    record_ref: str
    reason_code: str
    message: str
    raw: str
    travellers: int


class FlagRow(TypedDict):
    """flags.csv's row (schemas/flags_csv.schema.json)."""

    manifest_id: str
    carrier: str
    flight_number: str
    traveller_ref: str
    flag_type: str
    rule_id: str
    severity: str
    score: float | None
    watchlist_entry_id: str
    list_name: str
    explanation: str


class SanctionRow(TypedDict):
    """sanctions.csv's row (schemas/sanctions_csv.schema.json)."""

    sanction_id: str
    carrier: str
    flight_number: str
    traveller_ref: str
    rule_id: str
    framework: str
    amount: float
    currency: str
    status: str
    explanation: str


@dataclass
class QuarantineRecord:
    """A record we could not screen, kept with its raw text and a reason code (nothing is dropped)."""

    source_file: str
    record_ref: str
    reason_code: str
    message: str
    raw: str
    travellers: int = 1  # how many travellers this record stands for (0 for a non-traveller record)

    CSV_COLUMNS = vocabulary.QUARANTINE_CSV_COLUMNS

    def __post_init__(self) -> None:
        # PostgreSQL text refuses NUL and lone surrogates; the raw text keeps everything else as sent
        for name in ("source_file", "record_ref", "message", "raw"):
            value = getattr(self, name)
            if not isinstance(value, str):
                value = "" if value is None else str(value)
            if "\x00" in value or _has_surrogate(value):
                value = value.replace("\x00", "\ufffd").encode("utf-8", "replace").decode("utf-8")
            setattr(self, name, value)

    def as_row(self) -> QuarantineRow:
        """quarantine.csv's row (docs/architecture.md §3: `travellers` is how many travellers it holds)."""
        return cast(QuarantineRow, asdict(self))


@dataclass
class Manifest:
    """One flight (one leg) as declared by a carrier, with its travellers and their documents."""

    carrier: str
    flight_number: str
    departure_airport: str | None
    arrival_airport: str | None
    scheduled_departure: str | None
    scheduled_arrival: str | None = None
    transmitted_at: str | None = None
    message_ref: str | None = None
    message_type: str = "PAX"  # PAX (passenger list) or CREW (crew list, PAXLST BGM 250/336)
    declared_total: int | None = None
    parts: int = 1
    source_file: str = ""
    travellers: list[Traveller] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)
    source_format: str = ""  # csv, json or paxlst: which reader produced it
    part_info: dict[str, Any] | None = None  # PAXLST: the message part (UNH 0068/0070/0073) and leg
    incomplete_reason: str | None = None  # set when a multi-part set was released without all its parts
    control_findings: list[dict[str, str]] = field(default_factory=list)  # what the reader flagged

    @property
    def manifest_id(self) -> str:
        """Stable id from the flight key and list type: a passenger list and a crew list of one flight are
        two manifests; a re-sent list keeps its id (and supersedes the earlier transmission)."""
        return manifest_id_for(
            self.carrier, self.flight_number, self.scheduled_departure, self.departure_airport, self.message_type
        )

    def flight_dict(self) -> dict[str, Any]:
        data = {c: getattr(self, c) for c in schemas.flight_columns()}
        data.update(
            manifest_id=self.manifest_id,
            message_ref=self.message_ref,
            message_type=self.message_type,
            declared_total=self.declared_total,
            parts=self.parts,
            source_file=self.source_file,
            source_format=self.source_format,
            part_info=self.part_info,
            incomplete_reason=self.incomplete_reason,
        )
        return data

    def to_json(self) -> dict[str, Any]:
        """The shape `screening parse --json` prints (docs/architecture.md §3)."""
        data = {c: getattr(self, c) for c in schemas.flight_columns()}
        data.update(
            message_ref=self.message_ref,
            message_type=self.message_type,
            declared_total=self.declared_total,
            parts=self.parts,
            travellers=[{c: t.get(c) for c in schemas.traveller_columns()} for t in self.travellers],
        )
        return data


def list_type(travellers: Sequence[Mapping[str, Any]]) -> str:
    """CREW when every traveller is crew (a crew list), PAX otherwise: for readers without a BGM code."""
    kinds = {str(t.get("traveller_type") or "").upper() for t in travellers}
    return "CREW" if kinds == {"CREW"} else "PAX"


def _has_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def manifest_id_for(
    carrier: str,
    flight_number: str,
    scheduled_departure: str | None,
    departure_airport: str | None,
    message_type: str | None = "PAX",
) -> str:
    """Readable and stable; passenger lists keep the id they always had, crew lists are marked CREW."""
    when = (scheduled_departure or "").replace("-", "").replace(":", "")[:13] or "UNDATED"
    crew = (message_type or "").upper() == "CREW"
    readable = f"{carrier}{flight_number}-{departure_airport or 'XXX'}-{when}{'-CREW' if crew else ''}"
    key = f"{carrier}|{flight_number}|{scheduled_departure}|{departure_airport}{'|CREW' if crew else ''}"
    return f"{readable}-{hashlib.sha1(key.encode()).hexdigest()[:8]}"


@dataclass
class ParseResult:
    """What a reader returns: manifests plus quarantined records; never raises for bad records."""

    source_file: str
    manifests: list[Manifest] = field(default_factory=list)
    quarantine: list[QuarantineRecord] = field(default_factory=list)
    control_findings: list[dict[str, str]] = field(default_factory=list)  # all findings of the file
    duplicate: bool = False  # multi-part assembler: this very file was offered before
    held_parts: int = 0  # multi-part assembler: parts of this file held for their other parts

    @property
    def travellers_in(self) -> int:
        return sum(len(m.travellers) for m in self.manifests) + sum(q.travellers for q in self.quarantine)

    def to_json(self) -> dict[str, Any]:
        return {
            "manifests": [m.to_json() for m in self.manifests],
            "quarantine": [{k: v for k, v in q.as_row().items() if k != "source_file"} for q in self.quarantine],
        }


@dataclass
class Flag:
    """A risk or data flag on a traveller (or on a whole manifest when traveller_ref is empty)."""

    manifest_id: str
    carrier: str
    flight_number: str
    traveller_ref: str
    flag_type: str
    rule_id: str
    severity: str
    explanation: str
    score: float | None = None
    watchlist_entry_id: str = ""
    list_name: str = ""
    details: dict[str, Any] = field(default_factory=dict)
    list_version: str = ""
    rules_version: str = ""

    CSV_COLUMNS = vocabulary.FLAGS_CSV_COLUMNS

    def as_row(self) -> FlagRow:
        return cast(FlagRow, {c: getattr(self, c) for c in self.CSV_COLUMNS})


@dataclass
class Sanction:
    """A proposed (or waived) penalty against a carrier for one breach by one traveller."""

    manifest_id: str
    carrier: str
    flight_number: str
    traveller_ref: str
    rule_id: str
    framework: str
    amount: float
    currency: str
    status: str
    explanation: str
    rules_version: str = ""

    CSV_COLUMNS = vocabulary.SANCTIONS_CSV_COLUMNS

    @property
    def sanction_id(self) -> str:
        """Deterministic: one record per carrier, flight, traveller, rule and framework."""
        return vocabulary.sanction_id(self.manifest_id, self.traveller_ref, self.rule_id, self.framework)

    def as_row(self) -> SanctionRow:
        return cast(SanctionRow, {c: getattr(self, c) for c in self.CSV_COLUMNS})


def usable_instant(value: datetime) -> bool:
    """Within the calendar with a day to spare, so that offsets (±14:00) and deadlines never overflow:
    9999-12-31T23:59-12:00 or 0001-01-01T00:00+14:00 are data faults, flagged as unreadable times."""
    return 1 < value.year < 9999


def parse_instant(text: str | None) -> datetime | None:
    """An ISO 8601 instant with offset or Z; None when absent, naive (a naive time is ambiguous) or at the
    very ends of the calendar (see usable_instant)."""
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return value if value.tzinfo is not None and usable_instant(value) else None
