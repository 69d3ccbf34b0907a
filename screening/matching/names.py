"""Name normalisation for matching: any script to Latin capitals, punctuation out, tokens kept."""

from __future__ import annotations

import re
import unicodedata

from anyascii import anyascii

_NON_ALNUM = re.compile(r"[^A-Z0-9 ]+")


def normalise_name(name: str | None) -> str:
    """Upper-case Latin letters and digits separated by single spaces ('O'Neil-Smith' -> 'O NEIL SMITH')."""
    if not name:
        return ""
    text = anyascii(unicodedata.normalize("NFKC", name)).upper()
    text = _NON_ALNUM.sub(" ", text.replace("'", " ").replace("-", " "))
    return " ".join(text.split())


def traveller_full_name(given_names: str | None, surname: str | None) -> str:
    return normalise_name(" ".join(p for p in (given_names, surname) if p))
