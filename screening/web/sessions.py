"""Signed session cookies and CSRF tokens. The cookie holds only the user name, a CSRF token and when the
session started; it is signed (itsdangerous), HttpOnly, SameSite=Strict, and expires after an idle
timeout (re-signed on every request) and in any case after an absolute lifetime."""

from __future__ import annotations

import hmac
import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

COOKIE = "screening_session"
LOGIN_COOKIE = "screening_login"
IDLE_MINUTES = 30
ABSOLUTE_HOURS = 12
LOGIN_FORM_SECONDS = 15 * 60


@dataclass(frozen=True)
class SessionSettings:
    secret: str
    idle_seconds: int = IDLE_MINUTES * 60
    absolute_seconds: int = ABSOLUTE_HOURS * 3600
    secure: bool = False  # set behind an HTTPS reverse proxy (SCREENING_WEB_SECURE_COOKIES=1)


@dataclass(frozen=True)
class SessionData:
    user: str
    csrf: str
    started: float


def session_settings(data_dir: Path) -> SessionSettings:
    """SCREENING_WEB_SECRET, else a random secret kept in <data dir>/web_secret (mode 0600), so sessions
    survive a restart; SCREENING_WEB_SESSION_MINUTES sets the idle timeout."""
    from screening.config import load_settings

    settings = load_settings()
    secret = settings.web_secret.get_secret_value() if settings.web_secret else ""
    if not secret:
        path = data_dir / "web_secret"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_urlsafe(48))
        secret = path.read_text().strip()
    return SessionSettings(
        secret=secret, idle_seconds=settings.web_session_minutes * 60, secure=settings.web_secure_cookies
    )


class SessionCodec:
    def __init__(self, settings: SessionSettings):
        self.settings = settings
        self._session = URLSafeTimedSerializer(settings.secret, salt="screening-session")
        self._login = URLSafeTimedSerializer(settings.secret, salt="screening-login-form")

    def new(self, user: str) -> SessionData:
        return SessionData(user=user, csrf=secrets.token_urlsafe(32), started=time.time())

    def dump(self, data: SessionData) -> str:
        return self._session.dumps({"u": data.user, "c": data.csrf, "s": data.started})

    def load(self, token: str | None, now: float | None = None) -> SessionData | None:
        """The session, or None when the cookie is missing, forged, idle too long or too old."""
        if not token:
            return None
        try:
            raw = self._session.loads(token, max_age=self.settings.idle_seconds)
        except (SignatureExpired, BadSignature):
            return None
        if not isinstance(raw, dict) or not {"u", "c", "s"} <= raw.keys():
            return None
        data = SessionData(user=str(raw["u"]), csrf=str(raw["c"]), started=float(raw["s"]))
        if (now or time.time()) - data.started > self.settings.absolute_seconds:
            return None
        return data

    def login_token(self) -> tuple[str, str]:
        """(cookie value, form value) for the login form: a double-submit token against login CSRF."""
        nonce = secrets.token_urlsafe(24)
        return nonce, self._login.dumps(nonce)

    def login_token_ok(self, cookie: str | None, form: str | None) -> bool:
        if not cookie or not form:
            return False
        try:
            nonce = self._login.loads(form, max_age=LOGIN_FORM_SECONDS)
        except (SignatureExpired, BadSignature):
            return False
        return isinstance(nonce, str) and hmac.compare_digest(nonce, cookie)

    def cookie_options(self) -> dict[str, object]:
        return {
            "httponly": True,
            "samesite": "strict",
            "secure": self.settings.secure,
            "path": "/",
            "max_age": self.settings.idle_seconds,
        }


def csrf_ok(session: SessionData, presented: str | None) -> bool:
    return bool(presented) and hmac.compare_digest(session.csrf, presented or "")
