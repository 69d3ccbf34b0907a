"""The run report: summary.json as a page an operator reads (accounting, problems, the multi-part sets
still waiting, flags, sanctions), written beside the four outputs by the CLI and the DAG alike. It is
built from the summary only, so it cannot disagree with it, and it holds no personal data."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from screening.outputs import atomic_write_text
from screening.report.render import safe_name, write_report

RUN_REPORT = "report.html"


def run_problems(summary: dict[str, Any]) -> list[str]:
    """What went wrong in the run, as sentences (counts and ids only)."""
    problems = []
    if summary.get("files_unreadable"):
        problems.append(f"{summary['files_unreadable']} file(s) could not be read (see quarantine.csv).")
    if summary.get("manifests_failed"):
        problems.append(f"{summary['manifests_failed']} manifest(s) failed and were quarantined whole.")
    unfinished = summary.get("manifests_unfinished") or []
    if unfinished:
        problems.append(f"{len(unfinished)} manifest(s) did not finish: {', '.join(unfinished)}.")
    return problems


def write_run_report(out_dir: Path, summary: dict[str, Any]) -> Path:
    """out_dir/report.html from the run's summary."""
    defaults = {"run_id": "", "rules_version": "", "list_version": "", "waiting": [], "travellers_waiting": 0}
    return write_report(
        Path(out_dir) / RUN_REPORT,
        "run.html.j2",
        summary={**defaults, **summary},
        problems=run_problems(summary),
        flags_total=sum((summary.get("flags_by_rule") or {}).values()),
        nothing_arrived=not summary.get("files_in") and not summary.get("travellers_in"),
    )


def publish_run_report(report: Path, reports_dir: Path, run_id: str) -> Path:
    """A copy under reports_dir/runs/, listed on the reports index beside flight and carrier reports."""
    from screening.report.index import refresh_index

    target = Path(reports_dir) / "runs" / f"{safe_name(run_id)}.html"
    atomic_write_text(target, Path(report).read_text(encoding="utf-8"))
    refresh_index(Path(reports_dir))
    return target
