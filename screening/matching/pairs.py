"""Score a table of name pairs (`screening compare --pairs`): adds score, is_match and explanation columns."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from screening.matching.config import MatchConfig


def _cell(row: Mapping[Any, Any], column: str) -> str | None:
    value = row.get(column)
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    return str(value).strip() or None


def compare_pairs(frame: pd.DataFrame, config: MatchConfig) -> pd.DataFrame:
    """A copy of `frame` (columns name1, name2, optional dob1, dob2, nationality1, nationality2) with
    score, is_match and explanation (every part with its log-odds, contradicting ones included). The
    name2 column plays the list: each part weighs by its rarity there, as screening weighs a list's."""
    from screening.matching.engine import compare, part_rarity

    rarity = part_rarity(str(name) for name in frame["name2"] if isinstance(name, str) and name.strip())
    scores, verdicts, explanations = [], [], []
    rows: list[dict[str, object]] = frame.to_dict("records")  # type: ignore[assignment]  # str column names
    for row in rows:
        result = compare(
            _cell(row, "name1") or "",
            _cell(row, "name2") or "",
            config,
            dob_a=_cell(row, "dob1"),
            dob_b=_cell(row, "dob2"),
            nationality_a=_cell(row, "nationality1"),
            nationality_b=_cell(row, "nationality2"),
            rarity=rarity,
        )
        scores.append(round(result.score, 4))
        verdicts.append(result.is_match)
        explanations.append("; ".join(f"{p.feature} {p.value:+.2f}: {p.detail}" for p in result.parts))
    out = frame.copy()
    out["score"], out["is_match"], out["explanation"] = scores, verdicts, explanations
    return out
