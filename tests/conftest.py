"""Test-wide isolation: records and list-version caches go to a temporary directory.

``dualuse screen`` records every screening by default (``~/.local/share/dualuse``);
the tests must never write there, so ``DUALUSE_DB``, ``DUALUSE_CACHE_DIR`` and
``DUALUSE_MAPPINGS`` point into a per-session temporary directory.
"""

from __future__ import annotations

import os

# openpyxl writes its XML with lxml when lxml is installed (the yente test
# dependencies bring it) and with the standard library otherwise; the bytes
# differ. The committed XLSX fixtures are made with the standard library
# writer (tests/input/make_fixtures.py), so the tests use it too. Set before
# anything imports openpyxl.
os.environ.setdefault("OPENPYXL_LXML", "False")

import pytest  # noqa: E402


@pytest.fixture(autouse=True, scope="session")
def _isolated_records(tmp_path_factory):
    root = tmp_path_factory.mktemp("dualuse-records")
    saved = {name: os.environ.get(name) for name in ("DUALUSE_DB", "DUALUSE_CACHE_DIR", "DUALUSE_ACTOR", "DUALUSE_MAPPINGS", "DUALUSE_RUNS", "DUALUSE_ARTEFACTS")}
    os.environ["DUALUSE_DB"] = str(root / "records.db")
    os.environ["DUALUSE_MAPPINGS"] = str(root / "mappings")  # saved column mappings (dualuse inspect --mapping)
    os.environ["DUALUSE_CACHE_DIR"] = str(root / "versions")
    os.environ["DUALUSE_RUNS"] = str(root / "runs")  # batch runs without an output file (dualuse.batch.journal)
    os.environ["DUALUSE_ARTEFACTS"] = str(root / "artefacts")  # built indexes (dualuse.artefacts)
    os.environ["DUALUSE_ACTOR"] = "pytest"
    yield root
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


# --- the compliance database, on SQLite and on PostgreSQL ------------------------------

PG_ENV = "DUALUSE_TEST_PG"
PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def _pg_base() -> str:
    return os.environ.get(PG_ENV, PG_DEFAULT)


def _pg_reachable() -> str | None:
    """``None`` when PostgreSQL answers, else why not."""
    try:
        import psycopg
    except ImportError as error:  # pragma: no cover - psycopg is a dependency
        return f"psycopg is not installed ({error})"
    from sqlalchemy.engine import make_url

    url = make_url(_pg_base())
    try:
        with psycopg.connect(
            host=url.host or "127.0.0.1", port=url.port or 5432, user=url.username or "postgres", password=url.password, dbname=url.database or "postgres", connect_timeout=3
        ):
            return None
    except Exception as error:  # noqa: BLE001
        return f"no PostgreSQL server at {url.render_as_string(hide_password=True)} ({str(error).splitlines()[0]}); set {PG_ENV} or start one (.ci/run does)"


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    """A fresh, empty database URL: a SQLite file, or a new schema on the PostgreSQL server."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'records.db'}"
        return
    reason = _pg_reachable()
    if reason:
        pytest.skip(reason)
    import uuid

    import psycopg
    from sqlalchemy.engine import make_url

    schema = f"dualuse_test_{uuid.uuid4().hex[:12]}"
    url = make_url(_pg_base())
    params = dict(host=url.host or "127.0.0.1", port=url.port or 5432, user=url.username or "postgres", password=url.password, dbname=url.database or "postgres")
    with psycopg.connect(**params, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    yield url.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False)
    from dualuse.storage import db as storage_db

    storage_db.forget()
    with psycopg.connect(**params, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture
def db(db_url):
    """An opened, migrated :class:`~dualuse.storage.db.Database` on each backend."""
    from dualuse.storage.db import Database

    database = Database(db_url)
    yield database
    database.dispose()
