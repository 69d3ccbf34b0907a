"""Lost/stolen/revoked document registry (docs/architecture.md §3): exact lookup (DOC_REPORTED_LOST_STOLEN) and a
look-alike lookup (DOC_REPORTED_LOST_STOLEN_SIMILAR) for numbers that differ from a registered one only by
characters read or typed alike (O/0, I/1, S/5, B/8, Z/2) or by one edit. Look-alikes are found through an
index (look-alike folding plus delete-one keys), not a scan, so a registry of millions stays fast."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from rapidfuzz.distance import OSA

from screening import quarantine_reasons as reasons
from screening import rule_ids, schemas
from screening.countries import to_iso3
from screening.hashing import stable_hashes
from screening.ingest.tabular import read_csv
from screening.model import QuarantineRecord
from screening.watchlists.model import content_version

RULE_EXACT = rule_ids.DOC_REPORTED_LOST_STOLEN
RULE_SIMILAR = rule_ids.DOC_REPORTED_LOST_STOLEN_SIMILAR
# Characters that OCR, handwriting or keying confuse; each folds to the digit it looks like.
LOOK_ALIKE = {"O": "0", "Q": "0", "D": "0", "I": "1", "L": "1", "S": "5", "B": "8", "Z": "2", "G": "6"}
_FOLD = str.maketrans(LOOK_ALIKE)


def fold_look_alike(number: str) -> str:
    """The number with look-alike letters replaced by the digits they resemble (O -> 0, I -> 1...)."""
    return number.translate(_FOLD)


def _delete_keys(folded: str) -> set[str]:
    return {folded[:i] + folded[i + 1 :] for i in range(len(folded))} | {folded}


def explain_difference(given: str, registered: str) -> str:
    """Which characters differ, by position and kind, never the numbers themselves (personal data)."""
    if len(given) == len(registered):
        diffs = [(i, a, b) for i, (a, b) in enumerate(zip(given, registered, strict=True)) if a != b]
        if diffs and all(fold_look_alike(a) == fold_look_alike(b) for _, a, b in diffs):
            pairs = ", ".join(f"{a}/{b} at position {i + 1}" for i, a, b in diffs)
            return f"document number differs from a registered one only by look-alike characters ({pairs})"
        if len(diffs) == 2 and diffs[1][0] == diffs[0][0] + 1 and diffs[0][1] == diffs[1][2]:
            return (
                f"document number has two neighbouring characters swapped (positions {diffs[0][0] + 1}-"
                f"{diffs[1][0] + 1}) against a registered one"
            )
        if len(diffs) == 1:
            where = diffs[0][0] + 1
            return f"document number differs from a registered one in one character (position {where})"
    what = "one character more" if len(given) > len(registered) else "one character less"
    return f"document number has {what} than a registered one"


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
    _similar: tuple[np.ndarray, np.ndarray, list[RegisteredDocument]] | None = field(default=None, repr=False)

    def lookup(self, number: str | None, issuing_state: str | None) -> RegisteredDocument | None:
        return self.documents.get((normalise_document_number(number), (issuing_state or "").upper()))

    def _similar_index(self) -> tuple[np.ndarray, np.ndarray, list[RegisteredDocument]]:
        """Sorted hashes of (ISO state, delete-one key of the look-alike-folded number) with the document
        each came from; built on first use, vectorised (a million documents take seconds)."""
        if self._similar is None:
            documents = list(self.documents.values())
            keys: list[str] = []
            owners: list[int] = []
            for position, document in enumerate(documents):
                state = to_iso3(document.issuing_state)
                for key in _delete_keys(fold_look_alike(document.document_number)):
                    keys.append(f"{state}|{key}")
                    owners.append(position)
            hashes = stable_hashes(keys) if keys else np.empty(0, dtype=np.uint64)
            order = np.argsort(hashes, kind="stable")
            self._similar = (hashes[order], np.asarray(owners, dtype=np.int64)[order], documents)
        return self._similar

    def lookup_similar(
        self, number: str | None, issuing_state: str | None, max_results: int = 5
    ) -> list[tuple[RegisteredDocument, str]]:
        """Registered documents of the same issuing state whose number differs from this one only by
        look-alike characters and/or one edit (substitution, insertion, deletion, neighbour swap).
        An exact match is not returned here (lookup() reports it)."""
        given = normalise_document_number(number)
        state = to_iso3((issuing_state or "").upper())
        if len(given) < 5 or not state:
            return []  # very short numbers would look like too many others
        folded = fold_look_alike(given)
        hashes, owners, documents = self._similar_index()
        wanted = stable_hashes([f"{state}|{key}" for key in _delete_keys(folded)])
        low = np.searchsorted(hashes, wanted, side="left")
        high = np.searchsorted(hashes, wanted, side="right")
        found: dict[str, tuple[RegisteredDocument, str]] = {}
        for start, end in zip(low.tolist(), high.tolist(), strict=True):
            for owner in owners[start:end].tolist():
                document = documents[owner]
                if to_iso3(document.issuing_state) != state:
                    continue  # a hash collision
                registered = document.document_number
                if registered == given or registered in found:
                    continue
                other = fold_look_alike(registered)
                if other == folded or OSA.distance(folded, other, score_cutoff=1) <= 1:
                    found[registered] = (document, explain_difference(given, registered))
        return sorted(found.values(), key=lambda hit: hit[0].document_number)[:max_results]


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
                skipped.append(
                    QuarantineRecord(
                        read.path,
                        str(row.line),
                        reasons.REGISTRY_ENTRY_INCOMPLETE,
                        f"{read.path}: line {row.line}: needs document_number and issuing_state",
                        row.raw,
                        0,
                    )
                )
                continue
            documents[(number, state)] = RegisteredDocument(
                number,
                state,
                (v.get("document_type") or "").upper(),
                v.get("reported_at") or "",
                (v.get("status") or "").upper(),
                read.path,
                row.line,
            )
    return Registry(documents, skipped, "|".join(versions))
