"""Watchlist index: screening with explanations, alias and original-script matches, save/load, cache."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from screening.matching import MatchConfig, WatchlistIndex
from screening.matching.blocking import LONG, key_strings, skeleton, token_keys
from screening.matching.index_data import year_keys
from screening.matching.index_store import load_or_build
from screening.matching.scoring import WeightedSlot
from screening.watchlists.loader import load_watchlist
from screening.watchlists.model import WatchlistEntry, WatchlistLoad

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "watchlists"
CONFIG = MatchConfig()


@pytest.fixture(scope="module")
def index() -> WatchlistIndex:
    return WatchlistIndex(
        [
            load_watchlist(FIXTURES / "un_small.xml"),
            load_watchlist(FIXTURES / "ofac"),
            load_watchlist(FIXTURES / "watchlist_small.csv"),
        ]
    )


def traveller(given: str, surname: str, **more: str) -> dict[str, str]:
    return {"traveller_ref": "T1", "given_names": given, "surname": surname, **more}


def test_typo_and_swap_are_found_with_explanation(index: WatchlistIndex) -> None:
    matches = index.screen([traveller("Ghafari", "Sanaulah", date_of_birth="1994-10-28", nationality="AFG")], CONFIG)
    assert [m.entry.entry_id for m in matches] == ["QDi.431"]
    match = matches[0]
    assert match.traveller_ref == "T1" and match.matched_name == "SANAULLAH GHAFARI"
    assert [p.feature for p in match.parts] == ["name", "date_of_birth", "nationality", "list_size"]
    assert "date of birth agrees" in match.explanation and 0 < match.score <= 1


def test_match_through_a_packed_alias(index: WatchlistIndex) -> None:
    matches = index.screen([traveller("Jawad", "Rahiqi")], CONFIG)
    assert matches and matches[0].entry.entry_id == "QDi.431"
    assert "low-quality alias" in matches[0].explanation  # a low-quality alias says so


def test_match_through_original_script(index: WatchlistIndex) -> None:
    assert index.screen([traveller("", "ثناء اللہ غفاری")], CONFIG)[0].entry.entry_id == "QDi.431"


def test_umlaut_traveller_meets_list_spelling(index: WatchlistIndex) -> None:
    found = index.screen([traveller("Hans", "Mueller", nationality="D")], CONFIG)
    assert found[0].entry.entry_id == "QDi.900"
    assert index.screen([traveller("HANS", "MULLER")], CONFIG)[0].entry.entry_id == "QDi.900"


def test_listed_document_number_is_evidence(index: WatchlistIndex) -> None:
    match = index.screen([traveller("Jon", "Smith", document_number="X1234567")], CONFIG)[0]
    assert match.entry.entry_id == "W1"
    assert any(p.feature == "document" and p.value > 0 for p in match.parts)


def test_other_person_with_listed_name_and_other_dob_is_not_flagged(index: WatchlistIndex) -> None:
    """On a list of the calibration's size (this fixture is far shorter: its prior odds would lower the bar)."""
    at_calibration_size = CONFIG.model_copy(update={"list_size_prior": False})
    other = traveller("Ali", "Abdollahi", date_of_birth="1990-03-03", nationality="FRA")
    assert not index.screen([other], at_calibration_size)
    assert index.screen([traveller("Ali", "Abdollahi", date_of_birth="1959-01-10")], CONFIG)


def test_unrelated_traveller_is_not_flagged(index: WatchlistIndex) -> None:
    assert index.screen([traveller("Maria", "Gonzalez", date_of_birth="1980-01-01")], CONFIG) == []


def test_version_depends_on_list_contents(index: WatchlistIndex) -> None:
    other = WatchlistIndex([load_watchlist(FIXTURES / "un_small.xml")])
    assert index.version != other.version and index.version.startswith("sha256:")


def test_saved_index_loads_and_screens_the_same(index: WatchlistIndex, tmp_path: Path) -> None:
    index.save(tmp_path / "idx")
    loaded = WatchlistIndex.load(tmp_path / "idx")
    assert loaded.version == index.version
    people = [traveller("Ghafari", "Sanaulah"), traveller("Jon", "Smith"), traveller("Ali", "Abdolahi")]
    before = [(m.entry.entry_id, round(m.score, 6), m.explanation) for m in index.screen(people, CONFIG)]
    after = [(m.entry.entry_id, round(m.score, 6), m.explanation) for m in loaded.screen(people, CONFIG)]
    assert before == after and before
    assert loaded.entries[0] == index.entries[0]


def test_load_or_build_builds_once_per_list_version(tmp_path: Path) -> None:
    paths = [FIXTURES / "un_small.xml", FIXTURES / "watchlist_small.csv"]
    first = load_or_build(paths, tmp_path)
    folders = sorted(p.name for p in tmp_path.iterdir() if p.is_dir())
    second = load_or_build(paths, tmp_path)
    assert first.version == second.version
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_dir()) == folders and len(folders) == 1


def test_blocking_keys_meet_one_edit_and_sound_alike() -> None:
    assert set(token_keys("JON")) & set(token_keys("JOHN"))
    assert set(token_keys("AFIZ")) & set(token_keys("FAIZ"))
    assert skeleton("MOHAMMAD") == skeleton("MUHAMED") == "MD"
    assert set(token_keys("EEBRAHIM")) & set(token_keys("IBRAHIM"))


def test_short_part_swap_and_truncated_long_part_share_keys() -> None:
    assert set(token_keys("YU")) & set(token_keys("UY"))
    assert set(token_keys("KHOURBOSGIR")) & set(token_keys("KHOURBI"))  # first six letters
    assert set(token_keys("KIFIA")) & set(token_keys("KIA"))  # two deletions in a longer part


@pytest.mark.parametrize("token", ["AB", "ABC", "ABCD", "ABCDE", "AABBA", "MOHAMMED", "KHOURBOSGIR"])
def test_deletion_keys_are_every_part_one_or_two_letters_shorter(token: str) -> None:
    """The edit keys of a part: itself and every string left by deleting one letter, and from LONG letters
    up by deleting any two (positions i < j), each once."""
    n = len(token)
    expected = {token}
    if n >= 3:
        expected |= {token[:i] + token[i + 1 :] for i in range(n)}
    if n >= LONG:
        expected |= {token[:i] + token[i + 1 : j] + token[j + 1 :] for i in range(n) for j in range(i + 1, n)}
    assert {k[1:] for k in key_strings(token) if k.startswith("=")} == expected


def test_part_joined_across_a_particle_is_found(index: WatchlistIndex) -> None:
    found = index.screen([traveller("Juan Carlos", "Garcialopez")], CONFIG)
    assert found and found[0].entry.entry_id == "2675"


def test_wade_giles_hyphenated_given_name_meets_its_pinyin_written_as_one() -> None:
    # HSI CHIN-PING: CHIN + PING fold as syllables to JIN + PING, the listed JINPING; PING is then part
    # of the agreeing compound, not a part the list lacks (both paths, the same flags).
    listed = WatchlistLoad("cn", "CN", [WatchlistEntry("cn1", "CN", ["XI JINPING"])], [], "cn:1")
    single, batch = WatchlistIndex([listed]), WatchlistIndex([listed])
    travellers = [traveller("CHIN-PING", "HSI")]
    found = single.screen_single(travellers, CONFIG)
    assert found and found[0].entry.entry_id == "cn1"
    assert "PING (one part with JINPING) +0.00" in found[0].explanation
    assert [(m.entry.entry_id, m.score) for m in batch.screen_batch(travellers, CONFIG)] == [
        (m.entry.entry_id, m.score) for m in found
    ]


def test_a_chinese_syllable_weighs_at_most_as_a_short_part_however_rare_on_the_list() -> None:
    # ZHANG and OKONKWO are each on one name of this list, but a few hundred syllables write every
    # Chinese name: two travellers share ZHANG far more often than the list's rarity says
    from screening.matching.index_data import MAX_WEIGHT, SYLLABLE_MAX_WEIGHT

    entries = [WatchlistEntry(f"e{i}", "T", [name]) for i, name in enumerate(["ZHANG WEI", "OKONKWO WEI", "WEI"])]
    data = WatchlistIndex([WatchlistLoad("t", "T", entries, [], "t:1")]).data
    weight = dict(zip(data.vocabulary, data.token_weight.tolist(), strict=True))
    assert weight["ZHANG"] == SYLLABLE_MAX_WEIGHT < weight["OKONKWO"] == MAX_WEIGHT


def candidate_owners(
    index: WatchlistIndex, slots: list[WeightedSlot], config: MatchConfig, dob: str | None
) -> set[str]:
    """Entry ids of a traveller's candidate names, for a traveller giving this date of birth."""
    found = index.candidates(slots, config, {"date_of_birth": dob})
    return {index.entries[int(index.data.name_owner[n])].entry_id for n in found.tolist()}


def test_exact_date_of_birth_brings_in_a_listed_name_sharing_one_part() -> None:
    """A traveller whose name shares only its surname with a listed name (too little of it for the share
    rule) gets that name as a candidate when the full date of birth agrees, and only then."""
    listed = [
        WatchlistEntry("N1", "NATIONAL", ["Pakhiarvoud Sikeman"], "SIKEMAN", "PAKHIARVOUD", ["1971-02-03"]),
        WatchlistEntry("N2", "NATIONAL", ["Qorbalinka Sikeman"], "SIKEMAN", "QORBALINKA", ["1971-02"]),
        WatchlistEntry("N3", "NATIONAL", ["Zorbalinka Qwertyuk"], "QWERTYUK", "ZORBALINKA", ["1971-02-03"]),
    ]
    index = WatchlistIndex([WatchlistLoad("test.csv", "NATIONAL", listed, [], "test")])
    config = MatchConfig(candidate_min_share=0.9)
    slots = index.query_slots("Teodorvankel Sikeman", config)

    def owners(dob: str | None) -> set[str]:
        return candidate_owners(index, slots, config, dob)

    assert owners(None) == set()
    assert owners("1971-02-03") == {"N1", "N2"}  # N1 by its date, N2 by the year it gives; N3 shares no part
    assert owners("1971-02-04") == {"N2"}
    assert owners("1972-02-03") == set()
    assert owners("1971-02") == {"N1", "N2"}  # a traveller giving only part of the date: any date that year


def test_a_listed_year_or_year_range_brings_in_a_name_sharing_a_rarer_part() -> None:
    """A list that gives only a year of birth (or a range of a few years) brings in a name sharing one part
    of the traveller's, below the share rule, when the traveller's year is in it; an initial or a particle
    shared is not enough, nor a range too wide to say anything."""
    listed = [
        WatchlistEntry("Y1", "NATIONAL", ["Qorbalinka Sikeman"], "SIKEMAN", "QORBALINKA", ["1966"]),
        WatchlistEntry("Y2", "NATIONAL", ["Dorvastin Sikeman"], "SIKEMAN", "DORVASTIN", ["1964/1967"]),
        WatchlistEntry("Y3", "NATIONAL", ["Morvastin Sikeman"], "SIKEMAN", "MORVASTIN", ["1940/1980"]),
        WatchlistEntry("Y4", "NATIONAL", ["T Qwertyuk"], "QWERTYUK", "T", ["1966"]),
    ]
    index = WatchlistIndex([WatchlistLoad("test.csv", "NATIONAL", listed, [], "test")])
    config = MatchConfig(candidate_min_share=0.9)
    slots = index.query_slots("Teodorvankel T Sikeman", config)

    def owners(dob: str | None) -> set[str]:
        return candidate_owners(index, slots, config, dob)

    assert owners(None) == set()
    assert owners("1966-05-01") == {"Y1", "Y2"}  # Y3's range is too wide, Y4 shares only the initial T
    assert owners("1965-05-01") == {"Y2"}
    assert owners("1970-05-01") == set()


def test_born_in_is_whether_a_name_has_a_date_key_in_the_year() -> None:
    """IndexData.born_in (earliest and latest key per name, a search only where they straddle the range)
    says of every name whether the date table holds a key of it in the year's range, for a year alone and
    for any date in it: names with one date, several dates around the year, a year range, and none."""
    dobs = [["1966"], ["1966-05-01"], ["1960", "1970"], ["1965-01-01", "1966", "1967-12-31"], [], ["1964/1967"]]
    listed = [
        WatchlistEntry(f"B{k}", "NATIONAL", [f"Qorbalinka Sikeman{k}"], f"SIKEMAN{k}", "QORBALINKA", dates)
        for k, dates in enumerate(dobs)
    ]
    data = WatchlistIndex([WatchlistLoad("test.csv", "NATIONAL", listed, [], "test")]).data
    names = np.arange(data.name_count, dtype=np.int64)
    for year in (1959, 1960, 1965, 1966, 1967, 1970):
        for any_date in (False, True):
            lo, hi = year_keys(year, any_date)
            keys = np.asarray(data.dob_keys)
            expected = np.isin(names, np.asarray(data.dob_names)[(keys >= lo) & (keys < hi)])
            assert data.born_in(names, lo, hi).tolist() == expected.tolist(), (year, any_date)
            many = data.born_in(names, np.full(len(names), lo), np.full(len(names), hi))
            assert many.tolist() == expected.tolist()
    assert data.born_in(names, *year_keys(1966, False)).any()  # the test meets names of that year


def test_long_parts_meet_every_part_two_deletions_away() -> None:
    from screening.matching.blocking import LONG, key_strings

    token = "PAKHIARVOUD"
    assert len(token) >= LONG
    deleted_twice = {token[:i] + token[i + 1 :] for i in range(len(token))}
    deleted_twice = {k[:i] + k[i + 1 :] for k in deleted_twice for i in range(len(k))}
    assert {"=" + k for k in deleted_twice} <= key_strings(token)
    assert len(deleted_twice) > 40


def test_compounds_with_a_shared_head_or_tail_and_short_sound_alikes_meet() -> None:
    """Parts the scorer lets agree though three or more edits apart (a long shared head or tail), and
    two-letter parts that sound alike, share a blocking key."""
    from screening.matching.blocking import key_strings

    for a, b in (("ABDULAZIZ", "ABDULRAHIM"), ("IBRAHIM", "ABDLRAHIM"), ("TO", "TAE")):
        assert key_strings(a) & key_strings(b), (a, b)


def test_a_short_listed_name_inside_a_long_traveller_name_with_the_long_share() -> None:
    """A listed name of two parts covers less than half of a four-part traveller name: found only with
    candidate_min_share_long, and a two-part traveller keeps candidate_min_share."""
    listed = [WatchlistEntry("R1", "NATIONAL", ["Remadna Abdelhalim"], "REMADNA", "ABDELHALIM")]
    index = WatchlistIndex([WatchlistLoad("test.csv", "NATIONAL", listed, [], "test")])
    long_share = MatchConfig(candidate_min_share_long=0.3)

    def found(name: str, config: MatchConfig) -> int:
        return len(index.candidates(index.query_slots(name, config), config))

    four = "Abdelhalim Hafedzor Abdelfattahqu Remadnova"
    assert found(four, MatchConfig()) == 0
    assert found(four, long_share) == 1
    assert found("Abdelhalim Hafedzorkin", long_share) == found("Abdelhalim Hafedzorkin", MatchConfig())


def test_parallel_build_gives_the_one_process_arrays() -> None:
    """Names normalised and keys hashed in two forked workers: the same vocabulary numbering, qualities and
    arrays as one process (so a saved index does not depend on how it was built)."""
    import numpy as np

    from screening.matching.index_data import IndexData

    loads = [
        load_watchlist(FIXTURES / "un_small.xml"),
        load_watchlist(FIXTURES / "ofac"),
        load_watchlist(FIXTURES / "watchlist_small.csv"),
    ]
    entries = [e for load in loads for e in load.entries]
    one = IndexData.build(entries, "v", workers=1)
    two = IndexData.build(entries, "v", workers=2)
    assert one.vocabulary == two.vocabulary and one.qualities == two.qualities
    assert set(one.arrays) == set(two.arrays)
    for key, values in one.arrays.items():
        assert np.array_equal(values, two.arrays[key]), key
    assert np.array_equal(one.name_text, two.name_text)
    assert len(set(one.qualities)) > 2  # the fixture lists have alias qualities to merge
