"""The personal-data inventory: every store column and every place under the data directory that can hold
travellers' personal data, with the rules/retention.yaml period that governs it and what retention does
there. `screening.retention` applies exactly this list; tests fail when a table, a text column or an output
folder exists without an entry here (see tests/test_personal_data.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Action = Literal["pseudonymise", "blank", "delete", "rebuild", "trim", "keep"]

# rules/retention.yaml keys (RetentionPolicy fields)
UNFLAGGED = "unflagged_travellers_hours"
FLAGGED = "flagged_travellers_hours"
RAW = "raw_files_hours"
QUARANTINED = "quarantined_records_hours"
TRAVELLER = "traveller"  # the period of the traveller the row belongs to: UNFLAGGED or FLAGGED


@dataclass(frozen=True)
class Place:
    """One place personal data can live. rule None: holds no traveller's personal values (reason in holds)."""

    where: str  # "table.column", or a path under the data dir ("raw/", "reports/flights/", "alerts.jsonl")
    holds: str
    rule: str | None
    action: Action

    @property
    def personal(self) -> bool:
        return self.rule is not None


def _none(where: str, why: str) -> Place:
    return Place(where, f"no personal data: {why}", None, "keep")


STORE: tuple[Place, ...] = (
    _none("screening_runs.run_id", "Airflow run id"),
    _none("screening_runs.status", "run state"),
    _none("screening_runs.rules_version", "hash of the rule files"),
    _none("screening_runs.list_version", "hash of the watchlists"),
    _none("screening_runs.summary", "counts per rule and stage timings"),
    _none("ingested_files.checksum", "sha256 of the carrier file"),
    _none("ingested_files.original_name", "the carrier's file name"),
    _none("ingested_files.raw_path", "path of the landed file (the file itself is under raw/)"),
    _none("ingested_files.status", "file state"),
    Place("ingested_files.reason", "why a file was refused (may quote its content)", RAW, "blank"),
    _none("manifests.manifest_id", "flight key"),
    *(
        _none(f"manifests.{c}", "flight-level value")
        for c in (
            "carrier",
            "flight_number",
            "departure_airport",
            "arrival_airport",
            "scheduled_departure",
            "scheduled_arrival",
            "transmitted_at",
            "message_ref",
            "message_type",
        )
    ),
    _none("manifests.source_file", "path of the landed file"),
    _none("manifests.last_run_id", "run id"),
    _none("manifests.rules_version", "rules hash"),
    _none("manifests.list_version", "lists hash"),
    _none("manifests.validation", "validation counts per check (no values)"),
    _none("travellers.manifest_id", "flight key"),
    _none("travellers.traveller_ref", "the carrier's reference, the one identifier logs may carry"),
    Place(
        "travellers.data",
        "every traveller field and JSON extra (names, document, address, phone, booking)",
        TRAVELLER,
        "pseudonymise",
    ),
    _none("flags.manifest_id", "flight key"),
    _none("flags.rules_version", "rules hash"),
    _none("flags.flag_key", "hash identifying the flag"),
    _none("flags.run_id", "run id"),
    _none("flags.carrier", "flight-level value"),
    _none("flags.flight_number", "flight-level value"),
    _none("flags.traveller_ref", "the carrier's reference"),
    _none("flags.flag_type", "category"),
    _none("flags.rule_id", "rule id"),
    _none("flags.severity", "category"),
    _none("flags.watchlist_entry_id", "the list's own entry id"),
    _none("flags.list_name", "list name"),
    _none("flags.list_version", "lists hash"),
    Place("flags.explanation", "quotes names, dates of birth and document numbers", TRAVELLER, "blank"),
    Place("flags.details", "score parts with the compared names and dates", TRAVELLER, "blank"),
    _none("sanctions.sanction_id", "sanction key"),
    _none("sanctions.manifest_id", "flight key"),
    _none("sanctions.carrier", "flight-level value"),
    _none("sanctions.flight_number", "flight-level value"),
    _none("sanctions.traveller_ref", "the carrier's reference"),
    _none("sanctions.rule_id", "rule id"),
    _none("sanctions.framework", "legal framework id"),
    _none("sanctions.currency", "currency code"),
    _none("sanctions.status", "sanction state"),
    _none("sanctions.rules_version", "rules hash"),
    _none("sanctions.run_id", "run id"),
    Place("sanctions.explanation", "may quote the traveller's document", TRAVELLER, "blank"),
    _none("quarantine.run_id", "run id"),
    _none("quarantine.source_file", "path of the landed file"),
    _none("quarantine.record_ref", "line or segment reference"),
    _none("quarantine.reason_code", "reason code"),
    Place("quarantine.message", "the fault, may quote a value", QUARANTINED, "blank"),
    Place("quarantine.raw", "the quarantined record's raw text", QUARANTINED, "blank"),
    _none("manifest_transmissions.manifest_id", "flight key"),
    _none("manifest_transmissions.transmission_key", "hash of file, message reference, time and references"),
    _none("manifest_transmissions.run_id", "run id"),
    _none("manifest_transmissions.source_file", "path of the landed file"),
    _none("manifest_transmissions.message_ref", "the carrier's message reference"),
    _none("manifest_transmissions.transmitted_at", "transmission time"),
    _none("manifest_transmissions.superseded_by", "transmission key"),
    _none("sanction_decisions.sanction_id", "sanction key"),
    _none("sanction_decisions.manifest_id", "flight key"),
    _none("sanction_decisions.action", "confirm, appeal or waive"),
    _none("sanction_decisions.from_status", "sanction state"),
    _none("sanction_decisions.to_status", "sanction state"),
    _none(
        "sanction_decisions.reason",
        "the officer's reason about the carrier's breach (staff text, kept with "
        "the legal record; the form asks for no traveller data)",
    ),
    _none("sanction_decisions.actor", "the officer (staff, not travellers)"),
    *(
        _none(f"alert_decisions.{c}", "id, key or category")
        for c in (
            "manifest_id",
            "flag_key",
            "traveller_ref",
            "rule_id",
            "list_name",
            "watchlist_entry_id",
            "entry_hash",
            "decision",
        )
    ),
    _none(
        "alert_decisions.identity_key",
        "keyed hash of document number, issuing state and date of birth: "
        "remembers a false positive across trips, reveals no value",
    ),
    _none("alert_decisions.person_hash", "keyed hash of the screened fields (a changed person alerts again)"),
    _none("alert_decisions.note", "the officer's note on the alert (staff text, kept with the decision)"),
    _none("alert_decisions.actor", "the officer (staff, not travellers)"),
    *(
        _none(f"watchlist_entry_snapshots.{c}", "the published list entry (listed persons, not travellers)")
        for c in ("list_version", "list_name", "entry_id", "entry_hash", "data")
    ),
    _none("web_login_attempts.name", "a workspace login name (staff)"),
    *(
        _none(f"web_users.{c}", "workspace account (staff); the password only as an argon2 hash")
        for c in ("name", "role", "carriers", "password_hash")
    ),
    _none("audit_events.event_key", "event key"),
    _none("audit_events.manifest_id", "flight key the event concerns"),
    _none("audit_events.actor", "the officer or service acting (staff, not travellers)"),
    _none("audit_events.action", "action name"),
    _none("audit_events.subject", "manifest id, scope or path"),
    _none("audit_events.detail", "counts, paths and traveller_refs only"),
)

# Paths relative to the data dir; a trailing "/" is a folder (everything below it).
FILES: tuple[Place, ...] = (
    Place("intake/", "carrier files waiting to be landed", RAW, "delete"),
    Place("raw/", "landed carrier files, unmodified", RAW, "delete"),
    Place("work/", "per-run manifest folders (travellers.parquet, flags, quarantine)", RAW, "delete"),
    Place("runs/", "per-run outputs (flags.csv, sanctions.csv, quarantine.csv with raw text)", RAW, "delete"),
    Place("quarantine/", "unreadable carrier files and their reasons", QUARANTINED, "delete"),
    Place("multipart/sets/", "parts of multi-part PAXLST messages waiting for the rest", RAW, "delete"),
    _none("multipart/seen/", "checksums and paths of files already offered"),
    _none("multipart/released/", "ids of released sets"),
    _none("multipart/.lock", "lock directory"),
    _none("index/", "watchlist index, built from the published lists, not from manifests"),
    Place("reports/flights/", "flight reports with flagged travellers' names and documents", TRAVELLER, "rebuild"),
    _none("reports/runs/", "run reports: counts per run, rule and currency, waiting multi-part sets' ids"),
    _none("reports/carriers/", "per-carrier counts and flag totals"),
    _none("reports/trends/", "counts per day and rule"),
    Place(
        "reports/notifications/", "partner-state hit notifications (names, date of birth, document)", FLAGGED, "delete"
    ),
    Place("reports/exports/", "flag and sanction exports with explanations", TRAVELLER, "delete"),
    _none("reports/index.html", "titles of the reports present (flight ids)"),
    _none("reports/.index.lock", "lock file"),
    Place("alerts.jsonl", "operator alerts (ids by design; a failure reason may quote an input)", QUARANTINED, "trim"),
    _none("pseudonym.key", "the pseudonym secret (mode 0600); never removed, or pseudonyms stop linking"),
    _none("screening.db", "the SQLite store: its columns are the STORE entries (vacuumed after retention)"),
    _none("screening.db-wal", "SQLite write-ahead log (checkpointed after retention)"),
    _none("screening.db-shm", "SQLite shared memory index"),
)

# Exports and notifications written outside the data dir are found through their audit events' paths.
AUDITED_OUTPUT_ACTIONS = ("export_flags", "export_sanctions", "hit_notification")

# Settings properties that name places under the data dir, and their inventory entry.
SETTINGS_PLACES = {
    "intake_dir": "intake/",
    "raw_dir": "raw/",
    "work_dir": "work/",
    "runs_dir": "runs/",
    "quarantine_dir": "quarantine/",
    "multipart_dir": "multipart/sets/",
    "index_dir": "index/",
    "reports_dir": "reports/index.html",
    "exports_dir": "reports/exports/",
    "notifications_dir": "reports/notifications/",
    "alerts_file": "alerts.jsonl",
    "pseudonym_key_file": "pseudonym.key",
}


def file_place(relative: str) -> Place | None:
    """The entry governing a path relative to the data dir (longest matching prefix)."""
    best = None
    for place in FILES:
        hit = relative == place.where or (place.where.endswith("/") and relative.startswith(place.where))
        if hit and (best is None or len(place.where) > len(best.where)):
            best = place
    return best


def inventory_rows() -> list[dict[str, str]]:
    """The inventory as a table (the CLI prints it; the README points to it)."""
    return [
        {
            "where": p.where,
            "kind": "store" if p in STORE else "file",
            "holds": p.holds,
            "rule": p.rule or "-",
            "action": p.action,
        }
        for p in (*STORE, *FILES)
    ]
