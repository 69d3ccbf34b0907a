"""Any script to Latin capitals the way a passport prints them (ICAO Doc 9303 Part 3, section 6).

Where ICAO allows two forms (Ä -> AE or A, Ö -> OE or O, Ü -> UE or U, Å -> AA or A, Ø -> OE or O) both are
kept, because a traveller's passport and a watchlist may each have used either. Cyrillic follows the ICAO
table (Х -> KH, Ю -> IU, Я -> IA, Й -> I); everything else goes through anyascii, which covers every
Unicode script with maintained tables and no dependencies, so Arabic, CJK, Devanagari or Greek names on
a list still produce Latin tokens to compare. The anyascii form of Cyrillic (Я -> YA) is kept as a second
form too, since many lists and non-ICAO documents use it.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from anyascii import anyascii

# Characters where ICAO 9303 gives two acceptable forms: (first form, second form).
ICAO_DUAL: dict[str, tuple[str, str]] = {
    "Ä": ("AE", "A"), "Ö": ("OE", "O"), "Ü": ("UE", "U"), "Å": ("AA", "A"), "Ø": ("OE", "O"),
}
# Latin letters ICAO writes as more than the base letter (the rest lose their diacritics).
ICAO_LATIN: dict[str, str] = {
    "Æ": "AE", "Œ": "OE", "ß": "SS", "ẞ": "SS", "Þ": "TH", "Ð": "D", "Đ": "D", "Ħ": "H", "Ĳ": "IJ",
    "Ł": "L", "Ŀ": "L", "ı": "I", "Ŋ": "N", "Ŧ": "T",
}
ICAO_CYRILLIC: dict[str, str] = {
    "А": "A", "Б": "B", "В": "V", "Г": "G", "Ґ": "G", "Д": "D", "Е": "E", "Ё": "E", "Є": "IE", "Ж": "ZH",
    "З": "Z", "Ѕ": "DZ", "И": "I", "І": "I", "Ї": "I", "Й": "I", "Ј": "J", "К": "K", "Л": "L", "Љ": "LJ",
    "М": "M", "Н": "N", "Њ": "NJ", "О": "O", "П": "P", "Р": "R", "С": "S", "Т": "T", "Ћ": "D", "Ќ": "KJ",
    "У": "U", "Ў": "U", "Ф": "F", "Х": "KH", "Ц": "TS", "Ч": "CH", "Џ": "DZ", "Ш": "SH", "Щ": "SHCH",
    "Ъ": "IE", "Ы": "Y", "Ь": "", "Э": "E", "Ю": "IU", "Я": "IA",
}
# Marks that are not letters but sit inside Latin transliterations of Arabic (Sa'id, 'Abd): dropped.
_GLUE = {"'", "\u2019", "\u2018", "`", "\u02bf", "\u02be", "\u02bc", "\u00b4"}
_DROP_GLUE = str.maketrans("", "", "'`")


def _char_forms(ch: str) -> tuple[str, str, str]:
    """(ICAO first form, ICAO second form, anyascii form) for one upper-case character."""
    if ch in _GLUE:
        return "", "", ""
    if ch in ICAO_DUAL:
        first, second = ICAO_DUAL[ch]
        return first, second, second
    if ch in ICAO_LATIN:
        return ICAO_LATIN[ch], ICAO_LATIN[ch], ICAO_LATIN[ch]
    if ch in ICAO_CYRILLIC:
        other = anyascii(ch).upper()
        return ICAO_CYRILLIC[ch], ICAO_CYRILLIC[ch], other
    if ch.isascii():
        return ch, ch, ch
    base = unicodedata.normalize("NFKD", ch)
    stripped = "".join(c for c in base if not unicodedata.combining(c))
    if stripped.isascii() and stripped:
        return stripped, stripped, stripped
    # Other scripts: a space either side keeps syllabic scripts (CJK, Hangul) in separate tokens.
    latin = anyascii(ch).upper()
    return latin, latin, latin


@lru_cache(maxsize=200_000)
def transliterate(text: str) -> tuple[str, ...]:
    """Latin upper-case forms of `text`: the ICAO form first, then any distinct alternative forms."""
    if text.isascii():  # most names on manifests and lists: nothing to transliterate
        plain = text.upper()
        return (plain.translate(_DROP_GLUE) if "'" in plain or "`" in plain else plain,)
    text = unicodedata.normalize("NFC", text).upper()
    first, second, other = [], [], []
    for ch in text:
        a, b, c = _char_forms(ch)
        first.append(a)
        second.append(b)
        other.append(c)
    forms = ["".join(first), "".join(second), "".join(other)]
    return tuple(dict.fromkeys(forms))
