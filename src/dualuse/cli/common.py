"""Helpers shared by the CLI commands: consoles, errors, dates."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import typer
from rich.console import Console

from dualuse import values
from dualuse.input import InputError
from dualuse.input.encoding import read_text

console = Console()
err_console = Console(stderr=True)

EXIT_BAD_INPUT = 2


def fail(message: str, code: int = EXIT_BAD_INPUT) -> typer.Exit:
    """Print ``message`` to stderr and return the exit to raise."""
    err_console.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    return typer.Exit(code)


def check_choice(option: str, value: str, allowed: tuple[str, ...]) -> str:
    """``value`` if it is one of ``allowed``; else exit with status 2 naming the option and the choices."""
    if value not in allowed:
        raise fail(f"{option} {value!r}: expected {' or '.join(allowed)}")
    return value


def parse_date(value: str | None, option: str) -> dt.date | None:
    """Parse a date option with the one date parser of the input (:func:`dualuse.values.parse_date`:
    ``2026-03-02``, ``2026/3/2``, ``2026年3月2日``, ``令和8年3月2日`` ...), failing with exit status 2."""
    if value is None:
        return None
    try:
        return values.parse_date(value)
    except ValueError as error:
        raise fail(f"{option} {value!r}: {error}") from None


def find_column(fieldnames: list[str], wanted: tuple[str, ...]) -> str | None:
    """The header among ``fieldnames`` that is one of ``wanted`` (case- and space-insensitive), or None."""
    lowered = {name.strip().casefold(): name for name in fieldnames}
    for candidate in wanted:
        if candidate in lowered:
            return lowered[candidate]
    return None


def read_query_file(path: Path, query_columns: tuple[str, ...], optional: dict[str, tuple[str, ...]], what: str) -> list[dict[str, str | None]]:
    """The rows of a CSV of queries (any encoding the input layer detects).

    Returns one dict per data row: ``query`` (stripped, never empty) and one
    key per ``optional`` column (its stripped value, or None when the column
    is missing or the cell empty). Raises the exit-2 ``typer.Exit`` with file,
    row and column when the file cannot be read, has no query column, or a
    row's query (``what``: "name", "query") is empty.
    """
    try:
        text, _ = read_text(path)
    except InputError as error:
        raise fail(str(error)) from None
    except OSError as error:
        raise fail(f"{path}: cannot read ({error.strerror or error})") from None
    reader = csv.DictReader(io.StringIO(text))
    fieldnames = reader.fieldnames or []
    query_col = find_column(fieldnames, query_columns)
    if query_col is None:
        raise fail(f"{path}: row 1: no {what} column; expected one of {', '.join(query_columns)} (found: {', '.join(fieldnames) or 'nothing'})")
    columns = {key: find_column(fieldnames, names) for key, names in optional.items()}
    rows = []
    for number, row in enumerate(reader, start=2):
        query = (row.get(query_col) or "").strip()
        if not query:
            raise fail(f"{path}: row {number}, column {query_col!r}: the {what} is empty")
        values = {key: ((row.get(col) or "").strip() or None) if col else None for key, col in columns.items()}
        rows.append({"query": query, **values})
    return rows
