"""The officer workspace: a FastAPI app with server-rendered Jinja2 pages and plain forms, over the same
store as the pipeline. Every route passes through `enforce` (login, role, CSRF), which asks
screening.web.access; data scope is asked of the same module inside each route."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from screening.errors import ScreeningError
from screening.store.db import session_scope, upgrade_database
from screening.store.repository import audit
from screening.web.access import HOME, PUBLIC, ROUTES, NotFound, Scope, route_allows
from screening.web.accounts import Account, LoginThrottled, load_account
from screening.web.sessions import COOKIE, SessionCodec, SessionData, SessionSettings, csrf_ok

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


class LoginRequired(Exception):
    pass


class CsrfRejected(Exception):
    pass


@dataclass
class WebConfig:
    database_url: str
    sessions: SessionSettings
    reports_dir: Path
    watchlists: list[Path] = field(default_factory=list)


@dataclass
class WebState:
    config: WebConfig
    codec: SessionCodec

    @contextmanager
    def db(self) -> Iterator[Session]:
        with session_scope(self.config.database_url) as session:
            yield session


@dataclass
class Caller:
    """The logged-in user of this request, with the scope of data they may see."""

    account: Account
    session: SessionData

    @property
    def scope(self) -> Scope:
        return Scope(self.account)

    @property
    def name(self) -> str:
        return self.account.name


def web_state(request: Request) -> WebState:
    return request.app.state.web


def caller(request: Request) -> Caller:
    found = getattr(request.state, "caller", None)
    if found is None:  # only public routes get here without one, and they do not ask
        raise LoginRequired()
    return found


def audit_event(
    db: Session, who: Caller | str, action: str, subject: str, detail: dict[str, Any] | None = None
) -> None:
    """Every view of personal data, decision, export and notification: one audit row per event."""
    actor = who if isinstance(who, str) else who.name
    audit(db, actor, action, subject, detail or {}, key=f"web|{uuid.uuid4().hex}")


async def enforce(request: Request) -> None:
    """The gate every route passes: the route must be in access.ROUTES, the caller logged in (unless the
    route is public), their role allowed, and a state-changing request must carry the session's CSRF token."""
    state = web_state(request)
    route = request.scope.get("route")
    name = getattr(route, "name", "")
    if name not in ROUTES:
        raise NotFound(name)
    session = state.codec.load(request.cookies.get(COOKIE))
    account = None
    if session is not None:
        account = await run_in_threadpool(_load_account, state, session.user)
    if account is not None and session is not None:
        request.state.caller = Caller(account, session)
    if ROUTES[name] is PUBLIC:
        return
    if account is None or session is None:
        raise LoginRequired()
    if not route_allows(name, account.role):
        raise NotFound(name)
    if request.method not in SAFE_METHODS:
        presented = request.headers.get("x-csrf-token")
        if presented is None and request.headers.get("content-type", "").startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")
        ):
            form = await request.form()
            value = form.get("csrf_token")
            presented = value if isinstance(value, str) else None
        if not csrf_ok(session, presented):
            raise CsrfRejected()


def _load_account(state: WebState, name: str) -> Account | None:
    with state.db() as db:
        return load_account(db, name)


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def create_app(config: WebConfig, *, migrate: bool = True) -> FastAPI:
    """The app over config.database_url; the schema is brought up to date and the given watchlists are
    snapshotted (so alerts can show the listed person as the entry was)."""
    from screening.web import api, pages

    if migrate:
        upgrade_database(config.database_url)
    state = WebState(config, SessionCodec(config.sessions))
    if config.watchlists:
        from screening.web.listed import remember_lists

        with state.db() as db:
            remember_lists(db, config.watchlists)
    app = FastAPI(
        title="Screening workspace", docs_url=None, redoc_url=None, openapi_url=None, dependencies=[Depends(enforce)]
    )
    app.state.web = state
    app.include_router(pages.router)
    app.include_router(api.router)
    names = {getattr(r, "name", "") for r in app.routes}
    missing = sorted(names - set(ROUTES))
    if missing:  # a route nobody decided access for must not exist
        raise RuntimeError(f"routes without an access rule in screening.web.access.ROUTES: {missing}")

    app.middleware("http")(_session_refresher(state))
    for error, page in _ERROR_PAGES.items():
        app.add_exception_handler(error, page)
    return app


def _session_refresher(state: WebState) -> Any:
    async def refresh_session(request: Request, call_next: Any) -> Response:
        """Sliding idle timeout: a request with a valid session re-signs its cookie; security headers."""
        response: Response = await call_next(request)
        found = getattr(request.state, "caller", None)
        if found is not None and COOKIE not in response.headers.get("set-cookie", ""):
            response.set_cookie(COOKIE, state.codec.dump(found.session), **state.codec.cookie_options())  # type: ignore[arg-type]
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("Cache-Control", "no-store")
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
            "form-action 'self'; frame-ancestors 'none'",
        )
        return response

    return refresh_session


async def _not_found(request: Request, _exc: Exception) -> Response:
    from screening.web import pages

    if _is_api(request):
        return JSONResponse({"detail": "not found"}, status_code=404)
    return pages.message_page(request, "Not found", "There is no such page or record.", 404)


async def _login_required(request: Request, _exc: Exception) -> Response:
    if _is_api(request):
        return JSONResponse(
            {"detail": "login required (POST /api/session)"},
            status_code=401,
            headers={"WWW-Authenticate": "Cookie"},
        )
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    from urllib.parse import quote

    response = RedirectResponse(f"/login?next={quote(target)}", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response


async def _csrf_rejected(request: Request, _exc: Exception) -> Response:
    from screening.web import pages

    if _is_api(request):
        return JSONResponse({"detail": "CSRF token missing or wrong (send X-CSRF-Token)"}, status_code=403)
    return pages.message_page(
        request,
        "Refused",
        "The form was stale or not sent by this workspace (CSRF check failed). Reload the page and try again.",
        403,
    )


async def _throttled(request: Request, exc: Exception) -> Response:
    from screening.web import pages

    if _is_api(request):
        return JSONResponse({"detail": str(exc)}, status_code=429)
    return pages.login_page(request, str(exc), 429)


async def _screening_error(request: Request, exc: Exception) -> Response:
    from screening.web import pages

    if _is_api(request):
        return JSONResponse({"detail": str(exc)}, status_code=400)
    return pages.message_page(request, "Not done", str(exc), 400)


# What the workspace answers for each refusal: JSON for /api/, a page otherwise. Starlette looks handlers
# up along the exception's class hierarchy, so the specific ones win over ScreeningError.
_ERROR_PAGES: dict[type[Exception], Any] = {
    NotFound: _not_found,
    LoginRequired: _login_required,
    CsrfRejected: _csrf_rejected,
    LoginThrottled: _throttled,
    ScreeningError: _screening_error,
}


def home_for(account: Account) -> str:
    return HOME.get(account.role, "/")
