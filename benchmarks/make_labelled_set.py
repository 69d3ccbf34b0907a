"""Our own labelled screening set, generated (seeded, deterministic) from the UN and OFAC lists in
../shared/data: travellers who ARE a listed person written differently (one family per kind of
difference), hard negatives, and background travellers for the false-alert rate.

    .venv/bin/python benchmarks/make_labelled_set.py --out /tmp/labelled.csv

Columns: family, kind (positive|negative), entry_id (the listed person a positive is), traveller_ref,
given_names, surname, date_of_birth, nationality, sex. Nothing here is written into the repository.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from screening.matching.names import JOINING, PARTICLES, normalise_name  # noqa: E402
from screening.resources import shared_data_dir  # noqa: E402
from screening.watchlists.loader import load_watchlist  # noqa: E402
from screening.watchlists.model import WatchlistEntry, WatchlistLoad  # noqa: E402

PER_FAMILY = 150
BACKGROUND = 5000
TRANSLITERATIONS = [
    ("MOHAMMED", "MUHAMMAD"),
    ("MOHAMMAD", "MOHAMED"),
    ("MUHAMMAD", "MOHAMMAD"),
    ("OU", "U"),
    ("KH", "H"),
    ("Q", "K"),
    ("J", "DJ"),
    ("EE", "I"),
    ("Y", "I"),
    ("IY", "I"),
    ("AA", "A"),
    ("DH", "D"),
    ("TH", "T"),
    ("W", "V"),
    ("PH", "F"),
    ("IU", "YU"),
    ("IA", "YA"),
    ("SS", "S"),
    ("U", "OU"),
    ("I", "EE"),
    ("K", "Q"),
    ("CH", "TCH"),
    ("GH", "G"),
]
ACCENTS = {"A": "ÁÀÂ", "E": "ÉÈÊË", "I": "ÍÎÏ", "O": "ÓÔ", "U": "ÚÙÛ", "N": "Ñ", "C": "Ç", "S": "ŞŠ", "Z": "Ž"}
UMLAUTS = [("UE", "Ü"), ("OE", "Ö"), ("AE", "Ä")]
GIVEN = [
    "JOHN",
    "MICHAEL",
    "DAVID",
    "SARAH",
    "EMMA",
    "LAURA",
    "ANNA",
    "MARIA",
    "JOSE",
    "CARLOS",
    "JUAN",
    "LUIS",
    "ANA",
    "SOFIA",
    "PEDRO",
    "WEI",
    "LI",
    "MIN",
    "HIROSHI",
    "YUKI",
    "KENJI",
    "SOO",
    "JIN",
    "IVAN",
    "OLGA",
    "DMITRI",
    "NATALIA",
    "SERGEI",
    "PRIYA",
    "RAJ",
    "ANIL",
    "SUNITA",
    "RAHUL",
    "KWAME",
    "AMARA",
    "CHIDI",
    "FATIMA",
    "AISHA",
    "OMAR",
    "HASSAN",
    "ALI",
    "AHMED",
    "MOHAMMED",
    "KHALID",
    "YUSUF",
    "IBRAHIM",
    "LEILA",
    "ZAINAB",
    "MUSTAFA",
    "TARIQ",
    "HANS",
    "KLAUS",
    "INGRID",
    "PIERRE",
    "MARIE",
    "JEAN",
    "LUCA",
    "GIULIA",
    "PAOLO",
    "ELENA",
    "TOMAS",
    "ERIK",
    "ASTRID",
]
SURNAMES = [
    "SMITH",
    "JOHNSON",
    "BROWN",
    "TAYLOR",
    "WILSON",
    "GARCIA",
    "MARTINEZ",
    "LOPEZ",
    "GONZALEZ",
    "RODRIGUEZ",
    "PEREZ",
    "SANCHEZ",
    "WANG",
    "ZHANG",
    "LIU",
    "CHEN",
    "TANAKA",
    "SATO",
    "SUZUKI",
    "KIM",
    "PARK",
    "LEE",
    "IVANOV",
    "PETROV",
    "SOKOLOVA",
    "PATEL",
    "SHARMA",
    "SINGH",
    "GUPTA",
    "MENSAH",
    "OKAFOR",
    "ADEYEMI",
    "DIALLO",
    "HADDAD",
    "NASSER",
    "MANSOUR",
    "KHAN",
    "HUSSAIN",
    "RAHMAN",
    "QURESHI",
    "MALIK",
    "SALEH",
    "MUELLER",
    "SCHMIDT",
    "WEBER",
    "DUBOIS",
    "MARTIN",
    "ROSSI",
    "BIANCHI",
    "NOVAK",
    "HANSEN",
    "LARSSON",
]
COUNTRIES = [
    "GBR",
    "USA",
    "FRA",
    "D",
    "ESP",
    "ITA",
    "CHN",
    "JPN",
    "KOR",
    "IND",
    "PAK",
    "NGA",
    "GHA",
    "EGY",
    "MAR",
    "TUR",
    "RUS",
    "BRA",
    "MEX",
    "CAN",
    "AUS",
    "SWE",
    "NLD",
    "ARE",
    "SAU",
    "JOR",
    "AFG",
    "IRQ",
]


def _date(rng: random.Random, year: int) -> str:
    return f"{year:04d}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def _year_of(dob: str) -> int | None:
    head = dob.split("/")[0][:4]
    return int(head) if head.isdigit() else None


def evidence(entry: WatchlistEntry, rng: random.Random) -> dict[str, str]:
    """What the listed person's own passport would say."""
    full = [d for d in entry.dates_of_birth if len(d) == 10]
    year = next((_year_of(d) for d in entry.dates_of_birth if _year_of(d)), None)
    dob = full[0] if full else (_date(rng, year) if year else _date(rng, rng.randint(1950, 1995)))
    nationality = entry.nationalities[0] if entry.nationalities else rng.choice(COUNTRIES)
    return {"date_of_birth": dob, "nationality": nationality, "sex": entry.sex}


def _row(family: str, kind: str, entry_id: str, name: str, ev: dict[str, str]) -> dict[str, str]:
    parts = name.split()
    return {
        "family": family,
        "kind": kind,
        "entry_id": entry_id,
        "given_names": " ".join(parts[:-1]),
        "surname": parts[-1] if parts else "",
        **ev,
    }


def _typo(token: str, rng: random.Random) -> str:
    i = rng.randrange(len(token))
    letters = "ABCDEFGHIJKLMNOPRSTUVWYZ"
    kind = rng.choice(("sub", "ins", "del", "swap") if len(token) > 2 else ("sub", "ins", "swap"))
    if kind == "sub":
        return token[:i] + rng.choice(letters.replace(token[i], "")) + token[i + 1 :]
    if kind == "ins":
        return token[:i] + rng.choice(letters) + token[i:]
    if kind == "del":
        return token[:i] + token[i + 1 :]
    i = min(i, len(token) - 2)
    return token[:i] + token[i + 1] + token[i] + token[i + 2 :]


def positives(entries: list[WatchlistEntry], rng: random.Random) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []

    def family(name: str, candidates: list[tuple[WatchlistEntry, str, dict[str, str] | None]]) -> None:
        rng.shuffle(candidates)
        for entry, text, ev in candidates[:PER_FAMILY]:
            rows.append(_row(name, "positive", entry.entry_id, text, ev or evidence(entry, rng)))

    primaries = [(e, normalise_name(e.names[0]).split()) for e in entries]
    primaries = [(e, p) for e, p in primaries if len(p) >= 2]
    out: list = []
    for e, p in primaries:
        for old, new in rng.sample(TRANSLITERATIONS, len(TRANSLITERATIONS)):
            hits = [i for i, t in enumerate(p) if old in t and len(t) >= 4]
            if hits:
                i = rng.choice(hits)
                out.append((e, " ".join(p[:i] + [p[i].replace(old, new, 1)] + p[i + 1 :]), None))
                break
    family("transliteration_variant", out)
    family("given_surname_swapped", [(e, " ".join(p[1:] + p[:1]), None) for e, p in primaries])
    out = []
    for e, p in primaries:  # first and last part kept, one part between them (not a particle) dropped
        middle = [i for i in range(1, len(p) - 1) if p[i] not in PARTICLES and p[i - 1] not in JOINING]
        if middle and sum(t not in PARTICLES for t in p) >= 3 and min(len(p[0]), len(p[-1])) > 1:
            i = rng.choice(middle)
            out.append((e, " ".join(p[:i] + p[i + 1 :]), None))
    family("dropped_middle_name", out)
    out = []
    for e, p in primaries:
        joinable = [i for i, t in enumerate(p[:-1]) if t in JOINING or t in PARTICLES]
        if joinable:
            i = rng.choice(joinable)
            out.append((e, " ".join(p[:i] + [p[i] + p[i + 1]] + p[i + 2 :]), None))
        else:
            for i, t in enumerate(p):
                prefix = next(
                    (x for x in ("ABDUL", "ABDEL", "ABU", "AL", "EL") if t.startswith(x) and len(t) > len(x) + 2), None
                )
                if prefix:
                    out.append((e, " ".join(p[:i] + [prefix, t[len(prefix) :]] + p[i + 1 :]), None))
                    break
    family("particles_joined_or_split", out)
    out = []
    for e, p in primaries:
        short = [i for i, t in enumerate(p) if 3 <= len(t) <= 4]
        i = rng.choice(short) if short and rng.random() < 0.5 else rng.randrange(len(p))
        out.append((e, " ".join(p[:i] + [_typo(p[i], rng)] + p[i + 1 :]), None))
    family("one_char_typo", out)
    out = []
    for e, p in primaries:
        text = " ".join(p)
        umlaut = next(((a, b) for a, b in UMLAUTS if a in text), None)
        if umlaut:
            text = text.replace(umlaut[0], umlaut[1], 1)
        else:
            spots = [i for i, ch in enumerate(text) if ch in ACCENTS]
            for i in rng.sample(spots, min(2, len(spots))):
                text = text[:i] + rng.choice(ACCENTS[text[i]]) + text[i + 1 :]
        out.append((e, text.title(), None))
    family("diacritics", out)
    out = []
    for e in entries:
        surname = normalise_name(e.surname).split()
        given = normalise_name(e.given_names).split()
        if e.list_name == "OFAC_SDN" and len(surname) == 2 and given and not set(surname) & PARTICLES:
            out.append((e, " ".join(given + [surname[0]]), None))
    family("one_of_two_surnames_dropped", out)
    out = []
    for e in entries:
        full = [d for d in e.dates_of_birth if len(d) == 10]
        if full and 1 <= int(full[0][8:]) <= 12 and full[0][8:] != full[0][5:7] and len(e.dates_of_birth) == 1:
            ev = {**evidence(e, rng), "date_of_birth": f"{full[0][:4]}-{full[0][8:]}-{full[0][5:7]}"}
            out.append((e, normalise_name(e.names[0]), ev))
    family("dob_day_month_swapped", out)
    out = [
        (e, normalise_name(e.names[0]), None)
        for e in entries
        if e.dates_of_birth and all(len(d) == 4 for d in e.dates_of_birth)
    ]
    family("dob_year_only_on_list", out)
    out = []
    for e in entries:
        good = [
            n
            for n, q in zip(e.names[1:], e.alias_quality, strict=False)
            if q == "good" and len(normalise_name(n).split()) >= 2
        ]
        if good:
            out.append((e, normalise_name(rng.choice(good)), None))
    family("match_through_alias", out)
    return rows


def negatives(entries: list[WatchlistEntry], rng: random.Random) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    # Same name, other person: only names no other entry carries (UN and OFAC list some people twice,
    # once without date of birth or nationality, and such a twin is rightly flagged).
    owners: dict[str, set[str]] = {}
    for e in entries:
        for n in e.names:
            owners.setdefault(" ".join(sorted(normalise_name(n).split())), set()).add(e.entry_id)
    hard = [
        e
        for e in entries
        if e.nationalities
        and any(_year_of(d) for d in e.dates_of_birth)
        and len(normalise_name(e.names[0]).split()) >= 2
        and len(owners[" ".join(sorted(normalise_name(e.names[0]).split()))]) == 1
    ]
    for e in rng.sample(hard, min(PER_FAMILY, len(hard))):
        year = max(_year_of(d) or 0 for d in e.dates_of_birth)
        other = rng.choice([c for c in COUNTRIES if c not in e.nationalities])
        ev = {"date_of_birth": _date(rng, year + rng.randint(8, 20)), "nationality": other, "sex": ""}
        name = normalise_name(e.names[0])
        rows.append(_row("hard_same_name_other_dob_nationality", "negative", "", name, ev))
    counts: dict[str, int] = {}
    for e in entries:
        for token in set(normalise_name(e.names[0]).split()):
            counts[token] = counts.get(token, 0) + 1
    ranked = sorted(counts.items(), key=lambda x: -x[1])[:20]
    common = [t for t, _ in ranked if t not in PARTICLES and len(t) > 2]
    listed = set(counts)
    neutral_given = [g for g in GIVEN if g not in listed]
    neutral_surnames = [s for s in SURNAMES if s not in listed]
    for _ in range(PER_FAMILY):
        name = f"{rng.choice(neutral_given)} {rng.choice(common)} {rng.choice(neutral_surnames)}"
        ev = {
            "date_of_birth": _date(rng, rng.randint(1950, 2005)),
            "nationality": rng.choice(COUNTRIES),
            "sex": rng.choice("MF"),
        }
        rows.append(_row("hard_shares_only_common_part", "negative", "", name, ev))
    for _ in range(BACKGROUND):
        given = " ".join(rng.sample(GIVEN, rng.choice((1, 1, 2))))
        ev = {
            "date_of_birth": _date(rng, rng.randint(1940, 2015)),
            "nationality": rng.choice(COUNTRIES),
            "sex": rng.choice("MF"),
        }
        rows.append(_row("background", "negative", "", f"{given} {rng.choice(SURNAMES)}", ev))
    return rows


def list_paths() -> list[Path]:
    root = shared_data_dir() / "watchlists"
    paths = [root / "un_consolidated_2026-02-27.xml", root / "ofac_sdn_2021"]
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise FileNotFoundError(f"needs {', '.join(missing)}")
    return paths


def generate(seed: int = 20260227) -> tuple[pd.DataFrame, list[WatchlistLoad]]:
    loads = [load_watchlist(p) for p in list_paths()]
    entries = [e for load in loads for e in load.entries]
    rng = random.Random(seed)
    rows = positives(entries, rng) + negatives(entries, rng)
    frame = pd.DataFrame(rows).fillna("")
    frame.insert(3, "traveller_ref", [f"T{i:06d}" for i in range(len(frame))])
    return frame, loads


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=20260227)
    args = parser.parse_args()
    frame, _ = generate(args.seed)
    frame.to_csv(args.out, index=False)
    print(frame.groupby(["kind", "family"]).size().to_string())


if __name__ == "__main__":
    main()
