"""One run, one truth: the steps every run goes through, whether `screening screen` or the DAG runs it.

    read      each file parsed on its own; any fault quarantines that file (with its traveller count)
    assemble  multi-part PAXLST parts offered to the assembler (held until their set is complete or its
              wait expires); several files carrying one flight's list merged (CSV, JSON) or, for
              PAXLST re-sends, the later transmission kept and the earlier quarantined as SUPERSEDED
    process   validate -> screen -> obligations and sanctions (screening.pipeline), one manifest's fault
              quarantining that manifest only
    account   travellers_in == screened + quarantined + waiting, computed from the steps' own results

The CLI calls `read_files` + `assemble` + `process_manifests` in memory (`screening.pipeline.screen_files`);
the DAG's tasks call the same functions over files (screening.stages). Whatever one path does, the other
does: there is no second way to assemble a run."""

from __future__ import annotations

import hashlib
import json
import logging
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TypedDict

from screening import quarantine_reasons as reasons
from screening.errors import InputError, ScreeningError
from screening.model import Manifest, ParseResult, QuarantineRecord, Traveller, renamed_documents

log = logging.getLogger(__name__)


class EarlyHit(TypedDict):
    """A watchlist hit among the travellers of a set still waiting for its other parts (no names)."""

    traveller_ref: str
    watchlist_entry_id: str
    list_name: str
    score: float


# travellers of a waiting set -> their watchlist hits
WaitingScreener = Callable[[list[Traveller]], list[EarlyHit]]

MANIFEST_MERGED = "MANIFEST_MERGED"
MERGEABLE_FORMATS = frozenset({"csv", "json"})


@dataclass
class FileRead:
    """One carrier file after reading: what is ready now, what was quarantined, and how many travellers
    the file holds (held parts included) so the run's accounting starts from the input itself."""

    source_file: str
    manifests: list[Manifest] = field(default_factory=list)
    quarantine: list[QuarantineRecord] = field(default_factory=list)
    travellers_in: int = 0
    error: str | None = None


@dataclass
class Assembly:
    """The run's manifests after multi-part assembly and same-flight merging."""

    manifests: list[Manifest]
    quarantine: list[QuarantineRecord]
    waiting: list[dict[str, Any]]
    travellers_in: int
    waiting_travellers: int
    errors: list[str]


def _raw_head(data: bytes | None) -> str:
    return (data or b"")[:2000].decode("utf-8", "replace")


def _visible_travellers(path: str, data: bytes | None) -> int:
    """How many traveller records a file shows, counted without its reader (for a file the reader could
    not read at all): PAXLST person NAD segments, JSON traveller objects (by their traveller_ref or
    surname keys), CSV data lines after the header."""
    from screening.ingest import sniff_format
    from screening.ingest.paxlst import visible_persons

    if not data:
        return 0
    text = data.decode("utf-8", "replace")
    fmt = sniff_format(path, data)
    if fmt == "paxlst":
        return visible_persons(text)
    if fmt == "json":
        return max(text.count('"traveller_ref"'), text.count('"surname"'))
    lines = [line for line in text.splitlines() if line.strip()]
    return max(0, len(lines) - 1)


def read_file(path: str | Path, assembler: Any = None, data: bytes | None = None) -> FileRead:
    """Parse one file and offer its multi-part parts to `assembler` (screening.ingest.multipart). Never
    raises for the file's content: an unreadable file, or a reader fault nobody foresaw, becomes one
    quarantine record naming the file, with the travellers it visibly holds."""
    from screening.ingest import parse_file, sniff_format

    source = str(path)
    try:
        if data is None:
            data = Path(source).read_bytes()
        result = parse_file(source, data)
    except InputError as exc:  # the reader says how many travellers it could see, when it knows
        return _unreadable(source, data, reasons.FILE_UNREADABLE, str(exc), getattr(exc, "travellers", None))
    except (RecursionError, MemoryError, Exception) as exc:  # a reader bug must not stop the run
        log.error("reader failed on %s: %s", source, type(exc).__name__)
        log.debug("reader traceback: %s", traceback.format_exc())
        return _unreadable(
            source,
            data,
            reasons.READER_FAILED,
            f"{source}: the reader failed ({type(exc).__name__}); the file is kept whole",
        )
    travellers_in = result.travellers_in
    if assembler is not None and sniff_format(source, data) == "paxlst":
        result = _offer(assembler, result, data)
    return FileRead(source, list(result.manifests), list(result.quarantine), travellers_in)


def _unreadable(source: str, data: bytes | None, reason: str, message: str, travellers: int | None = None) -> FileRead:
    if travellers is None:
        travellers = _visible_travellers(source, data)
    record = QuarantineRecord(source, "file", reason, message, _raw_head(data), travellers=travellers)
    return FileRead(source, [], [record], travellers, error=message)


def _offer(assembler: Any, result: ParseResult, data: bytes) -> ParseResult:
    """Parts go to the assembler; a whole file it has seen before (a re-screen) is read alone."""
    offered = assembler.add(result, hashlib.sha256(data).hexdigest())
    return result if offered.duplicate else offered


def read_files(paths: Sequence[str | Path], assembler: Any = None) -> list[FileRead]:
    return [read_file(path, assembler) for path in paths]


def assemble(
    reads: Sequence[FileRead],
    assembler: Any = None,
    carried_in: int | None = None,
    screen_waiting: WaitingScreener | None = None,
) -> Assembly:
    """The run's manifests: same-identity manifests combined, waiting sets listed with their counts and,
    with screen_waiting, the watchlist hits among the travellers they hold so far."""
    ready = [m for r in reads for m in r.manifests]
    manifests, quarantine = combine_same_identity(ready)
    waiting = assembler.pending() if assembler is not None else []
    if screen_waiting is not None:
        for held in waiting:
            held["watchlist_hits"] = early_hits(screen_waiting, assembler.held_travellers(held["set_id"]))
    waiting_here = sum(int(w.get("travellers_this_run", 0)) for w in waiting)
    if carried_in is None:
        carried_in = sum(int((m.part_info or {}).get("carried_in", 0)) for m in ready)
    return Assembly(
        manifests,
        [q for r in reads for q in r.quarantine] + quarantine,
        waiting,
        sum(r.travellers_in for r in reads) + carried_in,
        waiting_here,
        [r.error for r in reads if r.error],
    )


def early_hits(screen_waiting: WaitingScreener, travellers: list[Traveller]) -> list[EarlyHit] | None:
    """Watchlist hits among a waiting set's travellers (refs, entry ids and scores only), before the set is
    complete: obligations and sanctions wait for the whole list, a listed person does not. None when the
    check itself failed (the set still waits and is screened in full on release)."""
    try:
        return screen_waiting(travellers)
    except Exception as exc:
        if is_transient(exc):
            raise
        log.warning("early watchlist check of a waiting set failed: %s", type(exc).__name__)
        return None


def transmission_order(manifest: Manifest) -> tuple[str, str]:
    """Later transmissions sort last: by transmission time, then message reference."""
    return (manifest.transmitted_at or "", manifest.message_ref or "")


def combine_same_identity(manifests: Sequence[Manifest]) -> tuple[list[Manifest], list[QuarantineRecord]]:
    """One manifest per identity (flight and list type) in a run, never one silently dropped: CSV and JSON
    files carrying one flight's travellers are merged; for PAXLST the later transmission of the same list
    is kept and the earlier one quarantined as SUPERSEDED with its traveller count."""
    groups: dict[str, list[Manifest]] = {}
    for manifest in manifests:
        groups.setdefault(manifest.manifest_id, []).append(manifest)
    kept: list[Manifest] = []
    quarantine: list[QuarantineRecord] = []
    for group in groups.values():
        if len(group) == 1:
            kept.append(group[0])
        elif all(m.source_format in MERGEABLE_FORMATS for m in group):
            kept.append(merge_manifests(group))
        else:
            ordered = sorted(group, key=transmission_order)
            latest = ordered[-1]
            kept.append(latest)
            quarantine.extend(_superseded(m, latest) for m in ordered[:-1])
    return kept, quarantine


def _superseded(earlier: Manifest, latest: Manifest) -> QuarantineRecord:
    ref = earlier.message_ref or "-"
    message = (
        f"{earlier.source_file}: message {ref} of {earlier.manifest_id} superseded in this run by the "
        f"later transmission {latest.message_ref or '-'} ({latest.source_file}); kept here as history"
    )
    raw = json.dumps(
        {
            "manifest_id": earlier.manifest_id,
            "message_ref": earlier.message_ref,
            "transmitted_at": earlier.transmitted_at,
            "travellers": [t.get("traveller_ref") for t in earlier.travellers],
        }
    )
    return QuarantineRecord(
        earlier.source_file, f"message {ref}", reasons.SUPERSEDED, message, raw, travellers=len(earlier.travellers)
    )


def merge_manifests(group: Sequence[Manifest]) -> Manifest:
    """Several files of one flight's list in one run: one manifest with every file's travellers; a
    traveller_ref sent in two files is renamed and flagged (API_DUPLICATE_TRAVELLER), never lost."""
    from screening.ingest import paxlst_controls as ctl
    from screening.ingest.multipart import unique_refs

    first = group[0]
    merged = Manifest(
        **{
            k: getattr(first, k)
            for k in (
                "carrier",
                "flight_number",
                "departure_airport",
                "arrival_airport",
                "scheduled_departure",
                "scheduled_arrival",
                "transmitted_at",
                "message_ref",
                "message_type",
                "source_format",
            )
        }
    )
    merged.transmitted_at = max((m.transmitted_at or "" for m in group), default="") or None
    sources = list(dict.fromkeys(m.source_file for m in group))
    merged.source_file = ";".join(sources)
    merged.parts = len(group)
    declared = [m.declared_total for m in group]
    merged.declared_total = None if any(d is None for d in declared) else sum(d for d in declared if d is not None)
    findings: list[dict[str, str]] = []
    seen: dict[str, int] = {}
    for manifest in group:
        renames = unique_refs(manifest, seen, findings, merged.message_ref or "")
        merged.travellers.extend(manifest.travellers)
        merged.documents.extend(renamed_documents(manifest.documents, renames))
        findings.extend(f for f in manifest.control_findings if f not in findings)
    findings.append(
        ctl.finding(
            MANIFEST_MERGED,
            f"travellers of this flight arrived in {len(group)} files in one "
            f"run ({', '.join(Path(s).name for s in sources)}); merged into one manifest",
        )
    )
    merged.control_findings = findings
    return merged


# -- processing, with faults isolated per manifest ------------------------------------------------------

TRANSIENT = (OSError, TimeoutError, ConnectionError)


def is_transient(exc: BaseException) -> bool:
    """Faults a retry may heal (a database that is busy or unreachable, a full disk); everything else is
    about the data or the rules and is quarantined or failed at once."""
    if isinstance(exc, ScreeningError):
        return False
    from sqlalchemy.exc import OperationalError

    if isinstance(exc, OperationalError):
        return True
    return isinstance(exc, TRANSIENT) and not isinstance(exc, FileNotFoundError | IsADirectoryError)


def manifest_failed(manifest: Manifest, stage: str, exc: BaseException) -> QuarantineRecord:
    """The whole manifest quarantined, with its travellers, when a stage fails on it."""
    detail = str(exc) if isinstance(exc, ScreeningError) else type(exc).__name__
    log.error("stage %s failed on manifest %s: %s", stage, manifest.manifest_id, type(exc).__name__)
    log.debug("stage traceback: %s", traceback.format_exc())
    raw = json.dumps(
        {
            "manifest_id": manifest.manifest_id,
            "source_file": manifest.source_file,
            "travellers": [t.get("traveller_ref") for t in manifest.travellers],
        }
    )
    return QuarantineRecord(
        manifest.source_file,
        manifest.manifest_id,
        reasons.MANIFEST_FAILED,
        f"{manifest.manifest_id}: stage {stage} failed ({detail}); the manifest is kept whole for a re-run",
        raw,
        travellers=len(manifest.travellers),
    )


def guarded(stage: str, manifest: Manifest, step: Callable[[], Any]) -> tuple[Any, QuarantineRecord | None]:
    """Run one stage on one manifest; a data fault quarantines the manifest, a transient one is raised."""
    try:
        return step(), None
    except Exception as exc:
        if is_transient(exc):
            raise
        return None, manifest_failed(manifest, stage, exc)


def waiting_summary(waiting: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """What summary.json says of multi-part sets still held: no personal data, only counts and ids."""
    return [
        {
            "manifest_id": w.get("manifest_id"),
            "common_ref": w.get("common_ref"),
            "parts": list(w.get("parts") or []),
            "travellers": int(w.get("travellers", 0)),
            "travellers_this_run": int(w.get("travellers_this_run", 0)),
            "first_seen": w.get("first_seen"),
            "wait_left_minutes": w.get("wait_left_minutes"),
            "watchlist_hits": w.get("watchlist_hits"),
        }
        for w in waiting
    ]


def in_memory_assembler(state_dir: str | Path, wait_minutes: float, run_token: str, now: datetime | None = None) -> Any:
    """The CLI's assembler: parts held in `state_dir` (a temporary folder unless the user names one)."""
    from screening.ingest.multipart import MultipartAssembler

    if now is None:
        return MultipartAssembler(state_dir, wait=timedelta(minutes=wait_minutes), run_token=run_token)
    return MultipartAssembler(state_dir, wait=timedelta(minutes=wait_minutes), run_token=run_token, clock=lambda: now)
