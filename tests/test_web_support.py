"""Shared by the workspace tests (no tests here): a store screened by the real pipeline from the samples,
plus a copy of the watchlist flight under carrier YY (for out-of-scope checks), one user per role, and
helpers to log in through the form or the API."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from screening.pipeline import ScreeningContext, load_context, screen_files
from screening.store.db import session_scope
from screening.web import WebConfig, create_app
from screening.web.accounts import add_user
from screening.web.sessions import SessionSettings

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "data" / "samples"
WATCHLIST = SAMPLES / "lists" / "watchlist.csv"
REGISTRY = SAMPLES / "lists" / "lost_stolen_documents.csv"
Z303 = SAMPLES / "manifest_watchlist_ZZ303.csv"
PASSWORD = "correct horse battery"
# name -> (role, carriers)
USERS = {
    "olga": ("officer", []),
    "lena": ("liaison", ["ZZ"]),
    "yuri": ("liaison", ["YY"]),
    "ana": ("analyst", []),
    "carl": ("carrier", ["ZZ"]),
    "yves": ("carrier", ["YY"]),
    "adam": ("admin", []),
}


def rewrite_manifest(source: Path, target: Path, **changes: str) -> Path:
    """A copy of a manifest CSV with some columns set on every row (e.g. carrier, flight_number)."""
    with source.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        row.update(changes)
    with target.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return target


def context(watchlist: Path = WATCHLIST) -> ScreeningContext:
    return load_context([watchlist], [REGISTRY], REPO / "rules")


def screen(paths: list[Path], url: str, out: Path, ctx: ScreeningContext | None = None) -> None:
    """The library's own screen path, storing into the database at url."""
    screen_files(paths, ctx or context(), out, database_url=url)


@dataclass
class Workspace:
    url: str
    tmp: Path
    manifests: dict[str, str]  # short name -> manifest_id
    apps: dict[tuple[int, tuple[Path, ...]], Any] = field(default_factory=dict)

    def app(self, idle_seconds: int = 1800, watchlists: list[Path] | None = None) -> TestClient:
        """A fresh client (no cookies) on an app built once per settings."""
        lists = tuple(watchlists if watchlists is not None else [WATCHLIST])
        key = (idle_seconds, lists)
        if key not in self.apps:
            config = WebConfig(
                self.url,
                SessionSettings("test-secret-" + "x" * 40, idle_seconds=idle_seconds),
                self.tmp / "reports",
                list(lists),
            )
            self.apps[key] = create_app(config)
        return TestClient(self.apps[key], follow_redirects=False)


def build_workspace(tmp: Path) -> Workspace:
    """Screen the sample manifests plus a YY copy of the watchlist flight; add one user per role."""
    url = f"sqlite:///{tmp / 'screening.db'}"
    yy = rewrite_manifest(Z303, tmp / "manifest_YY303.csv", carrier="YY")
    screen([*sorted(SAMPLES.glob("*.csv")), yy], url, tmp / "out")
    with session_scope(url) as session:
        for name, (role, carriers) in USERS.items():
            add_user(session, name, role, carriers, PASSWORD)
        from screening.store.models import ManifestRecord

        ids = {m.carrier + m.flight_number: m.manifest_id for m in session.query(ManifestRecord)}
    return Workspace(url, tmp, ids)


def login_form(client: TestClient, name: str, password: str = PASSWORD) -> int:
    page = client.get("/login")
    token = re.search(r'name="login_token" value="([^"]+)"', page.text)
    assert token is not None
    response = client.post(
        "/login", data={"name": name, "password": password, "login_token": token.group(1), "next": ""}
    )
    return response.status_code


def login_api(client: TestClient, name: str, password: str = PASSWORD) -> str:
    response = client.post("/api/session", json={"name": name, "password": password})
    assert response.status_code == 200, response.text
    return str(response.json()["csrf_token"])


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found is not None, "no CSRF field on the page"
    return found.group(1)


def alert_ids(html: str) -> list[tuple[str, str]]:
    return re.findall(r'data-alert-id="(\d+)" data-status="(\w+)"', html)
