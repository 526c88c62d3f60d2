"""Options and helpers shared by the commands that use the compliance database."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING

import typer

from dualuse.cli.common import check_choice, err_console, fail

if TYPE_CHECKING:
    from dualuse.storage.db import Database

# dualuse.storage.db (SQLAlchemy) is imported by open_db only: a command that keeps no record does not load it

DB_HELP = (
    "Database URL or SQLite file for the records (default: $DUALUSE_DB, else ~/.local/share/dualuse/dualuse.db); "
    "e.g. postgresql://user@host/dualuse."
)
ACTOR_HELP = "Who is acting, for the records (default: $DUALUSE_ACTOR, else the operating-system user)."


def db_option():
    """The ``--db`` option (also read from ``$DUALUSE_DB``)."""
    return typer.Option(None, "--db", envvar="DUALUSE_DB", help=DB_HELP, show_envvar=False)


def actor_option():
    """The ``--actor`` option (also read from ``$DUALUSE_ACTOR``)."""
    return typer.Option(None, "--actor", envvar="DUALUSE_ACTOR", help=ACTOR_HELP, show_envvar=False)


def table_or_json_option():
    """The ``--format`` option of the record-listing commands: ``table`` (default) or ``json``."""
    return typer.Option(
        "table", "--format", "-f", help="table or json.", callback=lambda value: check_choice("--format", value, ("table", "json"))
    )


def records_choice(url: str | None) -> bool:
    """True when the user has chosen a records database: ``--db``/``$DUALUSE_DB``, or the default file made by ``dualuse init``.

    Recording into the permanent, append-only records is never a side
    effect of trying the tool: without a choice, ``screen`` keeps nothing and
    says so, and the commands that need records ask for ``dualuse init``.
    """
    import os

    from dualuse.service.live import DB_ENV, default_sqlite_path  # no SQLAlchemy

    if (url or os.environ.get(DB_ENV) or "").strip():
        return True
    return default_sqlite_path().is_file()


def open_db(url: str | None, create: bool = False) -> Database:
    """Open (and migrate) the chosen records database, or exit with status 2 and the reason.

    Without ``create``, the default database must exist already (made by
    ``dualuse init``); a ``--db``/``$DUALUSE_DB`` database is made on first use.
    """
    from dualuse.i18n import _
    from dualuse.storage.db import DatabaseError, default_sqlite_path, open_database

    if not create and not records_choice(url):
        raise fail(
            _("no records database yet: `dualuse init` creates one in {path}, or give --db FILE (or set $DUALUSE_DB)").format(path=default_sqlite_path())
        )
    try:
        return open_database(url)
    except DatabaseError as error:
        raise fail(str(error)) from None


def actor_of(actor: str | None) -> str:
    """The acting user's name."""
    from dualuse.service import default_actor

    return (actor or "").strip() or default_actor()


def print_json(data) -> None:
    """Pretty JSON to standard output (UTF-8)."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def note(message: str) -> None:
    """A message on standard error."""
    err_console.print(message, highlight=False, soft_wrap=True)
