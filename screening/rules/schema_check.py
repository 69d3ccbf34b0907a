"""JSON Schema validation of rule files, each error placed at the line of the offending value."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from jsonschema import Draft202012Validator

from screening.resources import schemas_dir
from screening.rules.problems import Problem
from screening.rules.yamlloc import LocatedYaml


@cache
def _validator(name: str) -> Draft202012Validator:
    path = schemas_dir() / f"{name}.schema.json"
    schema: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def _describe(error: Any) -> str:
    where = ".".join(str(p) for p in error.absolute_path) or "(top level)"
    if error.validator == "minimum" and isinstance(error.instance, int | float) and error.instance < 0:
        return f"{where}: negative amount {error.instance} (must be >= {error.validator_value})"
    if error.validator == "required":
        return f"{where}: {error.message} (missing)"
    if error.validator == "additionalProperties":
        return f"{where}: {error.message} (unknown key: check spelling)"
    return f"{where}: {error.message}"


def _where(error: Any, data: Any) -> list[Any]:
    """Path of the value to point at: the unexpected key itself for unknown or badly named keys."""
    path = list(error.absolute_path)
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        known = set((error.schema or {}).get("properties") or {})
        extras = [k for k in error.instance if k not in known]
        if extras:
            return [*path, extras[0]]
    if isinstance(error.instance, str):  # a badly named key (propertyNames): point at the key
        parent: Any = data
        for step in path:
            parent = parent[step] if isinstance(parent, dict | list) else None
        if isinstance(parent, dict) and error.instance in parent:
            return [*path, error.instance]
    return path


def schema_problems(doc: LocatedYaml, schema_name: str) -> list[Problem]:
    """Every schema violation of one file, sorted by line."""
    if doc.data is None:
        return [Problem(doc.path, 1, "file is empty")]
    errors = sorted(_validator(schema_name).iter_errors(doc.data), key=lambda e: list(map(str, e.absolute_path)))
    problems = [Problem(doc.path, doc.line(_where(e, doc.data)), _describe(e)) for e in errors]
    return sorted(problems, key=lambda p: p.line)
