"""Backtest: evaluate stored travellers under a baseline and a candidate rule set and report how flags
and sanctions change, per rule and per carrier, plus the travellers whose outcome changed."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from screening.rules.evaluate import evaluate_frame
from screening.rules.models import RuleSet
from screening.rules.sanction_frame import sanctions_frame
from screening.vocabulary import WAIVED

KEYS = ["manifest_id", "carrier", "flight_number", "traveller_ref"]
CHANGED_COLUMNS = KEYS + [
    "rules_baseline",
    "rules_candidate",
    "sanctions_baseline",
    "sanctions_candidate",
    "change",
]


@dataclass
class Outcome:
    flags: pd.DataFrame
    sanctions: pd.DataFrame
    seconds: float


@dataclass
class BacktestResult:
    baseline_version: str
    candidate_version: str
    travellers: int
    flags_by_rule: pd.DataFrame
    flags_by_carrier: pd.DataFrame
    sanctions_by_rule: pd.DataFrame
    sanctions_by_carrier: pd.DataFrame
    changed: pd.DataFrame
    seconds: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # what was not re-evaluated, said before any figure


def run_rules(history: pd.DataFrame, ruleset: RuleSet, carried: pd.DataFrame | None = None) -> Outcome:
    """Obligation flags re-evaluated, plus the flags of the other stages as carried (validation, reader,
    matching, registry), then sanctions over all of them: what the live obligation stage does."""
    start = time.perf_counter()
    flags = evaluate_frame(history, ruleset)
    if carried is not None and not carried.empty:
        flags = pd.concat([carried.assign(rules_version=ruleset.version), flags], ignore_index=True)
    sanctions = sanctions_frame(flags, history, ruleset)
    return Outcome(flags, sanctions, time.perf_counter() - start)


def _flag_counts(base: pd.DataFrame, cand: pd.DataFrame, by: str) -> pd.DataFrame:
    b = base.groupby(by).size().rename("baseline")
    c = cand.groupby(by).size().rename("candidate")
    out = pd.concat([b, c], axis=1).fillna(0).astype(int)
    out["change"] = out["candidate"] - out["baseline"]
    return out.reset_index().rename(columns={"index": by}).sort_values(by, ignore_index=True)


def _sanction_sums(base: pd.DataFrame, cand: pd.DataFrame, by: str) -> pd.DataFrame:
    def agg(df: pd.DataFrame, tag: str) -> pd.DataFrame:
        live = df[df["status"] != WAIVED]
        g = live.groupby([by, "currency"])
        waived = df[df["status"] == WAIVED].groupby([by, "currency"]).size().rename(f"waived_{tag}")
        return pd.concat([g.size().rename(f"records_{tag}"), g["amount"].sum().rename(f"amount_{tag}"), waived], axis=1)

    out = pd.concat([agg(base, "baseline"), agg(cand, "candidate")], axis=1).fillna(0)
    for col in out.columns:
        if col.startswith(("records", "waived")):
            out[col] = out[col].astype(int)
    out["amount_change"] = out["amount_candidate"] - out["amount_baseline"]
    cols = [
        "records_baseline",
        "records_candidate",
        "waived_baseline",
        "waived_candidate",
        "amount_baseline",
        "amount_candidate",
        "amount_change",
    ]
    return out[cols].reset_index().sort_values([by, "currency"], ignore_index=True)


def _key(df: pd.DataFrame) -> pd.Series:
    return df["manifest_id"].astype(str) + "\x1f" + df["traveller_ref"].fillna("").astype(str)


def _signature(df: pd.DataFrame, parts: list[pd.Series]) -> pd.Series:
    """Order-free fingerprint of each traveller's outcome: sum of row hashes per traveller, so comparing
    millions of travellers needs no string joins; the readable text is built for changed ones only."""
    if df.empty:
        return pd.Series(dtype="int64")
    row = parts[0].astype(str)
    for part in parts[1:]:
        row = row + "\x1f" + part.astype(str)
    hashed = (pd.util.hash_pandas_object(row, index=False).to_numpy() >> np.uint64(9)).astype(np.int64)
    return pd.Series(hashed, index=df.index).groupby(_key(df).to_numpy()).sum()


def _readable(df: pd.DataFrame, keys: pd.Index, text: pd.Series) -> pd.Series:
    """Sorted '|'-joined texts per changed traveller (a plain loop: faster than groupby for many groups)."""
    key = _key(df).astype(object)
    mask = key.isin(pd.Index(keys, dtype=object)).to_numpy()
    k = key.to_numpy(dtype=object)[mask]
    t = text.astype(str).to_numpy(dtype=object)[mask]
    joined: dict[str, str] = {}
    for kk, tt in sorted(zip(k, t, strict=True)):
        joined[kk] = f"{joined[kk]}|{tt}" if kk in joined else tt
    return pd.Series(joined, dtype=object)


def _sanction_text(s: pd.DataFrame) -> pd.Series:
    return (
        s["rule_id"]
        + ":"
        + s["framework"]
        + ":"
        + s["status"]
        + ":"
        + s["currency"]
        + " "
        + s["amount"].round(2).astype(str)
    )


def _changed(base: Outcome, cand: Outcome) -> pd.DataFrame:
    """Travellers whose flags or sanctions differ between the two runs."""
    sig = pd.concat(
        {
            "fb": _signature(base.flags, [base.flags["rule_id"]]),
            "fc": _signature(cand.flags, [cand.flags["rule_id"]]),
            "sb": _signature(base.sanctions, [_sanction_text(base.sanctions)]),
            "sc": _signature(cand.sanctions, [_sanction_text(cand.sanctions)]),
        },
        axis=1,
    ).fillna(0)
    keys = sig.index[(sig["fb"] != sig["fc"]) | (sig["sb"] != sig["sc"])]
    out = pd.DataFrame(index=keys)
    out["rules_baseline"] = _readable(base.flags, keys, base.flags["rule_id"])
    out["rules_candidate"] = _readable(cand.flags, keys, cand.flags["rule_id"])
    out["sanctions_baseline"] = _readable(base.sanctions, keys, _sanction_text(base.sanctions))
    out["sanctions_candidate"] = _readable(cand.sanctions, keys, _sanction_text(cand.sanctions))
    out = out.fillna("")
    ident = pd.concat([base.flags[KEYS], cand.flags[KEYS], base.sanctions[KEYS], cand.sanctions[KEYS]])
    ident = ident.assign(_k=_key(ident).to_numpy()).drop_duplicates("_k").set_index("_k")
    out = out.join(ident[KEYS[:3]]).assign(traveller_ref=[k.split("\x1f", 1)[1] for k in out.index])
    out["change"] = [
        "added" if not (rb or sb) else "removed" if not (rc or sc) else "changed"
        for rb, sb, rc, sc in zip(
            out["rules_baseline"],
            out["sanctions_baseline"],
            out["rules_candidate"],
            out["sanctions_candidate"],
            strict=True,
        )
    ]
    return out.reset_index(drop=True)[CHANGED_COLUMNS].sort_values(KEYS, ignore_index=True)


def compare(
    history: pd.DataFrame,
    baseline: RuleSet,
    candidate: RuleSet,
    *,
    carried: pd.DataFrame | None = None,
    candidate_carried: pd.DataFrame | None = None,
    notes: list[str] | None = None,
) -> BacktestResult:
    """`carried`: flags of the stages a rules change does not re-run (both sides); `candidate_carried`
    replaces them for the candidate when those stages were re-run under its settings (matching)."""
    base = run_rules(history, baseline, carried)
    cand = run_rules(history, candidate, carried if candidate_carried is None else candidate_carried)
    start = time.perf_counter()
    changed = _changed(base, cand)
    return BacktestResult(
        baseline_version=baseline.version,
        candidate_version=candidate.version,
        travellers=len(history),
        flags_by_rule=_flag_counts(base.flags, cand.flags, "rule_id"),
        flags_by_carrier=_flag_counts(base.flags, cand.flags, "carrier"),
        sanctions_by_rule=_sanction_sums(base.sanctions, cand.sanctions, "rule_id"),
        sanctions_by_carrier=_sanction_sums(base.sanctions, cand.sanctions, "carrier"),
        changed=changed,
        seconds={"baseline": base.seconds, "candidate": cand.seconds, "compare": time.perf_counter() - start},
        notes=list(notes or []),
    )
