"""MRZ against the declared fields: agreement despite transliteration, D/DEU, fillers and truncation."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from screening.model import Manifest
from screening.validate.mrz import parse_mrz
from screening.validate.mrz_checks import mismatched_fields, mrz_flags, mrz_groups

DE_PASSPORT = ["P<D<<MUSTERMANN<<ERIKA<<<<<<<<<<<<<<<<<<<<<<", "C01X00T478D<<6408125F2702283<<<<<<<<<<<<<<<4"]
MRV_B = ["V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<", "L8988901C4XXX4009078F9612109<<<<<<<<"]
DECLARED: dict[str, Any] = {
    "traveller_ref": "T1",
    "surname": "Mustermann",
    "given_names": "Erika",
    "date_of_birth": "1964-08-12",
    "sex": "F",
    "nationality": "DEU",
    "document_type": "P",
    "document_number": "C01X00T47",
    "document_issuing_state": "D",
    "document_expiry": "2027-02-28",
    "source_line": "2",
}


def test_declared_fields_that_agree_raise_nothing() -> None:
    assert mismatched_fields(DECLARED, parse_mrz(DE_PASSPORT)) == []


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"document_number": "C01X00T48"}, "document_number"),
        ({"document_issuing_state": "AUT"}, "document_issuing_state"),
        ({"nationality": "FRA"}, "nationality"),
        ({"date_of_birth": "1964-08-13"}, "date_of_birth"),
        ({"document_expiry": "2028-02-28"}, "document_expiry"),
        ({"sex": "M"}, "sex"),
        ({"document_type": "I"}, "document_type"),
        ({"surname": "Musterfrau"}, "surname"),
        ({"given_names": "Erik"}, "given_names"),
    ],
)
def test_each_disagreeing_field_is_named(changes: dict[str, Any], field: str) -> None:
    assert mismatched_fields({**DECLARED, **changes}, parse_mrz(DE_PASSPORT)) == [field]


@pytest.mark.parametrize(
    ("declared", "printed"),
    [
        ("Müller", "MUELLER"),
        ("Müller", "MULLER"),
        ("Muller", "MUELLER"),
        ("Mül-ler", "MUELLER"),
        ("O'Brien", "OBRIEN"),
        ("van der Berg", "VAN<DER<BERG"),
        ("Иванов", "IVANOV"),
        ("Åström", "AASTROEM"),
    ],
)
def test_names_agree_under_icao_transliteration(declared: str, printed: str) -> None:
    mrz = parse_mrz([("P<D<<" + printed + "<<ERIKA").ljust(44, "<"), DE_PASSPORT[1]])
    assert mismatched_fields({**DECLARED, "surname": declared}, mrz) == []


def test_a_different_name_disagrees() -> None:
    mrz = parse_mrz([("P<D<<MUELLER<<ERIKA").ljust(44, "<"), DE_PASSPORT[1]])
    assert mismatched_fields({**DECLARED, "surname": "Miller"}, mrz) == ["surname"]


def test_truncated_mrz_name_need_only_be_a_prefix() -> None:
    line1 = ("P<D<<" + "WOLFESCHLEGELSTEINHAUSEN<<HUBERT<BLAINE<CHARLES")[:44]
    declared = {**DECLARED, "surname": "Wolfeschlegelsteinhausen", "given_names": "Hubert Blaine Charles David"}
    differing = mismatched_fields(declared, parse_mrz([line1, DE_PASSPORT[1]]))
    assert {"surname", "given_names"}.isdisjoint(differing)


def test_unknown_birth_day_and_unspecified_sex_agree() -> None:
    line2 = DE_PASSPORT[1]
    assert parse_mrz(DE_PASSPORT).birth_date == "640812"
    mrz = parse_mrz(DE_PASSPORT)
    mrz.birth_date, mrz.sex = "6408<<", "<"
    assert mismatched_fields({**DECLARED, "date_of_birth": "1964-08-01", "sex": "X"}, mrz) == []
    assert line2  # the parsed copy was changed, not the specimen


def test_visa_mrz_is_compared_with_the_visa_fields() -> None:
    declared = {
        **DECLARED,
        "surname": "Eriksson",
        "given_names": "Anna Maria",
        "date_of_birth": "1940-09-07",
        "nationality": "XXX",
        "visa_number": "L8988901C",
        "visa_issuing_state": "UTO",
        "visa_expiry": "1996-12-10",
    }
    assert mismatched_fields(declared, parse_mrz(MRV_B)) == []
    assert mismatched_fields({**declared, "visa_number": "L8988901D"}, parse_mrz(MRV_B)) == ["visa_number"]


def test_mrz_value_shapes() -> None:
    assert mrz_groups(None) == [] and mrz_groups([]) == []
    assert mrz_groups(DE_PASSPORT) == [DE_PASSPORT]
    assert mrz_groups([DE_PASSPORT, MRV_B]) == [DE_PASSPORT, MRV_B]
    assert mrz_groups("\n".join(DE_PASSPORT)) == ["\n".join(DE_PASSPORT)]


def test_manifest_mrz_flags_and_summary() -> None:
    bad = [DE_PASSPORT[0], DE_PASSPORT[1][:27] + "4" + DE_PASSPORT[1][28:]]  # expiry check digit
    manifest = Manifest(
        carrier="LH",
        flight_number="400",
        departure_airport="FRA",
        arrival_airport="JFK",
        scheduled_departure="2026-12-01T10:00:00Z",
        travellers=[{**DECLARED, "mrz": bad}, {**DECLARED, "traveller_ref": "T2"}],
    )
    flags, summary = mrz_flags(manifest, datetime(2026, 11, 30, tzinfo=UTC))
    [flag] = flags
    assert (flag.traveller_ref, flag.flag_type, flag.rule_id, flag.details["fields"]) == (
        "T1",
        "DOCUMENT",
        "DOC_CHECK_DIGIT_INVALID",
        ["date_of_expiry", "composite"],
    )
    assert "C01X00T47" not in flag.explanation
    assert summary["travellers_with_mrz"] == 1 and summary["check_digits_checked"] == 5


def test_impossible_mrz_date_is_a_format_flag() -> None:
    from screening.validate.mrz import check_digit

    dob = "641312"
    line2 = DE_PASSPORT[1][:13] + dob + check_digit(dob) + DE_PASSPORT[1][20:]
    line2 = line2[:43] + check_digit(line2[0:10] + line2[13:20] + line2[21:43])
    manifest = Manifest(
        carrier="LH",
        flight_number="400",
        departure_airport="FRA",
        arrival_airport="JFK",
        scheduled_departure="2026-12-01T10:00:00Z",
        travellers=[{**DECLARED, "mrz": [DE_PASSPORT[0], line2]}],
    )
    flags, _ = mrz_flags(manifest, datetime(2026, 11, 30, tzinfo=UTC))
    assert [(f.rule_id, f.details["fields"]) for f in flags] == [
        ("DQ_MRZ_FORMAT", ["date_of_birth"]),
        ("DQ_MRZ_MISMATCH", ["date_of_birth"]),
    ]
