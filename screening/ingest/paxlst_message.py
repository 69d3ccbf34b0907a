"""One PAXLST message (the segments between UNH and UNT) read into flight legs and traveller groups.

Groups follow the WCO/IATA/ICAO MIG: GR2 (TDT with its LOC/DTM pairs) gives the legs; GR4 starts at
each person NAD (FL, FM, DDU, DDT) and runs to the next person NAD or CNT; GR5 (DOC with its DTM 36 and
LOC 91) sits inside GR4. A traveller group that cannot be read is kept whole for quarantine instead of
stopping the message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from screening import quarantine_reasons as reasons
from screening.ingest.edifact import Segment
from screening.ingest.paxlst_values import is_digits, parse_date, parse_local_time, split_flight
from screening.model import Document, Traveller, new_traveller

PERSON_QUALIFIERS = {"FL": "PAX", "DDU": "PAX", "FM": "CREW", "DDT": "CREW"}
CREW_LIST_CODES = {"250", "336"}  # BGM 1001: crew list, master crew list
DEPARTURE_LOC, ARRIVAL_LOC, PROGRESSIVE_LOC = "125", ("87", "130"), "92"
_TAG = re.compile(r"[A-Z]{3}\Z")
_IGNORED_TRAVELLER_TAGS = frozenset({"COM", "MEA", "GEI", "FTX", "EMP", "ADR", "QTY", "FTI", "PDT"})


class TravellerError(Exception):
    """A traveller group that cannot be read; carries a reason code and a message with no personal data."""

    def __init__(self, reason_code: str, message: str) -> None:
        super().__init__(message)
        self.reason_code = reason_code


@dataclass
class Leg:
    """One flight leg of the itinerary (GR2/GR3)."""

    carrier: str
    flight_number: str
    position: int
    departure_airport: str | None = None
    arrival_airport: str | None = None
    departure_local: datetime | None = None
    departure_raw: str = ""
    arrival_local: datetime | None = None
    arrival_raw: str = ""


@dataclass
class TravellerGroup:
    """GR4 as read: the traveller (or the reason it could not be read) and its documents."""

    segments: list[Segment]
    traveller: Traveller | None = None
    documents: list[Document] = field(default_factory=list)
    error: TravellerError | None = None
    abo: str = ""
    ignored: list[int] = field(default_factory=list)  # positions of damaged segments skipped

    @property
    def position(self) -> int:
        return self.segments[0].position


@dataclass
class MessageContent:
    """Everything one PAXLST message declares."""

    document_code: str = ""
    legs: list[Leg] = field(default_factory=list)
    groups: list[TravellerGroup] = field(default_factory=list)
    declared_total: int | None = None
    cnt_segment: Segment | None = None
    notes: list[tuple[str, int]] = field(default_factory=list)  # (message, segment position)


def split_groups(
    segments: list[Segment],
) -> tuple[list[Segment], list[list[Segment]], list[list[Segment]], list[Segment]]:
    """(header, TDT groups, person groups, trailer) in one pass."""
    header: list[Segment] = []
    flights: list[list[Segment]] = []
    persons: list[list[Segment]] = []
    trailer: list[Segment] = []
    mode = 0  # 0 header, 1 flight, 2 person, 3 trailer
    for seg in segments:
        tag = seg.tag
        if tag == "NAD" and seg.value(0) in PERSON_QUALIFIERS:
            persons.append([seg])
            mode = 2
        elif mode == 2 and tag not in ("CNT", "TDT"):
            persons[-1].append(seg)
        elif tag == "TDT":
            flights.append([seg])
            mode = 1
        elif tag == "CNT":
            trailer.append(seg)
            mode = 3
        elif mode == 1 and tag in ("LOC", "DTM"):
            flights[-1].append(seg)
        elif mode == 3:
            trailer.append(seg)
        else:
            header.append(seg)
    return header, flights, persons, trailer


def read_legs(group: list[Segment]) -> list[Leg]:
    """A TDT group's legs: LOC followed by DTM 189 departs, by DTM 232 arrives; without DTM, LOC 125
    departs, 87/130 arrive, and a first LOC 92 departs and a second arrives (progressive flights)."""
    tdt = group[0]
    carrier, number = split_flight(tdt.value(1), tdt.value(4))
    legs: list[Leg] = []
    current: Leg | None = None
    points: list[list[str]] = []
    for seg in group[1:]:
        if seg.tag == "LOC":
            points.append([seg.value(0), seg.value(1).strip().upper(), "", "", ""])
        elif seg.tag == "DTM" and points and not points[-1][2]:
            points[-1][2:5] = [seg.value(0, 0), seg.value(0, 1), seg.value(0, 2)]
    for qualifier, code, dtm, raw, fmt in points:
        first_progressive = (
            qualifier == PROGRESSIVE_LOC
            and dtm != "232"
            and (current is None or not current.departure_airport or current.arrival_airport)
        )
        if dtm == "189" or qualifier == DEPARTURE_LOC or first_progressive:
            if current is None or current.departure_airport or current.arrival_airport:
                current = Leg(carrier, number, tdt.position)
                legs.append(current)
            current.departure_airport = code or None
            current.departure_raw = raw
            current.departure_local = parse_local_time(raw, fmt) if raw else None
        elif dtm == "232" or qualifier in ARRIVAL_LOC or qualifier == PROGRESSIVE_LOC:
            if current is not None and current.arrival_airport:
                if qualifier == "130":
                    continue  # final destination beyond this leg
                current = None
            if current is None:
                current = Leg(carrier, number, tdt.position)
                legs.append(current)
            current.arrival_airport = code or None
            current.arrival_raw = raw
            current.arrival_local = parse_local_time(raw, fmt) if raw else None
    if not legs:
        legs.append(Leg(carrier, number, tdt.position))
    return legs


def read_traveller(group: list[Segment], traveller_type: str, reference: date) -> TravellerGroup:
    """GR4 to a Traveller (schemas.traveller_columns() + source_line) and its Documents."""
    result = TravellerGroup(group)
    try:
        _fill(result, traveller_type, reference)
    except TravellerError as exc:
        result.error = exc
    except (IndexError, ValueError, AttributeError, TypeError) as exc:
        result.error = TravellerError(
            reasons.PAXLST_BROKEN_TRAVELLER, f"traveller group unreadable ({type(exc).__name__})"
        )
    return result


def _fill(result: TravellerGroup, traveller_type: str, reference: date) -> None:
    """The traveller of a GR4 group: its NAD, then each segment, then its first travel document and visa
    copied onto the traveller's own document and visa columns."""
    t = _named_traveller(result.segments[0], traveller_type)
    doc: Document | None = None
    for seg in result.segments[1:]:
        doc = _read_segment(seg, t, doc, result, reference)
    _declare_documents(t, result.documents)
    result.traveller = t


def _named_traveller(nad: Segment, traveller_type: str) -> Traveller:
    """NAD (C080 name parts): no surname, no traveller."""
    name = nad.components(3)
    surname = name[0].strip() if name else ""
    if not surname:
        raise TravellerError(reasons.PAXLST_NO_NAME, f"segment {nad.position}: NAD has no surname (C080)")
    t = new_traveller({}, f"segment {nad.position}")
    t["surname"] = surname
    t["given_names"] = " ".join(p.strip() for p in name[1:] if p.strip()) or None
    t["traveller_type"] = "CREW" if PERSON_QUALIFIERS[nad.value(0)] == "CREW" else traveller_type
    return t


def _read_segment(
    seg: Segment, t: Traveller, doc: Document | None, result: TravellerGroup, reference: date
) -> Document | None:
    """One segment of the group into the traveller or into its current document (DTM 36 and LOC 91 follow
    their DOC); returns the current document, a new one after a DOC."""
    tag = seg.tag
    qualifier, sub, second, third = seg.head()
    if tag == "DTM":
        if qualifier == "36" and doc is not None:
            doc["expiry"] = parse_date(sub, reference, birth=False)
        elif qualifier == "329" and not t["date_of_birth"]:
            t["date_of_birth"] = parse_date(sub, reference, birth=True)
    elif tag == "LOC":
        if qualifier == "91" and doc is not None:
            doc["issuing_state"] = second.strip() or None
        elif qualifier == "178":
            t["embarkation"] = second.strip() or None
        elif qualifier == "179":
            t["disembarkation"] = second.strip() or None
    elif tag == "DOC":
        kind = qualifier.strip()
        doc = {
            "traveller_ref": None,
            "document_type": kind or None,
            "document_number": second.strip() or None,
            "issuing_state": None,
            "expiry": None,
            "is_visa": kind.upper() == "V",
        }
        result.documents.append(doc)
    elif tag == "RFF":
        value = sub.strip()
        if qualifier == "AVF":
            t["booking_ref"] = value or None
        elif qualifier == "ABO":
            result.abo = value
        elif qualifier == "SEA":
            t["seat"] = value or None
    elif tag == "ATT":
        if qualifier == "2":
            t["sex"] = third.strip() or None
    elif tag == "NAT":
        t["nationality"] = second.strip() or None
    elif tag not in _IGNORED_TRAVELLER_TAGS and not _TAG.match(tag):
        if seg.value(0).strip() in PERSON_QUALIFIERS or "NAD" in tag:
            # most likely a damaged NAD: what follows may be another person's data
            raise TravellerError(reasons.PAXLST_MALFORMED_SEGMENT, f"segment {seg.position}: malformed segment tag")
        result.ignored.append(seg.position)  # a damaged segment costs its data, not the traveller
    return doc


def _declare_documents(t: Traveller, docs: list[Document]) -> None:
    """The first travel document and the first visa fill the traveller's document and visa columns."""
    travel = next((d for d in docs if not d["is_visa"]), None)
    if travel:
        t["document_type"], t["document_number"] = travel["document_type"], travel["document_number"]
        t["document_issuing_state"], t["document_expiry"] = travel["issuing_state"], travel["expiry"]
    visa = next((d for d in docs if d["is_visa"]), None)
    if visa:
        t["visa_number"], t["visa_issuing_state"], t["visa_expiry"] = (
            visa["document_number"],
            visa["issuing_state"],
            visa["expiry"],
        )


def read_declared_total(trailer: list[Segment], crew_list: bool) -> tuple[int | None, Segment | None, str]:
    """CNT 42 (passengers) / 41 (crew): the whole-flight total. Returns (total, segment, note)."""
    wanted = ("41", "42") if crew_list else ("42", "41")
    found = [s for s in trailer if s.tag == "CNT"]
    for qualifier in wanted:
        for seg in found:
            if seg.value(0) != qualifier:
                continue
            text = seg.value(0, 1).strip()
            note = ""
            if not text and seg.value(1).strip():  # CNT+41+8: count in the wrong element
                text = seg.value(1).strip()
                note = f"segment {seg.position}: malformed CNT (count sent as a separate element)"
            if is_digits(text) and len(text) <= 6:
                return int(text), seg, note
            return None, seg, f"segment {seg.position}: CNT count is not a number"
    if found:
        return None, found[0], f"segment {found[0].position}: CNT qualifier is neither 41 nor 42"
    return None, None, ""


def read_message(segments: list[Segment], fallback_reference: date) -> MessageContent:
    """Read a message body (UNH and UNT excluded)."""
    header, flights, persons, trailer = split_groups(segments)
    content = MessageContent()
    for seg in header:
        if seg.tag == "BGM":
            content.document_code = seg.value(0).strip()
    crew_list = content.document_code in CREW_LIST_CODES
    for group in flights:
        content.legs.extend(read_legs(group))
    first_departure = next((leg.departure_local for leg in content.legs if leg.departure_local), None)
    reference = first_departure.date() if first_departure else fallback_reference
    default_type = "CREW" if crew_list else "PAX"
    content.groups = [read_traveller(group, default_type, reference) for group in persons]
    for read in content.groups:
        content.notes.extend(
            (f"segment {p}: malformed segment tag in a traveller group; segment ignored", p) for p in read.ignored
        )
    content.declared_total, content.cnt_segment, note = read_declared_total(trailer, crew_list)
    if note:
        content.notes.append((note, content.cnt_segment.position if content.cnt_segment else 0))
    return content


def legs_travelled(traveller: Traveller, legs: list[Leg]) -> list[int]:
    """Indexes of the legs a traveller is on: from the leg leaving their port of embarkation (LOC 178)
    to the leg reaching their port of disembarkation (LOC 179); all legs when these do not match."""
    if len(legs) == 1:
        return [0]
    start, end = 0, len(legs) - 1
    embark, disembark = traveller.get("embarkation"), traveller.get("disembarkation")
    starts = [i for i, leg in enumerate(legs) if embark and leg.departure_airport == embark]
    if starts:
        start = starts[0]
    ends = [i for i, leg in enumerate(legs) if disembark and leg.arrival_airport == disembark and i >= start]
    if ends:
        end = ends[0]
    return list(range(start, end + 1))
