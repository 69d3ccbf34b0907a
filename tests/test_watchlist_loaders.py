"""Watchlist loaders: UN XML, OFAC SDN CSV, our CSV; dispatch, versions, summaries, skipped records."""

from __future__ import annotations

from pathlib import Path

import pytest

from screening.errors import InputError
from screening.watchlists.dates import parse_date_text
from screening.watchlists.loader import load_watchlist, watchlist_format
from screening.watchlists.ofac_csv import parse_remarks
from screening.watchlists.un_xml import split_alias

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "watchlists"
SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "watchlists"


def test_dispatch_by_name_and_content() -> None:
    assert watchlist_format(FIXTURES / "un_small.xml") == "un_xml"
    assert watchlist_format(FIXTURES / "ofac") == "ofac"
    assert watchlist_format(FIXTURES / "ofac" / "sdn.csv") == "ofac"
    assert watchlist_format(FIXTURES / "watchlist_small.csv") == "csv"


def test_un_individual_with_aliases_dates_nationalities_documents() -> None:
    load = load_watchlist(FIXTURES / "un_small.xml")
    entry = next(e for e in load.entries if e.entry_id == "QDi.431")
    assert entry.list_name == "UN_CONSOLIDATED"
    assert entry.names[:4] == ["SANAULLAH GHAFARI", "Shahab al Muhajir", "Javad Rahigi", "Jawad Rahiqi"]
    assert entry.alias_quality == ["good", "low", "low", "original_script"]  # the list's words, normalised
    assert entry.names[-1] == "ثناء اللہ غفاری"
    assert entry.dates_of_birth == ["1994-10-28", "1990", "1973/1974", "1973-11"]
    assert entry.nationalities == ["AFG"] and entry.sex == "M"
    assert entry.document_numbers == ["O1503093"]


def test_un_germany_is_icao_d_and_iran_long_name_maps() -> None:
    entry = next(e for e in load_watchlist(FIXTURES / "un_small.xml").entries if e.entry_id == "QDi.900")
    assert entry.nationalities == ["D", "IRN"]
    assert entry.dates_of_birth == ["1960"]


def test_un_malformed_individual_is_skipped_and_reported_entities_ignored() -> None:
    load = load_watchlist(FIXTURES / "un_small.xml")
    assert [e.entry_id for e in load.entries] == ["QDi.431", "QDi.900"]
    assert len(load.skipped) == 1 and load.skipped[0].reason_code == "WATCHLIST_ENTRY_INCOMPLETE"
    assert "REFERENCE_NUMBER" in load.skipped[0].message


def test_un_summary_counts_aliases_per_quality() -> None:
    summary = load_watchlist(FIXTURES / "un_small.xml").summary()
    assert summary["entries"] == 2 and summary["skipped"] == 1
    assert summary["aliases_by_quality"] == {"good": 1, "low": 2, "original_script": 1}


def test_version_is_a_content_hash() -> None:
    first = load_watchlist(FIXTURES / "un_small.xml").version
    assert first == load_watchlist(FIXTURES / "un_small.xml").version and first.startswith("sha256:")
    assert first != load_watchlist(FIXTURES / "watchlist_small.csv").version


def test_un_not_xml_is_an_input_error(tmp_path: Path) -> None:
    bad = tmp_path / "list.xml"
    bad.write_text("<CONSOLIDATED_LIST><INDIVIDUALS>")
    with pytest.raises(InputError, match="not well-formed"):
        load_watchlist(bad)


def test_packed_alias_and_notes_are_split() -> None:
    assert split_alias("Azim Adhajani; Azim Agha-Jani") == ["Azim Adhajani", "Azim Agha-Jani"]
    assert split_alias("Abdel Ilah Sabri (false identity)") == ["Abdel Ilah Sabri"]
    assert split_alias("Safia Al-Hadad, born 1 Jan. 1953 (Oman passport)") == ["Safia Al-Hadad"]


def test_free_text_dates() -> None:
    assert parse_date_text("10 Jan 1960") == "1960-01-10"
    assert parse_date_text("circa 1960") == "1960"
    assert parse_date_text("1960 to 1962") == "1960/1962"
    assert parse_date_text("Nov. 1973") == "1973-11"
    assert parse_date_text("24/06/1402 (Hijri Calendar)") is None
    assert parse_date_text("30-35 years old") is None


def test_ofac_individuals_with_aliases_and_remarks() -> None:
    load = load_watchlist(FIXTURES / "ofac")
    assert [e.entry_id for e in load.entries] == ["2674", "2675"]  # the company is not a person
    entry = load.entries[0]
    assert entry.names == ["ABDOLLAHI, Ali", "ABDOLAHI, Aly", "ABDULLAHI, Ali"]
    assert entry.alias_quality == ["good", "former"]  # OFAC aka, fka
    assert entry.dates_of_birth == ["1959-01-10", "1960/1962"]
    assert entry.nationalities == ["IRN", "IRQ"] and entry.sex == "M"
    assert entry.document_numbers == ["A0003039", "B123456"]
    assert load.entries[1].nationalities == ["MEX"] and load.entries[1].dates_of_birth == ["1970"]


def test_ofac_short_row_is_skipped() -> None:
    load = load_watchlist(FIXTURES / "ofac" / "sdn.csv")
    assert len(load.skipped) == 1 and load.skipped[0].record_ref == "4"


def test_ofac_remarks_parser() -> None:
    found = parse_remarks("DOB 01 Feb 1964; nationality Korea, North; Gender Female; Passport 6066827 (Syria)")
    assert found == {"dob": ["1964-02-01"], "nationality": ["PRK"], "passport": ["6066827"], "sex": ["F"]}


def test_our_csv_list_skips_entries_without_a_name() -> None:
    load = load_watchlist(FIXTURES / "watchlist_small.csv")
    assert [e.entry_id for e in load.entries] == ["W1"]
    assert load.entries[0].names == ["JOHN SMITH", "JONNY SMYTH"]
    assert load.skipped


@pytest.mark.shared
def test_published_un_list_loads_every_individual() -> None:
    path = SHARED / "un_consolidated_2026-02-27.xml"
    if not path.exists():
        pytest.skip("../shared/data/watchlists is absent (public UN list, not part of the repository)")
    summary = load_watchlist(path).summary()
    assert summary["entries"] == 730 and summary["skipped"] == 0
    assert summary["aliases_by_quality"]["original_script"] == 336
    assert summary["aliases_by_quality"]["good"] >= 1524 and summary["aliases_by_quality"]["low"] >= 615


@pytest.mark.shared
def test_published_ofac_list_loads_individuals() -> None:
    path = SHARED / "ofac_sdn_2021"
    if not path.exists():
        pytest.skip("../shared/data/watchlists is absent (public OFAC list, not part of the repository)")
    load = load_watchlist(path)
    assert len(load.entries) == 4620 and not load.skipped
    assert sum(1 for e in load.entries if e.dates_of_birth) > 4000


def test_an_xml_file_that_is_not_the_un_list_is_refused_clearly(tmp_path):
    other = tmp_path / "other.xml"
    other.write_text('<?xml version="1.0"?><SOMETHING_ELSE/>', encoding="utf-8")
    with pytest.raises(InputError, match="not a watchlist this project reads"):
        load_watchlist(other)
