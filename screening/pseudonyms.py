"""Pseudonyms that cannot be reversed: HMAC-SHA-256 under a secret that is never built in. The secret is
SCREENING_PSEUDONYM_KEY, or one generated on first use and kept beside the data (mode 0600). Values with few
possible values (date of birth, sex, nationality, issuing states) are generalised or removed, never hashed:
a hash of one of 40,000 dates is reversed by trying them all."""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import secrets
from dataclasses import dataclass
from typing import Any

from screening.config import Settings, load_settings
from screening.errors import ConfigError

log = logging.getLogger(__name__)

# Kept as a keyed hash (same person stays linkable across flights without the value being kept).
HASHED_FIELDS = ("surname", "given_names", "document_number", "visa_number")
# Kept as is: identifiers and categories that say nothing about the person.
KEPT_FIELDS = ("traveller_ref", "traveller_type", "document_type")
# date_of_birth becomes year_of_birth; everything else (sex, nationality, states, dates, booking_ref, seat,
# address, phone, MRZ and any extra a JSON manifest carried) is removed.


@dataclass(frozen=True)
class PseudonymKey:
    secret: bytes
    source: str  # "SCREENING_PSEUDONYM_KEY" or the key file's path


def pseudonym_key(settings: Settings | None = None) -> PseudonymKey:
    """The configured secret, else the data dir's key file, created (0600, never overwritten) on first use."""
    settings = settings or load_settings()
    if settings.pseudonym_key is not None:
        value = settings.pseudonym_key.get_secret_value()
        if len(value) < 16:
            raise ConfigError("SCREENING_PSEUDONYM_KEY is too short: use at least 16 random characters")
        return PseudonymKey(value.encode(), "SCREENING_PSEUDONYM_KEY")
    path = settings.pseudonym_key_file
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process created it first: use theirs
            pass
        else:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_hex(32) + "\n")
            log.warning(
                "SCREENING_PSEUDONYM_KEY is not set: generated a pseudonym key in %s (back it up; "
                "pseudonyms made with another key do not link with these)",
                path,
            )
    mode = path.stat().st_mode & 0o777
    if mode & 0o077:
        raise ConfigError(f"{path} is readable by others (mode {mode:o}): chmod 600 it")
    secret = path.read_text(encoding="utf-8").strip()
    if len(secret) < 32:
        raise ConfigError(f"{path} holds no usable key (expected 64 hex characters)")
    return PseudonymKey(secret.encode(), str(path))


def pseudonym(value: str, key: PseudonymKey | None = None) -> str:
    key = key or pseudonym_key()
    return "PSN-" + hmac.new(key.secret, value.strip().upper().encode(), hashlib.sha256).hexdigest()[:24]


def year_of_birth(value: Any) -> str | None:
    text = str(value or "").strip()
    return text[:4] if len(text) >= 4 and text[:4].isdigit() else None


def pseudonymise_traveller(data: dict[str, Any], key: PseudonymKey) -> dict[str, Any]:
    """Only hashes, a year of birth and non-personal categories survive; the rest is removed."""
    out: dict[str, Any] = {f: data[f] for f in KEPT_FIELDS if data.get(f) not in (None, "")}
    for field in HASHED_FIELDS:
        if data.get(field):
            out[field] = pseudonym(str(data[field]), key)
    year = year_of_birth(data.get("date_of_birth"))
    if year:
        out["year_of_birth"] = year
    return out


def dry_run_key(settings: Settings) -> PseudonymKey:
    """A dry run needs no real key: it must not create the key file either."""
    if settings.pseudonym_key is not None or settings.pseudonym_key_file.exists():
        return pseudonym_key(settings)
    return PseudonymKey(
        secrets.token_bytes(32), f"{settings.pseudonym_key_file} (not created yet; a real run generates it)"
    )
