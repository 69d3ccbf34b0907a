"""Histories the pipeline itself left: the screening store (any database URL) and the DAG's work folders.

Both are rebuilt the way the live obligation stage saw them: the manifest, its screenable travellers (those
validation did not quarantine), their documents, and the flags the earlier stages raised (validation,
reader findings, watchlist and registry hits), carried as recorded. The obligation rules and sanctions
are then re-evaluated by a backtest or an explanation exactly as the pipeline does (`manifest_frame`,
`evaluate_frame`, `sanctions_frame`), so the two agree on the same inputs."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any, cast

import pandas as pd

from screening import schemas
from screening.errors import InputError
from screening.model import Document, Flag, Manifest, Traveller, parse_instant
from screening.obligations import manifest_frame
from screening.rules.evaluate import empty_flags
from screening.rules.frame import ensure_columns
from screening.rules.models import RuleSet
from screening.rules.registry import stage_of
from screening.vocabulary import FLAG_FRAME_COLUMNS, WATCHLIST

ALL_STAGES = frozenset({"validation", "reader", "matching", "documents"})
DOCUMENT_NUMBER_KEPT = "(declared)"  # the store keeps whether a document number was sent, not the number


@dataclass
class History:
    """Travellers in the history shape plus the flags of the stages a backtest does not re-run."""

    travellers: pd.DataFrame
    carried: pd.DataFrame = field(default_factory=empty_flags)  # FLAG_FRAME_COLUMNS + score etc.
    stages_known: frozenset[str] = frozenset()
    notes: list[str] = field(default_factory=list)  # what this history cannot re-evaluate, said up front
    list_versions: set[str] = field(default_factory=set)
    source: str = ""


def is_database_url(text: str | Path) -> bool:
    return "://" in str(text)


def carried_frame(flags: list[Flag]) -> pd.DataFrame:
    """Flags of the non-obligation stages in the evaluator's table shape (+ score, list fields)."""
    rows = []
    for f in flags:
        if stage_of(f.rule_id) == "obligations":  # re-evaluated, never carried
            continue
        frameworks = (f.details or {}).get("frameworks") or []
        rows.append(
            {
                "manifest_id": f.manifest_id,
                "carrier": f.carrier,
                "flight_number": f.flight_number,
                "traveller_ref": f.traveller_ref or "",
                "flag_type": f.flag_type,
                "rule_id": f.rule_id,
                "severity": f.severity,
                "explanation": f.explanation,
                "frameworks": "|".join(frameworks) if isinstance(frameworks, list) else str(frameworks),
                "rules_version": f.rules_version,
                "score": f.score,
                "watchlist_entry_id": f.watchlist_entry_id,
                "list_name": f.list_name,
                "list_version": f.list_version,
            }
        )
    extra = ["score", "watchlist_entry_id", "list_name", "list_version"]
    if not rows:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in [*FLAG_FRAME_COLUMNS, *extra]})
    return pd.DataFrame(rows, columns=[*FLAG_FRAME_COLUMNS, *extra])


def screenable(manifest: Manifest) -> list[Traveller]:
    """What validation lets through to screening: travellers with every screening-required field."""
    required = schemas.screening_required_columns()
    return [t for t in manifest.travellers if all(str(t.get(c) or "").strip() for c in required)]


NO_TRAVELLER = "-"  # traveller_type of the flight-only row of a manifest with nobody screenable


def _frame(manifest: Manifest, travellers: list[Traveller], ruleset: RuleSet | None, manifest_id: str) -> pd.DataFrame:
    """As the obligation stage sees it. A manifest whose travellers were all quarantined still gets its
    manifest-level rules (API_LATE) and sanctions: one flight-only row no traveller rule applies to."""
    frame = manifest_frame(manifest, travellers or [{"traveller_type": NO_TRAVELLER}], ruleset)
    frame["manifest_id"] = manifest_id
    return frame


def _assemble(
    frames: list[pd.DataFrame], flags: list[Flag], notes: list[str], source: str, list_versions: set[str]
) -> History:
    travellers = (
        pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=list(manifest_frame_columns()))
    )
    return History(
        ensure_columns(travellers.astype("string")), carried_frame(flags), ALL_STAGES, notes, list_versions, source
    )


def manifest_frame_columns() -> list[str]:
    from screening.rules.frame import history_columns

    return history_columns()


# -- work folders ------------------------------------------------------------------------------------------


def work_folders(root: Path) -> list[Path]:
    """Manifest folders under `root` (each has manifest.json), one per manifest: when a re-screen left the
    same manifest in several run folders, the most recent one counts (never both)."""
    latest: dict[str, tuple[float, Path]] = {}
    for meta in root.rglob("manifest.json"):
        folder = meta.parent
        if not (folder / "travellers.parquet").exists():
            continue
        stamp = max(p.stat().st_mtime for p in folder.iterdir() if p.is_file())
        key = folder.name
        if key not in latest or stamp > latest[key][0]:
            latest[key] = (stamp, folder)
    return [p for _, p in sorted(latest.values(), key=lambda item: str(item[1]))]


def read_work_folders(root: Path) -> History:
    from screening import workdir
    from screening.stages import FLAGS_SCREEN, FLAGS_VALIDATE, SCREENABLE_JSON

    folders = work_folders(root)
    if not folders:
        raise InputError(f"{root}: no pipeline work folders (manifest.json with travellers.parquet) here")
    frames, flags, versions = [], [], set()
    for folder in folders:
        manifest = workdir.load_manifest(folder)
        kept = Counter(workdir.load_json(folder / SCREENABLE_JSON, None) or [])
        if (folder / SCREENABLE_JSON).exists():
            travellers = []
            for t in manifest.travellers:
                ref = str(t.get("traveller_ref") or "")
                if kept[ref] > 0:
                    kept[ref] -= 1
                    travellers.append(t)
        else:
            travellers = screenable(manifest)
        frames.append(_frame(manifest, travellers, None, folder.name))
        stage_flags = workdir.load_flags(folder / FLAGS_VALIDATE) + workdir.load_flags(folder / FLAGS_SCREEN)
        flags += stage_flags
        versions |= {f.list_version for f in stage_flags if f.list_version}
    return _assemble(frames, flags, [], str(root), versions)


# -- the store ------------------------------------------------------------------------------------------------


def _departure(text: str | None) -> datetime | None:
    instant = parse_instant(text)
    if instant is None and text:
        try:
            instant = datetime.combine(date.fromisoformat(text[:10]), time(), UTC)
        except ValueError:
            return None
    return instant.astimezone(UTC) if instant else None


def read_store(
    url: str, *, first: date | None = None, last: date | None = None, carriers: list[str] | None = None
) -> History:
    """Manifests of the store (scheduled departure in [first, last], UTC days; these carriers), each under
    the rules version it was last screened with: travellers, documents and the earlier stages' flags."""
    from sqlalchemy import select
    from sqlalchemy.exc import SQLAlchemyError

    from screening.store.db import safe_url, session_scope
    from screening.store.models import FlagRecord, ManifestRecord, TravellerRecord

    start = datetime.combine(first, time(), UTC) if first else None
    end = datetime.combine(last + timedelta(days=1), time(), UTC) if last else None
    frames, flags, versions = [], [], set()
    try:
        with session_scope(url) as session:
            query = select(ManifestRecord)
            if carriers:
                query = query.where(ManifestRecord.carrier.in_(carriers))
            for record in session.scalars(query.order_by(ManifestRecord.manifest_id)):
                when = _departure(record.scheduled_departure)
                if (start and (when is None or when < start)) or (end and (when is None or when >= end)):
                    continue
                rows = session.scalars(
                    select(TravellerRecord)
                    .where(TravellerRecord.manifest_id == record.manifest_id)
                    .order_by(TravellerRecord.id)
                )
                manifest = _manifest_of(record, [dict(r.data or {}) for r in rows])
                frames.append(_frame(manifest, screenable(manifest), None, record.manifest_id))
                stored = session.scalars(select(FlagRecord).where(FlagRecord.manifest_id == record.manifest_id))
                for f in stored:
                    if record.rules_version and f.rules_version != record.rules_version:
                        continue
                    flags.append(_flag_of(f))
                    if f.flag_type == WATCHLIST and f.list_version:
                        versions.add(f.list_version)
                if record.list_version:
                    versions.add(record.list_version)
    except SQLAlchemyError as exc:
        raise InputError(
            f"cannot read the history from {safe_url(url)} ({exc.__class__.__name__}); is it a screening store?"
        ) from exc
    notes = []
    if not frames:
        notes.append("no stored manifest matches the dates and carriers given")
    return _assemble(frames, flags, notes, url, versions)


def _flag_of(f: Any) -> Flag:
    """A stored flag (FlagRecord) as the Flag the pipeline made."""
    return Flag(
        f.manifest_id,
        f.carrier,
        f.flight_number,
        f.traveller_ref,
        f.flag_type,
        f.rule_id,
        f.severity,
        f.explanation,
        f.score,
        f.watchlist_entry_id,
        f.list_name,
        dict(f.details or {}),
        f.list_version,
        f.rules_version,
    )


def _manifest_of(record: Any, data: list[dict[str, Any]]) -> Manifest:
    """The manifest as stored (travellers.data, written from the typed records by the store)."""
    documents: list[Document] = []
    travellers: list[Traveller] = []
    seen: set[str] = set()
    for item in data:
        docs = item.pop("_documents", None) or []
        ref = str(item.get("traveller_ref") or "")
        if ref in seen:  # documents are keyed by reference, as in the live manifest
            docs = []
        seen.add(ref)
        for doc in docs:
            doc = dict(doc)
            doc["document_number"] = DOCUMENT_NUMBER_KEPT if doc.pop("has_number", False) else None
            doc["traveller_ref"] = item.get("traveller_ref")
            documents.append(cast(Document, doc))
        travellers.append(cast(Traveller, item))
    return Manifest(
        carrier=record.carrier,
        flight_number=record.flight_number,
        departure_airport=record.departure_airport,
        arrival_airport=record.arrival_airport,
        scheduled_departure=record.scheduled_departure,
        scheduled_arrival=record.scheduled_arrival,
        transmitted_at=record.transmitted_at,
        message_ref=record.message_ref,
        message_type=record.message_type,
        declared_total=record.declared_total,
        parts=record.parts,
        source_file=record.source_file,
        travellers=travellers,
        documents=documents,
    )
