"""Machine readable zones (ICAO Doc 9303 Parts 3-7): TD1, TD2, TD3 and visas MRV-A / MRV-B.

Our own parser and 7-3-1 check digits: the `mrz` package is GPLv3 and rejects Germany's code D. Parsing
never raises for bad content; it reports which check digits fail so a flag can name the field."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_VALID = re.compile(r"^[A-Z0-9<]+$")
_WEIGHTS = (7, 3, 1)


class MRZFormatError(ValueError):
    """The lines are not a Doc 9303 MRZ of any known layout (message carries no MRZ content)."""


def char_value(ch: str) -> int:
    """0-9 as such, A-Z as 10-35, filler '<' as 0 (Doc 9303 Part 3, 4.9)."""
    if ch.isdigit():
        return int(ch)
    if "A" <= ch <= "Z":
        return ord(ch) - 55
    if ch == "<":
        return 0
    raise ValueError("character outside the MRZ alphabet")


def check_digit(data: str) -> str:
    """ICAO 7-3-1 check digit of `data` as a character."""
    return str(sum(char_value(ch) * _WEIGHTS[i % 3] for i, ch in enumerate(data)) % 10)


def digit_ok(data: str, digit: str) -> bool:
    """An all-filler optional field may carry '<' (or 0) as its check digit."""
    if digit == "<":
        return set(data) <= {"<"}
    return check_digit(data) == digit


@dataclass
class CheckResult:
    field: str  # document_number, date_of_birth, date_of_expiry, optional_data, composite
    ok: bool


@dataclass
class MRZ:
    """The fields of one MRZ, as printed (dates stay YYMMDD; '<' fillers removed from codes)."""

    layout: str  # TD1, TD2, TD3, MRV-A, MRV-B
    document_code: str
    issuing_state: str
    document_number: str
    nationality: str
    birth_date: str
    sex: str
    expiry_date: str
    surname: str
    given_names: str
    name_truncated: bool
    optional_data: str = ""
    checks: list[CheckResult] = field(default_factory=list)

    @property
    def is_visa(self) -> bool:
        return self.layout.startswith("MRV")

    @property
    def failed_checks(self) -> list[str]:
        return [c.field for c in self.checks if not c.ok]

    @property
    def invalid_dates(self) -> list[str]:
        """Dates whose digits are no calendar date (a check digit can be right for a wrong date);
        '<' marks an unknown part and is accepted."""
        dates = (("date_of_birth", self.birth_date), ("date_of_expiry", self.expiry_date))
        return [name for name, value in dates if not _valid_yymmdd(value)]


def _valid_yymmdd(value: str) -> bool:
    if any(not (ch.isdigit() or ch == "<") for ch in value):
        return False
    year, month, day = value[:2], value[2:4], value[4:6]
    if month.isdigit() and not 1 <= int(month) <= 12:
        return False
    return not (day.isdigit() and not 1 <= int(day) <= _days_in(month, year))


def _days_in(month: str, year: str) -> int:
    """Days in the month; February gets 29 when the two-digit year could be a leap year."""
    if not month.isdigit():
        return 31
    if int(month) == 2:
        return 29 if not year.isdigit() or int(year) % 4 == 0 else 28
    return 30 if int(month) in (4, 6, 9, 11) else 31


def _strip(text: str) -> str:
    return text.replace("<", "")


def _code(text: str) -> str:
    return text.rstrip("<").replace("<", "")


def _name(field_text: str) -> tuple[str, str, bool]:
    """PRIMARY<<SECONDARY with '<' between components; a field without trailing filler may be truncated."""
    truncated = not field_text.endswith("<")
    primary, _, secondary = field_text.rstrip("<").partition("<<")
    return primary.replace("<", " ").strip(), secondary.replace("<", " ").strip(), truncated


def normalise_lines(lines: list[str] | str) -> list[str]:
    """Upper-case, trimmed lines; a single string may hold the lines separated by newlines."""
    if isinstance(lines, str):
        lines = lines.splitlines()
    out = [str(line).strip().upper().replace(" ", "") for line in lines if str(line).strip()]
    return out


def detect_layout(lines: list[str]) -> tuple[str, int]:
    """Layout and line length from the number of lines, their length and the first character."""
    if len(lines) == 3:
        return "TD1", 30
    if len(lines) == 2:
        longest = max(len(line) for line in lines)
        visa = lines[0].startswith("V")
        if longest <= 36:
            return ("MRV-B" if visa else "TD2"), 36
        if longest <= 44:
            return ("MRV-A" if visa else "TD3"), 44
    raise MRZFormatError("MRZ must have 3 lines of 30 or 2 lines of 36 or 44 characters")


def parse_mrz(raw: list[str] | str) -> MRZ:
    """Parse and check one MRZ; lines stripped of trailing filler by a carrier are padded back."""
    lines = normalise_lines(raw)
    if not lines:
        raise MRZFormatError("MRZ is empty")
    layout, width = detect_layout(lines)
    if any(len(line) > width for line in lines):
        raise MRZFormatError(f"{layout} MRZ line longer than {width} characters")
    if any(not _VALID.match(line) for line in lines):
        raise MRZFormatError("MRZ holds characters outside A-Z, 0-9 and <")
    lines = [line.ljust(width, "<") for line in lines]
    if layout == "TD1":
        return _parse_td1(*lines)
    return _parse_two_line(layout, lines[0], lines[1])


def _long_number(head: str, digit: str, optional: str) -> tuple[str, str, str]:
    """Document numbers over 9 characters (TD1/TD2): '<' in the check digit position, the rest of the
    number and its check digit at the start of the optional data. Returns (number, digit, optional)."""
    if digit != "<" or not optional or optional[0] == "<":
        return head, digit, optional
    tail = optional.split("<", 1)[0]
    rest = optional[len(tail) :]
    return head + tail[:-1], tail[-1], rest


def _parse_td1(l1: str, l2: str, l3: str) -> MRZ:
    number, number_cd, optional1 = _long_number(l1[5:14], l1[14], l1[15:30])
    surname, given, truncated = _name(l3)
    checks = [
        CheckResult("document_number", digit_ok(number, number_cd)),
        CheckResult("date_of_birth", digit_ok(l2[0:6], l2[6])),
        CheckResult("date_of_expiry", digit_ok(l2[8:14], l2[14])),
        CheckResult("composite", digit_ok(l1[5:30] + l2[0:7] + l2[8:15] + l2[18:29], l2[29])),
    ]
    return MRZ(
        "TD1",
        _code(l1[0:2]),
        _code(l1[2:5]),
        _strip(number),
        _code(l2[15:18]),
        l2[0:6],
        l2[7],
        l2[8:14],
        surname,
        given,
        truncated,
        (optional1 + l2[18:29]).strip("<"),
        checks,
    )


def _parse_two_line(layout: str, l1: str, l2: str) -> MRZ:
    surname, given, truncated = _name(l1[5:])
    number, number_cd, optional = l2[0:9], l2[9], l2[28:]
    if layout == "TD2":
        number, number_cd, rest = _long_number(number, number_cd, l2[28:35])
        optional = rest
    checks = [
        CheckResult("document_number", digit_ok(number, number_cd)),
        CheckResult("date_of_birth", digit_ok(l2[13:19], l2[19])),
        CheckResult("date_of_expiry", digit_ok(l2[21:27], l2[27])),
    ]
    if layout == "TD3":
        optional = l2[28:42]
        checks.append(CheckResult("optional_data", digit_ok(l2[28:42], l2[42])))
        checks.append(CheckResult("composite", digit_ok(l2[0:10] + l2[13:20] + l2[21:43], l2[43])))
    elif layout == "TD2":
        checks.append(CheckResult("composite", digit_ok(l2[0:10] + l2[13:20] + l2[21:35], l2[35])))
    return MRZ(
        layout,
        _code(l1[0:2]),
        _code(l1[2:5]),
        _strip(number),
        _code(l2[10:13]),
        l2[13:19],
        l2[20],
        l2[21:27],
        surname,
        given,
        truncated,
        optional.strip("<"),
        checks,
    )
