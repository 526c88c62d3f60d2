"""Helpers shared by the CLI commands: consoles, errors, dates."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

from typing import TYPE_CHECKING

import typer
from rich.console import Console

if TYPE_CHECKING:
    from dualuse.input import InputError

# dualuse.input and dualuse.values are imported where they are used: every command imports this
# module, and `dualuse match NAME` reads no file

console = Console()
err_console = Console(stderr=True)

EXIT_BAD_INPUT = 2
EXIT_SKIPPED = 3  # --skip-invalid: the valid shipments were screened, invalid ones skipped


def fail(message: str, code: int = EXIT_BAD_INPUT) -> typer.Exit:
    """Print ``message`` to stderr and return the exit to raise."""
    from rich.markup import escape

    from dualuse.i18n import _

    label = _("error:")  # outside the f-string: Babel's extractor does not read calls inside f-strings on every version
    err_console.print(f"[bold red]{label}[/] {escape(message)}", highlight=False, soft_wrap=True)
    return typer.Exit(code)


def input_error_text(error: InputError) -> str:
    """Every issue of ``error`` on its own line, in the user's language (see :func:`input_issue_text`)."""
    from dualuse.i18n import current

    if current() == "en":
        return str(error)
    return "\n".join(input_issue_text(item) for item in error.issues)


def input_issue_text(item, *, with_file: bool = True) -> str:
    """One :class:`~dualuse.input.errors.InputIssue` as a line in the user's language.

    The frame (row, column, value) is translated here and the message through
    the catalogue (exact text or a ``{field}`` template); a message no
    catalogue entry covers is shown in English, never dropped.
    """
    from dualuse.i18n import _, current, translate

    if current() == "en":
        return item.describe(with_file=with_file)
    from dualuse.input.errors import MISSING, show_value

    where = []
    if item.row is not None:
        where.append(_("row {n}").format(n=item.row))
    if item.column is not None:
        column = _("column \"{name}\"").format(name=item.column)
        if item.value is not MISSING:
            column += f" ({show_value(item.value)})"
        where.append(column)
    elif item.value is not MISSING:
        where.append(_("value {value}").format(value=show_value(item.value)))
    frame = _(", ").join(where)
    head = (item.file + (": " + frame if frame else "")) if with_file else frame
    return f"{head}: {translate(item.message)}" if head else translate(item.message)


def check_choice(option: str, value: str, allowed: tuple[str, ...]) -> str:
    """``value`` if it is one of ``allowed``; else exit with status 2 naming the option and the choices."""
    if value not in allowed:
        from dualuse.i18n import _

        raise fail(_("{option} {value!r}: expected {choices}").format(option=option, value=value, choices=_(" or ").join(allowed)))
    return value


def parse_date(value: str | None, option: str) -> dt.date | None:
    """Parse a date option with the one date parser of the input (:func:`dualuse.values.parse_date`:
    ``2026-03-02``, ``2026/3/2``, ``2026年3月2日``, ``令和8年3月2日`` ...), failing with exit status 2."""
    if value is None:
        return None
    from dualuse import values

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
    from dualuse.input import InputError
    from dualuse.input.encoding import read_text

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
