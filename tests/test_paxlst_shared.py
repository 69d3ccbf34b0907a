"""Every PAXLST sample in ../shared/data (GTAS, ediclean, IATA MIG examples) parses with the known facts
(data/SOURCES.md) or is quarantined with a located reason. Skipped on a clone without ../shared."""

from __future__ import annotations

import pytest

from screening.ingest.paxlst import parse_paxlst
from screening.ingest.paxlst_controls import findings_of
from screening.model import ParseResult
from screening.resources import shared_data_dir

MESSAGES = shared_data_dir() / "messages"
pytestmark = [
    pytest.mark.shared,
    pytest.mark.skipif(
        not MESSAGES.is_dir(),
        reason=f"{MESSAGES} absent (public sample data lives beside "
        "the checkout in ../shared/data, never in the repository)",
    ),
]

PAXLST_FILES = [
    "gtas/apisMessage.txt",
    "gtas/airline2.edi",
    "gtas/multiple_flight_leg_apis.txt",
    "gtas/Test1.txt",
    "gtas/Test3.txt",
    "paxlst_misc/ediclean_A_original.txt",
    "paxlst_misc/ediclean_A_reference.txt",
    "paxlst_misc/ediclean_C_original.txt",
    "paxlst_misc/iata_mig_example_5_1_via_jetway.edi",
    "paxlst_misc/iata_mig_example_5_3_via_jetway.edi",
]
PNRGOV_FILES = [
    "gtas/2_pnrs_basic.edi",
    "gtas/danglingMetaCharacter.txt",
    "gtas/modifyPnr77ForCodeShare.txt",
    "gtas/pnrBadFormat.txt",
    "gtas/pnrEdge.txt",
    "gtas/pnrMessageExample.txt",
    "gtas/pnrMessagePg77.txt",
    "gtas/pnrNoOrgMsg.txt",
    "gtas/pnrSeatFormats.txt",
    "gtas/pnrWithDoco.txt",
]


def _parse(name: str) -> ParseResult:
    path = MESSAGES / name
    if not path.exists():
        pytest.skip(f"{path} absent")
    return parse_paxlst(path.read_bytes(), str(path))


def _rules(obj: object) -> list[str]:
    return [f["rule_id"] for f in findings_of(obj)]


@pytest.mark.parametrize("name", PAXLST_FILES)
def test_every_paxlst_sample_parses_or_is_quarantined_with_a_located_reason(name: str) -> None:
    result = _parse(name)
    assert result.manifests or result.quarantine
    for record in result.quarantine:
        assert record.reason_code and record.record_ref and record.raw
    for manifest in result.manifests:
        assert manifest.carrier and manifest.flight_number and manifest.source_format == "paxlst"
        assert manifest.message_type == ("CREW" if name.endswith("Test1.txt") else "PAX")
        for traveller in manifest.travellers:
            assert traveller["traveller_ref"] and traveller["surname"]


@pytest.mark.parametrize("name", PNRGOV_FILES)
def test_pnrgov_samples_are_quarantined_as_not_supported(name: str) -> None:
    result = _parse(name)
    assert result.manifests == []
    assert {q.reason_code for q in result.quarantine} == {"PNRGOV_NOT_SUPPORTED"}


def test_apis_message_holds_two_progressive_flights() -> None:
    result = _parse("gtas/apisMessage.txt")
    flights = [(m.carrier, m.flight_number, m.departure_airport, m.arrival_airport) for m in result.manifests]
    assert flights == [("AA", "123", "ATL", "ORD"), ("AA", "124", "ORD", "JFK")]
    assert {t["traveller_ref"] for m in result.manifests for t in m.travellers} == {"ABC123", "TYL009"}
    assert all(m.documents == [] for m in result.manifests)
    assert result.manifests[0].scheduled_departure == "2007-02-19T15:40:00-05:00"


def test_airline2_is_part_10_of_a_multipart_message_with_whole_flight_count() -> None:
    result = _parse("gtas/airline2.edi")
    [manifest] = result.manifests
    assert (manifest.carrier, manifest.flight_number) == ("TN", "506")
    assert len(manifest.travellers) == 10 and manifest.declared_total == 136
    assert manifest.message_ref == "AA346" and manifest.parts == 1
    info = getattr(manifest, "part_info")  # noqa: B009
    assert (info["sequence"], info["marker"]) == (10, "F")
    rules = _rules(manifest)
    assert "API_COUNT_MISMATCH" in rules and "API_INCOMPLETE" in rules
    messages = " ".join(f["message"] for f in findings_of(manifest))
    assert "UNT declares 121 segments, counted 111" in messages
    assert "UNT control reference" in messages


def test_test1_is_a_crew_list_with_a_malformed_cnt() -> None:
    result = _parse("gtas/Test1.txt")
    [manifest] = result.manifests
    assert len(manifest.travellers) == 8
    assert {t["traveller_type"] for t in manifest.travellers} == {"CREW"}
    assert manifest.declared_total == 8
    assert any("malformed CNT" in f["message"] for f in findings_of(manifest))
    assert manifest.travellers[0]["document_expiry"] == "1961-02-18"  # 2061 is past the forward window


def test_ediclean_teletype_original_reads_like_its_cleaned_reference() -> None:
    original = _parse("paxlst_misc/ediclean_A_original.txt").manifests
    reference = _parse("paxlst_misc/ediclean_A_reference.txt").manifests
    assert [m.to_json() for m in original] == [m.to_json() for m in reference]
    assert original[0].travellers[0]["seat"] == "9F"


def test_ediclean_c_with_hash_terminator_and_teletype_trailer() -> None:
    [manifest] = _parse("paxlst_misc/ediclean_C_original.txt").manifests
    assert (manifest.carrier, manifest.flight_number, manifest.arrival_airport) == ("B2", "740", "FRA")
    assert len(manifest.travellers) == 3 and manifest.declared_total == 130


def test_iata_examples() -> None:
    [single] = _parse("paxlst_misc/iata_mig_example_5_1_via_jetway.edi").manifests
    assert single.scheduled_arrival == "2013-06-21T22:00:00-10:00"
    assert single.travellers[0]["traveller_ref"] == "ABC123"
    progressive = _parse("paxlst_misc/iata_mig_example_5_3_via_jetway.edi").manifests
    assert [(m.departure_airport, m.arrival_airport) for m in progressive] == [("BCN", "IAD"), ("IAD", "SFO")]
    assert all(len(m.travellers) == 2 for m in progressive)
    assert "EDIFACT_CONTROL" not in _rules(progressive[0])
