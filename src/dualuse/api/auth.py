"""API-key authentication and role checks for every route.

A request carries its key in one of:

* ``Authorization: ApiKey <key>`` (the header yente and OpenSanctions clients send),
* ``Authorization: Bearer <key>``,
* ``X-API-Key: <key>``.

``require("reviewer")`` is a FastAPI dependency that returns the key's
:class:`~dualuse.service.keys.KeyInfo`, or answers 401 (no key, unknown or
revoked key) or 403 (the key's role does not include the route's role).
"""

from __future__ import annotations

from fastapi import Depends, HTTPException, Request
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from dualuse.service.keys import ROLES, KeyInfo, authenticate

_header = APIKeyHeader(name="X-API-Key", auto_error=False, description="An API key (`dualuse keys create --role R`).")
_bearer = HTTPBearer(auto_error=False, description="`Authorization: Bearer <key>` (or `Authorization: ApiKey <key>`).")


def _key_from(request: Request, header: str | None, bearer: HTTPAuthorizationCredentials | None) -> str | None:
    if header:
        return header.strip()
    if bearer is not None and bearer.credentials:
        return bearer.credentials.strip()
    raw = request.headers.get("authorization", "")
    scheme, _, value = raw.partition(" ")
    if scheme.lower() in ("apikey", "api-key", "token") and value.strip():
        return value.strip()
    return None


def require(role: str):
    """Dependency: the request's key must exist, be active, and include ``role``."""
    if role not in ROLES:  # pragma: no cover - programming error
        raise ValueError(f"unknown role {role!r}")

    def dependency(
        request: Request,
        header: str | None = Depends(_header),
        bearer: HTTPAuthorizationCredentials | None = Depends(_bearer),
    ) -> KeyInfo:
        key = _key_from(request, header, bearer)
        if not key:
            raise HTTPException(401, "an API key is required (Authorization: ApiKey <key>, Authorization: Bearer <key> or X-API-Key)", headers={"WWW-Authenticate": "Bearer"})
        info = authenticate(request.app.state.db, key)
        if info is None:
            raise HTTPException(401, "unknown or revoked API key", headers={"WWW-Authenticate": "Bearer"})
        if not info.allows(role):
            raise HTTPException(403, f"this route needs the {role} role; the key {info.prefix}… has the {info.role} role")
        request.state.key = info
        return info

    dependency.__name__ = f"require_{role}"
    return dependency


screener = require("screener")
reviewer = require("reviewer")
admin = require("admin")
