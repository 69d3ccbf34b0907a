"""Which travellers an exemption covers. Exemptions keep the flag but waive the sanction, with a reason."""

from __future__ import annotations

import numpy as np
import pandas as pd

from screening.airports import airport_country
from screening.countries import to_iso3
from screening.rules.frame import FlightTable, text, truthy
from screening.rules.models import EXEMPTION_KINDS, RuleSet

REASONS = {
    "international_protection": "the traveller claimed international protection",
    "crew_certificate": "crew member holding a crew member certificate",
    "national_of_destination": "the traveller is a national of the destination State",
    "residence_permit": "the traveller holds a residence permit of the destination State",
    "transit": "the traveller is in transit",
}


def _iso(values: pd.Series) -> pd.Series:
    uniques = values.dropna().unique()
    return values.map({u: to_iso3(str(u)) for u in uniques})


def _other_documents(
    df: pd.DataFrame,
    dest_iso: pd.Series,
    crew_types: set[str],
    rp_types: set[str],
    has_cmc: np.ndarray,
    rp_other: np.ndarray,
) -> None:
    """Crew certificates and residence permits among a traveller's further documents (TYPE:ISSUER|...)."""
    others = text(df, "other_documents").str.upper()
    dests = dest_iso.to_numpy(dtype=object)
    values = others.to_numpy(dtype=object)
    for i in np.flatnonzero(others.notna().to_numpy()):
        for entry in str(values[i]).split("|"):
            doc_type, _, issuer = entry.strip().partition(":")
            if doc_type in crew_types:
                has_cmc[i] = True
            if doc_type in rp_types and issuer and to_iso3(issuer) == dests[i]:
                rp_other[i] = True


def exemption_table(df: pd.DataFrame, flights: FlightTable, ruleset: RuleSet) -> pd.DataFrame:
    """One boolean column per exemption kind for each traveller row of `df` (ensure_columns applied)."""
    dest = pd.Series(flights.per_flight([c.destination for c in flights.contexts]), index=df.index)
    dest_iso = _iso(dest)
    ttype = text(df, "traveller_type").str.upper().fillna("PAX")
    crew_types = set(ruleset.parameters.crew_certificate_document_types)
    doc_type = text(df, "document_type").str.upper()
    has_cmc = doc_type.isin(crew_types).fillna(False).to_numpy(dtype=bool).copy()
    rp_state = _iso(text(df, "residence_permit_state").str.upper())
    rp_types = set(ruleset.parameters.residence_permit_document_types)
    doc_is_rp = doc_type.isin(rp_types).fillna(False)
    issuing = _iso(text(df, "document_issuing_state").str.upper())
    disembark = text(df, "disembarkation").str.upper()
    uniques = disembark.dropna().unique()
    disembark_iso = _iso(disembark.map({u: airport_country(u) for u in uniques}))
    out = pd.DataFrame(index=df.index)
    out["international_protection"] = truthy(df, "protection_claimed")
    out["crew_certificate"] = (ttype == "CREW").to_numpy(dtype=bool) & has_cmc
    out["national_of_destination"] = (_iso(text(df, "nationality").str.upper()) == dest_iso).fillna(False)
    rp_other = np.zeros(len(df), dtype=bool)
    _other_documents(df, dest_iso, crew_types, rp_types, has_cmc, rp_other)
    out["residence_permit"] = (
        (rp_state == dest_iso).fillna(False) | (doc_is_rp & (issuing == dest_iso).fillna(False)) | rp_other
    )
    out["transit"] = truthy(df, "transit") | (disembark_iso.notna() & (disembark_iso != dest_iso)).fillna(False)
    assert tuple(out.columns) == EXEMPTION_KINDS
    return out.astype(bool)


def reason(kind: str) -> str:
    return REASONS.get(kind, kind)
