"""The JSON Schemas in schemas/ are the one source of truth for file columns; this module reads them
and derives column lists and Arrow schemas so no other module keeps its own copy of a field list."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import pyarrow as pa

from screening.resources import schemas_dir

MANIFEST_CSV = "manifest_csv"
WATCHLIST_CSV = "watchlist_csv"
REGISTRY_CSV = "registry_csv"


@cache
def load_schema(name: str) -> dict[str, Any]:
    path = schemas_dir() / f"{name}.schema.json"
    with path.open(encoding="utf-8") as handle:
        return json.load(handle)


def columns(name: str) -> list[str]:
    """Contract columns in contract order."""
    return list(load_schema(name)["properties"])


def required_columns(name: str) -> list[str]:
    return list(load_schema(name).get("required", []))


def columns_at_level(level: str) -> list[str]:
    """Manifest CSV columns whose x-level is 'flight', 'traveller', 'document' or 'visa'."""
    props = load_schema(MANIFEST_CSV)["properties"]
    return [name for name, spec in props.items() if spec.get("x-level") == level]


def flight_columns() -> list[str]:
    return columns_at_level("flight")


def traveller_columns() -> list[str]:
    """Everything a traveller row carries (its own fields, its document and its visa)."""
    return [c for c in columns(MANIFEST_CSV) if c not in flight_columns()]


def flight_key_columns() -> list[str]:
    return list(load_schema(MANIFEST_CSV)["x-flight-key"])


def screening_required_columns() -> list[str]:
    """Without these a traveller cannot be screened at all and is quarantined."""
    return list(load_schema(MANIFEST_CSV)["x-screening-required"])


def country_columns() -> list[str]:
    return [c for c, spec in load_schema(MANIFEST_CSV)["properties"].items() if spec.get("x-country")]


# Canonical tables between pipeline stages. Values stay the text the carrier declared (normalised
# whitespace and case), so validation can tell "missing" from "malformed"; typed views are derived.
def traveller_arrow_schema() -> pa.Schema:
    fields = [pa.field("manifest_id", pa.string(), nullable=False)]
    fields += [pa.field(c, pa.string()) for c in traveller_columns()]
    fields += [pa.field("source_line", pa.string())]
    return pa.schema(fields)


def document_arrow_schema() -> pa.Schema:
    """Every travel document of a traveller (PAXLST may carry several DOC groups; CSV carries one + visa)."""
    return pa.schema(
        [
            pa.field("manifest_id", pa.string(), nullable=False),
            pa.field("traveller_ref", pa.string(), nullable=False),
            pa.field("document_type", pa.string()),
            pa.field("document_number", pa.string()),
            pa.field("issuing_state", pa.string()),
            pa.field("expiry", pa.string()),
            pa.field("is_visa", pa.bool_()),
        ]
    )


# Validation annotations (screening.validate builds its expectation suites from these).
def property_specs(name: str = MANIFEST_CSV) -> dict[str, dict[str, Any]]:
    """Each column's JSON Schema property (pattern, format, enum and x- annotations)."""
    return dict(load_schema(name)["properties"])


def api_mandatory_columns() -> list[str]:
    """API data elements a carrier must transmit (Directive 2004/82/EC art. 3(2), Reg. (EU) 2025/12)."""
    return [c for c, spec in property_specs().items() if spec.get("x-api-mandatory")]


def unique_column_groups() -> list[list[str]]:
    """Column groups whose values identify one traveller within a manifest (duplicates are flagged)."""
    single = [[c] for c, spec in property_specs().items() if spec.get("x-unique")]
    return single + [list(group) for group in load_schema(MANIFEST_CSV).get("x-unique-together", [])]


def optional_extra_fields() -> dict[str, dict[str, Any]]:
    """Fields some readers supply beyond the CSV contract (e.g. document issue date), with their specs."""
    return dict(load_schema(MANIFEST_CSV).get("x-optional-extras", {}))
