"""The EDIFACT tokenizer: separators from UNA (or guessed), release character, envelopes, junk."""

from __future__ import annotations

import pytest

from screening.ingest.edifact import Delimiters, read_interchange, render, tokenize


def _tags(data: bytes) -> list[str]:
    interchange = read_interchange(data)
    assert interchange is not None
    return [s.tag for s in interchange.segments]


def test_una_separators_are_used_for_syntax_version_4() -> None:
    ix = read_interchange(b"UNA:+.?*'UNB+UNOA:4+A+B+250101:1200+1'UNZ+1+1'")
    assert ix is not None and ix.una_present
    assert ix.delimiters == Delimiters(":", "+", ".", "?", "*", "'")
    assert [s.tag for s in ix.segments] == ["UNB", "UNZ"]


def test_unusual_separators_from_una() -> None:
    ix = read_interchange(b"UNA:*.? $UNB*UNOA:4*S:ZZ*R*140211:1800*9$NAD*FL***A?*B:C$UNZ*1*9$")
    assert ix is not None
    nad = ix.segments[1]
    assert nad.tag == "NAD" and nad.elements[3] == ["A*B", "C"]


def test_release_character_protects_every_separator_and_itself() -> None:
    segments = tokenize("NAD+FL+++O?'NEIL?:X?+Y??:GIVEN'", Delimiters())
    assert segments[0].elements[3] == ["O'NEIL:X+Y?", "GIVEN"]


def test_release_before_an_ordinary_character_keeps_both() -> None:
    segments = tokenize("FTX+AAA+++NOTE ?A'", Delimiters())
    assert segments[0].elements[3] == ["NOTE ?A"]


def test_render_restores_release_characters() -> None:
    delimiters = Delimiters()
    segment = tokenize("NAD+FL+++O?'NEIL'", delimiters)[0]
    assert render(segment, delimiters) == "NAD+FL+++O?'NEIL'"


def test_segments_broken_across_lines_with_crlf_and_leading_spaces() -> None:
    data = b" UNA:+.? '\r\n UNB+UNOA:4+A+B+250101:1200+1'\r\n UN\r\nH+1+PAXLST:D:05B:UN:IATA'\r\n UNZ+1+1'"
    assert _tags(data) == ["UNB", "UNH", "UNZ"]


def test_teletype_header_and_mail_footer_are_ignored() -> None:
    data = (
        b"QP BORDER\r\n.HDQRMZZ 010930\r\nUNA:+.? 'UNB+UNOA:4+A+B+250101:1200+1'UNZ+1+1'\r\n\r\n"
        b"Email secured by Antivirus\r\n"
    )
    ix = read_interchange(data)
    assert ix is not None
    assert [s.tag for s in ix.segments] == ["UNB", "UNZ"]
    assert ix.leading_chars > 0 and ix.trailing_chars > 0


def test_junk_after_unz_is_dropped() -> None:
    assert _tags(b"UNB+UNOA:4+A+B+250101:1200+1'UNZ+1+1'\n13Nov09") == ["UNB", "UNZ"]


def test_no_una_guesses_separators_from_unb() -> None:
    ix = read_interchange(b"UNB*UNOA:4*A*B*250101:1200*1~UNH*1*PAXLST:D:05B:UN:IATA~UNZ*1*1~")
    assert ix is not None and not ix.una_present
    assert ix.delimiters.element == "*" and ix.delimiters.terminator == "~"
    assert [s.tag for s in ix.segments] == ["UNB", "UNH", "UNZ"]


def test_positions_count_from_unb() -> None:
    ix = read_interchange(b"UNA:+.? 'UNB+UNOA:4+A+B+250101:1200+1'UNH+1+PAXLST'UNZ+1+1'")
    assert ix is not None
    assert [s.position for s in ix.segments] == [1, 2, 3]


def test_text_without_interchange_gives_none() -> None:
    assert read_interchange(b"hello, this is not EDIFACT") is None


@pytest.mark.filterwarnings("ignore")
def test_tokenizer_agrees_with_pydifact_on_a_clean_message() -> None:
    pydifact = pytest.importorskip("pydifact", reason="pydifact (dev extra) not installed")
    from pydifact.parser import Parser

    text = (
        "UNA:+.? 'UNB+UNOA:4+A+B+250101:1200+1'UNH+1+PAXLST:D:05B:UN:IATA'"
        "NAD+FL+++O?'NEIL:MARY'DOC+P:110:111+X1'UNT+4+1'UNZ+1+1'"
    )
    ours = read_interchange(text.encode())
    assert ours is not None and pydifact is not None
    theirs = [s for s in Parser().parse(text) if s.tag != "UNA"]
    assert [s.tag for s in ours.segments] == [s.tag for s in theirs]
    for mine, ref in zip(ours.segments, theirs, strict=True):
        flat = [e if isinstance(e, list) else [e] for e in ref.elements]
        assert mine.elements == flat
