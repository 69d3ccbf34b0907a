"""Opens a generated flight report in headless Chromium (Debian packages chromium + chromium-driver; this
test installs nothing) and checks what an officer sees: the flagged rows and their explanations."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from test_report_history import build_history

from screening.report import write_flight_report

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="headless Chromium is not installed at "
    "/usr/bin/chromium (apt-get install -y chromium chromium-driver; .ci/run does)",
)
Z303 = "ZZ303-IST-20261120"


def chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tmp_path / 'chromium-profile'}",
    ]
    return subprocess.run([str(CHROMIUM), *flags, *args], capture_output=True, text=True, timeout=90, check=True)


@pytest.fixture()
def report(tmp_path: Path) -> Path:
    return write_flight_report(Z303, build_history(tmp_path), tmp_path / "reports")


def test_browser_shows_flagged_travellers_with_explanations(report: Path, tmp_path: Path) -> None:
    dom = chromium(tmp_path, "--dump-dom", report.as_uri()).stdout
    assert 'data-traveller-ref="P002"' in dom and 'data-traveller-ref="P001"' in dom
    assert dom.index('data-traveller-ref="P002"') < dom.index('data-traveller-ref="P001"')  # CRITICAL first
    assert "DOC_REPORTED_LOST_STOLEN" in dom and "WATCHLIST_MATCH" in dom
    assert "Name, date of birth and document match WL-0001" in dom
    assert "KOWALENKO WIKTOR ~ KOVALENKO VIKTOR (transliteration)" in dom
    assert '<details id="unflagged">' in dom  # unflagged travellers collapsed


def test_browser_screenshot_of_report(report: Path, tmp_path: Path) -> None:
    shot = tmp_path / "flight_report.png"
    chromium(tmp_path, "--window-size=1200,1600", "--hide-scrollbars", f"--screenshot={shot}", report.as_uri())
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000
