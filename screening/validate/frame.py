"""Column-wise frames for validation: one row per traveller, and the single row of flight fields."""

from __future__ import annotations

from typing import Any

import pandas as pd

from screening import schemas
from screening.model import Manifest


def traveller_field_names() -> list[str]:
    """Contract traveller columns plus the optional extras some readers supply (e.g. issue date)."""
    return schemas.traveller_columns() + list(schemas.optional_extra_fields()) + ["source_line"]


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = value if isinstance(value, str) else str(value)
    return text if text.strip() else None


def traveller_frame(travellers: list[dict[str, Any]]) -> pd.DataFrame:
    """Built column by column (much faster than from a list of dicts); empty text counts as missing."""
    data = {name: [_text(t.get(name)) for t in travellers] for name in traveller_field_names()}
    return pd.DataFrame(data, dtype="str")


def flight_frame(manifest: Manifest) -> pd.DataFrame:
    data = {name: [_text(getattr(manifest, name, None))] for name in schemas.flight_columns()}
    return pd.DataFrame(data, dtype="str")
