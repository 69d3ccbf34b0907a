"""What validating one manifest yields: flags, the travellers to screen, quarantine, and a stored report."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from screening.model import Flag, QuarantineRecord, Traveller


@dataclass
class ValidationResult:
    """Invariant: len(screenable) + sum(q.travellers for q in quarantine) == travellers in the manifest."""

    flags: list[Flag] = field(default_factory=list)
    screenable: list[Traveller] = field(default_factory=list)
    quarantine: list[QuarantineRecord] = field(default_factory=list)
    report: dict[str, Any] = field(default_factory=dict)
    # set while a Great Expectations audit of this result still runs (validate.manifest.complete_audits)
    finish_audit: Callable[[], None] | None = field(default=None, repr=False, compare=False)

    @property
    def travellers_in(self) -> int:
        return len(self.screenable) + sum(q.travellers for q in self.quarantine)
