"""The ``dualuse`` command line (typer + rich).

    dualuse screen FILE [--format table|jsonl|csv|xlsx] [-o OUT] [--as-of DATE] [--skip-invalid]
    dualuse inspect FILE [--mapping MAP.yaml]        how a file is read, before screening
    dualuse match NAME | --file NAMES.csv
    dualuse item CODE_OR_HS_OR_TEXT | --file QUERIES.csv
    dualuse lists [update FILE_OR_DIR | history | diff V1 V2]
    dualuse rules
    dualuse data build | validate
    dualuse alerts [list | show ID | decide ID]      the review queue
    dualuse whitelist [list | add | revoke ID]       remembered false positives
    dualuse shipments [show ID]                      screened shipments and their status
    dualuse audit verify | export                    the hash-chained records
    dualuse report SHIPMENT_ID | period --from D --to D   a report for the licence file (PDF, XLSX)
    dualuse keys create --role R | list | revoke ID  API keys
    dualuse serve                                    the REST API and the web application (/app)
    dualuse users add|list|disable                   people who sign in to the web application
    dualuse init [--db URL]                          choose (create) the records database

Every command takes ``--lang zh|en|ja`` (default: ``$DUALUSE_LANG`` or the locale).

Exit status: 0 success; 1 ``audit verify`` found a broken chain; 2 bad input
or options (nothing is screened, recorded or written); 3 ``screen
--skip-invalid`` skipped invalid shipments (the valid ones were screened).
"""

from __future__ import annotations

import os

import typer
import typer.main

import importlib

from dualuse import __version__
from dualuse.cli.localise import LocalisedGroup, localise_tree
from dualuse.i18n import N_

# name -> (module, attribute, a typer sub-application?): imported only when the command runs
# (or when the help lists them), so `dualuse match` does not load the database, PDF or Excel code
COMMANDS: dict[str, tuple[str, str, bool]] = {
    "screen": ("dualuse.cli.screen", "screen", False),
    "inspect": ("dualuse.cli.inspect", "inspect", False),
    "match": ("dualuse.cli.match", "match", False),
    "item": ("dualuse.cli.item", "item", False),
    "lists": ("dualuse.cli.listcmds", "lists_app", True),
    "rules": ("dualuse.cli.reference", "rules", False),
    "data": ("dualuse.cli.reference", "data_app", True),
    "alerts": ("dualuse.cli.records", "alerts_app", True),
    "whitelist": ("dualuse.cli.records", "whitelist_app", True),
    "shipments": ("dualuse.cli.records", "shipments_app", True),
    "audit": ("dualuse.cli.records", "audit_app", True),
    "keys": ("dualuse.cli.records", "keys_app", True),
    "report": ("dualuse.cli.report", "report", False),
    "users": ("dualuse.cli.users", "users_app", True),
    "serve": ("dualuse.cli.records", "serve", False),
    "init": ("dualuse.cli.records", "init", False),
}


class LazyGroup(LocalisedGroup):
    """The root group, loading each command's module on first use (see :data:`COMMANDS`)."""

    def list_commands(self, ctx):  # noqa: D102 - click's signature
        return list(COMMANDS)

    def get_command(self, ctx, name):  # noqa: D102 - click's signature
        command = self.commands.get(name)
        if command is None and name in COMMANDS:
            module, attribute, group = COMMANDS[name]
            target = getattr(importlib.import_module(module), attribute)
            if group:
                command = typer.main.get_group(target)
            else:
                single = typer.Typer(add_completion=False, pretty_exceptions_enable=False)
                single.command(name)(target)
                command = typer.main.get_command(single)
            command.name = name
            localise_tree(command)
            self.commands[name] = command
        return command

    def load_all(self) -> None:
        """Load every command (for the message catalogue and the full help)."""
        for name in COMMANDS:
            self.get_command(None, name)


app = typer.Typer(
    name="dualuse",
    help=N_("Screen shipments against China's dual-use export controls (decision support, not legal advice)."),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    cls=LazyGroup,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"dualuse {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    ctx: typer.Context,
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help=N_("Print the version and exit.")),
    db: str | None = typer.Option(None, "--db", help=N_("Records database for every command (default: $DUALUSE_DB, else ~/.local/share/dualuse/dualuse.db, made by `dualuse init`).")),
    lang: str | None = typer.Option(None, "--lang", help=N_("Language of messages, tables and files: zh, en or ja (default: $DUALUSE_LANG or the locale); also accepted after the command.")),
) -> None:
    """Screen shipments against China's dual-use export controls."""
    _use_live_lists(ctx, db)


def _use_live_lists(ctx: typer.Context, db: str | None) -> None:
    """Read the live list version of an existing records database in every command of this run.

    A list update (``dualuse lists update``) makes a new version live in the
    database; ``match``, ``item``, ``lists`` then read it (through
    ``DUALUSE_DATA_DIR``) instead of the packaged data. Nothing is created
    when no database exists yet; the environment is restored afterwards.
    """
    saved = {name: os.environ.get(name) for name in ("DUALUSE_DB", "DUALUSE_DATA_DIR")}

    def restore() -> None:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value

    ctx.call_on_close(restore)
    if db:
        os.environ["DUALUSE_DB"] = db
    if saved["DUALUSE_DATA_DIR"] or ctx.resilient_parsing:
        return
    from dualuse.service import live

    known, directory = live.live_directory()  # a SQLite file, read without SQLAlchemy
    if known:
        if directory is not None:
            os.environ["DUALUSE_DATA_DIR"] = str(directory)
        return
    from dualuse.storage import db as storage_db

    try:
        if not storage_db.exists():
            return
        from dualuse.service import versions

        database = storage_db.open_database()
        directory = versions.materialize(database, versions.current(database))
    except Exception:  # noqa: BLE001 - an unreadable database must not stop the packaged-data commands
        return
    if directory is not None:
        os.environ["DUALUSE_DATA_DIR"] = str(directory)


def main() -> None:
    """Console-script entry point."""
    app()
