"""Operator alerts: one clear message (DAG, task, manifest, reason) written to the log, to an alerts
file under the data folder, and to a configurable channel (webhook URL or e-mail through Airflow's SMTP
settings). Messages name ids only (manifest id, file checksum), never personal data."""

from __future__ import annotations

import json
import logging
import urllib.request
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from screening.config import load_settings

log = logging.getLogger("screening.alerts")


@dataclass
class Alert:
    kind: str  # TASK_FAILED | NOT_SCREENED_IN_TIME | MULTIPART_WAITING | WAITING_WATCHLIST_HIT
    dag_id: str
    task_id: str
    subject: str  # manifest id, file checksum or map index
    reason: str
    at: str = ""

    def text(self) -> str:
        return f"[{self.kind}] dag={self.dag_id} task={self.task_id} subject={self.subject}: {self.reason}"


def send_alert(alert: Alert) -> None:
    """Never raises: a broken alert channel must not hide the original failure."""
    alert.at = alert.at or datetime.now(UTC).isoformat()
    log.error(alert.text())
    try:
        path = load_settings().alerts_file
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(asdict(alert)) + "\n")
    except OSError as exc:
        log.warning("could not write the alerts file: %s", exc)
    webhook = load_settings().alert_webhook
    if webhook:
        try:
            request = urllib.request.Request(
                webhook,
                data=json.dumps(asdict(alert)).encode(),
                headers={"Content-Type": "application/json"},
                method="POST",
            )
            urllib.request.urlopen(request, timeout=10).close()  # noqa: S310 - operator-configured URL
        except OSError as exc:
            log.warning("alert webhook failed: %s", exc.__class__.__name__)
    recipients = load_settings().alert_email
    if recipients:
        try:
            from airflow.utils.email import send_email

            send_email(recipients.split(","), f"screening alert: {alert.kind} {alert.subject}", alert.text())
        except Exception as exc:  # SMTP misconfigured: logged, not raised
            log.warning("alert e-mail failed: %s", exc.__class__.__name__)


def _first_line(value: Any) -> str:
    return (str(value).strip().splitlines() or [""])[0][:500]


def on_task_failure(context: dict[str, Any]) -> None:
    """Airflow on_failure_callback: names the DAG, task, the manifest (map index) and the reason."""
    ti = context.get("task_instance") or context.get("ti")
    exception = context.get("exception")
    subject = getattr(ti, "rendered_map_index", None) or str(getattr(ti, "map_index", "")) or "-"
    send_alert(
        Alert(
            "TASK_FAILED",
            str(getattr(ti, "dag_id", "?")),
            str(getattr(ti, "task_id", "?")),
            subject,
            f"{type(exception).__name__}: {_first_line(exception)}" if exception else "failed",
        )
    )


def overdue_files(database_url: str, now: datetime, after: timedelta) -> list[Alert]:
    """Files landed but not screened within `after`, and manifests whose flight arrives before screening."""
    from sqlalchemy import select

    from screening.model import parse_instant
    from screening.store.db import session_scope, upgrade_database
    from screening.store.models import IngestedFile, ManifestRecord

    upgrade_database(database_url)
    alerts: list[Alert] = []
    with session_scope(database_url) as session:
        for record in session.scalars(select(IngestedFile).where(IngestedFile.status == "LANDED")):
            landed = record.landed_at if record.landed_at.tzinfo else record.landed_at.replace(tzinfo=UTC)
            if now - landed >= after:
                alerts.append(
                    Alert(
                        "NOT_SCREENED_IN_TIME",
                        "manifest_screening",
                        "-",
                        record.checksum,
                        f"landed {int((now - landed).total_seconds() // 60)} min ago, not screened",
                    )
                )
        for manifest in session.scalars(select(ManifestRecord).where(ManifestRecord.screened_at.is_(None))):
            arrival = parse_instant(manifest.scheduled_arrival)
            if arrival is not None and arrival <= now:
                alerts.append(
                    Alert(
                        "NOT_SCREENED_IN_TIME",
                        "manifest_screening",
                        "-",
                        manifest.manifest_id,
                        "flight arrived before its manifest was screened",
                    )
                )
    return alerts


def waiting_sets(multipart_dir: Path, now: datetime, wait: timedelta) -> list[Alert]:
    """Multi-part sets held longer than their wait: their travellers are neither screened against the
    obligations nor sanctioned until released, so an operator must know (no intake run released them)."""
    from screening.ingest.multipart import MultipartAssembler

    if not (multipart_dir / "sets").exists():
        return []
    alerts = []
    for held in MultipartAssembler(multipart_dir, wait=wait).pending(now=now):
        waited = now - datetime.fromisoformat(held["first_seen"])
        if waited >= wait:
            alerts.append(
                Alert(
                    "MULTIPART_WAITING",
                    "manifest_screening",
                    "-",
                    str(held.get("manifest_id")),
                    f"multi-part message {held.get('common_ref')}: parts {held.get('parts')} held "
                    f"{int(waited.total_seconds() // 60)} min ({held.get('travellers')} travellers "
                    "not yet screened)",
                )
            )
    return alerts


def multipart_wait() -> timedelta:
    return timedelta(minutes=load_settings().multipart_wait_minutes)


def overdue_threshold() -> timedelta:
    return timedelta(minutes=load_settings().alert_after_minutes)


def alerts_file() -> Path:
    return load_settings().alerts_file
