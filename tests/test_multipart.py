"""Durable multi-part PAXLST assembly: parts in any order, twice, across processes, with a timeout."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from screening.ingest.multipart import MultipartAssembler
from screening.ingest.paxlst_controls import findings_of
from screening.model import ParseResult

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "paxlst"
PARTS = ["multipart_01C.edi", "multipart_02.edi", "multipart_03F.edi"]


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2025, 3, 1, 10, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def _add(assembler: MultipartAssembler, name: str) -> ParseResult:
    path = FIXTURES / name
    return assembler.add_file(path.read_bytes(), str(path))


def test_multipart_message_waits_for_missing_part(tmp_path: Path) -> None:
    assembler = MultipartAssembler(tmp_path)
    assert _add(assembler, PARTS[0]).manifests == []
    assert _add(assembler, PARTS[2]).manifests == []
    [pending] = assembler.pending()
    assert pending["parts"] == [1, 3] and pending["common_ref"] == "ZZ0456/250301"


def test_parts_in_any_order_are_released_once_complete(tmp_path: Path) -> None:
    assembler = MultipartAssembler(tmp_path)
    assert _add(assembler, PARTS[2]).manifests == []
    assert _add(assembler, PARTS[0]).manifests == []
    [manifest] = _add(assembler, PARTS[1]).manifests
    assert manifest.parts == 3 and manifest.declared_total == 5
    assert [t["traveller_ref"] for t in manifest.travellers] == ["R1", "R2", "R3", "R4", "R5"]
    assert manifest.travellers[2]["source_line"].startswith("part 2: segment")
    assert manifest.message_ref == "ZZ0456/250301"
    assert getattr(manifest, "incomplete_reason") is None  # noqa: B009
    assert getattr(manifest, "part_info")["complete"] is True  # noqa: B009
    assert findings_of(manifest) == []
    assert assembler.pending() == []


def test_duplicate_file_is_ignored(tmp_path: Path) -> None:
    assembler = MultipartAssembler(tmp_path)
    _add(assembler, PARTS[0])
    again = _add(assembler, PARTS[0])
    assert getattr(again, "duplicate") is True and again.manifests == []  # noqa: B009
    _add(assembler, PARTS[1])
    [manifest] = _add(assembler, PARTS[2]).manifests
    assert len(manifest.travellers) == 5


def test_same_part_in_another_interchange_is_a_duplicate(tmp_path: Path) -> None:
    assembler = MultipartAssembler(tmp_path)
    data = (FIXTURES / PARTS[0]).read_bytes()
    assembler.add_file(data, "a.edi")
    assembler.add_file(data.replace(b"IC1001", b"IC5555"), "b.edi")  # new envelope, same part
    _add(assembler, PARTS[1])
    [manifest] = _add(assembler, PARTS[2]).manifests
    assert len(manifest.travellers) == 5


def test_state_survives_a_new_process(tmp_path: Path) -> None:
    _add(MultipartAssembler(tmp_path), PARTS[0])
    _add(MultipartAssembler(tmp_path), PARTS[1])
    [manifest] = _add(MultipartAssembler(tmp_path), PARTS[2]).manifests
    assert manifest.parts == 3


def test_incomplete_message_is_released_after_the_wait(tmp_path: Path) -> None:
    clock = Clock()
    assembler = MultipartAssembler(tmp_path, wait=timedelta(minutes=30), clock=clock)
    _add(assembler, PARTS[0])
    _add(assembler, PARTS[2])
    assert assembler.release_due() == []
    clock.now += timedelta(minutes=31)
    [manifest] = assembler.release_due()
    assert "parts 2 missing" in getattr(manifest, "incomplete_reason")  # noqa: B009
    assert len(manifest.travellers) == 3 and manifest.parts == 2
    rules = [f["rule_id"] for f in findings_of(manifest)]
    assert rules.count("API_COUNT_MISMATCH") == 1 and rules.count("API_INCOMPLETE") == 1
    assert assembler.pending() == []
    late = _add(assembler, PARTS[1])
    [alone] = late.manifests
    assert "after the message was released" in getattr(alone, "incomplete_reason")  # noqa: B009


def test_single_messages_pass_straight_through(tmp_path: Path) -> None:
    result = _add(MultipartAssembler(tmp_path), "passengers_basic.edi")
    assert len(result.manifests) == 1 and result.manifests[0].parts == 1


def test_quarantine_records_pass_through_at_once(tmp_path: Path) -> None:
    result = _add(MultipartAssembler(tmp_path), "broken_traveller.edi")
    assert len(result.quarantine) == 1  # the NO_NAME group (the damaged NAT segment is skipped, see test_paxlst)


def test_all_parts_in_one_file_are_released_at_once(tmp_path: Path) -> None:
    [manifest] = _add(MultipartAssembler(tmp_path), "two_messages_one_file.edi").manifests
    assert manifest.parts == 2 and [t["surname"] for t in manifest.travellers] == ["FIRST", "SECOND"]
    assert findings_of(manifest) == []


def test_parts_offered_concurrently_are_released_exactly_once(tmp_path: Path) -> None:
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=3) as pool:
        results = list(pool.map(lambda name: _add(MultipartAssembler(tmp_path), name), PARTS))
    released = [m for r in results for m in r.manifests]
    assert len(released) == 1 and len(released[0].travellers) == 5
