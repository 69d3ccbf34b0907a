"""How large a list is for chance agreements: the size the list-size prior (MatchConfig.for_list) weighs.

An ordinary traveller is flagged by chance when some listed person's name and evidence happen to agree
with theirs, so false alerts grow with the listed people, not with the names: a person's aliases are
mostly spellings and parts of one name, and measured on OFAC (benchmarks/fit_list_prior.py) adding every
alias to the primary names moves the false-alert cut as a few more people would, not as twice the
list. A listed person without a date of birth offers far more chance agreements, because the date that
tells an ordinary traveller apart (a different date is strong counter-evidence) is missing. So each
listed person counts 1, or `undated_weight` without any date of birth, times 1 + `alias_weight` per name
beyond the first.
"""

from __future__ import annotations

import numpy as np


def chance_size(name_owner: np.ndarray, dated_names: np.ndarray, alias_weight: float, undated_weight: float) -> float:
    """The list's size for chance agreements, from the index's arrays: `name_owner` gives each listed
    name's entry, `dated_names` the names that carry a date of birth (either may repeat)."""
    owners = np.asarray(name_owner, dtype=np.int64)
    if not len(owners):
        return 0.0
    names_per_entry = np.bincount(owners)
    dated = np.zeros(len(names_per_entry), dtype=np.bool_)
    dated[owners[np.asarray(dated_names, dtype=np.int64)]] = True
    listed = names_per_entry > 0
    per_entry = np.where(dated, 1.0, undated_weight) * (1.0 + alias_weight * (names_per_entry - 1))
    return float(per_entry[listed].sum())
