"""Store tests on SQLite and PostgreSQL: migrations apply, re-runs replace instead of duplicating."""

from sqlalchemy import func, select

from screening.model import Flag, Manifest, QuarantineRecord, Sanction
from screening.store import repository as repo
from screening.store.db import session_scope, upgrade_database
from screening.store.models import AuditEvent, FlagRecord, ManifestRecord, QuarantineEntry, SanctionRecord


def manifest() -> Manifest:
    return Manifest(
        carrier="ZZ",
        flight_number="1",
        departure_airport="JFK",
        arrival_airport="FRA",
        scheduled_departure="2026-12-01T18:30:00-05:00",
        travellers=[{"traveller_ref": "P1", "surname": "DOE"}, {"traveller_ref": "P2", "surname": "X"}],
    )


def results(m: Manifest, explanation: str = "no document") -> tuple[list[Flag], list[Sanction]]:
    flag = Flag(m.manifest_id, "ZZ", "1", "P1", "OBLIGATION", "DOC_MISSING", "HIGH", explanation)
    sanction = Sanction(
        m.manifest_id, "ZZ", "1", "P1", "DOC_MISSING", "EU_2001_51", 3000.0, "EUR", "PROPOSED", explanation
    )
    return [flag, flag], [sanction]


def save(url: str, m: Manifest, run_id: str, rules_version: str = "r1", explanation: str = "no document") -> None:
    flags, sanctions = results(m, explanation)
    with session_scope(url) as session:
        repo.save_manifest_results(
            session,
            run_id=run_id,
            manifest=m,
            screened=m.travellers,
            quarantined=0,
            flags=flags,
            sanctions=sanctions,
            validation={"ok": True},
            rules_version=rules_version,
            list_version="l1",
        )
        repo.save_quarantine(session, run_id, [QuarantineRecord("f.csv", "3", "ROW_FIELD_COUNT", "m", "raw")])
        repo.audit(session, "test", "screened", m.manifest_id, key=f"k|{m.manifest_id}|{rules_version}")


def counts(url: str) -> dict[str, int]:
    with session_scope(url) as session:
        return {
            model.__tablename__: session.scalar(select(func.count()).select_from(model))
            for model in (ManifestRecord, FlagRecord, SanctionRecord, QuarantineEntry, AuditEvent)
        }


def test_rerun_of_the_same_manifest_replaces_its_results(database_url):
    upgrade_database(database_url)
    m = manifest()
    save(database_url, m, "run-1")
    first = counts(database_url)
    save(database_url, m, "run-2")
    assert (
        counts(database_url)
        == first
        == {"manifests": 1, "flags": 1, "sanctions": 1, "quarantine": 1, "audit_events": 1}
    )


def test_other_rules_version_keeps_both_flag_sets(database_url):
    upgrade_database(database_url)
    m = manifest()
    save(database_url, m, "run-1", rules_version="r1")
    save(database_url, m, "run-2", rules_version="r2")
    assert counts(database_url)["flags"] == 2


def test_confirmed_sanction_status_survives_a_rerun(database_url):
    upgrade_database(database_url)
    m = manifest()
    save(database_url, m, "run-1")
    with session_scope(database_url) as session:
        session.scalars(select(SanctionRecord)).one().status = "CONFIRMED"
    save(database_url, m, "run-2", explanation="no document (reworded)")
    with session_scope(database_url) as session:
        record = session.scalars(select(SanctionRecord)).one()
    assert (record.status, record.explanation) == ("CONFIRMED", "no document (reworded)")


def test_migrations_are_safe_to_apply_twice(database_url):
    upgrade_database(database_url)
    upgrade_database(database_url)
    assert counts(database_url)["manifests"] == 0


def test_long_audit_keys_fit_every_database(database_url):
    """PostgreSQL enforces column lengths that SQLite ignores: keys are hashed to a fixed length."""
    upgrade_database(database_url)
    long_key = "screened|" + "X" * 300
    with session_scope(database_url) as session:
        repo.audit(session, "test", "screened", "M" * 200, key=long_key)
        repo.audit(session, "test", "screened", "M" * 200, key=long_key)
    assert counts(database_url)["audit_events"] == 1


def test_migrations_match_the_models(database_url):
    """Alembic finds nothing left to generate: every model change has its migration."""
    from alembic import command

    from screening.store.db import _alembic_config

    upgrade_database(database_url)
    command.check(_alembic_config(database_url))
