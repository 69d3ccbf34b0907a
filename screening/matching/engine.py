"""Watchlist screening, first version: every alias is a name string; candidates come from rapidfuzz
token_sort_ratio over all names (vectorised with process.cdist), then date of birth and nationality
adjust the score. Every match carries its parts so a flag can say why."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from rapidfuzz import fuzz, process

from screening.matching.config import MatchConfig
from screening.matching.names import normalise_name, traveller_full_name
from screening.watchlists.model import WatchlistEntry, WatchlistLoad


@dataclass
class MatchPart:
    """One piece of evidence: its name, its contribution to the score, and a human explanation."""

    feature: str
    value: float
    detail: str


@dataclass
class Match:
    traveller_ref: str
    entry: WatchlistEntry
    matched_name: str
    score: float
    parts: list[MatchPart] = field(default_factory=list)

    @property
    def explanation(self) -> str:
        return "; ".join(p.detail for p in self.parts)


@dataclass
class Comparison:
    score: float
    is_match: bool
    parts: list[MatchPart]

    def to_json(self) -> dict[str, Any]:
        return {"score": round(self.score, 4), "is_match": self.is_match,
                "parts": [{"feature": p.feature, "value": round(p.value, 4), "detail": p.detail}
                          for p in self.parts]}


def dob_evidence(traveller_dob: str | None, listed: list[str], config: MatchConfig) -> MatchPart | None:
    """Exact or partial agreement adds a little; a full date that clearly disagrees takes a lot."""
    if not traveller_dob or not listed:
        return None
    for value in listed:
        if traveller_dob.startswith(value) or value.startswith(traveller_dob):
            exact = len(value) == len(traveller_dob) == 10
            return MatchPart("date_of_birth", config.dob_match_bonus,
                             f"date of birth {'agrees' if exact else 'agrees with the listed ' + value}")
    years = {v[:4] for v in listed}
    if any(abs(int(y) - int(traveller_dob[:4])) <= 1 for y in years if y.isdigit() and traveller_dob[:4].isdigit()):
        return MatchPart("date_of_birth", 0.0, "date of birth within one year of a listed date")
    return MatchPart("date_of_birth", -config.dob_mismatch_penalty,
                     f"date of birth differs from listed {', '.join(listed)}")


def nationality_evidence(nationality: str | None, listed: list[str], config: MatchConfig) -> MatchPart | None:
    if not nationality or not listed:
        return None
    if nationality in listed:
        return MatchPart("nationality", 0.0, f"nationality {nationality} is a listed nationality")
    return MatchPart("nationality", -config.nationality_mismatch_penalty,
                     f"nationality {nationality} not among listed {', '.join(listed)}")


def name_part(query: str, candidate: str) -> MatchPart:
    score = fuzz.token_sort_ratio(query, candidate) / 100.0
    return MatchPart("name", score, f"name similarity {score:.2f} (token sort) with listed name {candidate!r}")


class WatchlistIndex:
    """All names of all loaded lists, normalised once; `version` identifies the list contents."""

    def __init__(self, loads: list[WatchlistLoad]):
        self.loads = loads
        self.entries: list[WatchlistEntry] = [e for load in loads for e in load.entries]
        self.names: list[str] = []
        self.owner: list[int] = []
        for position, entry in enumerate(self.entries):
            for name in entry.names:
                normalised = normalise_name(name)
                if normalised:
                    self.names.append(normalised)
                    self.owner.append(position)
        self.owner_array = np.asarray(self.owner, dtype=np.int64)
        digest = hashlib.sha256("|".join(sorted(load.version for load in loads)).encode()).hexdigest()[:16]
        self.version = f"sha256:{digest}"

    def screen(self, travellers: list[dict[str, Any]], config: MatchConfig) -> list[Match]:
        if not travellers or not self.names:
            return []
        queries = [traveller_full_name(t.get("given_names"), t.get("surname")) for t in travellers]
        scores = process.cdist(queries, self.names, scorer=fuzz.token_sort_ratio,
                               score_cutoff=config.candidate_cutoff * 100, dtype=np.uint8, workers=-1)
        matches: list[Match] = []
        for row, traveller in enumerate(travellers):
            hits = np.nonzero(scores[row])[0]
            best_per_entry: dict[int, Match] = {}
            for column in hits:
                entry_pos = int(self.owner_array[column])
                entry = self.entries[entry_pos]
                match = self._score(traveller, queries[row], self.names[column], entry, config)
                current = best_per_entry.get(entry_pos)
                if current is None or match.score > current.score:
                    best_per_entry[entry_pos] = match
            kept = sorted((m for m in best_per_entry.values() if m.score >= config.threshold),
                          key=lambda m: -m.score)[: config.max_matches_per_traveller]
            matches.extend(kept)
        return matches

    @staticmethod
    def _score(traveller: dict[str, Any], query: str, candidate: str, entry: WatchlistEntry,
               config: MatchConfig) -> Match:
        parts = [name_part(query, candidate)]
        for part in (dob_evidence(traveller.get("date_of_birth"), entry.dates_of_birth, config),
                     nationality_evidence(traveller.get("nationality"), entry.nationalities, config)):
            if part is not None:
                parts.append(part)
        score = max(0.0, min(1.0, sum(p.value for p in parts)))
        return Match(str(traveller.get("traveller_ref") or ""), entry, candidate, score, parts)


def compare(name_a: str, name_b: str, config: MatchConfig, dob_a: str | None = None, dob_b: str | None = None,
            nationality_a: str | None = None, nationality_b: str | None = None) -> Comparison:
    """Explain one pair the way screening would score it."""
    parts = [name_part(normalise_name(name_a), normalise_name(name_b))]
    for part in (dob_evidence(dob_a, [dob_b] if dob_b else [], config),
                 nationality_evidence(nationality_a, [nationality_b] if nationality_b else [], config)):
        if part is not None:
            parts.append(part)
    score = max(0.0, min(1.0, sum(p.value for p in parts)))
    return Comparison(score, score >= config.threshold, parts)
