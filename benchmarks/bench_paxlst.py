"""PAXLST reader throughput on one core, with pydifact's tokenizer timed on the same input as reference.

Run by hand:  .venv/bin/python benchmarks/bench_paxlst.py [--travellers 300] [--batch 200]
Prints travellers/second for one generated message and for a batch of messages, for our tokenizer alone,
our full reader (tokenize + canonical Manifests), and pydifact (dev extra) tokenizer and parser; and the
ratios. Target: >= 20,000 travellers/s per core for the full reader, and faster than pydifact's tokenizer.
"""

from __future__ import annotations

import argparse
import gc
import random
import time
import warnings
from collections.abc import Callable

from screening.ingest.edifact import read_interchange
from screening.ingest.paxlst import parse_paxlst

SURNAMES = ["MUELLER", "O?'BRIEN", "GARCIA LOPEZ", "NGUYEN", "SMITH", "AL-RASHID", "KOWALSKI", "DUPONT"]
GIVEN = ["ANNA", "JOHN", "MARIA:JOSE", "WEI", "FATIMA", "PIOTR", "LUCIE", "KWAME"]
COUNTRIES = ["DEU", "GBR", "ESP", "VNM", "FRA", "POL", "USA", "GHA", "D"]


def make_message(travellers: int, flight: int, seed: int) -> bytes:
    """A realistic PAXLST: UNA, envelope, one flight, full traveller groups (passport, some visas)."""
    rnd = random.Random(seed)
    body = [
        "UNH+M1+PAXLST:D:05B:UN:IATA",
        "BGM+745",
        "NAD+MS+++ZZ OPERATIONS",
        "COM+0123 456:TE",
        f"TDT+20+ZZ{flight}+++ZZ",
        "LOC+125+FRA",
        "DTM+189:2503011030:201",
        "LOC+87+JFK",
        "DTM+232:2503011345:201",
    ]
    for n in range(travellers):
        country = rnd.choice(COUNTRIES)
        body += [
            f"NAD+FL+++{rnd.choice(SURNAMES)}:{rnd.choice(GIVEN)}",
            f"ATT+2++{rnd.choice('MF')}",
            f"DTM+329:{rnd.randint(40, 99):02d}{rnd.randint(1, 12):02d}{rnd.randint(1, 28):02d}",
            "LOC+178+FRA",
            "LOC+179+JFK",
            f"NAT+2+{country}",
            f"RFF+AVF:PNR{n:04d}",
            f"RFF+ABO:ZZ{flight}{n:05d}",
            f"RFF+SEA:{n % 40 + 1}{'ABCDEF'[n % 6]}",
            f"DOC+P:110:111+X{rnd.randint(10**7, 10**8 - 1)}",
            "DTM+36:301231",
            f"LOC+91+{country}",
        ]
        if n % 5 == 0:
            body += [f"DOC+V:110:111+V{rnd.randint(10**6, 10**7 - 1)}", "DTM+36:260101", "LOC+91+USA"]
    body += [f"CNT+42:{travellers}", f"UNT+{len(body) + 2}+M1"]
    text = (
        "UNA:+.? 'UNB+UNOA:4+ZZAIRLINE+BORDER+250301:0930+1++APIS'"
        "UNG+PAXLST+ZZAIRLINE+BORDER+250301:0930+1+UN+D:05B'" + "'".join(body) + "'UNE+1+1'UNZ+1+1'"
    )
    return text.encode()


def best_of(runs: int, func: Callable[[], object]) -> float:
    """Best CPU time of this process over several runs: what one core does, whatever else the machine
    is running (wall time on a shared machine measures the neighbours). Garbage collection stays on."""
    best = float("inf")
    for _ in range(runs):
        gc.collect()
        start = time.process_time()
        func()
        best = min(best, time.process_time() - start)
    return best


def each(func: Callable[[bytes], object], batch: list[bytes]) -> Callable[[], None]:
    """Process a batch one message after another, dropping each result as a pipeline task would."""

    def run() -> None:
        for message in batch:
            func(message)

    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--travellers", type=int, default=300)
    parser.add_argument("--batch", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    one = make_message(args.travellers, 123, 1)
    batch = [make_message(args.travellers, 100 + i, i) for i in range(args.batch)]
    result = parse_paxlst(one, "bench.edi")
    assert len(result.manifests[0].travellers) == args.travellers and not result.quarantine
    n_one, n_batch = args.travellers, args.travellers * args.batch
    print(f"message: {n_one} travellers, {len(one):,} bytes; batch: {args.batch} messages, {n_batch:,} travellers")

    figures: dict[str, tuple[float, float]] = {}
    figures["ours: tokenizer"] = (
        n_one / best_of(args.runs * 4, lambda: read_interchange(one)),
        n_batch / best_of(args.runs, each(read_interchange, batch)),
    )
    figures["ours: full reader"] = (
        n_one / best_of(args.runs * 4, lambda: parse_paxlst(one, "bench.edi")),
        n_batch / best_of(args.runs, each(lambda m: parse_paxlst(m, "bench.edi"), batch)),
    )

    try:
        from pydifact.control.characters import Characters
        from pydifact.parser import Parser
        from pydifact.tokenizer import Tokenizer
    except ImportError:
        print("pydifact not installed (pip install -e '.[dev]'): no reference figures")
        Tokenizer = None  # type: ignore[assignment,misc]  # noqa: N806
    if Tokenizer is not None:

        def tokens(data: bytes) -> int:
            text = data.decode()
            return sum(1 for _ in Tokenizer().get_tokens(text[9:], Characters.from_str(text[:9])))

        def segments(data: bytes) -> int:
            return sum(1 for _ in Parser().parse(data.decode()))

        pydifact_batch = batch[: max(1, args.batch // 10)]  # pydifact is slow: a tenth of the batch
        n_small = args.travellers * len(pydifact_batch)
        figures["pydifact: tokenizer"] = (
            n_one / best_of(args.runs, lambda: tokens(one)),
            n_small / best_of(2, each(tokens, pydifact_batch)),
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            figures["pydifact: parser"] = (
                n_one / best_of(args.runs, lambda: segments(one)),
                n_small / best_of(2, each(segments, pydifact_batch)),
            )

    print(f"{'':24}{'one message':>16}{'batch':>16}   (travellers per CPU-second, best of runs)")
    for name, (single, many) in figures.items():
        print(f"{name:24}{single:16,.0f}{many:16,.0f}")
    if "pydifact: tokenizer" in figures:
        ref = figures["pydifact: tokenizer"]
        for name in ("ours: tokenizer", "ours: full reader"):
            mine = figures[name]
            print(f"{name} / pydifact tokenizer: {mine[0] / ref[0]:.1f}x (one), {mine[1] / ref[1]:.1f}x (batch)")
    full = figures["ours: full reader"]
    print(f"target 20,000 travellers/s for the full reader: {'met' if min(full) >= 20000 else 'NOT met'}")


if __name__ == "__main__":
    main()
