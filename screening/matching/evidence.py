"""Evidence besides the name: date of birth, nationality, sex and document number. Each feature returns a
MatchPart (its log-likelihood-ratio contribution and a sentence saying why) or None when there is
nothing to compare. A full date of birth agreeing is worth far more than a year (a chance agreement is
far rarer), a clearly different one is strong counter-evidence; combine() sums every part's log-odds
and calibrates the total to a probability (scoring.calibrate), so a rare surname with the exact date of
birth and nationality is a hit while a common name with another date of birth is not."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from screening.countries import same_country, to_iso3
from screening.matching.config import MatchConfig
from screening.matching.scoring import calibrate
from screening.watchlists.registry import normalise_document_number


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


@lru_cache(maxsize=65_536)  # a century of days: every candidate's listed dates meet the traveller's again
def _parts(value: str) -> tuple[int, int | None, int | None] | None:
    pieces = value.strip()[:10].split("-")
    try:
        year = int(pieces[0])
        month = int(pieces[1]) if len(pieces) > 1 else None
        day = int(pieces[2]) if len(pieces) > 2 else None
    except ValueError:
        return None
    return year, month, day


# How one listed date of birth compares: case -> (rank: 4 best .. 0 contradicts, -1 contradicts by
# far_years or more; wording, given the listed date and the years apart).
_CASES = {
    "not comparable": (1, "date of birth not comparable"),
    "in range": (3, "birth year within the listed range {listed}"),
    "near range": (1, "birth year one year outside the listed range {listed}"),
    "far from range": (-1, "birth year {apart} years outside the listed range {listed}"),
    "out of range": (0, "birth year outside the listed range {listed}"),
    "agrees": (4, "date of birth agrees"),
    "as given": (3, "date of birth agrees with the listed {listed} as far as given"),
    "swapped": (2, "date of birth agrees with day and month swapped"),
    "same year": (1, "same birth year, different day or month"),
    "year off": (1, "date of birth one year off"),
    "birth year off": (1, "birth year one year off"),
    "far": (-1, "date of birth {apart} years from the listed {listed}"),
    "differs": (0, "date of birth differs from the listed {listed}"),
}


@lru_cache(maxsize=65_536)  # a batch's bounds compare the same traveller and listed dates again and again
def _case(traveller: str, listed: str, far_years: int) -> tuple[str, int]:
    """Which of _CASES one listed date of birth is, and the years apart (for the wording). Apart from
    the wording, so that the bound of a batch (dob_value) ranks without writing sentences."""
    if "/" in listed:  # a year range (UN BETWEEN)
        low, _, high = listed.partition("/")
        t = _parts(traveller)
        if t is None or not low.isdigit() or not high.isdigit():
            return "not comparable", 0
        if int(low) <= t[0] <= int(high):
            return "in range", 0
        if int(low) - 1 <= t[0] <= int(high) + 1:
            return "near range", 0
        apart = min(abs(t[0] - int(low)), abs(t[0] - int(high)))
        return ("far from range", apart) if apart >= far_years else ("out of range", apart)
    t, c = _parts(traveller), _parts(listed)
    if t is None or c is None:
        return "not comparable", 0
    if t == c and t[2] is not None:
        return "agrees", 0
    if t[0] == c[0]:
        if None in (t[1], c[1]) or (t[1] == c[1] and None in (t[2], c[2])):
            return "as given", 0
        if t[1] == c[2] and t[2] == c[1]:
            return "swapped", 0
        return "same year", 0
    apart = abs(t[0] - c[0])
    if t[1] == c[1] and t[2] == c[2] and t[1] is not None and t[2] is not None and apart == 1:
        return "year off", apart
    if apart == 1 and (t[2] is None or c[2] is None):
        return "birth year off", apart
    return ("far", apart) if apart >= far_years else ("differs", apart)


def _compare_one(traveller: str, listed: str, far_years: int) -> tuple[int, str]:
    """Rank (see _CASES) and wording for one listed date of birth."""
    case, apart = _case(traveller, listed, far_years)
    rank, wording = _CASES[case]
    return rank, wording.format(listed=listed, apart=apart)


def _dob_log_odds(rank: int, config: MatchConfig) -> float:
    """The configured log-odds of a rank (see _CASES): only the one asked for is read (the bounds of a
    batch ask for hundreds)."""
    if rank == 4:
        return config.dob_exact_log_odds
    if rank == 3:
        return config.dob_partial_log_odds
    if rank == 2:
        return config.dob_swapped_log_odds
    if rank == 1:
        return config.dob_near_log_odds
    if rank == 0:
        return config.dob_mismatch_log_odds
    if rank == -1:
        return config.dob_far_log_odds
    raise KeyError(rank)


def dob_value(traveller_dob: str | None, listed: Sequence[str], config: MatchConfig) -> float | None:
    """dob_evidence's value alone (no wording): for the bounds of a batch, over many candidates."""
    if not traveller_dob or not listed:
        return None
    far = config.dob_far_years
    return _dob_log_odds(max(_CASES[_case(traveller_dob, value, far)[0]][0] for value in listed), config)


def dob_evidence(traveller_dob: str | None, listed: Sequence[str], config: MatchConfig) -> MatchPart | None:
    """Best agreement over all listed dates of birth (lists often give several)."""
    if not traveller_dob or not listed:
        return None
    compared = (_compare_one(traveller_dob, value, config.dob_far_years) for value in listed)
    rank, detail = max(compared, key=lambda r: r[0])
    if rank == 0 and len(listed) > 1:
        detail = f"date of birth differs from all {len(listed)} listed dates"
    elif rank == -1 and len(listed) > 1:
        detail = f"date of birth at least {config.dob_far_years} years from all {len(listed)} listed dates"
    return MatchPart("date_of_birth", _dob_log_odds(rank, config), detail)


def _shared_nationality(nationalities: Sequence[str], listed: Sequence[str]) -> str | None:
    """The first of the traveller's nationalities that is a listed one ('' if none is; None: nothing to
    compare)."""
    given = [n for n in nationalities if n]
    if not given or not listed:
        return None
    return next((code for code in given if any(same_country(code, other) for other in listed)), "")


def nationality_evidence(nationalities: Sequence[str], listed: Sequence[str], config: MatchConfig) -> MatchPart | None:
    """Any of the traveller's nationalities (nationality, passport state: dual nationals) among the listed."""
    shared = _shared_nationality(nationalities, listed)
    if shared is None:
        return None
    if shared:
        return MatchPart(
            "nationality", config.nationality_match_log_odds, f"nationality {shared} is a listed nationality"
        )
    given = [n for n in nationalities if n]
    return MatchPart(
        "nationality",
        config.nationality_mismatch_log_odds,
        f"nationality {'/'.join(dict.fromkeys(given))} not among listed {', '.join(listed)}",
    )


def _sex_letter(sex: str | None) -> str:
    """The letter a sex is compared by (M, F; anything else compares nothing)."""
    return (sex or "").upper()[:1]


def sex_evidence(traveller_sex: str | None, listed_sex: str | None, config: MatchConfig) -> MatchPart | None:
    a, b = _sex_letter(traveller_sex), _sex_letter(listed_sex)
    if a not in ("M", "F") or b not in ("M", "F"):
        return None
    if a == b:
        return MatchPart("sex", 0.0, "sex agrees")
    return MatchPart("sex", config.sex_mismatch_log_odds, "sex differs from the listed sex")


def document_evidence(number: str | None, listed: Sequence[str], config: MatchConfig) -> MatchPart | None:
    """The traveller's document number among the listed person's documents is strong evidence."""
    normalised = normalise_document_number(number)
    if not normalised or not listed:
        return None
    if normalised in listed:
        return MatchPart("document", config.document_match_log_odds, "document number is listed for this person")
    return None


@dataclass(frozen=True)
class ListedEvidence:
    """A listed entry's evidence as the bounds of a batch compare it, read once per entry (a batch meets
    the same entries again and again): its dates of birth, the States of its nationalities (to_iso3:
    same_country's test, as _shared_nationality makes it), its sex letter and its document numbers."""

    dates_of_birth: tuple[str, ...]
    has_nationalities: bool
    countries: frozenset[str]
    sex: str
    document_numbers: frozenset[str]

    @classmethod
    def of(
        cls, dates_of_birth: Sequence[str], nationalities: Sequence[str], sex: str | None, documents: Sequence[str]
    ) -> ListedEvidence:
        return cls(
            tuple(dates_of_birth),
            bool(nationalities),
            frozenset(to_iso3(code) for code in nationalities if code),
            _sex_letter(sex),
            frozenset(documents),
        )


@dataclass(frozen=True)
class TravellerEvidence:
    """One traveller's side of the same comparisons, normalised once for all its candidate entries."""

    date_of_birth: str | None
    countries: tuple[str, ...]  # to_iso3 of the traveller's nationalities, empty ones left out
    sex: str
    document: str

    @classmethod
    def of(
        cls, date_of_birth: str | None, nationalities: Sequence[str], sex: str | None, number: str | None
    ) -> TravellerEvidence:
        return cls(
            date_of_birth,
            tuple(to_iso3(code) for code in nationalities if code),
            _sex_letter(sex),
            normalise_document_number(number),
        )

    def total(self, listed: ListedEvidence, config: MatchConfig) -> float:
        """What dob_evidence, nationality_evidence, sex_evidence and document_evidence sum to for this
        entry, in that order (so the same float), without their wording."""
        nationality = None
        if self.countries and listed.has_nationalities:
            shared = any(code in listed.countries for code in self.countries)
            nationality = config.nationality_match_log_odds if shared else config.nationality_mismatch_log_odds
        sex = None
        if self.sex in ("M", "F") and listed.sex in ("M", "F"):
            sex = 0.0 if self.sex == listed.sex else config.sex_mismatch_log_odds
        document = None
        if self.document and listed.document_numbers and self.document in listed.document_numbers:
            document = config.document_match_log_odds
        values = (dob_value(self.date_of_birth, listed.dates_of_birth, config), nationality, sex, document)
        return sum(v for v in values if v is not None)
