"""Sessions, CSRF and login throttling of the workspace."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from test_web_support import PASSWORD, Workspace, build_workspace, csrf_of, login_api, login_form

from screening.store.db import session_scope
from screening.store.models import AlertDecision, FlagRecord
from screening.web.accounts import LoginThrottled, authenticate, lock_for
from screening.web.sessions import COOKIE, SessionCodec, SessionData, SessionSettings


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    return build_workspace(tmp_path_factory.mktemp("web_security"))


@pytest.fixture(scope="module")
def alert_id(workspace: Workspace) -> int:
    with session_scope(workspace.url) as session:
        flag = session.scalars(
            select(FlagRecord).where(FlagRecord.rule_id == "WATCHLIST_MATCH", FlagRecord.carrier == "ZZ")
        ).first()
        assert flag is not None
        return flag.id


def decisions(workspace: Workspace) -> int:
    with session_scope(workspace.url) as session:
        return len(session.scalars(select(AlertDecision)).all())


def test_session_cookie_is_signed_httponly_samesite(workspace: Workspace) -> None:
    client = workspace.app()
    assert login_form(client, "olga") == 303
    cookie = client.get("/alerts").headers["set-cookie"]
    assert cookie.startswith(COOKIE + "=")
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Max-Age=1800" in cookie
    value = client.cookies[COOKIE]
    assert "olga" not in value or "." in value  # itsdangerous payload.timestamp.signature
    forged = workspace.app()
    forged.cookies.set(COOKIE, value[:-3] + ("AAA" if not value.endswith("AAA") else "BBB"))
    response = forged.get("/alerts")
    assert response.status_code == 303 and response.headers["location"].startswith("/login")


def test_form_without_or_with_a_wrong_csrf_token_is_refused(workspace: Workspace, alert_id: int) -> None:
    client = workspace.app()
    login_form(client, "olga")
    page = client.get(f"/alerts/{alert_id}")
    token = csrf_of(page.text)
    before = decisions(workspace)
    missing = client.post(f"/alerts/{alert_id}/decision", data={"decision": "TRUE_MATCH", "note": "x"})
    wrong = client.post(
        f"/alerts/{alert_id}/decision", data={"decision": "TRUE_MATCH", "note": "x", "csrf_token": token[::-1]}
    )
    assert missing.status_code == 403 and wrong.status_code == 403
    assert decisions(workspace) == before  # nothing recorded
    ok = client.post(
        f"/alerts/{alert_id}/decision",
        data={"decision": "NEEDS_INFO", "note": "asked for the passport copy", "csrf_token": token},
    )
    assert ok.status_code == 303 and decisions(workspace) == before + 1


def test_csrf_token_of_another_session_is_refused(workspace: Workspace, alert_id: int) -> None:
    first, second = workspace.app(), workspace.app()
    login_form(first, "olga")
    token_of_second = login_api(second, "olga")
    response = first.post(
        f"/alerts/{alert_id}/decision", data={"decision": "NEEDS_INFO", "note": "x", "csrf_token": token_of_second}
    )
    assert response.status_code == 403


def test_api_state_change_needs_the_csrf_header(workspace: Workspace, alert_id: int) -> None:
    client = workspace.app()
    token = login_api(client, "olga")
    body = {"decision": "NEEDS_INFO", "note": "waiting for the partner state"}
    assert client.post(f"/api/alerts/{alert_id}/decision", json=body).status_code == 403
    assert (
        client.post(f"/api/alerts/{alert_id}/decision", json=body, headers={"X-CSRF-Token": "nope"}).status_code == 403
    )
    answer = client.post(f"/api/alerts/{alert_id}/decision", json=body, headers={"X-CSRF-Token": token})
    assert answer.status_code == 200 and answer.json()["actor"] == "olga"


def test_logout_form_and_user_form_need_csrf(workspace: Workspace) -> None:
    client = workspace.app()
    login_form(client, "adam")
    assert (
        client.post(
            "/users", data={"name": "mallory", "role": "officer", "password": "a long enough password"}
        ).status_code
        == 403
    )
    assert client.post("/logout").status_code == 403


def test_login_form_needs_its_token(workspace: Workspace) -> None:
    """Login CSRF: a login posted from elsewhere (no token from our login page) is refused."""
    client = workspace.app()
    response = client.post("/login", data={"name": "olga", "password": PASSWORD, "login_token": "x", "next": ""})
    assert response.status_code == 403 and COOKIE not in client.cookies


def test_session_expires_after_the_idle_timeout(workspace: Workspace) -> None:
    client = workspace.app(idle_seconds=1)
    login_api(client, "olga")
    assert client.get("/api/alerts").status_code == 200
    time.sleep(2.2)
    assert client.get("/api/alerts").status_code == 401
    page = client.get("/alerts")
    assert page.status_code == 303 and page.headers["location"] == "/login?next=/alerts"


def test_activity_keeps_the_session_alive(workspace: Workspace) -> None:
    """The idle timeout slides: each request re-signs the cookie."""
    client = workspace.app(idle_seconds=2)
    login_api(client, "olga")
    for _ in range(3):
        time.sleep(1.0)
        assert client.get("/api/alerts").status_code == 200


def test_session_has_an_absolute_lifetime() -> None:
    codec = SessionCodec(SessionSettings("s" * 40, idle_seconds=3600, absolute_seconds=3600 * 12))
    fresh = codec.new("olga")
    assert codec.load(codec.dump(fresh)) == fresh
    old = SessionData("olga", "token", time.time() - 13 * 3600)
    assert codec.load(codec.dump(old)) is None
    other = SessionCodec(SessionSettings("t" * 40))
    assert other.load(codec.dump(fresh)) is None  # another secret: forged


def test_failed_logins_are_throttled_even_with_the_right_password(workspace: Workspace) -> None:
    client = workspace.app()
    for _ in range(5):
        assert client.post("/api/session", json={"name": "ana", "password": "wrong password"}).status_code == 401
    locked = client.post("/api/session", json={"name": "ana", "password": PASSWORD})
    assert locked.status_code == 429 and "too many failed logins" in locked.json()["detail"]
    assert login_form(workspace.app(), "ana") == 429
    with session_scope(workspace.url) as session:  # after the lock, the right password works again
        later = datetime.now(UTC) + timedelta(minutes=1)
        assert authenticate(session, "ana", PASSWORD, now=later) is not None


def test_unknown_names_are_throttled_like_known_ones(workspace: Workspace) -> None:
    with session_scope(workspace.url) as session:
        now = datetime.now(UTC)
        for _ in range(5):
            assert authenticate(session, "nobody-here", "guess", now=now) is None
        with pytest.raises(LoginThrottled):
            authenticate(session, "nobody-here", "guess", now=now)


def test_back_off_grows_and_is_capped() -> None:
    assert lock_for(4) is None
    assert lock_for(5) == timedelta(seconds=30)
    assert lock_for(6) == timedelta(seconds=60)
    assert lock_for(30) == timedelta(minutes=15)


def test_passwords_are_stored_as_argon2_hashes(workspace: Workspace) -> None:
    from screening.store.models import WebUser

    with session_scope(workspace.url) as session:
        user = session.get(WebUser, "olga")
        assert user is not None
        assert user.password_hash.startswith("$argon2id$") and PASSWORD not in user.password_hash


def test_wrong_password_page_does_not_say_which_part_was_wrong(workspace: Workspace) -> None:
    client = workspace.app()
    page = client.get("/login")
    token = page.text.split('name="login_token" value="')[1].split('"')[0]
    unknown = client.post("/login", data={"name": "ghost", "password": "x" * 12, "login_token": token})
    assert unknown.status_code == 401 and "Wrong name or password." in unknown.text
