"""Column-wise frames for validation: one row per traveller, and the single row of flight fields."""

from __future__ import annotations

from typing import Any

import pandas as pd

from screening import schemas
from screening.model import Manifest


def traveller_field_names() -> list[str]:
    """Contract traveller columns plus the optional extras some readers supply (e.g. issue date)."""
    return schemas.traveller_columns() + list(schemas.optional_extra_fields()) + ["source_line"]


def text_column(values: list[Any]) -> pd.Series:
    """Arrow-backed text; non-text values become their text, blank text counts as missing."""
    column = pd.Series(values, dtype="str")
    return column.mask(column.str.strip() == "")


def traveller_frame(travellers: list[dict[str, Any]]) -> pd.DataFrame:
    """Built column by column (much faster than from a list of dicts)."""
    data = {name: text_column([t.get(name) for t in travellers]) for name in traveller_field_names()}
    return pd.DataFrame(data)


def flight_frame(manifest: Manifest) -> pd.DataFrame:
    data = {name: text_column([getattr(manifest, name, None)]) for name in schemas.flight_columns()}
    return pd.DataFrame(data)
