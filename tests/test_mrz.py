"""MRZ parsing and ICAO 7-3-1 check digits on Doc 9303 specimens (TD1, TD2, TD3, MRV-A, MRV-B)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from screening.validate.mrz import MRZFormatError, char_value, check_digit, digit_ok, parse_mrz

TD3 = ["P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", "L898902C36UTO7408122F1204159ZE184226B<<<<<10"]
TD1 = ["I<UTOD231458907<<<<<<<<<<<<<<<", "7408122F1204159UTO<<<<<<<<<<<6", "ERIKSSON<<ANNA<MARIA<<<<<<<<<<"]
TD2 = ["I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<", "D231458907UTO7408122F1204159<<<<<<<6"]
MRV_A = ["V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", "L8988901C4XXX4009078F96121096ZE184226B<<<<<<"]
MRV_B = ["V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<", "L8988901C4XXX4009078F9612109<<<<<<<<"]
DE_PASSPORT = ["P<D<<MUSTERMANN<<ERIKA<<<<<<<<<<<<<<<<<<<<<<", "C01X00T478D<<6408125F2702283<<<<<<<<<<<<<<<4"]
DE_ID_CARD = ["IDD<<T220001293<<<<<<<<<<<<<<<", "6408125<2010315D<<<<<<<<<<<<<4", "MUSTERMANN<<ERIKA<<<<<<<<<<<<<"]


def test_check_digit_values_and_weights() -> None:
    assert [char_value(c) for c in "09AZ<"] == [0, 9, 10, 35, 0]
    assert check_digit("L898902C3") == "6"
    assert check_digit("740812") == "2"
    assert check_digit("120415") == "9"
    assert check_digit("ZE184226B<<<<<") == "1"


def test_all_filler_optional_field_may_carry_filler_check_digit() -> None:
    assert digit_ok("<<<<<<<<<<<<<<", "<") and digit_ok("<<<<<<<<<<<<<<", "0")
    assert not digit_ok("ZE184226B<<<<<", "<")


@pytest.mark.parametrize(
    ("lines", "layout", "number", "nationality"),
    [
        (TD3, "TD3", "L898902C3", "UTO"),
        (TD1, "TD1", "D23145890", "UTO"),
        (TD2, "TD2", "D23145890", "UTO"),
        (MRV_A, "MRV-A", "L8988901C", "XXX"),
        (MRV_B, "MRV-B", "L8988901C", "XXX"),
        (DE_PASSPORT, "TD3", "C01X00T47", "D"),
        (DE_ID_CARD, "TD1", "T22000129", "D"),
    ],
)
def test_specimens_parse_and_every_check_digit_holds(
    lines: list[str], layout: str, number: str, nationality: str
) -> None:
    mrz = parse_mrz(lines)
    assert (mrz.layout, mrz.document_number, mrz.nationality) == (layout, number, nationality)
    assert mrz.failed_checks == []
    assert mrz.is_visa == layout.startswith("MRV")


def test_specimen_fields() -> None:
    mrz = parse_mrz(TD3)
    assert (mrz.document_code, mrz.issuing_state, mrz.birth_date, mrz.sex, mrz.expiry_date) == (
        "P",
        "UTO",
        "740812",
        "F",
        "120415",
    )
    assert (mrz.surname, mrz.given_names, mrz.optional_data) == ("ERIKSSON", "ANNA MARIA", "ZE184226B")
    assert parse_mrz(DE_ID_CARD).issuing_state == "D" and parse_mrz(DE_ID_CARD).sex == "<"


def test_visa_mrz_has_no_composite_check() -> None:
    assert "composite" not in [c.field for c in parse_mrz(MRV_A).checks]
    assert "composite" not in [c.field for c in parse_mrz(MRV_B).checks]
    assert "composite" in [c.field for c in parse_mrz(TD3).checks]


@pytest.mark.parametrize(
    ("lines", "line", "position", "fields"),
    [
        (TD3, 1, 9, ["document_number", "composite"]),
        (TD3, 1, 19, ["date_of_birth", "composite"]),
        (TD3, 1, 27, ["date_of_expiry", "composite"]),
        (TD3, 1, 42, ["optional_data", "composite"]),
        (TD3, 1, 43, ["composite"]),
        (TD1, 0, 14, ["document_number", "composite"]),
        (TD1, 1, 6, ["date_of_birth", "composite"]),
        (TD1, 1, 29, ["composite"]),
        (TD2, 1, 35, ["composite"]),
        (MRV_B, 1, 27, ["date_of_expiry"]),
    ],
)
def test_a_wrong_check_digit_names_its_field(lines: list[str], line: int, position: int, fields: list[str]) -> None:
    broken = list(lines)
    digit = broken[line][position]
    broken[line] = broken[line][:position] + str((int(digit) + 1) % 10) + broken[line][position + 1 :]
    assert parse_mrz(broken).failed_checks == fields


def test_ocr_confusion_in_document_number_fails_its_check_digit() -> None:
    broken = [TD3[0], TD3[1].replace("L898902C3", "L898902C8")]
    assert "document_number" in parse_mrz(broken).failed_checks


def test_long_document_number_continues_in_optional_data() -> None:
    number = "D23145890123"  # 12 characters: 9 in place, '<', then the rest + its check digit
    tail = number[9:] + check_digit(number)
    line1 = ("I<UTO" + number[:9] + "<" + tail).ljust(30, "<")
    line2 = "7408122F1204159UTO<<<<<<<<<<<"
    line2 += check_digit(line1[5:30] + line2[0:7] + line2[8:15] + line2[18:29])
    mrz = parse_mrz([line1, line2, TD1[2]])
    assert mrz.document_number == number and mrz.failed_checks == []


def test_trailing_filler_stripped_by_a_carrier_is_restored() -> None:
    assert parse_mrz([line.rstrip("<") for line in TD3]).failed_checks == []
    assert parse_mrz("\n".join(TD3).lower()).document_number == "L898902C3"


def test_truncated_name_is_marked() -> None:
    assert parse_mrz(TD3).name_truncated is False
    long_name = "P<UTO" + "A" * 20 + "<<" + "B" * 17
    assert parse_mrz([long_name, TD3[1]]).name_truncated is True


@pytest.mark.parametrize(
    "lines",
    [
        [],
        ["P<UTO"],
        ["X" * 45, "Y" * 45],
        ["A" * 30] * 4,
        [TD3[0], TD3[1].replace("<", "#")],
        [TD1[0], TD1[1], TD1[2] + "<<<"],
    ],
)
def test_unreadable_mrz_raises_format_error_without_content(lines: list[str]) -> None:
    with pytest.raises(MRZFormatError) as info:
        parse_mrz(lines)
    assert "ERIKSSON" not in str(info.value)


@given(st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<", min_size=1, max_size=30))
def test_check_digit_changes_when_one_character_changes(data: str) -> None:
    """7-3-1 detects every single-character substitution whose value differs mod 10."""
    digit = check_digit(data)
    first = data[0]
    for other in "0123456789":
        if (char_value(other) - char_value(first)) % 10:
            assert check_digit(other + data[1:]) != digit


def test_impossible_dates_are_reported_even_with_right_check_digits() -> None:
    assert parse_mrz(TD3).invalid_dates == []
    dob = "741332"
    line2 = TD3[1][:13] + dob + check_digit(dob) + TD3[1][20:]
    assert parse_mrz([TD3[0], line2]).invalid_dates == ["date_of_birth"]
    unknown_day = "7408<<"
    line2 = TD3[1][:13] + unknown_day + check_digit(unknown_day) + TD3[1][20:]
    assert parse_mrz([TD3[0], line2]).invalid_dates == []
    feb29 = "010229"  # 29 February of YY 01: neither 1901 nor 2001 is a leap year
    line2 = TD3[1][:13] + feb29 + check_digit(feb29) + TD3[1][20:]
    assert parse_mrz([TD3[0], line2]).invalid_dates == ["date_of_birth"]


def test_td2_long_document_number() -> None:
    number = "D2314589012"
    tail = number[9:] + check_digit(number)
    line2 = number[:9] + "<" + "UTO7408122F1204159" + (tail).ljust(7, "<")
    line2 += check_digit(line2[0:10] + line2[13:20] + line2[21:35])
    mrz = parse_mrz([TD2[0], line2])
    assert mrz.document_number == number and mrz.failed_checks == []
