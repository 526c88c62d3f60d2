"""Spreadsheet cells that a spreadsheet program will never run as a formula.

A party name or description that starts with ``=``, ``+``, ``-``, ``@``, a tab
or a carriage return is read by Excel, LibreOffice and Google Sheets as a
formula (CSV/formula injection, OWASP "CSV Injection"): ``=HYPERLINK(...)``
in a consignee name would run when the compliance officer opens the file.
:func:`safe_cell` prefixes such text with a single quote ``'`` (the
mitigation OWASP recommends), so the cell holds the text, never a formula. Numbers, dates and
``None`` are returned unchanged (they are typed cells, not formulas).

The input boundary already replaced the code points a spreadsheet cannot hold
(:mod:`dualuse.input.sanitise`); :func:`safe_text` replaces them once more, so
text from anywhere else (a list entry, a reviewer's note) cannot make the XLSX
writer fail either.
"""

from __future__ import annotations

import datetime as dt

from dualuse.input.sanitise import clean_text

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_text(text: str) -> str:
    """``text`` with a leading ``'`` when it would start a formula (``"=1+1"`` -> ``"'=1+1"``), and with the
    code points a cell cannot hold replaced by U+FFFD."""
    text = clean_text(text)[0]
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def safe_row(row: dict[str, object]) -> dict[str, object]:
    """A CSV/XLSX row (column -> value) with every value through :func:`safe_cell`; headers too."""
    return {safe_text(str(k)): safe_cell(v) for k, v in row.items()}


def safe_cell(value: object) -> object:
    """A value for an openpyxl cell: text neutralised by :func:`safe_text`; numbers, dates, booleans, None as they are.

    Other objects (lists, dicts) are written as their ``str()`` text, neutralised.
    """
    if value is None or isinstance(value, (bool, int, float, dt.date, dt.datetime)):
        return value
    return safe_text(value if isinstance(value, str) else str(value))
