"""Real name variation nobody on this project made: a list's own aliases used as travellers.

Each alias of an individual (OFAC alt.csv, or the UN list's ALIAS elements) becomes a traveller carrying
the listed person's own first date of birth and first nationality (what their passport would say), and is
screened against an index of PRIMARY names only, so finding it means bridging the list's own variation.
Ordinary travellers are the 50,000 negatives of the yente fixture (../shared/data/eval), with their own
dates of birth and nationalities, screened against the same index.

    from benchmarks.alias_set import alias_set
    primaries, positives = alias_set("ofac")     # ("ofac" | "un"), split "dev" | "held-out" | "all"

Every alias gets a kind of variation (classify()), judged on normalised name parts, so recall can be
reported per kind. OFAC entries are split by a hash of their ent_num: "dev" (about 70 %) is what we tune
on, "held-out" is measured only; the UN aliases are the acceptance set and are never tuned on. Aliases
identical to the primary name after normalisation are dropped (nothing to find).
"""

from __future__ import annotations

import hashlib
import sys
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from screening.matching.names import HONORIFICS, name_slots, split_packed_names  # noqa: E402
from screening.matching.scoring import token_similarity  # noqa: E402
from screening.resources import shared_data_dir  # noqa: E402
from screening.watchlists.loader import load_watchlist  # noqa: E402
from screening.watchlists.model import WatchlistEntry  # noqa: E402

SOURCES = {"ofac": "watchlists/ofac_sdn_2021", "un": "watchlists/un_consolidated_2026-02-27.xml"}
KINDS = ("script", "packed", "honorific", "initials", "partial", "extended", "spelling", "shares a part", "other name")
SIMILAR = 0.8  # parts at least this similar (or sounding alike) count as the same part written differently


def split_of(entry_id: str) -> str:
    """'dev' or 'held-out', fixed by the entry id (about 70/30)."""
    return "dev" if int(hashlib.sha256(entry_id.encode()).hexdigest()[:8], 16) % 10 < 7 else "held-out"


def _parts(name: str) -> list[str]:
    return [s.primary for s in name_slots(name) if not s.particle]


def classify(alias: str, primary: str) -> str | None:
    """The kind of variation between a listed alias and the primary name (None: the same after
    normalisation). The first kind that applies wins, in the order of KINDS."""
    a, p = _parts(alias), _parts(primary)
    if not a or sorted(a) == sorted(p):
        return None
    if not alias.isascii():
        return "script"
    if len(split_packed_names(alias)) > 1 or "/" in alias:
        return "packed"
    raw = {t.strip(".,'").upper() for t in alias.replace("-", " ").split()}
    if raw & HONORIFICS:
        return "honorific"
    if any(len(t) == 1 for t in a):
        return "initials"
    sa, sp = set(a), set(p)
    if sa < sp:
        return "partial"
    if sp < sa:
        return "extended"
    similar = [any(token_similarity(x, y) >= SIMILAR for y in p) for x in a]
    if all(similar) and len(a) == len(p):
        return "spelling"
    if any(similar):
        return "shares a part"
    return "other name"


def alias_set(source: str, split: str = "all") -> tuple[list[WatchlistEntry], list[dict[str, str | None]]]:
    """(entries with their primary name only, alias travellers with entry_id, kind and split)."""
    path = shared_data_dir() / SOURCES[source]
    if not path.exists():
        raise FileNotFoundError(f"{path} is absent")
    entries = [e for e in load_watchlist(path).entries if e.entry_type == "individual"]
    primaries, travellers = [], []
    for entry in entries:
        primaries.append(replace(entry, names=entry.names[:1], alias_quality=[]))
        part = split_of(entry.entry_id) if source == "ofac" else "acceptance"
        if split not in ("all", part):
            continue
        seen: set[str] = set()
        for n, alias in enumerate(entry.names[1:]):
            kind = classify(alias, entry.names[0])
            key = " ".join(sorted(_parts(alias)))
            if kind is None or key in seen:
                continue
            seen.add(key)
            dob = next(
                (d for d in entry.dates_of_birth if len(d) == 10),
                entry.dates_of_birth[0] if entry.dates_of_birth else None,
            )
            travellers.append(
                {
                    "traveller_ref": f"{source}-{entry.entry_id}-{n}",
                    "entry_id": entry.entry_id,
                    "kind": kind,
                    "split": part,
                    "given_names": alias,
                    "surname": "",
                    "primary": entry.names[0],
                    "date_of_birth": dob if dob and "/" not in dob else None,
                    "nationality": entry.nationalities[0] if entry.nationalities else None,
                    "sex": entry.sex or None,
                }
            )
    return primaries, travellers


if __name__ == "__main__":
    import collections

    for source in ("ofac", "un"):
        _, rows = alias_set(source)
        print(source, len(rows), dict(collections.Counter((r["split"], r["kind"]) for r in rows)))
