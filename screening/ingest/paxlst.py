"""UN/EDIFACT PAXLST reader (directories D:02B to D:16B) producing canonical Manifests.

Decisions, so analysts and operators know what the output means:

* Progressive flights: one Manifest per leg. Each TDT group gives one or more legs (LOC+DTM 189
  departs, LOC+DTM 232 arrives; LOC 125/87/130 and pairs of LOC 92 without DTM likewise). A traveller
  is put on the legs from the one leaving their port of embarkation (LOC 178) to the one reaching their
  port of disembarkation (LOC 179), or on every leg when those ports do not match the itinerary. So
  GTAS apisMessage.txt gives AA123 ATL-ORD (1 traveller) and AA124 ORD-JFK (2 travellers).
* Counts: CNT 42/41 is the whole-flight total; it becomes `declared_total` on every leg. The check
  CNT against travellers is done once per message over all its traveller groups (quarantined ones
  included) and reported as an API_COUNT_MISMATCH control finding; a per-leg comparison would be wrong
  for progressive flights.
* Times: DTM 189/232 are local to their airport and get its UTC offset (airportsdata); UNB date/time has
  no zone in the standard and is taken as UTC.
* Two-digit years: flight years are 20YY; a birth date is put in the past relative to the first
  departure (else the UNB date); an expiry lies at most 20 years after it.
* traveller_ref is RFF ABO when sent, else P001, P002... (C001 for crew) in NAD order; for a part of a
  multi-part message the part number is included (P10-001) so parts never collide. A reference sent
  twice gets a suffix (-2) and an API_DUPLICATE_TRAVELLER finding.
* Multi-part messages (UNH 0068 common access reference, 0070 sequence, 0073 C/F): this reader
  returns each part as it is, with the travellers it holds, `parts`=1, `message_ref` = the common
  access reference, `part_info` describing the part and `incomplete_reason` set, so `screening parse`
  shows a lone part and can flag it. Assembly of parts across files is `screening.ingest.multipart`'s
  job. A message with no sequence, or sequence 01 with F or no marker, is complete.
* Nothing raises to the caller and nothing is dropped: a traveller group that cannot be read is
  quarantined alone (record_ref "segment N" of its NAD); a message with no readable flight, a PNRGOV or
  other message, and segments outside any message are quarantined with the number of travellers they
  held. Control problems become control findings (see paxlst_controls) on each Manifest
  (`manifest.control_findings`) and on the ParseResult (`result.control_findings`, all of them).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from screening import quarantine_reasons as reasons
from screening.ingest import paxlst_controls as ctl
from screening.ingest.edifact import Interchange, Segment, decode, read_interchange
from screening.ingest.normalise import clean_result, normalise_traveller
from screening.ingest.paxlst_message import (
    CREW_LIST_CODES,
    PERSON_QUALIFIERS,
    Leg,
    MessageContent,
    legs_travelled,
    read_message,
)
from screening.ingest.paxlst_values import interchange_time, is_digits, iso_local_time
from screening.model import Document, Manifest, ParseResult, QuarantineRecord, Traveller, new_traveller

log = logging.getLogger(__name__)

_RAW_PERSON_NAD = re.compile(r"NAD[^A-Za-z0-9\s](?:FL|FM|DDU|DDT)(?![A-Za-z0-9])")
_MESSAGE_TYPE = re.compile(r"[A-Z0-9]*")
_CLOSERS = frozenset({"UNT", "UNH", "UNE", "UNZ", "UNG", "UNB"})


def parse_paxlst(data: bytes, source_file: str) -> ParseResult:
    """Read one file (one interchange, possibly in a transport envelope); never raises."""
    try:
        return clean_result(_Reader(data, source_file).read())
    except Exception as exc:  # noqa: BLE001 - last resort: the caller must always get a result
        log.error("%s: PAXLST reader failed (%s); file quarantined", source_file, type(exc).__name__)
        return _whole_file(
            data,
            source_file,
            reasons.PAXLST_READER_ERROR,
            f"{source_file}: the reader could not process this file ({type(exc).__name__})",
        )


def _message_end(segments: list[Segment], start: int) -> tuple[int, list[Segment]]:
    """Index of the UNT closing the message opened at `start` (or, when it has none, of the envelope
    segment or UNH after its content), and the envelope segments misplaced inside it.

    A UNT, UNE or UNZ sent too early, or a UNH repeated in the middle, must not cut off the travellers
    after it: the message's content (TDT groups and person NADs) runs to the next UNH that opens a
    message of its own, and the message ends at the first UNT after its last content segment."""
    n = len(segments)
    stop = start + 1
    while stop < n and not (segments[stop].tag == "UNH" and not _repeated_unh(segments, stop)):
        stop += 1
    last_content = start
    for k in range(start + 1, stop):
        seg = segments[k]
        if seg.tag in _CLOSERS:
            continue
        if seg.tag == "TDT" or _is_person(seg):
            last_content = k
    end = next((k for k in range(last_content + 1, stop) if segments[k].tag == "UNT"), -1)
    if end < 0:  # no UNT after the content: the message ends before the next envelope segment
        end = next((k for k in range(last_content + 1, stop) if segments[k].tag in _CLOSERS), stop)
    misplaced = [s for s in segments[start + 1 : end] if s.tag in _CLOSERS]
    return end, misplaced


def _repeated_unh(segments: list[Segment], j: int) -> bool:
    """A UNH at j that opens no message of its own: no TDT or BGM before the next UNT or UNH, but
    travellers (a segment duplicated or moved into the middle of a message)."""
    persons = False
    for seg in segments[j + 1 :]:
        if seg.tag in ("UNT", "UNH", "UNE", "UNZ"):
            break
        if seg.tag in ("TDT", "BGM"):
            return False
        persons = persons or _is_person(seg)
    return persons


def _is_person(segment: Segment) -> bool:
    return segment.tag == "NAD" and segment.value(0) in PERSON_QUALIFIERS


def count_person_segments(segments: list[Segment]) -> int:
    """Person NAD segments (FL, FM, DDU, DDT): the travellers a message or block stands for."""
    return sum(1 for s in segments if s.tag == "NAD" and s.value(0) in PERSON_QUALIFIERS)


def visible_persons(text: str) -> int:
    """Person NAD segments visible in raw text, whatever the separators: what a reader must account for."""
    return len(_RAW_PERSON_NAD.findall(text))


def _whole_file(data: bytes, source_file: str, reason: str, message: str) -> ParseResult:
    text = decode(data)
    record = QuarantineRecord(source_file, "file", reason, message, text, visible_persons(text))
    return ParseResult(source_file=source_file, quarantine=[record])


class _Reader:
    """Walks the interchange envelope; each UNH..UNT goes to `_message`."""

    def __init__(self, data: bytes, source_file: str) -> None:
        self.data = data
        self.source_file = source_file
        self.result = ParseResult(source_file=source_file)
        self.findings: list[dict[str, str]] = []
        self.interchange_findings: list[dict[str, str]] = []
        self.transmitted_at: str | None = None
        self.fallback_reference = datetime.now(UTC).date()
        self.accounted: set[int] = set()  # positions of the person NADs read or quarantined

    def read(self) -> ParseResult:
        interchange = read_interchange(self.data)
        if interchange is None:
            return _whole_file(
                self.data,
                self.source_file,
                reasons.EDIFACT_NO_INTERCHANGE,
                f"{self.source_file}: no UNB or UNH segment found: not an EDIFACT interchange",
            )
        self.ix = interchange
        for note in interchange.notes:
            self.interchange_findings.append(ctl.finding(ctl.EDIFACT_CONTROL, note, "segment 1"))
        self._walk(interchange.segments)
        self._account_for_the_rest(interchange)
        for manifest in self.result.manifests:
            ctl.attach(manifest, ctl.FINDINGS_ATTR, ctl.findings_of(manifest) + self.interchange_findings)
        ctl.attach(self.result, ctl.FINDINGS_ATTR, self.findings + self.interchange_findings)
        return self.result

    def _walk(self, segments: list[Segment]) -> None:
        """The interchange segment by segment: each message read, each envelope segment checked against
        what it closes, anything else between messages kept as stray text."""
        envelope = _Envelope()
        stray: list[Segment] = []
        i, n = 0, len(segments)
        while i < n:
            seg = segments[i]
            if seg.tag in _CLOSERS:
                self._flush_stray(stray)
            if seg.tag == "UNH":
                i = self._take_message(segments, i)
                envelope.messages += 1
                envelope.group_messages += 1
                continue
            if not self._envelope_segment(seg, envelope):
                stray.append(seg)
            i += 1
        self._flush_stray(stray)
        found = self.interchange_findings
        if envelope.unb is not None:
            found.append(
                ctl.finding(
                    ctl.EDIFACT_CONTROL,
                    "interchange has no UNZ (truncated or damaged)",
                    f"segment {envelope.unb.position}",
                )
            )
        if envelope.ung is not None:
            found.append(
                ctl.finding(
                    ctl.EDIFACT_CONTROL,
                    "functional group has no UNE (truncated or damaged)",
                    f"segment {envelope.ung.position}",
                )
            )

    def _take_message(self, segments: list[Segment], i: int) -> int:
        """Read the message starting at UNH segments[i] (envelope segments inside it are findings, not
        part of it); returns the index after it."""
        n = len(segments)
        j, misplaced = _message_end(segments, i)
        has_unt = j < n and segments[j].tag == "UNT"
        message = segments[i : j + 1] if has_unt else segments[i:j]
        if misplaced:
            skip = {id(s) for s in misplaced}
            message = [s for s in message if id(s) not in skip]
            for seg_out in misplaced:
                self.interchange_findings.append(
                    ctl.finding(
                        ctl.EDIFACT_CONTROL,
                        f"segment {seg_out.position}: {seg_out.tag} inside a message ignored (misplaced)",
                        f"segment {seg_out.position}",
                    )
                )
        self._message(message, has_unt)
        return j + 1 if has_unt else j

    def _envelope_segment(self, seg: Segment, envelope: _Envelope) -> bool:
        """UNB, UNG, UNE, UNZ (counts and control references checked) or a UNT without UNH; False for any
        other segment."""
        found = self.interchange_findings
        tag = seg.tag
        if tag == "UNB":
            envelope.unb = seg
            self.transmitted_at = interchange_time(seg.value(3, 0), seg.value(3, 1))
            if self.transmitted_at:
                self.fallback_reference = date.fromisoformat(self.transmitted_at[:10])
        elif tag == "UNG":
            envelope.ung, envelope.groups, envelope.group_messages = seg, envelope.groups + 1, 0
        elif tag == "UNE":
            found += ctl.check_count("messages", seg, seg.value(0), envelope.group_messages)
            if envelope.ung is not None:
                found += ctl.check_reference(seg, seg.value(1), envelope.ung.value(4), "UNG")
            envelope.ung = None
        elif tag == "UNZ":
            counted = envelope.groups or envelope.messages
            found += ctl.check_count("groups" if envelope.groups else "messages", seg, seg.value(0), counted)
            if envelope.unb is not None:
                found += ctl.check_reference(seg, seg.value(1), envelope.unb.value(4), "UNB")
            envelope.unb = None
        elif tag == "UNT":
            found.append(
                ctl.finding(ctl.EDIFACT_CONTROL, f"segment {seg.position}: UNT without UNH", f"segment {seg.position}")
            )
        else:
            return False
        return True

    def _account_for_the_rest(self, ix: Interchange) -> None:
        """Accounting by construction: any person NAD the walk did not place (in a manifest or a quarantine
        record), and any visible in envelope text around the interchange, is quarantined with its count."""
        left = [s for s in ix.segments + ix.dropped if _is_person(s) and s.position not in self.accounted]
        if left:
            self._quarantine(
                f"segment {left[0].position}",
                reasons.PAXLST_UNPLACED_TRAVELLER,
                f"{len(left)} traveller NAD segment(s) could not be placed in a message",
                left,
                len(left),
            )
        outside = visible_persons(ix.leading_text)
        if outside:
            self.result.quarantine.append(
                QuarantineRecord(
                    self.source_file,
                    "envelope",
                    reasons.EDIFACT_OUTSIDE_INTERCHANGE,
                    f"{self.source_file}: {outside} traveller NAD segment(s) before the interchange start (UNA/UNB)",
                    ix.leading_text,
                    outside,
                )
            )

    def _flush_stray(self, stray: list[Segment]) -> None:
        """Segments outside any UNH..UNT: travellers among them are quarantined, the rest noted."""
        if not stray:
            return
        first = stray[0].position
        persons = count_person_segments(stray)
        if persons:
            self._quarantine(
                f"segment {first}",
                reasons.EDIFACT_OUTSIDE_MESSAGE,
                f"segments {first}-{stray[-1].position} lie outside any UNH..UNT message",
                stray,
                persons,
            )
        else:
            self.interchange_findings.append(
                ctl.finding(
                    ctl.EDIFACT_CONTROL,
                    f"segments {first}-{stray[-1].position} outside any message ignored",
                    f"segment {first}",
                )
            )
        stray.clear()

    def _quarantine(self, record_ref: str, reason: str, message: str, segments: list[Segment], travellers: int) -> None:
        self.accounted.update(s.position for s in segments if _is_person(s))
        self.result.quarantine.append(
            QuarantineRecord(
                self.source_file,
                record_ref,
                reason,
                f"{self.source_file}: {message}",
                self.ix.raw(segments),
                travellers,
            )
        )

    def _message(self, segments: list[Segment], has_unt: bool) -> None:
        unh = segments[0]
        unh_ref = unh.value(0).strip()
        message_type = _MESSAGE_TYPE.match(unh.value(1, 0).strip().upper()).group(0)  # type: ignore[union-attr]
        if message_type not in ("PAXLST", "PNRGOV") and any(
            unh.value(k, 0).strip().upper().startswith(("PAXLST", "PNRGOV")) for k in (0, 2, 3)
        ):
            message_type = next(
                unh.value(k, 0).strip().upper()[:6]
                for k in (0, 2, 3)
                if unh.value(k, 0).strip().upper().startswith(("PAXLST", "PNRGOV"))
            )
        body = segments[1:-1] if has_unt else segments[1:]
        where = f"segment {unh.position}"
        if message_type == "PNRGOV":
            tifs = sum(1 for s in body if s.tag == "TIF")
            self._quarantine(where, reasons.PNRGOV_NOT_SUPPORTED, "PNRGOV not supported", segments, tifs)
            return
        if message_type != "PAXLST":
            self._quarantine(
                where,
                reasons.EDIFACT_UNSUPPORTED_MESSAGE,
                f"{where}: message type '{message_type[:10]}' is not PAXLST",
                segments,
                count_person_segments(body),
            )
            return
        content = read_message(body, self.fallback_reference)
        legs = [leg for leg in content.legs if leg.carrier and leg.flight_number]
        if not legs:
            self._quarantine(
                where,
                reasons.PAXLST_NO_FLIGHT,
                f"{where}: message {unh_ref[:35]} has no readable flight (TDT carrier and number)",
                segments,
                len(content.groups),
            )
            return
        part = _part_info(unh, len(content.groups))
        message_ref = part["common_ref"] or unh_ref
        findings = self._message_findings(segments, has_unt, content, part, message_ref)
        refs = self._assign_refs(content, part, findings, message_ref)
        self._build_manifests(content, legs, part, message_ref, findings, refs)

    def _message_findings(
        self, segments: list[Segment], has_unt: bool, content: MessageContent, part: dict[str, Any], message_ref: str
    ) -> list[dict[str, str]]:
        unh = segments[0]
        out: list[dict[str, str]] = []
        if has_unt:
            unt = segments[-1]
            out += ctl.check_count("segments", unt, unt.value(0), len(segments), message_ref)
            out += ctl.check_reference(unt, unt.value(1), unh.value(0), "UNH", message_ref)
        else:
            out.append(
                ctl.finding(
                    ctl.EDIFACT_CONTROL,
                    f"segment {unh.position}: message has no UNT (truncated or damaged)",
                    f"segment {unh.position}",
                    message_ref,
                )
            )
        for note, position in content.notes:
            out.append(ctl.finding(ctl.EDIFACT_CONTROL, note, f"segment {position}", message_ref))
        held = len(content.groups)
        if content.declared_total is not None and content.declared_total != held:
            scope = "this message holds"
            if part["multipart"]:
                scope = (
                    f"part {part['sequence']}{part['marker'] and ':' + part['marker']} of multi-part "
                    f"message {message_ref} holds"
                )
            cnt = content.cnt_segment
            out.append(
                ctl.finding(
                    ctl.API_COUNT_MISMATCH,
                    f"CNT declares {content.declared_total} travellers; {scope} {held}",
                    f"segment {cnt.position}" if cnt else "",
                    message_ref,
                )
            )
        elif content.declared_total is None and content.cnt_segment is None:
            out.append(ctl.finding(ctl.EDIFACT_CONTROL, "message has no CNT total", "", message_ref))
        return out

    def _assign_refs(
        self, content: MessageContent, part: dict[str, Any], findings: list[dict[str, str]], message_ref: str
    ) -> list[str]:
        prefix = "C" if content.document_code in CREW_LIST_CODES else "P"
        if part["multipart"]:
            prefix += f"{part['sequence'] or 0:02d}-"
        seen: dict[str, int] = {}
        refs = []
        for number, group in enumerate(content.groups, 1):
            ref = group.abo or f"{prefix}{number:03d}"
            if ref in seen:
                seen[ref] += 1
                findings.append(
                    ctl.finding(
                        ctl.API_DUPLICATE_TRAVELLER,
                        f"traveller reference {ref} sent {seen[ref]} times; this one renamed {ref}-{seen[ref]}",
                        f"segment {group.position}",
                        message_ref,
                    )
                )
                ref = f"{ref}-{seen[ref]}"
            seen.setdefault(ref, 1)
            refs.append(ref)
        return refs

    def _build_manifests(
        self,
        content: MessageContent,
        legs: list[Leg],
        part: dict[str, Any],
        message_ref: str,
        findings: list[dict[str, str]],
        refs: list[str],
    ) -> None:
        """One manifest per leg, with the travellers on that leg; unreadable traveller groups quarantined."""
        travellers = self._readable_travellers(content, refs)
        for index, leg in enumerate(legs):
            departure, dep_ok = iso_local_time(leg.departure_local, leg.departure_raw, leg.departure_airport)
            arrival, arr_ok = iso_local_time(leg.arrival_local, leg.arrival_raw, leg.arrival_airport)
            leg_findings = list(findings)
            for text, ok, airport in (
                (departure, dep_ok, leg.departure_airport),
                (arrival, arr_ok, leg.arrival_airport),
            ):
                if text and not ok:
                    leg_findings.append(_time_zone_unknown(leg, airport, message_ref))
            manifest = Manifest(
                carrier=leg.carrier,
                flight_number=leg.flight_number,
                departure_airport=leg.departure_airport,
                arrival_airport=leg.arrival_airport,
                scheduled_departure=departure,
                scheduled_arrival=arrival,
                transmitted_at=self.transmitted_at,
                message_ref=message_ref,
                source_format="paxlst",
                message_type="CREW" if content.document_code in CREW_LIST_CODES else "PAX",
                declared_total=content.declared_total,
                parts=1,
                source_file=self.source_file,
            )
            _board(manifest, travellers, legs, index)
            info = dict(part, leg=index + 1, legs=len(legs))
            ctl.attach(manifest, "part_info", info)
            ctl.attach(manifest, ctl.FINDINGS_ATTR, leg_findings)
            ctl.set_incomplete(manifest, _lone_part_reason(part, message_ref), message_ref)
            leg_findings = ctl.findings_of(manifest)
            self.findings.extend(f for f in leg_findings if f not in self.findings)
            self.result.manifests.append(manifest)

    def _readable_travellers(self, content: MessageContent, refs: list[str]) -> list[tuple[Traveller, list[Document]]]:
        """Each traveller group read, with its reference, as a Traveller and its Documents; a group that
        could not be read is quarantined (one traveller)."""
        travellers: list[tuple[Traveller, list[Document]]] = []
        for group, ref in zip(content.groups, refs, strict=True):
            if group.error is not None or group.traveller is None:
                reason = group.error.reason_code if group.error else reasons.PAXLST_BROKEN_TRAVELLER
                self._quarantine(
                    f"segment {group.position}",
                    reason,
                    f"traveller {ref}: {group.error}; traveller quarantined",
                    group.segments,
                    1,
                )
                continue
            self.accounted.add(group.position)
            traveller = new_traveller(
                {**normalise_traveller(group.traveller), "traveller_ref": ref}, group.traveller["source_line"]
            )
            documents = [_normalise_document(d, ref) for d in group.documents]
            travellers.append((traveller, documents))
        return travellers


def _time_zone_unknown(leg: Leg, airport: str | None, message_ref: str) -> dict[str, str]:
    return ctl.finding(
        ctl.PAXLST_TIME_ZONE_UNKNOWN,
        f"segment {leg.position}: time at airport "
        f"'{(airport or '')[:5]}' kept as local time without UTC offset (airport unknown or "
        "time unreadable)",
        f"segment {leg.position}",
        message_ref,
    )


def _board(manifest: Manifest, travellers: list[tuple[Traveller, list[Document]]], legs: list[Leg], index: int) -> None:
    """The travellers (and their documents) on leg `index`: all of them on a single-leg flight, else
    copies for the legs each one travels (a progressive flight)."""
    if len(legs) == 1:  # the common case: no copies needed
        manifest.travellers = [t for t, _ in travellers]
        manifest.documents = [d for _, docs in travellers for d in docs]
        return
    for traveller, documents in travellers:
        if index in legs_travelled(traveller, legs):
            manifest.travellers.append(traveller.copy())
            manifest.documents.extend(d.copy() for d in documents)


@dataclass
class _Envelope:
    """The interchange (UNB) and functional group (UNG) open while walking, and what they hold so far."""

    unb: Segment | None = None
    ung: Segment | None = None
    groups: int = 0
    messages: int = 0
    group_messages: int = 0


def _part_info(unh: Segment, travellers: int) -> dict[str, Any]:
    """UNH 0068 common access reference and S010 sequence (0070) / first-last marker (0073)."""
    sequence_text = unh.value(3, 0).strip()
    marker = unh.value(3, 1).strip().upper()
    sequence = int(sequence_text) if is_digits(sequence_text) and len(sequence_text) <= 6 else None
    single = sequence is None or (sequence == 1 and marker in ("F", ""))
    return {
        "common_ref": unh.value(2).strip(),
        "unh_ref": unh.value(0).strip(),
        "sequence": sequence,
        "marker": marker if marker in ("C", "F") else "",
        "multipart": not single,
        "message_travellers": travellers,
    }


def _lone_part_reason(part: dict[str, Any], message_ref: str) -> str | None:
    if not part["multipart"]:
        return None
    return f"part {part['sequence']} of multi-part message {message_ref} read on its own; other parts not assembled"


def _normalise_document(document: Document, traveller_ref: str) -> Document:
    number = document.get("document_number")
    return {
        "traveller_ref": traveller_ref,
        "document_type": (document.get("document_type") or "").upper() or None,
        "document_number": number.upper().replace(" ", "").replace("-", "") if number else None,
        "issuing_state": (document.get("issuing_state") or "").upper() or None,
        "expiry": document.get("expiry"),
        "is_visa": bool(document.get("is_visa")),
    }
