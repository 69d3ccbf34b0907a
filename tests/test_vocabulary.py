"""screening.vocabulary is the one place the project's words are defined: its enums are the output schemas'
enums, the rule models accept exactly its severities, and the sanction id is the one every path computes."""

from __future__ import annotations

import re
from typing import get_args

from screening import schemas, vocabulary
from screening.model import Flag, QuarantineRecord, Sanction
from screening.rules.models import RuleDef


def _enum(schema: str, column: str) -> tuple[str, ...]:
    return tuple(schemas.load_schema(schema)["properties"][column]["enum"])


def test_flag_types_severities_and_statuses_are_the_output_schemas_enums() -> None:
    assert vocabulary.FLAG_TYPES == _enum("flags_csv", "flag_type") == get_args(vocabulary.FlagType)
    assert vocabulary.SEVERITIES == _enum("flags_csv", "severity") == get_args(vocabulary.Severity)
    assert vocabulary.SANCTION_STATUSES == _enum("sanctions_csv", "status") == get_args(vocabulary.SanctionStatus)
    assert set(vocabulary.SANCTION_STATUSES) > vocabulary.DECIDED_STATUSES
    assert set(vocabulary.HIT_FLAG_TYPES) < set(vocabulary.FLAG_TYPES)


def test_rule_files_accept_exactly_the_vocabulary_severities() -> None:
    annotation = RuleDef.model_fields["severity"].annotation
    assert get_args(annotation) == vocabulary.SEVERITIES


def test_severity_rank_orders_highest_first() -> None:
    assert list(vocabulary.SEVERITY_RANK) == ["CRITICAL", "HIGH", "MEDIUM", "LOW"]
    assert vocabulary.SEVERITY_RANK["CRITICAL"] > vocabulary.SEVERITY_RANK["LOW"]


def test_records_write_the_schema_columns() -> None:
    assert tuple(schemas.columns("flags_csv")) == Flag.CSV_COLUMNS
    assert tuple(schemas.columns("sanctions_csv")) == Sanction.CSV_COLUMNS
    assert tuple(schemas.columns("quarantine_csv")) == QuarantineRecord.CSV_COLUMNS
    # the frames and exports extend the run output's columns, never rename them
    assert set(vocabulary.FLAGS_CSV_COLUMNS) <= set(vocabulary.FLAG_EXPORT_COLUMNS)
    assert set(vocabulary.SANCTIONS_CSV_COLUMNS) <= set(vocabulary.SANCTION_EXPORT_COLUMNS)
    assert set(vocabulary.SANCTIONS_CSV_COLUMNS) <= set(vocabulary.SANCTION_FRAME_COLUMNS)


def test_one_sanction_id_for_the_record_and_the_frame() -> None:
    sanction = Sanction("M1", "XX", "123", "P001", "DOC_EXPIRED", "EU", 5000.0, "EUR", "PROPOSED", "")
    assert sanction.sanction_id == vocabulary.sanction_id("M1", "P001", "DOC_EXPIRED", "EU")
    assert sanction.sanction_id != vocabulary.sanction_id("M1", "P002", "DOC_EXPIRED", "EU")
    pattern = schemas.load_schema("sanctions_csv")["properties"]["sanction_id"]["pattern"]
    assert re.fullmatch(pattern, sanction.sanction_id)


def test_alias_qualities_are_normalised_at_load_time():
    from screening.vocabulary import ALIAS_QUALITIES, alias_quality
    from screening.watchlists.model import WatchlistEntry

    words = {"Good": "good", "aka": "good", "nka": "good", "Low": "low", "fka": "former"}
    words |= {"Original script": "original_script", "": "unspecified", "something else": "unspecified"}
    assert {w: alias_quality(w) for w in words} == words
    entry = WatchlistEntry("1", "UN", ["A B", "C D", "E F"], alias_quality=["Good", "fka"])
    assert entry.alias_quality == ["good", "former"] and set(entry.alias_quality) <= set(ALIAS_QUALITIES)
