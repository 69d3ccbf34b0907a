"""Backtest: evaluate stored travellers under a baseline and a candidate rule set and report how flags
and sanctions change, per rule and per carrier, plus the travellers whose outcome changed."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import pandas as pd

from screening.rules.evaluate import evaluate_frame
from screening.rules.models import RuleSet
from screening.rules.sanction_frame import sanctions_frame

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


def run_rules(history: pd.DataFrame, ruleset: RuleSet) -> Outcome:
    start = time.perf_counter()
    flags = evaluate_frame(history, ruleset)
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
        live = df[df["status"] != "WAIVED"]
        g = live.groupby([by, "currency"])
        waived = df[df["status"] == "WAIVED"].groupby([by, "currency"]).size().rename(f"waived_{tag}")
        return pd.concat(
            [g.size().rename(f"records_{tag}"), g["amount"].sum().rename(f"amount_{tag}"), waived], axis=1
        )

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


def _per_traveller(flags: pd.DataFrame, sanctions: pd.DataFrame) -> pd.DataFrame:
    f = flags.groupby(KEYS, dropna=False)["rule_id"].agg(lambda s: "|".join(sorted(s))).rename("rules")
    s = sanctions.assign(
        sig=sanctions["rule_id"]
        + ":"
        + sanctions["framework"]
        + ":"
        + sanctions["status"]
        + ":"
        + sanctions["currency"]
        + " "
        + sanctions["amount"].round(2).astype(str)
    )
    s = s.groupby(KEYS, dropna=False)["sig"].agg(lambda x: "|".join(sorted(x))).rename("sanctions")
    return pd.concat([f, s], axis=1)


def compare(history: pd.DataFrame, baseline: RuleSet, candidate: RuleSet) -> BacktestResult:
    base = run_rules(history, baseline)
    cand = run_rules(history, candidate)
    start = time.perf_counter()
    tb = _per_traveller(base.flags, base.sanctions)
    tc = _per_traveller(cand.flags, cand.sanctions)
    both = tb.join(tc, how="outer", lsuffix="_baseline", rsuffix="_candidate").fillna("")
    changed = both[
        (both["rules_baseline"] != both["rules_candidate"])
        | (both["sanctions_baseline"] != both["sanctions_candidate"])
    ].reset_index()
    changed["change"] = [
        "added" if not (rb or sb) else "removed" if not (rc or sc) else "changed"
        for rb, sb, rc, sc in zip(
            changed["rules_baseline"],
            changed["sanctions_baseline"],
            changed["rules_candidate"],
            changed["sanctions_candidate"],
            strict=True,
        )
    ]
    changed = changed[CHANGED_COLUMNS].sort_values(KEYS, ignore_index=True)
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
    )
