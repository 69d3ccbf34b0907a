"""Scoring features: part alignment, typos, rarity weights, dropped vs contradicting parts, evidence."""

from __future__ import annotations

import pandas as pd
import pytest

from screening.matching import MatchConfig, compare, compare_pairs
from screening.matching.engine import evidence_parts, evidence_sum, part_rarity, traveller_nationalities
from screening.matching.evidence import dob_evidence, nationality_evidence, sex_evidence
from screening.matching.names import name_slots
from screening.matching.scoring import calibrate, score_names, token_similarity
from screening.model import Traveller
from screening.watchlists.model import WatchlistEntry

CONFIG = MatchConfig()


def slots(name: str, weights: dict[str, float] | None = None, among: frozenset[str] | None = None) -> list:
    """Weighted slots; a traveller's (`among` the listed name's forms) gets its compound forms only where
    the listed name has them, as screening does (WatchlistIndex.query_slots)."""
    weights = weights or {}
    return [
        (s.forms if among is None else s.forms_among(among), 0.3 if s.particle else weights.get(s.primary, 2.0))
        for s in name_slots(name)
    ]


def name_score(a: str, b: str, weights: dict[str, float] | None = None) -> float:
    written = frozenset(f for s in name_slots(b) for f in s.forms)
    return score_names(slots(a, weights, written), slots(b, weights), CONFIG.name_weights()).score


def test_jon_smith_with_the_same_date_of_birth_is_a_match() -> None:
    result = compare("Jon Smith", "John Smith", CONFIG, dob_a="1980-01-02", dob_b="1980-01-02")
    assert result.score >= 0.9 and result.is_match


def test_score_is_a_calibrated_probability_of_summed_log_odds() -> None:
    result = compare("Ahmed Khalfan Ghailani", "AHMED KHALFAN GHAILANI", CONFIG, dob_a="1974-03-14", dob_b="1974-03-14")
    total = sum(p.value for p in result.parts)
    assert result.score == pytest.approx(calibrate(total, CONFIG.calibration_slope, CONFIG.calibration_intercept))
    assert 0.0 < result.score < 1.0


def test_rare_surname_alone_with_exact_dob_and_nationality_is_a_hit() -> None:
    # Two given names missing, but a full date of birth and nationality agree: overwhelming evidence.
    hit = compare(
        "GHAILANI",
        "AHMED KHALFAN GHAILANI",
        CONFIG,
        dob_a="1974-03-14",
        dob_b="1974-03-14",
        nationality_a="TZA",
        nationality_b="TZA",
    )
    assert hit.is_match
    # The same name with another date of birth is not.
    assert not compare("GHAILANI", "AHMED KHALFAN GHAILANI", CONFIG, dob_a="1990-07-01", dob_b="1974-03-14").is_match


def test_explanation_keeps_contradicting_and_missing_parts() -> None:
    detail = compare("SALIM SALEH", "SALIM KONY OKOLU", CONFIG).parts[0].detail
    assert "SALEH contradicts" in detail and "not given" in detail and "SALIM +" in detail


def test_name_order_does_not_matter() -> None:
    assert name_score("SMITH JOHN", "JOHN SMITH") == 1.0
    assert name_score("GHAFARI, Sanaullah", "SANAULLAH GHAFARI") == 1.0


def test_transposition_in_a_short_part_is_one_typo() -> None:
    assert token_similarity("AFIZ", "FAIZ") >= 0.9
    assert name_score("AFIZ KHAN", "FAIZ KHAN") >= 0.9


def test_one_letter_typo_in_a_short_part_is_tolerated() -> None:
    assert token_similarity("ALI", "ALY") >= 0.8
    assert token_similarity("JON", "JOHN") >= 0.85


def test_letter_moved_across_a_part_boundary() -> None:
    assert name_score("LAUREN TNKUNDA", "LAURENT NKUNDA") >= 0.98


def test_joined_and_split_parts_agree() -> None:
    assert name_score("ABDUL RAHMAN YASIN", "ABDULRAHMAN YASIN") >= 0.98
    assert name_score("ALI ALHASHIMI", "ALI AL-HASHIMI") >= 0.98


def test_dropped_part_costs_less_than_a_contradicting_one() -> None:
    dropped = name_score("AHMED KHALFAN", "AHMED KHALFAN GHAILANI")
    contradicted = name_score("AHMED PETERSEN", "AHMED KHALFAN")
    assert dropped > contradicted
    assert name_score("JOHN SMITH", "JOHN PAUL SMITH") > name_score("JOHN SMITH", "PETER SMITH")


def test_partial_name_first_two_of_five_parts_scores_above_a_contradiction() -> None:
    partial = name_score("AHMED KHALFAN", "AHMED KHALFAN GHAILANI MOHAMMED ALI")
    assert 0.6 < partial < 1.0
    assert partial > name_score("AHMED KHALFAN", "AHMED KHALIL")


def test_common_parts_weigh_less_than_rare_ones() -> None:
    weights = {"MOHAMMED": 1.2, "KHAN": 1.2, "ZARDARI": 3.0, "QURESHI": 3.0}
    rare_agrees = name_score("MOHAMMED ZARDARI", "AHMED ZARDARI", weights)
    common_agrees = name_score("MOHAMMED ZARDARI", "MOHAMMED QURESHI", weights)
    assert rare_agrees > common_agrees


def test_particles_barely_count() -> None:
    assert name_score("MOHAMMED BIN ALI", "MOHAMMED ALI") >= 0.95


def test_umlaut_matches_either_icao_form() -> None:
    assert name_score("Hans Müller", "HANS MUELLER") == 1.0
    assert name_score("Hans Müller", "HANS MULLER") == 1.0


def test_dob_exact_year_only_range_swap_and_one_year_off() -> None:
    assert dob_evidence("1980-05-04", ["1980-05-04"], CONFIG).value == CONFIG.dob_exact_log_odds
    assert dob_evidence("1980-05-04", ["1980"], CONFIG).value == CONFIG.dob_partial_log_odds
    assert dob_evidence("1980-05-04", ["1979/1981"], CONFIG).value == CONFIG.dob_partial_log_odds
    assert dob_evidence("1980-04-05", ["1980-05-04"], CONFIG).value == CONFIG.dob_swapped_log_odds
    assert dob_evidence("1981-05-04", ["1980-05-04"], CONFIG).value == CONFIG.dob_near_log_odds
    assert dob_evidence("1987-01-01", ["1980-05-04", "1981"], CONFIG).value == CONFIG.dob_mismatch_log_odds
    assert CONFIG.dob_exact_log_odds > CONFIG.dob_partial_log_odds > 0 > CONFIG.dob_mismatch_log_odds
    assert dob_evidence(None, ["1980"], CONFIG) is None


def test_the_batch_evidence_sum_is_the_parts_sum() -> None:
    """evidence_sum (the bounds of a batch, no wording) sums to what evidence_parts' parts do."""
    dates = ["1980-05-04", "1980-04-05", "1981-05-04", "1980", "1980-05", "1979/1981", "1965/1967", "x/1980", "abc"]
    entries = [
        WatchlistEntry(
            "", "", ["A B"], dates_of_birth=listed, nationalities=nationalities, sex=sex, document_numbers=[sex + "X1"]
        )
        for listed in ([], dates[:1], dates[3:5], dates[5:], dates)
        for nationalities in ([], ["D", "IRQ"])
        for sex in ("", "F")
    ]
    travellers = [
        Traveller(date_of_birth=dob, nationality=nationality, sex=sex, document_number=number)
        for dob in (None, *dates)
        for nationality, sex, number in ((None, None, None), ("DEU", "M", "X1"), ("GBR", "F", None))
    ]
    for traveller in travellers:
        nationalities = traveller_nationalities(traveller)
        for entry in entries:
            parts = evidence_parts(traveller, entry, CONFIG)
            assert evidence_sum(traveller, nationalities, entry, CONFIG) == sum(p.value for p in parts if p)


def test_a_date_of_birth_a_decade_from_every_listed_one_is_stronger_counter_evidence() -> None:
    far = dob_evidence("1995-01-01", ["1980-05-04", "1981"], CONFIG)
    assert far is not None and far.value == CONFIG.dob_far_log_odds < CONFIG.dob_mismatch_log_odds
    assert "at least 10 years from all 2 listed dates" in far.detail
    assert dob_evidence("1990-05-04", ["1980-05-04"], CONFIG).value == CONFIG.dob_far_log_odds  # type: ignore[union-attr]
    assert dob_evidence("1989-05-04", ["1980-05-04"], CONFIG).value == CONFIG.dob_mismatch_log_odds  # type: ignore[union-attr]
    # one listed date near enough is the best agreement: not far
    assert dob_evidence("1995-01-01", ["1960", "1994"], CONFIG).value == CONFIG.dob_near_log_odds  # type: ignore[union-attr]
    # a range: by the distance to its nearer end
    assert dob_evidence("1995-01-01", ["1970/1984"], CONFIG).value == CONFIG.dob_far_log_odds  # type: ignore[union-attr]
    assert dob_evidence("1990-01-01", ["1970/1984"], CONFIG).value == CONFIG.dob_mismatch_log_odds  # type: ignore[union-attr]


def test_nationality_any_of_several_and_german_d() -> None:
    assert nationality_evidence(["D"], ["DEU"], CONFIG).value > 0
    assert nationality_evidence(["GBR", "IRQ"], ["IRQ", "JOR"], CONFIG).value > 0
    assert nationality_evidence(["FRA"], ["IRQ"], CONFIG).value < 0
    assert nationality_evidence(["FRA"], [], CONFIG) is None


def test_sex_disagreement_costs() -> None:
    assert sex_evidence("F", "M", CONFIG).value < 0
    assert sex_evidence("M", "M", CONFIG).value == 0  # type: ignore[union-attr]
    assert sex_evidence("U", "M", CONFIG) is None


def test_same_name_other_dob_and_nationality_is_not_a_match() -> None:
    result = compare(
        "Salah Badi",
        "SALAH BADI",
        CONFIG,
        dob_a="1990-02-03",
        dob_b="1965-07-01",
        nationality_a="FRA",
        nationality_b="LBY",
    )
    assert not result.is_match
    assert {p.feature for p in result.parts} == {"name", "date_of_birth", "nationality"}


def test_a_whole_rare_name_does_not_outweigh_a_far_date_of_birth_and_another_nationality() -> None:
    # Four rare parts agreeing sum to far more than the name's cap; a namesake born 13 years later with
    # another nationality is not flagged, while the same name with the listed date of birth is.
    name, listed = "MONDACA AVILA SIGI ALFREDO", "MONDACA AVILA, Sigi Alfredo"
    weights = {part: 3.0 for part in ("MONDACA", "AVILA", "SIGI", "ALFREDO")}
    result = score_names(slots(name, weights), slots(listed, weights), CONFIG.name_weights())
    assert result.log_odds == pytest.approx(CONFIG.name_max_log_odds)
    assert sum(v for _, v in result.contributions) == pytest.approx(result.log_odds)
    assert "counts at most" in result.detail()
    assert CONFIG.name_max_log_odds < sum(v for _, v in result.contributions if v > 0)
    listed_evidence = {"dob_b": "1985-01-09", "nationality_b": "MEX"}
    namesake = compare(name, listed, CONFIG, dob_a="1998-12-18", nationality_a="JOR", **listed_evidence)
    assert not namesake.is_match
    same = compare(name, listed, CONFIG, dob_a="1985-01-09", nationality_a="MEX", **listed_evidence)
    assert same.is_match and same.score > 0.99


def test_comparison_json_has_every_part() -> None:
    data = compare("Jon Smith", "John Smith", CONFIG, dob_a="1980-01-02", dob_b="1980").to_json()
    assert data["is_match"] is True
    assert [p["feature"] for p in data["parts"]] == ["name", "date_of_birth"]
    assert all(p["detail"] for p in data["parts"])


def test_compare_reads_names_packed_into_one_field_as_separate_names() -> None:
    packed = compare("ALI IBRAHEEM", "Ali Ibrahim; Ali Ibraheem", CONFIG)
    alone = compare("ALI IBRAHEEM", "ALI IBRAHEEM", CONFIG)
    assert packed.score == pytest.approx(alone.score) and packed.is_match
    assert "not given" not in packed.parts[0].detail  # no part of the other packed name counts as missing
    assert compare("Ali Ibraheem a.k.a. Jon Smith", "JOHN SMITH", CONFIG).is_match


def test_compare_pairs_adds_score_and_is_match() -> None:
    frame = pd.DataFrame(
        {
            "name1": ["Jon Smith", "Mary Jones"],
            "name2": ["John Smith", "Peter Brown"],
            "dob1": ["1980-01-01", None],
            "dob2": ["1980", ""],
        }
    )
    out = compare_pairs(frame, CONFIG)
    assert list(out["is_match"]) == [True, False]
    assert "SMITH +" in out["explanation"].iloc[0] and "date_of_birth" in out["explanation"].iloc[0]
    rarity = part_rarity(frame["name2"])
    expected = compare("Jon Smith", "John Smith", CONFIG, dob_a="1980-01-01", dob_b="1980", rarity=rarity).score
    assert out["score"].iloc[0] == pytest.approx(expected, abs=1e-4)


def test_pairs_weigh_parts_by_their_rarity_among_the_second_names() -> None:
    # KHAN is in every listed name, OKONKWO in one: agreeing on KHAN alone says far less.
    listed = ["IMRAN KHAN", "AHMED KHAN", "SALIM KHAN", "NASIR KHAN", "CHINEDU OKONKWO KHAN"]
    rarity = part_rarity(listed)
    assert rarity["KHAN"] == pytest.approx(1.0) and rarity["OKONKWO"] > 2.5
    frame = pd.DataFrame({"name1": ["TARIQ KHAN", "TARIQ OKONKWO"], "name2": ["IMRAN KHAN", "CHINEDU OKONKWO KHAN"]})
    frame = pd.concat([frame, pd.DataFrame({"name1": listed, "name2": listed})], ignore_index=True)
    common, rare = compare_pairs(frame, CONFIG)["score"].iloc[:2]
    assert rare > common


def test_names_alone_are_judged_at_their_own_operating_point() -> None:
    names_only = compare("GHAILANI AHMED", "AHMED KHALFAN GHAILANI", CONFIG)
    assert names_only.threshold == CONFIG.names_only_threshold
    # A date of birth on one side only is no evidence: still names alone.
    assert compare("GHAILANI AHMED", "AHMED KHALFAN GHAILANI", CONFIG, dob_a="1974-03-14").threshold == (
        CONFIG.names_only_threshold
    )
    with_dob = compare("GHAILANI AHMED", "AHMED KHALFAN GHAILANI", CONFIG, dob_a="1974-03-14", dob_b="1974-03-14")
    assert with_dob.threshold == CONFIG.threshold
    # Between the two cuts, the verdict follows the operating point in force.
    score = names_only.score
    split = CONFIG.model_copy(update={"threshold": min(1.0, score + 0.01), "names_only_threshold": score - 0.01})
    assert compare("GHAILANI AHMED", "AHMED KHALFAN GHAILANI", split).is_match
    assert not compare(
        "GHAILANI AHMED", "AHMED KHALFAN GHAILANI", split.model_copy(update={"names_only_threshold": score + 0.01})
    ).is_match


def test_one_differing_short_part_is_not_rescued_by_joined_strings() -> None:
    at_screening_cut = CONFIG.model_copy(update={"names_only_threshold": CONFIG.threshold})
    assert not compare("KHI TAILGOR", "HIK TAILGOR", at_screening_cut).is_match
    assert not compare("SHOUR VELFIRVAILSHIAR", "SHUN VELFIRVAILSHIAR", at_screening_cut).is_match


def test_parts_of_very_different_length_do_not_agree() -> None:
    assert token_similarity("BAIL", "BAINOUL") < CONFIG.name_agree_min
    assert token_similarity("ALI", "AI") >= 0.8  # one letter dropped from a short part still agrees
    assert token_similarity("RI", "JI") < CONFIG.name_agree_min  # a two-letter part replaced is another name


def test_a_shared_joining_head_alone_does_not_make_parts_agree() -> None:
    # AL-SAHRAOUI and AL-SHAMI, ABU UBAYDAH and ABU HURAYRAH: the same head, different names
    assert token_similarity("ALSAHRAUI", "ALSHAMI") < CONFIG.name_agree_min
    assert token_similarity("ABUUBAYDAH", "ABUHURAYRAH") < CONFIG.name_agree_min
    assert token_similarity("ABDLCHAUZRI", "ABDALGHAFUR") < CONFIG.name_agree_min
    # spellings of one name with the same head still agree, and ALI/ALY is not AL + I
    assert token_similarity("ALSAHRAUI", "ALSAHRAWI") >= 0.85
    assert token_similarity("ABDULRAHMAN", "ABDALRAHMAN") >= 0.85
    assert token_similarity("ALI", "ALY") >= 0.8
    assert token_similarity("ALSAHRAUI", "ALSHAMI") < token_similarity("SAHRAUI", "SHAMI") + 1e-9


def test_yusuf_and_yousef_are_spelling_variants() -> None:
    assert token_similarity("YUSUF", "YOUSEF") >= CONFIG.name_agree_min


def test_compound_written_apart_or_together_matches() -> None:
    assert compare("Gholam Reza Soleimani", "Gholamreza Soleimani", CONFIG).is_match
    assert compare("Mohammad Fakhrzadeh", "Mohammad Fakhr Zadeh", CONFIG).is_match
    detail = compare("Gholam Reza Soleimani", "Gholamreza Soleimani", CONFIG).parts[0].detail
    assert "REZA (one part with GHOLAMREZA) +0.00" in detail and "not listed" not in detail
    # a shared neighbour does not make two different parts alike
    assert name_score("AHMED KHALFAN", "AHMED KHALIL") < 0.8


def test_title_or_particle_never_contradicts_a_part() -> None:
    result = compare("Sheikh Hassan Omar", "Hassan Omar Mahat", CONFIG)
    name = result.parts[0]
    assert "contradicts" not in name.detail and "SHEIKH" in name.detail  # shown, as a part not listed


def test_part_contained_in_the_other_is_a_weak_agreement_not_a_contradiction() -> None:
    whole = compare("Kamchy Kolbayev", "Kamchybek Kolbayev", CONFIG).parts[0]
    other = compare("Ivan Kolbayev", "Kamchybek Kolbayev", CONFIG).parts[0]
    assert "one part of the other" in whole.detail and "contradicts" in other.detail
    assert whole.value > other.value


def test_two_different_chinese_syllables_are_two_names() -> None:
    # JIANG and LIANG are two surnames one letter apart, ZHONG and CHENG sound alike to metaphone: as
    # a two-letter part replaced (RI/JI), neither is a typo of the other
    for a, b in [("JIANG", "LIANG"), ("ZHONG", "CHENG"), ("CHIN", "BIN"), ("JIN", "BIN"), ("TANG", "TAN")]:
        assert token_similarity(a, b) == 0.0, (a, b)
    # one syllable in two romanisations meets by its key; a Korean JUNG is no pinyin syllable
    assert compare("ZHANG WEI", "CHANG WEI", CONFIG).is_match
    assert token_similarity("JONG", "JUNG") >= CONFIG.name_agree_min
    assert token_similarity("HASSAN", "HASAN") >= CONFIG.name_agree_min
    assert not compare("JIANG HUA", "LIANG HUA", CONFIG).is_match
