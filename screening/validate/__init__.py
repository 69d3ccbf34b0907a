"""Manifest validation (issue 5): expectation suites built from schemas/, row-level flags, quarantine of
unscreenable travellers, MRZ check digits, and a JSON report per manifest."""

from screening.validate.manifest import validate_manifest
from screening.validate.result import ValidationResult

__all__ = ["ValidationResult", "validate_manifest"]
