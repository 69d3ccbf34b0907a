"""Column-wise frames for validation: one row per traveller, and the single row of flight fields."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from screening import schemas
from screening.model import Manifest


def traveller_field_names() -> list[str]:
    """Contract traveller columns plus the optional extras some readers supply (e.g. issue date)."""
    return schemas.traveller_columns() + list(schemas.optional_extra_fields()) + ["source_line"]


def text_column(values: list[Any]) -> pd.Series:
    """Arrow-backed text; blank text counts as missing. Built in Arrow (a third faster than pandas'
    own conversion); values that are not text (numbers from a JSON manifest) take pandas' path."""
    try:
        array = pa.array(values, type=pa.string())
    except (pa.ArrowTypeError, pa.ArrowInvalid):
        column = pd.Series(values, dtype="str")
        return column.mask(column.str.strip() == "")
    blank = pc.equal(pc.utf8_trim_whitespace(array), "")
    if pc.any(blank).as_py():
        array = pc.if_else(blank, pa.scalar(None, pa.string()), array)
    return pd.Series(array, dtype="str")


def traveller_frame(travellers: Sequence[Mapping[str, Any]]) -> pd.DataFrame:
    """Built column by column (much faster than from a list of dicts)."""
    data = {name: text_column([t.get(name) for t in travellers]) for name in traveller_field_names()}
    return pd.DataFrame(data)


def flight_frame(manifest: Manifest) -> pd.DataFrame:
    data = {name: text_column([getattr(manifest, name, None)]) for name in schemas.flight_columns()}
    return pd.DataFrame(data)
