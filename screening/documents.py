"""Lost/stolen document screening: every travel document of every screenable traveller against the
registry (exact on normalised number + issuing state)."""

from __future__ import annotations

from typing import Any

from screening.model import Flag, Manifest
from screening.watchlists.registry import Registry


def document_flags(manifest: Manifest, travellers: list[dict[str, Any]], registry: Registry) -> list[Flag]:
    screenable = {str(t.get("traveller_ref") or "") for t in travellers}
    flags: list[Flag] = []
    for document in manifest.documents:
        ref = str(document.get("traveller_ref") or "")
        if ref not in screenable:
            continue
        hit = registry.lookup(document.get("document_number"), document.get("issuing_state"))
        if hit is None:
            continue
        kind = "visa" if document.get("is_visa") else "travel document"
        flags.append(Flag(
            manifest_id=manifest.manifest_id, carrier=manifest.carrier, flight_number=manifest.flight_number,
            traveller_ref=ref, flag_type="DOCUMENT", rule_id="DOC_REPORTED_LOST_STOLEN", severity="CRITICAL",
            score=1.0, list_name="document_registry",
            explanation=(f"{kind} ({hit.document_type or 'type not given'}, issued by {hit.issuing_state}) is "
                         f"reported {hit.status} since {hit.reported_at or 'an unknown date'}: exact match on "
                         "number and issuing state"),
            details={"registry_file": hit.source_file, "registry_line": hit.line, "status": hit.status},
        ))
    return flags
