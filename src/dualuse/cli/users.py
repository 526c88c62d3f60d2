"""``dualuse users add|list|disable``: the people who sign in to the web application."""

from __future__ import annotations

import sys

import typer
from rich.table import Table

from dualuse.cli.common import console, fail
from dualuse.cli.dbopts import actor_of, actor_option, db_option, note, open_db, print_json, table_or_json_option
from dualuse.i18n import N_, _

users_app = typer.Typer(help=N_("People who sign in to the web application (roles: screener, reviewer, admin)."), no_args_is_help=True)


@users_app.command("add")
def users_add(
    username: str = typer.Argument(..., help=N_("User name (letters, digits, . _ @ -).")),
    role: str = typer.Option(..., "--role", help=N_("screener, reviewer or admin.")),
    password_stdin: bool = typer.Option(False, "--password-stdin", help=N_("Read the password from standard input (first line) instead of asking.")),
    actor: str | None = actor_option(),
    db: str | None = db_option(),
) -> None:
    """Add a user; the password (at least 10 characters) is asked for, or read with --password-stdin."""
    from dualuse.service.users import UserError, create_user

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt(_("Password"), hide_input=True, confirmation_prompt=True)
    try:
        info = create_user(open_db(db), username, role, password, actor_of(actor))
    except UserError as error:
        raise fail(str(error)) from None
    note(_("user {name} ({role}) added; they sign in at /app/ of `dualuse serve`").format(name=info.username, role=info.role))


@users_app.command("list")
def users_list(format: str = table_or_json_option(), db: str | None = db_option()) -> None:
    """List the users (never their passwords)."""
    from dualuse.service.users import list_users

    rows = list_users(open_db(db))
    if format == "json":
        print_json([u.__dict__ for u in rows])
        return
    table = Table(title=_("Users"))
    for header in (_("User"), _("Role"), _("Added"), _("By"), _("Disabled")):
        table.add_column(header)
    for u in rows:
        table.add_row(u.username, _(u.role), u.created_at, u.created_by, u.disabled_at or "")
    console.print(table)


@users_app.command("disable")
def users_disable(username: str = typer.Argument(...), actor: str | None = actor_option(), db: str | None = db_option()) -> None:
    """Disable a user: their sessions end at once; the user stays in the records."""
    from dualuse.service.users import UserError, disable_user

    try:
        info = disable_user(open_db(db), username, actor_of(actor))
    except UserError as error:
        raise fail(str(error)) from None
    note(_("user {name} disabled").format(name=info.username))
