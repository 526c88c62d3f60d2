"""Spreadsheet cells that a spreadsheet program will never run as a formula.

A party name or description that starts with ``=``, ``+``, ``-``, ``@``, a tab
or a carriage return is read by Excel, LibreOffice and Google Sheets as a
formula (CSV/formula injection, OWASP "CSV Injection"): ``=HYPERLINK(...)``
in a consignee name would run when the compliance officer opens the file.
:func:`safe_cell` prefixes such text with a single quote ``'`` (the
mitigation OWASP recommends), so the cell holds the text, never a formula. Numbers, dates and
``None`` are returned unchanged (they are typed cells, not formulas).
"""

from __future__ import annotations

import datetime as dt

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_text(text: str) -> str:
    """``text`` with a leading ``'`` when it would start a formula (``"=1+1"`` -> ``"'=1+1"``)."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def safe_cell(value: object) -> object:
    """A value for an openpyxl cell: text neutralised by :func:`safe_text`; numbers, dates, booleans, None as they are.

    Other objects (lists, dicts) are written as their ``str()`` text, neutralised.
    """
    if value is None or isinstance(value, (bool, int, float, dt.date, dt.datetime)):
        return value
    return safe_text(value if isinstance(value, str) else str(value))
