"""Decisions on alerts, and what they mean when a flag is read. Nothing here changes a flag: the status of
an alert (open, decided, or cleared by an earlier false-positive decision) is computed when it is read,
from the decisions, the traveller's identity key and the version of the list entry. So a re-screen of the
same person against the unchanged entry reads as cleared; a changed entry or changed person data does not
match any decision and alerts again."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from screening.errors import InputError
from screening.report import queries as q
from screening.store.models import AlertDecision, FlagRecord, ListedEntrySnapshot, TravellerRecord
from screening.vocabulary import WATCHLIST
from screening.web.listed import pairs_in, snapshots

DECISIONS = ("TRUE_MATCH", "FALSE_POSITIVE", "NEEDS_INFO")
OPEN, CLEARED = "OPEN", "CLEARED"
# The traveller fields the screening compares: a change in any of them is a different person to decide on.
PERSON_FIELDS = (
    "surname",
    "given_names",
    "date_of_birth",
    "sex",
    "nationality",
    "document_number",
    "document_issuing_state",
)


@cache
def _key() -> Any:
    from screening.pseudonyms import pseudonym_key

    return pseudonym_key()


def _keyed(text: str) -> str:
    """HMAC-SHA-256 under the pseudonym key: a remembered identity cannot be reversed by trying every
    document number and date of birth (a plain hash could)."""
    return hmac.new(_key().secret, text.encode(), hashlib.sha256).hexdigest()[:32]


def _norm(value: Any) -> str:
    return " ".join(str(value or "").upper().split())


def identity_key(data: dict[str, Any]) -> str:
    """Stable across trips: document number, issuing state and date of birth. Empty when one is missing
    (such a traveller is never cleared automatically)."""
    parts = [
        _norm(data.get("document_number")).replace(" ", ""),
        _norm(data.get("document_issuing_state")),
        _norm(data.get("date_of_birth")),
    ]
    if not all(parts):
        return ""
    return "id:" + _keyed("|".join(parts))


def person_hash(data: dict[str, Any]) -> str:
    canonical = json.dumps([_norm(data.get(f)) for f in PERSON_FIELDS])
    return "person:" + _keyed(canonical)


def flag_entry_hash(flag: FlagRecord, snapshot: ListedEntrySnapshot | None) -> str:
    """The version of what the traveller was matched against: the entry's content hash when the workspace
    has a snapshot of it; otherwise the whole list version (any list change then alerts again). A document
    hit is versioned by the registry record's status and wording."""
    if flag.flag_type == WATCHLIST:
        if snapshot is not None:
            return snapshot.entry_hash
        return "list:" + (flag.list_version or "")
    raw = "|".join(
        [flag.rule_id, flag.watchlist_entry_id, str((flag.details or {}).get("status", "")), flag.explanation]
    )
    return "doc:" + hashlib.sha256(raw.encode()).hexdigest()[:32]


@dataclass
class AlertState:
    """One alert as a user sees it."""

    flag: FlagRecord
    traveller: dict[str, Any]
    identity_key: str
    person_hash: str
    entry_hash: str
    snapshot: ListedEntrySnapshot | None
    decision: AlertDecision | None  # the decision that sets the status (this alert's, or a remembered one)

    @property
    def status(self) -> str:
        """OPEN, CLEARED (a false positive, decided here or remembered), TRUE_MATCH or NEEDS_INFO."""
        if self.decision is None:
            return OPEN
        return CLEARED if self.decision.decision == "FALSE_POSITIVE" else self.decision.decision

    @property
    def remembered(self) -> bool:
        """Cleared by a decision made on another alert (an earlier trip or screening of this person)."""
        return self.decision is not None and not self._own(self.decision)

    @property
    def is_open(self) -> bool:
        return self.status in (OPEN, "NEEDS_INFO")

    def _own(self, decision: AlertDecision) -> bool:
        return decision.manifest_id == self.flag.manifest_id and decision.flag_key == self.flag.flag_key


def _travellers(session: Session, flags: Sequence[FlagRecord]) -> dict[tuple[str, str], dict[str, Any]]:
    keys = list(dict.fromkeys((f.manifest_id, f.traveller_ref) for f in flags if f.traveller_ref))
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for start in range(0, len(keys), 300):
        chunk = keys[start : start + 300]
        asked = set(chunk)
        for t in session.scalars(
            select(TravellerRecord).where(
                *pairs_in((TravellerRecord.manifest_id, TravellerRecord.traveller_ref), chunk)
            )
        ):
            if (t.manifest_id, t.traveller_ref) in asked:
                found[(t.manifest_id, t.traveller_ref)] = dict(t.data or {}) if t.pseudonymised_at is None else {}
    return found


def _decisions(session: Session, flags: Sequence[FlagRecord], identities: set[str]) -> list[AlertDecision]:
    found: dict[int, AlertDecision] = {}
    ids = sorted(i for i in identities if i)
    for start in range(0, len(ids), 300):
        for d in session.scalars(select(AlertDecision).where(AlertDecision.identity_key.in_(ids[start : start + 300]))):
            found[d.id] = d
    own = list(dict.fromkeys((f.manifest_id, f.flag_key) for f in flags))
    for start in range(0, len(own), 300):
        chunk = own[start : start + 300]
        asked = set(chunk)
        query = select(AlertDecision).where(*pairs_in((AlertDecision.manifest_id, AlertDecision.flag_key), chunk))
        for d in session.scalars(query):
            if (d.manifest_id, d.flag_key) in asked:
                found[d.id] = d
    return sorted(found.values(), key=lambda d: (d.decided_at.replace(tzinfo=None), d.id))


def alert_states(session: Session, flags: Sequence[FlagRecord]) -> list[AlertState]:
    """The state of each hit flag, in the order given. A decision applies when it was made on this very
    alert for the same person data and entry version, or when it is a FALSE_POSITIVE made for the same
    identity key, person data, list entry and entry version; the latest applicable decision wins."""
    travellers = _travellers(session, flags)
    snaps = snapshots(
        session, ((f.list_version, f.list_name, f.watchlist_entry_id) for f in flags if f.flag_type == WATCHLIST)
    )
    states = []
    for flag in flags:
        data = travellers.get((flag.manifest_id, flag.traveller_ref), {})
        snap = snaps.get((flag.list_version, flag.list_name, flag.watchlist_entry_id))
        states.append(
            AlertState(flag, data, identity_key(data), person_hash(data), flag_entry_hash(flag, snap), snap, None)
        )
    decisions = _decisions(session, flags, {s.identity_key for s in states})
    for state in states:
        for d in decisions:
            if d.person_hash != state.person_hash or d.entry_hash != state.entry_hash:
                continue
            if state._own(d) or _remembered_for(d, state):
                state.decision = d
    return states


def _remembered_for(decision: AlertDecision, state: AlertState) -> bool:
    """A false positive decided for the same person (identity key) and the same list entry and rule."""
    flag = state.flag
    return (
        decision.decision == "FALSE_POSITIVE"
        and bool(state.identity_key)
        and decision.identity_key == state.identity_key
        and decision.list_name == flag.list_name
        and decision.watchlist_entry_id == flag.watchlist_entry_id
        and decision.rule_id == flag.rule_id
    )


def history(session: Session, state: AlertState) -> list[AlertDecision]:
    """Every decision made on this alert or on this person against this entry (any version), newest first."""
    query = select(AlertDecision).where(
        (AlertDecision.manifest_id == state.flag.manifest_id) & (AlertDecision.flag_key == state.flag.flag_key)
    )
    rows = {d.id: d for d in session.scalars(query)}
    if state.identity_key:
        query = select(AlertDecision).where(
            AlertDecision.identity_key == state.identity_key,
            AlertDecision.watchlist_entry_id == state.flag.watchlist_entry_id,
        )
        rows.update({d.id: d for d in session.scalars(query)})
    return sorted(rows.values(), key=lambda d: (d.decided_at.replace(tzinfo=None), d.id), reverse=True)


def decide_alert(session: Session, flag: FlagRecord, decision: str, note: str, actor: str) -> AlertDecision:
    """Record an officer's decision on a hit, with the keys that make a false positive remembered."""
    decision = decision.strip().upper()
    if decision not in DECISIONS:
        raise InputError(f"unknown decision {decision!r}: use one of {', '.join(DECISIONS)}")
    if not q.is_hit(flag):
        raise InputError("only watchlist and lost/stolen document hits take an alert decision")
    note = note.strip()
    if not note:
        raise InputError("a decision needs a note saying why")
    state = alert_states(session, [flag])[0]
    record = AlertDecision(
        manifest_id=flag.manifest_id,
        flag_key=flag.flag_key,
        traveller_ref=flag.traveller_ref,
        rule_id=flag.rule_id,
        list_name=flag.list_name,
        watchlist_entry_id=flag.watchlist_entry_id,
        identity_key=state.identity_key,
        person_hash=state.person_hash,
        entry_hash=state.entry_hash,
        decision=decision,
        note=note[:4000],
        actor=actor,
        decided_at=datetime.now(UTC),
    )
    session.add(record)
    session.flush()
    return record
