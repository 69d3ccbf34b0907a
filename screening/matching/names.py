"""Name normalisation for matching: a name becomes a list of slots (one per name part), each slot holding
its Latin forms. Titles go; honorifics that are also names (SAYED, HAJI, SARDAR...) stay as light slots,
like particles (AL, BIN, VAN, DE...), which are also joined onto the next part, so 'AL HASHIMI',
'AL-HASHIMI' and 'ALHASHIMI' all meet. Each part also carries its transliteration key (translit.py:
QASIM/KASSEM, KADHIM/KAZIM, SERGEJS/SERGEY, CHANG/JANG meet as equivalences, not typos) and, for an
English short form, its full forms from the `nicknames` table (BOB -> ROBERT). Digits typed for letters
inside a part (M0HAMMED, AL1) are read as letters. Articles meet in every assimilated form (AZ-ZAWAHIRI,
AL ZAWAHIRI, ALZAWAHIRI; ABD AL-RAHMAN, ABDURRAHMAN). Two neighbouring parts are also a compound
(GHOLAM REZA / GHOLAMREZA): a traveller's part is searched by its compound forms where a list writes the
part as one (Slot.forms_among). Order is not kept as meaning: scoring aligns slots whatever their order
(given/surname swaps, 'SURNAME, Given')."""

from __future__ import annotations

import re
from collections.abc import Container
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from screening.matching.translit import consonant_skeleton, is_abjad, joined_keys, translit_key, transliterate

# Titles, honorifics, ranks and generational suffixes: they say nothing about who someone is.
HONORIFICS = frozenset(
    [
        "MR",
        "MRS",
        "MS",
        "MISS",
        "MSTR",
        "MASTER",
        "DR",
        "PROF",
        "SIR",
        "DAME",
        "LORD",
        "LADY",
        "REV",
        "FR",
        "SHEIKH",
        "SHEIK",
        "SHAIKH",
        "SHAYKH",
        "SHEKH",
        "HAJI",
        "HAJJI",
        "HADJI",
        "HAJ",
        "HADJ",
        "ALHAJI",
        "ALHAJJI",
        "HAJJ",
        "ALHAJ",
        "ALHAJJ",
        "ALHADJ",
        "ELHADJ",
        "ELHAJ",
        "SAHIB",
        "SAHEB",
        "SAHIBZADA",
        "JANAB",
        "MAULAWI",
        "MOLVI",
        "MOULVI",
        "MOLAWI",
        "HAJIA",
        "SAYED",
        "SAYYED",
        "SAYYID",
        "SAYID",
        "SYED",
        "SEYED",
        "SEYYED",
        "SAYYAD",
        "MAULAVI",
        "MAULVI",
        "MAWLAWI",
        "MAWLAVI",
        "MOULAVI",
        "MAULANA",
        "MOLLAH",
        "MULLAH",
        "MULLA",
        "MOLLA",
        "SARDAR",
        "SIRDAR",
        "QARI",
        "QAZI",
        "HAFIZ",
        "IMAM",
        "ENG",
        "ENGR",
        "ENGINEER",
        "GEN",
        "GENERAL",
        "COL",
        "COLONEL",
        "MAJ",
        "MAJOR",
        "CAPT",
        "CAPTAIN",
        "LT",
        "LIEUTENANT",
        "SGT",
        "SERGEANT",
        "CMDR",
        "COMMANDER",
        "BRIG",
        "BRIGADIER",
        "ADMIRAL",
        "JR",
        "SNR",
        "SR",
        "JNR",
        "II",
        "III",
        "IV",
        "PRESIDENT",
        "PRAESIDENT",
        "PRASIDENT",
        "PRESIDENTE",
        "MONSIEUR",
        "MADAME",
        "MME",
        "MLLE",
        "HERR",
        "FRAU",
        "SENOR",
        "SENORA",
        "SR",
        "SRA",
        "DON",
        "DONA",
        "USTADZ",
        "USTAD",
        "USTADH",
        "USTAZ",
        "MUFTI",
        "AMIR",
        "EMIR",
        "AMEER",
        "MIRZA",
        "AGHA",
        "AQA",
        "AGA",
        "HAZRAT",
        "HOJATOLESLAM",
        "HOJJATOLESLAM",
        "AYATOLLAH",
        "AYATULLAH",
        "SHAHEED",
        "SHAHID",
        "MOULANA",
        "MAWLANA",
        "DOCTOR",
        "DOKTOR",
        "PROFESSOR",
        "MARSHAL",
        "HONOURABLE",
        "EXCELLENCY",
        "PRINCESS",
        "SULTAN",
        "RAIS",
        "RAEES",
        "KOMANDIR",
        "GENERAAL",
        "GENERALE",
        "GENERALMAJOR",
    ]
)
# Honorifics that are also given or family names (SAYED KHAN, SAID KHAN): kept as light slots, not dropped,
# so a name that is nothing but the honorific and one part still has both.
NAME_LIKE_HONORIFICS = frozenset(
    [
        "SAYED",
        "SAYYED",
        "SAYYID",
        "SAYID",
        "SYED",
        "SEYED",
        "SEYYED",
        "SAYYAD",
        "HAJI",
        "HAJJI",
        "HADJI",
        "HAJ",
        "HAJJ",
        "HADJ",
        "SAHIB",
        "SAHEB",
        "SARDAR",
        "SIRDAR",
        "QAZI",
        "IMAM",
        "AMIR",
        "EMIR",
        "AMEER",
        "MIRZA",
        "AGHA",
        "SULTAN",
        "SHAHID",
        "SHAHEED",
        "MUFTI",
        "DON",
        "AGA",
        "AQA",
        "MULLAH",
        "MULLA",
        "MOLLA",
        "MOLLAH",
        "SHEIKH",
        "SHAIKH",
        "QARI",
        "HAFIZ",
    ]
)
# Articles and connectors that carry little identity on their own (light slots): ALI AL HASHIMI and
# ALI HASHIMI are the same person; MOHAMMED BIN ALI is often written MOHAMMED ALI.
PARTICLES = frozenset(
    [
        "AL",
        "EL",
        "UL",
        "UD",
        "BIN",
        "BINT",
        "IBN",
        "BEN",
        "BENT",
        "OULD",
        "WALD",
        "VAN",
        "VON",
        "DER",
        "DEN",
        "DE",
        "DA",
        "DOS",
        "DAS",
        "DEL",
        "DELLA",
        "LOS",
        "LAS",
        "DI",
        "DU",
        "DES",
        "AR",
        "AS",
        "ASH",
        "AD",
        "AZ",
        "ATH",
        "ADH",
    ]
)
# Prefixes whose joined form is a usual spelling (ABDULRAHMAN, ALHASHIMI, ABUBAKAR): the next part
# also gets the joined form. ABU/ABDUL are not light: ABU BAKR is not BAKR.
JOINING = frozenset(
    [
        "BIN",
        "IBN",
        "BEN",
        "BINT",
        "AL",
        "EL",
        "UL",
        "UD",
        "AD",
        "AR",
        "AS",
        "AZ",
        "ABU",
        "ABOU",
        "ABD",
        "ABDUL",
        "ABDEL",
        "ABDAL",
        "ABDOUL",
        "ABDU",
        "ASH",
        "ATH",
        "ADH",
        "DE",
        "DEL",
        "DA",
        "DI",
        "DU",
        "DOS",
        "DAS",
        "LOS",
        "LAS",
        "VAN",
        "VON",
        "DER",
    ]
)
# Second halves of compound names often written apart or joined to the part before them
# (BASHIR UDDIN / BASHIRUDDIN, SANA ULLAH / SANAULLAH): the part before also gets the joined form.
SUFFIXES = frozenset(
    [
        "UDDIN",
        "UDIN",
        "ADDIN",
        "EDDINE",
        "EDDIN",
        "DIN",
        "ULLAH",
        "ULLA",
        "ALLAH",
        "ULLAHI",
        "ULHAQ",
        "ULHAK",
        "ZADEH",
        "ZADA",
        "ZADE",
        "POUR",
        "NEJAD",
        "NEZHAD",
    ]
)
# Slavic family names change with sex: NOVAK/NOVAKOVA (Czech, Slovak), IVANOV/IVANOVA, PUTIN/PUTINA
# (Russian, Bulgarian), KOWALSKI/KOWALSKA (Polish). A feminine form also carries its masculine base so a
# wife, daughter or the listed person under either form is found; sex evidence then weighs in.
FEMININE_ENDINGS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("OVA", ("OV", "")),
    ("EVA", ("EV",)),
    ("INA", ("IN",)),
    ("SKA", ("SKI",)),
    ("CKA", ("CKI",)),
    ("DZKA", ("DZKI",)),
)
_SEPARATORS = re.compile(r"[^A-Z0-9]+")
# Several names in one field: "A; B", "A / B", "A a.k.a. B", "A alias B" (lists and carriers both do it).
_ALIAS_SPLIT = re.compile(r"\s*;\s*|\s+/\s+|\s+(?:a\.?k\.?a\.?|alias|f\.?k\.?a\.?)\s+", re.IGNORECASE)
# Digits typed for letters inside a part that has letters (M0HAMMED, AL1, 9HANI).
_DIGIT_LETTERS = str.maketrans("0123456789", "OIZEASGTBG")
# Articles (AL and its assimilated forms before sun letters: AR RAHMAN, AZ ZAWAHIRI, ASH SHAMI).
ARTICLES = frozenset(["AL", "EL", "UL", "AR", "AS", "ASH", "AD", "AZ", "ATH", "ADH"])
# Arabic-script particles and prefixes as anyascii writes them (no vowels) -> their usual Latin spelling,
# so they are light or joining like their Latin forms (ابن لادن: BN LDN -> BIN LDN; عبد الله: BD -> ABD).
ABJAD_WORDS = {"BN": "BIN", "BNT": "BINT", "BW": "ABU", "BY": "ABI", "BD": "ABD", "M": "UMM", "L": "AL"}
# A kunya (ABU HAMZA, UMM ...: "father/mother of") begins with these.
KUNYA_HEADS = frozenset(["ABU", "ABOU", "ABO", "UMM", "UM", "OUM"])
SKELETON_MARK = "#"  # begins every skeleton form, and ends an abjad part's (see _skeletons)
COMPOUND_MAX_LENGTH = 16  # neighbouring parts joined into one only up to this length (a compound name)
NICKNAME_MAX_FULL_FORMS = 3  # a short form with more full forms than this (AL, ALI) is left alone


@dataclass(frozen=True)
class Slot:
    """One name part: its forms (primary first) and whether it is a light particle."""

    forms: tuple[str, ...]
    particle: bool = False
    title: bool = False  # a name-like honorific (light like a particle, left out of normalise_name)
    # This part written together with a neighbour, and the keys of that (translit.joined_keys: GHOLAM
    # REZA -> GHOLAMREZA): searched only for a traveller's part (forms_among), never indexed for a list.
    compounds: tuple[str, ...] = ()
    # Consonant skeletons ("#mhmd"; an abjad part's "#mhmd#"), in lower case: every other form is upper
    # case, so a skeleton never resembles a written part and meets only other skeletons (see _skeletons).
    skeletons: tuple[str, ...] = ()
    abjad: bool = False  # written in an abjad (Arabic script...): its forms are mostly consonants

    @property
    def primary(self) -> str:
        return self.forms[0]

    def forms_among(self, vocabulary: Container[str]) -> tuple[str, ...]:
        """The forms a traveller's part is searched by: its own, its compound forms where a listed
        name writes them as one part (listed names are indexed by their own forms only, so compounds
        cost neither index size nor candidate-search time) and, for an abjad-script part, its consonant
        skeletons, which meet the skeletons of listed Latin parts (listed_forms)."""
        found = tuple(c for c in self.compounds if c in vocabulary and c not in self.forms)
        if self.abjad:
            found += self.skeletons
        return (*self.forms, *found) if found else self.forms

    def listed_forms(self) -> tuple[str, ...]:
        """The forms a listed part is indexed by: its own and, for a Latin part, its consonant skeletons,
        so that a traveller's name in Arabic script (محمد: MHMD) meets MOHAMMED. A traveller's Latin part
        never carries skeletons (forms_among), so Latin names never meet by skeleton (MAHMUD/MUHAMMAD)."""
        return self.forms if self.abjad else (*self.forms, *self.skeletons)


def split_packed_names(name: str) -> list[str]:
    """Several spellings packed into one alias ('Javad Rahigi; Jawad Rahiqi') are separate names."""
    return [part for part in _ALIAS_SPLIT.split(name or "") if part.strip()]


def _tokens(text: str) -> list[str]:
    out = []
    for t in _SEPARATORS.split(text):
        if t and not t.isalpha() and not t.isdigit() and any(c.isalpha() for c in t):
            t = t.translate(_DIGIT_LETTERS)
        if t:
            out.append(t)
    return out


def _strip_honorifics(tokens: list[str]) -> list[str]:
    """Drop titles, but not after an article (EL SAYED, AL HAJ, IBN AL-SHAYKH are family names), and not
    name-like honorifics (those become light slots in name_slots)."""
    kept = [
        t
        for i, t in enumerate(tokens)
        if t not in HONORIFICS or t in NAME_LIKE_HONORIFICS or (i and _ends_with_article(tokens[i - 1]))
    ]
    return kept or tokens


@lru_cache(maxsize=100_000)
def nickname_full_forms(token: str) -> tuple[str, ...]:
    """BOB -> (ROBERT,); empty for parts that are not a known short form or have too many full forms."""
    if len(token) < 3 or not token.isalpha():
        return ()
    namer = _namer()
    if namer is None:
        return ()
    full = {c for c in namer.canonicals_of(token.lower()) if len(c) > len(token) and c.isalpha()}
    if not full or len(full) > NICKNAME_MAX_FULL_FORMS:
        return ()
    return tuple(sorted(c.upper() for c in full))


@lru_cache(maxsize=1)
def _namer() -> Any:
    """The nickname table (carltonnorthern/nicknames, Apache-2.0), or None if it is not installed: then
    short forms are matched by spelling only."""
    try:
        from nicknames import NickNamer
    except ImportError:
        return None
    return NickNamer()


def _ends_with_article(token: str) -> bool:
    return token in PARTICLES or token in JOINING or token.endswith(("AL", "EL"))


@lru_cache(maxsize=500_000)
def name_slots(name: str) -> tuple[Slot, ...]:
    """Slots for one name string (use split_packed_names first for ';'-packed aliases)."""
    if not name or not name.strip():
        return ()
    forms = transliterate(name)
    abjad = is_abjad(name)
    token_lists = [_strip_honorifics(_tokens(form)) for form in forms]
    if abjad:
        token_lists = [[ABJAD_WORDS.get(t, t) for t in tl] for tl in token_lists]
    primary = token_lists[0]
    # Alternative transliterations become extra forms of the same slot when they tokenise alike.
    alternatives = [tl for tl in token_lists[1:] if len(tl) == len(primary)]
    comma = _comma_position(name, len(primary))
    slots = [_slot(primary, position, alternatives, abjad, comma == 1) for position in range(len(primary))]
    _join_suffixes(primary, slots)
    _join_compounds(primary, slots, comma)
    return tuple(slots)


def _slot(
    primary: list[str], position: int, alternatives: list[list[str]], abjad: bool = False, one_surname: bool = False
) -> Slot:
    """One part's slot (see _slot_of), from what of its neighbours matters: whether a joining prefix
    or an article stands before it. With `one_surname` the first part is all that stands before the
    comma of 'SURNAME, Given': there a name-like honorific is the family name (AGHA, Ahmad Zia)."""
    previous = primary[position - 1] if position else ""
    joining = previous in JOINING
    return _slot_of(
        (primary[position], *(alt[position] for alt in alternatives)),
        len(primary) > 1,
        position > 0,
        previous if joining else "",
        primary[position - 2] if joining and position > 1 else "",
        (bool(position) and _ends_with_article(previous)) or (one_surname and not position),
        abjad,
    )


@lru_cache(maxsize=100_000)
def _slot_of(
    spellings: tuple[str, ...], several: bool, later: bool, prefix: str, before: str, family_name: bool, abjad: bool
) -> Slot:
    """One part's slot: its spellings, its joined forms after a prefix or article, its masculine base,
    its full forms if it is a short form, the romanisation keys of all of them and their consonant
    skeletons. Cached: a list's common parts (MOHAMMED, ALI) recur in hundreds of thousands of names."""
    token = spellings[0]
    variants = list(spellings)
    # a name-like honorific after an article (EL SAYED) or alone before the comma (AGHA, Zia) is a family name
    is_title = token in NAME_LIKE_HONORIFICS and several and not family_name
    is_particle = (token in PARTICLES or (token in SUFFIXES and later) or is_title) and several
    if prefix and (not is_particle or token in SUFFIXES) and several:
        variants += _prefixed(prefix, before, variants)
    if abjad:  # consonants only: Latin spelling rules (SY -> SH, nicknames SYD -> SIDNEY) do not apply
        pass
    elif not is_particle:
        if several:
            variants += masculine_forms(token)
        variants += nickname_full_forms(token)
    if not abjad and (not is_particle or is_title):  # a title that is also a name (SAYID/SAEED) meets its spellings
        variants += [translit_key(v) for v in list(variants)]
    bones = _skeletons(variants, abjad) if not is_particle and token.isalpha() else ()
    return Slot(tuple(dict.fromkeys(variants)), is_particle, is_title, skeletons=bones, abjad=abjad)


def _skeletons(variants: list[str], abjad: bool) -> tuple[str, ...]:
    """The consonant skeleton of each form, in lower case (see Slot.skeletons); an abjad part's also
    without a leading L (the article written onto the name: البغدادي, LBGDD, is also BAGHDADI).

    An abjad part's skeleton ends in one more mark than a listed Latin part's, so the two are one edit
    apart, never equal: a skeleton lost the vowels (HMD is HAMID, AHMAD, HAMIDI and AHMADI), so agreeing
    by it is a near agreement, nearer the longer the skeleton (token_similarity: 0.8 for one consonant,
    0.91 for MHMD), never the exact agreement of a spelling."""
    out: list[str] = []
    for variant in variants:
        bones = consonant_skeleton(variant)
        if not bones:
            continue
        out.append(bones)
        if abjad and len(bones) > 3 and bones.startswith("L"):
            out.append(bones[1:])
    end = SKELETON_MARK if abjad else ""
    return tuple(dict.fromkeys(SKELETON_MARK + b.lower() + end for b in out))


def _prefixed(previous: str, before: str, variants: list[str]) -> list[str]:
    """Joined forms after a prefix (`previous`, with `before` the part before it): AL HASHIMI ->
    ALHASHIMI; any article also as AL (EL/UL/AZ ZAWAHIRI -> ALZAWAHIRI, the sun letters assimilated or
    not); two prefixes: ABD AL RAHMAN -> ABDALRAHMAN, DE LOS REYES -> DELOSREYES."""
    heads = [previous, "AL"] if previous in ARTICLES else [previous]
    if before in JOINING:
        heads += [before + head for head in heads]
    return [head + v for head in dict.fromkeys(heads) for v in variants]


def _join_suffixes(primary: list[str], slots: list[Slot]) -> None:
    """The part before a compound suffix also gets the joined form (BASHIR UDDIN -> BASHIRUDDIN)."""
    for position, token in enumerate(primary):
        if token in SUFFIXES and position > 0:
            start = position - 1
            while start > 0 and slots[start].particle:
                start -= 1
            joined = "".join(primary[start : position + 1])
            slot = slots[start]
            slots[start] = Slot(
                tuple(dict.fromkeys((*slot.forms, joined, translit_key(joined)))),
                slot.particle,
                slot.title,
                slot.compounds,
                slot.skeletons,
                slot.abjad,
            )


def _comma_position(name: str, count: int) -> int:
    """How many parts stand before the comma of 'SURNAME, Given' (-1 without one): parts either side of
    it are never one compound."""
    head, comma, _ = name.partition(",")
    if not comma:
        return -1
    before = len(_strip_honorifics(_tokens(transliterate(head)[0])))
    return before if 0 < before < count else -1


def _join_compounds(primary: list[str], slots: list[Slot], comma: int) -> None:
    """Two neighbouring parts may also be one part written together (GHOLAM REZA / GHOLAMREZA, MOON CHI /
    MUNCHI): both slots get the joined form and its romanisation key as compounds (see Slot.forms_among),
    never across the comma of 'SURNAME, Given'."""
    for position in range(len(primary) - 1):
        if position + 1 == comma:
            continue
        a, b = slots[position], slots[position + 1]
        if a.particle or b.particle or not primary[position].isalpha() or not primary[position + 1].isalpha():
            continue
        if len(primary[position]) < 2 or len(primary[position + 1]) < 2:
            continue
        joined = primary[position] + primary[position + 1]
        if len(joined) > COMPOUND_MAX_LENGTH:
            continue
        for at, slot in ((position, a), (position + 1, b)):
            slots[at] = Slot(
                slot.forms,
                slot.particle,
                slot.title,
                tuple(dict.fromkeys((*slot.compounds, *joined_keys(primary[position], primary[position + 1])))),
                slot.skeletons,
                slot.abjad,
            )


def masculine_forms(token: str) -> list[str]:
    """NOVAKOVA -> NOVAKOV, NOVAK; KOWALSKA -> KOWALSKI; only for parts long enough to be family names."""
    for ending, replacements in FEMININE_ENDINGS:
        if token.endswith(ending) and len(token) >= len(ending) + 3:
            stem = token[: -len(ending)]
            return [stem + r for r in replacements if len(stem + r) >= 4]
    return []


def normalise_name(name: str | None) -> str:
    """Upper-case Latin name parts, titles removed, single spaces ('Dr. O'Neil-Smith' -> 'ONEIL SMITH')."""
    return " ".join(slot.primary for slot in name_slots(name or "") if not slot.title)


def traveller_full_name(given_names: str | None, surname: str | None) -> str:
    """The name as one string for display and for comparison (order does not matter to scoring)."""
    return " ".join(p.strip() for p in (given_names, surname) if p and p.strip())


@lru_cache(maxsize=100_000)
def is_byname_only(name: str) -> bool:
    """Whether a name is nothing but bynames: kunyas (ABU HAMZA, UMM ...) and laqabs or nisbas written with
    the article (AL-MASRI, AL-FILISTINI), titles aside: 'AL-MASRI, Abu Mohamed', 'ABU ZUBAIDA'. Such a
    name says nothing about the given and family names a listed person's record holds, so it can neither
    confirm nor contradict them (engine: such a traveller is weighed on date of birth and the rest)."""
    slots = name_slots(name)
    tokens = [slot.primary for slot in slots]
    found = False
    position = 0
    while position < len(slots):
        slot, token = slots[position], tokens[position]
        if token in KUNYA_HEADS and position + 1 < len(slots) and not slots[position + 1].particle:
            found, position = True, position + 2
        elif slot.particle or slot.title:
            position += 1
        elif position and tokens[position - 1] in ARTICLES:
            found, position = True, position + 1
        else:
            return False
    return found
