"""UN/EDIFACT interchange reading (ISO 9735 syntax versions 3 and 4): find the interchange inside
whatever envelope it arrived in, learn its separators, and split it into segments.

Why a tokenizer of our own: real carrier files come wrapped in teletype (Type B) headers, e-mail
footers, 64/69-column line wraps and CRLF, and must be read at tens of thousands of travellers a second.
We therefore split with `str.split` (C speed) and protect released characters (`?'`, `?+` ...) by
swapping them for private-use placeholders first, instead of walking the text character by character.

Positions: segments are numbered from 1 at UNB (UNA is a service string advice, not a segment), so
"segment 23" names one place in the file even when it holds several messages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

PLACEHOLDER_BASE = 0xE000  # private-use code points stand for released separators while splitting


@dataclass(frozen=True)
class Delimiters:
    """Service characters (UNA); the defaults are ISO 9735's for UNOA/UNOB."""

    component: str = ":"
    element: str = "+"
    decimal: str = "."
    release: str = "?"
    repetition: str = " "
    terminator: str = "'"

    def specials(self) -> tuple[str, ...]:
        """Characters a release character can protect, in placeholder order."""
        return (self.component, self.element, self.release, self.terminator, self.repetition)


class Segment:
    """One segment: its tag, its data elements, and where it was. Components are split on demand:
    a reader looks at two or three values of a segment, so splitting all of them up front is waste."""

    __slots__ = ("tag", "parts", "position", "text", "component", "forward")

    def __init__(
        self,
        tag: str,
        parts: list[str],
        position: int,
        text: str,
        component: str = ":",
        forward: dict[int, str] | None = None,
    ) -> None:
        self.tag = tag
        self.parts = parts  # the segment split on the element separator; parts[0] is the tag
        self.position = position
        self.text = text  # the segment as read (released characters still in placeholder form)
        self.component = component
        self.forward = forward  # placeholder -> character, only when this segment holds releases

    def value(self, element: int, component: int = 0) -> str:
        """A component's text, or '' when the carrier left it out (short segments are normal)."""
        parts = self.parts
        index = element + 1
        if index >= len(parts):
            return ""
        text = parts[index]
        if component or self.component in text:
            components = text.split(self.component)
            if component >= len(components):
                return ""
            text = components[component]
        return text.translate(self.forward) if self.forward else text

    def head(self) -> tuple[str, str, str, str]:
        """First component of elements 1-3 plus the second of element 1, in one call: all a PAXLST
        traveller segment (DTM, LOC, DOC, RFF, ATT, NAT) carries. The reader's hot path."""
        if self.forward:
            return self.value(0), self.value(0, 1), self.value(1), self.value(2)
        parts = self.parts
        n = len(parts)
        if n < 2:
            return "", "", "", ""
        comp = self.component
        qualifier, _, rest = parts[1].partition(comp)
        return (
            qualifier,
            rest.partition(comp)[0],
            parts[2].partition(comp)[0] if n > 2 else "",
            parts[3].partition(comp)[0] if n > 3 else "",
        )

    def components(self, element: int) -> list[str]:
        """Every component of one element ([] when the element is absent)."""
        index = element + 1
        if index >= len(self.parts):
            return []
        found = self.parts[index].split(self.component)
        return [c.translate(self.forward) for c in found] if self.forward else found

    @property
    def elements(self) -> list[list[str]]:
        return [self.components(i) for i in range(len(self.parts) - 1)]

    def __repr__(self) -> str:
        return f"Segment({self.tag!r}, {self.elements!r}, position={self.position})"


@dataclass
class Interchange:
    """What was found in a file: the separators, the segments, and what surrounded them."""

    delimiters: Delimiters
    segments: list[Segment]
    una_present: bool
    leading_chars: int = 0  # envelope text before UNA/UNB (teletype header, mail header)
    trailing_chars: int = 0  # text after UNZ (e-mail footer, teletype trailer)
    notes: list[str] = field(default_factory=list)
    leading_text: str = ""  # the envelope text itself, so travellers in it can still be counted
    dropped: list[Segment] = field(default_factory=list)  # segments cut after UNZ (footers)

    def raw(self, segments: list[Segment]) -> str:
        """Segments as EDIFACT text again (releases restored), for quarantine records."""
        return "".join(render(s, self.delimiters) for s in segments)


def render(segment: Segment, delimiters: Delimiters) -> str:
    back = {PLACEHOLDER_BASE + i: delimiters.release + c for i, c in enumerate(delimiters.specials())}
    return segment.text.translate(back) + delimiters.terminator


_UNA = re.compile(r"UNA(.{6})\s*(?=UN[BGH])", re.DOTALL)
_UNB = re.compile(r"UN[BH]([^A-Za-z0-9\s])")
_NEWLINES = str.maketrans("", "", "\r\n")


def decode(data: bytes) -> str:
    """UTF-8 when it is (UNOY/UNOW or plain ASCII), UTF-16/32 when re-encoded so (byte-order mark, or
    NUL bytes between ASCII letters), else Latin-1 (UNOC), which never fails."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    wide = _wide_encoding(data)
    if wide:
        return data.decode(wide, errors="replace").lstrip("\ufeff")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _wide_encoding(data: bytes) -> str | None:
    """A UTF-16/32 re-encoding of an ASCII interchange: a BOM, or NUL in every other byte of the head."""
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return "utf-32"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    head = data[:400]
    if len(head) < 8 or head.count(0) < len(head) // 3:
        return None
    if head[1::4].count(0) == head[2::4].count(0) == len(head[1::4]) and head[0::4].count(0) == 0:
        return "utf-32-le"
    if head[1::2].count(0) > len(head) * 0.45 and head[0::2].count(0) < len(head) * 0.05:
        return "utf-16-le"
    if head[0::2].count(0) > len(head) * 0.45 and head[1::2].count(0) < len(head) * 0.05:
        return "utf-16-be"
    return None


def _delimiters_from_una(advice: str) -> Delimiters | None:
    """UNA's six characters; None when they cannot be separators (duplicates, letters or digits)."""
    comp, elem, dec, rel, rep, term = advice[0], advice[1], advice[2], advice[3], advice[4], advice[5]
    used = [comp, elem, rel, term]
    if len(set(used)) != len(used) or any(c.isalnum() for c in used):
        return None
    return Delimiters(comp, elem, dec, rel, rep, term)


def _guess_delimiters(text: str, start: int) -> Delimiters:
    """No UNA: ISO defaults, except where UNB itself shows other separators (element after the tag,
    component after the syntax identifier, terminator before the next UNG/UNH)."""
    elem = text[start + 3]
    comp = ":"
    syntax = re.match(r"UNB.UNO[A-Z](.)", text[start : start + 12])
    if syntax and not syntax.group(1).isalnum() and syntax.group(1) != elem:
        comp = syntax.group(1)
    term = "'"
    nxt = re.search(r"([^A-Za-z0-9\s])\s*UN[GH]" + re.escape(elem), text[start + 4 :])
    if nxt and nxt.group(1) not in (elem, comp):
        term = nxt.group(1)
    return Delimiters(component=comp, element=elem, terminator=term)


_SEGMENT_START = re.compile(
    r"([^A-Za-z0-9\s])\s*(?:UN[BGHTEZ]|BGM|NAD|TDT|LOC|DTM|CNT|DOC|NAT|RFF|ATT|RFF|GEI|FTX|"
    r"COM|EMP|QTY|MEA)([^A-Za-z0-9\s])"
)


def body_separators(body: str) -> dict[tuple[str, str], int]:
    """{(element separator, terminator): evidence}: the characters found after and before the tags every
    PAXLST holds, counted over the body's head."""
    votes: dict[tuple[str, str], int] = {}
    for match in _SEGMENT_START.finditer(body, 0, 20_000):
        key = (match.group(2), match.group(1))
        if key[0] != key[1]:
            votes[key] = votes.get(key, 0) + 1
    return votes


_COMPONENT_AFTER = re.compile(r"(?:UNO[A-Z]|PAXLST|PNRGOV|CUSRES)([^A-Za-z0-9\s])")


def _agree_with_body(declared: Delimiters, body: str, notes: list[str]) -> Delimiters:
    """A UNA that disagrees with the body (carriers copy UNA lines between systems) loses to the body:
    the separators that actually split the segments are the ones that hold the travellers."""
    votes = body_separators(body)
    element, terminator = declared.element, declared.terminator
    if votes:
        (best_element, best_terminator), count = max(votes.items(), key=lambda kv: kv[1])
        if count >= 2 and votes.get((element, terminator), 0) * 2 < count:
            element, terminator = best_element, best_terminator
    component, release = declared.component, declared.release
    after = _COMPONENT_AFTER.search(body, 0, 2000)
    if (
        after
        and after.group(1) not in (element, terminator)
        and after.group(1) != component
        and body.count(after.group(1), 0, 20_000) > body.count(component, 0, 20_000)
    ):
        component = after.group(1)
    if (component, element, terminator) == (declared.component, declared.element, declared.terminator):
        return declared
    if component in (element, terminator):
        component = next(c for c in (":", "^", "|", "\x1f") if c not in (element, terminator))
    if release in (element, terminator, component):
        release = ""
    notes.append(
        f"UNA or UNB declares separators '{declared.component}{declared.element}' and terminator "
        f"'{declared.terminator}' but the body uses '{component}{element}' and '{terminator}': read "
        "with the body's separators"
    )
    return Delimiters(component, element, declared.decimal, release, declared.repetition, terminator)


def locate(text: str) -> tuple[int, int, Delimiters, bool, list[str]] | None:
    """Where the interchange starts (after any UNA), where its UNA started, its separators, whether a
    UNA was present, and notes. None when the text holds no UNB or UNH at all."""
    notes: list[str] = []
    una = _UNA.search(text)
    if una:
        delimiters = _delimiters_from_una(una.group(1))
        if delimiters is not None:
            return una.end(), una.start(), _agree_with_body(delimiters, text[una.end() :], notes), True, notes
        notes.append("UNA service string advice unusable: separators guessed from UNB")
    unb = _UNB.search(text)
    if not unb:
        return None
    start = unb.start()
    return start, start, _agree_with_body(_guess_delimiters(text, start), text[start:], notes), False, notes


def tokenize(body: str, delimiters: Delimiters, first_position: int = 1) -> list[Segment]:
    """Split an interchange body into segments honouring the release character."""
    rel = delimiters.release
    released = bool(rel) and rel in body
    if released:
        placeholders = {c: chr(PLACEHOLDER_BASE + i) for i, c in enumerate(delimiters.specials())}
        pattern = re.compile(re.escape(rel) + "(.)", re.DOTALL)
        body = pattern.sub(lambda m: placeholders.get(m.group(1), m.group(0)), body)
        forward = {PLACEHOLDER_BASE + i: c for i, c in enumerate(delimiters.specials())}
        marker = re.compile("[\ue000-\ue004]")
    elem, comp = delimiters.element, delimiters.component
    segments: list[Segment] = []
    append = segments.append
    position = first_position
    for text in body.split(delimiters.terminator):
        if not text or text[0] <= " ":
            text = text.strip()
            if not text:
                continue
        parts = text.split(elem)
        tag = parts[0]
        if len(tag) != 3:  # `UNG *...` (space before the separator) or tag:occurrence
            tag = tag.split(comp)[0].strip()
        if released and marker.search(text):
            append(Segment(tag.translate(forward), parts, position, text, comp, forward))
        else:
            append(Segment(tag, parts, position, text, comp))
        position += 1
    return segments


def read_interchange(data: bytes) -> Interchange | None:
    """Find and tokenize the interchange in a raw file; None when there is none to read."""
    text = decode(data)
    found = locate(text)
    if found is None:
        return None
    start, una_start, delimiters, una_present, notes = found
    body = text[start:]
    # line wraps and CRLF are transport, never data (unless a newline is the terminator itself)
    body = body.translate(_NEWLINES) if delimiters.terminator not in "\r\n" else body.replace("\r", "")
    segments = tokenize(body, delimiters)
    if _glued_anywhere(body, delimiters):
        segments = _split_merged_persons(segments, delimiters, notes)
    segments, dropped = _cut_after_unz(segments)
    interchange = Interchange(
        delimiters,
        segments,
        una_present,
        leading_chars=len(text[:una_start].strip()),
        trailing_chars=sum(len(s.text) + 1 for s in dropped),
        notes=notes,
        leading_text=text[:una_start],
        dropped=dropped,
    )
    return interchange


_MESSAGE_TAGS = frozenset({"UNH", "UNT", "NAD", "TDT", "BGM", "DOC"})


def _cut_after_unz(segments: list[Segment]) -> tuple[list[Segment], list[Segment]]:
    """Drop junk after the UNZ (mail footers, teletype trailers) unless another interchange follows or
    message segments follow it (a UNZ in the wrong place must never hide the travellers after it)."""
    last_message = max((i for i, s in enumerate(segments) if s.tag in _MESSAGE_TAGS), default=-1)
    kept: list[Segment] = []
    dropped: list[Segment] = []
    closed = False
    for index, segment in enumerate(segments):
        if closed and segment.tag not in ("UNA", "UNB") and index > last_message:
            dropped.append(segment)
            continue
        closed = segment.tag == "UNZ"
        kept.append(segment)
    return kept, dropped


_RELEASED_TERMINATOR = chr(PLACEHOLDER_BASE + 3)  # Delimiters.specials() order: terminator is fourth
_KNOWN_TAGS = "UNH|UNT|UNE|UNZ|BGM|NAD|TDT|LOC|DTM|CNT|DOC|NAT|RFF|ATT|COM|FTX|GEI|MEA|EMP"


def _glued_anywhere(body: str, delimiters: Delimiters) -> bool:
    """One pass over the body (cheap): is any NAD/TDT not at a segment start, or a release before a
    terminator followed by a tag? Only then are segments examined one by one."""
    elem, term = re.escape(delimiters.element), re.escape(delimiters.terminator)
    rel = re.escape(delimiters.release) if delimiters.release else None
    pattern = r"(?<!" + term + r")(?:NAD" + elem + r"(?:FL|FM|DDU|DDT)|TDT" + elem + r"\d)"
    if rel:
        pattern += r"|" + rel + term + r"\s*(?:" + _KNOWN_TAGS + r")" + elem
    return re.search(pattern, body) is not None


def _split_merged_persons(segments: list[Segment], delimiters: Delimiters, notes: list[str]) -> list[Segment]:
    """Segments glued together are split again, so the travellers in them are read: a lost terminator
    glues a traveller's NAD (or the flight's TDT) onto the segment before it (`LOC+91+IRLNAD+FL+++...`);
    a dangling release character at a segment's end releases the terminator (`COM+...:FX?'TDT+20+...`)."""
    elem, comp = re.escape(delimiters.element), re.escape(delimiters.component)
    glued = re.compile(
        r"(?=NAD"
        + elem
        + r"(?:FL|FM|DDU|DDT)(?:["
        + elem
        + comp
        + r"]|\Z)|TDT"
        + elem
        + r"\d{1,3}"
        + elem
        + r")|"
        + _RELEASED_TERMINATOR
        + r"(?=(?:"
        + _KNOWN_TAGS
        + r")"
        + elem
        + r")"
    )
    if not any(glued.search(s.text, 1) for s in segments):
        return segments
    out: list[Segment] = []
    shift = 0
    for seg in segments:
        cuts = [(m.start(), m.end()) for m in glued.finditer(seg.text, 1)]
        if not cuts:
            out.append(seg if not shift else _retext(seg, seg.text, seg.position + shift, delimiters))
            continue
        starts = [0] + [end for _, end in cuts]
        ends = [begin for begin, _ in cuts] + [len(seg.text)]
        pieces = [seg.text[a:b] for a, b in zip(starts, ends, strict=True)]
        notes.append(
            f"segment {seg.position + shift}: segment terminator missing or released before a "
            f"{pieces[1][:3]} segment; segment split"
        )
        for offset, piece in enumerate(pieces):
            out.append(_retext(seg, piece, seg.position + shift + offset, delimiters))
        shift += len(pieces) - 1
    return out


def _retext(seg: Segment, text: str, position: int, delimiters: Delimiters) -> Segment:
    parts = text.split(delimiters.element)
    tag = parts[0] if len(parts[0]) == 3 else parts[0].split(delimiters.component)[0].strip()
    return Segment(tag.translate(seg.forward or {}), parts, position, text, seg.component, seg.forward)
