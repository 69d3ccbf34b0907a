"""Airport country and time zone from the airportsdata package (never a hand-written table).
PAXLST DTM 189/232 times are local to their airport; rules need the destination State."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from screening.countries import iso2_to_icao


@cache
def _airports() -> dict[str, Any]:
    import airportsdata

    return airportsdata.load("IATA")


def airport_info(iata: str | None) -> dict[str, Any] | None:
    return _airports().get((iata or "").upper()) if iata else None


def airport_country(iata: str | None) -> str | None:
    """ICAO 9303 code of the airport's State (D for German airports)."""
    info = airport_info(iata)
    return iso2_to_icao(info["country"]) if info else None


def airport_timezone(iata: str | None) -> ZoneInfo | None:
    info = airport_info(iata)
    if not info or not info.get("tz"):
        return None
    return ZoneInfo(info["tz"])


def localise(naive: datetime, iata: str | None) -> datetime | None:
    """Attach the airport's time zone to a local wall-clock time; None when the airport is unknown."""
    zone = airport_timezone(iata)
    return naive.replace(tzinfo=zone) if zone else None
