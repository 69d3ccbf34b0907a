"""Durable assembly of multi-part PAXLST messages (UNH 0068 common access reference, 0070 sequence,
0073 C first / F last), whose parts arrive as separate files, in any order, sometimes twice.

Why on disk: Airflow tasks are separate processes that may be retried, so the parts seen so far live
in a state directory the caller chooses (JSON files written by atomic rename, one lock directory), never
only in memory. Layout:

    seen/<sha256>.json          every file checksum offered (a repeat is a duplicate and is ignored)
    sets/<set_id>/meta.json     the set's common access reference, flight and first arrival time
    sets/<set_id>/part-NNN.json one parsed part (Manifest fields plus reader attributes)
    released/<set_id>.json      tombstone of a released set (late parts are released on their own)

A set is the parts sharing common access reference and flight (manifest_id); one is kept per leg of a
progressive flight. It is released merged when part 1 and the F part are present with no gap, or by
`release_due` after `wait` as incomplete: the released Manifest's `incomplete_reason` then says what is
missing (the pipeline turns it into API_INCOMPLETE) and `part_info["complete"]` is False.

Usage (per file, then periodically):

    assembler = MultipartAssembler(state_dir, wait=timedelta(hours=2))
    ready = assembler.add_file(data, path)        # ParseResult: complete or single manifests + quarantine
    later = assembler.release_due()               # list[Manifest] timed out, incomplete
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, fields
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from screening import quarantine_reasons as reasons
from screening.ingest import paxlst_controls as ctl
from screening.ingest.paxlst import parse_paxlst
from screening.model import Manifest, ParseResult, QuarantineRecord, Traveller, renamed_documents

EXTRA_ATTRIBUTES = ("part_info", "incomplete_reason", ctl.FINDINGS_ATTR)
_MANIFEST_FIELDS = tuple(f.name for f in fields(Manifest))
LOCK_STALE_SECONDS = 120.0


def _utc_now() -> datetime:
    return datetime.now(UTC)


def manifest_to_dict(manifest: Manifest) -> dict[str, Any]:
    data = asdict(manifest)
    for name in EXTRA_ATTRIBUTES:
        data[name] = getattr(manifest, name, None)
    return data


def manifest_from_dict(data: dict[str, Any]) -> Manifest:
    manifest = Manifest(**{k: data[k] for k in _MANIFEST_FIELDS if k in data})
    for name in EXTRA_ATTRIBUTES:
        ctl.attach(manifest, name, data.get(name))
    if getattr(manifest, ctl.FINDINGS_ATTR) is None:
        ctl.attach(manifest, ctl.FINDINGS_ATTR, [])
    return manifest


def _write_json(path: Path, data: Any) -> None:
    """Atomic: a reader sees the old file or the new one, never half of it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with tmp.open("w", encoding="utf-8") as handle:
        json.dump(data, handle, sort_keys=True)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def _read_json(path: Path) -> Any:
    with path.open(encoding="utf-8") as handle:
        return json.load(handle)


class MultipartAssembler:
    """Holds parts of multi-part PAXLST messages in `state_dir` until they can be released."""

    def __init__(
        self,
        state_dir: str | Path,
        wait: timedelta = timedelta(hours=2),
        clock: Callable[[], datetime] = _utc_now,
        run_token: str = "",
    ) -> None:
        self.state_dir = Path(state_dir)
        self.wait = wait
        self.clock = clock
        self.run_token = run_token  # parts offered under another token were carried in from earlier runs
        for sub in ("seen", "sets", "released"):
            (self.state_dir / sub).mkdir(parents=True, exist_ok=True)

    # -- public API -------------------------------------------------------------------------------

    def add_file(self, data: bytes, source_file: str) -> ParseResult:
        """Parse one file and offer it; returns what is ready now (see `add`)."""
        return self.add(parse_paxlst(data, source_file), hashlib.sha256(data).hexdigest())

    def add(self, result: ParseResult, checksum: str) -> ParseResult:
        """Offer a parsed file. Returns a ParseResult with its quarantine records, its single-message
        manifests and any multi-part manifests this file completed; parts still waiting are held.
        A file seen before (same checksum) returns an empty result with `duplicate` True."""
        out = ParseResult(source_file=result.source_file)
        with self._lock():
            seen = self.state_dir / "seen" / f"{checksum}.json"
            if seen.exists():
                ctl.attach(out, "duplicate", True)
                return out
            ctl.attach(out, "duplicate", False)
            out.quarantine.extend(result.quarantine)
            held = 0
            for manifest in result.manifests:
                info = getattr(manifest, "part_info", None) or {}
                if not info.get("multipart"):
                    out.manifests.append(manifest)
                    continue
                released = self._offer(manifest, info, result.source_file)
                if released is None:  # the very same part again: its travellers are accounted, not lost
                    out.quarantine.append(
                        QuarantineRecord(
                            result.source_file,
                            f"part {info.get('sequence')}",
                            reasons.DUPLICATE_PART,
                            f"{result.source_file}: part {info.get('sequence')} of multi-part message "
                            f"{info.get('common_ref') or ''} received again with the same content; the copy "
                            "already held is used",
                            "",
                            travellers=len(manifest.travellers),
                        )
                    )
                    continue
                out.manifests.extend(released)
                held += not released
            ctl.attach(out, "held_parts", held)
            ctl.attach(out, ctl.FINDINGS_ATTR, ctl.findings_of(result))
            _write_json(seen, {"source_file": result.source_file, "at": self.clock().isoformat()})
        return out

    def release_due(self, now: datetime | None = None) -> list[Manifest]:
        """Release, as incomplete, every set that has waited longer than `wait`."""
        now = now or self.clock()
        released: list[Manifest] = []
        with self._lock():
            for set_dir in sorted((self.state_dir / "sets").iterdir()):
                meta_path = set_dir / "meta.json"
                if not meta_path.exists():
                    continue
                meta = _read_json(meta_path)
                if datetime.fromisoformat(meta["first_seen"]) + self.wait <= now:
                    released.append(self._release(set_dir, meta, complete=False))
        return released

    def pending(self, now: datetime | None = None) -> list[dict[str, Any]]:
        """Sets still waiting: common access reference, flight, parts held, first arrival, how many
        travellers they hold (and how many of those arrived under this run's token), and the wait left."""
        now = now or self.clock()
        out = []
        for set_dir in sorted((self.state_dir / "sets").iterdir()):
            if (set_dir / "meta.json").exists():
                meta = _read_json(set_dir / "meta.json")
                parts = self._parts(set_dir)
                meta["parts"] = sorted(parts)
                meta["travellers"] = sum(_part_travellers(p) for p in parts.values())
                meta["travellers_this_run"] = sum(
                    _part_travellers(p) for p in parts.values() if p.get("run", "") == self.run_token
                )
                left = datetime.fromisoformat(meta["first_seen"]) + self.wait - now
                meta["wait_left_minutes"] = round(max(0.0, left.total_seconds() / 60), 1)
                out.append(meta)
        return out

    def held_travellers(self, set_id: str) -> list[Traveller]:
        """The travellers of a waiting set's parts held so far, in part order (for the early watchlist
        check: a listed person should not wait two hours for the rest of the list)."""
        set_dir = self.state_dir / "sets" / set_id
        if not set_dir.is_dir():
            return []
        parts = self._parts(set_dir)
        return [t for n in sorted(parts) for t in manifest_from_dict(parts[n]["manifest"]).travellers]

    # -- internals --------------------------------------------------------------------------------

    def _offer(self, manifest: Manifest, info: dict[str, Any], source_file: str) -> list[Manifest] | None:
        common_ref = info.get("common_ref") or info.get("unh_ref") or ""
        set_id = hashlib.sha1(f"{common_ref}|{manifest.manifest_id}".encode()).hexdigest()[:20]
        if (self.state_dir / "released" / f"{set_id}.json").exists():
            ctl.set_incomplete(
                manifest,
                f"part {info.get('sequence')} of multi-part message {common_ref} "
                "arrived after the message was released",
                common_ref,
            )
            return [manifest]
        set_dir = self.state_dir / "sets" / set_id
        meta_path = set_dir / "meta.json"
        if meta_path.exists():
            meta = _read_json(meta_path)
        else:
            meta = {
                "set_id": set_id,
                "common_ref": common_ref,
                "manifest_id": manifest.manifest_id,
                "first_seen": self.clock().isoformat(),
            }
            _write_json(meta_path, meta)
        sequence = int(info.get("sequence") or 0)
        part = manifest_to_dict(manifest)
        digest = _content_digest(part)
        part_path = set_dir / f"part-{sequence:03d}.json"
        if part_path.exists():
            earlier = _read_json(part_path)
            if earlier.get("digest") == digest:
                return None  # the same part re-sent in another file: the held copy stands
            notes = earlier.get("notes", []) + [
                f"part {sequence} received again with different content (from {source_file}); the later copy is used"
            ]
        else:
            notes = []
        _write_json(
            part_path,
            {
                "digest": digest,
                "manifest": part,
                "notes": notes,
                "run": self.run_token,
                "source_file": source_file,
                "received_at": self.clock().isoformat(),
            },
        )
        parts = self._parts(set_dir)
        if _is_complete(parts):
            return [self._release(set_dir, meta, complete=True)]
        return []

    def _parts(self, set_dir: Path) -> dict[int, dict[str, Any]]:
        parts = {}
        for path in set_dir.glob("part-*.json"):
            parts[int(path.stem.split("-")[1])] = _read_json(path)
        return parts

    def _release(self, set_dir: Path, meta: dict[str, Any], complete: bool) -> Manifest:
        parts = self._parts(set_dir)
        manifest = merge_parts(parts, meta["common_ref"], complete, self.wait)
        carried = sum(_part_travellers(p) for p in parts.values() if p.get("run", "") != self.run_token)
        manifest.part_info = dict(manifest.part_info or {}, carried_in=carried)
        _write_json(
            self.state_dir / "released" / f"{meta['set_id']}.json",
            {
                "released_at": self.clock().isoformat(),
                "complete": complete,
                "parts": sorted(parts),
                "common_ref": meta["common_ref"],
                "manifest_id": meta["manifest_id"],
            },
        )
        for path in set_dir.iterdir():
            path.unlink()
        set_dir.rmdir()
        return manifest

    @contextmanager
    def _lock(self) -> Iterator[None]:
        """A lock directory (mkdir is atomic on every platform); a lock older than LOCK_STALE_SECONDS
        is taken to belong to a crashed process and broken."""
        lock = self.state_dir / ".lock"
        while True:
            try:
                lock.mkdir()
                break
            except FileExistsError:
                try:
                    if time.time() - lock.stat().st_mtime > LOCK_STALE_SECONDS:
                        lock.rmdir()
                        continue
                except OSError:
                    continue
                time.sleep(0.05)
        try:
            yield
        finally:
            lock.rmdir()


def _part_travellers(part: dict[str, Any]) -> int:
    return len(part["manifest"].get("travellers") or [])


def _content_digest(part: dict[str, Any]) -> str:
    """What makes two copies of a part the same: flight and travellers, not the file they came in."""
    keep = {
        k: part.get(k)
        for k in (
            "carrier",
            "flight_number",
            "departure_airport",
            "arrival_airport",
            "scheduled_departure",
            "scheduled_arrival",
            "declared_total",
            "travellers",
            "documents",
        )
    }
    return hashlib.sha256(json.dumps(keep, sort_keys=True, default=str).encode()).hexdigest()


def _is_complete(parts: dict[int, dict[str, Any]]) -> bool:
    """Part 1 and the F part are present and no number between them is missing."""
    finals = [n for n, p in parts.items() if (p["manifest"].get("part_info") or {}).get("marker") == "F"]
    if not finals or 1 not in parts:
        return False
    return all(n in parts for n in range(1, min(finals) + 1))


def _missing(parts: dict[int, dict[str, Any]]) -> str:
    finals = [n for n, p in parts.items() if (p["manifest"].get("part_info") or {}).get("marker") == "F"]
    last = min(finals) if finals else max(parts)
    gaps = [str(n) for n in range(1, last + 1) if n not in parts]
    text = f"parts {', '.join(gaps)} missing" if gaps else ""
    if not finals:
        text = (text + "; " if text else "") + "last part (F) not received"
    return text


def merge_parts(
    parts: dict[int, dict[str, Any]], common_ref: str, complete: bool, wait: timedelta | None = None
) -> Manifest:
    """One Manifest from parts in sequence order: flight from the first part present, travellers and
    documents concatenated, CNT checked against the travellers of all parts together."""
    ordered = [manifest_from_dict(parts[n]["manifest"]) for n in sorted(parts)]
    first = ordered[0]
    flight = {f: getattr(first, f) for f in _MANIFEST_FIELDS if f not in ("travellers", "documents")}
    merged = Manifest(**flight)
    merged.parts = len(ordered)
    merged.message_ref = common_ref or first.message_ref
    sources = [p.source_file for p in ordered]
    merged.source_file = sources[0] if len(set(sources)) == 1 else ";".join(dict.fromkeys(sources))
    findings: list[dict[str, str]] = []
    seen_refs: dict[str, int] = {}
    held = 0
    declared = [p.declared_total for p in ordered if p.declared_total is not None]
    merged.declared_total = declared[-1] if declared else None
    for number, part in zip(sorted(parts), ordered, strict=True):
        info = getattr(part, "part_info", None) or {}
        for traveller in part.travellers:  # segment numbers repeat across files: say which part
            traveller["source_line"] = f"part {number}: {traveller.get('source_line') or ''}".rstrip(": ")
        held += int(info.get("message_travellers") or len(part.travellers))
        renames = unique_refs(part, seen_refs, findings, merged.message_ref or "")
        merged.travellers.extend(part.travellers)
        merged.documents.extend(renamed_documents(part.documents, renames))
        for item in ctl.findings_of(part):
            if item["rule_id"] not in (ctl.API_COUNT_MISMATCH, ctl.API_INCOMPLETE) and item not in findings:
                findings.append(item)
    for number in sorted(parts):
        for note in parts[number].get("notes", []):
            findings.append(ctl.finding(ctl.EDIFACT_CONTROL, note, f"part {number}", merged.message_ref or ""))
    if merged.declared_total is not None and merged.declared_total != held:
        findings.append(
            ctl.finding(
                ctl.API_COUNT_MISMATCH,
                f"CNT declares {merged.declared_total} travellers; the {len(ordered)} parts received hold {held}",
                "",
                merged.message_ref or "",
            )
        )
    reason = None
    if not complete:
        waited = f" within {wait}" if wait is not None else ""
        reason = f"multi-part message {common_ref}: {_missing(parts)}{waited}; released incomplete"
    ctl.attach(
        merged,
        "part_info",
        {
            "common_ref": common_ref,
            "multipart": True,
            "sequences": sorted(parts),
            "complete": complete,
            "message_travellers": held,
        },
    )
    ctl.attach(merged, ctl.FINDINGS_ATTR, findings)
    ctl.set_incomplete(merged, reason, merged.message_ref or "")
    return merged


def unique_refs(
    part: Manifest, seen: dict[str, int], findings: list[dict[str, str]], message_ref: str
) -> dict[str, str]:
    """traveller_ref stays unique across parts; a repeat gets a suffix and a finding."""
    renames: dict[str, str] = {}
    for traveller in part.travellers:
        ref = str(traveller["traveller_ref"])
        if ref in seen:
            seen[ref] += 1
            new = f"{ref}-{seen[ref]}"
            findings.append(
                ctl.finding(
                    ctl.API_DUPLICATE_TRAVELLER,
                    f"traveller reference {ref} sent in more than one part; renamed {new}",
                    traveller.get("source_line", ""),
                    message_ref,
                )
            )
            renames[ref] = new
            traveller["traveller_ref"] = new
        else:
            seen[ref] = 1
    return renames
