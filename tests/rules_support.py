"""The flight the rules tests share: LH401 JFK -> FRA, transmitted 20:00Z for a 23:00Z departure."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from screening.model import Manifest

RULES = Path(__file__).parent / "fixtures" / "rules" / "basic"

FLIGHT = dict(
    carrier="LH",
    flight_number="401",
    departure_airport="JFK",
    arrival_airport="FRA",
    scheduled_departure="2026-03-01T18:00:00-05:00",
    scheduled_arrival="2026-03-02T07:30:00+01:00",
    transmitted_at="2026-03-01T20:00:00Z",
)


def flight_manifest(travellers: list[dict[str, Any]] | None = None, **flight: Any) -> Manifest:
    manifest = Manifest(**{**FLIGHT, **flight})
    manifest.travellers = list(travellers or [])
    return manifest
