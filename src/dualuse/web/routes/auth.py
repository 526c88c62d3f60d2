"""Sign in, sign out, and the language switch."""

from __future__ import annotations

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse

from dualuse import i18n
from dualuse.i18n import N_
from dualuse.service.users import sign_in, sign_out
from dualuse.web import PREFIX
from dualuse.web.context import LANG_COOKIE, LOGIN_CSRF_COOKIE, SESSION_COOKIE, check_csrf, lang_of, render, session, url

router = APIRouter()
ROLE_NAMES = (N_("screener"), N_("reviewer"), N_("admin"))


def _safe_next(target: str | None) -> str:
    """Only a path of this app (never another site) to go to after sign-in."""
    if target and target.startswith(PREFIX + "/") and not target.startswith("//") and "\\" not in target:
        return target
    return url()


@router.get("/login")
def login_page(request: Request, next: str | None = None):
    """The sign-in form (a signed-in user goes straight on)."""
    if session(request) is not None:
        return RedirectResponse(_safe_next(next), status_code=303)
    return render(request, "login.html", next=_safe_next(next), error=None)


@router.post("/login")
async def login(request: Request, username: str = Form(""), password: str = Form(""), next: str = Form("")):
    """Check the user name and password; start a session and set its cookie."""
    await check_csrf(request, None)
    started = sign_in(request.app.state.db, username, password, hours=request.app.state.session_hours)
    if started is None:
        message = i18n.gettext("Unknown user name or wrong password (or the user is disabled).", lang_of(request))
        return render(request, "login.html", status_code=401, next=_safe_next(next), error=message, username=username)
    token, live = started
    response = RedirectResponse(_safe_next(next), status_code=303)
    response.set_cookie(
        SESSION_COOKIE, token, max_age=int(request.app.state.session_hours * 3600), httponly=True, samesite="lax",
        secure=request.app.state.secure_cookies, path=PREFIX,
    )
    response.delete_cookie(LOGIN_CSRF_COOKIE, path=PREFIX)
    return response


@router.post("/logout")
async def logout(request: Request):
    """End the session (it stops working at once, also if the cookie were kept)."""
    live = session(request)
    await check_csrf(request, live)
    sign_out(request.app.state.db, request.cookies.get(SESSION_COOKIE))
    response = RedirectResponse(url("login"), status_code=303)
    response.delete_cookie(SESSION_COOKIE, path=PREFIX)
    return response


@router.get("/lang/{code}")
def switch_language(request: Request, code: str, next: str | None = None):
    """Remember the interface language (``zh``, ``en`` or ``ja``) in a cookie and go back."""
    chosen = i18n.normalise(code) or "en"
    response = RedirectResponse(_safe_next(next), status_code=303)
    response.set_cookie(LANG_COOKIE, chosen, max_age=365 * 86400, samesite="lax", secure=request.app.state.secure_cookies, path=PREFIX)
    return response
