"""Batch screening gives the single-traveller path's answers: part similarities, name scores, flags, scores
and explanations, on the test lists and on the real UN + OFAC lists with the yente fixture's queries."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from screening.matching import MatchConfig, WatchlistIndex
from screening.matching.engine import name_score
from screening.matching.names import SKELETON_MARK
from screening.matching.part_features import syllable_flags
from screening.matching.scoring import is_pinyin_syllable, token_similarity
from screening.matching.vectorised import token_similarities
from screening.watchlists.loader import load_watchlist
from tests.conftest import SHARED_DATA

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "watchlists"
CONFIG = MatchConfig()
UN = SHARED_DATA / "watchlists" / "un_consolidated_2026-02-27.xml"
OFAC = SHARED_DATA / "watchlists" / "ofac_sdn_2021"
YENTE = SHARED_DATA / "eval" / "yente_candidate_generation"


def small_lists() -> list[Any]:
    return [
        load_watchlist(FIXTURES / "un_small.xml"),
        load_watchlist(FIXTURES / "ofac"),
        load_watchlist(FIXTURES / "watchlist_small.csv"),
    ]


def flags(matches: list[Any]) -> list[tuple[str, str, str, float, str]]:
    return [(m.traveller_ref, m.entry.entry_id, m.matched_name, m.score, m.explanation) for m in matches]


def typo(text: str, rng: random.Random) -> str:
    i = rng.randrange(len(text))
    return text if text[i] == " " else text[:i] + rng.choice("AEIOUKLMNRST") + text[i + 1 :]


def test_vectorised_part_similarity_is_the_scorers() -> None:
    index = WatchlistIndex(small_lists())
    words = [w for w in index.data.vocabulary if w]
    rng = random.Random(3)
    a = [rng.choice(words) for _ in range(3000)]
    b = [typo(w, rng) if rng.random() < 0.5 else rng.choice(words) for w in a]
    a += ["AFIZ", "EL", "YUSUF", "ALI", "M", "OK", "RI", "MOHAMMAD", "N", "ALSAHRAUI", "ABDULRAHMAN", "ALHAMID"]
    b += ["FAIZ", "LE", "YOUSEF", "ALY", "MUHAMMAD", "OLK", "JI", "MUHAMED", "M", "ALSHAMI", "ABDALRAHMAN", "ALHAMEED"]
    a += ["JIANG", "ZHONG", "CHIN", "TANG", "JONG", "PENG", "JIN"]  # two Chinese syllables, or not (JUNG)
    b += ["LIANG", "CHENG", "BIN", "TAN", "JUNG", "PONG", "BIN"]
    weights = CONFIG.name_weights()
    expected = [
        token_similarity(x, y, weights.phonetic_similarity, weights.initial_similarity)
        for x, y in zip(a, b, strict=True)
    ]
    assert token_similarities(a, b, weights).tolist() == expected
    # as the candidate search calls it: the sides' syllable flags given (the index saves them per part)
    known = {"syllable_a": syllable_flags(a), "syllable_b": syllable_flags(b)}
    assert token_similarities(a, b, weights, known=known).tolist() == expected
    assert index.data.syllables.tolist() == [is_pinyin_syllable(w) for w in index.data.vocabulary]


def test_batch_name_scores_are_score_names_bit_for_bit() -> None:
    index = WatchlistIndex(small_lists())
    weights = CONFIG.name_weights()
    queries = [
        "Sanaulah Ghafari",
        "Juan Carlos Garcialopez",
        "Lauren Tnkunda",
        "Abdul Rahman Al Hashimi",
        "Mohammed Ali",
        "Jawad Rahiqi",
        "Hans Mueller",
        "Jon Smith",
        "Kim Jong",
    ]
    rng = random.Random(9)
    queries += [typo(name, rng) for entry in index.entries for name in entry.names]
    compared = 0
    asked = [(index.candidates(slots, CONFIG), slots) for slots in (index.query_slots(q, CONFIG) for q in queries)]
    # all queries' names scored at once, in both orders (a query's values are not its group's first one's)
    together = index.batch_scorer.many_scores_and_bounds(asked, weights, CONFIG.particle_weight)
    backwards = index.batch_scorer.many_scores_and_bounds(asked[::-1], weights, CONFIG.particle_weight)[::-1]
    assert [s.tolist() for s, _ in together] == [s.tolist() for s, _ in backwards]
    for (names, slots), (scores, _bounds) in zip(asked, together, strict=True):
        if not len(names):
            continue
        known = [index.finder.agreeing_parts(forms, weights) for forms, _ in slots]
        tables = [dict(zip(ids.tolist(), sims.tolist(), strict=True)) for ids, sims, _ in known]
        batch = index.batch_scorer.name_scores(names, slots, weights, CONFIG.particle_weight)
        assert scores.tolist() == batch.tolist()
        for name, value in zip(names.tolist(), batch.tolist(), strict=True):
            listed, ids = index._listed(name, CONFIG)
            assert value == name_score(slots, listed, ids, tables, weights).score, (slots, name)
            compared += 1
    assert compared > 20


def test_batch_screening_flags_as_single_on_test_lists() -> None:
    single, batch = WatchlistIndex(small_lists()), WatchlistIndex(small_lists())
    rng = random.Random(5)
    travellers = []
    for k, entry in enumerate(single.entries):
        for name in entry.names[:3]:
            dob = entry.dates_of_birth[0] if entry.dates_of_birth and rng.random() < 0.5 else None
            travellers.append(
                {
                    "traveller_ref": f"t{k}",
                    "given_names": typo(name, rng),
                    "surname": "",
                    "date_of_birth": dob,
                    "nationality": rng.choice(["AFG", "GBR", None]),
                }
            )
    travellers.append({"traveller_ref": "empty", "given_names": "", "surname": ""})
    expected = flags(single.screen_single(travellers, CONFIG))
    assert expected  # the typos still find their entries
    assert flags(batch.screen_batch(travellers, CONFIG)) == expected


@pytest.mark.skipif(
    not (UN.exists() and OFAC.exists() and YENTE.is_dir()),
    reason=f"real lists and the yente fixture live in {SHARED_DATA} (not in the repository)",
)
@pytest.mark.parametrize("with_evidence", [False, True])
def test_batch_screening_flags_as_single_on_un_ofac_with_yente_queries(with_evidence: bool) -> None:
    from screening.watchlists.country_names import country_to_icao

    loads = [load_watchlist(UN), load_watchlist(OFAC)]
    single, batch = WatchlistIndex(loads), WatchlistIndex(loads)
    rows = pd.concat(
        [
            pd.read_csv(YENTE / "positives_un_treated.csv", dtype=str, keep_default_na=False),
            pd.read_csv(YENTE / "negatives_global.csv", dtype=str, keep_default_na=False).sample(2000, random_state=7),
        ]
    ).to_dict("records")
    travellers = []
    for k, row in enumerate(rows):
        nationality = country_to_icao(row["nationality"]) if with_evidence and row["nationality"] else None
        travellers.append(
            {
                "traveller_ref": str(k),
                "given_names": row["full_name"],
                "surname": "",
                "date_of_birth": (row["date_of_birth"] or None) if with_evidence else None,
                "nationality": nationality,
                "sex": {"male": "M", "female": "F"}.get(row["gender"]) if with_evidence else None,
            }
        )
    expected = flags(single.screen_single(travellers, CONFIG))
    assert len({f[0] for f in expected}) > 300  # most positives are flagged
    got = flags(batch.screen_batch(travellers, CONFIG))
    assert got == expected
    assert np.isfinite([f[3] for f in got]).all()


def test_prepared_part_tables_are_agreeing_parts() -> None:
    """The batch's part similarities (vectorised) are the single path's, part by part and bit for bit."""
    batch, single = WatchlistIndex(small_lists()), WatchlistIndex(small_lists())
    weights = CONFIG.name_weights()
    rng = random.Random(4)
    words = [w for w in single.data.vocabulary if w and not w.startswith(SKELETON_MARK)]  # written parts only
    queries = [rng.choice(words) for _ in range(400)]
    queries += [typo(typo(w, rng), rng) for w in queries[:200]]
    queries += ["MOHAMMAD ALI", "ABDULRAHMAN", "YOUSEF", "ALY", "M", "FAIZ"]
    parts = list(dict.fromkeys(forms for q in queries for forms, _ in single.query_slots(q, CONFIG)))
    batch.finder.prepare(parts, weights)
    agreeing = 0
    for forms in parts:
        ids, sims, size = batch.finder.agreeing_parts(forms, weights)
        expected_ids, expected_sims, expected_size = single.finder.agreeing_parts(forms, weights)
        assert ids.tolist() == expected_ids.tolist(), forms
        assert sims.tolist() == expected_sims.tolist(), forms
        assert size == expected_size
        agreeing += len(ids)
    assert agreeing > len(parts)  # most parts agree with some listed part (themselves, variants)


def test_key_positions_are_searchsorted() -> None:
    """The bucketed search of the key table finds what a binary search over all of it finds: present
    hashes, absent ones, the extremes, in sorted order as prepare() asks."""
    finder = WatchlistIndex(small_lists()).finder
    keys = finder.data.key_hashes
    rng = np.random.default_rng(5)
    absent = rng.integers(0, 2**63, 3000, dtype=np.int64).astype(np.uint64) * np.uint64(2)
    extremes = np.array([0, 2**64 - 1], dtype=np.uint64)
    hashes = np.sort(np.concatenate([keys[rng.integers(0, len(keys), 3000)], absent, extremes, keys[-1:]]))
    assert finder._key_positions(hashes).tolist() == np.searchsorted(keys, hashes).tolist()


def test_batch_log_odds_are_the_scorers() -> None:
    """The array log-odds used to prune are score_names' log-odds (up to the rounding of another summing
    order), joined strings, particles, contained parts and parts one with their neighbour included."""
    index = WatchlistIndex(small_lists())
    weights = CONFIG.name_weights()
    rng = random.Random(12)
    queries = ["Lauren Tnkunda", "Abdul Rahman Al Hashimi", "M Ali", "Sanaulah Ghafari", "Kim Jong"]
    queries += ["Abdul Malik Hassan", "Gholam Reza Nouri", "Ali Khan Ahmed", "Kamchy Bekov", "Sheikh Omar Bakri"]
    queries += [typo(name, rng) for entry in index.entries for name in entry.names]
    queries += [typo(typo(name, rng), rng) for entry in index.entries for name in entry.names]
    queries += [name.split()[-1] for entry in index.entries for name in entry.names]
    queries += [
        " ".join(rng.sample(name.split(), len(name.split()))) for entry in index.entries for name in entry.names
    ]
    # parts written as one or apart, and a part cut short (one begins the other), in many travellers
    words = [name.split() for entry in index.entries for name in entry.names]
    queries += [" ".join([w[0] + w[1], *w[2:]]) for w in words if len(w) >= 3]
    queries += [" ".join([w[0][:4], w[0][4:], *w[1:]]) for w in words if len(w[0]) >= 8]
    queries += [" ".join([*w[:-1], cut]) for w in words if len(w[-1]) >= 6 for cut in (w[-1][:4], w[-1][-4:])]
    compared = 0
    asked = [(index.candidates(slots, CONFIG), slots) for slots in (index.query_slots(q, CONFIG) for q in queries)]
    forwards = index.batch_scorer.many_scores_and_bounds(asked, weights, CONFIG.particle_weight)
    backwards = index.batch_scorer.many_scores_and_bounds(asked[::-1], weights, CONFIG.particle_weight)[::-1]
    for (names, slots), (_, bounds), (_, other) in zip(asked, forwards, backwards, strict=True):
        assert abs(bounds - other).max(initial=0.0) < 1e-9  # a query's values are not its group's first one's
        if not len(names):
            continue
        tables = [
            dict(zip(i.tolist(), s.tolist(), strict=True))
            for i, s, _ in map(lambda slot: index.finder.agreeing_parts(slot[0], weights), slots)
        ]
        for name, bound in zip(names.tolist(), bounds.tolist(), strict=True):
            listed, ids = index._listed(name, CONFIG)
            result = name_score(slots, listed, ids, tables, weights)
            assert abs(bound - result.log_odds) < 1e-9, (slots, name, bound, result.contributions)
            compared += 1
    assert compared > 50


def test_a_kunya_alone_is_found_on_date_of_birth_and_nationality_by_both_paths() -> None:
    """ABU X or AL-X alone says nothing of the listed names: with the listed full date of birth and
    nationality it is flagged (batch and single alike); with the date of birth alone, or another
    nationality, or a given name beside it, it is not. Weighed as on a list of the calibration's size
    (list_size_prior off): on a two-name list the prior odds of its size would lower the bar."""
    from screening.watchlists.model import WatchlistEntry, WatchlistLoad

    config = CONFIG.model_copy(update={"list_size_prior": False})

    entry = WatchlistEntry(
        "e1", "TEST", ["ABDULLAH AHMED ABDULLAH"], dates_of_birth=["1963-06-06"], nationalities=["EGY"]
    )
    other = WatchlistEntry("e2", "TEST", ["JOHN SMITH"], dates_of_birth=["1963-06-06"], nationalities=["GBR"])
    load = WatchlistLoad("test", "TEST", [entry, other], [], "v1")
    single, batch = WatchlistIndex([load]), WatchlistIndex([load])
    base = {"surname": "", "date_of_birth": "1963-06-06", "nationality": "EGY"}
    travellers = [
        {**base, "traveller_ref": "kunya", "given_names": "AL-MASRI, Abu Mohamed"},
        {**base, "traveller_ref": "no-nationality", "given_names": "ABU MARYAM", "nationality": None},
        {**base, "traveller_ref": "other-nationality", "given_names": "ABU MARYAM", "nationality": "FRA"},
        {**base, "traveller_ref": "given-name", "given_names": "KHALID AL-MASRI"},
        {**base, "traveller_ref": "other-day", "given_names": "ABU MARYAM", "date_of_birth": "1963-06-07"},
    ]
    expected = flags(single.screen_single(travellers, config))
    assert [(f[0], f[1]) for f in expected] == [("kunya", "e1")]
    assert "kunya or laqab alone" in expected[0][4]
    assert flags(batch.screen_batch(travellers, config)) == expected


def test_deferred_gains_through_expansions_are_the_gathered_ones() -> None:
    """A deferred common part's gains read from its cached expansion (after EXPAND_DEFERRED_AFTER
    deferrals; a long one through its bitmap over all names) are those read from the candidates' own
    parts, bit for bit."""
    from screening.matching.candidates import EXPAND_DEFERRED_AFTER

    index = WatchlistIndex(small_lists())
    finder, weights = index.finder, CONFIG.name_weights()
    names = np.arange(index.data.name_count, dtype=np.int64)  # sorted and distinct, as _by_share gives them
    deferred = []
    for query in [index.data.listed_name(k) for k in range(1, index.data.name_count, 7)]:
        for forms, weight in index.query_slots(query, CONFIG):
            ids, sims, _size = finder.agreeing_parts(forms, weights)
            deferred.append((forms, ids, sims, weight))
    gathered = finder._gains_of_parts(names, [(ids, sims * weight) for _f, ids, sims, weight in deferred])
    assert sum(int((g > 0).sum()) for g in gathered) > 10  # each listed name holds its own parts
    for _ in range(EXPAND_DEFERRED_AFTER + 1):
        got = finder._deferred_gains(names, deferred, weights)
        assert [g.tolist() for g in got] == [g.tolist() for g in gathered]
    assert all(forms in finder._expand_cache for forms, *_ in deferred)
    assert finder._holder_bits  # a small list: most expansions hold 1 name in 128


def test_estimates_of_many_travellers_are_each_ones() -> None:
    """The quick estimate of several travellers' candidates at once is, name by name, the listed side's
    agreeing weight against its unmatched weight with that traveller's own part similarities."""
    index = WatchlistIndex(small_lists())
    finder, weights, particle = index.finder, CONFIG.name_weights(), CONFIG.particle_weight
    rng = random.Random(6)
    data = index.data
    asked = []
    for entry in index.entries:
        slots = index.query_slots(typo(entry.names[0], rng), CONFIG)
        names = np.array(rng.sample(range(data.name_count), 12), dtype=np.int64)
        asked.append((names, slots, np.array([rng.random() for _ in names])))
    got = finder.estimate_many(asked, weights, particle)
    expected = []
    for names, slots, shared in asked:
        best: dict[int, float] = {}
        for forms, _ in slots:
            ids, sims, _size = finder.agreeing_parts(forms, weights)
            for i, sim in zip(ids.tolist(), sims.tolist(), strict=True):
                best[i] = max(best.get(i, 0.0), sim)
        for name, part_of_shared in zip(names.tolist(), shared.tolist(), strict=True):
            total = matched = credit = 0.0
            for _forms, particle_slot, ids in data.name_forms(name):
                weight = particle if particle_slot else float(data.token_weight[ids[0]])
                sim = max(best.get(i, 0.0) for i in ids)
                total += weight
                if sim >= weights.agree_min:
                    matched += weight
                    credit += weight * sim
            unmatched_query = sum(w for _, w in slots) * min(max(1.0 - part_of_shared, 0.0), 1.0)
            denominator = (
                matched + weights.unmatched_traveller * unmatched_query + weights.unmatched_listed * (total - matched)
            )
            expected.append(credit / max(denominator, 1e-9) if denominator > 0 else 0.0)
    # (the listed weights are float32 in the index, so the arrays sum them in float32)
    bad = [(k, g, e) for k, (g, e) in enumerate(zip(got.tolist(), expected, strict=True)) if abs(g - e) > 1e-6]
    assert not bad, bad[:5]
    assert sum(e > 0 for e in expected) > 10  # some candidates agree with their traveller
    alone = np.concatenate([finder.estimate(names, slots, weights, shared, particle) for names, slots, shared in asked])
    assert got.tolist() == alone.tolist()


def test_the_scorer_given_only_agreeing_parts_aligns_as_the_one_computing_every_similarity() -> None:
    """Screening scores with the tables of agreeing parts the candidate search found; `compare` computes
    every similarity. An initial against a part it begins (H / HSEIN) and a part ending another (KIPLI /
    JULKIPLI) are paired by both alike, so both give the same score, not a contradiction on one side."""
    from screening.watchlists.model import WatchlistEntry, WatchlistLoad

    listed = [
        WatchlistEntry("T1", "NATIONAL", ["TSAI, Hsein Tai"], dates_of_birth=["1945-08-08"]),
        WatchlistEntry("T2", "NATIONAL", ["SALIM Y SALAMUDDIN JULKIPLI"], dates_of_birth=["1967-06-20"]),
        WatchlistEntry("T3", "NATIONAL", ["AL-QUBAYSI, Munir"], dates_of_birth=["1966"]),
    ]
    index = WatchlistIndex([WatchlistLoad("test.csv", "NATIONAL", listed, [], "test")])
    names = np.arange(index.data.name_count, dtype=np.int64)
    cases = (
        ("TSAI, ALEX H.T.", "1945-08-08", "H~HSEIN"),
        ("Kipli Sali", "1967-06-20", "KIPLI~JULKIPLI (one part of the other)"),
        ("AWAD, Munir A.", "1966", "MUNIR"),
    )
    for name, dob, shown in cases:
        traveller = {"given_names": name, "surname": "", "date_of_birth": dob}
        slots = index.traveller_slots(traveller, CONFIG)
        known = index._known(slots, CONFIG.name_weights())
        screened = index.score_traveller(traveller, CONFIG, names=names, known=known, keep_below=True)
        computed = index.score_traveller(traveller, CONFIG, names=names, known=None, keep_below=True)
        assert [(m.entry.entry_id, round(m.score, 12)) for m in screened] == [
            (m.entry.entry_id, round(m.score, 12)) for m in computed
        ], name
        assert screened and screened[0].score >= CONFIG.threshold, (name, screened[0].explanation)
        assert shown in screened[0].explanation, (name, screened[0].explanation)


@pytest.mark.skipif(
    not (UN.exists() and OFAC.exists()), reason=f"real lists live in {SHARED_DATA} (not in the repository)"
)
@pytest.mark.parametrize("common_postings", [2000, 50])
def test_shares_of_many_travellers_are_each_ones(common_postings: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """The share search of a batch of travellers at once gives each traveller what it gets alone, bit for
    bit: names, shares, those reaching the share and those brought in by birth year below it (with the
    parts of more than 50 postings deferred as common, too)."""
    from screening.matching import candidates

    monkeypatch.setattr(candidates, "COMMON_POSTINGS", common_postings)
    index = WatchlistIndex([load_watchlist(UN), load_watchlist(OFAC)])
    finder, weights, particle = index.finder, CONFIG.name_weights(), CONFIG.particle_weight
    rng = random.Random(8)
    asked: list[tuple[Any, float, tuple[int, bool] | None]] = []
    for entry in rng.sample(index.entries, 400):
        name = entry.names[0] if rng.random() < 0.5 else f"{rng.choice(index.entries).names[0]} {entry.surname}"
        years = [int(d[:4]) for d in entry.dates_of_birth if d[:4].isdigit()]
        year = (years[0], rng.random() < 0.5) if years and rng.random() < 0.8 else None
        asked.append((index.query_slots(typo(name, rng), CONFIG), CONFIG.candidate_min_share, year))
    together = finder._by_share_many(asked, weights, particle)
    alone = [finder._by_share(slots, weights, share, year, particle) for slots, share, year in asked]
    assert [[a.tolist() for a in found] for found in together] == [[a.tolist() for a in found] for found in alone]
    assert sum(len(found[2]) for found in together) > 400  # travellers reach their listed names
    assert sum(len(found[3]) for found in together) > 10  # and some names come in by birth year


def test_name_bounds_are_at_least_the_scorers_log_odds() -> None:
    """The cheap bound the batch path prunes by before exact scoring (name_bounds.py) is never below
    score_names' log-odds: joined strings, initials, particles, contained parts and parts one with their
    neighbour included, for every listed name (not only candidates), so no flag can be lost; one asked
    what it must reach is looser only where it falls short either way."""
    index = WatchlistIndex(small_lists())
    weights = CONFIG.name_weights()
    rng = random.Random(14)
    queries = ["Lauren Tnkunda", "Abdul Rahman Al Hashimi", "M Ali", "Sanaulah Ghafari", "Kim Jong", "A B"]
    queries += ["Abdul Malik Hassan", "Gholam Reza Nouri", "Ali Khan Ahmed", "Kamchy Bekov", "Sheikh Omar Bakri"]
    words = [name.split() for entry in index.entries for name in entry.names]
    queries += [typo(" ".join(w), rng) for w in words]
    queries += [" ".join([w[0] + w[1], *w[2:]]) for w in words if len(w) >= 3]
    queries += [" ".join([w[0][:4], w[0][4:], *w[1:]]) for w in words if len(w[0]) >= 8]
    queries += [" ".join([*w[:-1], cut]) for w in words if len(w[-1]) >= 6 for cut in (w[-1][:4], w[-1][-4:])]
    queries += [" ".join([w[0][0], *w[1:]]) for w in words if len(w) >= 2]
    queries += [variant(w, rng) for w in words for _ in range(20)]
    every = np.arange(index.data.name_count, dtype=np.int64)
    asked = [(every, slots) for slots in (index.query_slots(q, CONFIG) for q in queries) if slots]
    bounds = index.name_bounds.many_bounds(asked, weights, CONFIG.particle_weight)
    needed = np.array([rng.uniform(-2.0, 8.0) for _ in asked])
    looser = index.name_bounds.many_bounds(asked, weights, CONFIG.particle_weight, needed)
    at_least = np.repeat(needed, [len(names) for names, _ in asked])
    assert (looser >= bounds).all() and ((looser >= at_least) == (bounds >= at_least)).all()
    compared = tight = 0
    for (names, slots), its_bounds in zip(asked, np.split(bounds, len(asked)), strict=True):
        tables = [
            dict(zip(i.tolist(), s.tolist(), strict=True))
            for i, s, _ in map(lambda slot: index.finder.agreeing_parts(slot[0], weights), slots)
        ]
        for name, bound in zip(names.tolist(), its_bounds.tolist(), strict=True):
            listed, ids = index._listed(name, CONFIG)
            result = name_score(slots, listed, ids, tables, weights)
            assert bound >= result.log_odds - 1e-9, (slots, name, bound, result.contributions)
            tight += bound - result.log_odds < 1e-9
            compared += 1
    assert compared > 3000 and tight > 200


def variant(words: list[str], rng: random.Random) -> str:
    """A listed name's parts, each kept, dropped, typed with a typo, cut to an initial or to its first
    or last letters, joined to the next, in a shuffled order: the readings the bound has to cover."""
    out: list[str] = []
    for word in words:
        roll = rng.random()
        if roll < 0.15:
            continue
        if roll < 0.35:
            word = typo(word, rng)
        elif roll < 0.45:
            word = word[0]
        elif roll < 0.6 and len(word) >= 6:
            word = word[:4] if rng.random() < 0.5 else word[-4:]
        if out and rng.random() < 0.15:
            out[-1] += word
        else:
            out.append(word)
    if rng.random() < 0.3:
        rng.shuffle(out)
    return " ".join(out or words)


@pytest.mark.skipif(not (UN.exists() and OFAC.exists()), reason=f"the real lists live in {SHARED_DATA}")
def test_share_kept_together_is_each_plans_own() -> None:
    """The small plans summed and kept in one sort (_kept_group) give each plan's own answer (_kept_alone,
    the path of big plans): names, shares bit for bit and the names below the share that the traveller's
    birth year brings in, for travellers of one or several parts (parts of two listed names mixed, so
    several expansions overlap), with or without a year."""
    index = WatchlistIndex([load_watchlist(UN), load_watchlist(OFAC)])
    finder, weights, data = index.finder, CONFIG.name_weights(), index.data
    rng = random.Random(8)
    plans = []
    for k in rng.sample(range(data.name_count - 1), 600):
        own, other = data.listed_name(k).split(), data.listed_name(k + 1).split()
        name = " ".join(own[: 1 + k % 3] + other[:1]) if k % 4 else own[0]
        year = (rng.randint(1950, 1990), k % 2 == 0) if k % 5 else None
        plan = finder._share_plan(index.query_slots(typo(name, rng), CONFIG), weights, 0.5, year, 0.3)
        if plan is not None:
            plans.append(plan)
    together = finder._kept_group(plans)
    alone = [finder._kept_alone(plan) for plan in plans]
    assert sum(len(plan.expand) > 1 for plan in plans) > 100
    assert sum(len(below) > 0 for _n, _s, below in alone) > 10  # names brought in by their birth year
    for got, expected in zip(together, alone, strict=True):
        assert [a.tolist() for a in got] == [a.tolist() for a in expected]
