"""The index page: the latest reports of each kind, rebuilt from the files on disk so it never lists a
report that is not there. A lock keeps parallel DAG tasks from overwriting each other's index."""

from __future__ import annotations

import html
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from screening.report.render import write_report

KINDS = {
    "runs": "Run reports",
    "flights": "Flight reports",
    "carriers": "Carrier compliance reports",
    "trends": "Trend reports",
    "notifications": "Hit notifications",
}
LATEST = 200
_TITLE = re.compile(r"<title>(.*?)</title>", re.S | re.I)


@contextmanager
def _locked(reports_dir: Path) -> Iterator[None]:
    """An exclusive lock on POSIX; elsewhere (a Windows laptop) the last writer simply wins."""
    reports_dir.mkdir(parents=True, exist_ok=True)
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield
        return
    with open(reports_dir / ".index.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _title(path: Path) -> str:
    if path.suffix != ".html":
        return path.name
    with open(path, encoding="utf-8", errors="replace") as handle:
        match = _TITLE.search(handle.read(4000))
    return html.unescape(match.group(1).strip()) if match else path.stem


def list_reports(reports_dir: Path) -> dict[str, list[dict[str, Any]]]:
    """Newest first, at most LATEST per kind; only those are opened for their title (folders can be large)."""
    found: dict[str, list[dict[str, Any]]] = {}
    for kind in KINDS:
        folder = reports_dir / kind
        if not folder.is_dir():
            continue
        candidates = []
        with os.scandir(folder) as scan:
            for entry in scan:
                if entry.name.startswith(".") or not entry.name.endswith((".html", ".json")):
                    continue
                try:
                    candidates.append((entry.stat().st_mtime, entry.name))
                except FileNotFoundError:  # replaced by a parallel writer between listing and stat
                    continue
        candidates.sort(key=lambda c: (-c[0], c[1]))
        found[kind] = [
            {
                "href": f"{kind}/{name}",
                "title": _title(folder / name),
                "mtime": mtime,
                "updated": datetime.fromtimestamp(mtime, UTC).strftime("%Y-%m-%d %H:%M UTC"),
            }
            for mtime, name in candidates[:LATEST]
        ]
    return found


def refresh_index(reports_dir: Path) -> Path:
    """Rewrite reports_dir/index.html from the reports present now."""
    reports_dir = Path(reports_dir)
    with _locked(reports_dir):
        reports = list_reports(reports_dir)
        return write_report(
            reports_dir / "index.html",
            "index.html.j2",
            sections=[{"kind": k, "title": KINDS[k], "reports": reports[k]} for k in KINDS if reports.get(k)],
        )
