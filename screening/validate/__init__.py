"""Manifest validation (issue 5), the pipeline's validate stage.

    result = validate_manifest(manifest, now=...)   # -> flags, screenable, quarantine, report

How it fits together:
- spec.py      checks built from schemas/manifest_csv.schema.json (pattern, format, enum, x-country,
               x-airport, x-api-mandatory, x-date-role, x-unique ...): the schema is the one source of truth.
- masks.py     each check as a vectorised pandas/Arrow mask of failing rows (fast; gives row references).
- flags.py     masks -> Flag objects (field and kind of fault named, never a value).
- mrz.py       own ICAO Doc 9303 parser and 7-3-1 check digits (TD1, TD2, TD3, MRV-A, MRV-B);
  mrz_checks.py  check digits and agreement of the MRZ with the declared fields.
- gx_suite.py  the same checks as a Great Expectations suite, run on a pandas datasource for the stored,
               auditable result (counts only); quiet, one ephemeral context per process.
- gx_worker.py the same audit in a side process started at the beginning of a CLI run, so GX's start-up
               overlaps reading and screening instead of adding to them.
- report.py    the JSON-ready report the pipeline stores per manifest and run.
"""

from screening.validate.manifest import complete_audits, validate_batch, validate_manifest
from screening.validate.result import ValidationResult

__all__ = ["ValidationResult", "complete_audits", "validate_batch", "validate_manifest"]
