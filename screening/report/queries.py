"""Read-only queries every report shares, so the flight, carrier, trend and export views count the same
records the same way (current rules version only; periods by scheduled departure in UTC)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from screening import rule_ids
from screening.errors import InputError, StoreError
from screening.model import parse_instant
from screening.rules import registry
from screening.store.db import safe_url, session_scope
from screening.store.models import (
    FlagRecord,
    ManifestRecord,
    QuarantineEntry,
    SanctionRecord,
    TravellerRecord,
)
from screening.vocabulary import SEVERITY_RANK

LATE_RULES = (rule_ids.API_LATE,)
INCOMPLETE_RULES = (rule_ids.API_INCOMPLETE, rule_ids.API_COUNT_MISMATCH)
# what hit notifications to partner states carry (schemas/hit_notification.schema.json); every risk rule of
# the registry (look-alike documents too) counts as a hit, never a breach, in reports
HIT_RULES = (rule_ids.WATCHLIST_MATCH, rule_ids.DOC_REPORTED_LOST_STOLEN)
_CHUNK = 500


@contextmanager
def read_session(database_url: str) -> Iterator[Session]:
    """A session whose database failures become one StoreError sentence (no traceback, no personal data)."""
    try:
        with session_scope(database_url) as session:
            yield session
    except SQLAlchemyError as exc:
        raise StoreError(
            f"cannot read the screening store at {safe_url(database_url)} "
            f"({exc.__class__.__name__}); has anything been screened into it?"
        ) from exc


@dataclass(frozen=True)
class Period:
    """A half-open UTC interval [start, end) of scheduled departures."""

    start: datetime
    end: datetime

    @classmethod
    def from_dates(cls, first: date, last: date) -> Period:
        """Whole UTC days from `first` to `last`, both included (what a person means by 'from ... to')."""
        if last < first:
            raise InputError(f"the period ends ({last}) before it starts ({first})")
        return cls(datetime.combine(first, time(), UTC), datetime.combine(last + timedelta(days=1), time(), UTC))

    def previous(self) -> Period:
        """The period of equal length just before this one (what a compliance trend is compared with)."""
        return Period(self.start - (self.end - self.start), self.start)

    def contains(self, instant: datetime | None) -> bool:
        return instant is not None and self.start <= instant < self.end

    @property
    def first_day(self) -> date:
        return self.start.date()

    @property
    def last_day(self) -> date:
        return (self.end - timedelta(microseconds=1)).date()

    @property
    def label(self) -> str:
        return f"{self.first_day.isoformat()} to {self.last_day.isoformat()}"


def departure_instant(manifest: ManifestRecord) -> datetime | None:
    """Scheduled departure as an aware UTC instant; a bare date counts as midnight UTC."""
    instant = parse_instant(manifest.scheduled_departure)
    if instant is None and manifest.scheduled_departure:
        try:
            instant = datetime.combine(date.fromisoformat(manifest.scheduled_departure[:10]), time(), UTC)
        except ValueError:
            return None
    return instant.astimezone(UTC) if instant else None


def get_manifest(session: Session, manifest_id: str) -> ManifestRecord:
    manifest = session.get(ManifestRecord, manifest_id)
    if manifest is None:
        raise InputError(f"unknown manifest {manifest_id!r}: it is not in the screening store")
    return manifest


def require_carrier(session: Session, carrier: str) -> None:
    if session.scalar(select(ManifestRecord.manifest_id).where(ManifestRecord.carrier == carrier).limit(1)) is None:
        raise InputError(f"unknown carrier {carrier!r}: no manifest from it is in the screening store")


def manifests_in(session: Session, period: Period | None = None, carrier: str | None = None) -> list[ManifestRecord]:
    """Manifests whose scheduled departure falls in the period, oldest first. The SQL filter is a day wider
    than the period (times are stored with their local offset); the exact test is done on UTC instants."""
    query = select(ManifestRecord)
    if carrier:
        query = query.where(ManifestRecord.carrier == carrier)
    if period is not None:
        query = query.where(
            ManifestRecord.scheduled_departure >= (period.start - timedelta(days=1)).date().isoformat(),
            ManifestRecord.scheduled_departure < (period.end + timedelta(days=2)).date().isoformat(),
        )
    manifests = list(session.scalars(query))
    if period is not None:
        manifests = [m for m in manifests if period.contains(departure_instant(m))]
    epoch = datetime.min.replace(tzinfo=UTC)
    return sorted(manifests, key=lambda m: (departure_instant(m) or epoch, m.manifest_id))


def _chunks(items: Sequence[str]) -> Iterator[Sequence[str]]:
    for i in range(0, len(items), _CHUNK):
        yield items[i : i + _CHUNK]


def current_flags(session: Session, manifests: Sequence[ManifestRecord]) -> list[FlagRecord]:
    """Flags of the rules version each manifest was last screened under (backtests may store others)."""
    versions = {m.manifest_id: m.rules_version for m in manifests}
    flags: list[FlagRecord] = []
    for chunk in _chunks(list(versions)):
        for flag in session.scalars(select(FlagRecord).where(FlagRecord.manifest_id.in_(chunk))):
            wanted = versions[flag.manifest_id]
            if wanted is None or flag.rules_version == wanted:
                flags.append(flag)
    return sorted(
        flags,
        key=lambda f: (
            f.manifest_id,
            f.traveller_ref,
            -SEVERITY_RANK.get(f.severity, 0),
            -(f.score or 0),
            f.rule_id,
            f.id,
        ),
    )


def sanctions_of(session: Session, manifest_ids: Sequence[str]) -> list[SanctionRecord]:
    sanctions: list[SanctionRecord] = []
    for chunk in _chunks(list(manifest_ids)):
        sanctions.extend(session.scalars(select(SanctionRecord).where(SanctionRecord.manifest_id.in_(chunk))))
    return sorted(sanctions, key=lambda s: (s.manifest_id, s.traveller_ref, s.rule_id, s.sanction_id))


def travellers_of(session: Session, manifest_id: str) -> list[TravellerRecord]:
    query = select(TravellerRecord).where(TravellerRecord.manifest_id == manifest_id).order_by(TravellerRecord.id)
    return list(session.scalars(query))


def is_hit(flag: FlagRecord) -> bool:
    """A risk found about a traveller or document (watchlist match, lost/stolen or look-alike document):
    not the carrier's failure, and never shown to the carrier (tipping-off). The rule registry says which
    rules are risks."""
    return registry.is_risk(flag.rule_id, flag.flag_type)


def is_breach(flag: FlagRecord) -> bool:
    """A carrier obligation not met (documents, visas, data transmission); data-quality findings are
    neither a breach nor a hit. The rule registry says which rules are breaches."""
    return registry.is_breach(flag.rule_id, flag.flag_type)


def quarantine_of(session: Session, source_file: str) -> list[QuarantineEntry]:
    """Records of the same carrier file that could not be screened (reason codes; the raw text stays out)."""
    query = select(QuarantineEntry).where(QuarantineEntry.source_file == source_file).order_by(QuarantineEntry.id)
    return list(session.scalars(query))
