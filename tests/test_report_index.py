"""The index lists the newest reports of each kind, by title, and ignores half-written temp files."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from screening.report import index


def report(folder: Path, name: str, title: str, mtime: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(f"<html><head><title>{title}</title></head></html>", encoding="utf-8")
    os.utime(path, (mtime, mtime))


def test_index_lists_newest_first_and_skips_temp_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for i in range(4):
        report(tmp_path / "flights", f"F{i}.html", f"Flight F{i} &amp; co", 1_800_000_000 + i)
    report(tmp_path / "flights", ".F9.html.tmp123", "half written", 1_900_000_000)
    report(tmp_path / "carriers", "ZZ.html", "Carrier ZZ", 1_800_000_000)
    monkeypatch.setattr(index, "LATEST", 3)
    html = index.refresh_index(tmp_path).read_text(encoding="utf-8")
    assert html.index("flights/F3.html") < html.index("flights/F2.html") < html.index("flights/F1.html")
    assert "flights/F0.html" not in html and "half written" not in html
    assert "Flight F3 &amp; co" in html and "carriers/ZZ.html" in html
    assert "Trend reports" not in html  # no empty sections
