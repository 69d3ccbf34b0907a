"""Rich tables for run summaries (shared by `screen` and `demo`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.table import Table

from screening.cli import out


def print_summary(summary: dict[str, Any], paths: dict[str, Path] | None = None) -> None:
    table = Table(title="Screening summary", show_header=True)
    table.add_column("measure")
    table.add_column("value", justify="right")
    for key in (
        "files_in",
        "manifests",
        "travellers_in",
        "travellers_screened",
        "travellers_quarantined",
        "travellers_waiting",
        "sanctions_total",
    ):
        if key in summary:
            table.add_row(key.replace("_", " "), str(summary[key]))
    for currency, amount in (summary.get("sanctions_amount_by_currency") or {}).items():
        table.add_row(f"sanctions amount ({currency})", f"{amount:,.0f}")
    out.print(table)
    flags = Table(title="Flags by rule")
    flags.add_column("rule_id")
    flags.add_column("flags", justify="right")
    for rule, count in (summary.get("flags_by_rule") or {}).items():
        flags.add_row(rule, str(count))
    out.print(flags)
    print_waiting(summary.get("waiting") or [])
    for name, path in (paths or {}).items():
        out.print(f"{name}: {path}", highlight=False, soft_wrap=True)


def print_waiting(waiting: list[dict[str, Any]]) -> None:
    """Multi-part sets held for their other parts: neither screened against obligations nor sanctioned yet."""
    if not waiting:
        return
    table = Table(title="Waiting for other parts (obligations and sanctions wait; watchlists checked)")
    for column in ("manifest", "message", "parts held", "travellers", "wait left (min)", "watchlist hits"):
        table.add_column(column)
    hits = []
    for item in waiting:
        found = item.get("watchlist_hits")
        table.add_row(
            str(item.get("manifest_id")),
            str(item.get("common_ref")),
            ", ".join(str(p) for p in item.get("parts") or []),
            str(item.get("travellers")),
            str(item.get("wait_left_minutes")),
            "not checked" if found is None else str(len(found)),
        )
        hits += [(item, hit) for hit in found or []]
    out.print(table)
    for item, hit in hits:
        out.print(
            f"watchlist hit in waiting set {item.get('manifest_id')}: traveller {hit['traveller_ref']} ~ "
            f"{hit['list_name']} {hit['watchlist_entry_id']} (score {hit['score']})",
            highlight=False,
            soft_wrap=True,
        )
