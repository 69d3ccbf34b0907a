"""Matching thresholds and weights, read from rules/screening.yaml (analysts tune them there)."""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from screening.errors import RulesError


class MatchConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    threshold: float = Field(0.88, ge=0, le=1, description="score at or above which a match is flagged")
    candidate_cutoff: float = Field(0.75, ge=0, le=1, description="name score below which no candidate is kept")
    dob_mismatch_penalty: float = Field(0.25, ge=0, le=1)
    dob_match_bonus: float = Field(0.05, ge=0, le=1)
    nationality_mismatch_penalty: float = Field(0.05, ge=0, le=1)
    severity: str = "HIGH"
    max_matches_per_traveller: int = Field(5, ge=1)


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
