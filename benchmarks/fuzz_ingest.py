"""Fuzz the carrier-file readers: every traveller visible in a damaged file must end in exactly one place.

Run by hand (seedable, bounded in time):
    PYTHONPATH=. .venv/bin/python benchmarks/fuzz_ingest.py [--mutants 10000] [--seed 1] [--seconds 900]
        [--messages ../shared/data/messages] [--screen-every 100] [--json report.json] [--show 5]

Bases: the real PAXLST messages under --messages (GTAS, IATA MIG and ediclean examples; PNRGOV files are
skipped: they hold no NAD travellers), data/samples/*.edi and *.csv, and JSON manifests made from the CSV
samples in the shape `screening parse --json` prints. Each mutant applies one to three mutations
(segments deleted, moved, duplicated; separators changed with or without the UNA; UNA lines that disagree
with the body; truncation; stray bytes; re-encoding; wrong or absurd counts; misplaced UNT/UNZ; line wraps;
dates at the calendar's ends; NUL and over-long values; CSV stray quotes and quoted line breaks; JSON
values of the wrong type, deep nesting and 5,000-digit numbers).

"Visible travellers" is counted from the mutated bytes by this harness, never by the reader: for PAXLST
the NAD segments with qualifier FL, FM, DDU or DDT written with the separators the mutation used; for CSV
the non-blank physical lines after the header (less the continuation lines of quoted line breaks this
harness added on purpose); for JSON the elements of the travellers arrays. A reader result accounts
for a traveller when it is in a manifest (counted once, by source_line, across the legs of a progressive
flight) or inside a quarantine record's `travellers` count; a file refused with InputError accounts for
the `travellers` the error carries.

Reported: crashes (any exception other than InputError), hangs (> --hang seconds), lost travellers
(visible but not accounted), over-counted ones, refusals (the file rejected with InputError, among
mutants holding travellers) and, apart, mutants read but with every traveller quarantined (for example
a JSON manifest without its carrier). With --screen-every N, every Nth readable mutant also runs
validation, screening and obligations in memory, so faults past the reader are caught too.
Targets (issue 12): >= 10,000 mutants, 0 crashes, 0 hangs, 0 lost, refusals < 5 %.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import signal
import sys
import time
import traceback
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from screening.errors import InputError  # noqa: E402
from screening.ingest import parse_file  # noqa: E402
from screening.model import ParseResult  # noqa: E402

PERSONS = ("FL", "FM", "DDU", "DDT")
SPARE_SEPARATORS = '*~|^#!$%&"`'
STRAY = [
    b"\x00",
    b"\x1a",
    b"\xff",
    b"\xfe\xff",
    b"\r\n",
    b"\n",
    b"'",
    b"+",
    b":",
    b"?",
    b'"',
    b",",
    b"\t",
    b"\x85",
    b"\xe2\x80\xa8",
    b"\xc3",
    b"UNA",
    b"NAD",
    b"\x7f",
    b"\x1b[31m",
    b"[/]",
    b"=cmd|' /C calc'!A0",
]


class Hang(Exception):
    pass


def _alarm(signum: int, frame: Any) -> None:
    raise Hang()


# ------------------------------------------------------------------------------------------------------
# PAXLST: a mutable model of one message that this harness splits itself
# ------------------------------------------------------------------------------------------------------
@dataclass
class Edi:
    prefix: str  # teletype / mail envelope before UNA/UNB
    una: str | None  # the six UNA characters as written (may disagree with the body after mutation)
    segments: list[str]
    suffix: str
    elem: str
    comp: str
    term: str
    release: str
    encoding: str = "utf-8"
    raw_override: bytes | None = None  # after byte-level mutations
    wrap: int = 0
    notes: list[str] = field(default_factory=list)

    def text(self) -> str:
        una = f"UNA{self.una}" if self.una is not None else ""
        body = self.term.join(self.segments) + self.term
        if self.wrap:
            body = "\r\n".join(body[i : i + self.wrap] for i in range(0, len(body), self.wrap))
        return self.prefix + una + body + self.suffix

    def data(self) -> bytes:
        if self.raw_override is not None:
            return self.raw_override
        return encode(self.text(), self.encoding)


def encode(text: str, encoding: str) -> bytes:
    if encoding == "utf-16-bom":
        return text.encode("utf-16")
    return text.encode(encoding, errors="replace")


def load_edi(text: str) -> Edi | None:
    start = text.find("UNA")
    unb = text.find("UNB")
    if unb < 0:
        return None
    if 0 <= start < unb and unb - start <= 12:
        una = text[start + 3 : start + 9]
        comp, elem, _dec, release, _rep, term = una
        body_at = start + 9
    else:
        una, start = None, unb
        elem = text[unb + 3]
        comp, release = ":", "?"
        nxt = re.search(r"([^A-Za-z0-9\s])\s*UNH", text[unb:])
        term = nxt.group(1) if nxt else "'"
        body_at = unb
    prefix = text[:start]
    body = text[body_at:]
    end = body.rfind("UNZ")
    cut = body.find(term, end) + 1 if end >= 0 else len(body)
    suffix = body[cut:]
    body = body[:cut].replace("\r", "").replace("\n", "") if term not in "\r\n" else body[:cut]
    pieces = re.split(r"(?<!" + re.escape(release) + ")" + re.escape(term), body) if release else body.split(term)
    segments = [p for p in pieces if p.strip()]
    return Edi(prefix, una, segments, suffix, elem, comp, term, release)


def visible_paxlst(edi: Edi, data: bytes) -> int:
    """Person NADs in the mutated bytes, with the separators this harness last applied."""
    text = (
        data.decode("utf-16", errors="replace")
        if edi.encoding == "utf-16-bom"
        else data.decode("utf-8" if edi.encoding == "utf-8" else edi.encoding, errors="replace")
    )
    if edi.term not in "\r\n":  # line breaks are transport in EDIFACT, never data
        text = text.replace("\r", "").replace("\n", "")
    e = re.escape(edi.elem)
    follow = "[" + re.escape(edi.elem + edi.comp + edi.term) + "]"
    return len(re.findall(r"NAD" + e + r"(?:FL|FM|DDU|DDT)(?=" + follow + r"|\Z)", text))


def _is_person(edi: Edi, segment: str) -> bool:
    return any(segment.startswith(f"NAD{edi.elem}{q}{edi.elem}") or segment == f"NAD{edi.elem}{q}" for q in PERSONS)


def _groups(edi: Edi) -> list[tuple[int, int]]:
    """(start, end) segment index ranges of traveller groups."""
    starts = [i for i, s in enumerate(edi.segments) if _is_person(edi, s)]
    out = []
    for a in starts:
        b = a + 1
        while (
            b < len(edi.segments)
            and not _is_person(edi, edi.segments[b])
            and edi.segments[b][:3] not in ("CNT", "UNT", "TDT")
        ):
            b += 1
        out.append((a, b))
    return out


def m_seg_delete(r: random.Random, e: Edi) -> None:
    if e.segments:
        del e.segments[r.randrange(len(e.segments))]


def m_seg_duplicate(r: random.Random, e: Edi) -> None:
    if e.segments:
        i = r.randrange(len(e.segments))
        e.segments.insert(r.randrange(len(e.segments) + 1), e.segments[i])


def m_seg_move(r: random.Random, e: Edi) -> None:
    if e.segments:
        s = e.segments.pop(r.randrange(len(e.segments)))
        e.segments.insert(r.randrange(len(e.segments) + 1), s)


def m_seg_swap(r: random.Random, e: Edi) -> None:
    if len(e.segments) > 1:
        i = r.randrange(len(e.segments) - 1)
        e.segments[i], e.segments[i + 1] = e.segments[i + 1], e.segments[i]


def m_group_delete(r: random.Random, e: Edi) -> None:
    groups = _groups(e)
    if groups:
        a, b = r.choice(groups)
        del e.segments[a:b]


def m_group_duplicate(r: random.Random, e: Edi) -> None:
    groups = _groups(e)
    if groups:
        a, b = r.choice(groups)
        e.segments[b:b] = e.segments[a:b]


def m_group_move(r: random.Random, e: Edi) -> None:
    groups = _groups(e)
    if groups:
        a, b = r.choice(groups)
        block = e.segments[a:b]
        del e.segments[a:b]
        at = r.randrange(len(e.segments) + 1)
        e.segments[at:at] = block


def m_misplaced_closer(r: random.Random, e: Edi) -> None:
    """UNZ, UNT, UNE (or a second UNH) where it does not belong, often before the travellers."""
    tag = r.choice(["UNZ", "UNT", "UNE", "UNZ", "UNT", "UNH"])
    persons = [a for a, _ in _groups(e)]
    at = r.choice(persons) if persons and r.random() < 0.7 else r.randrange(len(e.segments) + 1)
    samples = [s for s in e.segments if s.startswith(tag)]
    seg = samples[0] if samples else f"{tag}{e.elem}1{e.elem}1"
    e.segments.insert(at, seg)


def m_truncate(r: random.Random, e: Edi) -> None:
    data = e.data()
    e.raw_override = data[: r.randrange(len(data))]


def m_stray_bytes(r: random.Random, e: Edi) -> None:
    data = bytearray(e.data())
    for _ in range(r.randint(1, 4)):
        at = r.randrange(len(data) + 1)
        data[at:at] = r.choice(STRAY) if r.random() < 0.7 else bytes(r.randrange(256) for _ in range(r.randint(1, 6)))
    e.raw_override = bytes(data)


def m_byte_flip(r: random.Random, e: Edi) -> None:
    data = bytearray(e.data())
    for _ in range(r.randint(1, 6)):
        if data:
            data[r.randrange(len(data))] = r.randrange(256)
    e.raw_override = bytes(data)


def m_delete_bytes(r: random.Random, e: Edi) -> None:
    data = bytearray(e.data())
    if data:
        at = r.randrange(len(data))
        del data[at : at + r.randint(1, 30)]
    e.raw_override = bytes(data)


def _spare(e: Edi, taken: str) -> str:
    text = e.text()
    choices = [c for c in SPARE_SEPARATORS if c not in text and c not in taken]
    return choices[0] if choices else "\x1d"


def _replace_separator(e: Edi, old: str, new: str) -> None:
    e.segments = [s.replace(old, new) for s in e.segments]


def m_change_separators(r: random.Random, e: Edi) -> None:
    """Body written with other separators; the UNA updated, left as it was (disagreeing) or removed."""
    which = r.choice(["elem", "term", "comp", "both"])
    if which in ("elem", "both"):
        new = _spare(e, e.term + e.comp + e.release)
        _replace_separator(e, e.elem, new)
        e.elem = new
    if which in ("term", "both"):
        e.term = _spare(e, e.elem + e.comp + e.release)
    if which == "comp":
        new = _spare(e, e.elem + e.term + e.release)
        _replace_separator(e, e.comp, new)
        e.comp = new
    mode = r.choice(["update", "keep", "remove"])
    if mode == "update" or (mode == "keep" and e.una is None):
        e.una = f"{e.comp}{e.elem}.{e.release or '?'} {e.term}"
    elif mode == "remove":
        e.una = None


def m_una_disagrees(r: random.Random, e: Edi) -> None:
    """A UNA line copied from another system: one of its separators is not what the body uses."""
    una = list(e.una if e.una and len(e.una) == 6 else f"{e.comp}{e.elem}.{e.release or '?'} {e.term}")
    slot = r.choice([0, 1, 5, 5, 3])
    una[slot] = r.choice([c for c in "\"*~|^#:+'" if c not in una])
    e.una = "".join(una)


def m_una_garbled(r: random.Random, e: Edi) -> None:
    e.una = r.choice(["", ":+", "::::::", "ABCDEF", ":+.? ", "\x00\x00\x00\x00\x00\x00", None])


def m_line_wrap(r: random.Random, e: Edi) -> None:
    e.wrap = r.choice([64, 69, 80, 7])


def m_newline_after_terminator(r: random.Random, e: Edi) -> None:
    nl = r.choice(["\n", "\r\n", " \r\n  "])
    e.segments = [s + nl if i else s for i, s in enumerate(e.segments)]


def m_envelope(r: random.Random, e: Edi) -> None:
    e.prefix = (
        r.choice(
            ["QP BORDER\r\n.HDQRMZZ 010930\r\n", "From: api@carrier\r\nSubject: API\r\n\r\n", "\ufeff", "ZCZC\r\n"]
        )
        + e.prefix
    )
    e.suffix += r.choice(["\r\nNNNN\r\n", "\r\n-- \r\nEmail secured by Antivirus\r\n", "\x1a", ""])


def m_reencode(r: random.Random, e: Edi) -> None:
    e.encoding = r.choice(["utf-16-bom", "utf-16-le", "utf-16-be", "latin-1", "cp1252"])


def m_wrong_counts(r: random.Random, e: Edi) -> None:
    value = r.choice(["0", "999", "-3", "1e400", "9" * 5000, "abc", "", "3.5", "٣"])
    for i, s in enumerate(e.segments):
        if s.startswith("CNT") and r.random() < 0.8:
            e.segments[i] = f"CNT{e.elem}42{e.comp}{value}"
        elif s.startswith(("UNT", "UNZ", "UNE")) and r.random() < 0.3:
            e.segments[i] = f"{s[:3]}{e.elem}{value}{e.elem}X"


def m_extreme_dates(r: random.Random, e: Edi) -> None:
    value = r.choice(
        [
            "999912312359",
            "000101010000",
            "9912312359",
            "0001010000",
            "99991231",
            "00010101",
            "999999",
            "000000",
            "1" * 40,
        ]
    )
    for i, s in enumerate(e.segments):
        if s.startswith("DTM") and r.random() < 0.5:
            parts = s.split(e.elem)
            if len(parts) > 1:
                comps = parts[1].split(e.comp)
                if len(comps) > 1:
                    comps[1] = value
                    if len(value) == 12:
                        comps[2:] = ["203"]
                parts[1] = e.comp.join(comps)
                e.segments[i] = e.elem.join(parts)


def m_hostile_values(r: random.Random, e: Edi) -> None:
    """NUL and control characters in names; over-long references, flight numbers, booking references."""
    for i, s in enumerate(e.segments):
        if r.random() < 0.3 and s[:3] in ("NAD", "TDT", "RFF", "DOC", "UNH"):
            value = r.choice(
                ["A\x00B", "\x07\x1b[2J", "X" * r.choice([70, 300, 5000]), "=1+2", "O\x00'NEIL", "\ud7ff\x85", "Z" * 20]
            )
            parts = s.split(e.elem)
            k = r.randrange(1, len(parts)) if len(parts) > 1 else 0
            if k:
                parts[k] = parts[k] + value.replace(e.elem, "").replace(e.term, "").replace(e.release, "")
                e.segments[i] = e.elem.join(parts)


def m_release_dangling(r: random.Random, e: Edi) -> None:
    """A release character left at a segment's end releases the terminator: two segments glued."""
    if e.release and e.segments:
        i = r.randrange(len(e.segments))
        e.segments[i] += e.release


def m_terminator_lost_before_nad(r: random.Random, e: Edi) -> None:
    groups = _groups(e)
    if groups:
        a, _ = r.choice(groups)
        if a > 0:
            e.segments[a - 1 : a + 1] = [e.segments[a - 1] + e.segments[a]]


def m_lowercase_or_spaces(r: random.Random, e: Edi) -> None:
    if e.segments:
        i = r.randrange(len(e.segments))
        e.segments[i] = r.choice([" " + e.segments[i], e.segments[i] + " ", "\t" + e.segments[i]])


PAXLST_MUTATIONS: list[Callable[[random.Random, Edi], None]] = [
    m_seg_delete,
    m_seg_duplicate,
    m_seg_move,
    m_seg_swap,
    m_group_delete,
    m_group_duplicate,
    m_group_move,
    m_misplaced_closer,
    m_misplaced_closer,
    m_truncate,
    m_stray_bytes,
    m_byte_flip,
    m_delete_bytes,
    m_change_separators,
    m_change_separators,
    m_una_disagrees,
    m_una_disagrees,
    m_una_garbled,
    m_line_wrap,
    m_newline_after_terminator,
    m_envelope,
    m_reencode,
    m_wrong_counts,
    m_extreme_dates,
    m_hostile_values,
    m_release_dangling,
    m_terminator_lost_before_nad,
    m_lowercase_or_spaces,
]
BYTE_LEVEL = {m_truncate, m_stray_bytes, m_byte_flip, m_delete_bytes}


def mutate_paxlst(r: random.Random, base: Edi) -> tuple[bytes, int, list[str]]:
    e = Edi(base.prefix, base.una, list(base.segments), base.suffix, base.elem, base.comp, base.term, base.release)
    ops = []
    for _ in range(r.choice([1, 1, 2, 2, 3])):
        op = r.choice(PAXLST_MUTATIONS)
        if e.raw_override is not None and op not in BYTE_LEVEL:
            continue  # structure is gone once bytes are changed
        if op is m_reencode and e.raw_override is None:
            op(r, e)
            ops.append(op.__name__)
            continue
        op(r, e)
        ops.append(op.__name__)
    data = e.data()
    return data, visible_paxlst(e, data), ops


# ------------------------------------------------------------------------------------------------------
# CSV
# ------------------------------------------------------------------------------------------------------
def _csv_visible(text: str, continuation: int) -> int:
    lines = re.split(r"\r\n|\r|\n", text)
    content = [i for i, line in enumerate(lines) if line.strip(' \t,"')]
    if not content:
        return 0
    return max(len(content) - 1 - continuation, 0)  # the first is the header


def mutate_csv(r: random.Random, text: str) -> tuple[bytes, int, list[str]]:
    lines = text.rstrip("\n").split("\n")
    header, rows = lines[0], lines[1:]
    ops: list[str] = []
    continuation = 0
    raw: bytes | None = None
    for _ in range(r.choice([1, 1, 2, 3])):
        op = r.choice(
            [
                "stray_quote",
                "stray_quote",
                "random_quote",
                "quoted_line_breaks",
                "delete_line",
                "duplicate_line",
                "blank_lines",
                "truncate",
                "stray_bytes",
                "drop_comma",
                "add_comma",
                "crlf",
                "cr_only",
                "bom",
                "formula",
                "long_value",
                "extreme_dates",
                "nul_in_name",
                "trailing_commas",
                "quoted_comma",
            ]
        )
        if raw is not None and op not in ("truncate", "stray_bytes"):
            continue
        if (op == "quoted_line_breaks" and ops) or "quoted_line_breaks" in ops:
            continue  # only alone: its continuation lines are known exactly
        ops.append(op)
        if not rows:
            break
        k = r.randrange(len(rows))
        fields = rows[k].split(",")
        f = r.randrange(len(fields))
        if op == "stray_quote":
            fields[f] = '"' + fields[f]
            rows[k] = ",".join(fields)
        elif op == "random_quote":
            at = r.randrange(len(rows[k]) + 1)
            rows[k] = rows[k][:at] + '"' + rows[k][at:]
        elif op == "quoted_line_breaks" and '"' not in rows[k]:
            breaks = r.choice([1, 2, 5, 300])
            target = r.choice([10, 11, 24]) if len(fields) > 24 else f
            fields[target] = '"' + "\n".join([fields[target] or "x"] * (breaks + 1)) + '"'
            rows[k] = ",".join(fields)
            continuation = breaks
        elif op == "delete_line":
            del rows[k]
        elif op == "duplicate_line":
            rows.insert(k, rows[k])
        elif op == "blank_lines":
            rows.insert(k, r.choice(["", "   ", ",,,,", "\t"]))
        elif op == "drop_comma":
            rows[k] = rows[k].replace(",", "", 1)
        elif op == "add_comma":
            fields.insert(f, "")
            rows[k] = ",".join(fields)
        elif op == "formula":
            fields[r.choice([9, 10, 23]) if len(fields) > 23 else f] = r.choice(
                ['=HYPERLINK("x")', "+1", "@SUM(A1)", "-2+3"]
            )
            rows[k] = ",".join(fields)
        elif op == "long_value":
            fields[r.choice([1, 8, 23, 9]) if len(fields) > 23 else f] = "9" * r.choice([20, 80, 5000])
            rows[k] = ",".join(fields)
        elif op == "extreme_dates":
            value = r.choice(
                [
                    "9999-12-31T23:59:59-12:00",
                    "0001-01-01T00:00:00+14:00",
                    "9999-12-31",
                    "0001-01-01",
                    "9999-12-31T23:59:59+14:00",
                ]
            )
            fields[r.choice([4, 5, 6, 11, 17, 20]) if len(fields) > 20 else f] = value
            rows[k] = ",".join(fields)
        elif op == "nul_in_name":
            fields[r.choice([9, 10]) if len(fields) > 10 else f] += r.choice(["\x00", "\x07", "\x1b", "\x85"])
            rows[k] = ",".join(fields)
        elif op == "trailing_commas":
            rows[k] += ",,"
        elif op == "quoted_comma":
            fields[f] = f'"{fields[f]}, JR"'
            rows[k] = ",".join(fields)
    body = "\n".join([header, *rows]) + "\n"
    if "crlf" in ops:
        body = body.replace("\n", "\r\n")
    if "cr_only" in ops:
        body = body.replace("\n", "\r")
    data = (b"\xef\xbb\xbf" if "bom" in ops else b"") + body.encode("utf-8")
    if "truncate" in ops:
        data = data[: r.randrange(len(data))]
    if "stray_bytes" in ops:
        buf = bytearray(data)
        at = r.randrange(len(buf) + 1)
        buf[at:at] = r.choice([b"\x00", b"\r", b"\n", b'"', b",", b"\x1a", b"\t"])
        data = bytes(buf)
    raw = data
    try:
        text_out = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text_out = data.decode("latin-1")
    return raw, _csv_visible(text_out, continuation), ops


# ------------------------------------------------------------------------------------------------------
# JSON
# ------------------------------------------------------------------------------------------------------
def _json_visible(document: Any) -> int:
    items = (
        document.get("manifests")
        if isinstance(document, dict) and "manifests" in document
        else [document]
        if isinstance(document, dict)
        else document
    )
    if not isinstance(items, list):
        return 0
    total = 0
    for item in items:
        travellers = item.get("travellers") if isinstance(item, dict) else None
        total += len(travellers) if isinstance(travellers, list) else 1 if isinstance(travellers, dict) else 0
    return total


def mutate_json(r: random.Random, base: dict[str, Any]) -> tuple[bytes, int, list[str]]:
    doc = json.loads(json.dumps(base))
    manifests = doc["manifests"]
    ops: list[str] = []
    special: dict[str, str] = {}
    for _ in range(r.choice([1, 1, 2, 3])):
        op = r.choice(
            [
                "traveller_wrong_type",
                "travellers_wrong_type",
                "drop_flight_key",
                "declared_total",
                "deep_value",
                "nul_in_name",
                "surrogate",
                "long_value",
                "extra_keys",
                "dup_traveller",
                "drop_traveller_key",
                "truncate",
                "byte_flip",
                "number_as_name",
                "parts",
            ]
        )
        ops.append(op)
        m = r.choice(manifests)
        travellers = m.get("travellers") if isinstance(m.get("travellers"), list) else []
        t = r.choice(travellers) if travellers else None
        if op == "traveller_wrong_type" and travellers:
            travellers[r.randrange(len(travellers))] = r.choice([None, 7, "P001", [1, 2], True, 1.5])
        elif op == "travellers_wrong_type":
            m["travellers"] = r.choice([None, "x", 3, {"surname": "A"}])
        elif op == "drop_flight_key":
            m.pop(r.choice(["carrier", "flight_number", "scheduled_departure"]), None)
        elif op == "declared_total":
            special["__TOTAL__"] = r.choice(
                ["1e400", "9" * 5000, "-1e400", "NaN", "Infinity", "1.5", '"12"', "-7", "true", "[]"]
            )
            m["declared_total"] = "__TOTAL__"
        elif op == "deep_value" and isinstance(t, dict):
            depth = r.choice([30, 500, 2000])
            special["__DEEP__"] = "[" * depth + "]" * depth
            t[r.choice(["surname", "mrz", "given_names"])] = "__DEEP__"
        elif op == "nul_in_name" and isinstance(t, dict):
            t["surname"] = f"{t.get('surname') or ''}\u0000\u0007"  # an earlier op may have made it a number
        elif op == "surrogate" and isinstance(t, dict):
            special["__SURR__"] = '"A\\ud800B"'
            t["given_names"] = "__SURR__"
        elif op == "long_value" and isinstance(t, dict):
            t[r.choice(["traveller_ref", "booking_ref", "surname"])] = "R" * r.choice([65, 300, 10000])
            if r.random() < 0.5:
                m["flight_number"] = "1" * r.choice([17, 400])
        elif op == "extra_keys" and isinstance(t, dict):
            t["mrz"] = ["P<GBR" + "<" * 39, None, 5]
            t["documents"] = [{"number": "\u0000"}]
        elif op == "dup_traveller" and travellers:
            travellers.append(dict(travellers[0]) if isinstance(travellers[0], dict) else travellers[0])
        elif op == "drop_traveller_key" and isinstance(t, dict) and t:
            t.pop(r.choice(list(t)))
        elif op == "number_as_name" and isinstance(t, dict):
            t["surname"] = r.choice([12, 1.5e300, None, True, {"a": 1}])
        elif op == "parts":
            m["parts"] = r.choice(["__TOTAL__", -1, 0, 10**30])
            special.setdefault("__TOTAL__", "9" * 5000)
    visible = _json_visible(doc)
    text = json.dumps(doc, ensure_ascii=r.random() < 0.5)
    for key, value in special.items():
        text = text.replace(f'"{key}"', value)
    data = text.encode("utf-8", errors="surrogatepass")
    if "truncate" in ops:
        data = data[: r.randrange(len(data))]
    if "byte_flip" in ops:
        buf = bytearray(data)
        buf[r.randrange(len(buf))] = r.randrange(32, 127)
        data = bytes(buf)
    if "truncate" in ops or "byte_flip" in ops:
        try:
            sys.setrecursionlimit(20000)
            visible = _json_visible(json.loads(data))
        except Exception:  # noqa: BLE001 - the harness's own view: unparseable, keep the count before
            pass
        finally:
            sys.setrecursionlimit(1000)
    return data, visible, ops


# ------------------------------------------------------------------------------------------------------
# accounting
# ------------------------------------------------------------------------------------------------------
def accounted(result: ParseResult) -> tuple[int, int]:
    """(travellers read into manifests, counted once across legs; travellers in quarantine records)."""
    read = {t.get("source_line") or id(t) for m in result.manifests for t in m.travellers}
    return len(read), sum(q.travellers for q in result.quarantine)


@dataclass
class Tally:
    mutants: int = 0
    with_travellers: int = 0
    visible: int = 0
    crashes: int = 0
    hangs: int = 0
    lost: int = 0
    lost_mutants: int = 0
    over: int = 0
    over_mutants: int = 0
    refusals: int = 0
    whole_quarantined: int = 0
    screened: int = 0
    screen_crashes: int = 0
    by_kind: Counter[str] = field(default_factory=Counter)
    examples: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    refusals_by_op: Counter[str] = field(default_factory=Counter)
    refusals_by_kind: Counter[str] = field(default_factory=Counter)
    with_travellers_by_kind: Counter[str] = field(default_factory=Counter)
    dump: Path | None = None

    def keep(self, what: str, example: dict[str, Any], show: int, data: bytes = b"") -> None:
        self.examples.setdefault(what, [])
        if len(self.examples[what]) < show:
            self.examples[what].append(example)
            if self.dump is not None:
                self.dump.mkdir(parents=True, exist_ok=True)
                (self.dump / f"{what}-{example['index']}-{example['kind']}").write_bytes(data)


def load_bases(messages: Path) -> dict[str, list[Any]]:
    paxlst = []
    for path in sorted([*messages.rglob("*"), *(ROOT / "data" / "samples").glob("*.edi")]):
        if not path.is_file():
            continue
        text = path.read_bytes().decode("utf-8", errors="replace")
        if "PAXLST" not in text:
            continue
        edi = load_edi(text)
        if edi is not None and visible_paxlst(edi, edi.data()) > 0:
            paxlst.append((path.name, edi))
    csvs = [(p.name, p.read_text(encoding="utf-8")) for p in sorted((ROOT / "data" / "samples").glob("*.csv"))]
    jsons = []
    for name, text in csvs:
        result = parse_file(name, text.encode())
        if result.manifests:
            jsons.append((name.replace(".csv", ".json"), result.to_json()))
    return {"paxlst": paxlst, "csv": csvs, "json": jsons}


def run(args: argparse.Namespace) -> Tally:
    r = random.Random(args.seed)
    bases = load_bases(Path(args.messages))
    if not bases["paxlst"]:
        raise SystemExit(f"no PAXLST messages found under {args.messages}")
    ctx = None
    if args.screen_every:
        from screening.pipeline import load_context

        samples = ROOT / "data" / "samples" / "lists"
        ctx = load_context([samples / "watchlist.csv"], [samples / "lost_stolen_documents.csv"], ROOT / "rules")
    tally = Tally(dump=Path(args.dump) if args.dump else None)
    signal.signal(signal.SIGALRM, _alarm)
    deadline = time.monotonic() + args.seconds
    weights = [("paxlst", 0.7), ("csv", 0.18), ("json", 0.12)]
    while tally.mutants < args.mutants and time.monotonic() < deadline:
        kind = r.choices([k for k, _ in weights], [w for _, w in weights])[0]
        name, base = r.choice(bases[kind])
        if kind == "paxlst":
            data, visible, ops = mutate_paxlst(r, base)
            filename = "mutant.edi"
        elif kind == "csv":
            data, visible, ops = mutate_csv(r, base)
            filename = "mutant.csv"
        else:
            data, visible, ops = mutate_json(r, base)
            filename = "mutant.json"
        tally.mutants += 1
        tally.by_kind[kind] += 1
        tally.visible += visible
        if visible:
            tally.with_travellers += 1
            tally.with_travellers_by_kind[kind] += 1
        example = {"kind": kind, "base": name, "ops": ops, "visible": visible, "index": tally.mutants}
        started = time.perf_counter()
        signal.setitimer(signal.ITIMER_REAL, args.hang)
        try:
            result = parse_file(filename, data)
            refused_count = None
        except InputError as exc:
            result, refused_count = None, getattr(exc, "travellers", 0)
            example["error"] = str(exc)[:200]
        except Hang:
            tally.hangs += 1
            tally.keep("hangs", example, args.show, data)
            continue
        except Exception as exc:  # noqa: BLE001 - a crash is what this harness looks for
            signal.setitimer(signal.ITIMER_REAL, 0)
            tally.crashes += 1
            example["error"] = f"{type(exc).__name__}: {exc}"[:300]
            example["traceback"] = traceback.format_exc(limit=-4)
            tally.keep("crashes", example, args.show, data)
            continue
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        example["seconds"] = round(time.perf_counter() - started, 3)
        if result is None:
            read, quarantined = 0, int(refused_count or 0)
        else:
            read, quarantined = accounted(result)
        example.update(read=read, quarantined=quarantined)
        if visible and result is not None and read == 0:
            tally.whole_quarantined += 1  # read, but every traveller ended in quarantine records
        if visible and result is None:
            tally.refusals += 1
            tally.refusals_by_kind[kind] += 1
            tally.refusals_by_op.update(f"{kind}:{op}" for op in set(ops))
            tally.keep("refusals", example, args.show, data)
        if result is None:
            pass  # refused as a whole with a clear error: loud, not lost (the caller quarantines the file)
        elif read + quarantined < visible:
            tally.lost += visible - read - quarantined
            tally.lost_mutants += 1
            tally.keep("lost", example, args.show, data)
        elif read + quarantined > visible:
            tally.over += read + quarantined - visible
            tally.over_mutants += 1
            tally.keep("over", example, args.show, data)
        if ctx is not None and result is not None and result.manifests and tally.mutants % args.screen_every == 0:
            from screening.pipeline import screen_manifest

            tally.screened += 1
            try:
                for manifest in result.manifests:
                    screen_manifest(manifest, ctx)
            except Exception as exc:  # noqa: BLE001
                tally.screen_crashes += 1
                example["error"] = f"{type(exc).__name__}: {exc}"[:300]
                example["traceback"] = traceback.format_exc(limit=-4)
                tally.keep("screen_crashes", example, args.show, data)
    return tally


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mutants", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--seconds", type=float, default=900.0, help="stop after this long whatever the count")
    parser.add_argument("--hang", type=float, default=5.0, help="a parse longer than this is a hang")
    parser.add_argument("--messages", default=str(ROOT.parent / "shared" / "data" / "messages"))
    parser.add_argument(
        "--screen-every", type=int, default=100, help="also validate and screen every Nth mutant (0: readers only)"
    )
    parser.add_argument("--show", type=int, default=3, help="examples kept per kind of failure")
    parser.add_argument("--json", help="write the full report (with examples) to this file")
    parser.add_argument("--dump", help="write the example mutants' bytes to this folder")
    args = parser.parse_args()
    started = time.perf_counter()
    tally = run(args)
    seconds = time.perf_counter() - started
    refusal_rate = tally.refusals / tally.with_travellers if tally.with_travellers else 0.0
    report = {
        "seed": args.seed,
        "seconds": round(seconds, 1),
        "mutants": tally.mutants,
        "by_kind": dict(tally.by_kind),
        "mutants_with_travellers": tally.with_travellers,
        "visible_travellers": tally.visible,
        "crashes": tally.crashes,
        "hangs": tally.hangs,
        "travellers_lost": tally.lost,
        "mutants_losing_travellers": tally.lost_mutants,
        "travellers_over_counted": tally.over,
        "mutants_over_counting": tally.over_mutants,
        "refusals": tally.refusals,
        "refusal_rate": round(refusal_rate, 4),
        "mutants_all_travellers_quarantined": tally.whole_quarantined,
        "all_quarantined_rate": round(tally.whole_quarantined / tally.with_travellers, 4)
        if tally.with_travellers
        else 0.0,
        "screened_mutants": tally.screened,
        "screening_crashes": tally.screen_crashes,
        "refusal_rate_by_kind": {
            k: round(tally.refusals_by_kind[k] / n, 4) for k, n in sorted(tally.with_travellers_by_kind.items())
        },
        "refusals_by_mutation": dict(tally.refusals_by_op.most_common(12)),
    }
    print(json.dumps(report, indent=2))
    for what, examples in tally.examples.items():
        for example in examples:
            print(f"-- {what}: {json.dumps({k: v for k, v in example.items() if k != 'traceback'})}")
            if "traceback" in example:
                print(example["traceback"])
    if args.json:
        Path(args.json).write_text(json.dumps({**report, "examples": tally.examples}, indent=2), encoding="utf-8")
    ok = (
        tally.mutants >= 10_000
        and not tally.crashes
        and not tally.hangs
        and not tally.lost
        and not tally.screen_crashes
        and refusal_rate < 0.05
    )
    print("targets met" if ok else "targets NOT met")


if __name__ == "__main__":
    main()
