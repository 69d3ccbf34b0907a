"""SQLAlchemy 2.0 ORM models. Unique keys make re-runs idempotent: a re-run of the same manifest under
the same rules version replaces its flags; sanctions, quarantine and audit rows are keyed so that a
re-run updates them instead of adding duplicates."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON, datetime: DateTime(timezone=True)}


class ScreeningRun(Base):
    __tablename__ = "screening_runs"

    run_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(16))
    rules_version: Mapped[str] = mapped_column(String(64))
    list_version: Mapped[str] = mapped_column(String(64))
    summary: Mapped[dict[str, Any]] = mapped_column(default=dict)


class IngestedFile(Base):
    """Every carrier file landed, by checksum: the original is never modified, a duplicate is recognised."""

    __tablename__ = "ingested_files"

    checksum: Mapped[str] = mapped_column(String(80), primary_key=True)
    original_name: Mapped[str] = mapped_column(String(512))
    raw_path: Mapped[str] = mapped_column(Text)
    landed_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(32))
    reason: Mapped[str | None] = mapped_column(Text)


class ManifestRecord(Base):
    __tablename__ = "manifests"

    manifest_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    carrier: Mapped[str] = mapped_column(String(8), index=True)
    flight_number: Mapped[str] = mapped_column(String(16))
    departure_airport: Mapped[str | None] = mapped_column(String(8))
    arrival_airport: Mapped[str | None] = mapped_column(String(8))
    scheduled_departure: Mapped[str | None] = mapped_column(String(40), index=True)
    scheduled_arrival: Mapped[str | None] = mapped_column(String(40))
    transmitted_at: Mapped[str | None] = mapped_column(String(40))
    message_ref: Mapped[str | None] = mapped_column(String(128))
    message_type: Mapped[str] = mapped_column(String(16))
    declared_total: Mapped[int | None] = mapped_column(Integer)
    parts: Mapped[int] = mapped_column(Integer, default=1)
    source_file: Mapped[str] = mapped_column(Text)
    travellers_in: Mapped[int] = mapped_column(Integer, default=0)
    travellers_screened: Mapped[int] = mapped_column(Integer, default=0)
    travellers_quarantined: Mapped[int] = mapped_column(Integer, default=0)
    last_run_id: Mapped[str | None] = mapped_column(String(255))
    rules_version: Mapped[str | None] = mapped_column(String(64))
    list_version: Mapped[str | None] = mapped_column(String(64))
    screened_at: Mapped[datetime | None]
    validation: Mapped[dict[str, Any]] = mapped_column(default=dict)


class ManifestTransmission(Base):
    """Every transmission of a manifest's list, kept as history: a later one (a re-send, an update, another
    file) supersedes the earlier, which stays here with its counts and who superseded it."""

    __tablename__ = "manifest_transmissions"
    __table_args__ = (UniqueConstraint("manifest_id", "transmission_key", name="uq_transmission"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    manifest_id: Mapped[str] = mapped_column(String(128), index=True)
    transmission_key: Mapped[str] = mapped_column(String(64))
    run_id: Mapped[str] = mapped_column(String(255))
    source_file: Mapped[str] = mapped_column(Text)
    message_ref: Mapped[str | None] = mapped_column(String(128))
    transmitted_at: Mapped[str | None] = mapped_column(String(40))
    received_at: Mapped[datetime]
    travellers_in: Mapped[int] = mapped_column(Integer, default=0)
    flags: Mapped[int] = mapped_column(Integer, default=0)
    sanctions: Mapped[int] = mapped_column(Integer, default=0)
    superseded_at: Mapped[datetime | None]
    superseded_by: Mapped[str | None] = mapped_column(String(64))


class TravellerRecord(Base):
    """Personal data: kept only as long as the retention rules allow (pseudonymised after)."""

    __tablename__ = "travellers"
    __table_args__ = (Index("ix_travellers_manifest_ref", "manifest_id", "traveller_ref"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    manifest_id: Mapped[str] = mapped_column(ForeignKey("manifests.manifest_id", ondelete="CASCADE"))
    traveller_ref: Mapped[str] = mapped_column(String(64))
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    pseudonymised_at: Mapped[datetime | None]


class FlagRecord(Base):
    __tablename__ = "flags"
    __table_args__ = (UniqueConstraint("manifest_id", "rules_version", "flag_key", name="uq_flag"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    manifest_id: Mapped[str] = mapped_column(String(128), index=True)
    rules_version: Mapped[str] = mapped_column(String(64))
    flag_key: Mapped[str] = mapped_column(String(40))
    run_id: Mapped[str] = mapped_column(String(255))
    carrier: Mapped[str] = mapped_column(String(8), index=True)
    flight_number: Mapped[str] = mapped_column(String(16))
    traveller_ref: Mapped[str] = mapped_column(String(64))
    flag_type: Mapped[str] = mapped_column(String(16))
    rule_id: Mapped[str] = mapped_column(String(64), index=True)
    severity: Mapped[str] = mapped_column(String(16))
    score: Mapped[float | None] = mapped_column(Float)
    watchlist_entry_id: Mapped[str] = mapped_column(String(64), default="")
    list_name: Mapped[str] = mapped_column(String(128), default="")
    list_version: Mapped[str] = mapped_column(String(64), default="")
    explanation: Mapped[str] = mapped_column(Text)
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime]


class SanctionRecord(Base):
    __tablename__ = "sanctions"

    sanction_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    manifest_id: Mapped[str] = mapped_column(String(128), index=True)
    carrier: Mapped[str] = mapped_column(String(8), index=True)
    flight_number: Mapped[str] = mapped_column(String(16))
    traveller_ref: Mapped[str] = mapped_column(String(64))
    rule_id: Mapped[str] = mapped_column(String(64))
    framework: Mapped[str] = mapped_column(String(64))
    amount: Mapped[float] = mapped_column(Float)
    currency: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(16))
    explanation: Mapped[str] = mapped_column(Text)
    rules_version: Mapped[str] = mapped_column(String(64))
    run_id: Mapped[str] = mapped_column(String(255))
    updated_at: Mapped[datetime]


class QuarantineEntry(Base):
    __tablename__ = "quarantine"
    __table_args__ = (UniqueConstraint("source_file", "record_ref", "reason_code", name="uq_quarantine"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[str] = mapped_column(String(255))
    source_file: Mapped[str] = mapped_column(String(1024))
    record_ref: Mapped[str] = mapped_column(String(128))
    reason_code: Mapped[str] = mapped_column(String(64))
    message: Mapped[str] = mapped_column(Text)
    raw: Mapped[str] = mapped_column(Text)
    travellers: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime]


class AuditEvent(Base):
    """Who did what to which record. event_key makes a repeated action (a re-run) one entry, not two."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    event_key: Mapped[str] = mapped_column(String(64), unique=True)
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(128))
    action: Mapped[str] = mapped_column(String(64))
    subject: Mapped[str] = mapped_column(String(256))
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)
    manifest_id: Mapped[str | None] = mapped_column(String(128), index=True)  # 0004: `audit show --manifest`


class SanctionDecisionRecord(Base):
    """An officer's decision on a sanction (confirm, appeal, waive): who, when, why, from which status.
    Kept apart from the sanction row so re-runs, which rewrite sanctions, never touch the decisions."""

    __tablename__ = "sanction_decisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    sanction_id: Mapped[str] = mapped_column(String(40), index=True)
    manifest_id: Mapped[str] = mapped_column(String(128), index=True)
    action: Mapped[str] = mapped_column(String(16))
    from_status: Mapped[str] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(128))
    at: Mapped[datetime]


class WebUser(Base):
    """An account of the officer workspace (screening serve). The password is stored as an argon2 hash only."""

    __tablename__ = "web_users"

    name: Mapped[str] = mapped_column(String(128), primary_key=True)
    role: Mapped[str] = mapped_column(String(16))
    carriers: Mapped[dict[str, Any]] = mapped_column(default=dict)  # {"codes": ["ZZ", ...]}
    password_hash: Mapped[str] = mapped_column(String(256))
    created_at: Mapped[datetime]
    disabled: Mapped[int] = mapped_column(Integer, default=0)


class LoginAttempt(Base):
    """Failed logins per name (known or not, so throttling reveals nothing), for the login back-off."""

    __tablename__ = "web_login_attempts"

    name: Mapped[str] = mapped_column(String(128), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None]


class ListedEntrySnapshot(Base):
    """A watchlist entry as it was in one list version, so an alert shows (and a decision is remembered
    against) the entry the traveller was screened against, even after the list has changed."""

    __tablename__ = "watchlist_entry_snapshots"
    __table_args__ = (Index("ix_entry_snapshot_entry", "list_name", "entry_id"),)

    list_version: Mapped[str] = mapped_column(String(64), primary_key=True)
    list_name: Mapped[str] = mapped_column(String(128), primary_key=True)
    entry_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    entry_hash: Mapped[str] = mapped_column(String(80))
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)


class AlertDecision(Base):
    """An officer's decision on an alert. A FALSE_POSITIVE is remembered for the person (identity_key from
    document number, issuing state and date of birth, person_hash over the screened fields) against the
    list entry as it was (entry_hash): a later alert with the same three keys is shown as cleared."""

    __tablename__ = "alert_decisions"
    __table_args__ = (
        Index("ix_alert_decisions_identity", "identity_key", "list_name", "watchlist_entry_id"),
        Index("ix_alert_decisions_flag", "manifest_id", "flag_key"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    manifest_id: Mapped[str] = mapped_column(String(128))
    flag_key: Mapped[str] = mapped_column(String(40))
    traveller_ref: Mapped[str] = mapped_column(String(64))
    rule_id: Mapped[str] = mapped_column(String(64))
    list_name: Mapped[str] = mapped_column(String(128), default="")
    watchlist_entry_id: Mapped[str] = mapped_column(String(64), default="")
    identity_key: Mapped[str] = mapped_column(String(80))
    person_hash: Mapped[str] = mapped_column(String(80))
    entry_hash: Mapped[str] = mapped_column(String(80))
    decision: Mapped[str] = mapped_column(String(24))
    note: Mapped[str] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(128))
    decided_at: Mapped[datetime]
