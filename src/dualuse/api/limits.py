"""Request-size limit (ASGI middleware) and error handlers that never leak stack traces.

:class:`BodyLimit` refuses a request whose body is larger than the limit
with ``413`` and a JSON ``detail`` naming the limit: at once when
``Content-Length`` says so, otherwise while the body streams in. Paths in
``large_paths`` (list updates) get a larger limit.

:func:`install_error_handlers` maps the services' errors to 4xx answers with
a ``detail`` message, and any unexpected error to ``500`` with a reference
id; the traceback goes to the server log only.
"""

from __future__ import annotations

import json
import logging
import uuid

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

log = logging.getLogger("dualuse.api")


class _TooLarge(Exception):
    pass


class BodyLimit:
    """ASGI middleware: at most ``max_bytes`` of request body (``large_bytes`` on ``large_paths``)."""

    def __init__(self, app, max_bytes: int, large_paths: tuple[str, ...] = (), large_bytes: int | None = None):
        self.app = app
        self.max_bytes = max_bytes
        self.large_paths = large_paths
        self.large_bytes = large_bytes or max_bytes

    def _limit(self, path: str) -> int:
        return self.large_bytes if any(path.startswith(p) for p in self.large_paths) else self.max_bytes

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self._limit(scope.get("path", ""))
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    await _send_json(send, 400, {"detail": "Content-Length is not a number"})
                    return
                if declared > limit:
                    await _send_json(send, 413, {"detail": f"request body of {declared} bytes is larger than the limit of {limit} bytes"})
                    return
        received = 0
        started = False

        async def limited_receive():
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise _TooLarge()
            return message

        async def tracking_send(message):
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except _TooLarge:
            if not started:
                await _send_json(send, 413, {"detail": f"request body is larger than the limit of {limit} bytes"})


async def _send_json(send, status: int, body: dict) -> None:
    payload = json.dumps(body).encode("utf-8")
    await send({"type": "http.response.start", "status": status, "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode())]})
    await send({"type": "http.response.body", "body": payload})


def install_error_handlers(app: FastAPI) -> None:
    """4xx for the services' own errors, 500 with a reference id for anything else."""
    from dualuse.service.alerts import ReviewError
    from dualuse.service.keys import ApiKeyError
    from dualuse.service.updates import UpdateError
    from dualuse.service.versions import VersionError
    from dualuse.storage.db import DatabaseError

    @app.exception_handler(ReviewError)
    async def _review(_: Request, error: ReviewError):
        return JSONResponse({"detail": str(error)}, status_code=error.status)

    @app.exception_handler(ApiKeyError)
    async def _keys(_: Request, error: ApiKeyError):
        return JSONResponse({"detail": str(error)}, status_code=error.status)

    @app.exception_handler(UpdateError)
    async def _update(_: Request, error: UpdateError):
        return JSONResponse({"detail": "the list update is invalid; nothing was changed", "problems": error.problems[:500]}, status_code=422)

    @app.exception_handler(VersionError)
    async def _version(_: Request, error: VersionError):
        return JSONResponse({"detail": str(error)}, status_code=404)

    @app.exception_handler(DatabaseError)
    async def _database(_: Request, error: DatabaseError):
        reference = uuid.uuid4().hex[:12]
        log.error("database error %s: %s", reference, error)
        return JSONResponse({"detail": f"the records database is not available (reference {reference})"}, status_code=503)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, error: Exception):
        reference = uuid.uuid4().hex[:12]
        log.exception("unexpected error %s on %s %s", reference, request.method, request.url.path)
        return JSONResponse({"detail": f"internal error (reference {reference}); the server log has the details"}, status_code=500)
