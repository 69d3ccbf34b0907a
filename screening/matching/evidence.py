"""Evidence besides the name: date of birth, nationality, sex and document number. Each feature returns a
MatchPart (its log-likelihood-ratio contribution and a sentence saying why) or None when there is
nothing to compare. A full date of birth agreeing is worth far more than a year (a chance agreement is
far rarer), a clearly different one is strong counter-evidence; combine() sums every part's log-odds
and calibrates the total to a probability (scoring.calibrate), so a rare surname with the exact date of
birth and nationality is a hit while a common name with another date of birth is not."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from screening.countries import same_country
from screening.matching.config import MatchConfig
from screening.matching.scoring import calibrate


@dataclass
class MatchPart:
    """One piece of evidence: its name, its log-odds contribution, and a human explanation."""

    feature: str
    value: float
    detail: str


def combine(
    name_part: MatchPart, evidence: Sequence[MatchPart | None], config: MatchConfig
) -> tuple[float, list[MatchPart]]:
    """Every part's log-odds summed and calibrated to a probability of a true hit in [0, 1]."""
    parts = [name_part, *(p for p in evidence if p is not None)]
    return float(calibrate(sum(p.value for p in parts), config.calibration_slope, config.calibration_intercept)), parts


def _parts(value: str) -> tuple[int, int | None, int | None] | None:
    pieces = value.strip()[:10].split("-")
    try:
        year = int(pieces[0])
        month = int(pieces[1]) if len(pieces) > 1 else None
        day = int(pieces[2]) if len(pieces) > 2 else None
    except ValueError:
        return None
    return year, month, day


def _compare_one(traveller: str, listed: str, far_years: int) -> tuple[int, str]:
    """Rank (4 best .. 0 contradicts, -1 contradicts by far_years or more) and wording for one listed
    date of birth."""
    if "/" in listed:  # a year range (UN BETWEEN)
        low, _, high = listed.partition("/")
        t = _parts(traveller)
        if t is None or not low.isdigit() or not high.isdigit():
            return 1, "date of birth not comparable"
        if int(low) <= t[0] <= int(high):
            return 3, f"birth year within the listed range {listed}"
        if int(low) - 1 <= t[0] <= int(high) + 1:
            return 1, f"birth year one year outside the listed range {listed}"
        apart = min(abs(t[0] - int(low)), abs(t[0] - int(high)))
        if apart >= far_years:
            return -1, f"birth year {apart} years outside the listed range {listed}"
        return 0, f"birth year outside the listed range {listed}"
    t, c = _parts(traveller), _parts(listed)
    if t is None or c is None:
        return 1, "date of birth not comparable"
    if t == c and t[2] is not None:
        return 4, "date of birth agrees"
    if t[0] == c[0]:
        if None in (t[1], c[1]) or (t[1] == c[1] and None in (t[2], c[2])):
            return 3, f"date of birth agrees with the listed {listed} as far as given"
        if t[1] == c[2] and t[2] == c[1]:
            return 2, "date of birth agrees with day and month swapped"
        return 1, "same birth year, different day or month"
    if t[1] == c[1] and t[2] == c[2] and t[1] is not None and t[2] is not None and abs(t[0] - c[0]) == 1:
        return 1, "date of birth one year off"
    if abs(t[0] - c[0]) == 1 and (t[2] is None or c[2] is None):
        return 1, "birth year one year off"
    if abs(t[0] - c[0]) >= far_years:
        return -1, f"date of birth {abs(t[0] - c[0])} years from the listed {listed}"
    return 0, f"date of birth differs from the listed {listed}"


def dob_evidence(traveller_dob: str | None, listed: Sequence[str], config: MatchConfig) -> MatchPart | None:
    """Best agreement over all listed dates of birth (lists often give several)."""
    if not traveller_dob or not listed:
        return None
    compared = (_compare_one(traveller_dob, value, config.dob_far_years) for value in listed)
    rank, detail = max(compared, key=lambda r: r[0])
    value = {
        4: config.dob_exact_log_odds,
        3: config.dob_partial_log_odds,
        2: config.dob_swapped_log_odds,
        1: config.dob_near_log_odds,
        0: config.dob_mismatch_log_odds,
        -1: config.dob_far_log_odds,
    }[rank]
    if rank == 0 and len(listed) > 1:
        detail = f"date of birth differs from all {len(listed)} listed dates"
    elif rank == -1 and len(listed) > 1:
        detail = f"date of birth at least {config.dob_far_years} years from all {len(listed)} listed dates"
    return MatchPart("date_of_birth", value, detail)


def nationality_evidence(nationalities: Sequence[str], listed: Sequence[str], config: MatchConfig) -> MatchPart | None:
    """Any of the traveller's nationalities (nationality, passport state: dual nationals) among the listed."""
    given = [n for n in nationalities if n]
    if not given or not listed:
        return None
    for code in given:
        if any(same_country(code, other) for other in listed):
            return MatchPart(
                "nationality", config.nationality_match_log_odds, f"nationality {code} is a listed nationality"
            )
    return MatchPart(
        "nationality",
        config.nationality_mismatch_log_odds,
        f"nationality {'/'.join(dict.fromkeys(given))} not among listed {', '.join(listed)}",
    )


def sex_evidence(traveller_sex: str | None, listed_sex: str | None, config: MatchConfig) -> MatchPart | None:
    a, b = (traveller_sex or "").upper()[:1], (listed_sex or "").upper()[:1]
    if a not in ("M", "F") or b not in ("M", "F"):
        return None
    if a == b:
        return MatchPart("sex", 0.0, "sex agrees")
    return MatchPart("sex", config.sex_mismatch_log_odds, "sex differs from the listed sex")


def document_evidence(number: str | None, listed: Sequence[str], config: MatchConfig) -> MatchPart | None:
    """The traveller's document number among the listed person's documents is strong evidence."""
    normalised = "".join(ch for ch in (number or "").upper() if ch.isalnum())
    if not normalised or not listed:
        return None
    if normalised in listed:
        return MatchPart("document", config.document_match_log_odds, "document number is listed for this person")
    return None
