"""The live list version of a SQLite records database, read without SQLAlchemy (start-up of every command).

Every command reads the live list version of an existing records database
(``dualuse.cli.app``). Opening the database through SQLAlchemy and checking
its migrations costs about half a second of CPU before anything else is
done, so for a plain SQLite file the two rows that say which version is live
are read with the standard library's :mod:`sqlite3`, read-only. Whenever
that is not conclusive (another database, no baseline version yet, the
version's files not yet written to the cache directory, an unreadable file),
:func:`live_directory` says so and the caller takes the full path
(:func:`dualuse.service.versions.current` and ``materialize``).
"""

from __future__ import annotations

import json
import os
import sqlite3
from importlib import resources
from pathlib import Path

DB_ENV = "DUALUSE_DB"
CACHE_ENV = "DUALUSE_CACHE_DIR"
CURRENT_KEY = "current_version"


def cache_root() -> Path:
    """Where version files are written for screening (``$DUALUSE_CACHE_DIR``, else ``$XDG_CACHE_HOME/dualuse/versions``)."""
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV]).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "dualuse" / "versions"


def packaged_version() -> str:
    """The version string of the data shipped in the package."""
    return json.loads(resources.files("dualuse").joinpath("data", "manifest.json").read_text(encoding="utf-8"))["version"]


def default_sqlite_path() -> Path:
    """``$XDG_DATA_HOME/dualuse/dualuse.db`` (``~/.local/share/dualuse/dualuse.db``): the records database
    when ``$DUALUSE_DB`` names none (here, free of SQLAlchemy, for :mod:`dualuse.storage.db` and this module)."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "dualuse" / "dualuse.db"


def sqlite_path(url: str | None = None) -> Path | None:
    """The SQLite file ``url`` (else ``$DUALUSE_DB``, else the default) names; ``None`` for any other database URL
    (a server, in-memory SQLite, a URL with options: ask :mod:`dualuse.storage.db`)."""
    raw = (url or os.environ.get(DB_ENV) or "").strip()
    if not raw:
        return default_sqlite_path()
    if "://" not in raw:
        return Path(raw).expanduser().resolve()
    if raw.startswith("sqlite:///") and "?" not in raw and raw != "sqlite:///:memory:":
        return Path(raw[len("sqlite:///") :])
    return None


def live_directory() -> tuple[bool, Path | None]:
    """``(known, directory)`` of the live list version, from a SQLite file.

    Returns:
        ``(True, None)``: no database file exists, or the live version is the
        packaged data; ``(True, path)``: the live version's files are in
        ``path``; ``(False, None)``: not decided here (use the full path).
    """
    path = sqlite_path()
    if path is None:
        return False, None
    if not path.is_file():
        return True, None
    try:
        connection = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=5)
    except (sqlite3.Error, ValueError):
        return False, None
    try:
        row = connection.execute("SELECT value FROM settings WHERE key = ?", (CURRENT_KEY,)).fetchone()
        found = connection.execute("SELECT version FROM list_versions WHERE seq = ?", (int(row[0]),)).fetchone() if row else None
    except (sqlite3.Error, ValueError):
        return False, None
    finally:
        connection.close()
    if found is None:
        return False, None
    version = str(found[0])
    if version == packaged_version():
        return True, None
    target = cache_root() / version.replace("/", "_")
    try:
        manifest = json.loads((target / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False, None
    return (True, target) if manifest.get("version") == version else (False, None)
