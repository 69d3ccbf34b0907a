"""Server-rendered pages and plain forms. Each route reads through the caller's Scope (screening.web.access)
and audits every view of personal data, every decision, export and notification."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta
from functools import cache
from typing import Annotated, Any, cast
from urllib.parse import urlencode

import jinja2
from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import func, select

from screening.errors import InputError
from screening.report import queries as q
from screening.report.render import TEMPLATES_DIR, environment
from screening.resources import PACKAGE_DIR
from screening.store.models import FlagRecord, ManifestRecord, SanctionRecord
from screening.store.repository import query_audit
from screening.vocabulary import SANCTION_STATUSES
from screening.web import app as web
from screening.web.access import HIT_TYPES, NotFound, redact_flight, route_allows
from screening.web.accounts import ROLES, add_user, authenticate, list_users
from screening.web.alerts import STATUSES, QueueFilter, alert_detail, alert_queue
from screening.web.clearances import DECISIONS, alert_states, decide_alert
from screening.web.sessions import COOKIE, LOGIN_COOKIE

router = APIRouter()
WEB_TEMPLATES = PACKAGE_DIR / "web" / "templates"
SANCTION_ACTIONS = ("confirm", "appeal", "waive")
NAV = (
    ("alert_queue", "/alerts", "Alerts"),
    ("flight_list", "/flights", "Flights"),
    ("sanction_list", "/sanctions", "Sanctions"),
    ("trends_page", "/trends", "Trends"),
    ("audit_log", "/audit", "Audit log"),
    ("user_list", "/users", "Users"),
)


@cache
def templates() -> jinja2.Environment:
    """The report templates (so the flight, trend and carrier pages are the reports) plus the web ones."""
    base = environment()
    env = base.overlay(
        loader=jinja2.ChoiceLoader([jinja2.FileSystemLoader(WEB_TEMPLATES), jinja2.FileSystemLoader(TEMPLATES_DIR)])
    )
    return env


def page(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    found = getattr(request.state, "caller", None)
    nav = [(href, label) for name, href, label in NAV if found is not None and route_allows(name, found.account.role)]
    context.setdefault("generated_at", datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"))
    html = (
        templates()
        .get_template(template)
        .render(
            request_path=request.url.path,
            user=found.account if found else None,
            csrf=found.session.csrf if found else "",
            nav=nav,
            **context,
        )
    )
    return HTMLResponse(html, status_code=status_code)


def message_page(request: Request, title: str, message: str, status_code: int) -> HTMLResponse:
    return page(request, "web_message.html.j2", status_code, title=title, message=message)


def login_page(request: Request, error: str = "", status_code: int = 200, next_url: str = "") -> HTMLResponse:
    codec = web.web_state(request).codec
    cookie, token = codec.login_token()
    response = page(
        request,
        "web_login.html.j2",
        status_code,
        error=error,
        login_token=token,
        next_url=next_url or request.query_params.get("next", ""),
    )
    response.set_cookie(
        LOGIN_COOKIE, cookie, httponly=True, samesite="strict", path="/", secure=codec.settings.secure, max_age=15 * 60
    )
    return response


def _safe_next(target: str, fallback: str) -> str:
    return target if target.startswith("/") and not target.startswith("//") and "\\" not in target else fallback


@router.get("/login", name="login_form")
def login_form(request: Request) -> HTMLResponse:
    return login_page(request)


@router.post("/login", name="login")
def login(
    request: Request,
    name: Annotated[str, Form()],
    password: Annotated[str, Form()],
    login_token: Annotated[str, Form()] = "",
    next_url: Annotated[str, Form(alias="next")] = "",
) -> Response:
    state = web.web_state(request)
    if not state.codec.login_token_ok(request.cookies.get(LOGIN_COOKIE), login_token):
        return login_page(request, "The login form was stale; please log in again.", 403, next_url)
    with state.db() as db:
        account = authenticate(db, name, password)
        if account is not None:
            web.audit_event(db, account.name, "login", account.name, {"via": "form"})
    if account is None:
        return login_page(request, "Wrong name or password.", 401, next_url)
    response = RedirectResponse(_safe_next(next_url, web.home_for(account)), status_code=303)
    response.set_cookie(COOKIE, state.codec.dump(state.codec.new(account.name)), **state.codec.cookie_options())  # type: ignore[arg-type]
    response.delete_cookie(LOGIN_COOKIE, path="/")
    return response


@router.post("/logout", name="logout")
def logout(request: Request) -> Response:
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    request.state.caller = None  # no sliding refresh of a session just ended
    return response


@router.get("/", name="home")
def home(request: Request) -> Response:
    return RedirectResponse(web.home_for(web.caller(request).account), status_code=303)


def queue_filter(request: Request) -> QueueFilter:
    p = request.query_params
    status = p.get("status", "open")
    if status not in STATUSES:
        raise InputError(f"unknown status filter {status!r}: use one of {', '.join(STATUSES)}")
    for key in ("from", "to"):
        if p.get(key):
            try:
                date.fromisoformat(p[key])
            except ValueError:
                raise InputError(f"{key} must be a date YYYY-MM-DD") from None
    return QueueFilter(
        flight=p.get("flight", ""),
        carrier=p.get("carrier", ""),
        rule=p.get("rule", ""),
        date_from=p.get("from", ""),
        date_to=p.get("to", ""),
        status=status,
    )


@router.get("/alerts", name="alert_queue")
def alert_queue_page(request: Request) -> HTMLResponse:
    who = web.caller(request)
    filters = queue_filter(request)
    with web.web_state(request).db() as db:
        view = alert_queue(db, who.scope, filters)
        web.audit_event(db, who, "view_alert_queue", "alerts", {"filters": filters.__dict__, "shown": view["shown"]})
    export = "/alerts/export.csv?" + urlencode({k: v for k, v in request.query_params.items()})
    return page(request, "web_alerts.html.j2", **view, statuses=STATUSES, export_href=export)


@router.get("/alerts/export.csv", name="alert_export")
def alert_export(request: Request) -> Response:
    who = web.caller(request)
    filters = queue_filter(request)
    with web.web_state(request).db() as db:
        view = alert_queue(db, who.scope, filters, limit=100_000)
        web.audit_event(db, who, "export_alerts", "alerts", {"filters": filters.__dict__, "rows": view["shown"]})
    columns = [
        "alert_id",
        "manifest_id",
        "carrier",
        "flight_number",
        "scheduled_departure",
        "traveller_ref",
        "traveller_name",
        "rule_id",
        "severity",
        "score",
        "watchlist_entry_id",
        "list_name",
        "status",
    ]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, columns, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(view["alerts"])
    return Response(
        buffer.getvalue(), media_type="text/csv", headers={"Content-Disposition": 'attachment; filename="alerts.csv"'}
    )


@router.get("/alerts/{alert_id}", name="alert_page")
def alert_page(request: Request, alert_id: int) -> HTMLResponse:
    who = web.caller(request)
    with web.web_state(request).db() as db:
        view = alert_detail(db, who.scope, alert_id)
        web.audit_event(
            db, who, "view_alert", view["manifest_id"], {"alert_id": alert_id, "traveller_ref": view["traveller_ref"]}
        )
    can_decide = route_allows("alert_decide", who.account.role)
    return page(request, "web_alert.html.j2", a=view, decisions=DECISIONS, can_decide=can_decide)


@router.post("/alerts/{alert_id}/decision", name="alert_decide")
def alert_decide(
    request: Request, alert_id: int, decision: Annotated[str, Form()], note: Annotated[str, Form()] = ""
) -> Response:
    who = web.caller(request)
    with web.web_state(request).db() as db:
        record_decision(db, who, alert_id, decision, note)
    return RedirectResponse(f"/alerts/{alert_id}", status_code=303)


def record_decision(db: Any, who: web.Caller, alert_id: int, decision: str, note: str) -> Any:
    """Shared by the form and the API: scope check, decision, audit."""
    flag = who.scope.hit(db.get(FlagRecord, alert_id))
    who.scope.manifest(db, flag.manifest_id)
    record = decide_alert(db, flag, decision, note, who.name)
    web.audit_event(
        db,
        who,
        "alert_decision",
        flag.manifest_id,
        {
            "alert_id": alert_id,
            "traveller_ref": flag.traveller_ref,
            "decision": record.decision,
            "watchlist_entry_id": flag.watchlist_entry_id,
        },
    )
    return record


@router.get("/flights", name="flight_list")
def flight_list(request: Request) -> HTMLResponse:
    who = web.caller(request)
    scope = who.scope
    with web.web_state(request).db() as db:
        query = select(ManifestRecord).order_by(ManifestRecord.scheduled_departure.desc()).limit(300)
        if scope.carriers is not None:
            query = query.where(ManifestRecord.carrier.in_(sorted(scope.carriers)))
        manifests = list(db.scalars(query))
        counts: dict[str, dict[str, int]] = {}
        if manifests:
            flag_query = (
                select(FlagRecord.manifest_id, FlagRecord.flag_type, FlagRecord.rule_id, func.count())
                .join(ManifestRecord, ManifestRecord.manifest_id == FlagRecord.manifest_id)
                .where(
                    FlagRecord.rules_version == ManifestRecord.rules_version,
                    FlagRecord.manifest_id.in_([m.manifest_id for m in manifests]),
                )
                .group_by(FlagRecord.manifest_id, FlagRecord.flag_type, FlagRecord.rule_id)
            )
            for manifest_id, flag_type, rule_id, n in db.execute(flag_query):
                kind = "hits" if (flag_type in HIT_TYPES or rule_id in q.HIT_RULES) else "breaches"
                counts.setdefault(manifest_id, {"hits": 0, "breaches": 0})[kind] += n
    rows = [
        {
            "manifest_id": m.manifest_id,
            "carrier": m.carrier,
            "flight_number": m.flight_number,
            "route": f"{m.departure_airport or '?'} → {m.arrival_airport or '?'}",
            "scheduled_departure": m.scheduled_departure or "",
            "travellers": m.travellers_in,
            "breaches": counts.get(m.manifest_id, {}).get("breaches", 0),
            "hits": counts.get(m.manifest_id, {}).get("hits", 0) if scope.sees_hits else None,
        }
        for m in manifests
    ]
    return page(request, "web_flights.html.j2", flights=rows, sees_hits=scope.sees_hits)


def flight_data(db: Any, who: web.Caller, manifest_id: str) -> dict[str, Any]:
    """The flight report's view for this caller (hits removed for a carrier) plus each hit's alert status."""
    from screening.report.flight import flight_view

    manifest = who.scope.manifest(db, manifest_id)
    view = redact_flight(flight_view(db, manifest_id), who.scope)
    alerts: list[dict[str, Any]] = []
    if who.scope.sees_hits:
        hits = [f for f in q.current_flags(db, [manifest]) if q.is_hit(f)]
        for state in alert_states(db, hits):
            decision = state.decision
            alerts.append(
                {
                    "alert_id": state.flag.id,
                    "traveller_ref": state.flag.traveller_ref,
                    "rule_id": state.flag.rule_id,
                    "score": state.flag.score,
                    "watchlist_entry_id": state.flag.watchlist_entry_id,
                    "status": state.status,
                    "decided_by": decision.actor if decision else "",
                    "decided_at": decision.decided_at.strftime("%Y-%m-%d %H:%M UTC") if decision else "",
                    "note": decision.note if decision else "",
                }
            )
    view["alerts"] = alerts
    return view


@router.get("/flights/{manifest_id}", name="flight_page")
def flight_page(request: Request, manifest_id: str) -> HTMLResponse:
    who = web.caller(request)
    with web.web_state(request).db() as db:
        view = flight_data(db, who, manifest_id)
        web.audit_event(db, who, "view_flight", manifest_id, {"travellers_shown": len(view["flagged"])})
    return page(
        request,
        "web_flight.html.j2",
        **view,
        sees_hits=who.scope.sees_hits,
        can_notify=route_allows("flight_notify", who.account.role),
        notice=request.query_params.get("done", ""),
    )


@router.post("/flights/{manifest_id}/notify", name="flight_notify")
def flight_notify(request: Request, manifest_id: str, recipient_state: Annotated[str, Form()]) -> Response:
    from screening.report.notify import write_notification

    who = web.caller(request)
    state = web.web_state(request)
    with state.db() as db:
        who.scope.manifest(db, manifest_id)
    path = write_notification(
        state.config.database_url, manifest_id, recipient_state, state.config.reports_dir, actor=who.name
    )
    done = urlencode({"done": f"notification for {recipient_state.upper()} written: {path.name}"})
    return RedirectResponse(f"/flights/{manifest_id}?{done}", status_code=303)


@router.get("/sanctions", name="sanction_list")
def sanction_list(request: Request) -> HTMLResponse:
    from screening.sanction_decisions import decisions_for_manifests

    who = web.caller(request)
    status = request.query_params.get("status", "")
    with web.web_state(request).db() as db:
        query = select(SanctionRecord).order_by(SanctionRecord.updated_at.desc(), SanctionRecord.sanction_id)
        if who.scope.carriers is not None:
            query = query.where(SanctionRecord.carrier.in_(sorted(who.scope.carriers)))
        if status:
            query = query.where(SanctionRecord.status == status.upper())
        rows = list(db.scalars(query.limit(500)))
        latest = decisions_for_manifests(db, sorted({s.manifest_id for s in rows}))
        sanctions = [
            {
                "sanction_id": s.sanction_id,
                "manifest_id": s.manifest_id,
                "carrier": s.carrier,
                "flight_number": s.flight_number,
                "traveller_ref": s.traveller_ref,
                "rule_id": s.rule_id,
                "framework": s.framework,
                "amount": s.amount,
                "currency": s.currency,
                "status": s.status,
                "explanation": s.explanation,
                "decision": _sanction_decision(latest.get(s.sanction_id)),
            }
            for s in rows
        ]
        web.audit_event(db, who, "view_sanctions", "sanctions", {"shown": len(sanctions)})
    return page(
        request,
        "web_sanctions.html.j2",
        sanctions=sanctions,
        status=status,
        statuses=SANCTION_STATUSES,
        can_decide=route_allows("sanction_decide", who.account.role),
        actions=SANCTION_ACTIONS,
        notice=request.query_params.get("done", ""),
    )


def _sanction_decision(record: Any) -> str:
    if record is None:
        return ""
    return f"{record.action} by {record.actor}, {record.at:%Y-%m-%d %H:%M} UTC: {record.reason}"


@router.post("/sanctions/{sanction_id}/decision", name="sanction_decide")
def sanction_decide(
    request: Request, sanction_id: str, action: Annotated[str, Form()], reason: Annotated[str, Form()] = ""
) -> Response:
    from screening.sanction_decisions import Action, decide_sanction

    who = web.caller(request)
    if action not in SANCTION_ACTIONS:
        raise InputError(f"unknown action {action!r}: use one of {', '.join(SANCTION_ACTIONS)}")
    with web.web_state(request).db() as db:
        sanction = db.get(SanctionRecord, sanction_id)
        if sanction is None or not who.scope.carrier_ok(sanction.carrier):
            raise NotFound(sanction_id)
        decide_sanction(db, sanction_id, cast(Action, action), reason, who.name)
    done = urlencode({"done": f"{sanction_id}: {action} recorded"})
    return RedirectResponse(f"/sanctions?{done}", status_code=303)


@router.get("/audit", name="audit_log")
def audit_log(request: Request) -> HTMLResponse:
    p = request.query_params
    since = None
    if p.get("since"):
        try:
            since = datetime.fromisoformat(p["since"]).replace(tzinfo=UTC)
        except ValueError:
            raise InputError("since must be a date or time, YYYY-MM-DD[THH:MM]") from None
    with web.web_state(request).db() as db:
        events = [
            {
                "at": e.at.strftime("%Y-%m-%d %H:%M:%S"),
                "actor": e.actor,
                "action": e.action,
                "subject": e.subject,
                "detail": e.detail,
            }
            for e in query_audit(db, since, p.get("actor") or None, p.get("manifest") or None, 500)
        ]
    return page(
        request,
        "web_audit.html.j2",
        events=events,
        since=p.get("since", ""),
        actor=p.get("actor", ""),
        manifest=p.get("manifest", ""),
    )


def _period(request: Request, default_days: int) -> q.Period:
    p = request.query_params
    try:
        last = date.fromisoformat(p["to"]) if p.get("to") else datetime.now(UTC).date()
        first = date.fromisoformat(p["from"]) if p.get("from") else last - timedelta(days=default_days - 1)
    except ValueError:
        raise InputError("from and to must be dates YYYY-MM-DD") from None
    return q.Period.from_dates(first, last)


@router.get("/trends", name="trends_page")
def trends_page(request: Request) -> HTMLResponse:
    from screening.report.trends import trends_view

    period = _period(request, 90)
    carrier = request.query_params.get("carrier") or None
    with web.web_state(request).db() as db:
        view = trends_view(db, period, request.query_params.get("bucket") or None, carrier)
    return page(request, "web_trends.html.j2", **view, first=period.first_day, last=period.last_day)


@router.get("/carriers/{carrier}", name="carrier_page")
def carrier_page(request: Request, carrier: str) -> HTMLResponse:
    from screening.report.carrier import carrier_view

    who = web.caller(request)
    carrier = carrier.upper()
    who.scope.require_carrier(carrier)
    period = _period(request, 30)
    with web.web_state(request).db() as db:
        try:
            view = carrier_view(db, carrier, period)
        except InputError:
            raise NotFound(carrier) from None
    for row in view["current"]["flight_rows"]:
        row["href"] = f"/flights/{row['manifest_id']}" if who.scope.sees_manifests else ""
    return page(request, "web_carrier.html.j2", **view, first=period.first_day, last=period.last_day)


@router.get("/users", name="user_list")
def user_list(request: Request) -> HTMLResponse:
    with web.web_state(request).db() as db:
        users = list_users(db)
    return page(request, "web_users.html.j2", users=users, roles=ROLES, notice=request.query_params.get("done", ""))


@router.post("/users", name="user_add")
def user_add(
    request: Request,
    name: Annotated[str, Form()],
    role: Annotated[str, Form()],
    password: Annotated[str, Form()],
    carriers: Annotated[str, Form()] = "",
) -> Response:
    who = web.caller(request)
    with web.web_state(request).db() as db:
        account = add_user(db, name.strip(), role, carriers.replace(",", " ").split(), password)
        web.audit_event(db, who, "user_add", account.name, {"role": account.role, "carriers": list(account.carriers)})
    return RedirectResponse("/users?" + urlencode({"done": f"user {account.name} saved"}), status_code=303)
