"""The typed records of screening.model are the JSON Schemas' records: a TypedDict's keys are its schema's
properties, so a column added to a schema (or a record) without the other fails here."""

from __future__ import annotations

from typing import get_type_hints

import pytest

from screening import schemas
from screening.model import Document, FlagRow, QuarantineRow, SanctionRow, Traveller, new_traveller


def _manifest_schema() -> dict:
    return schemas.load_schema(schemas.MANIFEST_CSV)


def test_traveller_keys_are_the_manifest_schema_traveller_fields() -> None:
    schema = _manifest_schema()
    expected = set(schemas.traveller_columns()) | set(schema["x-optional-extras"]) | set(schema["x-reader-fields"])
    assert set(get_type_hints(Traveller)) == expected


def test_document_keys_are_the_document_table_columns() -> None:
    columns = set(schemas.document_arrow_schema().names) - {"manifest_id"}
    assert set(get_type_hints(Document)) == columns
    assert Document.__required_keys__ == frozenset(columns)


@pytest.mark.parametrize(
    ("record", "schema"), [(FlagRow, "flags_csv"), (SanctionRow, "sanctions_csv"), (QuarantineRow, "quarantine_csv")]
)
def test_output_rows_are_their_schemas(record: type, schema: str) -> None:
    assert list(get_type_hints(record)) == schemas.columns(schema)  # same keys, same order
    assert set(record.__required_keys__) == set(schemas.required_columns(schema))


def test_a_new_traveller_has_every_schema_column_and_keeps_extras() -> None:
    traveller = new_traveller({"surname": "DOE", "not_a_column": "x"}, "line 2", {"mrz": ["P<D<<DOE"]})
    assert list(traveller)[: len(schemas.traveller_columns())] == schemas.traveller_columns()
    assert traveller["surname"] == "DOE" and traveller["given_names"] is None
    assert traveller["source_line"] == "line 2" and traveller["mrz"] == ["P<D<<DOE"]
    assert "not_a_column" not in traveller  # only a JSON manifest's declared extras are kept
