"""Watchlist screening: candidates from the blocking keys of every name part (rarity-aware), then each
candidate name scored by weighted part alignment plus date of birth, nationality, sex and document
evidence. Every match carries its parts so a flag can say why."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from screening.matching.batch import INITIAL_WEIGHT, BatchScorer
from screening.matching.candidates import CandidateFinder, split_by
from screening.matching.config import MatchConfig
from screening.matching.evidence import (
    ListedEvidence,
    MatchPart,
    TravellerEvidence,
    combine,
    dob_evidence,
    document_evidence,
    nationality_evidence,
    sex_evidence,
)
from screening.matching.index_data import (
    MAX_WEIGHT,
    SYLLABLE_MAX_WEIGHT,
    IndexData,
    dob_key,
    part_weights,
    traveller_birth_year,
)
from screening.matching.list_size import chance_size
from screening.matching.name_bounds import NameBounds
from screening.matching.names import Slot, is_byname_only, name_slots, split_packed_names, traveller_full_name
from screening.matching.part_features import syllable_flags
from screening.matching.scoring import (
    LIGHT_WEIGHT,
    NameScore,
    NameWeights,
    WeightedSlot,
    below_agreement,
    calibrate,
    is_pinyin_syllable,
    score_names,
)
from screening.matching.sorted_keys import sorted_runs
from screening.model import Traveller
from screening.vocabulary import ALIAS_UNSPECIFIED, LOW_QUALITY_ALIASES
from screening.watchlists.model import WatchlistEntry, WatchlistLoad

BOUND_MARGIN = 1e-6  # log-odds: the bound sums in another order than the scorer
# Below this many candidates the scorer itself is quicker than the array bound (its fixed cost, the numpy
# calls, is paid once per batch since the bounds of all travellers are computed at once: one is enough).
BOUND_MIN_NAMES = 1
_NO_NAMES = np.empty(0, dtype=np.int64)
_QUERY_CACHE_LIMIT = 50_000  # traveller names whose weighted slots are kept (query_slots)
_EVIDENCE_CACHE_LIMIT = 100_000  # decoded entries kept for the evidence sums (_evidence_entry)
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
    threshold: float  # the operating point it was judged at: names alone have their own

    def to_json(self) -> dict[str, Any]:
        return {
            "score": round(self.score, 4),
            "is_match": self.is_match,
            "threshold": self.threshold,
            "parts": [{"feature": p.feature, "value": round(p.value, 4), "detail": p.detail} for p in self.parts],
        }


def traveller_nationalities(traveller: Traveller) -> list[str]:
    """Nationality, plus the passport's issuing state (a dual national may travel on either)."""
    values = [traveller.get("nationality"), traveller.get("document_issuing_state")]
    return [str(v).upper() for v in values if v]


def evidence_parts(traveller: Traveller, entry: WatchlistEntry, config: MatchConfig) -> list[MatchPart | None]:
    return [
        dob_evidence(traveller.get("date_of_birth"), entry.dates_of_birth, config),
        nationality_evidence(traveller_nationalities(traveller), entry.nationalities, config),
        sex_evidence(traveller.get("sex"), entry.sex, config),
        document_evidence(traveller.get("document_number"), entry.document_numbers, config),
    ]


def evidence_sum(traveller: Traveller, nationalities: list[str], entry: WatchlistEntry, config: MatchConfig) -> float:
    """What evidence_parts' parts sum to (in the same order), without their wording: the bounds of a batch
    ask it of every candidate entry. `nationalities` are traveller_nationalities(traveller)."""
    return traveller_evidence(traveller, nationalities).total(listed_evidence(entry), config)


def traveller_evidence(traveller: Traveller, nationalities: list[str]) -> TravellerEvidence:
    """The traveller's side of evidence_sum, normalised once for all its candidates."""
    return TravellerEvidence.of(
        traveller.get("date_of_birth"), nationalities, traveller.get("sex"), traveller.get("document_number")
    )


def listed_evidence(entry: WatchlistEntry) -> ListedEvidence:
    """The entry's side of evidence_sum."""
    return ListedEvidence.of(entry.dates_of_birth, entry.nationalities, entry.sex, entry.document_numbers)


@dataclass
class BestName:
    """A listed entry's best-scoring name for one traveller (its explanation is written only if returned)."""

    name: int
    value: float  # name log-odds, low-quality alias adjustment included
    result: NameScore
    quality: str


def name_detail(result: NameScore, quality: str, config: MatchConfig) -> str:
    """The name part's explanation: every part's log-odds, and the alias quality when not primary."""
    detail = result.detail()
    if quality not in ("primary", "", ALIAS_UNSPECIFIED):
        detail += f" (listed {quality.replace('_', ' ')} alias)"
    if quality in LOW_QUALITY_ALIASES:
        detail += f", low-quality alias {config.low_quality_alias_log_odds:+.2f}"
    return detail


def name_score(
    slots: list[WeightedSlot],
    listed: list[WeightedSlot],
    listed_ids: list[tuple[int, ...]],
    known: list[dict[int, float]] | None,
    weights: NameWeights,
) -> NameScore:
    """score_names, with the part similarities found during candidate generation when `known`."""
    if known is None:
        return score_names(slots, listed, weights)

    def similarity(i: int, j: int) -> float:
        table = known[i]
        found = max(table.get(v, 0.0) for v in listed_ids[j])  # the tables hold every agreeing pair
        return found if found > 0.0 else below_agreement(slots[i][0], listed[j][0], weights)

    return score_names(slots, listed, weights, similarity)


@lru_cache(maxsize=65_536)  # a century of days
def traveller_dob(value: str | None) -> tuple[int | None, tuple[int, bool] | None]:
    """(dob_key, traveller_birth_year) of a traveller's date of birth, read once: several stages of a
    batch ask, and travellers share dates."""
    return dob_key(value), traveller_birth_year(value)


def evidence_ceiling(traveller: Traveller, config: MatchConfig) -> float:
    """The most log-odds a traveller's date of birth, nationality, sex and document could add to a name
    (each feature's best outcome, or nothing when the traveller does not give it)."""
    return evidence_ceilings([traveller], config)[0]


def evidence_ceilings(travellers: Sequence[Traveller], config: MatchConfig) -> list[float]:
    """evidence_ceiling of each traveller, each feature's best outcome worked out once (a batch asks it
    of every traveller)."""
    dob_most = max(
        0.0,
        config.dob_exact_log_odds,
        config.dob_partial_log_odds,
        config.dob_swapped_log_odds,
        config.dob_near_log_odds,
    )
    nationality_most = max(0.0, config.nationality_match_log_odds, config.nationality_mismatch_log_odds)
    document_most = max(0.0, config.document_match_log_odds)
    ceilings = []
    for traveller in travellers:
        ceiling = 0.0
        if traveller.get("date_of_birth"):
            ceiling += dob_most
        if traveller.get("nationality") or traveller.get("document_issuing_state"):  # traveller_nationalities
            ceiling += nationality_most
        if traveller.get("document_number"):
            ceiling += document_most
        ceilings.append(ceiling)  # sex only ever subtracts; a low-quality alias too
    return ceilings


def least_reaching(config: MatchConfig) -> float:
    """About the least log-odds whose calibrated score reaches the threshold (a little less): where the
    name bound need not be tight (NameBounds.many_bounds), never what decides a flag."""
    threshold = min(max(config.threshold, 1e-12), 1.0 - 1e-12)
    logit = float(np.log(threshold / (1.0 - threshold)))
    return (logit - config.calibration_intercept) / config.calibration_slope - 1e-6


def entry_changes(
    old_records: list[bytes], new_entries: list[WatchlistEntry]
) -> tuple[list[int], list[WatchlistEntry]]:
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


def part_rarity(names: Iterable[str]) -> dict[str, float]:
    """Each name part's rarity weight among these names, as the index weighs a list's parts (1 for a part
    every name has, up to MAX_WEIGHT for a part one name has): for comparing pairs against a column."""
    frequency: dict[str, int] = {}
    distinct = set(names)
    for name in distinct:
        for part in {s.primary for s in name_slots(name) if not s.particle}:
            frequency[part] = frequency.get(part, 0) + 1
    counts = np.fromiter(frequency.values(), np.int64, len(frequency))
    weights = part_weights(counts, len(distinct), syllable_flags(list(frequency)))
    return dict(zip(frequency, weights.astype(float).tolist(), strict=True))


def unknown_weight(token: str) -> float:
    """Weight of a part no listed name has: as telling as the rarest part, unless it is very short or one
    Chinese syllable (index_data.SYLLABLE_MAX_WEIGHT)."""
    most = SYLLABLE_MAX_WEIGHT if is_pinyin_syllable(token) else MAX_WEIGHT
    return min(most, 1.0 + 0.5 * (len(token) - 1))


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
        self._evidence_cache: dict[int, WatchlistEntry] = {}
        self._listed_evidence_cache: dict[int, ListedEvidence] = {}
        self._query_cache: dict[tuple[str, float], tuple[WeightedSlot, ...]] = {}
        self.finder = CandidateFinder(data)
        self.batch_scorer = BatchScorer(data, self.finder)
        self.name_bounds = NameBounds(data, self.finder)
        self._weights_for: MatchConfig | None = None
        self._name_weights = NameWeights()
        self._list_config: tuple[MatchConfig, MatchConfig] | None = None  # (as given, calibrated)
        self._chance_sizes: dict[tuple[float, float], float] = {}  # (alias, undated weight) -> size

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
        """A traveller name's weighted slots, cached by name (the slot weights are this index's, so the
        cache is too): a manifest screened again, or a frequent traveller, costs one lookup."""
        key = (name, config.particle_weight)
        cached = self._query_cache.get(key)
        if cached is None:
            if len(self._query_cache) >= _QUERY_CACHE_LIMIT:
                self._query_cache.clear()
            cached = self._query_cache[key] = self._weighted_slots(name, config.particle_weight)
        return list(cached)

    def _weighted_slots(self, name: str, particle_weight: float) -> tuple[WeightedSlot, ...]:
        """query_slots uncached: each part weighed by its rarity on this index's lists."""
        d = self.data
        out: list[WeightedSlot] = []
        for slot in name_slots(name):
            if slot.particle:
                out.append((slot.forms, particle_weight))
            else:
                vid = d.vocab_ids.get(slot.primary)
                if vid is not None and d.post_ptr[vid + 1] == d.post_ptr[vid]:
                    vid = None  # a part only removed entries had (incremental update): unknown
                weight = float(d.token_weight[vid]) if vid is not None else unknown_weight(slot.primary)
                forms = slot.forms_among(d.vocab_ids)  # its compound forms only where a list writes them
                out.append((forms, min(weight, INITIAL_WEIGHT) if len(slot.primary) == 1 else weight))
        return tuple(out)

    def candidates(
        self, slots: list[WeightedSlot], config: MatchConfig, traveller: Traveller | None = None
    ) -> np.ndarray:
        """Listed names worth scoring (see candidates.py), best first; for a traveller with a full date of
        birth, then the names listed with that date that share a part with them."""
        return self.many_candidates([slots], config, [traveller or {}])[0]

    def many_candidates(
        self, queries: list[list[WeightedSlot]], config: MatchConfig, travellers: Sequence[Traveller]
    ) -> list[np.ndarray]:
        """candidates() of several travellers at once (CandidateFinder.find_many)."""
        asked = []
        for slots, traveller in zip(queries, travellers, strict=True):
            min_share = config.candidate_min_share
            if config.candidate_min_share_long is not None and sum(w >= LIGHT_WEIGHT for _, w in slots) >= 3:
                min_share = config.candidate_min_share_long
            dob = traveller.get("date_of_birth")
            asked.append((slots, min_share, *traveller_dob(dob)))
        return self.finder.find_many(
            asked,
            self._weights(config),
            config.max_candidates_per_traveller,
            config.candidate_cutoff - config.candidate_estimate_margin,
            config.particle_weight,
        )

    def list_config(self, config: MatchConfig) -> MatchConfig:
        """`config` calibrated for this index's number of names (MatchConfig.for_list): every scoring
        entry point applies it, so a score means the same on any list. The same object for the same
        config (the weights and bounds derived from it are cached by identity); one already calibrated
        for this list is returned as it is (for_list is idempotent), so the cache keeps the caller's."""
        if not config.list_size_prior:
            return config
        if self._list_config is not None and self._list_config[0] is config:
            return self._list_config[1]
        calibrated = config.for_list(self.chance_size(config))
        if calibrated is not config:
            self._list_config = (config, calibrated)
        return calibrated

    def chance_size(self, config: MatchConfig) -> float:
        """This list's size for chance agreements under `config`'s weights (list_size.chance_size), computed
        once per pair of weights: every scoring entry point asks, once per traveller on the single path."""
        key = (config.list_alias_weight, config.list_undated_weight)
        size = self._chance_sizes.get(key)
        if size is None:
            size = self._chance_sizes[key] = chance_size(self.data.name_owner, self.data.dob_names, *key)
        return size

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
    def traveller_slots(self, traveller: Traveller, config: MatchConfig) -> list[WeightedSlot]:
        return self.query_slots(traveller_full_name(traveller.get("given_names"), traveller.get("surname")), config)

    def score_traveller(
        self,
        traveller: Traveller,
        config: MatchConfig,
        names: np.ndarray | None = None,
        keep_below: bool = False,
        limit: int | None = None,
        known: list[dict[int, float]] | None = None,
        slots: list[WeightedSlot] | None = None,
    ) -> list[Match]:
        """Best match per listed entry for one traveller (above the threshold unless keep_below), best
        first, at most `limit`. `names` (with the part similarities `known` for them) may come from the
        batch path, which has already dropped candidates that cannot be kept (see _worth_scoring)."""
        config = self.list_config(config)
        if slots is None:
            slots = self.traveller_slots(traveller, config)
        if not slots:
            return []
        if names is None:
            names = self.candidates(slots, config, traveller)
            known = self._known(slots, self._weights(config))  # found while generating candidates
        best = self._best_per_entry(slots, names, known, config)
        self._add_bynames(traveller, best, config)
        if not any(traveller.get(k) for k in EVIDENCE_FIELDS):
            return self._rank_by_name(traveller, best, config, keep_below, limit)
        return self._rank_with_evidence(traveller, best, config, keep_below, limit)

    def _best_per_entry(
        self,
        slots: list[WeightedSlot],
        names: np.ndarray,
        known: list[dict[int, float]] | None,
        config: MatchConfig,
    ) -> dict[int, BestName]:
        """Each listed entry's best name among `names` by name log-odds (ties: the first), names whose
        similarity is below the candidate cutoff left out (never scored in screening, not kept either)."""
        weights = self._weights(config)
        d = self.data
        best: dict[int, BestName] = {}
        seen: dict[tuple[tuple[int, ...], ...], NameScore] = {}  # a common name listed many times
        for name in names.tolist():
            listed, listed_ids = self._listed(name, config)
            signature = tuple(listed_ids)
            result = seen.get(signature)
            if result is None:
                result = seen[signature] = name_score(slots, listed, listed_ids, known, weights)
            if result.score < config.candidate_cutoff:
                continue
            quality = d.qualities[int(d.name_quality[name])]
            value = result.log_odds  # evidence in log-odds; Match.score is its calibrated probability
            if quality in LOW_QUALITY_ALIASES:
                value += config.low_quality_alias_log_odds
            owner = int(d.name_owner[name])
            current = best.get(owner)
            if current is None or current.value < value:
                best[owner] = BestName(name, value, result, quality)
        return best

    def _byname_names(self, traveller: Traveller) -> np.ndarray:
        """For a traveller whose name is only a kunya or laqab (ABU HAMZA, AL-MASRI: names.is_byname_only)
        and who gives a full date of birth, the listed names born that day; none otherwise."""
        if not is_byname_only(traveller_full_name(traveller.get("given_names"), traveller.get("surname"))):
            return _NO_NAMES
        dob = traveller_dob(traveller.get("date_of_birth"))[0]
        if dob is None:
            return _NO_NAMES
        return self.data.names_born(dob)

    def _add_bynames(self, traveller: Traveller, best: dict[int, BestName], config: MatchConfig) -> None:
        """A kunya or laqab alone neither confirms nor contradicts a listed person's names: every entry
        born on the traveller's full date of birth is weighed with the name at byname_log_odds (unless
        its names agree better), so date of birth, nationality and sex decide (ABU X with the listed
        date of birth and nationality is found)."""
        value = config.byname_log_odds
        for name in self._byname_names(traveller).tolist():
            owner = int(self.data.name_owner[name])
            current = best.get(owner)
            if current is None or current.value < value:
                detail = "a kunya or laqab alone: neither confirms nor contradicts the listed names"
                result = NameScore(0.0, [], [], [], 0.0, value, [(detail, value)])
                best[owner] = BestName(name, value, result, self.data.qualities[int(self.data.name_quality[name])])

    def _match(self, traveller: Traveller, owner: int, best: BestName, score: float, config: MatchConfig) -> Match:
        """The Match of a returned entry: its entry decoded and its name explanation written only now."""
        name_part = MatchPart("name", best.value, name_detail(best.result, best.quality, config))
        ref = str(traveller.get("traveller_ref") or "")
        return Match(
            ref, self.entries[owner], self.data.listed_name(best.name), score, [name_part, *self._list_part(config)]
        )

    def _list_part(self, config: MatchConfig) -> list[MatchPart]:
        """The list-size prior as a part of the explanation (none on a list of the calibration's size), in
        the parts' units (before the slope), so the parts still sum to what was calibrated."""
        if not config.list_prior:
            return []
        names = self.data.name_count
        more = "more" if config.list_prior < 0 else "fewer"
        detail = (
            f"list of {names:,} names (weighed as {config.calibration_names:,.0f} for chance agreements): {more} "
            f"chance agreements than on the list the calibration was fitted on ({config.list_prior:+.2f} "
            "prior log-odds)"
        )
        return [MatchPart("list_size", config.list_prior / config.calibration_slope, detail)]

    def _rank_by_name(
        self,
        traveller: Traveller,
        best: dict[int, BestName],
        config: MatchConfig,
        keep_below: bool,
        limit: int | None,
    ) -> list[Match]:
        """Nothing but a name to compare: rank by the name's calibrated score."""
        slope, intercept = config.calibration_slope, config.calibration_intercept
        scored = [(owner, b, float(calibrate(b.value, slope, intercept))) for owner, b in best.items()]
        scored.sort(key=lambda item: (-item[2], item[0]))  # ties by entry: the same order on every path
        kept = [item for item in scored if keep_below or item[2] >= config.threshold][:limit]
        return [self._match(traveller, owner, b, score, config) for owner, b, score in kept]

    def _rank_with_evidence(
        self,
        traveller: Traveller,
        best: dict[int, BestName],
        config: MatchConfig,
        keep_below: bool,
        limit: int | None,
    ) -> list[Match]:
        """Name log-odds plus date of birth, nationality, sex and document evidence, calibrated."""
        out: list[tuple[float, int, BestName, list[MatchPart]]] = []
        for owner, b in best.items():
            name_part = MatchPart("name", b.value, "")  # explained below, only if returned
            score, parts = combine(name_part, evidence_parts(traveller, self._evidence_entry(owner), config), config)
            if keep_below or score >= config.threshold:
                out.append((score, owner, b, parts))
        out.sort(key=lambda item: (-item[0], item[1]))  # ties by entry: the same order on every path
        matches = []
        for score, owner, b, parts in out[:limit]:
            match = self._match(traveller, owner, b, score, config)
            match.parts = [match.parts[0], *parts[1:], *match.parts[1:]]
            matches.append(match)
        return matches

    def screen(self, travellers: Sequence[Traveller], config: MatchConfig) -> list[Match]:
        """Flags for a manifest or a batch of manifests, screened as arrays (see screen_batch)."""
        return self.screen_batch(travellers, config)

    def screen_single(self, travellers: Sequence[Traveller], config: MatchConfig) -> list[Match]:
        """The same flags, one traveller at a time through score_traveller (the reference path)."""
        config = self.list_config(config)
        matches: list[Match] = []
        for traveller in travellers:
            matches.extend(self.score_traveller(traveller, config, limit=config.max_matches_per_traveller))
        return matches

    def screen_batch(self, travellers: Sequence[Traveller], config: MatchConfig) -> list[Match]:
        """Flags for many travellers: the agreeing listed parts of every traveller name part are found in
        one batch (keys hashed at once, one join against the key table, part similarities in rapidfuzz
        cpdist calls and vectorised.token_similarities), each traveller's candidates are scored as arrays
        (BatchScorer) and only those that could be kept are aligned by the scorer itself; explanations are
        built only for the flags. Same flags, scores and explanations as screen_single."""
        config = self.list_config(config)
        weights = self._weights(config)
        full_names = [traveller_full_name(t.get("given_names"), t.get("surname")) for t in travellers]
        queries = [self.query_slots(name, config) for name in full_names]
        self.finder.prepare([forms for slots in queries for forms, _ in slots], weights)
        asking = [k for k, slots in enumerate(queries) if slots]
        found = [_NO_NAMES] * len(travellers)
        for k, names in zip(
            asking,
            self.many_candidates([queries[k] for k in asking], config, [travellers[k] for k in asking]),
            strict=True,
        ):
            found[k] = names
        kept = self._worth_scoring(travellers, found, queries, config)
        matches: list[Match] = []
        for traveller, full_name, slots, names in zip(travellers, full_names, queries, kept, strict=True):
            if slots and (len(names) or is_byname_only(full_name)):  # else _score_batch finds nothing
                matches.extend(self._score_batch(traveller, slots, names, config))
        return matches

    def _known(self, slots: list[WeightedSlot], weights: NameWeights) -> list[dict[int, float]]:
        """For each traveller part, the listed parts that agree with it and their similarities."""
        known = []
        for forms, _ in slots:
            ids, sims, _size = self.finder.agreeing_parts(forms, weights)
            known.append(dict(zip(ids.tolist(), sims.tolist(), strict=True)))
        return known

    def _score_batch(
        self, traveller: Traveller, slots: list[WeightedSlot], names: np.ndarray, config: MatchConfig
    ) -> list[Match]:
        """score_traveller(traveller, config, limit=max_matches_per_traveller) over the part similarities
        the batch prepared, for the candidates that could be kept only (`names`, see _worth_scoring)."""
        if not len(names) and not len(self._byname_names(traveller)):
            return []
        return self.score_traveller(
            traveller,
            config,
            names=names,
            known=self._known(slots, self._weights(config)),
            slots=slots,
            limit=config.max_matches_per_traveller,
        )

    def _worth_scoring(
        self,
        travellers: Sequence[Traveller],
        found: list[np.ndarray],
        queries: list[list[WeightedSlot]],
        config: MatchConfig,
    ) -> list[np.ndarray]:
        """Of each traveller's candidates, those score_traveller could keep: name similarity (exact, as
        arrays) at least the candidate cutoff, and the name log-odds (exact as arrays, up to summing
        order), the low-quality alias adjustment and the most the traveller's other evidence could add
        reaching the threshold. Dropping the others changes no flag; a traveller with no evidence sends its
        flags only to the scorer. A few candidates go to the scorer as they are. Only the candidates whose
        cheap bound reaches (_within_name_bounds) are scored exactly, all travellers' in one BatchScorer
        call (many_scores_and_bounds)."""
        most = evidence_ceilings(travellers, config)  # read by both filters
        sums: dict[int, dict[int, float]] = {}  # per traveller, its entries' evidence sums (both filters)
        found = self._within_name_bounds(travellers, found, queries, config, most, sums)
        bounded = [k for k, names in enumerate(found) if len(names) >= max(BOUND_MIN_NAMES, 1)]
        kept = list(found)
        if not bounded:
            return kept
        scored = self.batch_scorer.many_scores_and_bounds(
            [(found[k], queries[k]) for k in bounded], self._weights(config), config.particle_weight
        )
        names = np.concatenate([found[k] for k in bounded])
        score = np.concatenate([score for score, _ in scored])
        log_odds = np.concatenate([log_odds for _, log_odds in scored])
        ceilings = [most[k] + BOUND_MARGIN for k in bounded]
        lengths = [len(found[k]) for k in bounded]
        ceiling = np.repeat(ceilings, lengths)
        value = log_odds + self._alias_adjustment(config)[self.data.name_quality[names]]
        reach = calibrate(value + ceiling, config.calibration_slope, config.calibration_intercept)
        keep = (score >= config.candidate_cutoff) & (np.asarray(reach) >= config.threshold)
        keep = self._near_entry_best(np.repeat(np.arange(len(bounded)), lengths), names, value, keep)
        pieces = zip(bounded, split_by(names, lengths), split_by(value, lengths), split_by(keep, lengths), strict=True)
        evidenced: list[tuple[int, np.ndarray]] = []  # (traveller, name log-odds bounds of its kept names)
        for k, its_names, its_value, its_keep in pieces:
            kept[k] = its_names[its_keep]
            if len(kept[k]) and any(travellers[k].get(f) for f in EVIDENCE_FIELDS):
                evidenced.append((k, its_value[its_keep]))
        if evidenced:
            self._keep_evidence_reaching(travellers, kept, evidenced, config, sums)
        return kept

    def _near_entry_best(
        self, traveller: np.ndarray, names: np.ndarray, value: np.ndarray, keep: np.ndarray
    ) -> np.ndarray:
        """`keep`, less the names whose name log-odds (`value`: exact up to summing order, BOUND_MARGIN)
        fall more than twice BOUND_MARGIN below another kept name of the same entry for the same
        traveller: _best_per_entry keeps an entry's best name only, so such a name can be neither it nor
        tie with it, and its exact scoring is skipped (an entry listed with many aliases brings them all).
        `traveller` is each row's traveller; all travellers' rows are grouped by one sort."""
        at = np.flatnonzero(keep)
        if len(at) < 2:
            return keep
        group = traveller[at].astype(np.int64) * np.int64(max(len(self.entries), 1)) + self.data.name_owner[names[at]]
        order, starts = sorted_runs(group)
        best = np.maximum.reduceat(value[at][order], starts)
        best_of = np.empty(len(at))
        best_of[order] = np.repeat(best, np.diff(np.append(starts, len(order))))
        out = keep.copy()
        out[at] = value[at] >= best_of - 2 * BOUND_MARGIN
        return out

    def _within_name_bounds(
        self,
        travellers: Sequence[Traveller],
        found: list[np.ndarray],
        queries: list[list[WeightedSlot]],
        config: MatchConfig,
        most: list[float],
        sums: dict[int, dict[int, float]],
    ) -> list[np.ndarray]:
        """Of each traveller's candidates, those whose cheap upper bound of the name log-odds
        (name_bounds.py), with the alias adjustment and the most evidence could add, reaches the
        threshold: the exact array scores are then worked out for these only (a twentieth of a big list's
        candidates). That most is evidence_ceiling (`most`, per traveller) for a traveller whose evidence
        alone could not reach the threshold, and each entry's own evidence sum (`sums`, kept for
        _keep_evidence_reaching) for one whose evidence could carry a weak name: most of a real-world
        traveller's candidates give another date of birth, which the ceiling would read as agreeing."""
        ceilings = [ceiling + 2 * BOUND_MARGIN for ceiling in most]
        needy = np.asarray(calibrate(np.array(ceilings), config.calibration_slope, config.calibration_intercept))
        bounded = [k for k, names in enumerate(found) if len(names)]
        kept = list(found)
        if not bounded:
            return kept
        asked = [(found[k], queries[k]) for k in bounded]
        needed = least_reaching(config) - np.array([ceilings[k] for k in bounded])
        bound = self.name_bounds.many_bounds(asked, self._weights(config), config.particle_weight, needed)
        names = np.concatenate([found[k] for k in bounded])
        lengths = [len(found[k]) for k in bounded]
        # a traveller whose evidence could carry a weak name: each entry's own evidence instead of the most
        own = [
            np.array(self._evidence_sums(travellers[k], found[k], config, sums.setdefault(k, {}))) + 2 * BOUND_MARGIN
            if needy[k] >= config.threshold
            else np.full(len(found[k]), ceilings[k])
            for k in bounded
        ]
        ceiling = np.concatenate(own)
        value = bound + self._alias_adjustment(config)[self.data.name_quality[names]]
        reach = calibrate(value + ceiling, config.calibration_slope, config.calibration_intercept)
        reaches = np.asarray(reach) >= config.threshold
        for k, its_names, its_reach in zip(bounded, split_by(names, lengths), split_by(reaches, lengths), strict=True):
            kept[k] = its_names[its_reach]
        return kept

    def _keep_evidence_reaching(
        self,
        travellers: Sequence[Traveller],
        kept: list[np.ndarray],
        evidenced: list[tuple[int, np.ndarray]],
        config: MatchConfig,
        sums: dict[int, dict[int, float]],
    ) -> None:
        """Keeps in `kept` only the names whose log-odds bound with their entry's own evidence (as
        _rank_with_evidence sums it, up to BOUND_MARGIN) reaches the threshold: a traveller with a date of
        birth has most candidates that only the most any evidence could add (evidence_ceiling) kept. All
        travellers' totals are calibrated at once."""
        totals = [
            value + np.array(self._evidence_sums(travellers[k], kept[k], config, sums.setdefault(k, {}))) + BOUND_MARGIN
            for k, value in evidenced
        ]
        reach = calibrate(np.concatenate(totals), config.calibration_slope, config.calibration_intercept)
        reaches = np.asarray(reach) >= config.threshold
        for (k, _), its_reach in zip(evidenced, split_by(reaches, [len(t) for t in totals]), strict=True):
            kept[k] = kept[k][its_reach]

    def _evidence_sums(
        self, traveller: Traveller, names: np.ndarray, config: MatchConfig, known: dict[int, float]
    ) -> list[float]:
        """evidence_sum of each name's entry (once per entry: an entry's aliases are candidates together),
        the traveller's sums so far read from and added to `known` (entry -> sum)."""
        owners = self.data.name_owner[names].tolist()
        new = [owner for owner in dict.fromkeys(owners) if owner not in known]
        if new:
            asked = traveller_evidence(traveller, traveller_nationalities(traveller))
            known.update((owner, asked.total(self._listed_evidence(owner), config)) for owner in new)
        return [known[o] for o in owners]

    def _listed_evidence(self, owner: int) -> ListedEvidence:
        """listed_evidence of entry `owner`, made once (the candidates of a batch meet the same entries
        again and again)."""
        found = self._listed_evidence_cache.get(owner)
        if found is None:
            if len(self._listed_evidence_cache) > _EVIDENCE_CACHE_LIMIT:
                self._listed_evidence_cache.clear()
            found = self._listed_evidence_cache[owner] = listed_evidence(self._evidence_entry(owner))
        return found

    def _evidence_entry(self, owner: int) -> WatchlistEntry:
        """Entry `owner` as evidence_parts reads it, decoded once (a saved index decodes its JSON record on
        every access; the candidates of a batch meet the same entries again and again). Kept private to the
        evidence (_rank_with_evidence, _listed_evidence): a Match gets its own decoded entry."""
        entry = self._evidence_cache.get(owner)
        if entry is None:
            if len(self._evidence_cache) > _EVIDENCE_CACHE_LIMIT:
                self._evidence_cache.clear()
            entry = self._evidence_cache[owner] = self.entries[owner]
        return entry

    def _alias_adjustment(self, config: MatchConfig) -> np.ndarray:
        """Log-odds added to a name by its alias quality (index in data.qualities), as _best_per_entry adds it."""
        adjustment = np.array(
            [config.low_quality_alias_log_odds if q in LOW_QUALITY_ALIASES else 0.0 for q in self.data.qualities]
        )
        return adjustment


def compare(
    name_a: str,
    name_b: str,
    config: MatchConfig,
    dob_a: str | None = None,
    dob_b: str | None = None,
    nationality_a: str | None = None,
    nationality_b: str | None = None,
    rarity: Mapping[str, float] | None = None,
) -> Comparison:
    """Explain one pair the way screening would score it (name_b plays the listed name). `rarity` gives
    each part's weight as an index would (`part_rarity` over the names compared against); without it
    every part weighs the same, since one pair tells nothing of how common a part is."""

    def weight(slot: Slot) -> float:
        if slot.particle:
            return config.particle_weight
        if rarity is None:
            return 2.0
        return rarity.get(slot.primary) or unknown_weight(slot.primary)

    def slots(name: str, among: frozenset[str] | None = None) -> list[WeightedSlot]:
        return [(s.listed_forms() if among is None else s.forms_among(among), weight(s)) for s in name_slots(name)]

    def name_result(a: str, b: str) -> NameScore:
        written = frozenset(f for s in name_slots(b) for f in s.listed_forms())  # as screening (query_slots)
        return score_names(slots(a, written), slots(b), config.name_weights())

    # Several names packed into one field ('ALI IBRAHIM; ALI IBRAHEEM') are separate names, as the index
    # reads a list's: the best-agreeing pair is the comparison.
    result = max(
        (
            name_result(a, b)
            for a in split_packed_names(name_a) or [name_a]
            for b in split_packed_names(name_b) or [name_b]
        ),
        key=lambda r: r.log_odds,
    )
    entry = WatchlistEntry(
        "",
        "",
        [name_b],
        dates_of_birth=[dob_b] if dob_b else [],
        nationalities=[nationality_b.upper()] if nationality_b else [],
    )
    traveller = Traveller(date_of_birth=dob_a, nationality=nationality_a)
    evidence = evidence_parts(traveller, entry, config)
    score, parts = combine(MatchPart("name", result.log_odds, result.detail()), evidence, config)
    threshold = config.threshold if any(evidence) else config.names_only_threshold
    return Comparison(score, score >= threshold, parts, threshold)
