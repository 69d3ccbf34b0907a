"""Any script to Latin capitals the way a passport prints them (ICAO Doc 9303 Part 3, section 6).

Where ICAO allows two forms (Ä -> AE or A, Ö -> OE or O, Ü -> UE or U, Å -> AA or A, Ø -> OE or O) both are
kept, because a traveller's passport and a watchlist may each have used either. Cyrillic follows the ICAO
table (Х -> KH, Ю -> IU, Я -> IA, Й -> I); everything else goes through anyascii, which covers every
Unicode script with maintained tables and no dependencies, so Arabic, CJK, Devanagari or Greek names on
a list still produce Latin tokens to compare. The anyascii form of Cyrillic (Я -> YA) is kept as a second
form too, since many lists and non-ICAO documents use it.

translit_key() then folds the spellings that romanisation systems disagree on into one key, so they meet
as equivalences rather than typos: Arabic/Persian/Urdu (Q/K, KH/H, GH/G, DH/Z, OU/OO/U, EE/I, Y/I, -AH/-A,
-EH/-A, doubled letters: QASIM/KASSEM, KADHIM/KAZIM, HANIYEH/HANIYA, SATTAR/SATAR), Indonesian and Malay
(CH/KH, SY/SH, OE/U: MOCHTAR/MOKHTAR, ROSYID/RASHID), German and Slavic national systems (TSCH, SCH, J
between vowels, final -YY/-IY/-IJ, Latvian -S: TSCHATAJEV/CHATAYEV, ZELENSKYY/ZELENSKIY/ZELENSKI,
SERGEJS/SERGEY, LAVROVS/LAVROV), Korean McCune-Reischauer vs Revised Romanization in short syllables
(CH-/J-, EO/O, K-/G-: CHANG/JANG, MYONG/MYEONG, CHIN/JIN), Chinese Wade-Giles vs pinyin in short
syllables (HS-/X-/SH-, TS-/Z-), and the spellings of Arabic compounds (ABDUL-/ABDEL-/ABDUR-/ABDI-,
-UDDIN/-EDDINE/-AL DIN, -ULLAH/-OLLAH) and of J-/Y- (JUSUF/YUSUF). Written for this project from those
systems' published tables: jellyfish and anyascii transliterate or encode but do not fold romanisations;
rigour (OpenSanctions) maps given names across scripts to shared symbols, but needs PyICU and would
replace the index's forms, so it is not used (yet).
"""

from __future__ import annotations

import operator
import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache
from typing import cast

from anyascii import anyascii

# Characters where ICAO 9303 gives two acceptable forms: (first form, second form).
ICAO_DUAL: dict[str, tuple[str, str]] = {
    "Ä": ("AE", "A"),
    "Ö": ("OE", "O"),
    "Ü": ("UE", "U"),
    "Å": ("AA", "A"),
    "Ø": ("OE", "O"),
}
# Latin letters ICAO writes as more than the base letter (the rest lose their diacritics).
ICAO_LATIN: dict[str, str] = {
    "Æ": "AE",
    "Œ": "OE",
    "ß": "SS",
    "ẞ": "SS",
    "Þ": "TH",
    "Ð": "D",
    "Đ": "D",
    "Ħ": "H",
    "Ĳ": "IJ",
    "Ł": "L",
    "Ŀ": "L",
    "ı": "I",
    "Ŋ": "N",
    "Ŧ": "T",
}
ICAO_CYRILLIC: dict[str, str] = {
    "А": "A",
    "Б": "B",
    "В": "V",
    "Г": "G",
    "Ґ": "G",
    "Д": "D",
    "Е": "E",
    "Ё": "E",
    "Є": "IE",
    "Ж": "ZH",
    "З": "Z",
    "Ѕ": "DZ",
    "И": "I",
    "І": "I",
    "Ї": "I",
    "Й": "I",
    "Ј": "J",
    "К": "K",
    "Л": "L",
    "Љ": "LJ",
    "М": "M",
    "Н": "N",
    "Њ": "NJ",
    "О": "O",
    "П": "P",
    "Р": "R",
    "С": "S",
    "Т": "T",
    "Ћ": "D",
    "Ќ": "KJ",
    "У": "U",
    "Ў": "U",
    "Ф": "F",
    "Х": "KH",
    "Ц": "TS",
    "Ч": "CH",
    "Џ": "DZ",
    "Ш": "SH",
    "Щ": "SHCH",
    "Ъ": "IE",
    "Ы": "Y",
    "Ь": "",
    "Э": "E",
    "Ю": "IU",
    "Я": "IA",
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
    # Other scripts: anyascii's table. Its marks for ayn and hamza (` and ') are dropped, as in Latin
    # transliterations, or they would split a part (SA`ID would become SA and ID). Han and Hangul are not
    # split into syllables: a name written without spaces (王毅, 김정은) stays one part, which the joined
    # strings compare (WANGYI / WANG YI). Split, with Korean syllables also in McCune-Reischauer, they
    # found 3 more of the UN list's 412 original-script aliases but flagged twice as many of the yente
    # fixture's 10,263 Han/Hangul-script ordinary travellers (44 against 22 at the threshold, OFAC list).
    latin = anyascii(ch).upper().translate(_DROP_GLUE)
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


# (pattern, replacement, guard) applied in order; all keys are upper-case Latin letters. The guard is a
# substring every match contains: a rule whose guard is absent cannot match and is skipped, and a pattern
# without regex syntax is applied by str.replace. Either way the key is what re.sub would give, in a
# fraction of the time (an index build computes a key for every part and joined pair of a million names).
# A replacement that is one group reference (r"\1") becomes a C-level callable: re.sub parses a template
# string on every call (a tenth of the keys' time for a batch of new parts).
_Rule = tuple[re.Pattern[str] | str, str | Callable[[re.Match[str]], str], str]
_GROUP_REFERENCE = re.compile(r"\\(\d)")


def _replacement(text: str) -> str | Callable[[re.Match[str]], str]:
    reference = _GROUP_REFERENCE.fullmatch(text)
    return operator.methodcaller("group", int(reference.group(1))) if reference else text


def _rules(*rules: tuple[str, str, str | None]) -> tuple[_Rule, ...]:
    return tuple(
        (p, r, p) if re.escape(p) == p else (re.compile(p), _replacement(r), guard if guard is not None else "")
        for p, r, guard in rules
    )


_KEY_RULES: tuple[_Rule, ...] = _rules(
    (r"^ABD(?:[AEIOU]{1,2}L?)?$", "ABD", "ABD"),  # ABDUL/ABDEL/ABDOUL/ABDU alone (ABD AL-BASIT)
    (r"^ABD(?:[AEIOU]{1,2}L?)?(?=[A-Z]{3})", "ABDL", "ABD"),  # ABDUL-/ABDEL-/ABDAL-/ABDUR-/ABDI- RAHMAN
    (r"(?<=\w{3})[AEIOU][LD]?D+INE?$", "UDIN", "DIN"),  # -UDDIN/-EDDINE/-ALDIN/-IDINE (NASR AL DIN)
    (r"^J(?=[AEIOU]\w{3})", "Y", "J"),  # JUSUF/YUSUF, JAKUB/YAKUB (Y becomes I below)
    ("TSCH", "CH", None),
    ("SCH", "SH", None),
    ("DZH", "J", None),
    ("DJ", "J", None),
    ("ZH", "J", None),
    ("EO", "O", None),
    ("OE", "U", None),
    ("OU", "U", None),
    ("OO", "U", None),
    ("EE", "I", None),
    (r"(?<=[AEIOU])J(?=[AEIOU]|S?$)", "I", "J"),  # Slavic J between vowels or at the end (SERGEJ, TATJANA)
    ("KH", "H", None),
    (r"CH(?=[^AEIOUY]|$)", "H", "CH"),
    ("GH", "G", None),
    ("Q", "K", None),
    ("CK", "K", None),
    ("DH", "Z", None),
    ("TH", "T", None),
    ("PH", "F", None),
    ("SY", "SH", None),
    ("W", "V", None),
    ("Y", "I", None),
    (r"(?<=[AEIOU])I(?=E)", "", "IE"),  # KOLBAYEV -> KOLBAIEV -> KOLBAEV
    (r"(\w)\1+", r"\1", None),  # doubled letters
    (r"(?<=\w{3})[AEIOU]LAH?$", "ULA", "LA"),  # -ULLAH/-OLLAH/-ALLAH (AMANULLAH, AMANOLLAH)
    (r"(?<=\w{3})(AH|EH|AA)$", "A", None),
    (r"(?<=\w{3})IJ$", "I", "IJ"),
)
# Applied once, to the part as written: one short syllable (Korean, Chinese romanisations).
_SYLLABLE_RULES: tuple[_Rule, ...] = _rules(
    (r"^(CH|J)(?=[AEIOUWY]\w{0,3}$)", "J", None),  # Korean McCune-Reischauer CH- / Revised J-
    (r"^(HS|X|SH)(?=[AEIOUY]\w?$)", "S", None),  # Wade-Giles HSI / pinyin XI / SHI
    (r"^TS(?=[AEIOUY]\w{0,3}$)", "Z", "TS"),
)


def _apply(rules: tuple[_Rule, ...], token: str) -> str:
    for pattern, replacement, guard in rules:
        if guard not in token:
            continue
        if isinstance(pattern, str):
            token = token.replace(pattern, cast(str, replacement))
        else:
            token = pattern.sub(replacement, token)
    return token


# Abjads (Arabic, Persian, Urdu, Pashto; Hebrew; Syriac; Thaana) write few or no short vowels, so their
# transliteration is mostly consonants (محمد -> MHMD); such parts are compared to Latin ones by skeleton.
_ABJAD = re.compile(
    "[\u0590-\u05ff\u0600-\u06ff\u0700-\u074f\u0750-\u077f\u0780-\u07bf\u08a0-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]"
)
_NOT_SKELETON = str.maketrans("", "", "AEIOUVWY")
_SKELETON_FOLD = {"KH": "H", "GH": "G", "TH": "T", "DH": "Z", "ZH": "J", "DJ": "J", "Q": "K", "CK": "K", "PH": "F"}
_SKELETON_DIGRAPHS = re.compile("KH|GH|TH|DH|ZH|DJ|Q|CK|PH")
_LATVIAN_S = re.compile(r"(?<=\w{3})(OV|EV|IN|J)S$")  # Latvian nominative -S (LAVROVS, SERGEJS)


def _key_once(token: str) -> str:
    t = _LATVIAN_S.sub(lambda m: m.group(1), token) if token.endswith("S") else token
    return _apply(_KEY_RULES, t)


@lru_cache(maxsize=500_000)
def translit_key(token: str) -> str:
    """One key for the romanisations of a name part (see the module docstring); idempotent. Parts that
    are not plain letters, or shorter than two letters, are their own key."""
    if len(token) < 2 or not token.isalpha() or not token.isascii():
        return token
    syllable = _apply(_SYLLABLE_RULES, token)
    key = _key_once(syllable)
    if key == syllable:  # a part no rule changes is its own key (no second pass to prove it)
        return key or token
    again = _key_once(key)
    while again != key:
        key, again = again, _key_once(again)
    return key or token


@lru_cache(maxsize=200_000)
def joined_keys(first: str, second: str) -> tuple[str, ...]:
    """Two neighbouring parts written as one, as a listed part may write them: joined, the key of that,
    and the parts' own keys joined with its key (syllables fold only as parts: Wade-Giles CHIN-PING is
    pinyin JINPING, JIN + PING, while CHINPING as one word folds to nothing)."""
    joined = first + second
    keyed = translit_key(first) + translit_key(second)
    return tuple(dict.fromkeys((joined, translit_key(joined), keyed, translit_key(keyed))))


def is_abjad(text: str) -> bool:
    """Whether `text` is written in an abjad (Arabic, Hebrew, Syriac, Thaana script)."""
    return bool(_ABJAD.search(text))


@lru_cache(maxsize=500_000)
def consonant_skeleton(token: str) -> str:
    """What an abjad writes of a name part: its consonants, in one spelling (KH/H, GH/G, Q/K, TH/T, DH/Z,
    DJ/J; vowels, W, V and Y dropped, repeats collapsed, a final H dropped: the ta marbuta of أسامة, SMH,
    is the -A or -AH of USAMA). MOHAMMED, MUHAMAD and محمد (MHMD) -> MHMD; ALI and علي -> L. Compared only
    between an abjad-script part and a Latin one (names.py): between Latin parts it would join different
    names (MAHMUD, MUHAMMAD)."""
    out: list[str] = []
    for ch in _SKELETON_DIGRAPHS.sub(lambda m: _SKELETON_FOLD[m.group(0)], token).translate(_NOT_SKELETON):
        if not out or ch != out[-1]:
            out.append(ch)
    if len(out) > 1 and out[-1] == "H":
        out.pop()
    return "".join(out)
