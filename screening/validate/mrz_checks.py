"""MRZs carried by JSON manifest travellers: check digits (DOC_CHECK_DIGIT_INVALID) and agreement with
the declared fields (DQ_MRZ_MISMATCH). Explanations name fields, never their values."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from screening import rule_ids
from screening.countries import same_country
from screening.model import Flag, Manifest
from screening.validate.flags import flag
from screening.validate.mrz import MRZ, MRZFormatError, parse_mrz
from screening.vocabulary import DATA_QUALITY, DOCUMENT

DOC_CHECK_DIGIT_INVALID = rule_ids.DOC_CHECK_DIGIT_INVALID
DQ_MRZ_FORMAT = "DQ_MRZ_FORMAT"
DQ_MRZ_MISMATCH = "DQ_MRZ_MISMATCH"
_DIGRAPHS = (("AE", "A"), ("OE", "O"), ("UE", "U"), ("AA", "A"))


def mrz_groups(value: Any) -> list[list[str] | str]:
    """A traveller's `mrz`: one MRZ (list of lines or one text) or several (list of lists)."""
    if not value:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, list) for v in value):
        return [[str(line) for line in v] for v in value]
    if isinstance(value, list):
        return [[str(line) for line in value]]
    return [str(value)]


def _yymmdd(iso_date: str | None) -> str | None:
    if not iso_date or len(iso_date) != 10 or iso_date[4] != "-" or iso_date[7] != "-":
        return None
    return iso_date[2:4] + iso_date[5:7] + iso_date[8:10]


def _date_agrees(declared: str | None, printed: str) -> bool:
    """Positions the MRZ leaves unknown ('<', e.g. unknown day of birth) agree with anything."""
    short = _yymmdd(declared)
    if short is None:
        return True  # malformed dates are DQ_FORMAT's job
    return all(p == "<" or p == d for p, d in zip(printed, short, strict=True))


def _letters(text: str) -> str:
    return "".join(ch for ch in text if "A" <= ch <= "Z")


def _fold_digraphs(letters: str) -> str:
    """AE/OE/UE/AA -> A/O/U/A: a declared 'Muller' and a printed 'MUELLER' may both stand for Müller."""
    for digraph, single in _DIGRAPHS:
        letters = letters.replace(digraph, single)
    return letters


def _name_agrees(declared: str | None, printed: str, truncated: bool) -> bool:
    """Declared name transliterated per Doc 9303 (either form where ICAO allows two); letters only, so
    spaces, hyphens and apostrophes do not matter; a truncated MRZ name need only be a prefix."""
    if not declared:
        return True
    from screening.matching.translit import transliterate

    target = _letters(printed)
    folded_target = _fold_digraphs(target)
    for form in transliterate(declared):
        letters = _letters(form)
        if letters == target or _fold_digraphs(letters) == folded_target:
            return True
        if truncated and target and (letters.startswith(target) or _fold_digraphs(letters).startswith(folded_target)):
            return True
    return False


def _sex_agrees(declared: str | None, printed: str) -> bool:
    if not declared:
        return True
    return declared == printed or (printed == "<" and declared in ("X", "U"))


def mismatched_fields(traveller: Mapping[str, Any], mrz: MRZ) -> list[str]:
    """Declared fields that the MRZ contradicts (visa MRZs are compared with the visa fields)."""
    prefix = "visa" if mrz.is_visa else "document"
    number_field = f"{prefix}_number"
    state_field = f"{prefix}_issuing_state"
    expiry_field = "visa_expiry" if mrz.is_visa else "document_expiry"
    out: list[str] = []
    number = traveller.get(number_field)
    if number and number.replace("<", "") != mrz.document_number:
        out.append(number_field)
    state = traveller.get(state_field)
    if state and not same_country(state, mrz.issuing_state):
        out.append(state_field)
    nationality = traveller.get("nationality")
    if nationality and mrz.nationality and not same_country(nationality, mrz.nationality):
        out.append("nationality")
    if not _date_agrees(traveller.get("date_of_birth"), mrz.birth_date):
        out.append("date_of_birth")
    if not _date_agrees(traveller.get(expiry_field), mrz.expiry_date):
        out.append(expiry_field)
    if not _sex_agrees(traveller.get("sex"), mrz.sex):
        out.append("sex")
    doc_type = traveller.get("document_type")
    if not mrz.is_visa and doc_type and mrz.document_code and doc_type[0] != mrz.document_code[0]:
        out.append("document_type")
    if not _name_agrees(traveller.get("surname"), mrz.surname, mrz.name_truncated):
        out.append("surname")
    if not mrz.name_truncated and not _name_agrees(traveller.get("given_names"), mrz.given_names, False):
        out.append("given_names")
    return out


@dataclass
class _Tally:
    """What the validation report counts of the MRZs it checked."""

    stats: Counter[str] = field(default_factory=Counter)
    layouts: Counter[str] = field(default_factory=Counter)
    failures: Counter[str] = field(default_factory=Counter)
    mismatches: Counter[str] = field(default_factory=Counter)

    def summary(self) -> dict[str, Any]:
        return {
            "travellers_with_mrz": self.stats["travellers_with_mrz"],
            "mrz_checked": self.stats["mrz_checked"],
            "mrz_unreadable": self.stats["mrz_unreadable"],
            "by_layout": dict(self.layouts),
            "check_digits_checked": self.stats["check_digits_checked"],
            "check_digit_failures": sum(self.failures.values()),
            "check_digit_failures_by_field": dict(self.failures),
            "mismatches_by_field": dict(self.mismatches),
        }


@dataclass(frozen=True)
class _Place:
    """Where an MRZ is: its traveller (ref, or source line), its position among the traveller's MRZs, and
    the source line quoted when the traveller_ref is not unique in the manifest."""

    ref: str
    line: Any
    where: str
    index: int


def mrz_flags(manifest: Manifest, now: datetime) -> tuple[list[Flag], dict[str, Any]]:
    """Flags for every MRZ in the manifest, and counts for the report."""
    del now  # MRZ checks do not depend on the clock (expiry is DOC_EXPIRED's job, on the travel date)
    flags: list[Flag] = []
    tally = _Tally()
    with_mrz = [(pos, t) for pos, t in enumerate(manifest.travellers) if t.get("mrz")]
    refs = Counter(t.get("traveller_ref") for t in manifest.travellers) if with_mrz else Counter()
    for pos, traveller in with_mrz:
        groups = mrz_groups(traveller.get("mrz"))
        if not groups:
            continue
        tally.stats["travellers_with_mrz"] += 1
        ref = traveller.get("traveller_ref") or f"source_line:{traveller.get('source_line', pos)}"
        line = traveller.get("source_line")
        where = f" (source line {line})" if refs[traveller.get("traveller_ref")] > 1 else ""
        for index, lines in enumerate(groups):
            flags += _one_mrz_flags(manifest, traveller, lines, _Place(ref, line, where, index), tally)
    return flags, tally.summary()


def _one_mrz_flags(
    manifest: Manifest, traveller: Mapping[str, Any], lines: list[str] | str, at: _Place, tally: _Tally
) -> list[Flag]:
    """One MRZ: readable, its check digits, its dates, and its agreement with the declared fields."""
    tally.stats["mrz_checked"] += 1
    try:
        mrz = parse_mrz(lines)
    except MRZFormatError as exc:
        tally.stats["mrz_unreadable"] += 1
        text = f"mrz is not a readable ICAO Doc 9303 MRZ: {exc}{at.where}"
        return [
            flag(
                manifest,
                at.ref,
                DATA_QUALITY,
                DQ_MRZ_FORMAT,
                "MEDIUM",
                text,
                field="mrz",
                mrz_index=at.index,
                source_line=at.line,
            )
        ]
    tally.layouts[mrz.layout] += 1
    tally.stats["check_digits_checked"] += len(mrz.checks)
    failed = mrz.failed_checks
    tally.failures.update(failed)
    differing = mismatched_fields(traveller, mrz)
    tally.mismatches.update(differing)

    def found(flag_type: str, rule_id: str, severity: str, text: str, fields: list[str]) -> Flag:
        return flag(
            manifest,
            at.ref,
            flag_type,
            rule_id,
            severity,
            f"{mrz.layout} MRZ {text}{at.where}",
            fields=fields,
            layout=mrz.layout,
            mrz_index=at.index,
            source_line=at.line,
        )

    out: list[Flag] = []
    if failed:
        text = f"check digit invalid for: {', '.join(failed)} (ICAO Doc 9303 7-3-1)"
        out.append(found(DOCUMENT, DOC_CHECK_DIGIT_INVALID, "HIGH", text, failed))
    if mrz.invalid_dates:
        text = f"{', '.join(mrz.invalid_dates)} is not a calendar date"
        out.append(found(DATA_QUALITY, DQ_MRZ_FORMAT, "MEDIUM", text, mrz.invalid_dates))
    if differing:
        out.append(
            found(DATA_QUALITY, DQ_MRZ_MISMATCH, "MEDIUM", f"disagrees with declared {', '.join(differing)}", differing)
        )
    return out
