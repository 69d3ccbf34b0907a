# ruff: noqa: E501  (the role x route table is wider than a line)
"""Every role against every page and API route of the workspace: allowed (ok), hidden (404) or asked to
log in (login: 303 to /login for a page, 401 for the API). Out-of-scope manifests answer 404 too."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from test_web_support import Workspace, build_workspace, login_api

from screening.store.db import session_scope
from screening.store.models import FlagRecord, SanctionRecord

# Roles as columns: the user logged in for each (see test_web_support.USERS); "anonymous" has no session.
COLUMNS = {
    "officer": "olga",
    "liaisonZZ": "lena",
    "liaisonYY": "yuri",
    "analyst": "ana",
    "carrierZZ": "carl",
    "carrierYY": "yves",
    "admin": "adam",
    "anonymous": "",
}
TABLE = """
route                                  name                officer liaisonZZ liaisonYY analyst carrierZZ carrierYY admin anonymous
GET  /login                            login_form          ok      ok        ok        ok      ok        ok        ok    ok
POST /login                            login               ok      ok        ok        ok      ok        ok        ok    ok
POST /api/session                      api_session         ok      ok        ok        ok      ok        ok        ok    ok
POST /logout                           logout              ok      ok        ok        ok      ok        ok        ok    login
GET  /                                 home                ok      ok        ok        ok      ok        ok        ok    login
GET  /alerts                           alert_queue         ok      ok        ok        404     404       404       404   login
GET  /alerts/export.csv                alert_export        ok      ok        ok        404     404       404       404   login
GET  /alerts/{zz_alert}                alert_page          ok      ok        404       404     404       404       404   login
GET  /alerts/{yy_alert}                alert_page          ok      404       ok        404     404       404       404   login
POST /alerts/{zz_alert}/decision       alert_decide        ok      404       404       404     404       404       404   login
GET  /flights                          flight_list         ok      ok        ok        404     ok        ok        404   login
GET  /flights/{zz303}                  flight_page         ok      ok        404       404     ok        404       404   login
GET  /flights/{yy303}                  flight_page         ok      404       ok        404     404       ok        404   login
GET  /flights/NO-SUCH-MANIFEST         flight_page         404     404       404       404     404       404       404   login
POST /flights/{zz303}/notify           flight_notify       ok      ok        404       404     404       404       404   login
GET  /sanctions                        sanction_list       ok      ok        ok        404     ok        ok        404   login
POST /sanctions/{zz_sanction}/decision sanction_decide     ok      404       404       404     404       404       404   login
GET  /audit                            audit_log           ok      404       404       404     404       404       ok    login
GET  /trends                           trends_page         ok      404       404       ok      404       404       404   login
GET  /carriers/ZZ                      carrier_page        ok      ok        404       ok      ok        404       404   login
GET  /carriers/YY                      carrier_page        ok      404       ok        ok      404       ok        404   login
GET  /users                            user_list           404     404       404       404     404       404       ok    login
POST /users                            user_add            404     404       404       404     404       404       ok    login
GET  /api/alerts                       api_alerts          ok      ok        ok        404     404       404       404   login
GET  /api/manifests/{zz303}            api_manifest        ok      ok        404       404     ok        404       404   login
GET  /api/manifests/{yy303}            api_manifest        ok      404       ok        404     404       ok        404   login
POST /api/alerts/{zz_alert}/decision   api_alert_decision  ok      404       404       404     404       404       404   login
"""


def parse_table() -> list[dict[str, Any]]:
    lines = [line.split() for line in TABLE.strip().splitlines()]
    header, rows = lines[0], lines[1:]
    roles = header[2:]
    assert roles == list(COLUMNS)
    return [
        {"method": r[0], "path": r[1], "name": r[2], "expected": dict(zip(roles, r[3:], strict=True))} for r in rows
    ]


ROWS = parse_table()
CASES = [(row, role) for row in ROWS for role in COLUMNS]


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    return build_workspace(tmp_path_factory.mktemp("web_access"))


@pytest.fixture(scope="module")
def ids(workspace: Workspace) -> dict[str, str]:
    with session_scope(workspace.url) as session:

        def hit(carrier: str) -> str:
            flag = session.scalars(
                select(FlagRecord).where(FlagRecord.carrier == carrier, FlagRecord.rule_id == "WATCHLIST_MATCH")
            ).first()
            assert flag is not None
            return str(flag.id)

        sanction = session.scalars(
            select(SanctionRecord).where(SanctionRecord.carrier == "ZZ", SanctionRecord.status == "PROPOSED")
        ).first()
        assert sanction is not None
        return {
            "zz_alert": hit("ZZ"),
            "yy_alert": hit("YY"),
            "zz_sanction": sanction.sanction_id,
            "zz303": workspace.manifests["ZZ303"],
            "yy303": workspace.manifests["YY303"],
        }


@pytest.fixture(scope="module")
def logins(workspace: Workspace) -> dict[str, tuple[str, str]]:
    """One API login per user (argon2 is slow on purpose): user -> (session cookie, CSRF token)."""
    from screening.web.sessions import COOKIE

    found = {}
    for user in COLUMNS.values():
        if user:
            client = workspace.app()
            csrf = login_api(client, user)
            found[user] = (client.cookies[COOKIE], csrf)
    return found


def body_for(name: str, csrf: str, user: str) -> dict[str, Any]:
    """A valid request body for each state-changing route (so an allowed call succeeds)."""
    forms = {
        "login": {"name": user or "olga", "password": "correct horse battery"},
        "logout": {"csrf_token": csrf},
        "alert_decide": {"decision": "NEEDS_INFO", "note": "checking the passport copy", "csrf_token": csrf},
        "flight_notify": {"recipient_state": "NLD", "csrf_token": csrf},
        "sanction_decide": {"action": "confirm", "reason": "late transmission confirmed", "csrf_token": csrf},
        "user_add": {"name": "newbie", "role": "analyst", "password": "another long password", "csrf_token": csrf},
    }
    if name == "api_session":
        return {"json": {"name": user or "olga", "password": "correct horse battery"}}
    if name == "api_alert_decision":
        return {"json": {"decision": "NEEDS_INFO", "note": "asked the carrier"}, "headers": {"X-CSRF-Token": csrf}}
    return {"data": forms.get(name, {})}


def outcome(response: Any, path: str) -> str:
    if response.status_code == 404:
        return "404"
    if response.status_code == 401 and path.startswith("/api/"):
        return "login"
    if response.status_code == 303 and response.headers["location"].startswith("/login?next="):
        return "login"
    if response.status_code < 400:
        return "ok"
    return str(response.status_code)


@pytest.mark.parametrize(("row", "role"), CASES, ids=[f"{r['method']} {r['path']} as {role}" for r, role in CASES])
def test_role_route_table(
    workspace: Workspace, ids: dict[str, str], logins: dict[str, tuple[str, str]], row: dict[str, Any], role: str
) -> None:
    from screening.web.sessions import COOKIE

    client = workspace.app()
    user = COLUMNS[role]
    csrf = ""
    if user:
        cookie, csrf = logins[user]
        client.cookies.set(COOKIE, cookie)
    if row["name"] == "login":  # the form login needs the login form's token first
        from test_web_support import login_form

        got = "ok" if login_form(client, user or "olga") == 303 else "refused"
    else:
        path = row["path"].format(**ids)
        response = client.request(row["method"], path, **body_for(row["name"], csrf, user))
        got = outcome(response, path)
    assert got == row["expected"][role]


def test_every_route_of_the_app_is_in_the_table(workspace: Workspace) -> None:
    """A new route without a row here (and a rule in access.ROUTES) fails this test."""
    from screening.web.access import ROUTES

    app_routes = {getattr(r, "name", "") for r in workspace.app().app.routes}  # type: ignore[attr-defined]
    assert app_routes == {row["name"] for row in ROWS} == set(ROUTES)


def test_carrier_sees_only_its_own_flights(workspace: Workspace, tmp_path: Path) -> None:
    client = workspace.app()
    login_api(client, "carl")
    listing = client.get("/flights").text
    assert workspace.manifests["ZZ303"] in listing and workspace.manifests["YY303"] not in listing
    assert "Hits" not in listing
