"""Lost/stolen document screening: every travel document of every screenable traveller against the
registry: exact on normalised number + issuing state (DOC_REPORTED_LOST_STOLEN, critical), else a
look-alike or one-edit match (DOC_REPORTED_LOST_STOLEN_SIMILAR, lower severity: OCR or keying errors
such as O/0 and I/1 can hide a reported document)."""

from __future__ import annotations

from screening.model import Document, Flag, Manifest, Traveller
from screening.vocabulary import DOCUMENT
from screening.watchlists.registry import RULE_EXACT, RULE_SIMILAR, Registry


def document_flags(manifest: Manifest, travellers: list[Traveller], registry: Registry) -> list[Flag]:
    screenable = {str(t.get("traveller_ref") or "") for t in travellers}
    flags: list[Flag] = []
    for document in manifest.documents:
        ref = str(document.get("traveller_ref") or "")
        if ref not in screenable:
            continue
        kind = "visa" if document.get("is_visa") else "travel document"
        hit = registry.lookup(document.get("document_number"), document.get("issuing_state"))
        if hit is None:
            flags.extend(_similar_flags(manifest, ref, kind, document, registry))
            continue
        flags.append(
            Flag(
                manifest_id=manifest.manifest_id,
                carrier=manifest.carrier,
                flight_number=manifest.flight_number,
                traveller_ref=ref,
                flag_type=DOCUMENT,
                rule_id=RULE_EXACT,
                severity="CRITICAL",
                score=1.0,
                list_name="document_registry",
                list_version=registry.version,
                explanation=(
                    f"{kind} ({hit.document_type or 'type not given'}, issued by {hit.issuing_state}) is "
                    f"reported {hit.status} since {hit.reported_at or 'an unknown date'}: exact match on "
                    "number and issuing state"
                ),
                details={"registry_file": hit.source_file, "registry_line": hit.line, "status": hit.status},
            )
        )
    return flags


def _similar_flags(manifest: Manifest, ref: str, kind: str, document: Document, registry: Registry) -> list[Flag]:
    return [
        Flag(
            manifest_id=manifest.manifest_id,
            carrier=manifest.carrier,
            flight_number=manifest.flight_number,
            traveller_ref=ref,
            flag_type=DOCUMENT,
            rule_id=RULE_SIMILAR,
            severity="MEDIUM",
            score=0.9,
            list_name="document_registry",
            list_version=registry.version,
            explanation=(
                f"{kind} number is one look-alike character or one edit away from a document of "
                f"{hit.issuing_state} reported {hit.status} since {hit.reported_at or 'an unknown date'} "
                f"({difference}); check the document itself"
            ),
            details={"registry_file": hit.source_file, "registry_line": hit.line, "status": hit.status},
        )
        for hit, difference in registry.lookup_similar(document.get("document_number"), document.get("issuing_state"))
    ]
