"""Reports and exports for liaison units and analysts: per-flight and per-carrier HTML, trends, CSV/JSON
exports and partner-state hit notifications, all read from the screening store."""

from __future__ import annotations

from screening.report.flight import write_flight_report

__all__ = ["write_flight_report"]
