from pathlib import Path

import pytest

from screening import schemas
from screening.errors import InputError
from screening.ingest import parse_file, sniff_format
from screening.ingest.csv_manifest import parse_manifest_csv

HEADER = ",".join(schemas.required_columns(schemas.MANIFEST_CSV))
FLIGHT = "ZZ,7,JFK,FRA,2026-12-01T18:30:00-05:00,2026-12-02T08:15:00+01:00,2026-12-01T21:05:00Z"


def row(ref: str, surname: str = "DOE", flight: str = FLIGHT) -> str:
    return f"{flight},PAX,{ref},{surname},Jane,1980-01-01,F,USA,P,X123,USA,2030-01-01,,,,JFK,FRA,B1,1A"


def write(tmp_path: Path, text: str, name: str = "m.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_rows_are_grouped_into_one_manifest_per_flight(tmp_path):
    other = FLIGHT.replace("ZZ,7,", "ZZ,8,")
    result = parse_manifest_csv(write(tmp_path, "\n".join([HEADER, row("P1"), row("P2"), row("P3", flight=other)])))
    assert [(m.flight_number, len(m.travellers)) for m in result.manifests] == [("7", 2), ("8", 1)]
    assert result.travellers_in == 3
    assert result.manifests[0].travellers[0]["source_line"] == "2"


def test_bad_rows_are_quarantined_with_line_numbers_and_the_rest_goes_on(tmp_path):
    short = row("P2").rsplit(",", 5)[0]
    keyless = row("P3", flight=",,JFK,FRA,,,")
    result = parse_manifest_csv(write(tmp_path, "\n".join([HEADER, row("P1"), short, keyless, row("P4")])))
    assert len(result.manifests[0].travellers) == 2
    assert [(q.record_ref, q.reason_code) for q in result.quarantine] == [
        ("3", "ROW_FIELD_COUNT"),
        ("4", "MISSING_FLIGHT_KEY"),
    ]
    assert result.quarantine[0].raw == short
    assert result.travellers_in == 4


def test_missing_header_column_is_one_clear_error_naming_the_file(tmp_path):
    path = write(tmp_path, HEADER.replace(",surname", "") + "\n")
    with pytest.raises(InputError, match=r"m\.csv: line 1: header lacks required column\(s\) surname"):
        parse_manifest_csv(path)


def test_non_utf8_file_is_rejected_with_the_offset(tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes((HEADER + "\n" + row("P1", surname="MÜLLER")).encode("latin-1"))
    with pytest.raises(InputError, match="latin1.csv: not UTF-8"):
        parse_manifest_csv(path)


def test_empty_file_is_rejected(tmp_path):
    with pytest.raises(InputError, match="empty"):
        parse_manifest_csv(write(tmp_path, "\n\n"))


def test_codes_are_upper_cased_and_names_keep_their_case(tmp_path):
    text = "\n".join([HEADER, row("p1", surname="de Vries").replace(",USA,P,X123,USA", ",usa,p,x-12 3,usa")])
    traveller = parse_manifest_csv(write(tmp_path, text)).manifests[0].travellers[0]
    assert traveller["surname"] == "de Vries"
    assert traveller["nationality"] == "USA"
    assert traveller["document_number"] == "X123"


def test_sniffing_prefers_content_over_extension(tmp_path):
    assert sniff_format("x.csv", b'{"manifests": []}') == "json"
    assert sniff_format("x.txt", b"UNA:+.? 'UNB+UNOA:4+A+B'") == "paxlst"
    assert sniff_format("x.txt", HEADER.encode()) == "csv"


def test_sample_files_parse(samples):
    result = parse_file(samples / "manifest_clean_ZZ101.csv")
    assert len(result.manifests) == 1 and len(result.manifests[0].travellers) == 6
    assert result.manifests[0].manifest_id.startswith("ZZ101-JFK-")
