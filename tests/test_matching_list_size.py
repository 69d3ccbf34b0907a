"""The list-size prior: a traveller is compared with every listed name, so chance agreements grow with a
list's size; screening against N names shifts the calibrated log-odds by log(calibration_names / N), so
a score and the threshold mean the same share of ordinary travellers flagged on a list of any size."""

from __future__ import annotations

import math

import pytest

from screening.matching import MatchConfig, WatchlistIndex
from screening.watchlists.model import WatchlistEntry, WatchlistLoad

CONFIG = MatchConfig()


def _logit(p: float) -> float:
    return math.log(p / (1.0 - p))


def _index(extra: int) -> WatchlistIndex:
    listed = WatchlistEntry("e1", "TEST", ["KARIMOV RUSTAM"], dates_of_birth=["1970-03-04"], nationalities=["UZB"])
    others = [WatchlistEntry(f"x{k}", "TEST", [f"PERSON{chr(65 + k % 26)}{k} OTHER{k}"]) for k in range(extra)]
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
    short, long = _index(499), _index(4999)
    config = CONFIG.model_copy(update={"threshold": 0.0})
    [on_short] = [m for m in getattr(short, path)([traveller], config) if m.entry.entry_id == "e1"]
    [on_long] = [m for m in getattr(long, path)([traveller], config) if m.entry.entry_id == "e1"]
    slope_free_shift = _logit(on_short.score) - _logit(on_long.score)
    assert slope_free_shift == pytest.approx(CONFIG.list_size_prior_weight * math.log(5000 / 500), abs=1e-6)
    assert slope_free_shift > 0
    unshifted = config.model_copy(update={"list_size_prior": False})
    [plain] = [m for m in getattr(short, path)([traveller], unshifted) if m.entry.entry_id == "e1"]
    assert _logit(on_short.score) - _logit(plain.score) == pytest.approx(
        CONFIG.list_size_prior_weight * math.log(CONFIG.calibration_names / 500), abs=1e-6
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
    index = _index(499)
    [match] = [m for m in getattr(index, path)([traveller], CONFIG) if m.entry.entry_id == "e1"]
    assert [p.feature for p in match.parts] == ["name", "date_of_birth", "list_size"]
    assert "list of 500 names: fewer chance agreements" in match.explanation
    total = sum(p.value for p in match.parts)
    assert calibrate(total, CONFIG.calibration_slope, CONFIG.calibration_intercept) == pytest.approx(match.score)
