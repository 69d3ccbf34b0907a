"""Name normalisation for matching: a name becomes a list of slots (one per name part), each slot holding
its Latin forms. Titles and honorifics go; particles (AL, BIN, ABDUL, VAN, DE...) stay as light slots and
are also joined onto the next part, so 'AL HASHIMI', 'AL-HASHIMI' and 'ALHASHIMI' all meet. Order is
not kept as meaning: scoring aligns slots whatever their order (given/surname swaps, 'SURNAME, Given')."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from screening.matching.translit import transliterate

# Titles, honorifics, ranks and generational suffixes: they say nothing about who someone is.
HONORIFICS = frozenset([
    "MR", "MRS", "MS", "MISS", "MSTR", "MASTER", "DR", "PROF", "SIR", "DAME", "LORD", "LADY", "REV", "FR",
    "SHEIKH", "SHEIK", "SHAIKH", "SHAYKH", "SHEKH", "HAJI", "HAJJI", "HADJI", "HAJ", "HADJ", "ALHAJI",
    "ALHAJJI", "HAJIA", "SAYED", "SAYYED", "SAYYID", "SAYID", "SYED", "SEYED", "SEYYED", "SAYYAD",
    "MAULAVI", "MAULVI", "MAWLAWI", "MAWLAVI", "MOULAVI", "MAULANA", "MOLLAH", "MULLAH", "MULLA", "MOLLA",
    "SARDAR", "SIRDAR", "QARI", "QAZI", "IMAM", "ENG", "ENGR", "ENGINEER", "GEN",
    "GENERAL", "COL", "COLONEL", "MAJ", "MAJOR", "CAPT", "CAPTAIN", "LT", "LIEUTENANT", "SGT", "SERGEANT",
    "CMDR", "COMMANDER", "BRIG", "BRIGADIER", "ADMIRAL", "JR", "SNR", "SR", "JNR", "II", "III", "IV",
])
# Articles and connectors that carry little identity on their own (light slots): ALI AL HASHIMI and
# ALI HASHIMI are the same person; MOHAMMED BIN ALI is often written MOHAMMED ALI.
PARTICLES = frozenset([
    "AL", "EL", "UL", "UD", "BIN", "BINT", "IBN", "BEN", "BENT", "OULD", "WALD", "VAN", "VON", "DER", "DEN",
    "DE", "DA", "DOS", "DAS", "DEL", "DELLA",
])
# Prefixes whose joined form is a usual spelling (ABDULRAHMAN, ALHASHIMI, ABUBAKAR): the next part
# also gets the joined form. ABU/ABDUL are not light: ABU BAKR is not BAKR.
JOINING = frozenset(["BIN", "IBN", "BEN", "BINT",
    "AL", "EL", "UL", "UD", "AD", "AR", "AS", "AZ", "ABU", "ABOU", "ABD", "ABDUL", "ABDEL", "ABDAL",
    "ABDOUL", "ABDU",
])
# Second halves of compound names often written apart or joined to the part before them
# (BASHIR UDDIN / BASHIRUDDIN, SANA ULLAH / SANAULLAH): the part before also gets the joined form.
SUFFIXES = frozenset([
    "UDDIN", "UDIN", "ADDIN", "EDDINE", "EDDIN", "DIN", "ULLAH", "ULLA", "ALLAH", "ULLAHI", "ULHAQ", "ULHAK",
])
# Slavic family names change with sex: NOVAK/NOVAKOVA (Czech, Slovak), IVANOV/IVANOVA, PUTIN/PUTINA
# (Russian, Bulgarian), KOWALSKI/KOWALSKA (Polish). A feminine form also carries its masculine base so a
# wife, daughter or the listed person under either form is found; sex evidence then weighs in.
FEMININE_ENDINGS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("OVA", ("OV", "")), ("EVA", ("EV",)), ("INA", ("IN",)), ("SKA", ("SKI",)), ("CKA", ("CKI",)),
    ("DZKA", ("DZKI",)),
)
_SEPARATORS = re.compile(r"[^A-Z0-9]+")
_ALIAS_SPLIT = re.compile(r"\s*;\s*")


@dataclass(frozen=True)
class Slot:
    """One name part: its forms (primary first) and whether it is a light particle."""

    forms: tuple[str, ...]
    particle: bool = False

    @property
    def primary(self) -> str:
        return self.forms[0]


def split_packed_names(name: str) -> list[str]:
    """Several spellings packed into one alias ('Javad Rahigi; Jawad Rahiqi') are separate names."""
    return [part for part in _ALIAS_SPLIT.split(name or "") if part.strip()]


def _tokens(text: str) -> list[str]:
    return [t for t in _SEPARATORS.split(text) if t]


def _strip_honorifics(tokens: list[str]) -> list[str]:
    """Drop titles, but not after an article (EL SAYED, AL HAJ, IBN AL-SHAYKH are family names)."""
    kept = [t for i, t in enumerate(tokens)
            if t not in HONORIFICS or (i and _ends_with_article(tokens[i - 1]))]
    return kept or tokens


def _ends_with_article(token: str) -> bool:
    return token in PARTICLES or token in JOINING or token.endswith(("AL", "EL"))


@lru_cache(maxsize=500_000)
def name_slots(name: str) -> tuple[Slot, ...]:
    """Slots for one name string (use split_packed_names first for ';'-packed aliases)."""
    if not name or not name.strip():
        return ()
    forms = transliterate(name)
    token_lists = [_strip_honorifics(_tokens(form)) for form in forms]
    primary = token_lists[0]
    # Alternative transliterations become extra forms of the same slot when they tokenise alike.
    alternatives = [tl for tl in token_lists[1:] if len(tl) == len(primary)]
    slots: list[Slot] = []
    for position, token in enumerate(primary):
        variants = [token, *(alt[position] for alt in alternatives)]
        is_particle = (token in PARTICLES or (token in SUFFIXES and position > 0)) and len(primary) > 1
        previous = primary[position - 1] if position else ""
        if previous in JOINING and (not is_particle or token in SUFFIXES) and len(primary) > 1:
            variants += [previous + v for v in list(variants)]
        if not is_particle and len(primary) > 1:
            variants += masculine_forms(token)
        slots.append(Slot(tuple(dict.fromkeys(variants)), is_particle))
    for position, token in enumerate(primary):
        if token in SUFFIXES and position > 0:
            start = position - 1
            while start > 0 and slots[start].particle:
                start -= 1
            joined = "".join(primary[start : position + 1])
            slots[start] = Slot(tuple(dict.fromkeys((*slots[start].forms, joined))), slots[start].particle)
    return tuple(slots)


def masculine_forms(token: str) -> list[str]:
    """NOVAKOVA -> NOVAKOV, NOVAK; KOWALSKA -> KOWALSKI; only for parts long enough to be family names."""
    for ending, replacements in FEMININE_ENDINGS:
        if token.endswith(ending) and len(token) >= len(ending) + 3:
            stem = token[: -len(ending)]
            return [stem + r for r in replacements if len(stem + r) >= 4]
    return []


def normalise_name(name: str | None) -> str:
    """Upper-case Latin name parts, titles removed, single spaces ('Dr. O'Neil-Smith' -> 'ONEIL SMITH')."""
    return " ".join(slot.primary for slot in name_slots(name or ""))


def traveller_full_name(given_names: str | None, surname: str | None) -> str:
    """The name as one string for display and for comparison (order does not matter to scoring)."""
    return " ".join(p.strip() for p in (given_names, surname) if p and p.strip())
