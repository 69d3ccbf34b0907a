"""The list-size prior: a traveller is compared with every listed person, so chance agreements grow with a
list's size; screening against a list of size S (list_size.chance_size: people, aliases and undated people
weighed as measured) shifts the calibrated log-odds by log(calibration_names / S), so a score and the
threshold mean the same share of ordinary travellers flagged on a list of any size."""

from __future__ import annotations

import math

import numpy as np
import pytest

from screening.matching import MatchConfig, WatchlistIndex
from screening.matching.list_size import chance_size
from screening.watchlists.model import WatchlistEntry, WatchlistLoad

CONFIG = MatchConfig()


def _logit(p: float) -> float:
    return math.log(p / (1.0 - p))


def _index(extra: int) -> WatchlistIndex:
    listed = WatchlistEntry("e1", "TEST", ["KARIMOV RUSTAM"], dates_of_birth=["1970-03-04"], nationalities=["UZB"])
    others = [
        WatchlistEntry(f"x{k}", "TEST", [f"PERSON{chr(65 + k % 26)}{k} OTHER{k}"], dates_of_birth=["1950-01-01"])
        for k in range(extra)
    ]
    return WatchlistIndex([WatchlistLoad("test", "TEST", [listed, *others], [], f"v{extra}")])


def test_for_list_shifts_the_intercept_by_the_log_of_the_size_ratio_and_is_idempotent() -> None:
    small = CONFIG.for_list(CONFIG.calibration_names // 10)
    ratio = CONFIG.calibration_names / (CONFIG.calibration_names // 10)
    assert small.calibration_intercept == pytest.approx(
        CONFIG.calibration_intercept + CONFIG.list_size_prior_weight * math.log(ratio)
    )
    assert small.for_list(small.calibration_names) is small
    assert CONFIG.for_list(CONFIG.calibration_names) is CONFIG
    off = CONFIG.model_copy(update={"list_size_prior": False})
    assert off.for_list(10) is off


@pytest.mark.parametrize("path", ["screen_single", "screen_batch"])
def test_the_same_evidence_scores_lower_on_a_longer_list_by_the_prior_odds_of_its_size(path: str) -> None:
    traveller = {
        "traveller_ref": "T1",
        "given_names": "Rustam",
        "surname": "Karimov",
    }
    short, long = _index(999), _index(4999)
    config = CONFIG.model_copy(update={"threshold": 0.0})
    short_size, long_size = short.chance_size(CONFIG), long.chance_size(CONFIG)
    [on_short] = [m for m in getattr(short, path)([traveller], config) if m.entry.entry_id == "e1"]
    [on_long] = [m for m in getattr(long, path)([traveller], config) if m.entry.entry_id == "e1"]
    slope_free_shift = _logit(on_short.score) - _logit(on_long.score)
    assert slope_free_shift == pytest.approx(CONFIG.list_size_prior_weight * math.log(long_size / short_size), abs=1e-6)
    assert slope_free_shift > 0
    unshifted = config.model_copy(update={"list_size_prior": False})
    [plain] = [m for m in getattr(short, path)([traveller], unshifted) if m.entry.entry_id == "e1"]
    assert _logit(on_short.score) - _logit(plain.score) == pytest.approx(
        CONFIG.list_size_prior_weight * math.log(CONFIG.calibration_names / short_size), abs=1e-6
    )


def test_a_list_shorter_than_the_measured_sizes_is_weighed_as_the_shortest_measured() -> None:
    floor = CONFIG.list_size_prior_min_names
    assert CONFIG.for_list(2).calibration_intercept == CONFIG.for_list(floor).calibration_intercept
    once = CONFIG.for_list(2)
    assert once.for_list(2) is once and once.for_list(floor) is once


@pytest.mark.parametrize("path", ["screen_single", "screen_batch"])
def test_a_flag_explains_the_list_prior_and_its_parts_sum_to_its_score(path: str) -> None:
    from screening.matching.scoring import calibrate

    traveller = {"traveller_ref": "T1", "given_names": "Rustam", "surname": "Karimov", "date_of_birth": "1970-03-04"}
    index = _index(999)
    [match] = [m for m in getattr(index, path)([traveller], CONFIG) if m.entry.entry_id == "e1"]
    assert [p.feature for p in match.parts] == ["name", "date_of_birth", "list_size"]
    assert index.chance_size(CONFIG) == 1000  # every listed person dated, one name each
    assert "list of 1,000 names (weighed as 1,000 for chance agreements): fewer" in match.explanation
    total = sum(p.value for p in match.parts)
    assert calibrate(total, CONFIG.calibration_slope, CONFIG.calibration_intercept) == pytest.approx(match.score)


def test_a_list_s_chance_size_counts_people_their_further_names_and_missing_dates_as_weighed() -> None:
    # entry 0: three names, dated; entry 1: one name, undated; entry 2: removed (no names left)
    name_owner = np.array([0, 0, 0, 1])
    dated_names = np.array([0, 1, 1, 2])  # a name per date it carries
    assert chance_size(name_owner, dated_names, alias_weight=0.25, undated_weight=6.0) == pytest.approx(
        (1 + 0.25 * 2) + 6.0
    )
    # weighed 1 and 1, the size is the number of names: the prior before people were weighed
    assert chance_size(name_owner, dated_names, 1.0, 1.0) == len(name_owner)
    assert chance_size(np.array([], dtype=np.int32), np.array([], dtype=np.int32), 0.25, 6.0) == 0.0


def test_aliases_count_less_than_people_and_undated_people_more_on_a_real_index() -> None:
    person = WatchlistEntry("p", "TEST", ["KARIMOV RUSTAM", "KARIMOV RUSTAM A."], dates_of_birth=["1970-03-04"])
    undated = WatchlistEntry("u", "TEST", ["NAZAROV TIMUR"])
    index = WatchlistIndex([WatchlistLoad("test", "TEST", [person, undated], [], "v1")])
    config = CONFIG.model_copy(update={"list_alias_weight": 0.2, "list_undated_weight": 5.0})
    assert index.chance_size(config) == pytest.approx(1.2 + 5.0)


def test_an_updated_index_weighs_its_size_as_a_full_build_of_the_same_entries() -> None:
    entries = [
        WatchlistEntry(f"x{k}", "TEST", [f"PERSON{k} OTHER{k}", f"PERSONA{k}"], dates_of_birth=["1980-01-01"] * (k % 2))
        for k in range(40)
    ]
    old = WatchlistIndex([WatchlistLoad("test", "TEST", entries, [], "v1")])
    changed = entries[5:] + [WatchlistEntry("new", "TEST", ["NEWCOMER ONE"])]
    updated = old.updated([WatchlistLoad("test", "TEST", changed, [], "v2")])
    built = WatchlistIndex([WatchlistLoad("test", "TEST", changed, [], "v2")])
    assert updated.chance_size(CONFIG) == pytest.approx(built.chance_size(CONFIG))
    assert updated.chance_size(CONFIG) != pytest.approx(old.chance_size(CONFIG))
