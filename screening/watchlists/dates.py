"""Dates of birth as lists write them ("10 Jan 1960", "circa 1960", "1960 to 1962", "Nov. 1973") to
the forms matching compares: YYYY-MM-DD, YYYY-MM, YYYY, or a year range YYYY/YYYY."""

from __future__ import annotations

import re

_MONTHS = {
    m: i
    for i, m in enumerate(["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"], start=1)
}
_DAY_MONTH_YEAR = re.compile(r"\b(\d{1,2})\s+([A-Za-z]{3})[A-Za-z]*\.?\s+(\d{4})\b")
_MONTH_YEAR = re.compile(r"\b([A-Za-z]{3})[A-Za-z]*\.?\s+(\d{4})\b")
_RANGE = re.compile(r"\b(\d{4})\s*(?:to|-|–)\s*(\d{4})\b", re.IGNORECASE)
_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_DMY_NUMERIC = re.compile(r"\b(\d{1,2})[./](\d{1,2})[./](\d{4})\b")
_YEAR = re.compile(r"\b(1[89]\d{2}|20\d{2})\b")


def parse_date_text(text: str | None) -> str | None:
    """Best reading of one free-text date of birth, or None (e.g. a Hijri date, an age)."""
    if not text:
        return None
    text = text.strip()
    if "hijri" in text.lower():
        return None
    if m := _ISO.search(text):
        return m.group(0)
    if m := _RANGE.search(text):
        low, high = sorted((m.group(1), m.group(2)))
        return low if low == high else f"{low}/{high}"
    if m := _DAY_MONTH_YEAR.search(text):
        month = _MONTHS.get(m.group(2).upper())
        if month:
            return f"{m.group(3)}-{month:02d}-{int(m.group(1)):02d}"
    if m := _DMY_NUMERIC.search(text):
        day, month = int(m.group(1)), int(m.group(2))
        if 1 <= month <= 12 and 1 <= day <= 31:
            return f"{m.group(3)}-{month:02d}-{day:02d}"
    if m := _MONTH_YEAR.search(text):
        month = _MONTHS.get(m.group(1).upper())
        if month:
            return f"{m.group(2)}-{month:02d}"
    if m := _YEAR.search(text):
        return m.group(1)
    return None
