"""Request-size and JSON-depth limits (ASGI middleware), the per-key rate limit, and error handlers that
never leak stack traces.

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
import threading
import time
import uuid

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

log = logging.getLogger("dualuse.api")


class _TooLarge(Exception):
    pass


class RateLimiter:
    """At most ``per_minute`` requests per API key, as a token bucket (bursts up to ``per_minute``).

    :meth:`check` is called by the role check (:func:`dualuse.api.auth.require`) once the key is known;
    a key over its rate gets ``429 Too Many Requests`` with ``Retry-After`` (seconds). Thread-safe; the
    state is per process (each API worker counts on its own).
    """

    def __init__(self, per_minute: int):
        self.per_minute = per_minute
        self.rate = per_minute / 60.0
        self._buckets: dict[object, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def check(self, key: object) -> float | None:
        """``None`` when the request may go on, else the seconds to wait before the next one."""
        now = time.monotonic()
        with self._lock:
            tokens, last = self._buckets.get(key, (float(self.per_minute), now))
            tokens = min(float(self.per_minute), tokens + (now - last) * self.rate)
            if tokens < 1.0:
                self._buckets[key] = (tokens, now)
                return (1.0 - tokens) / self.rate
            self._buckets[key] = (tokens - 1.0, now)
            if len(self._buckets) > 100_000:  # forget idle keys (bounded memory)
                self._buckets = {k: v for k, v in self._buckets.items() if now - v[1] < 120}
            return None


class JsonBodyGuard:
    """ASGI middleware, the API's input boundary for JSON bodies: depth limit and text sanitising.

    A JSON body nested deeper than ``max_depth`` gets ``400`` (Python's JSON decoder recurses once per
    level: 100,000 ``[`` would exhaust its stack). A body whose text holds code points nothing downstream
    can store or write (lone surrogates as ``\\ud800``, control characters; see
    :mod:`dualuse.input.sanitise`) is passed on with them replaced by U+FFFD, and the answer carries
    ``X-Dualuse-Sanitised: <count>``. Bodies that are not valid JSON are passed on unchanged (the route
    answers 422).
    """

    def __init__(self, app, max_depth: int):
        self.app = app
        self.max_depth = max_depth

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope.get("method") not in ("POST", "PUT", "PATCH"):
            await self.app(scope, receive, send)
            return
        content_type = next((v for k, v in scope.get("headers", []) if k == b"content-type"), b"")
        if b"json" not in content_type.lower() or b"ndjson" in content_type.lower():
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunks.append(message.get("body", b""))
            more = message.get("more_body", False)
        body = b"".join(chunks)
        replaced = 0
        try:
            value = _loads(body)
        except RecursionError:
            await _send_json(send, 400, {"detail": f"the JSON body is nested more than {self.max_depth} levels deep"})
            return
        except ValueError:
            value = None  # not JSON: the route's own parser answers 422
        else:
            from dualuse.input.limits import json_depth
            from dualuse.input.sanitise import sanitise_value

            if json_depth(value) > self.max_depth:
                await _send_json(send, 400, {"detail": f"the JSON body is nested more than {self.max_depth} levels deep"})
                return
            value, replaced = sanitise_value(value)
            if replaced:
                body = json.dumps(value, ensure_ascii=False).encode("utf-8")
        sent = False

        async def replay():
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        async def marking_send(message):
            if replaced and message["type"] == "http.response.start":
                message = dict(message, headers=[*message.get("headers", []), (b"x-dualuse-sanitised", str(replaced).encode())])
            await send(message)

        await self.app(scope, replay, marking_send)


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


def _loads(body: bytes):
    """The body's JSON value: orjson first (several times faster); anything it refuses (nesting beyond
    its limit, lone surrogates, NaN, integers beyond 64 bits, not JSON) is read by the json module,
    whose answer - a value, ``ValueError`` or ``RecursionError`` - decides as it always did."""
    try:
        import orjson
    except ImportError:  # pragma: no cover - orjson is a dependency
        return json.loads(body)
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError:
        return json.loads(body)


async def _send_json(send, status: int, body: dict) -> None:
    payload = json.dumps(body).encode("utf-8")
    await send({"type": "http.response.start", "status": status, "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode())]})
    await send({"type": "http.response.body", "body": payload})


def safe_validation_errors(error: RequestValidationError) -> list[dict]:
    """The validation errors as JSON-safe dicts: ``loc``, ``msg`` and ``type`` only.

    FastAPI's own handler echoes the ``input``, which fails on a body that is not UTF-8 (the bytes cannot
    be encoded) and would repeat a hostile body back; the location and the message are what a client needs.
    """
    out = []
    for item in error.errors()[:50]:
        loc = [part if isinstance(part, int) else str(part)[:100] for part in item.get("loc", ())]
        out.append({"loc": loc, "msg": str(item.get("msg", ""))[:300], "type": str(item.get("type", ""))[:50]})
    return out


def install_error_handlers(app: FastAPI) -> None:
    """4xx for the services' own errors, 500 with a reference id for anything else."""
    from dualuse.service.alerts import ReviewError
    from dualuse.service.keys import ApiKeyError
    from dualuse.service.updates import UpdateError
    from dualuse.service.versions import VersionError
    from dualuse.storage.db import DatabaseError

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, error: RequestValidationError):
        return JSONResponse({"detail": safe_validation_errors(error)}, status_code=422)

    @app.exception_handler(OverflowError)
    async def _overflow(_: Request, error: OverflowError):
        return JSONResponse({"detail": "a number in the request is out of range"}, status_code=400)

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
