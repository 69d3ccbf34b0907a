"""Vectorised evaluation of the obligation rules over a table of travellers with flight columns.
One implementation serves the pipeline (one manifest), backtests and benchmarks (millions of rows)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd

from screening import rule_ids
from screening.countries import to_iso3
from screening.rules.context import fmt_instant
from screening.rules.frame import FlightTable, ensure_columns, text
from screening.rules.models import RuleSet
from screening.rules.timing import add_months, parse_partial_dates
from screening.vocabulary import FLAG_FRAME_COLUMNS, OBLIGATION


def empty_flags() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="string") for c in FLAG_FRAME_COLUMNS})


def _day_text(days: np.ndarray) -> pd.Series:
    return pd.Series(np.datetime_as_string(days, unit="D")).replace("NaT", "unknown")


def _iso3_series(values: pd.Series) -> pd.Series:
    """ICAO -> ISO3 per unique value (D -> DEU), so joins with ISO-keyed policy work."""
    uniques = values.dropna().unique()
    return values.map({u: to_iso3(str(u)) for u in uniques})


class TravellerFacts:
    """Derived per-traveller columns (dates, visa category, flight facts spread to rows)."""

    def __init__(self, df: pd.DataFrame, ruleset: RuleSet, now: datetime | None = None) -> None:
        self.df = df
        self.flights = ft = FlightTable(df, ruleset, now)
        ctx = ft.contexts
        end = ruleset.parameters.partial_expiry == "end_of_period"
        self.ref = text(df, "traveller_ref").fillna("").to_numpy(dtype=object)
        self.ttype = text(df, "traveller_type").str.upper().fillna("PAX").to_numpy(dtype=object)
        self.no_number = text(df, "document_number").isna().to_numpy()
        self.no_type = text(df, "document_type").isna().to_numpy()
        self.expiry = parse_partial_dates(df["document_expiry"], end)
        self.expiry_raw = text(df, "document_expiry").fillna("").to_numpy(dtype=object)
        self.arrival = ft.days([c.arrival_date for c in ctx])
        self.required = ft.days([c.required_until for c in ctx])
        self.months = ft.per_flight([c.validity_months for c in ctx], "int64")
        self.dest = pd.Series(ft.per_flight([c.destination for c in ctx]), index=df.index)
        self.dest_iso = _iso3_series(self.dest)
        nat = text(df, "nationality").str.upper()
        self.nat = nat
        self.nat_iso = _iso3_series(nat.astype(object))
        pair = self.dest_iso.fillna("") + "|" + self.nat_iso.fillna("")
        codes, uniques = pd.factorize(pair)
        lookup = np.array([ruleset.visa.get(tuple(u.split("|", 1))) for u in uniques] + [None], dtype=object)
        self.visa_category = lookup[codes]
        self.national = (self.dest_iso == self.nat_iso).fillna(False).to_numpy(dtype=bool)
        self.visa_number = ~text(df, "visa_number").isna().to_numpy()
        self.visa_expiry = parse_partial_dates(df["visa_expiry"], end)
        issuer = text(df, "visa_issuing_state").str.upper()
        self.visa_issuer = issuer.fillna("").to_numpy(dtype=object)
        issuer_iso = _iso3_series(issuer.astype(object))
        area = ruleset.visa_area_of()
        same_area = (issuer_iso.map(area) == self.dest_iso.map(area)).fillna(False).to_numpy(dtype=bool)
        self.visa_issuer_ok = (
            issuer_iso.isna().to_numpy() | (issuer_iso == self.dest_iso).fillna(False).to_numpy(dtype=bool) | same_area
        )

    def rule_applies(self, ruleset: RuleSet, rule_id: str) -> np.ndarray:
        rule = ruleset.rules.get(rule_id)
        if rule is None or not rule.enabled or rule.scope != "traveller":
            return np.zeros(len(self.df), dtype=bool)
        return np.isin(self.ttype, list(rule.traveller_types))


def _flags(
    facts: TravellerFacts,
    mask: np.ndarray,
    ruleset: RuleSet,
    rule_id: str,
    explanation: pd.Series,
    frameworks: pd.Series | str = "",
) -> pd.DataFrame:
    if not mask.any():
        return empty_flags()
    df = facts.df
    idx = np.flatnonzero(mask)
    out = pd.DataFrame(
        {
            "manifest_id": df["manifest_id"].to_numpy(dtype=object)[idx],
            "carrier": df["carrier"].to_numpy(dtype=object)[idx],
            "flight_number": df["flight_number"].to_numpy(dtype=object)[idx],
            "traveller_ref": facts.ref[idx],
            "flag_type": OBLIGATION,
            "rule_id": rule_id,
            "severity": ruleset.rules[rule_id].severity,
            "explanation": explanation.to_numpy(dtype=object),
            "frameworks": frameworks.to_numpy(dtype=object) if isinstance(frameworks, pd.Series) else frameworks,
            "rules_version": ruleset.version,
        }
    )
    return out


def _sub(values: np.ndarray, mask: np.ndarray) -> pd.Series:
    return pd.Series(values[mask], dtype=object).astype("string").fillna("")


def doc_missing(facts: TravellerFacts, ruleset: RuleSet) -> pd.DataFrame:
    mask = facts.rule_applies(ruleset, rule_ids.DOC_MISSING) & (facts.no_number | facts.no_type)
    what = np.where(
        facts.no_number & facts.no_type,
        "document number and type",
        np.where(facts.no_number, "document number", "document type"),
    )
    expl = (
        "Traveller "
        + _sub(facts.ref, mask)
        + ": no travel document declared ("
        + _sub(what, mask)
        + " missing); the carrier must check documents required for entry."
    )
    return _flags(facts, mask, ruleset, rule_ids.DOC_MISSING, expl)


def _expiry_text(facts: TravellerFacts, mask: np.ndarray) -> pd.Series:
    """'expiry 2026-03-01', or for a partial date 'expiry 2026, read as valid to 2026-12-31'."""
    raw = _sub(facts.expiry_raw, mask)
    day = _day_text(facts.expiry[mask])
    partial = (raw.str.len() != 10).to_numpy()
    return (
        "expiry "
        + raw
        + pd.Series(np.where(partial, ", read as valid to " + day.to_numpy(dtype=object), ""), dtype="string")
    )


def doc_expired(facts: TravellerFacts, ruleset: RuleSet) -> pd.DataFrame:
    ok = ~np.isnat(facts.expiry) & ~np.isnat(facts.arrival)
    mask = facts.rule_applies(ruleset, rule_ids.DOC_EXPIRED) & ok
    mask[mask] = facts.expiry[mask] < facts.arrival[mask]
    basis = facts.flights.per_flight([c.arrival_date_basis for c in facts.flights.contexts])
    expl = (
        "Traveller "
        + _sub(facts.ref, mask)
        + ": travel document expired ("
        + _expiry_text(facts, mask)
        + ") before the arrival date "
        + _day_text(facts.arrival[mask])
        + " ("
        + _sub(basis, mask)
        + ")."
    )
    return _flags(facts, mask, ruleset, rule_ids.DOC_EXPIRED, expl)


def doc_validity_short(facts: TravellerFacts, ruleset: RuleSet) -> pd.DataFrame:
    ok = ~np.isnat(facts.expiry) & ~np.isnat(facts.required) & ~np.isnat(facts.arrival) & (facts.months > 0)
    mask = facts.rule_applies(ruleset, rule_ids.DOC_VALIDITY_SHORT) & ok
    mask[mask] = (facts.expiry[mask] >= facts.arrival[mask]) & (facts.expiry[mask] < facts.required[mask])
    if not mask.any():
        return _flags(facts, mask, ruleset, rule_ids.DOC_VALIDITY_SHORT, pd.Series(dtype="string"))
    # frameworks whose own validity period is breached (sanctions are per framework)
    ft = facts.flights
    names = np.full(int(mask.sum()), "", dtype=object)
    width = max((len(c.frameworks) for c in ft.contexts), default=0)
    exp = facts.expiry[mask]
    for k in range(width):
        ids, req = [], []
        for c in ft.contexts:
            fw = c.frameworks[k] if k < len(c.frameworks) else None
            minimum = fw.document_validity.min_months_after_arrival if fw and fw.document_validity else 0
            ids.append(fw.id if fw and minimum > 0 else "")
            req.append(add_months(c.arrival_date, minimum) if fw and minimum > 0 and c.arrival_date else None)
        fid = ft.per_flight(ids)[mask]
        rdays = ft.days(req)[mask]
        hit = (fid != "") & ~np.isnat(rdays) & (exp < rdays)
        names = np.where(hit, np.where(names == "", fid, names + "|" + fid.astype(str)), names)
    months = _sub(facts.months.astype(str).astype(object), mask)
    src = ft.per_flight([c.validity_framework for c in ft.contexts])
    expl: Any = (
        "Traveller "
        + _sub(facts.ref, mask)
        + ": travel document valid to "
        + _day_text(facts.expiry[mask])
        + ", less than the "
        + months
        + " months after arrival ("
        + _day_text(facts.arrival[mask])
        + ", so until "
        + _day_text(facts.required[mask])
        + ") required by "
        + _sub(src, mask)
        + "."
    )
    return _flags(facts, mask, ruleset, rule_ids.DOC_VALIDITY_SHORT, expl, pd.Series(names))


def visa_required_missing(facts: TravellerFacts, ruleset: RuleSet) -> pd.DataFrame:
    rule = ruleset.rules.get(rule_ids.VISA_REQUIRED_MISSING)
    if rule is None:
        return empty_flags()
    requires = np.isin(facts.visa_category, list(rule.requiring_categories))
    in_time = np.isnat(facts.visa_expiry) | np.isnat(facts.arrival) | (facts.visa_expiry >= facts.arrival)
    visa_valid = facts.visa_number & in_time & facts.visa_issuer_ok
    mask = facts.rule_applies(ruleset, rule_ids.VISA_REQUIRED_MISSING) & requires & ~facts.national & ~visa_valid
    cat = _sub(facts.visa_category, mask).str.replace("_", " ")
    wrong_issuer = (
        "the declared visa was issued by " + _sub(facts.visa_issuer, mask) + ", not valid for the destination"
    )
    reason = pd.Series(
        np.where(
            ~facts.visa_number[mask],
            "no visa declared",
            np.where(
                ~in_time[mask],
                "the declared visa expired before arrival",
                wrong_issuer.to_numpy(dtype=object),
            ),
        ),
        dtype="string",
    )
    expl = (
        "Traveller "
        + _sub(facts.ref, mask)
        + ": nationality "
        + _sub(facts.nat.to_numpy(dtype=object), mask)
        + " needs a visa for "
        + _sub(facts.dest.to_numpy(dtype=object), mask)
        + " (visa policy: "
        + cat
        + ") and "
        + reason
        + "."
    )
    return _flags(facts, mask, ruleset, rule_ids.VISA_REQUIRED_MISSING, expl)


def api_late(facts: TravellerFacts, ruleset: RuleSet) -> pd.DataFrame:
    """Per manifest: transmitted after a framework's deadline (all compared as UTC instants)."""
    rule = ruleset.rules.get(rule_ids.API_LATE)
    if rule is None or not rule.enabled:
        return empty_flags()
    rows = []
    for flight, ctx in zip(facts.flights.rows, facts.flights.contexts, strict=True):
        late = ctx.late_deadlines()
        if not late:
            continue
        parts = "; ".join(
            f"{d.text}: late by {int((ctx.transmitted - d.deadline).total_seconds() // 60)} min"  # type: ignore[operator]
            for d in late
        )
        rows.append(
            {
                "manifest_id": flight["manifest_id"],
                "carrier": flight["carrier"],
                "flight_number": flight["flight_number"],
                "traveller_ref": "",
                "flag_type": OBLIGATION,
                "rule_id": rule_ids.API_LATE,
                "severity": rule.severity,
                "explanation": f"API data transmitted {fmt_instant(ctx.transmitted)}, after {parts}.",
                "frameworks": "|".join(d.framework for d in late),
                "rules_version": ruleset.version,
            }
        )
    return pd.DataFrame(rows, columns=list(FLAG_FRAME_COLUMNS)) if rows else empty_flags()


def evaluate_frame(df: pd.DataFrame, ruleset: RuleSet, *, now: datetime | None = None) -> pd.DataFrame:
    """Flags (FLAG_FRAME_COLUMNS) for every traveller row of `df` (flight columns + traveller columns), one
    evaluator per enabled obligation rule of the registry (screening.rules.registry).
    `frameworks` names the frameworks a flag breaches when that differs per framework (API_LATE,
    DOC_VALIDITY_SHORT); empty means every framework in force that sanctions the rule."""
    from screening.rules.registry import evaluators  # the registry imports these evaluators

    if df.empty:
        return empty_flags()
    df = ensure_columns(df.reset_index(drop=True))
    facts = TravellerFacts(df, ruleset, now)
    parts = [fn(facts, ruleset) for _, fn in evaluators(ruleset)]
    parts = [p for p in parts if not p.empty]
    if not parts:
        return empty_flags()
    return pd.concat(parts, ignore_index=True)
