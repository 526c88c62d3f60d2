"""The Alembic migrations create exactly the ORM's schema, idempotently, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from dualuse.storage.db import VERSION_TABLE, Database, DatabaseError, resolve_url
from dualuse.storage.models import Base


def test_migrated_schema_matches_the_models(db):
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"version_table": VERSION_TABLE})
        assert context.get_current_revision() == "0003"
        differences = compare_metadata(context, Base.metadata)
    assert differences == []
    assert {"audit_records", "alerts", "whitelist", "list_versions", "api_keys", "counterparties"} <= db.tables()


def test_opening_again_is_a_no_op(db_url):
    first = Database(db_url)
    second = Database(db_url)  # already at head: nothing to do
    with second.read() as session:
        from dualuse.storage.chain import count

        assert count(session) == 0
    first.dispose()
    second.dispose()


def test_urls_are_resolved_or_refused_clearly(tmp_path, monkeypatch):
    monkeypatch.delenv("DUALUSE_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert resolve_url(None) == f"sqlite:///{tmp_path}/dualuse/dualuse.db"
    assert resolve_url("records.db").startswith("sqlite:////")
    assert resolve_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    try:
        resolve_url("mysql://u@h/db")
    except DatabaseError as error:
        assert "expected a sqlite:// or postgresql:// URL" in str(error)
    else:  # pragma: no cover
        raise AssertionError("mysql accepted")
    try:
        Database("postgresql://nobody@127.0.0.1:1/none?connect_timeout=2")
    except DatabaseError as error:
        assert "cannot open or migrate the database" in str(error)
    else:  # pragma: no cover
        raise AssertionError("unreachable server accepted")
