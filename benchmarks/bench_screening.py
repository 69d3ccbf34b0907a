"""Screening speed and candidate recall, each speed beside exhaustive rapidfuzz cdist on the same input in
the same run.

    .venv/bin/python benchmarks/bench_screening.py --case all --names 1000000 --travellers 20000
    .venv/bin/python benchmarks/bench_screening.py --case large --names 100000 --travellers 5000   # quick
    .venv/bin/python benchmarks/bench_screening.py --case large --no-list-prior   # as before list_size_prior

The synthetic travellers of case 3 carry names only: with the list-size prior (rules/screening.yaml) a
million-name list needs far more evidence than a name for a flag, so few are flagged and candidate recall
has little to count; --no-list-prior measures at the calibration's own operating point.

Case 1 (manifest): a 300-traveller manifest against UN + OFAC (../shared/data), index built, saved and
loaded first.
Case 2 (lists): candidate recall on UN + OFAC with the yente fixture's positives (683 as listed, 683
treated) and --negatives of its negatives, name only and with date of birth, nationality and sex.
Case 3 (large): a synthetic list of --names names (pseudo-words with Zipf-distributed parts, so common
parts have huge posting lists as MOHAMMED does in real lists) and --travellers travellers (2% are listed
names with one typo) screened in batches of 500 (WatchlistIndex.screen, the batch path) by --workers
processes sharing one memory-mapped index; the first --single travellers are also screened one at a time
(screen_single, the reference path) for the ratio. Then an incremental update of the index.

Candidate recall (benchmarks/candidate_recall.py): of the flags exhaustive scoring with our own scorer
gives on a --sample of travellers (every listed name that could reach the threshold, found without the
blocking keys), how many screening gives.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import random
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
from rapidfuzz import fuzz, process

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from screening.matching import MatchConfig, WatchlistIndex, load_match_config  # noqa: E402
from screening.matching.names import normalise_name  # noqa: E402
from screening.resources import default_rules_dir, shared_data_dir  # noqa: E402
from screening.watchlists.model import WatchlistEntry  # noqa: E402

ONSETS = ["", "B", "D", "F", "G", "H", "J", "K", "KH", "L", "M", "N", "P", "R", "S", "SH", "T", "V", "Z", "CH"]
VOWELS = ["A", "E", "I", "O", "U", "AI", "OU", "IA"]
CODAS = ["", "", "", "N", "R", "L", "M", "S", "D", "K"]


def pseudo_words(rng: random.Random, count: int, syllables: tuple[int, int]) -> list[str]:
    seen: dict[str, None] = {}
    while len(seen) < count:
        word = "".join(
            rng.choice(ONSETS) + rng.choice(VOWELS) + rng.choice(CODAS) for _ in range(rng.randint(*syllables))
        )
        if len(word) >= 3:
            seen.setdefault(word)
    return list(seen)


class NameMaker:
    """Random full names whose parts follow Zipf-like frequencies (a few very common, most rare)."""

    def __init__(self, seed: int, given: int = 5_000, surnames: int = 300_000):
        rng = random.Random(seed)
        self.given = pseudo_words(rng, given, (1, 3))
        self.surnames = pseudo_words(rng, surnames, (2, 4))
        self.given_cum = np.cumsum(1.0 / (np.arange(given) + 5.0))
        self.surname_cum = np.cumsum(1.0 / (np.arange(surnames) + 50.0) ** 0.9)

    def _pick(self, rng: random.Random, words: list[str], cum: np.ndarray) -> str:
        return words[int(np.searchsorted(cum, rng.random() * cum[-1]))]

    def name(self, rng: random.Random) -> tuple[str, str]:
        given = [self._pick(rng, self.given, self.given_cum) for _ in range(1 + (rng.random() < 0.4))]
        surname = [self._pick(rng, self.surnames, self.surname_cum) for _ in range(1 + (rng.random() < 0.2))]
        return " ".join(given), " ".join(surname)


def typo(text: str, rng: random.Random) -> str:
    i = rng.randrange(len(text))
    if text[i] == " ":
        return text
    return text[:i] + rng.choice("ABDEIKLMNORSTU") + text[i + 1 :]


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def children_peak_mb() -> float:
    """The largest peak of this process's finished children (the parallel build's workers)."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024.0


# -- workers (fork: the memory-mapped index is shared) ---------------------------------------------------
_INDEX: WatchlistIndex | None = None
_CONFIG: MatchConfig | None = None


def _init(folder: str, config: MatchConfig) -> None:
    global _INDEX, _CONFIG
    _INDEX, _CONFIG = WatchlistIndex.load(folder), config


def _screen_chunk(travellers: list[dict[str, Any]]) -> tuple[int, float]:
    """(flags, CPU seconds): CPU time is what a shared, busy machine does not distort."""
    assert _INDEX is not None and _CONFIG is not None
    started = time.process_time()
    return len(_INDEX.screen(travellers, _CONFIG)), time.process_time() - started


def _screen_chunk_single(travellers: list[dict[str, Any]]) -> tuple[int, float]:
    assert _INDEX is not None and _CONFIG is not None
    started = time.process_time()
    return len(_INDEX.screen_single(travellers, _CONFIG)), time.process_time() - started


def _run(
    ctx: Any, workers: int, folder: str, config: MatchConfig, chunks: list[list[dict[str, Any]]], single: bool = False
) -> tuple[int, float, float]:
    """(flags, wall seconds, CPU seconds summed over workers) of screening `chunks` in fresh workers."""
    t0 = time.perf_counter()
    with ctx.Pool(workers, initializer=_init, initargs=(folder, config)) as pool:
        results = pool.map(_screen_chunk_single if single else _screen_chunk, chunks, chunksize=1)
    return sum(r[0] for r in results), time.perf_counter() - t0, sum(r[1] for r in results)


def _build_and_save(names: int, seed: int, folder: str, queue: Any) -> None:
    """In a child process, so its peak memory is the build's own."""
    started = time.perf_counter()
    maker = NameMaker(seed)
    rng = random.Random(seed + 1)
    entries = []
    for i in range(names):
        given, surname = maker.name(rng)
        entries.append(
            WatchlistEntry(
                str(i),
                "SYNTHETIC",
                [f"{given} {surname}"],
                surname,
                given,
                [f"{rng.randint(1940, 2005)}-{rng.randint(1, 12):02d}-01"],
                ["XXX"],
            )
        )
    made = time.perf_counter()
    index = WatchlistIndex.__new__(WatchlistIndex)
    from screening.matching.index_data import IndexData

    index.__init__(data=IndexData.build(entries, f"synthetic:{names}:{seed}"))  # type: ignore[misc]
    built = time.perf_counter()
    index.save(folder)
    queue.put(
        {
            "generate_s": made - started,
            "build_s": built - made,
            "save_s": time.perf_counter() - built,
            "peak_mb": peak_mb(),
            "workers_peak_mb": children_peak_mb(),
            "vocabulary": index.data.meta["vocabulary"],
        }
    )


def manifest_case(config: MatchConfig) -> None:
    from screening.watchlists.loader import load_watchlist

    root = shared_data_dir()
    paths = [root / "watchlists" / "un_consolidated_2026-02-27.xml", root / "watchlists" / "ofac_sdn_2021"]
    if not all(p.exists() for p in paths):
        print("manifest case skipped: ../shared/data/watchlists is absent")
        return
    started = time.perf_counter()
    loads = [load_watchlist(p) for p in paths]
    loaded_lists = time.perf_counter()
    index = WatchlistIndex(loads)
    built = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        index.save(folder)
        t0 = time.perf_counter()
        index = WatchlistIndex.load(folder)
        load_s = time.perf_counter() - t0
        rng = random.Random(5)
        maker = NameMaker(9, given=2000, surnames=20000)
        listed = [e for load in loads for e in load.entries]
        travellers = []
        for i in range(300):
            dob = f"{rng.randint(1950, 2005)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}"
            if i % 30 == 0:  # 10 listed people, one typo each, with their listed date of birth
                entry = rng.choice([e for e in listed if any(len(d) == 10 for d in e.dates_of_birth)])
                given, surname = typo(normalise_name(entry.names[0]), rng), ""
                dob = next(d for d in entry.dates_of_birth if len(d) == 10)
            else:
                given, surname = maker.name(rng)
            travellers.append(
                {
                    "traveller_ref": str(i),
                    "given_names": given,
                    "surname": surname,
                    "date_of_birth": dob,
                    "nationality": "GBR",
                }
            )
        index.screen(travellers[:5], config)  # warm caches as a worker would after its first manifest
        runs, cpu_runs, single_runs = [], [], []
        for _ in range(5):
            fresh = WatchlistIndex.load(folder)  # cold caches: the whole manifest is new to the worker
            t0 = time.perf_counter()
            fresh.screen(travellers, config)
            single_runs.append(time.perf_counter() - t0)
        for _ in range(20):  # warm: wall and CPU time (what a shared, busy machine distorts less)
            t0, c0 = time.perf_counter(), time.process_time()
            flagged = index.screen(travellers, config)
            runs.append(time.perf_counter() - t0)
            cpu_runs.append(time.process_time() - c0)
        queries = [normalise_name(f"{t['given_names']} {t['surname']}") for t in travellers]
        names = [normalise_name(index.data.listed_name(i)) for i in range(index.data.name_count)]
        rf = {}
        for workers in (1, -1):
            t0 = time.perf_counter()
            process.cdist(
                queries, names, scorer=fuzz.token_sort_ratio, dtype=np.uint8, workers=workers, score_cutoff=80
            )
            rf[workers] = time.perf_counter() - t0
    print(
        f"\nCase 1: 300-traveller manifest vs UN + OFAC ({index.data.meta['entries']} entries, "
        f"{index.data.name_count} names)"
    )
    print(
        f"  lists parsed {loaded_lists - started:.2f} s; index built {built - loaded_lists:.2f} s; "
        f"loaded from disk {load_s:.3f} s"
    )
    print(
        f"  ours (batch): screen 300 travellers  median {1000 * np.median(runs):.1f} ms  "
        f"(min {1000 * min(runs):.1f}; CPU median {1000 * np.median(cpu_runs):.1f} ms, min "
        f"{1000 * min(cpu_runs):.1f}; {len(flagged)} flags); freshly loaded index, cold caches: "
        f"median {1000 * np.median(single_runs):.1f} ms"
    )
    print(
        f"  rapidfuzz cdist token_sort_ratio 300x{len(names)}: {rf[1]:.3f} s on 1 core, "
        f"{rf[-1]:.3f} s on all cores (names only, no DOB/nationality, no explanations)"
    )
    realistic_manifests(index, config, names)


def realistic_manifests(index: WatchlistIndex, config: MatchConfig, listed: list[str], manifests: int = 20) -> None:
    """Manifests of real-world names, each new to the worker: the yente fixture's negatives (many scripts,
    with their own dates of birth, nationalities and sex), 300 a manifest, screened one after another
    after as many others warmed the caches, then the same ones again. The synthetic manifest above, screened
    again and again, meets only cached parts; a worker's day is mostly new names, which share common
    parts with the lists far more than made-up words do."""
    from benchmarks.eval_screening import negative_travellers

    try:
        people = negative_travellers(2 * manifests * 300)
    except FileNotFoundError:
        print("  realistic manifests skipped: ../shared/data/eval is absent")
        return
    batches = [people[i : i + 300] for i in range(0, len(people), 300)]
    for batch in batches[:manifests]:  # warm-up: other manifests, as a worker's earlier ones
        index.screen(batch, config)
    new_wall, new_cpu, again_cpu, flags = [], [], [], 0
    for batch in batches[manifests:]:
        t0, c0 = time.perf_counter(), time.process_time()
        flags += len(index.screen(batch, config))
        new_wall.append(time.perf_counter() - t0)
        new_cpu.append(time.process_time() - c0)
    for batch in batches[manifests:]:
        c0 = time.process_time()
        index.screen(batch, config)
        again_cpu.append(time.process_time() - c0)
    queries = [normalise_name(f"{t['given_names']} {t['surname']}") for t in batches[manifests]]
    t0 = time.perf_counter()
    process.cdist(queries, listed, scorer=fuzz.token_sort_ratio, dtype=np.uint8, workers=1, score_cutoff=80)
    cdist_s = time.perf_counter() - t0
    print(
        f"  real-world names (yente negatives with their evidence), {manifests} manifests of 300 each new to "
        f"the worker: median {1000 * np.median(new_wall):.1f} ms (CPU median {1000 * np.median(new_cpu):.1f} ms, "
        f"min {1000 * min(new_cpu):.1f}; {flags} flags); the same manifests again: CPU median "
        f"{1000 * np.median(again_cpu):.1f} ms; rapidfuzz cdist token_sort_ratio of one of them on 1 core: "
        f"{1000 * cdist_s:.0f} ms (names only)"
    )


def lists_case(config: MatchConfig, negatives: int) -> None:
    """Candidate recall on UN + OFAC with the yente fixture: its positives (as listed and treated with
    typos and reordering) and a sample of its negatives, name only and with date of birth, nationality
    and sex."""
    import pandas as pd

    from screening.watchlists.country_names import country_to_icao
    from screening.watchlists.loader import load_watchlist

    root = shared_data_dir()
    paths = [root / "watchlists" / "un_consolidated_2026-02-27.xml", root / "watchlists" / "ofac_sdn_2021"]
    yente = root / "eval" / "yente_candidate_generation"
    if not all(p.exists() for p in [*paths, yente]):
        print("lists case skipped: ../shared/data (watchlists, yente fixture) is absent")
        return
    index = WatchlistIndex([load_watchlist(p) for p in paths])
    frames = [
        pd.read_csv(yente / "positives_un_untreated.csv", dtype=str, keep_default_na=False),
        pd.read_csv(yente / "positives_un_treated.csv", dtype=str, keep_default_na=False),
        pd.read_csv(yente / "negatives_global.csv", dtype=str, keep_default_na=False).sample(negatives, random_state=7),
    ]
    rows = pd.concat(frames).to_dict("records")
    print(
        f"\nCandidate recall on UN + OFAC ({index.data.name_count:,} names) with the yente fixture: "
        f"{len(rows):,} travellers (683 + 683 positives, {negatives:,} negatives)"
    )
    for evidence in (False, True):
        travellers = [
            {
                "traveller_ref": str(k),
                "given_names": row["full_name"],
                "surname": "",
                "date_of_birth": (row["date_of_birth"] or None) if evidence else None,
                "nationality": country_to_icao(row["nationality"]) if evidence and row["nationality"] else None,
                "sex": {"male": "M", "female": "F"}.get(row["gender"]) if evidence else None,
            }
            for k, row in enumerate(rows)
        ]
        index.finder._part_cache.clear()
        report_recall(index, config, travellers, "with date of birth, nationality, sex" if evidence else "name only")


def large_case(
    config: MatchConfig, names: int, travellers_n: int, workers: int, seed: int, sample: int, single: int = 0
) -> None:
    print(f"\nCase 3: {travellers_n:,} travellers vs synthetic {names:,}-name list, {workers} worker(s)")
    with tempfile.TemporaryDirectory() as folder:
        ctx = mp.get_context("fork")
        queue = ctx.Queue()
        child = ctx.Process(target=_build_and_save, args=(names, seed, folder, queue))
        child.start()
        stats = queue.get()
        child.join()
        print(
            f"  list generated {stats['generate_s']:.1f} s; index built {stats['build_s']:.1f} s "
            f"(+ saved {stats['save_s']:.1f} s); build process peak {stats['peak_mb']:.0f} MB "
            f"(its build workers' peak {stats['workers_peak_mb']:.0f} MB each); "
            f"{stats['vocabulary']:,} distinct name parts"
        )
        t0 = time.perf_counter()
        index = WatchlistIndex.load(folder)
        print(f"  index loaded (memory-mapped) in {time.perf_counter() - t0:.2f} s")
        if config.list_size_prior:
            print(
                f"  list-size prior on ({index.list_config(config).list_prior:+.2f} log-odds): travellers carrying "
                "names only are flagged far less on a list this long (--no-list-prior: at the calibration's "
                "operating point)"
            )
        # Travellers: 2% listed names with one typo, the rest new people from the same name distribution.
        maker = NameMaker(seed)
        rng = random.Random(seed + 2)
        travellers = []
        for i in range(travellers_n):
            if rng.random() < 0.02:
                given, surname = typo(index.data.listed_name(rng.randrange(names)), rng), ""
            else:
                given, surname = maker.name(rng)
            travellers.append(
                {
                    "traveller_ref": str(i),
                    "given_names": given,
                    "surname": surname,
                    "date_of_birth": None,
                    "nationality": None,
                }
            )
        chunks = [travellers[i : i + 500] for i in range(0, len(travellers), 500)]
        flagged, elapsed, cpu = _run(ctx, workers, folder, config, chunks)
        print(
            f"  ours (batch): {travellers_n:,} travellers screened in {elapsed:.1f} s = "
            f"{travellers_n / elapsed:,.0f} travellers/s on {workers} worker(s) ({flagged:,} flags, "
            f"name only); {travellers_n / cpu:,.0f} travellers per CPU-second "
            f"(= {workers * travellers_n / cpu:,.0f}/s on {workers} free cores)"
        )
        if single:  # the one-traveller-at-a-time path on the first `single` travellers, fresh workers
            part = chunks[: single // 500]
            _, single_s, single_cpu = _run(ctx, workers, folder, config, part, single=True)
            _, batch_s, batch_cpu = _run(ctx, workers, folder, config, part)
            print(
                f"  first {single:,} travellers, fresh workers: single-traveller path {single / single_s:,.0f} "
                f"travellers/s ({single / single_cpu:,.0f} per CPU-second), batch {single / batch_s:,.0f}/s "
                f"({single / batch_cpu:,.0f} per CPU-second) = {single_cpu / batch_cpu:.1f}x in CPU time"
            )
        exhaustive_rate, exhaustive_cpu = candidate_recall(index, config, travellers[:sample])
        print(
            f"  batch screening vs exhaustive rapidfuzz cdist: {travellers_n / elapsed:,.0f} / "
            f"{exhaustive_rate:,.0f} travellers/s = {(travellers_n / elapsed) / exhaustive_rate:.0f}x wall; "
            f"{travellers_n / cpu:,.0f} / {exhaustive_cpu:,.0f} per CPU-second = "
            f"{(travellers_n / cpu) / exhaustive_cpu:.0f}x"
        )
        update_case(folder, names)


def update_case(folder: str, names: int) -> None:
    """Incremental update of the saved index (100 entries removed, 100 added), saved and loaded again."""
    from screening.matching.index_data import IndexData

    rng = random.Random(3)
    maker = NameMaker(99, given=500, surnames=2000)
    added = []
    for i in range(100):
        given, surname = maker.name(rng)
        added.append(WatchlistEntry(f"new{i}", "SYNTHETIC", [f"{given} {surname}"], surname, given))
    t0 = time.perf_counter()
    data = IndexData.load(folder)
    updated = data.update(rng.sample(range(len(data.entries)), 100), added, "synthetic:updated")
    update_s = time.perf_counter() - t0
    with tempfile.TemporaryDirectory() as target:
        t0 = time.perf_counter()
        updated.save(target)
        save_s = time.perf_counter() - t0
        size = sum(p.stat().st_size for p in Path(target).iterdir())
    print(
        f"  incremental update (100 entries removed, 100 added) of the {names:,}-name index: "
        f"{update_s:.1f} s (+ saved {save_s:.1f} s); saved index {size / 1e6:,.0f} MB"
    )


def candidate_recall(
    index: WatchlistIndex, config: MatchConfig, travellers: list[dict[str, Any]]
) -> tuple[float, float]:
    """Exhaustive rapidfuzz scan of the sample against every name (the speed reference), and candidate
    recall against exhaustive scoring with our own scorer (candidate_recall.py)."""
    queries = [normalise_name(f"{t['given_names']} {t['surname']}") for t in travellers]
    names = [normalise_name(index.data.listed_name(i)) for i in range(index.data.name_count)]
    t0, c0 = time.perf_counter(), time.process_time()
    process.cdist(queries, names, scorer=fuzz.token_sort_ratio, dtype=np.uint8, workers=-1, score_cutoff=80)
    rf_s, rf_cpu = time.perf_counter() - t0, time.process_time() - c0
    print(
        f"  exhaustive rapidfuzz cdist token_sort_ratio {len(queries)}x{len(names):,} (names only): "
        f"{rf_s:.1f} s on all cores = {len(queries) / rf_s:,.0f} travellers/s"
    )
    report_recall(index, config, travellers, "synthetic list")
    return len(queries) / rf_s, len(queries) / rf_cpu


def report_recall(index: WatchlistIndex, config: MatchConfig, travellers: list[dict[str, Any]], what: str) -> None:
    from candidate_recall import measure

    result = measure(index, config, travellers)
    print(
        f"  candidate recall on {result.travellers:,} travellers ({what}): of the {result.truth:,} flags "
        f"exhaustive scoring with our scorer gives (top {config.max_matches_per_traveller} per traveller, "
        f"truth computed in {result.truth_seconds:.1f} s), screening gives {result.kept:,}"
        + (f" = {result.recall:.4f}" if result.truth else " (no flags to find: recall not measured)")
    )
    if result.lost_examples:
        print(f"    lost (traveller_ref, entry_id, exhaustive score): {result.lost_examples}")


def registry_case(documents: int, lookups: int, seed: int) -> None:
    """Look-alike lookups in a lost/stolen registry, beside a rapidfuzz scan of every number."""
    from rapidfuzz.distance import OSA

    from screening.watchlists.registry import RegisteredDocument, Registry

    rng = random.Random(seed)
    alphabet = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
    numbers = list(dict.fromkeys("".join(rng.choice(alphabet) for _ in range(9)) for _ in range(documents)))
    registry = Registry(
        {
            (n, "GBR"): RegisteredDocument(n, "GBR", "P", "2025-01-01", "STOLEN", "synthetic", i)
            for i, n in enumerate(numbers)
        },
        [],
        "synthetic",
    )
    t0 = time.perf_counter()
    registry.lookup_similar("X", "GBR")  # builds the look-alike index
    registry.lookup_similar("AAAAAAAAA", "GBR")
    build_s = time.perf_counter() - t0
    swaps = {"0": "O", "1": "I", "5": "S", "8": "B", "2": "Z"}
    queries = []
    for _ in range(lookups):
        number = rng.choice(numbers)
        spots = [i for i, ch in enumerate(number) if ch in swaps]
        if spots and rng.random() < 0.5:
            i = rng.choice(spots)
            number = number[:i] + swaps[number[i]] + number[i + 1 :]
        else:
            i = rng.randrange(len(number))
            number = number[:i] + number[i + 1 :]
        queries.append(number)
    t0 = time.perf_counter()
    found = sum(1 for q in queries if registry.lookup_similar(q, "GBR"))
    ours_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    for q in queries[:20]:
        process.extract(q, numbers, scorer=OSA.distance, score_cutoff=1, limit=None)
    scan_s = (time.perf_counter() - t0) / 20
    print(f"\nRegistry look-alikes: {len(numbers):,} documents, {lookups:,} look-alike lookups")
    print(
        f"  ours: look-alike index built in {build_s:.1f} s; {1000 * ours_s / lookups:.3f} ms per lookup, "
        f"{found}/{lookups} found"
    )
    print(
        f"  rapidfuzz scan (OSA distance <= 1 over every number, raw numbers without look-alike folding): "
        f"{1000 * scan_s:.1f} ms per lookup"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--names", type=int, default=1_000_000)
    parser.add_argument("--travellers", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--sample", type=int, default=1000, help="travellers for the candidate-recall check")
    parser.add_argument(
        "--single",
        type=int,
        default=5000,
        help="travellers also screened one at a time (the reference path), 0 to skip",
    )
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument(
        "--list-prior",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="weigh each list's size as prior odds, as screening does (rules/screening.yaml list_size_prior)",
    )
    parser.add_argument("--case", choices=("manifest", "lists", "large", "registry", "all"), default="all")
    parser.add_argument("--negatives", type=int, default=3000, help="yente negatives in the lists case")
    parser.add_argument("--documents", type=int, default=1_000_000, help="registry size (registry case)")
    parser.add_argument("--rules", type=Path, default=default_rules_dir())
    args = parser.parse_args()
    config = load_match_config(args.rules)
    if not args.list_prior:
        config = config.model_copy(update={"list_size_prior": False})
    if args.case in ("manifest", "all"):
        manifest_case(config)
    if args.case in ("lists", "all"):
        lists_case(config, args.negatives)
    if args.case in ("registry", "all"):
        registry_case(args.documents, 10_000, args.seed)
    if args.case in ("large", "all"):
        large_case(
            config,
            args.names,
            args.travellers,
            args.workers,
            args.seed,
            args.sample,
            min(args.single, args.travellers) // 500 * 500,
        )


if __name__ == "__main__":
    main()
