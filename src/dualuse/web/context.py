"""Per-request context of the web application: who is signed in, their role, CSRF, language, rendering.

* The session cookie :data:`SESSION_COOKIE` is HttpOnly, SameSite=Lax,
  ``Secure`` when the app was built with ``secure_cookies`` (behind HTTPS);
  its value is checked against ``web_sessions`` (:mod:`dualuse.service.users`)
  on every request, so signing out or disabling a user ends it at once.
* Every POST carries the session's CSRF token (form field ``csrf_token`` or
  header ``X-CSRF-Token``, which htmx sends from the ``<body hx-headers>``);
  the sign-in form, before a session exists, uses a double-submit cookie.
* A role that may not do something gets neither the link/button (templates
  ask :func:`can`) nor the route (:func:`user_with` answers 403).
* The language is the cookie :data:`LANG_COOKIE`, else the browser's
  ``Accept-Language``, else English.
"""

from __future__ import annotations

import hmac
import secrets
from pathlib import Path
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from dualuse import __version__, i18n
from dualuse.service.users import SessionInfo, session_of
from dualuse.web import PREFIX, charts, formatting

SESSION_COOKIE = "dualuse_session"
LANG_COOKIE = "dualuse_lang"
LOGIN_CSRF_COOKIE = "dualuse_login_csrf"
TEMPLATES = Path(__file__).resolve().parent / "templates"

_env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(["html", "svg"]), trim_blocks=True, lstrip_blocks=True)


class SignInRequired(Exception):
    """Raised by :func:`user_with` when nobody is signed in; answered with a redirect to the sign-in page."""

    def __init__(self, next_url: str):
        self.next_url = next_url


class WebError(Exception):
    """An error page: ``status`` and a message already in the user's language."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def lang_of(request: Request) -> str:
    """The user's language: the cookie, else ``Accept-Language``, else ``en``."""
    chosen = i18n.normalise(request.cookies.get(LANG_COOKIE))
    if chosen:
        return chosen
    for part in request.headers.get("accept-language", "").split(","):
        code = i18n.normalise(part.split(";")[0].strip())
        if code:
            return code
    return "en"


def session(request: Request) -> SessionInfo | None:
    """The live session of the request's cookie (cached on the request)."""
    if not hasattr(request.state, "web_session"):
        request.state.web_session = session_of(request.app.state.db, request.cookies.get(SESSION_COOKIE))
    return request.state.web_session


def user_with(request: Request, role: str) -> SessionInfo:
    """The signed-in session, whose user must have ``role``.

    Raises:
        SignInRequired: nobody signed in (or the session ended / expired).
        WebError: 403 when the user's role does not include ``role``.
    """
    live = session(request)
    if live is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise SignInRequired(target)
    if not live.user.allows(role):
        with i18n.using(lang_of(request)):
            raise WebError(403, i18n._("This needs the {role} role; you are signed in as {user} ({user_role}).").format(
                role=i18n._(role), user=live.user.username, user_role=i18n._(live.user.role)))
    return live


async def check_csrf(request: Request, live: SessionInfo | None) -> None:
    """Refuse (403) a POST whose CSRF token does not match the session's (or, before sign-in, the sign-in cookie's).

    Raises:
        WebError: 403 with a message in the user's language.
    """
    sent = request.headers.get("x-csrf-token")
    if not sent:
        form = await request.form()
        value = form.get("csrf_token")
        sent = value if isinstance(value, str) else None
    expected = live.csrf_token if live is not None else request.cookies.get(LOGIN_CSRF_COOKIE)
    if not sent or not expected or not hmac.compare_digest(sent, expected):
        with i18n.using(lang_of(request)):
            raise WebError(403, i18n._("The form has expired or did not come from this site (CSRF check failed). Reload the page and try again."))


def can(live: SessionInfo | None, role: str) -> bool:
    """True when the signed-in user has ``role`` (templates hide what a role may not do)."""
    return live is not None and live.user.allows(role)


def url(path: str = "", **query) -> str:
    """A URL of the web app: ``url("decisions", verdict="REVIEW")`` -> ``/app/decisions?verdict=REVIEW``."""
    base = f"{PREFIX}/{path.lstrip('/')}" if path else f"{PREFIX}/"
    pairs = [(k, v) for k, v in query.items() if v not in (None, "")]
    if pairs:
        base += "?" + "&".join(f"{quote(str(k))}={quote(str(v))}" for k, v in pairs)
    return base


def _show_value(value) -> str:
    from dualuse.input.errors import MISSING, show_value

    return "" if value is MISSING else show_value(value)


def _globals() -> dict:
    """Functions every template (and imported macro) uses; they read the language set by :func:`render`."""
    current = i18n.current
    return {
        "url": url,
        "_": i18n.gettext,
        "translate": i18n.translate,
        "citation": i18n.citation,
        "fmt_date": lambda v: formatting.date(v, current()),
        "fmt_time": lambda v: formatting.timestamp(v, current()),
        "fmt_num": lambda v, digits=0: formatting.number(v, current(), digits),
        "fmt_pct": lambda v: formatting.percent(v, current()),
        "charts": charts,
        "q": lambda text: quote(str(text), safe=""),
        "show_value": _show_value,
    }


def render(request: Request, template: str, status_code: int = 200, **context) -> HTMLResponse:
    """Render ``template`` in the user's language with the common context (user, CSRF token, formatters)."""
    lang = lang_of(request)
    live = session(request)
    login_csrf = None
    if live is None:
        login_csrf = request.cookies.get(LOGIN_CSRF_COOKIE) or secrets.token_urlsafe(32)
    if not _env.globals.get("fmt_date"):
        _env.globals.update(_globals())
    with i18n.using(lang):
        html = _env.get_template(template).render(
            request=request,
            lang=lang,
            languages=i18n.LANGUAGE_NAMES,
            live=live,
            user=live.user if live else None,
            csrf_token=live.csrf_token if live else login_csrf,
            can=lambda role: can(live, role),
            version=__version__,
            **context,
        )
    response = HTMLResponse(html, status_code=status_code)
    if login_csrf and not request.cookies.get(LOGIN_CSRF_COOKIE):
        response.set_cookie(LOGIN_CSRF_COOKIE, login_csrf, httponly=True, samesite="lax", secure=request.app.state.secure_cookies, path=PREFIX)
    return response
