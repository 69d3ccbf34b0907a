"""Matching thresholds and weights, read from rules/screening.yaml (analysts tune them there)."""

from __future__ import annotations

import math
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError

from screening.errors import RulesError
from screening.matching.scoring import NameWeights


class MatchConfig(BaseModel):
    """Every number that decides a match; the YAML comments explain each one."""

    model_config = ConfigDict(extra="forbid")
    # What for_list added to the intercept (0: not calibrated for a list, or a list of the calibration's size).
    _list_prior: float = PrivateAttr(0.0)

    threshold: float = Field(
        0.2084, ge=0, le=1, description="calibrated probability at or above which a match is flagged"
    )
    names_only_threshold: float = Field(
        0.0126,
        ge=0,
        le=1,
        description="the same, for a comparison on names alone (no date of birth, nationality, sex or "
        "document on both sides): `screening compare` and `compare --pairs`",
    )
    candidate_cutoff: float = Field(
        0.25, ge=0, le=1, description="name similarity below which a candidate is dropped unscored"
    )
    candidate_min_share: float = Field(
        0.5,
        ge=0,
        le=1,
        description="share of the traveller's name weight a listed name must "
        "match (within one edit or sound-alike) to be scored",
    )
    candidate_min_share_long: float | None = Field(
        None,
        ge=0,
        le=1,
        description="candidate_min_share for a traveller name of three or more parts (none: the same)",
    )
    candidate_estimate_margin: float = Field(0.1, ge=0, le=1)
    name_agree_min: float = Field(0.72, ge=0, le=1)
    unmatched_traveller_part: float = Field(0.5, ge=0, le=2)
    unmatched_listed_part: float = Field(0.25, ge=0, le=2)
    phonetic_similarity: float = Field(0.88, ge=0, le=1)
    initial_similarity: float = Field(0.7, ge=0, le=1)
    joined_string_min: float = Field(0.9, ge=0, le=1)
    particle_weight: float = Field(0.3, ge=0, le=5)
    # Log-likelihood ratios (natural log): positive for agreement, negative for disagreement.
    part_agree_log_odds: float = Field(1.6, ge=0, le=20)
    part_near_agree_share: float = Field(0.45, ge=0, le=1)
    part_initial_log_odds: float = Field(0.4, ge=-20, le=20)
    part_contradiction_log_odds: float = Field(-0.8, ge=-20, le=0)
    part_contradiction_weight_log_odds: float = Field(-0.4, ge=-20, le=0)
    part_missing_listed_log_odds: float = Field(-0.25, ge=-20, le=0)
    part_missing_traveller_log_odds: float = Field(-0.5, ge=-20, le=0)
    short_part_length: int = Field(4, ge=0, le=20)
    short_part_max_weight: float = Field(1.5, ge=0, le=5)
    short_inexact_factor: float = Field(0.5, ge=0, le=1)
    name_max_log_odds: float = Field(
        10.0,
        ge=0,
        le=100,
        description="the most log-odds a name alone can add, however many rare parts agree (namesakes)",
    )
    dob_exact_log_odds: float = Field(5.5, ge=0, le=30)
    dob_partial_log_odds: float = Field(2.0, ge=-30, le=30)
    dob_swapped_log_odds: float = Field(3.5, ge=-30, le=30)
    dob_near_log_odds: float = Field(-0.5, ge=-30, le=30)
    dob_mismatch_log_odds: float = Field(-3.5, ge=-30, le=0)
    dob_far_log_odds: float = Field(
        -4.7,
        ge=-30,
        le=0,
        description="a date of birth at least dob_far_years from every listed one: a namesake a generation "
        "apart rather than a list's error (lists rarely err by a decade)",
    )
    dob_far_years: int = Field(10, ge=2, le=100)
    nationality_match_log_odds: float = Field(1.2, ge=-30, le=30)
    nationality_mismatch_log_odds: float = Field(-1.5, ge=-30, le=0)
    sex_mismatch_log_odds: float = Field(-2.5, ge=-30, le=0)
    document_match_log_odds: float = Field(8.0, ge=0, le=30)
    low_quality_alias_log_odds: float = Field(-0.7, ge=-30, le=0)
    byname_log_odds: float = Field(-1.0, ge=-30, le=0)
    calibration_slope: float = Field(1.1549, gt=0, le=10)
    calibration_intercept: float = Field(-7.2825, ge=-50, le=50)
    calibration_names: float = Field(
        8220,
        ge=1,
        description="the size for chance agreements (screening/matching/list_size.py) of the list the "
        "calibration was fitted on: screening against a list of size S adds list_size_prior_weight * "
        "log(calibration_names / S) to the intercept (list_size_prior)",
    )
    list_alias_weight: float = Field(
        0.35,
        ge=0,
        le=1,
        description="what each name of a listed person beyond the first adds to the list's size, as a share "
        "of a person (measured: benchmarks/fit_list_prior.py; aliases are mostly variants of one name)",
    )
    list_undated_weight: float = Field(
        19.75,
        ge=1,
        le=100,
        description="how many people a listed person without a date of birth counts as in the list's size "
        "(nothing tells an ordinary traveller apart from them but the name)",
    )
    list_size_prior_min_names: float = Field(
        525,
        ge=1,
        description="a list smaller than this (list_size.chance_size) is weighed as this large: the smallest "
        "size the weight was measured at, 300 OFAC people (a two-name list would otherwise flag on a date "
        "of birth alone)",
    )
    list_size_prior_weight: float = Field(
        0.73,
        ge=0,
        le=2,
        description="how far a list's size moves the intercept, measured (benchmarks/fit_list_prior.py): 1 is "
        "the pure prior odds, less when chance agreements grow more slowly than the list",
    )
    list_size_prior: bool = Field(
        True,
        description="weigh a list's size as the prior odds that a traveller is one given listed person, so a "
        "score (and the threshold) means the same on a list of any size",
    )
    severity: str = "HIGH"
    max_matches_per_traveller: int = Field(5, ge=1)
    max_candidates_per_traveller: int = Field(200, ge=1)

    def for_list(self, size: float) -> MatchConfig:
        """This config for a list of `size` (list_size.chance_size): with list_size_prior, the intercept
        takes the prior odds of the list's size (chance agreements grow with the people a traveller is
        compared with, so a smaller list needs less evidence for the same share of ordinary travellers
        flagged). Idempotent: the result is calibrated for that size, so applying it again changes nothing."""
        weighed = max(float(size), float(self.list_size_prior_min_names))
        if not self.list_size_prior or weighed == self.calibration_names:
            return self
        shift = self.list_size_prior_weight * math.log(self.calibration_names / weighed)
        adjusted = self.model_copy(
            update={"calibration_intercept": self.calibration_intercept + shift, "calibration_names": weighed}
        )
        adjusted._list_prior = self._list_prior + shift
        return adjusted

    @property
    def list_prior(self) -> float:
        """What for_list added to the calibration intercept (0 for a config not made by it)."""
        return self._list_prior

    def name_weights(self) -> NameWeights:
        return NameWeights(
            self.name_agree_min,
            self.unmatched_traveller_part,
            self.unmatched_listed_part,
            self.phonetic_similarity,
            self.initial_similarity,
            self.joined_string_min,
            self.part_agree_log_odds,
            self.part_near_agree_share,
            self.part_initial_log_odds,
            self.part_contradiction_log_odds,
            self.part_contradiction_weight_log_odds,
            self.part_missing_listed_log_odds,
            self.part_missing_traveller_log_odds,
            self.short_part_length,
            self.short_part_max_weight,
            self.short_inexact_factor,
            self.name_max_log_odds,
        )


def load_match_config(rules_dir: str | Path) -> MatchConfig:
    path = Path(rules_dir) / "screening.yaml"
    if not path.exists():
        return MatchConfig()
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        return MatchConfig(**(data.get("matching") or {}))
    except yaml.YAMLError as exc:
        raise RulesError(f"{path}: not valid YAML ({exc})") from exc
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise RulesError(f"{path}: matching.{where}: {first['msg']}") from exc
