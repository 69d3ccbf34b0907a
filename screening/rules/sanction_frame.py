"""Vectorised sanctions: obligation flags -> one record per carrier, flight, traveller, rule and framework,
with amounts per framework (per person, per journey, lump-sum cap per infringement) and exemptions
turned into WAIVED records that say why."""

from __future__ import annotations

from collections.abc import Mapping

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

    # 1. which frameworks sanction each flag (per manifest, rule and breached-framework list)
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
    # one record per carrier, flight, traveller, rule and framework, however often a stage flagged it
    rows["traveller_ref"] = rows["traveller_ref"].fillna("").astype(str)
    rows = rows.drop_duplicates(["manifest_id", "traveller_ref", "rule_id", "framework"]).reset_index(drop=True)
    if rows.empty:
        return empty_sanctions()

    # 2. exemptions of the flagged travellers
    exempt = exemption_table(travellers, table, ruleset)
    exempt["manifest_id"] = travellers["manifest_id"].astype(str).to_numpy()
    exempt["traveller_ref"] = travellers["traveller_ref"].astype("string").fillna("").to_numpy()
    exempt = exempt.drop_duplicates(["manifest_id", "traveller_ref"])
    rows["traveller_ref"] = rows["traveller_ref"].fillna("").astype(str)
    rows = rows.merge(exempt, on=["manifest_id", "traveller_ref"], how="left")
    kinds = [c for c in exempt.columns if c not in ("manifest_id", "traveller_ref")]
    rows[kinds] = rows[kinds].fillna(False).astype(bool)
    waived_by = np.full(len(rows), "", dtype=object)
    waive_src = np.full(len(rows), "", dtype=object)
    fw_arr = rows["framework"].to_numpy(dtype=object)
    rule_arr = rows["rule_id"].to_numpy(dtype=object)
    per_traveller = (rows["traveller_ref"] != "").to_numpy()
    for fw in ruleset.frameworks.values():
        in_fw = fw_arr == fw.id
        for ex in fw.exemptions:
            covered = np.isin(rule_arr, ex.rules) if ex.rules is not None else np.ones(len(rows), dtype=bool)
            hit = in_fw & covered & per_traveller & rows[ex.kind].to_numpy() & (waived_by == "")
            waived_by[hit] = ex.kind
            waive_src[hit] = ex.source

    # 3. nominal amounts
    counts = travellers.groupby("manifest_id").size()
    n_in_manifest = rows["manifest_id"].map(counts).fillna(0).to_numpy(dtype=float)
    nominal = np.zeros(len(rows))
    cap = np.full(len(rows), np.inf)
    currency = np.empty(len(rows), dtype=object)
    basis = np.empty(len(rows), dtype=object)
    source = np.empty(len(rows), dtype=object)
    for fw in ruleset.frameworks.values():
        in_fw = fw_arr == fw.id
        if not in_fw.any():
            continue
        currency[in_fw] = fw.currency
        for rid, spec in fw.sanctioned_rules.items():
            m = in_fw & (rule_arr == rid)
            fine = fw.fine_for(rid)
            if not m.any() or fine is None:
                continue
            basis[m] = spec.basis
            source[m] = f"{fine.source}; {spec.source}"
            if spec.basis == "per_person":
                nominal[m] = np.where(per_traveller[m], fine.amount, fine.amount * n_in_manifest[m])
                if fw.fines.lump_sum_cap is not None:
                    cap[m] = fw.fines.lump_sum_cap.amount
            else:  # per journey: one fine per flight and rule, however many travellers are flagged
                nominal[m] = fine.amount
                cap[m] = fine.amount
    waived = waived_by != ""
    due = np.where(waived, 0.0, nominal)

    # 4. caps per infringement (manifest, rule, framework), allocated in traveller_ref order
    rows["_due"] = due
    rows["_order"] = np.arange(len(rows))
    rows = rows.sort_values(["manifest_id", "rule_id", "framework", "traveller_ref"], kind="stable")
    order = rows["_order"].to_numpy()
    due_sorted = rows["_due"].to_numpy()
    before = rows.groupby(["manifest_id", "rule_id", "framework"], sort=False)["_due"].cumsum().to_numpy() - due_sorted
    cap_sorted = cap[order]
    amount_sorted = np.clip(np.minimum(due_sorted, cap_sorted - before), 0.0, None)
    amount = np.empty(len(rows))
    amount[order] = amount_sorted
    rows = rows.sort_values("_order").reset_index(drop=True)
    capped = (amount < due) & ~waived

    # 5. records
    ids = [
        sanction_id(m, t, r, f)
        for m, t, r, f in zip(rows["manifest_id"], rows["traveller_ref"], rule_arr, fw_arr, strict=True)
    ]
    status = np.where(waived, WAIVED, PROPOSED).astype(object)
    if decisions:
        status = np.array([decisions.get(i, s) for i, s in zip(ids, status, strict=True)], dtype=object)
    explanation = _explanations(
        pd.DataFrame(
            {
                "rule": rule_arr,
                "fw": fw_arr,
                "basis": basis,
                "per_traveller": per_traveller,
                "n": np.where(per_traveller, 0, n_in_manifest),
                "waived_by": waived_by,
                "capped": capped,
                "amount": np.where(capped, amount, 0.0),
                "nominal": nominal,
                "cap": cap,
                "currency": currency,
                "source": source,
                "waive_src": waive_src,
            }
        )
    )
    return pd.DataFrame(
        {
            "sanction_id": ids,
            "manifest_id": rows["manifest_id"].to_numpy(dtype=object),
            "carrier": rows["carrier"].to_numpy(dtype=object),
            "flight_number": rows["flight_number"].to_numpy(dtype=object),
            "traveller_ref": rows["traveller_ref"].to_numpy(dtype=object),
            "rule_id": rule_arr,
            "framework": fw_arr,
            "amount": amount,
            "currency": currency,
            "status": status,
            "explanation": explanation,
            "rules_version": ruleset.version,
        }
    )
