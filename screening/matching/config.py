"""Matching thresholds and weights, read from rules/screening.yaml (analysts tune them there)."""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from screening.errors import RulesError
from screening.matching.scoring import NameWeights


class MatchConfig(BaseModel):
    """Every number that decides a match; the YAML comments explain each one."""

    model_config = ConfigDict(extra="forbid")

    threshold: float = Field(0.86, ge=0, le=1, description="score at or above which a match is flagged")
    candidate_cutoff: float = Field(0.70, ge=0, le=1,
                                    description="name score below which a candidate is dropped unscored")
    candidate_min_share: float = Field(0.5, ge=0, le=1,
                                       description="share of the traveller's name weight a listed name must "
                                                   "match (within one edit or sound-alike) to be scored")
    candidate_estimate_margin: float = Field(0.1, ge=0, le=1)
    name_agree_min: float = Field(0.72, ge=0, le=1)
    unmatched_traveller_part: float = Field(0.5, ge=0, le=2)
    unmatched_listed_part: float = Field(0.25, ge=0, le=2)
    phonetic_similarity: float = Field(0.88, ge=0, le=1)
    initial_similarity: float = Field(0.7, ge=0, le=1)
    joined_string_min: float = Field(0.9, ge=0, le=1)
    particle_weight: float = Field(0.3, ge=0, le=5)
    dob_exact_bonus: float = Field(0.05, ge=0, le=1)
    dob_partial_bonus: float = Field(0.03, ge=0, le=1)
    dob_swapped_bonus: float = Field(0.02, ge=0, le=1)
    dob_near_penalty: float = Field(0.0, ge=0, le=1)
    dob_mismatch_penalty: float = Field(0.2, ge=0, le=1)
    nationality_match_bonus: float = Field(0.02, ge=0, le=1)
    nationality_mismatch_penalty: float = Field(0.08, ge=0, le=1)
    sex_mismatch_penalty: float = Field(0.1, ge=0, le=1)
    document_match_bonus: float = Field(0.15, ge=0, le=1)
    low_quality_alias_penalty: float = Field(0.03, ge=0, le=1)
    severity: str = "HIGH"
    max_matches_per_traveller: int = Field(5, ge=1)
    max_candidates_per_traveller: int = Field(200, ge=1)

    def name_weights(self) -> NameWeights:
        return NameWeights(self.name_agree_min, self.unmatched_traveller_part, self.unmatched_listed_part,
                           self.phonetic_similarity, self.initial_similarity, self.joined_string_min)


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
