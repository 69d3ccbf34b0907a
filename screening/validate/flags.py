"""Turn failing-row masks into flags. Explanations name the field and the kind of fault, never a value."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import numpy as np
import pandas as pd

from screening.model import Flag, Manifest
from screening.validate import spec
from screening.validate.masks import Outcome, first_occurrence_duplicates
from screening.vocabulary import OBLIGATION

LEGAL_BASIS = "Directive 2004/82/EC art. 3(2); Regulation (EU) 2025/12"
_SINGLE_FIELD = {
    spec.LENGTH,
    spec.REGEX,
    spec.DATE,
    spec.DATETIME,
    spec.IN_SET,
    spec.CODE_PATTERN,
    spec.NOT_FUTURE,
    spec.MAX_AGE,
}


def flag(
    manifest: Manifest,
    traveller_ref: str,
    flag_type: str,
    rule_id: str,
    severity: str,
    explanation: str,
    **details: Any,
) -> Flag:
    return Flag(
        manifest_id=manifest.manifest_id,
        carrier=manifest.carrier,
        flight_number=manifest.flight_number,
        traveller_ref=traveller_ref,
        flag_type=flag_type,
        rule_id=rule_id,
        severity=severity,
        explanation=explanation,
        details=details,
    )


def traveller_refs(frame: pd.DataFrame) -> np.ndarray:
    """The traveller_ref of each row; a row without one is named by its source line."""
    refs = frame["traveller_ref"].to_numpy(dtype=object, na_value=None)  # type: ignore[call-overload]
    lines = frame["source_line"].to_numpy(dtype=object, na_value=None)  # type: ignore[call-overload]
    named = [r if r else f"source_line:{ln}" for r, ln in zip(refs, lines, strict=True)]
    return np.array(named, dtype=object)


def where_suffixes(frame: pd.DataFrame) -> np.ndarray:
    """' (source line N)' for rows whose traveller_ref is shared with another row, else ''.

    A flag's identity in the store is its traveller_ref, rule and explanation: without the line, two
    travellers sent under one reference with the same fault would collapse into one flag."""
    refs = frame["traveller_ref"]
    shared = refs.duplicated(keep=False).to_numpy() & refs.notna().to_numpy()
    lines = frame["source_line"].to_numpy(dtype=object, na_value=None)  # type: ignore[call-overload]
    out = np.full(len(frame), "", dtype=object)
    for row in np.flatnonzero(shared).tolist():
        out[row] = f" (source line {lines[row]})"
    return out


def traveller_flags(manifest: Manifest, frame: pd.DataFrame, outcomes: list[Outcome]) -> list[Flag]:
    """Per traveller: one API_INCOMPLETE listing missing elements, then at most one fault per field
    (a malformed code is not also reported as unknown). Flags come out in manifest order."""
    refs = traveller_refs(frame)
    lines = frame["source_line"].to_numpy(dtype=object, na_value=None)  # type: ignore[call-overload]
    where = where_suffixes(frame)
    out: list[tuple[int, int, Flag]] = []
    missing: dict[int, list[str]] = defaultdict(list)
    faulted: dict[str, np.ndarray] = {}
    for outcome in outcomes:
        check = outcome.check
        if check.kind == spec.NOT_NULL and check.rule_id == spec.API_INCOMPLETE:
            for row in np.flatnonzero(outcome.failing).tolist():
                missing[row].append(check.column)
            continue
        if check.kind == spec.UNIQUE:
            out.extend((pos, 2, f) for pos, f in _duplicate_flags(manifest, frame, check, refs, lines, where))
            continue
        failing = outcome.failing
        if check.kind in _SINGLE_FIELD or check.kind == spec.NOT_NULL:
            seen = faulted.setdefault(check.column, np.zeros(len(failing), dtype=bool))
            failing = failing & ~seen
            seen |= failing
        for row in np.flatnonzero(failing).tolist():
            out.append(
                (
                    row,
                    1,
                    flag(
                        manifest,
                        refs[row],
                        check.flag_type,
                        check.rule_id,
                        check.severity,
                        f"{check.column} {check.fault}{where[row]}",
                        field=check.column,
                        check=check.id,
                        source_line=lines[row],
                    ),
                )
            )
    out.extend((row, 0, f) for row, f in _incomplete_flags(manifest, missing, refs, lines, where))
    out.sort(key=lambda item: (item[0], item[1]))
    return [f for _, _, f in out]


def _incomplete_flags(
    manifest: Manifest, missing: dict[int, list[str]], refs: np.ndarray, lines: np.ndarray, where: np.ndarray
) -> list[tuple[int, Flag]]:
    """One API_INCOMPLETE per traveller, naming every mandatory element it lacks."""
    out = []
    for row, fields in missing.items():
        text = f"missing mandatory API data element(s): {', '.join(fields)} ({LEGAL_BASIS}){where[row]}"
        found = flag(
            manifest, refs[row], OBLIGATION, spec.API_INCOMPLETE, "MEDIUM", text, fields=fields, source_line=lines[row]
        )
        out.append((row, found))
    return out


def _duplicate_flags(
    manifest: Manifest, frame: pd.DataFrame, check: spec.Check, refs: np.ndarray, lines: np.ndarray, where: np.ndarray
) -> list[tuple[int, Flag]]:
    """Only the repeats are flagged; the first occurrence is the traveller they repeat."""
    repeats = first_occurrence_duplicates(frame, check.columns)
    return [
        (
            pos,
            flag(
                manifest,
                refs[pos],
                check.flag_type,
                check.rule_id,
                check.severity,
                f"traveller {check.fault} (first at source line {lines[first]}){where[pos]}",
                fields=list(check.columns),
                check=check.id,
                source_line=lines[pos],
                first_source_line=lines[first],
            ),
        )
        for pos, first in sorted(repeats.items())
    ]


def flight_flags(manifest: Manifest, outcomes: list[Outcome]) -> list[Flag]:
    """Manifest-level flags (traveller_ref ""): one API_INCOMPLETE for all missing flight elements."""
    out: list[Flag] = []
    missing: list[str] = []
    faulted: set[str] = set()
    for outcome in outcomes:
        check = outcome.check
        if not outcome.failing.any():
            continue
        if check.kind == spec.NOT_NULL and check.rule_id == spec.API_INCOMPLETE:
            missing.append(check.column)
            continue
        if check.kind in _SINGLE_FIELD:
            if check.column in faulted:
                continue
            faulted.add(check.column)
        out.append(
            flag(
                manifest,
                "",
                check.flag_type,
                check.rule_id,
                check.severity,
                f"{check.column} {check.fault}",
                field=check.column,
                check=check.id,
            )
        )
    if missing:
        out.insert(
            0,
            flag(
                manifest,
                "",
                OBLIGATION,
                spec.API_INCOMPLETE,
                "HIGH",
                f"flight is missing mandatory API data element(s): {', '.join(missing)} ({LEGAL_BASIS})",
                fields=missing,
            ),
        )
    return out
