"""Alembic migrations of the compliance store (run automatically by :class:`dualuse.storage.db.Database`)."""
