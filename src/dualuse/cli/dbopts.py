"""Options and helpers shared by the commands that use the compliance database."""

from __future__ import annotations

import json
import sys

import typer

from dualuse.cli.common import check_choice, err_console, fail
from dualuse.storage.db import Database, DatabaseError, open_database

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


def open_db(url: str | None) -> Database:
    """Open (and migrate) the database, or exit with status 2 and the reason."""
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
