"""The workspace in a real browser: headless Chromium (Debian packages chromium + chromium-driver, driven by
Selenium; this test installs nothing). An officer logs in, clears a false positive, the same manifest is
screened again through the library, and the officer sees the alert as cleared; then a carrier's staff
member logs in and finds no watchlist or registry hit anywhere. SCREENING_WEB_SCREENSHOTS=DIR keeps the
screenshots."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from test_web_support import PASSWORD, WATCHLIST, Z303, Workspace, build_workspace, screen

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
pytestmark = pytest.mark.skipif(
    not (CHROMIUM.exists() and CHROMEDRIVER.exists()),
    reason="headless Chromium is not installed at /usr/bin/chromium and /usr/bin/chromedriver "
    "(apt-get install -y chromium chromium-driver; .ci/run does)",
)
webdriver = pytest.importorskip("selenium.webdriver", reason="selenium not installed (pip install -e '.[dev]')")
HIDDEN_FROM_CARRIERS = (
    "WATCHLIST_MATCH",
    "DOC_REPORTED_LOST_STOLEN",
    "WL-0001",
    "NATIONAL-SAMPLE",
    "KOVALENKO",
    "TERRORISM",
    "NX12345K7",
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture()
def workspace(tmp_path: Path) -> Workspace:
    return build_workspace(tmp_path)


@pytest.fixture()
def server(workspace: Workspace) -> Iterator[str]:
    import uvicorn

    from screening.web import WebConfig, create_app
    from screening.web.sessions import SessionSettings

    app = create_app(
        WebConfig(workspace.url, SessionSettings("browser-test-" + "s" * 40), workspace.tmp / "reports", [WATCHLIST])
    )
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(100):
        if server.started:
            break
        time.sleep(0.1)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture()
def browser(tmp_path: Path) -> Iterator[Any]:
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1300,1100",
        f"--user-data-dir={tmp_path / 'chromium-profile'}",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    driver.implicitly_wait(5)
    yield driver
    driver.quit()


def screenshot(driver: Any, tmp_path: Path, name: str) -> None:
    path = tmp_path / f"{name}.png"
    driver.save_screenshot(str(path))
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    keep = os.environ.get("SCREENING_WEB_SCREENSHOTS")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(keep) / path.name)


def log_in(driver: Any, base: str, name: str) -> None:
    from selenium.webdriver.common.by import By

    driver.get(base + "/login")
    driver.find_element(By.ID, "name").send_keys(name)
    driver.find_element(By.ID, "password").send_keys(PASSWORD)
    driver.find_element(By.ID, "login-submit").click()
    wait_for(driver, lambda d: "/login" not in d.current_url)


def wait_for(driver: Any, condition: Any) -> None:
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, 15).until(lambda d: condition(d))


def text_of(driver: Any, element_id: str) -> str:
    from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException, WebDriverException
    from selenium.webdriver.common.by import By

    try:
        return str(driver.find_element(By.ID, element_id).text)
    except (NoSuchElementException, StaleElementReferenceException, WebDriverException):
        return ""


def kovalenko_row(driver: Any) -> Any:
    from selenium.webdriver.common.by import By

    rows = [r for r in driver.find_elements(By.CSS_SELECTOR, "#alerts tbody tr[data-alert-id]") if "WL-0001" in r.text]
    return rows[0] if rows else None


def test_officer_clears_a_false_positive_and_sees_it_cleared_after_a_rescreen(
    workspace: Workspace, server: str, browser: Any, tmp_path: Path
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    log_in(browser, server, "olga")
    assert browser.current_url.endswith("/alerts")
    row = kovalenko_row(browser)
    assert row is not None and row.get_attribute("data-status") == "OPEN"
    first_id = row.get_attribute("data-alert-id")
    screenshot(browser, tmp_path, "web_alert_queue")
    row.find_element(By.CSS_SELECTOR, "a[href^='/alerts/']").click()
    compare = browser.find_element(By.ID, "compare").text
    assert "KOWALENKO" in compare and "VIKTOR ANDRIIOVYCH KOVALENKO" in compare and "FT1234567" in compare
    assert "VIKTOR KOWALENKO" in compare  # an alias of the listed person
    assert "name" in browser.find_element(By.ID, "parts").text
    screenshot(browser, tmp_path, "web_alert_page")
    Select(browser.find_element(By.ID, "decision")).select_by_value("FALSE_POSITIVE")
    browser.find_element(By.ID, "note").send_keys("Different person: date of birth on passport copy differs")
    browser.find_element(By.ID, "decide-submit").click()
    wait_for(browser, lambda d: text_of(d, "alert-status") == "CLEARED")

    screen([Z303], workspace.url, tmp_path / "rescreen")  # the same manifest again, through the library

    browser.get(server + "/alerts")
    assert kovalenko_row(browser) is None  # not a new open alert
    browser.get(server + "/alerts?status=all")
    row = kovalenko_row(browser)
    assert row is not None and row.get_attribute("data-status") == "CLEARED"
    assert row.get_attribute("data-alert-id") != first_id  # a new flag row of the new screening
    assert "olga" in row.text
    screenshot(browser, tmp_path, "web_alert_queue_cleared")
    row.find_element(By.CSS_SELECTOR, "a[href^='/alerts/']").click()
    box = browser.find_element(By.ID, "decision-box").text
    assert "Cleared" in box and "olga" in box and "Different person" in box
    screenshot(browser, tmp_path, "web_alert_page_cleared")

    browser.find_element(By.CSS_SELECTOR, "nav.web button").click()  # log out
    wait_for(browser, lambda d: "/login" in d.current_url)
    log_in(browser, server, "carl")
    assert browser.current_url.endswith("/flights")
    links = [a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, "#flights a")]
    pages = [browser.page_source]
    for href in dict.fromkeys(links):
        browser.get(href)
        pages.append(browser.page_source)
    for path in ("/sanctions", "/alerts", "/alerts?status=all", "/api/alerts", "/trends", "/audit"):
        browser.get(server + path)
        pages.append(browser.page_source)
    browser.get(server + "/flights/" + workspace.manifests["ZZ303"])
    assert "Flagged travellers" in browser.page_source
    pages.append(browser.page_source)
    screenshot(browser, tmp_path, "web_carrier_flight")
    assert len(pages) > 6
    for source in pages:
        for secret in HIDDEN_FROM_CARRIERS:
            assert secret not in source.upper(), secret
