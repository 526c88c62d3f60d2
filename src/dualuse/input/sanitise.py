"""Text sanitised once, at the input boundary: nothing downstream sees a code point it cannot handle.

A party name read from a file or a request may hold code points that later
steps cannot store or write: lone surrogates (``"\\ud800"`` in JSON, which
UTF-8 cannot encode: the Japanese tagger, the CSV writer, the JSON encoder
and the database all refuse them), the C0 control characters other than tab,
line feed and carriage return (an XLSX cell cannot hold them: openpyxl's
``IllegalCharacterError``), DEL, the C1 controls U+0080-U+009F, and the
noncharacters U+FFFE / U+FFFF. :func:`clean_text` replaces each with
:data:`REPLACEMENT` (U+FFFD, the Unicode replacement character, so the change
is visible where the name is shown), and the readers report every replaced
cell as a warning naming file, row and column (:func:`sanitise_table`,
:func:`sanitise_json`). The API's request models sanitise the same way
(:func:`sanitise_value`).
"""

from __future__ import annotations

import re
from typing import Any

REPLACEMENT = "\ufffd"
"""What an unusable code point becomes (U+FFFD REPLACEMENT CHARACTER)."""

UNUSABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
"""Lone surrogates, C0 controls but tab/LF/CR, DEL, C1 controls, U+FFFE and U+FFFF."""


def clean_text(text: str) -> tuple[str, int]:
    """``text`` with every :data:`UNUSABLE` code point replaced by U+FFFD, and how many were replaced.

    >>> clean_text("ACME\\x01 Corp")
    ('ACME\\ufffd Corp', 1)
    """
    if not UNUSABLE.search(text):  # the common case, no copy
        return text, 0
    return UNUSABLE.subn(REPLACEMENT, text)


def describe(count: int) -> str:
    """The warning for ``count`` replaced code points."""
    what = "character" if count == 1 else "characters"
    return (f"{count} {what} that cannot be stored or written (control characters, lone surrogates or "
            f"noncharacters) replaced by \N{REPLACEMENT CHARACTER}")


def sanitise_value(value: Any) -> tuple[Any, int]:
    """A JSON-like value (str, list, dict; keys too) with its text cleaned; ``(value, replaced count)``.

    Non-text values are returned as they are. Iterative, so deeply nested values cannot exhaust the stack.
    """
    if isinstance(value, str):
        return clean_text(value)
    if not isinstance(value, (list, dict)):
        return value, 0
    total = 0
    root: list[Any] = [value]
    stack: list[tuple[Any, Any]] = [(root, 0)]
    while stack:
        parent, key = stack.pop()
        item = parent[key]
        if isinstance(item, str):
            cleaned, n = clean_text(item)
            if n:
                parent[key] = cleaned
                total += n
        elif isinstance(item, list):
            stack.extend((item, i) for i in range(len(item)))
        elif isinstance(item, dict):
            renamed = {}
            for k in list(item):
                if isinstance(k, str):
                    cleaned, n = clean_text(k)
                    if n:
                        renamed[k] = cleaned
                        total += n
            for old, new in renamed.items():
                item[new] = item.pop(old)
            stack.extend((item, k) for k in item)
    return root[0], total


def sanitise_json(file: str, row: int, value: Any) -> tuple[Any, list]:
    """A parsed JSON record cleaned, and the warnings (one per replaced value, naming its JSON path)."""
    from dualuse.input.errors import issue

    warnings = []

    def walk(item: Any, path: str) -> Any:
        if isinstance(item, str):
            cleaned, n = clean_text(item)
            if n:
                warnings.append(issue(file, describe(n), row=row, column=path or None))
            return cleaned
        if isinstance(item, list):
            return [walk(x, f"{path}[{i}]") for i, x in enumerate(item)]
        if isinstance(item, dict):
            out = {}
            for k, v in item.items():
                key, n = clean_text(k) if isinstance(k, str) else (k, 0)
                if n:
                    warnings.append(issue(file, describe(n) + " in a key", row=row, column=path or None))
                out[key] = walk(v, f"{path}.{key}" if path else str(key))
            return out
        return item

    return walk(value, ""), warnings


def sanitise_cells(file: str, row: int, cells: list[Any], headers: list[str] | None) -> list:
    """Clean the text cells of one table row in place; the warnings, naming row and column."""
    from dualuse.input.errors import issue

    warnings = []
    for index, cell in enumerate(cells):
        if isinstance(cell, str):
            cleaned, n = clean_text(cell)
            if n:
                cells[index] = cleaned
                name = headers[index] if headers is not None and index < len(headers) and headers[index] else f"column {index + 1}"
                warnings.append(issue(file, describe(n), row=row, column=str(name)))
    return warnings


def sanitise_table(file: str, table: Any) -> list:
    """Clean a :class:`~dualuse.input.tables.Table`'s headers and cells in place; the warnings."""
    warnings = sanitise_cells(file, table.header_row, table.headers, None)
    for row, cells in table.rows:
        warnings.extend(sanitise_cells(file, row, cells, table.headers))
    return warnings
