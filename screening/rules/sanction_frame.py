"""Vectorised sanctions: obligation flags -> one record per carrier, flight, traveller, rule and framework,
with amounts per framework (per person, per journey, lump-sum cap per infringement) and exemptions
turned into WAIVED records that say why."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from screening.rules.exemptions import exemption_table, reason
from screening.rules.frame import FlightTable, ensure_columns
from screening.rules.models import RuleSet
from screening.rules.registry import BREACH_RULES
from screening.vocabulary import PROPOSED, SANCTION_FRAME_COLUMNS, WAIVED, sanction_id


def empty_sanctions() -> pd.DataFrame:
    out = pd.DataFrame({c: pd.Series(dtype="string") for c in SANCTION_FRAME_COLUMNS})
    return out.astype({"amount": "float64"})


def _money(currency: str, amount: float) -> str:
    return f"{currency} {amount:,.0f}" if float(amount).is_integer() else f"{currency} {amount:,.2f}"


def _explanation(g: dict[str, object]) -> str:
    unit = "per person" if g["basis"] == "per_person" else "per journey"
    currency = str(g["currency"])
    head = f"{g['rule']} under {g['fw']}: {_money(currency, float(g['nominal']))} ({unit}"  # type: ignore[arg-type]
    if g["basis"] == "per_person" and not g["per_traveller"]:
        head += f", {int(g['n'])} travellers"  # type: ignore[call-overload]
    head += f"; {g['source']})"
    if g["waived_by"]:
        return f"{head}; waived: {reason(str(g['waived_by']))} ({g['waive_src']})."
    if g["capped"]:
        limit = "lump-sum cap per infringement" if g["basis"] == "per_person" else "one penalty per journey"
        reduced = _money(currency, float(g["amount"]))  # type: ignore[arg-type]
        return f"{head}; reduced to {reduced} by the {limit} ({_money(currency, float(g['cap']))})."  # type: ignore[arg-type]
    return f"{head}."


def _explanations(parts: pd.DataFrame) -> np.ndarray:
    """One text per distinct combination of the facts it quotes (few), spread back to the rows (many)."""
    group = parts.fillna("").groupby(list(parts.columns), sort=False, dropna=False).ngroup().to_numpy()
    firsts = np.unique(group, return_index=True)[1]
    records: list[dict[str, object]] = parts.iloc[firsts].to_dict("records")  # type: ignore[assignment]
    texts = np.array([_explanation(rec) for rec in records], dtype=object)
    return texts[group]


def sanctions_frame(
    flags: pd.DataFrame,
    travellers: pd.DataFrame,
    ruleset: RuleSet,
    *,
    decisions: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Sanction records for `flags` (FLAG_FRAME_COLUMNS; frameworks may be empty) over `travellers` (history shape).
    `decisions` maps sanction_id -> CONFIRMED/APPEALED/WAIVED recorded by officers (kept on re-runs)."""
    # only carrier breaches are sanctioned (rules check refuses a framework that sanctions a risk)
    sanctionable = {r for f in ruleset.frameworks.values() for r in f.sanctioned_rules} & BREACH_RULES
    flags = flags[flags["rule_id"].isin(sanctionable)]
    if flags.empty or travellers.empty:
        return empty_sanctions()
    travellers = ensure_columns(travellers.reset_index(drop=True))
    table = FlightTable(travellers, ruleset)
    ctx_by_id = dict(zip(table.manifest_ids, table.contexts, strict=True))
    flags = flags[flags["manifest_id"].isin(ctx_by_id)].reset_index(drop=True)
    if flags.empty:
        return empty_sanctions()
    rows = _framework_rows(flags, ctx_by_id)
    if rows.empty:
        return empty_sanctions()
    rows = _with_exemptions(rows, travellers, table, ruleset)
    lines = _Lines.of(rows)
    waived_by, waive_src = _waivers(rows, lines, ruleset)
    fines = _nominal_fines(rows, lines, travellers, ruleset)
    waived = waived_by != ""
    due = np.where(waived, 0.0, fines.nominal)
    rows, amount = _capped(rows, due, fines.cap)
    capped = (amount < due) & ~waived
    ids = [
        sanction_id(m, t, r, f)
        for m, t, r, f in zip(rows["manifest_id"], rows["traveller_ref"], lines.rule, lines.framework, strict=True)
    ]
    status = np.where(waived, WAIVED, PROPOSED).astype(object)
    if decisions:
        status = np.array([decisions.get(i, s) for i, s in zip(ids, status, strict=True)], dtype=object)
    explanation = _explanations(_explained_facts(lines, fines, waived_by, waive_src, capped, amount))
    return pd.DataFrame(
        {
            "sanction_id": ids,
            "manifest_id": rows["manifest_id"].to_numpy(dtype=object),
            "carrier": rows["carrier"].to_numpy(dtype=object),
            "flight_number": rows["flight_number"].to_numpy(dtype=object),
            "traveller_ref": rows["traveller_ref"].to_numpy(dtype=object),
            "rule_id": lines.rule,
            "framework": lines.framework,
            "amount": amount,
            "currency": fines.currency,
            "status": status,
            "explanation": explanation,
            "rules_version": ruleset.version,
        }
    )


def _explained_facts(
    lines: _Lines,
    fines: _Fines,
    waived_by: np.ndarray,
    waive_src: np.ndarray,
    capped: np.ndarray,
    amount: np.ndarray,
) -> pd.DataFrame:
    """What a record's explanation quotes, one row per record (see _explanation)."""
    return pd.DataFrame(
        {
            "rule": lines.rule,
            "fw": lines.framework,
            "basis": fines.basis,
            "per_traveller": lines.per_traveller,
            "n": np.where(lines.per_traveller, 0, fines.n_in_manifest),
            "waived_by": waived_by,
            "capped": capped,
            "amount": np.where(capped, amount, 0.0),
            "nominal": fines.nominal,
            "cap": fines.cap,
            "currency": fines.currency,
            "source": fines.source,
            "waive_src": waive_src,
        }
    )


def _framework_rows(flags: pd.DataFrame, ctx_by_id: Mapping[str, Any]) -> pd.DataFrame:
    """One row per flag and framework that sanctions it (a flag's own framework list narrows them), and one
    record per carrier, flight, traveller, rule and framework, however often a stage flagged it."""
    fw_col = flags["frameworks"].fillna("").astype(str) if "frameworks" in flags else pd.Series("", index=flags.index)
    combo = flags["manifest_id"].astype(str) + "\t" + flags["rule_id"].astype(str) + "\t" + fw_col
    codes, uniques = pd.factorize(combo)
    lists = []
    for key in uniques:
        mid, rid, only = key.split("\t")
        wanted = set(filter(None, only.split("|")))
        lists.append(
            [f.id for f in ctx_by_id[mid].frameworks if rid in f.sanctioned_rules and (not wanted or f.id in wanted)]
        )
    rows = flags.assign(framework=pd.Series([lists[c] for c in codes], index=flags.index, dtype=object))
    rows = rows.explode("framework").dropna(subset=["framework"])
    rows["traveller_ref"] = rows["traveller_ref"].fillna("").astype(str)
    return rows.drop_duplicates(["manifest_id", "traveller_ref", "rule_id", "framework"]).reset_index(drop=True)


def _with_exemptions(
    rows: pd.DataFrame, travellers: pd.DataFrame, table: FlightTable, ruleset: RuleSet
) -> pd.DataFrame:
    """The rows with one boolean column per exemption kind the flagged traveller qualifies for."""
    exempt = exemption_table(travellers, table, ruleset)
    exempt["manifest_id"] = travellers["manifest_id"].astype(str).to_numpy()
    exempt["traveller_ref"] = travellers["traveller_ref"].astype("string").fillna("").to_numpy()
    exempt = exempt.drop_duplicates(["manifest_id", "traveller_ref"])
    rows = rows.merge(exempt, on=["manifest_id", "traveller_ref"], how="left")
    kinds = [c for c in exempt.columns if c not in ("manifest_id", "traveller_ref")]
    rows[kinds] = rows[kinds].fillna(False).astype(bool)
    return rows


@dataclass(frozen=True)
class _Lines:
    """The columns every step reads, as arrays in row order."""

    framework: np.ndarray
    rule: np.ndarray
    per_traveller: np.ndarray  # a traveller's own record (else the manifest's)

    @classmethod
    def of(cls, rows: pd.DataFrame) -> _Lines:
        return cls(
            rows["framework"].to_numpy(dtype=object),
            rows["rule_id"].to_numpy(dtype=object),
            (rows["traveller_ref"] != "").to_numpy(),
        )


def _waivers(rows: pd.DataFrame, lines: _Lines, ruleset: RuleSet) -> tuple[np.ndarray, np.ndarray]:
    """(exemption kind, its legal source) per row: the first exemption of the row's framework that covers
    its rule and applies to its traveller; empty when none does."""
    waived_by = np.full(len(rows), "", dtype=object)
    waive_src = np.full(len(rows), "", dtype=object)
    for fw in ruleset.frameworks.values():
        in_fw = lines.framework == fw.id
        for ex in fw.exemptions:
            covered = np.isin(lines.rule, ex.rules) if ex.rules is not None else np.ones(len(rows), dtype=bool)
            hit = in_fw & covered & lines.per_traveller & rows[ex.kind].to_numpy() & (waived_by == "")
            waived_by[hit] = ex.kind
            waive_src[hit] = ex.source
    return waived_by, waive_src


@dataclass(frozen=True)
class _Fines:
    nominal: np.ndarray  # before exemptions and caps
    cap: np.ndarray  # the most one infringement (manifest, rule, framework) may cost
    currency: np.ndarray
    basis: np.ndarray  # per_person or per_journey
    source: np.ndarray  # legal sources of the fine and of the rule's sanction
    n_in_manifest: np.ndarray  # travellers of the row's manifest (a manifest-level record counts them all)


def _nominal_fines(rows: pd.DataFrame, lines: _Lines, travellers: pd.DataFrame, ruleset: RuleSet) -> _Fines:
    """Each row's fine under its framework: per person (a manifest-level record costs one per traveller,
    capped by the lump sum per infringement) or per journey (one fine per flight and rule)."""
    counts = travellers.groupby("manifest_id").size()
    n_in_manifest = rows["manifest_id"].map(counts).fillna(0).to_numpy(dtype=float)
    nominal = np.zeros(len(rows))
    cap = np.full(len(rows), np.inf)
    currency = np.empty(len(rows), dtype=object)
    basis = np.empty(len(rows), dtype=object)
    source = np.empty(len(rows), dtype=object)
    for fw in ruleset.frameworks.values():
        in_fw = lines.framework == fw.id
        if not in_fw.any():
            continue
        currency[in_fw] = fw.currency
        for rid, spec in fw.sanctioned_rules.items():
            m = in_fw & (lines.rule == rid)
            fine = fw.fine_for(rid)
            if not m.any() or fine is None:
                continue
            basis[m] = spec.basis
            source[m] = f"{fine.source}; {spec.source}"
            if spec.basis == "per_person":
                nominal[m] = np.where(lines.per_traveller[m], fine.amount, fine.amount * n_in_manifest[m])
                if fw.fines.lump_sum_cap is not None:
                    cap[m] = fw.fines.lump_sum_cap.amount
            else:  # per journey: one fine per flight and rule, however many travellers are flagged
                nominal[m] = fine.amount
                cap[m] = fine.amount
    return _Fines(nominal, cap, currency, basis, source, n_in_manifest)


def _capped(rows: pd.DataFrame, due: np.ndarray, cap: np.ndarray) -> tuple[pd.DataFrame, np.ndarray]:
    """(rows in their order, amounts): the cap of each infringement (manifest, rule, framework) allocated
    to its records in traveller_ref order, so the first travellers carry the fine and the rest the remainder."""
    rows = rows.assign(_due=due, _order=np.arange(len(rows)))
    rows = rows.sort_values(["manifest_id", "rule_id", "framework", "traveller_ref"], kind="stable")
    order = rows["_order"].to_numpy()
    due_sorted = rows["_due"].to_numpy()
    before = rows.groupby(["manifest_id", "rule_id", "framework"], sort=False)["_due"].cumsum().to_numpy() - due_sorted
    amount_sorted = np.clip(np.minimum(due_sorted, cap[order] - before), 0.0, None)
    amount = np.empty(len(rows))
    amount[order] = amount_sorted
    return rows.sort_values("_order").reset_index(drop=True), amount
