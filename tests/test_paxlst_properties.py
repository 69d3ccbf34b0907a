"""Property: whatever is done to a valid message (truncation, separator swaps, deleted or duplicated
segments, random bytes), the reader returns a result and accounts for every traveller it can see:
each person NAD is in a manifest or stands in a quarantine record."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from screening.ingest.edifact import read_interchange
from screening.ingest.paxlst import count_person_segments, parse_paxlst
from screening.model import ParseResult
from screening.resources import shared_data_dir

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "paxlst"
BASES = [
    (FIXTURES / name).read_bytes()
    for name in (
        "passengers_basic.edi",
        "progressive.edi",
        "teletype_wrapped.txt",
        "crew_no_una.edi",
        "broken_traveller.edi",
        "multipart_01C.edi",
        "bad_controls.edi",
    )
]
SHARED = shared_data_dir() / "messages"
if SHARED.is_dir():  # real carrier files too, when ../shared/data is beside the checkout
    BASES += [
        (SHARED / name).read_bytes()
        for name in (
            "gtas/apisMessage.txt",
            "gtas/airline2.edi",
            "gtas/Test1.txt",
            "paxlst_misc/ediclean_A_original.txt",
            "paxlst_misc/ediclean_C_original.txt",
            "paxlst_misc/iata_mig_example_5_3_via_jetway.edi",
        )
        if (SHARED / name).exists()
    ]
SEPARATORS = [b"'", b"+", b":", b"?", b"*", b"#", b"\n", b" "]


def _mutate(data: bytes, draw: st.DrawFn) -> bytes:
    kind = draw(st.sampled_from(["truncate", "swap", "delete", "duplicate", "bytes", "insert"]))
    if kind == "truncate":
        return data[: draw(st.integers(0, len(data)))]
    if kind == "swap":
        old, new = draw(st.sampled_from(SEPARATORS)), draw(st.sampled_from(SEPARATORS))
        return data.replace(old, new)
    terminator = b"#" if b"UNA:*.? #" in data else b"'"
    segments = data.split(terminator)
    if kind in ("delete", "duplicate") and len(segments) > 1:
        index = draw(st.integers(0, len(segments) - 1))
        if kind == "delete":
            del segments[index]
        else:
            segments.insert(index, segments[index])
        return terminator.join(segments)
    position = draw(st.integers(0, len(data)))
    chunk = draw(st.binary(min_size=1, max_size=8))
    if kind == "insert":
        return data[:position] + chunk + data[position:]
    return data[:position] + chunk + data[position + len(chunk) :]


def _accounted(result: ParseResult) -> int:
    in_manifests = {t["source_line"] for m in result.manifests for t in m.travellers}
    return len(in_manifests) + sum(q.travellers for q in result.quarantine)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_mutated_messages_never_raise_and_lose_no_traveller(data: st.DataObject) -> None:
    message = data.draw(st.sampled_from(BASES))
    for _ in range(data.draw(st.integers(1, 3))):
        message = _mutate(message, data.draw)
    result = parse_paxlst(message, "mutated.edi")
    assert isinstance(result, ParseResult)
    assert "PAXLST_READER_ERROR" not in {q.reason_code for q in result.quarantine}
    interchange = read_interchange(message)
    if interchange is None:
        assert result.manifests == []
        return
    assert _accounted(result) == count_person_segments(interchange.segments)
    for manifest in result.manifests:
        refs = [t["traveller_ref"] for t in manifest.travellers]
        assert len(refs) == len(set(refs))


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400))
def test_random_bytes_never_raise(data: bytes) -> None:
    result = parse_paxlst(b"UNA:+.? 'UNB+UNOA:4+A+B+250101:1200+1'UNH+1+PAXLST:D:05B:UN:IATA'" + data, "random.edi")
    assert "PAXLST_READER_ERROR" not in {q.reason_code for q in result.quarantine}
