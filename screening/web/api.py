"""The JSON API under /api/ for partner systems and tests: the same views and checks as the pages.
Log in with POST /api/session (a session cookie comes back, with the CSRF token to send as X-CSRF-Token
on every state-changing call)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from screening.web import app as web
from screening.web.accounts import authenticate
from screening.web.alerts import alert_queue
from screening.web.pages import flight_data, queue_filter, record_decision
from screening.web.sessions import COOKIE

router = APIRouter(prefix="/api")


class Credentials(BaseModel):
    name: str = Field(max_length=128)
    password: str = Field(max_length=1024)


class DecisionIn(BaseModel):
    decision: str = Field(max_length=24)
    note: str = Field(max_length=4000)


@router.post("/session", name="api_session")
def api_session(request: Request, credentials: Credentials) -> JSONResponse:
    state = web.web_state(request)
    with state.db() as db:
        account = authenticate(db, credentials.name, credentials.password)
        if account is not None:
            web.audit_event(db, account.name, "login", account.name, {"via": "api"})
    if account is None:
        return JSONResponse({"detail": "wrong name or password"}, status_code=401)
    session = state.codec.new(account.name)
    response = JSONResponse(
        {
            "user": account.name,
            "role": account.role,
            "carriers": list(account.carriers),
            "csrf_token": session.csrf,
            "idle_timeout_seconds": state.codec.settings.idle_seconds,
        }
    )
    response.set_cookie(COOKIE, state.codec.dump(session), **state.codec.cookie_options())  # type: ignore[arg-type]
    return response


@router.get("/alerts", name="api_alerts")
def api_alerts(request: Request) -> dict[str, Any]:
    who = web.caller(request)
    filters = queue_filter(request)
    with web.web_state(request).db() as db:
        view = alert_queue(db, who.scope, filters)
        web.audit_event(db, who, "api_alerts", "alerts", {"filters": filters.__dict__, "shown": view["shown"]})
    return view


@router.get("/manifests/{manifest_id}", name="api_manifest")
def api_manifest(request: Request, manifest_id: str) -> dict[str, Any]:
    who = web.caller(request)
    with web.web_state(request).db() as db:
        view = flight_data(db, who, manifest_id)
        web.audit_event(db, who, "api_manifest", manifest_id, {"travellers_shown": len(view["flagged"])})
    return view


@router.post("/alerts/{alert_id}/decision", name="api_alert_decision")
def api_alert_decision(request: Request, alert_id: int, body: DecisionIn) -> dict[str, Any]:
    who = web.caller(request)
    with web.web_state(request).db() as db:
        record = record_decision(db, who, alert_id, body.decision, body.note)
        return {
            "alert_id": alert_id,
            "decision": record.decision,
            "note": record.note,
            "actor": record.actor,
            "decided_at": record.decided_at.isoformat(),
        }
