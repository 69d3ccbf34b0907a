"""Matching settings in a backtest: WATCHLIST_MATCH is not an obligation rule, so a change of threshold
or weights (rules/screening.yaml) is re-evaluated by screening the history's travellers again, under
each side's settings, against watchlists given for the purpose; without them the backtest says up front
that watchlist outcomes are carried unchanged."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import cast

import pandas as pd

from screening import rule_ids
from screening.matching import MatchConfig, WatchlistIndex, load_match_config
from screening.model import Traveller
from screening.rules.stored import History
from screening.vocabulary import FLAG_FRAME_COLUMNS, WATCHLIST


def matching_differences(baseline_dir: Path, candidate_dir: Path) -> list[str]:
    """'threshold 0.86 -> 0.8' for every matching setting that differs."""
    base, cand = load_match_config(baseline_dir).model_dump(), load_match_config(candidate_dir).model_dump()
    return [f"{key} {base[key]} -> {cand[key]}" for key in base if base[key] != cand[key]]


def carried_flags(
    history: History,
    baseline_dir: Path,
    candidate_dir: Path,
    watchlists: Sequence[Path],
    versions: tuple[str, str],
) -> tuple[pd.DataFrame, pd.DataFrame | None, list[str]]:
    """(baseline's carried flags, candidate's or None for the same, notes) for a backtest: when the matching
    settings differ and watchlists are given, WATCHLIST_MATCH is re-screened under each side's settings;
    the notes (the history's own first) say what was re-evaluated and what was carried unchanged.
    `versions` are the baseline's and the candidate's rules versions."""
    notes = list(history.notes)
    differences = matching_differences(baseline_dir, candidate_dir)
    if differences and watchlists:
        index = load_index(watchlists)
        base_version, cand_version = versions
        carried = rescreen(history, index, load_match_config(baseline_dir), base_version)
        candidate_carried = rescreen(history, index, load_match_config(candidate_dir), cand_version)
        recorded = sorted(history.list_versions)
        notes.append(
            f"matching settings differ ({'; '.join(differences)}): WATCHLIST_MATCH re-screened under "
            f"each side's settings against list version {index.version}"
            + (
                f" (the history was screened against {', '.join(recorded)})"
                if recorded and recorded != [index.version]
                else ""
            )
        )
        return carried, candidate_carried, notes
    if differences:
        notes.append(
            f"matching settings differ ({'; '.join(differences)}) but no --watchlist was given: "
            "WATCHLIST_MATCH outcomes are carried from the history unchanged, NOT re-evaluated"
        )
    return history.carried, None, notes


def load_index(watchlists: Sequence[Path]) -> WatchlistIndex:
    from screening.watchlists.loader import load_watchlist

    return WatchlistIndex([load_watchlist(p) for p in watchlists])


def rescreen(history: History, index: WatchlistIndex, config: MatchConfig, rules_version: str) -> pd.DataFrame:
    """The history's carried flags with WATCHLIST_MATCH replaced by a fresh screening under `config`."""
    df = history.travellers
    rows = []
    for manifest_id, group in df.groupby("manifest_id", sort=False):
        travellers = [{str(k): (None if pd.isna(v) else v) for k, v in rec.items()} for rec in group.to_dict("records")]
        first = travellers[0]
        # history rows: the traveller columns, and the flight's beside them (read below)
        for match in index.screen(cast(list[Traveller], travellers), config):
            rows.append(
                {
                    "manifest_id": manifest_id,
                    "carrier": first["carrier"],
                    "flight_number": first["flight_number"],
                    "traveller_ref": match.traveller_ref,
                    "flag_type": WATCHLIST,
                    "rule_id": rule_ids.WATCHLIST_MATCH,
                    "severity": config.severity,
                    "explanation": match.explanation,
                    "frameworks": "",
                    "rules_version": rules_version,
                    "score": round(match.score, 4),
                    "watchlist_entry_id": match.entry.entry_id,
                    "list_name": match.entry.list_name,
                    "list_version": index.version,
                }
            )
    kept = history.carried[history.carried["rule_id"] != rule_ids.WATCHLIST_MATCH]
    fresh = pd.DataFrame(rows, columns=list(kept.columns) if len(kept.columns) else list(FLAG_FRAME_COLUMNS))
    return pd.concat([kept, fresh], ignore_index=True) if len(fresh) else kept.reset_index(drop=True)
