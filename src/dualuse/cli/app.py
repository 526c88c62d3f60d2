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

from dualuse import __version__
from dualuse.cli import inspect, item, listcmds, match, records, reference, report, screen
from dualuse.cli.users import users_app
from dualuse.cli.localise import LocalisedGroup
from dualuse.i18n import N_

app = typer.Typer(
    name="dualuse",
    help=N_("Screen shipments against China's dual-use export controls (decision support, not legal advice)."),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    cls=LocalisedGroup,
)
app.command("screen")(screen.screen)
app.command("inspect")(inspect.inspect)
app.command("match")(match.match)
app.command("item")(item.item)
app.add_typer(listcmds.lists_app, name="lists")
app.command("rules")(reference.rules)
app.add_typer(reference.data_app, name="data")
app.add_typer(records.alerts_app, name="alerts")
app.add_typer(records.whitelist_app, name="whitelist")
app.add_typer(records.shipments_app, name="shipments")
app.add_typer(records.audit_app, name="audit")
app.add_typer(records.keys_app, name="keys")
app.command("report")(report.report)
app.add_typer(users_app, name="users")
app.command("serve")(records.serve)
app.command("init")(records.init)


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
    from dualuse.storage import db as storage_db

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
