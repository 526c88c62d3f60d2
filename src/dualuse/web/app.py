"""Build the web application and mount it on the API app.

:func:`mount` adds the sub-application at ``/app`` (and a redirect from
``/``). The sub-application has its own error pages (HTML in the user's
language, never a stack trace) and sets security headers on every answer:
a Content-Security-Policy without inline script or style, ``X-Frame-Options:
DENY``, ``X-Content-Type-Options: nosniff``, ``Referrer-Policy:
same-origin`` and ``Cache-Control: no-store`` on pages (records are
confidential).
"""

from __future__ import annotations

import logging
import uuid
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from dualuse import i18n
from dualuse.storage.db import Database
from dualuse.web import PREFIX
from dualuse.web.context import SignInRequired, WebError, lang_of, render, url
from dualuse.web.jobs import JobStore

STATIC = Path(__file__).resolve().parent / "static"
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}
log = logging.getLogger("dualuse.web")


def create_web(database: Database, secure_cookies: bool = False, session_hours: float = 8) -> FastAPI:
    """The web application bound to ``database`` (mount it at :data:`dualuse.web.PREFIX`).

    Args:
        secure_cookies: mark cookies ``Secure`` (serve behind HTTPS).
        session_hours: how long a session lasts after sign-in.
    """
    from dualuse.web.routes import audit, auth, dashboard, decisions, lists, review, screening

    web = FastAPI(title="dualuse web", docs_url=None, redoc_url=None, openapi_url=None)
    web.state.db = database
    web.state.secure_cookies = secure_cookies
    web.state.session_hours = session_hours
    web.state.jobs = JobStore(database)
    web.mount("/static", StaticFiles(directory=str(STATIC)), name="static")
    for module in (auth, dashboard, screening, decisions, review, lists, audit):
        web.include_router(module.router)

    @web.middleware("http")
    async def security_headers(request: Request, call_next):
        response = await call_next(request)
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        if not request.url.path.startswith(f"{PREFIX}/static"):
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    @web.exception_handler(SignInRequired)
    async def sign_in_first(request: Request, error: SignInRequired):
        if request.headers.get("hx-request"):
            response = render(request, "error.html", status_code=401, message=i18n.gettext("Your session has ended. Sign in again.", lang_of(request)))
            response.headers["HX-Redirect"] = url("login", next=error.next_url)
            return response
        return RedirectResponse(url("login", next=error.next_url), status_code=303)

    @web.exception_handler(WebError)
    async def web_error(request: Request, error: WebError):
        return render(request, "error.html", status_code=error.status, message=error.message)

    @web.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException):
        lang = lang_of(request)
        message = i18n.gettext("Page not found.", lang) if error.status_code == 404 else i18n.translate(str(error.detail), lang)
        return render(request, "error.html", status_code=error.status_code, message=message)

    @web.exception_handler(RequestValidationError)
    async def invalid_form(request: Request, error: RequestValidationError):
        from dualuse.api.limits import safe_validation_errors

        fields = ", ".join(str(e["loc"][-1]) for e in safe_validation_errors(error) if e["loc"])
        return render(request, "error.html", status_code=422, message=i18n.gettext("The form is incomplete or invalid: {fields}.", lang_of(request)).format(fields=fields))

    @web.exception_handler(OverflowError)
    async def out_of_range(request: Request, error: OverflowError):
        return render(request, "error.html", status_code=404, message=i18n.gettext("Page not found.", lang_of(request)))

    @web.exception_handler(Exception)
    async def unexpected(request: Request, error: Exception):
        reference = uuid.uuid4().hex[:12]
        log.exception("unexpected error %s on %s %s", reference, request.method, request.url.path)
        message = i18n.gettext("Something went wrong on the server (reference {ref}); nothing of this request was changed unless the page says so.", lang_of(request)).format(ref=reference)
        return render(request, "error.html", status_code=500, message=message)

    return web


def mount(app: FastAPI, database: Database, secure_cookies: bool = False) -> FastAPI:
    """Mount the web application on ``app`` at ``/app`` and redirect ``/`` to it; returns the web app."""
    web = create_web(database, secure_cookies=secure_cookies)
    app.mount(PREFIX, web, name="web")

    @app.get("/", include_in_schema=False)
    def root():
        return RedirectResponse(f"{PREFIX}/", status_code=307)

    return web
