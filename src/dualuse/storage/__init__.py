"""The compliance store: SQLAlchemy 2 models, Alembic migrations, the audit hash chain.

* :mod:`.db`      open a database from a URL (SQLite file by default, PostgreSQL
  for teams), run the migrations on first use, read/write sessions.
* :mod:`.models`  the tables.
* :mod:`.chain`   the append-only, hash-chained audit record and its verifier.

The services in :mod:`dualuse.service` build on these; nothing here knows
about screening rules.
"""

from dualuse.storage.db import Database, DatabaseError, open_database, resolve_url

__all__ = ["Database", "DatabaseError", "open_database", "resolve_url"]
