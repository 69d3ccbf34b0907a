"""Workspace accounts: argon2 password hashes, roles with their carriers, and a back-off on failed logins
(counted per name whether or not the name exists, so the throttle does not reveal which accounts exist)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from screening.errors import InputError
from screening.store.models import LoginAttempt, WebUser

ROLES = ("officer", "liaison", "analyst", "carrier", "admin")
CARRIER_ROLES = ("liaison", "carrier")  # roles limited to the carriers assigned to the account
MIN_PASSWORD = 10
FREE_FAILURES = 5  # failures allowed before the back-off starts
FIRST_LOCK = timedelta(seconds=30)
LONGEST_LOCK = timedelta(minutes=15)
_NAME = re.compile(r"^[A-Za-z0-9._@-]{1,128}$")
_CARRIER = re.compile(r"^[A-Z0-9]{2,3}$")
_hasher = PasswordHasher()
# Verified when the name is unknown, so a wrong name costs as long as a wrong password.
_DUMMY_HASH = _hasher.hash("not a password of anyone")


class LoginThrottled(Exception):
    """Too many failed logins for this name: try again after `until`."""

    def __init__(self, until: datetime):
        super().__init__(f"too many failed logins; try again after {until:%H:%M:%S} UTC")
        self.until = until


@dataclass(frozen=True)
class Account:
    name: str
    role: str
    carriers: tuple[str, ...]


def _utcnow() -> datetime:
    return datetime.now(UTC)


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)  # SQLite returns naive datetimes


def account_of(user: WebUser) -> Account:
    return Account(user.name, user.role, tuple((user.carriers or {}).get("codes") or ()))


def add_user(session: Session, name: str, role: str, carriers: list[str], password: str) -> Account:
    """Create or replace an account (a second `users add` for the same name resets its role and password)."""
    if not _NAME.match(name):
        raise InputError(f"user name {name!r} must be 1-128 letters, digits or . _ @ -")
    if role not in ROLES:
        raise InputError(f"unknown role {role!r}: use one of {', '.join(ROLES)}")
    codes = sorted({c.strip().upper() for c in carriers if c.strip()})
    bad = [c for c in codes if not _CARRIER.match(c)]
    if bad:
        raise InputError(f"carrier code {bad[0]!r} is not a 2-3 letter/digit code")
    if role in CARRIER_ROLES and not codes:
        raise InputError(f"role {role} needs at least one --carrier")
    if role not in CARRIER_ROLES and codes:
        raise InputError(f"role {role} sees all carriers; --carrier applies to liaison and carrier only")
    if len(password) < MIN_PASSWORD:
        raise InputError(f"the password must have at least {MIN_PASSWORD} characters")
    user = session.get(WebUser, name)
    values = dict(role=role, carriers={"codes": codes}, password_hash=_hasher.hash(password), disabled=0)
    if user is None:
        user = WebUser(name=name, created_at=_utcnow(), **values)
        session.add(user)
    else:
        for key, value in values.items():
            setattr(user, key, value)
    session.flush()
    return account_of(user)


def list_users(session: Session) -> list[Account]:
    return [account_of(u) for u in session.scalars(select(WebUser).order_by(WebUser.name))]


def load_account(session: Session, name: str) -> Account | None:
    user = session.get(WebUser, name)
    return None if user is None or user.disabled else account_of(user)


def lock_for(failures: int) -> timedelta | None:
    """Back-off after the free failures: 30 s, doubling with each further failure, at most 15 minutes."""
    if failures < FREE_FAILURES:
        return None
    return min(FIRST_LOCK * 2 ** (failures - FREE_FAILURES), LONGEST_LOCK)


def authenticate(session: Session, name: str, password: str, now: datetime | None = None) -> Account | None:
    """The account when name and password are right; None otherwise. Raises LoginThrottled while the name
    is locked (even with the right password, so guessing gains nothing during the lock)."""
    now = now or _utcnow()
    key = name.strip().lower()[:128]
    attempt = session.get(LoginAttempt, key)
    if attempt is not None and attempt.locked_until is not None and _aware(attempt.locked_until) > now:
        raise LoginThrottled(_aware(attempt.locked_until))
    user = session.get(WebUser, name)
    ok = False
    try:
        ok = _hasher.verify(user.password_hash if user is not None else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        ok = False
    if ok and user is not None and not user.disabled:
        if attempt is not None:
            session.delete(attempt)
        if _hasher.check_needs_rehash(user.password_hash):
            user.password_hash = _hasher.hash(password)
        return account_of(user)
    if attempt is None:
        attempt = LoginAttempt(name=key, failures=0, locked_until=None)
        session.add(attempt)
    attempt.failures += 1
    lock = lock_for(attempt.failures)
    attempt.locked_until = now + lock if lock else None
    return None
