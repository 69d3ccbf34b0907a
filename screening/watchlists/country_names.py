"""Country names as lists print them ("Iran (Islamic Republic of)", "Korea, North") to ICAO 9303 codes.
pycountry knows the ISO names; the overrides cover the spellings sanctions lists use that it does not."""

from __future__ import annotations

import re
from functools import cache

import pycountry

from screening.countries import iso3_to_icao

_OVERRIDES: dict[str, str] = {
    "DEMOCRATIC PEOPLE'S REPUBLIC OF KOREA": "PRK",
    "KOREA, NORTH": "PRK",
    "NORTH KOREA": "PRK",
    "KOREA, SOUTH": "KOR",
    "SOUTH KOREA": "KOR",
    "REPUBLIC OF KOREA": "KOR",
    "IRAN (ISLAMIC REPUBLIC OF)": "IRN",
    "IRAN": "IRN",
    "SYRIA": "SYR",
    "RUSSIA": "RUS",
    "TÜRKIYE": "TUR",
    "TURKIYE": "TUR",
    "TURKEY": "TUR",
    "STATE OF PALESTINE": "PSE",
    "PALESTINIAN": "PSE",
    "WEST BANK": "PSE",
    "GAZA": "PSE",
    "UNITED KINGDOM OF GREAT BRITAIN AND NORTHERN IRELAND": "GBR",
    "UNITED KINGDOM": "GBR",
    "UK": "GBR",
    "UNITED STATES OF AMERICA": "USA",
    "UNITED STATES": "USA",
    "USA": "USA",
    "DEMOCRATIC REPUBLIC OF THE CONGO": "COD",
    "CONGO, DEMOCRATIC REPUBLIC OF THE": "COD",
    "CONGO": "COG",
    "REPUBLIC OF THE CONGO": "COG",
    "BURMA": "MMR",
    "VENEZUELA": "VEN",
    "BOLIVIA": "BOL",
    "TANZANIA": "TZA",
    "UNITED REPUBLIC OF TANZANIA": "TZA",
    "LAOS": "LAO",
    "VIETNAM": "VNM",
    "MOLDOVA": "MDA",
    "KOSOVO": "RKS",
    "IVORY COAST": "CIV",
    "COTE D IVOIRE": "CIV",
    "MACEDONIA": "MKD",
    "CZECH REPUBLIC": "CZE",
    "THE GAMBIA": "GMB",
    "GAMBIA, THE": "GMB",
    "BAHAMAS, THE": "BHS",
    "CAPE VERDE": "CPV",
    "SWAZILAND": "SWZ",
    "BRUNEI": "BRN",
    "GERMANY": "DEU",
    "TAIWAN": "TWN",
    "CRIMEA": "UKR",
    "HOLY SEE": "VAT",
}


def _key(name: str) -> str:
    return re.sub(r"\s+", " ", name.replace("\u2019", "'").strip().upper().rstrip("."))


@cache
def country_to_icao(name: str | None) -> str | None:
    """ICAO code for a country name, ISO alpha-2/alpha-3 code; None when it names no State."""
    if not name or not name.strip():
        return None
    key = _key(name)
    if key in _OVERRIDES:
        return iso3_to_icao(_OVERRIDES[key])
    if len(key) in (2, 3) and key.isalpha():
        found = pycountry.countries.get(alpha_2=key) if len(key) == 2 else pycountry.countries.get(alpha_3=key)
        if found is not None:
            return iso3_to_icao(found.alpha_3)
    for field in ("name", "official_name", "common_name"):
        for country in pycountry.countries:
            value = getattr(country, field, None)
            if value and _key(value) == key:
                return iso3_to_icao(country.alpha_3)
    return None
