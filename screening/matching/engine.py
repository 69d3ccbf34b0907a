"""Watchlist screening: candidates from the blocking keys of every name part (rarity-aware), then each
candidate name scored by weighted part alignment plus date of birth, nationality, sex and document
evidence. Every match carries its parts so a flag can say why."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from screening.matching.batch import INITIAL_WEIGHT, BatchScorer
from screening.matching.candidates import CandidateFinder
from screening.matching.config import MatchConfig
from screening.matching.evidence import (
    MatchPart,
    dob_evidence,
    document_evidence,
    nationality_evidence,
    sex_evidence,
)
from screening.matching.index_data import MAX_WEIGHT, IndexData
from screening.matching.names import name_slots, traveller_full_name
from screening.matching.scoring import NameScore, NameWeights, WeightedSlot, score_names
from screening.watchlists.model import WatchlistEntry, WatchlistLoad

LOW_QUALITY = {"low", "fka"}
EVIDENCE_FIELDS = ("date_of_birth", "nationality", "document_issuing_state", "sex", "document_number")


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


def combine(name_part: MatchPart, evidence: Sequence[MatchPart | None]) -> tuple[float, list[MatchPart]]:
    """Name score plus evidence contributions, clipped to [0, 1]."""
    parts = [name_part, *(p for p in evidence if p is not None)]
    return max(0.0, min(1.0, sum(p.value for p in parts))), parts


def traveller_nationalities(traveller: dict[str, Any]) -> list[str]:
    """Nationality, plus the passport's issuing state (a dual national may travel on either)."""
    values = [traveller.get("nationality"), traveller.get("document_issuing_state")]
    return [str(v).upper() for v in values if v]


def evidence_parts(traveller: dict[str, Any], entry: WatchlistEntry,
                   config: MatchConfig) -> list[MatchPart | None]:
    return [dob_evidence(traveller.get("date_of_birth"), entry.dates_of_birth, config),
            nationality_evidence(traveller_nationalities(traveller), entry.nationalities, config),
            sex_evidence(traveller.get("sex"), entry.sex, config),
            document_evidence(traveller.get("document_number"), entry.document_numbers, config)]


def entry_changes(old_records: list[bytes],
                  new_entries: list[WatchlistEntry]) -> tuple[list[int], list[WatchlistEntry]]:
    """(positions of old records no longer listed, new entries not among the old records), comparing the
    stored JSON records byte for byte (an entry counted as often as it is listed)."""
    pending: dict[bytes, list[int]] = {}
    for position, record in enumerate(old_records):
        pending.setdefault(record, []).append(position)
    added = []
    for entry in new_entries:
        same = pending.get(json.dumps(vars(entry), ensure_ascii=False).encode())
        if same:
            same.pop(0)
        else:
            added.append(entry)
    return sorted(p for positions in pending.values() for p in positions), added


def value_reach(config: MatchConfig) -> float:
    """The most the evidence can add to a name score (best date of birth, nationality and document)."""
    return max(config.dob_exact_bonus, config.dob_partial_bonus, config.dob_swapped_bonus, 0.0) + \
        max(config.nationality_match_bonus, 0.0) + max(config.document_match_bonus, 0.0)


def unknown_weight(token: str) -> float:
    """Weight of a part no listed name has: as telling as the rarest part, unless it is very short."""
    return min(MAX_WEIGHT, 1.0 + 0.5 * (len(token) - 1))


class WatchlistIndex:
    """All names of all loaded lists, normalised once; `version` identifies the list contents."""

    def __init__(self, loads: list[WatchlistLoad] | None = None, *, data: IndexData | None = None):
        if data is None:
            loads = loads or []
            versions = "|".join(sorted(load.version for load in loads))
            digest = hashlib.sha256(versions.encode()).hexdigest()[:16]
            entries = [e for load in loads for e in load.entries]
            data = IndexData.build(entries, f"sha256:{digest}")
        self.data = data
        self.version: str = str(data.meta["version"])
        self.entries = data.entries
        self._slot_cache: dict[tuple[int, float], tuple[list[WeightedSlot], list[tuple[int, ...]]]] = {}
        self.finder = CandidateFinder(data)
        self.batch_scorer = BatchScorer(data, self.finder)
        self._weights_for: MatchConfig | None = None
        self._name_weights = NameWeights()

    def save(self, folder: str | Path) -> None:
        self.data.save(folder)

    def updated(self, loads: list[WatchlistLoad]) -> WatchlistIndex:
        """The index for new versions of its lists, by incremental update (IndexData.update): entries
        whose stored record is unchanged are kept, the others removed, new and changed ones added."""
        versions = "|".join(sorted(load.version for load in loads))
        digest = hashlib.sha256(versions.encode()).hexdigest()[:16]
        removed, added = entry_changes(self.data.records(), [e for load in loads for e in load.entries])
        return WatchlistIndex(data=self.data.update(removed, added, f"sha256:{digest}"))

    @classmethod
    def load(cls, folder: str | Path) -> WatchlistIndex:
        return cls(data=IndexData.load(folder))

    # -- candidate generation -------------------------------------------------------------------
    def query_slots(self, name: str, config: MatchConfig) -> list[WeightedSlot]:
        d = self.data
        out: list[WeightedSlot] = []
        for slot in name_slots(name):
            if slot.particle:
                out.append((slot.forms, config.particle_weight))
            else:
                vid = d.vocab_ids.get(slot.primary)
                if vid is not None and d.post_ptr[vid + 1] == d.post_ptr[vid]:
                    vid = None  # a part only removed entries had (incremental update): unknown
                weight = float(d.token_weight[vid]) if vid is not None else unknown_weight(slot.primary)
                out.append((slot.forms, min(weight, INITIAL_WEIGHT) if len(slot.primary) == 1 else weight))
        return out

    def candidates(self, slots: list[WeightedSlot], config: MatchConfig) -> np.ndarray:
        """Listed names worth scoring (see candidates.py), best first."""
        return self.finder.find(slots, self._weights(config), config.candidate_min_share,
                                config.max_candidates_per_traveller,
                                config.candidate_cutoff - config.candidate_estimate_margin,
                                config.particle_weight)

    def _weights(self, config: MatchConfig) -> NameWeights:
        if self._weights_for is not config:
            self._weights_for, self._name_weights = config, config.name_weights()
        return self._name_weights

    def listed_slots(self, name: int, config: MatchConfig) -> list[WeightedSlot]:
        return self._listed(name, config)[0]

    def _listed(self, name: int, config: MatchConfig) -> tuple[list[WeightedSlot], list[tuple[int, ...]]]:
        """A listed name's weighted slots and each slot's vocabulary ids (cached: common names recur)."""
        key = (name, config.particle_weight)
        cached = self._slot_cache.get(key)
        if cached is None:
            weight = self.data.token_weight
            slots: list[WeightedSlot] = []
            ids: list[tuple[int, ...]] = []
            for forms, particle, vids in self.data.name_forms(name):
                value = config.particle_weight if particle else float(weight[vids[0]])
                slots.append((forms, min(value, INITIAL_WEIGHT) if len(forms[0]) == 1 else value))
                ids.append(vids)
            if len(self._slot_cache) > 200_000:
                self._slot_cache.clear()
            cached = self._slot_cache[key] = (slots, ids)
        return cached

    # -- scoring ---------------------------------------------------------------------------------
    def score_traveller(self, traveller: dict[str, Any], config: MatchConfig,
                        names: np.ndarray | None = None, keep_below: bool = False,
                        limit: int | None = None) -> list[Match]:
        """Best match per listed entry for one traveller (above the threshold unless keep_below), best
        first, at most `limit`."""
        query = traveller_full_name(traveller.get("given_names"), traveller.get("surname"))
        slots = self.query_slots(query, config)
        if not slots:
            return []
        weights = self._weights(config)
        known: list[dict[int, float]] | None = None
        if names is None:
            names = self.candidates(slots, config)
            # Part similarities found while generating candidates are reused for scoring.
            known = []
            for forms, _ in slots:
                ids, sims, _size = self.finder.agreeing_parts(forms, weights)
                known.append(dict(zip(ids.tolist(), sims.tolist(), strict=True)))
        best: dict[int, Match] = {}
        d = self.data
        seen: dict[tuple[tuple[int, ...], ...], NameScore] = {}  # a common name listed many times
        for name in names:
            listed, listed_ids = self._listed(int(name), config)
            signature = tuple(listed_ids)
            if signature in seen:
                result = seen[signature]
            elif known is None:
                result = seen[signature] = score_names(slots, listed, weights)
            else:
                def similarity(i: int, j: int, ids: list[tuple[int, ...]] = listed_ids) -> float:
                    table = known[i]
                    return max(table.get(v, 0.0) for v in ids[j])

                result = seen[signature] = score_names(slots, listed, weights, similarity)
            if result.score < config.candidate_cutoff and not keep_below:
                continue
            owner = int(d.name_owner[name])
            quality = d.qualities[int(d.name_quality[name])]
            value = result.score
            detail = result.detail()
            if quality not in ("primary", ""):
                detail += f" (listed {quality} alias)"
            if quality.lower() in LOW_QUALITY:
                value -= config.low_quality_alias_penalty
                detail += f", low-quality alias -{config.low_quality_alias_penalty:.2f}"
            current = best.get(owner)
            if current is not None and current.parts[0].value >= value:
                continue
            ref = str(traveller.get("traveller_ref") or "")
            best[owner] = Match(ref, None, d.listed_name(int(name)),  # type: ignore[arg-type]
                                value, [MatchPart("name", value, detail)])
        if not any(traveller.get(k) for k in EVIDENCE_FIELDS):
            # Nothing but a name to compare: rank by name and decode only the entries returned.
            ranked = sorted(best.items(), key=lambda item: -item[1].score)
            ranked = [(o, m) for o, m in ranked if keep_below or m.score >= config.threshold][:limit]
            for owner, match in ranked:
                match.entry = self.entries[owner]
            return [m for _, m in ranked]
        out = []
        for owner, match in best.items():
            match.entry = self.entries[owner]
            match.score, match.parts = combine(match.parts[0], evidence_parts(traveller, match.entry, config))
            if keep_below or match.score >= config.threshold:
                out.append(match)
        out.sort(key=lambda m: -m.score)
        return out[:limit]

    def screen(self, travellers: list[dict[str, Any]], config: MatchConfig) -> list[Match]:
        """Flags for a manifest or a batch of manifests, screened as arrays (see screen_batch)."""
        return self.screen_batch(travellers, config)

    def screen_single(self, travellers: list[dict[str, Any]], config: MatchConfig) -> list[Match]:
        """The same flags, one traveller at a time through score_traveller (the reference path)."""
        matches: list[Match] = []
        for traveller in travellers:
            matches.extend(self.score_traveller(traveller, config, limit=config.max_matches_per_traveller))
        return matches

    def screen_batch(self, travellers: list[dict[str, Any]], config: MatchConfig) -> list[Match]:
        """Flags for many travellers: the agreeing listed parts of every traveller name part are found in
        one batch (keys hashed at once, one join against the key table, part similarities in rapidfuzz
        cpdist calls), each traveller's candidates are aligned all at once (numpy), and explanations are
        built only for the flags. Same flags, scores and explanations as screen_single."""
        weights = self._weights(config)
        queries = [self.query_slots(traveller_full_name(t.get("given_names"), t.get("surname")), config)
                   for t in travellers]
        self.finder.prepare([forms for slots in queries for forms, _ in slots], weights)
        matches: list[Match] = []
        for traveller, slots in zip(travellers, queries, strict=True):
            if slots:
                matches.extend(self._score_batch(traveller, slots, config))
        return matches

    def _score_batch(self, traveller: dict[str, Any], slots: list[WeightedSlot],
                     config: MatchConfig) -> list[Match]:
        """score_traveller(traveller, config, limit=max_matches_per_traveller) with the name scores of all
        candidates computed as arrays."""
        weights = self._weights(config)
        names = self.candidates(slots, config)
        if not len(names):
            return []
        scores = self.batch_scorer.name_scores(names, slots, weights, config.particle_weight)
        passing = np.nonzero(scores >= config.candidate_cutoff)[0]
        if not len(passing):
            return []
        d = self.data
        best: dict[int, tuple[int, float]] = {}  # owner -> (name, value), in first-seen order
        for k in passing.tolist():
            name = int(names[k])
            value = float(scores[k])
            if d.qualities[int(d.name_quality[name])].lower() in LOW_QUALITY:
                value -= config.low_quality_alias_penalty
            owner = int(d.name_owner[name])
            current = best.get(owner)
            if current is not None and current[1] >= value:
                continue
            best[owner] = (name, value)
        with_evidence = any(traveller.get(k) for k in EVIDENCE_FIELDS)
        reach = value_reach(config) if with_evidence else 0.0
        out: list[Match] = []
        for owner, (name, value) in best.items():
            if value + reach < config.threshold:
                continue  # no evidence could lift it to the threshold: never flagged
            match = self._explained(traveller, slots, name, value, config)
            match.entry = self.entries[owner]
            if with_evidence:
                match.score, match.parts = combine(match.parts[0],
                                                   evidence_parts(traveller, match.entry, config))
            if match.score >= config.threshold:
                out.append(match)
        out.sort(key=lambda m: -m.score)
        return out[: config.max_matches_per_traveller]

    def _explained(self, traveller: dict[str, Any], slots: list[WeightedSlot], name: int, value: float,
                   config: MatchConfig) -> Match:
        """A flag's name part with its explanation (score_names on this one pair, as score_traveller does)."""
        weights = self._weights(config)
        listed, listed_ids = self._listed(name, config)
        known = [self.finder.agreeing_parts(forms, weights) for forms, _ in slots]
        tables = [dict(zip(ids.tolist(), sims.tolist(), strict=True)) for ids, sims, _size in known]

        def similarity(i: int, j: int) -> float:
            return max(tables[i].get(v, 0.0) for v in listed_ids[j])

        detail = score_names(slots, listed, weights, similarity).detail()
        d = self.data
        quality = d.qualities[int(d.name_quality[name])]
        if quality not in ("primary", ""):
            detail += f" (listed {quality} alias)"
        if quality.lower() in LOW_QUALITY:
            detail += f", low-quality alias -{config.low_quality_alias_penalty:.2f}"
        ref = str(traveller.get("traveller_ref") or "")
        return Match(ref, None, d.listed_name(name), value,  # type: ignore[arg-type]
                     [MatchPart("name", value, detail)])


def compare(name_a: str, name_b: str, config: MatchConfig, dob_a: str | None = None,
            dob_b: str | None = None, nationality_a: str | None = None,
            nationality_b: str | None = None) -> Comparison:
    """Explain one pair the way screening would score it (name_b plays the listed name; parts are
    weighted equally since no list gives their rarity)."""
    def slots(name: str) -> list[WeightedSlot]:
        return [(s.forms, config.particle_weight if s.particle else 2.0) for s in name_slots(name)]

    result = score_names(slots(name_a), slots(name_b), config.name_weights())
    entry = WatchlistEntry("", "", [name_b], dates_of_birth=[dob_b] if dob_b else [],
                           nationalities=[nationality_b.upper()] if nationality_b else [])
    traveller = {"date_of_birth": dob_a, "nationality": nationality_a}
    score, parts = combine(MatchPart("name", result.score, result.detail()),
                           evidence_parts(traveller, entry, config))
    return Comparison(score, score >= config.threshold, parts)
