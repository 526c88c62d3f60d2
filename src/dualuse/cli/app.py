"""The ``dualuse`` command line (typer + rich).

    dualuse screen FILE [--format table|jsonl|csv|xlsx] [-o OUT] [--as-of DATE] [--skip-invalid]
    dualuse match NAME | --file NAMES.csv
    dualuse item CODE_OR_HS_OR_TEXT | --file QUERIES.csv
    dualuse lists
    dualuse rules
    dualuse data build | validate

Exit status: 0 success; 1 a screening found PROHIBITED shipments when
``--fail-on`` asks for it; 2 bad input (nothing is written).
"""

from __future__ import annotations

import typer

from dualuse import __version__
from dualuse.cli import item, match, reference, screen

app = typer.Typer(
    name="dualuse",
    help="Screen shipments against China's dual-use export controls (decision support, not legal advice).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.command("screen")(screen.screen)
app.command("match")(match.match)
app.command("item")(item.item)
app.command("lists")(reference.lists)
app.command("rules")(reference.rules)
app.add_typer(reference.data_app, name="data")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"dualuse {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print the version and exit."),
) -> None:
    """Screen shipments against China's dual-use export controls."""


def main() -> None:
    """Console-script entry point."""
    app()
