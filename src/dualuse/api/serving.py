"""``dualuse serve --workers N``: the API in N uvicorn worker processes.

uvicorn starts each worker as a fresh process (spawn) and calls
:func:`app_from_environment` there: the settings travel in the environment
variable :data:`SETTINGS_ENV` (JSON), each worker opens the same records
database (SQLite in WAL mode or PostgreSQL: the database serialises the
writers, the audit chain is appended under its lock) and loads the live
list version's screener and catalogue search from the artefact cache
(:mod:`dualuse.artefacts`, memory-mapped: the workers share the index
pages). :func:`prepare` builds those artefacts once in the supervising
process before the workers start, so N workers do not build them N times.
Nothing is rebuilt per request: a worker keeps its screener until the live
version changes.
"""

from __future__ import annotations

import json
import os

SETTINGS_ENV = "DUALUSE_SERVE_SETTINGS"


def settings_env(db_url: str, max_body: int, max_batch: int, secure_cookies: bool) -> str:
    """The JSON the workers read (see :func:`app_from_environment`)."""
    return json.dumps({"db": db_url, "max_body": max_body, "max_batch": max_batch, "secure_cookies": secure_cookies})


def prepare(database) -> None:
    """Build (or check) the cached artefacts of the live version in this process, before workers start.

    Args:
        database: the records :class:`~dualuse.storage.db.Database`.
    """
    from dualuse.classification.search import cached_search
    from dualuse.service import versions
    from dualuse.service.screening import live_screener

    info, _ = live_screener(database)
    cached_search(versions.materialize(database, info))


def app_from_environment():
    """The FastAPI application of one worker, configured from :data:`SETTINGS_ENV` (a uvicorn factory).

    Raises:
        RuntimeError: the variable is missing (the worker was not started by ``dualuse serve``).
    """
    from dualuse.api.app import ApiSettings, create_app

    raw = os.environ.get(SETTINGS_ENV)
    if not raw:
        raise RuntimeError(f"{SETTINGS_ENV} is not set: start the workers with `dualuse serve --workers N`")
    spec = json.loads(raw)
    settings = ApiSettings(max_body_bytes=int(spec["max_body"]), max_batch=int(spec["max_batch"]))
    app = create_app(spec["db"], settings, secure_cookies=bool(spec["secure_cookies"]))

    @app.on_event("startup")
    def _load_live_version() -> None:  # the first request does not pay for loading the screener
        from dualuse.service.screening import live_screener

        live_screener(app.state.db)

    return app
