"""Open the compliance database: URL resolution, engine, sessions, migrations.

Where the records go (first that applies):

1. the ``url`` argument (``--db`` on the command line);
2. the environment variable ``DUALUSE_DB``;
3. a SQLite file in the user's data directory:
   ``$XDG_DATA_HOME/dualuse/dualuse.db`` (default ``~/.local/share/dualuse/dualuse.db``).

A URL may be a SQLAlchemy URL (``sqlite:///records.db``,
``postgresql://user@host/db`` - the psycopg 3 driver is used) or a plain file
path, read as a SQLite file. The schema is created and migrated (Alembic)
automatically the first time a database is opened by this version.

Writes that append to the audit chain run in a serialising transaction:
``BEGIN IMMEDIATE`` on SQLite, a row lock on the chain head on PostgreSQL.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, event, inspect
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.engine.url import URL
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session, sessionmaker

ENV_VAR = "DUALUSE_DB"
VERSION_TABLE = "dualuse_alembic_version"
MIGRATIONS = Path(__file__).resolve().parent / "migrations"


class DatabaseError(RuntimeError):
    """The database URL is malformed, or the database cannot be opened or migrated."""


def default_sqlite_path() -> Path:
    """``$XDG_DATA_HOME/dualuse/dualuse.db`` (``~/.local/share/dualuse/dualuse.db``)."""
    from dualuse.service.live import default_sqlite_path as default  # stdlib only: no import cycle

    return default()


def resolve_url(url: str | None = None) -> str:
    """The database URL to use: the argument, ``$DUALUSE_DB`` or the default SQLite file.

    Plain paths become ``sqlite:///<absolute path>``; ``postgresql://`` and
    ``postgres://`` select the psycopg 3 driver.

    Raises:
        DatabaseError: the URL cannot be parsed.
    """
    raw = (url or os.environ.get(ENV_VAR) or "").strip()
    if not raw:
        return f"sqlite:///{default_sqlite_path()}"
    if "://" not in raw:
        return f"sqlite:///{Path(raw).expanduser().resolve()}"
    for prefix in ("postgresql://", "postgres://"):
        if raw.startswith(prefix):
            raw = "postgresql+psycopg://" + raw[len(prefix):]
    try:
        parsed = make_url(raw)
    except ArgumentError as error:
        raise DatabaseError(f"database URL {raw!r} cannot be parsed ({error}); expected e.g. sqlite:///records.db or postgresql://user@host/db") from None
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise DatabaseError(f"database URL {raw!r}: expected a sqlite:// or postgresql:// URL")
    if parsed.get_backend_name() == "postgresql" and parsed.get_driver_name() == "psycopg":
        try:
            import psycopg  # noqa: F401
        except ImportError:
            raise DatabaseError(
                "a PostgreSQL records database needs the psycopg driver: pip install 'dualuse[postgres]'"
            ) from None
    return raw


def display_url(url: str) -> str:
    """The URL without its password, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


def sqlite_file(url: str) -> Path | None:
    """The file of a SQLite URL (``None`` for other databases or in-memory SQLite)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def exists(url: str | None = None) -> bool:
    """True when the database can hold records already: a SQLite file that exists, or any server URL."""
    resolved = resolve_url(url)
    path = sqlite_file(resolved)
    if path is None:
        return not resolved.startswith("sqlite")
    return path.is_file()


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record):  # pragma: no cover - exercised through every SQLite test
        dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN itself (below)
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        if engine.url.database and engine.url.database != ":memory:":
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection):
        immediate = connection.get_execution_options().get("dualuse_write", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


class Database:
    """An opened (and migrated) compliance database.

    Args:
        url: see :func:`resolve_url`.
        migrate: create or upgrade the schema when needed (default True).

    Raises:
        DatabaseError: the URL is invalid or the database cannot be reached.
    """

    def __init__(self, url: str | None = None, migrate: bool = True):
        self.url = resolve_url(url)
        self.dialect = make_url(self.url).get_backend_name()
        path = sqlite_file(self.url)
        if path is not None:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise DatabaseError(f"cannot create the directory of {path} ({error.strerror or error})") from None
        kwargs: dict = {}
        if self.dialect == "sqlite":
            kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
        else:
            kwargs["pool_pre_ping"] = True
            if "connect_timeout" not in make_url(self.url).query:
                kwargs["connect_args"] = {"connect_timeout": 10}
        self.engine = create_engine(self.url, **kwargs)
        if self.dialect == "sqlite":
            _configure_sqlite(self.engine)
        self._write_engine = self.engine.execution_options(dualuse_write=True)
        self._read = sessionmaker(self.engine, expire_on_commit=False)
        self._write = sessionmaker(self._write_engine, expire_on_commit=False)
        if migrate:
            self.migrate()

    def __repr__(self) -> str:
        return f"Database({display_url(self.url)!r})"

    @property
    def label(self) -> str:
        """The URL without password, for messages."""
        return display_url(self.url)

    def migrate(self) -> None:
        """Create or upgrade the schema to the newest migration (idempotent).

        Raises:
            DatabaseError: the database cannot be reached or migrated.
        """
        from sqlalchemy.exc import SQLAlchemyError

        if self.dialect == "sqlite":  # the usual case, an up-to-date file: no alembic import (start-up CPU)
            try:
                with self._write_engine.connect() as connection:
                    rows = connection.exec_driver_sql(f"SELECT version_num FROM {VERSION_TABLE}").fetchall()
                    connection.rollback()
                if len(rows) == 1 and rows[0][0] == migrations_head():
                    return
            except SQLAlchemyError:
                pass  # a new file, or no version table yet: migrate below
        from alembic import command
        from alembic.config import Config
        from alembic.runtime.migration import MigrationContext
        from alembic.script import ScriptDirectory

        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        config.set_main_option("version_table", VERSION_TABLE)
        head = ScriptDirectory.from_config(config).get_current_head()
        try:
            with _MIGRATION_LOCK, self._write_engine.connect() as connection:
                if self.dialect == "postgresql":  # one migrating process at a time
                    connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_PG_MIGRATION_LOCK_ID})")
                current = MigrationContext.configure(connection, opts={"version_table": VERSION_TABLE}).get_current_revision()
                if current == head:
                    connection.rollback()
                    return
                config.attributes["connection"] = connection
                command.upgrade(config, "head")
                connection.commit()
        except SQLAlchemyError as error:
            raise DatabaseError(f"cannot open or migrate the database {self.label}: {error.__class__.__name__}: {str(error).splitlines()[0]}") from None

    def tables(self) -> set[str]:
        """Names of the tables present (for tests and diagnostics)."""
        return set(inspect(self.engine).get_table_names())

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for reading (rolled back at the end)."""
        session = self._read()
        try:
            yield session
        finally:
            session.rollback()
            session.close()

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A serialising write transaction: committed on success, rolled back on any error."""
        session = self._write()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()


def migrations_head() -> str | None:
    """The head revision of the migrations, read once per content of the migration files (:mod:`dualuse.artefacts`)."""
    from dualuse.artefacts import cached, digest_parts

    def head() -> str | None:
        from alembic.config import Config
        from alembic.script import ScriptDirectory

        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        return ScriptDirectory.from_config(config).get_current_head()

    files = sorted(p for p in MIGRATIONS.rglob("*.py") if "__pycache__" not in p.parts)
    return cached("migrations-head", digest_parts(part for p in files for part in (str(p.relative_to(MIGRATIONS)), p.read_bytes())), head)


_MIGRATION_LOCK = threading.Lock()
_PG_MIGRATION_LOCK_ID = 7423010126
_OPEN: dict[str, Database] = {}
_OPEN_LOCK = threading.Lock()


def open_database(url: str | None = None) -> Database:
    """The :class:`Database` for ``url`` (one per URL and process, migrated on first use)."""
    resolved = resolve_url(url)
    with _OPEN_LOCK:
        found = _OPEN.get(resolved)
        if found is None:
            found = _OPEN[resolved] = Database(resolved)
        return found


def forget(url: str | None = None) -> None:
    """Drop the cached :class:`Database` for ``url`` (all when ``None``) and close its connections."""
    with _OPEN_LOCK:
        keys = list(_OPEN) if url is None else [resolve_url(url)]
        for key in keys:
            db = _OPEN.pop(key, None)
            if db is not None:
                db.dispose()


__all__ = ["Database", "DatabaseError", "URL", "default_sqlite_path", "display_url", "exists", "forget", "open_database", "resolve_url"]
