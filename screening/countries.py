"""ICAO Doc 9303 country codes: ISO 3166-1 alpha-3 (from pycountry) plus the ICAO-only codes that
ISO lacks (D for Germany, stateless and refugee codes, UN and EU documents, British nationality classes).
Used for validation and to join ISO-keyed data (D <-> DEU)."""

from __future__ import annotations

from functools import cache

import pycountry

# Doc 9303 Part 3, section 5: codes beyond ISO 3166-1 alpha-3.
ICAO_ONLY_CODES: dict[str, str] = {
    "D": "Germany (ICAO code; ISO DEU)",
    "GBD": "British Overseas Territories Citizen",
    "GBN": "British National (Overseas)",
    "GBO": "British Overseas Citizen",
    "GBP": "British Protected Person",
    "GBS": "British Subject",
    "UNO": "United Nations Organization official",
    "UNA": "United Nations specialized agency official",
    "UNK": "Resident of Kosovo, travel document issued by UNMIK",
    "EUE": "European Union",
    "XBA": "African Development Bank",
    "XIM": "African Export-Import Bank",
    "XCC": "Caribbean Community",
    "XCE": "Council of Europe",
    "XCO": "Common Market for Eastern and Southern Africa",
    "XEC": "Economic Community of West African States",
    "XES": "Organisation of Eastern Caribbean States",
    "XOM": "Sovereign Military Order of Malta",
    "XPO": "International Criminal Police Organization (INTERPOL)",
    "XDC": "Southern African Development Community",
    "XXA": "Stateless person (1954 Convention)",
    "XXB": "Refugee (1951 Convention)",
    "XXC": "Refugee (other than 1951 Convention)",
    "XXX": "Unspecified nationality",
    "RKS": "Kosovo (used by Kosovo; not ICAO-endorsed)",
    "XKX": "Kosovo (user-assigned code in some datasets)",
}

# Where ICAO and ISO differ, the ISO code that data keyed by ISO uses.
ICAO_TO_ISO3: dict[str, str] = {"D": "DEU", "RKS": "XKX"}
ISO3_TO_ICAO: dict[str, str] = {"DEU": "D"}


@cache
def iso_alpha3_codes() -> frozenset[str]:
    return frozenset(c.alpha_3 for c in pycountry.countries)


@cache
def icao_codes() -> frozenset[str]:
    return iso_alpha3_codes() | frozenset(ICAO_ONLY_CODES)


def is_icao_code(code: str | None) -> bool:
    return bool(code) and code.upper() in icao_codes()  # type: ignore[union-attr]


def to_iso3(code: str) -> str:
    return ICAO_TO_ISO3.get(code.upper(), code.upper())


def iso3_to_icao(code: str) -> str:
    return ISO3_TO_ICAO.get(code.upper(), code.upper())


def same_country(a: str | None, b: str | None) -> bool:
    """D and DEU are the same State."""
    return bool(a) and bool(b) and to_iso3(a) == to_iso3(b)  # type: ignore[arg-type]


@cache
def iso2_to_icao(alpha2: str) -> str | None:
    """airportsdata gives ISO alpha-2 countries; rules speak ICAO codes (Germany is D)."""
    if alpha2.upper() == "XK":
        return "RKS"
    country = pycountry.countries.get(alpha_2=alpha2.upper())
    return iso3_to_icao(country.alpha_3) if country else None
