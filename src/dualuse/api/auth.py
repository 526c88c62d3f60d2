"""API-key authentication and role checks for every route.

A request carries its key in one of:

* ``Authorization: ApiKey <key>`` (the header yente and OpenSanctions clients send),
* ``Authorization: Bearer <key>``,
* ``X-API-Key: <key>``,
* the query parameter ``?api_key=<key>`` (what the OpenSanctions API accepts,
  and what Marble sends by default: ``repositories/opensanctions_repository.go``
  ``buildQueryString`` in checkmarble/marble-backend),
* ``Authorization: Basic base64(<user>:<key>)`` (Marble's ``basic`` mode, for
  yente behind a proxy): the password is the key, any user name is accepted;
  a Basic credential with an empty password uses the user name as the key.

A key in the header wins over the query parameter. Keys in a URL end up in
proxy and access logs: prefer a header where the client can send one.

``require("reviewer")`` is a FastAPI dependency that returns the key's
:class:`~dualuse.service.keys.KeyInfo`, or answers 401 (no key, unknown or
revoked key) or 403 (the key's role does not include the route's role).
"""

from __future__ import annotations

import base64
import binascii

from fastapi import Depends, HTTPException, Request
from fastapi.security import APIKeyHeader, APIKeyQuery, HTTPAuthorizationCredentials, HTTPBasic, HTTPBearer

from dualuse.service.keys import ROLES, KeyInfo, authenticate

_header = APIKeyHeader(name="X-API-Key", auto_error=False, description="An API key (`dualuse keys create --role R`).")
_bearer = HTTPBearer(auto_error=False, description="`Authorization: Bearer <key>` (or `Authorization: ApiKey <key>`).")
_query = APIKeyQuery(name="api_key", auto_error=False, description="`?api_key=<key>` (OpenSanctions API and Marble's default).")
class _BasicScheme(HTTPBasic):
    """HTTP Basic in the OpenAPI schema only: the credential is read by :func:`_key_from`, so a malformed one gets the usual 401."""

    async def __call__(self, request: Request) -> None:  # type: ignore[override]
        return None


_basic = _BasicScheme(scheme_name="HTTPBasic", auto_error=False, description="HTTP Basic: any user name, the key as password (Marble's `basic` mode).")
MISSING = "an API key is required (Authorization: ApiKey <key>, Authorization: Bearer <key>, X-API-Key, Basic auth with the key as password, or ?api_key=)"


def _basic_key(value: str) -> str | None:
    """The key in a Basic credential (the password, or the user name when the password is empty)."""
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return None
    user, _, password = decoded.partition(":")
    return (password or user).strip() or None


def _key_from(request: Request, header: str | None, bearer: HTTPAuthorizationCredentials | None, query: str | None) -> str | None:
    if header:
        return header.strip()
    if bearer is not None and bearer.credentials:
        return bearer.credentials.strip()
    raw = request.headers.get("authorization", "")
    scheme, _, value = raw.partition(" ")
    if scheme.lower() in ("apikey", "api-key", "token") and value.strip():
        return value.strip()
    if scheme.lower() == "basic" and value.strip():
        return _basic_key(value)
    if query and query.strip():
        return query.strip()
    return None


def require(role: str):
    """Dependency: the request's key must exist, be active, and include ``role``."""
    if role not in ROLES:  # pragma: no cover - programming error
        raise ValueError(f"unknown role {role!r}")

    def dependency(
        request: Request,
        header: str | None = Depends(_header),
        bearer: HTTPAuthorizationCredentials | None = Depends(_bearer),
        query: str | None = Depends(_query),
        basic=Depends(_basic),  # declared for the OpenAPI schema; read from the header above
    ) -> KeyInfo:
        key = _key_from(request, header, bearer, query)
        if not key:
            raise HTTPException(401, MISSING, headers={"WWW-Authenticate": "Bearer"})
        info = authenticate(request.app.state.db, key)
        if info is None:
            raise HTTPException(401, "unknown or revoked API key", headers={"WWW-Authenticate": "Bearer"})
        limiter = getattr(request.app.state, "rate", None)
        wait = limiter.check(info.id) if limiter is not None else None
        if wait is not None:
            raise HTTPException(429, f"too many requests for the key {info.prefix}…: at most {limiter.per_minute} a minute; "
                                f"try again in {max(1, round(wait))} s", headers={"Retry-After": str(max(1, round(wait)))})
        if not info.allows(role):
            raise HTTPException(403, f"this route needs the {role} role; the key {info.prefix}… has the {info.role} role")
        request.state.key = info
        return info

    dependency.__name__ = f"require_{role}"
    return dependency


screener = require("screener")
reviewer = require("reviewer")
admin = require("admin")
