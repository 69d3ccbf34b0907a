"""Lost/stolen/revoked document registry (DESIGN.md 4.1) and its exact lookup (DOC_REPORTED_LOST_STOLEN)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from screening import schemas
from screening.ingest.tabular import read_csv
from screening.model import QuarantineRecord
from screening.watchlists.model import content_version


def normalise_document_number(number: str | None) -> str:
    """Documents are compared without spaces, dashes or MRZ fillers, in capitals."""
    if not number:
        return ""
    return "".join(ch for ch in number.upper() if ch.isalnum())


@dataclass(frozen=True)
class RegisteredDocument:
    document_number: str
    issuing_state: str
    document_type: str
    reported_at: str
    status: str
    source_file: str
    line: int


@dataclass
class Registry:
    documents: dict[tuple[str, str], RegisteredDocument]
    skipped: list[QuarantineRecord]
    version: str

    def lookup(self, number: str | None, issuing_state: str | None) -> RegisteredDocument | None:
        return self.documents.get((normalise_document_number(number), (issuing_state or "").upper()))


def load_registry(paths: list[str | Path]) -> Registry:
    documents: dict[tuple[str, str], RegisteredDocument] = {}
    skipped: list[QuarantineRecord] = []
    versions = []
    for path in paths:
        data = Path(path).read_bytes()
        versions.append(content_version(data))
        read = read_csv(path, schemas.REGISTRY_CSV, data)
        skipped.extend(read.quarantine)
        for row in read.rows:
            v = row.values
            number = normalise_document_number(v.get("document_number"))
            state = (v.get("issuing_state") or "").upper()
            if not number or not state:
                skipped.append(QuarantineRecord(read.path, str(row.line), "REGISTRY_ENTRY_INCOMPLETE",
                                                f"{read.path}: line {row.line}: needs document_number and "
                                                "issuing_state", row.raw, 0))
                continue
            documents[(number, state)] = RegisteredDocument(
                number, state, (v.get("document_type") or "").upper(), v.get("reported_at") or "",
                (v.get("status") or "").upper(), read.path, row.line)
    return Registry(documents, skipped, "|".join(versions))
