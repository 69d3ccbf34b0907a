"""Remember which rule-file contents passed every check, so a run does not re-check them each time.

Checking the shipped rules (170 KB of visa policy: YAML with line numbers, JSON Schema, meaning checks)
costs most of a second, on every `screening screen` and every DAG task. The result depends only on the
rule files, the schemas and the checking code, so a marker file named by the hash of all three says
"these exact contents passed". With a marker, the files are read with the plain C YAML loader (the same
data, no line numbers: nothing needs them once the contents are known to be good); an edited file, a new
schema or new checking code changes the hash and is checked in full again. A missing or unwritable
cache folder only costs the time.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from screening.errors import RulesError
from screening.resources import schemas_dir
from screening.rules.yamlloc import LocatedYaml

log = logging.getLogger(__name__)

_CHECKING_CODE = ("loader.py", "checks.py", "schema_check.py", "yamlloc.py", "models.py", "checked.py")
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def fingerprint(version: str) -> str:
    """Rules content hash (rules_version) + every schema + the checking code."""
    digest = hashlib.sha256(version.encode() + b"\0")
    for path in sorted(schemas_dir().glob("rules_*.schema.json")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    here = Path(__file__).resolve().parent
    for name in _CHECKING_CODE:
        digest.update(name.encode() + b"\0" + (here / name).read_bytes() + b"\0")
    return digest.hexdigest()[:32]


def _marker(fingerprint_: str) -> Path:
    from screening.config import load_settings

    return load_settings().data_dir / "cache" / "rules-checked" / fingerprint_


def was_checked(fingerprint_: str) -> bool:
    try:
        return _marker(fingerprint_).is_file()
    except OSError:
        return False


def remember(fingerprint_: str) -> None:
    marker = _marker(fingerprint_)
    try:
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.touch()
    except OSError as exc:  # read-only data folder: every run checks in full, nothing else changes
        log.info("rules check result not cached (%s)", type(exc).__name__)


def _as_text_dates(value: Any) -> Any:
    """What yamlloc gives: dates as ISO text (one JSON Schema describes them, hashes do not change)."""
    if isinstance(value, dict):
        return {_as_text_dates(k): _as_text_dates(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_text_dates(v) for v in value]
    return value.isoformat() if isinstance(value, date) else value


def load_plain(path: Path) -> LocatedYaml:
    """A file already known to be good, without line numbers (every line reads as 1)."""
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)  # noqa: S506 - a safe loader
    except (OSError, yaml.YAMLError) as exc:  # changed since its hash was taken: report, do not guess
        raise RulesError(f"{path}:1: cannot read rule file ({type(exc).__name__})") from exc
    return LocatedYaml(path=path, data=_as_text_dates(data))
