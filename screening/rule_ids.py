"""The rule ids, as names. What each rule is (scope, stage, facts, frameworks) lives in the rule registry
(screening/rules/registry.py); this leaf module only names the ids, so that every module, the evaluators
the registry itself imports among them, refers to a rule by a name that a typo cannot create, without an
import cycle. tests/test_rule_registry.py checks that the two agree."""

from __future__ import annotations

from typing import Final

DOC_MISSING: Final = "DOC_MISSING"
DOC_EXPIRED: Final = "DOC_EXPIRED"
DOC_VALIDITY_SHORT: Final = "DOC_VALIDITY_SHORT"
VISA_REQUIRED_MISSING: Final = "VISA_REQUIRED_MISSING"
API_LATE: Final = "API_LATE"
API_INCOMPLETE: Final = "API_INCOMPLETE"
API_COUNT_MISMATCH: Final = "API_COUNT_MISMATCH"
API_DUPLICATE_TRAVELLER: Final = "API_DUPLICATE_TRAVELLER"
DOC_CHECK_DIGIT_INVALID: Final = "DOC_CHECK_DIGIT_INVALID"
WATCHLIST_MATCH: Final = "WATCHLIST_MATCH"
DOC_REPORTED_LOST_STOLEN: Final = "DOC_REPORTED_LOST_STOLEN"
DOC_REPORTED_LOST_STOLEN_SIMILAR: Final = "DOC_REPORTED_LOST_STOLEN_SIMILAR"

ALL: tuple[str, ...] = (
    DOC_MISSING,
    DOC_EXPIRED,
    DOC_VALIDITY_SHORT,
    VISA_REQUIRED_MISSING,
    API_LATE,
    API_INCOMPLETE,
    API_COUNT_MISMATCH,
    API_DUPLICATE_TRAVELLER,
    DOC_CHECK_DIGIT_INVALID,
    WATCHLIST_MATCH,
    DOC_REPORTED_LOST_STOLEN,
    DOC_REPORTED_LOST_STOLEN_SIMILAR,
)
