"""The PAXLST reader on tiny hand-made fixtures, one behaviour each (tests/fixtures/paxlst)."""

from __future__ import annotations

from pathlib import Path

from screening import schemas
from screening.ingest import parse_file
from screening.ingest.paxlst import parse_paxlst
from screening.ingest.paxlst_controls import findings_of
from screening.model import ParseResult

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "paxlst"


def _parse(name: str) -> ParseResult:
    path = FIXTURES / name
    return parse_paxlst(path.read_bytes(), str(path))


def _rules(obj: object) -> list[str]:
    return [f["rule_id"] for f in findings_of(obj)]


def test_passenger_list_gives_canonical_flight_and_travellers() -> None:
    result = _parse("passengers_basic.edi")
    assert result.quarantine == []
    [manifest] = result.manifests
    assert (manifest.carrier, manifest.flight_number) == ("ZZ", "0123")
    assert (manifest.departure_airport, manifest.arrival_airport) == ("LHR", "JFK")
    assert manifest.scheduled_departure == "2025-03-01T10:30:00+00:00"
    assert manifest.scheduled_arrival == "2025-03-01T13:45:00-05:00"
    assert manifest.transmitted_at == "2025-03-01T09:30:00+00:00"
    assert (manifest.message_type, manifest.message_ref, manifest.declared_total, manifest.parts) == (
        "PAX",
        "M0001",
        2,
        1,
    )
    assert findings_of(manifest) == []
    assert getattr(manifest, "incomplete_reason") is None  # noqa: B009


def test_traveller_keys_are_the_schema_columns_plus_source_line() -> None:
    [manifest] = _parse("passengers_basic.edi").manifests
    for traveller in manifest.travellers:
        assert list(traveller) == [*schemas.traveller_columns(), "source_line"]


def test_traveller_fields_visa_and_release_character() -> None:
    [manifest] = _parse("passengers_basic.edi").manifests
    first, second = manifest.travellers
    assert first["surname"] == "O'NEIL" and first["given_names"] == "MARY ANNE"
    assert first["traveller_ref"] == "ZZ0001"  # RFF ABO
    assert (first["sex"], first["nationality"], first["date_of_birth"]) == ("F", "IRL", "1985-02-14")
    assert (
        first["document_type"],
        first["document_number"],
        first["document_issuing_state"],
        first["document_expiry"],
    ) == ("P", "PX1234567", "IRL", "2030-01-01")
    assert (first["visa_number"], first["visa_issuing_state"], first["visa_expiry"]) == ("V998877", "USA", "2025-12-31")
    assert (first["embarkation"], first["disembarkation"], first["booking_ref"], first["seat"]) == (
        "LHR",
        "JFK",
        "ABC123",
        "12A",
    )
    assert first["source_line"] == "segment 11"
    assert second["surname"] == "SMITH+JONES"
    assert second["traveller_ref"] == "P002"  # no ABO: by order
    assert second["date_of_birth"] == "2015-06-07"  # a child, not 1915


def test_every_document_is_listed_with_its_traveller() -> None:
    [manifest] = _parse("passengers_basic.edi").manifests
    assert manifest.documents == [
        {
            "traveller_ref": "ZZ0001",
            "document_type": "P",
            "document_number": "PX1234567",
            "issuing_state": "IRL",
            "expiry": "2030-01-01",
            "is_visa": False,
        },
        {
            "traveller_ref": "ZZ0001",
            "document_type": "V",
            "document_number": "V998877",
            "issuing_state": "USA",
            "expiry": "2025-12-31",
            "is_visa": True,
        },
        {
            "traveller_ref": "P002",
            "document_type": "P",
            "document_number": "123456789",
            "issuing_state": "GBR",
            "expiry": "2034-11-20",
            "is_visa": False,
        },
    ]


def test_crew_list_without_una_marks_travellers_crew() -> None:
    [manifest] = _parse("crew_no_una.edi").manifests
    assert [t["traveller_type"] for t in manifest.travellers] == ["CREW", "CREW"]
    assert [t["traveller_ref"] for t in manifest.travellers] == ["C001", "C002"]
    assert manifest.travellers[1]["nationality"] == "D"
    assert manifest.documents[1]["document_type"] == "AC"
    assert manifest.declared_total == 2
    assert _rules(manifest) == []


def test_progressive_flight_gives_one_manifest_per_leg_with_its_travellers() -> None:
    result = _parse("progressive.edi")
    legs = [(m.flight_number, m.departure_airport, m.arrival_airport) for m in result.manifests]
    assert legs == [("10", "AMS", "DXB"), ("11", "DXB", "SIN")]
    first, second = result.manifests
    assert [t["surname"] for t in first.travellers] == ["THROUGH", "FIRSTLEG"]
    assert [t["surname"] for t in second.travellers] == ["THROUGH", "SECONDLEG"]
    assert first.scheduled_arrival == "2025-06-01T17:00:00+04:00"
    assert all(m.declared_total == 3 for m in result.manifests)
    assert "API_COUNT_MISMATCH" not in _rules(first)  # CNT is checked per message, not per leg


def test_teletype_envelope_line_wraps_and_odd_separators() -> None:
    [manifest] = _parse("teletype_wrapped.txt").manifests
    assert (manifest.carrier, manifest.flight_number, manifest.departure_airport) == ("ZZ", "0042", "VIE")
    assert [t["surname"] for t in manifest.travellers] == ["PLUS*SIGN", "HASH#TAG"]
    assert manifest.travellers[0]["document_number"] == "P1234567"
    assert _rules(manifest) == []


def test_broken_traveller_group_is_quarantined_alone() -> None:
    result = _parse("broken_traveller.edi")
    [manifest] = result.manifests
    assert [t["surname"] for t in manifest.travellers] == ["GOOD", "DAMAGED", "FINE"]
    assert [(q.record_ref, q.reason_code, q.travellers) for q in result.quarantine] == [
        ("segment 11", "PAXLST_NO_NAME", 1)
    ]
    assert "NOSURNAME" not in result.quarantine[0].message  # no personal data in messages
    assert "API_COUNT_MISMATCH" not in _rules(manifest)  # CNT 4 = 3 read + 1 quarantined
    assert result.travellers_in == 4


def test_damaged_segment_costs_its_data_not_the_traveller() -> None:
    [manifest] = _parse("broken_traveller.edi").manifests
    damaged = next(t for t in manifest.travellers if t["surname"] == "DAMAGED")
    assert damaged["nationality"] is None  # N#T+2+PRT is not read as NAT
    assert any("segment 14: malformed segment tag" in f["message"] for f in manifest.control_findings)


def test_damaged_nad_still_quarantines_its_group() -> None:
    data = (FIXTURES / "broken_traveller.edi").read_bytes().replace(b"N#T+2+PRT", b"N#D+FL+++OTHER:ONE")
    result = parse_paxlst(data, "x.edi")
    assert [(q.record_ref, q.reason_code) for q in result.quarantine] == [
        ("segment 11", "PAXLST_NO_NAME"),
        ("segment 13", "PAXLST_MALFORMED_SEGMENT"),
    ]
    assert "N#D+FL+++OTHER:ONE'" in result.quarantine[1].raw


def test_message_without_flight_is_quarantined_with_its_travellers() -> None:
    result = _parse("no_flight.edi")
    assert result.manifests == []
    [record] = result.quarantine
    assert (record.reason_code, record.travellers, record.record_ref) == ("PAXLST_NO_FLIGHT", 2, "segment 2")
    assert "NAD+FL+++LOST:LUKE'" in record.raw


def test_pnrgov_is_recognised_and_quarantined() -> None:
    result = _parse("pnrgov.edi")
    [record] = result.quarantine
    assert record.reason_code == "PNRGOV_NOT_SUPPORTED"
    assert record.message.endswith("PNRGOV not supported")


def test_control_checks_flag_and_never_drop() -> None:
    result = _parse("bad_controls.edi")
    [manifest] = result.manifests
    assert len(manifest.travellers) == 2
    assert [t["traveller_ref"] for t in manifest.travellers] == ["X1", "X1-2"]
    rules = _rules(manifest)
    assert rules.count("EDIFACT_CONTROL") == 6  # UNT count+ref, UNE count+ref, UNZ count+ref
    assert "API_COUNT_MISMATCH" in rules and "API_DUPLICATE_TRAVELLER" in rules
    assert _rules(result) == rules
    for item in findings_of(manifest):
        assert set(item) == {"rule_id", "flag_type", "severity", "message", "record_ref", "message_ref"}


def test_unknown_airport_keeps_local_time_and_two_digit_years_resolve() -> None:
    [manifest] = _parse("syntax3_newline_unknown_airport.edi").manifests
    assert manifest.scheduled_departure == "2025-03-01T10:30:00"
    assert manifest.scheduled_arrival == "2025-03-01T11:45:00+01:00"
    assert "PAXLST_TIME_ZONE_UNKNOWN" in _rules(manifest)
    [traveller] = manifest.travellers
    assert traveller["date_of_birth"] == "1930-01-01"  # 2030 would be in the future
    assert traveller["document_expiry"] == "2005-01-01"


def test_lone_part_of_multipart_message_is_returned_and_marked() -> None:
    [manifest] = _parse("multipart_03F.edi").manifests
    assert manifest.message_ref == "ZZ0456/250301" and manifest.parts == 1
    assert manifest.declared_total == 5 and len(manifest.travellers) == 1
    info = getattr(manifest, "part_info")  # noqa: B009
    assert (info["sequence"], info["marker"], info["multipart"]) == (3, "F", True)
    assert "part 3" in getattr(manifest, "incomplete_reason")  # noqa: B009
    assert "API_COUNT_MISMATCH" in _rules(manifest) and "API_INCOMPLETE" in _rules(manifest)
    assert {f["flag_type"] for f in findings_of(manifest)} == {"OBLIGATION"}


def test_parse_file_sniffs_and_dispatches_to_the_paxlst_reader() -> None:
    result = parse_file(FIXTURES / "crew_no_una.edi")
    assert len(result.manifests) == 1


def test_reader_never_raises_on_garbage() -> None:
    for data in (b"", b"\x00\xff" * 50, b"UNA", b"UNB", b"UNH+1+PAXLST'NAD+FL+++X'", b"UNA:+.? 'UNB+'''"):
        result = parse_paxlst(data, "garbage.edi")
        assert isinstance(result, ParseResult)


def test_several_messages_in_one_interchange_each_give_a_manifest() -> None:
    result = _parse("two_messages_one_file.edi")
    assert [len(m.travellers) for m in result.manifests] == [1, 1]
    assert [getattr(m, "part_info")["sequence"] for m in result.manifests] == [1, 2]  # noqa: B009
    assert [t["traveller_ref"] for m in result.manifests for t in m.travellers] == ["P01-001", "P02-001"]
    assert "EDIFACT_CONTROL" not in _rules(result)


def test_message_without_interchange_envelope_is_read() -> None:
    [manifest] = _parse("message_without_envelope.edi").manifests
    assert manifest.transmitted_at is None and manifest.departure_airport == "OSL"
    assert manifest.travellers[0]["traveller_type"] == "PAX"  # DDU: passenger in transit
