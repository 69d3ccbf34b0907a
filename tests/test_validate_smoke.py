"""First end-to-end smoke test of validate_manifest (details live in the other test_validate_* modules)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from screening.model import Manifest
from screening.validate import validate_manifest

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


def _traveller(**changes: str | None) -> dict[str, str | None]:
    row: dict[str, str | None] = dict(
        traveller_type="PAX", traveller_ref="T1", surname="Doe", given_names="Jane",
        date_of_birth="1980-02-29",
        sex="F", nationality="D", document_type="P", document_number="C01X00T47", document_issuing_state="D",
        document_expiry="2030-01-01", visa_number=None, visa_issuing_state=None, visa_expiry=None,
        embarkation="FRA", disembarkation="JFK", booking_ref="ABC123", seat="12A", source_line="2")
    row.update(changes)
    return row


def test_clean_manifest_has_no_flags_and_all_travellers_screenable() -> None:
    manifest = Manifest(carrier="LH", flight_number="400", departure_airport="FRA", arrival_airport="JFK",
                        scheduled_departure="2026-12-01T10:00:00Z", scheduled_arrival="2026-12-01T18:00:00Z",
                        transmitted_at="2026-11-30T10:00:00Z", travellers=[_traveller()])
    result = validate_manifest(manifest, now=NOW, use_gx=False)
    assert result.flags == []
    assert len(result.screenable) == 1 and result.quarantine == []
    json.dumps(result.report)
