"""MRZ against check digits and declared fields (filled in by mrz.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from screening.model import Flag, Manifest


def mrz_flags(manifest: Manifest, now: datetime) -> tuple[list[Flag], dict[str, Any]]:
    return [], {"travellers_with_mrz": 0}
