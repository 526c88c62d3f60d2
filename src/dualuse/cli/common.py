"""Helpers shared by the CLI commands: consoles, errors, dates."""

from __future__ import annotations

import datetime as dt

import typer
from rich.console import Console

console = Console()
err_console = Console(stderr=True)

EXIT_BAD_INPUT = 2


def fail(message: str, code: int = EXIT_BAD_INPUT) -> typer.Exit:
    """Print ``message`` to stderr and return the exit to raise."""
    err_console.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    return typer.Exit(code)


def parse_date(value: str | None, option: str) -> dt.date | None:
    """Parse an ISO date option, failing with exit status 2 and a clear message."""
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise fail(f"{option} {value!r}: expected a date like 2026-03-02") from None
