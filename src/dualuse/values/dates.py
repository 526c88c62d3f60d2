"""Dates as people write them on shipping documents.

Accepted (text or spreadsheet cells):

* ISO and its relatives: ``2026-03-02``, ``2026/3/2``, ``2026.3.2``, with an
  optional time after it (``2026/3/2 0:00``, ``2026-03-02T10:00:00``);
* ``20260302`` (text, or an 8-digit number cell);
* Chinese and Japanese: ``2026年3月2日`` (also ``…2号``);
* Japanese era (和暦): ``令和8年3月2日``, ``令和元年5月1日``, ``R8.3.2``,
  ``H31/4/30``, ``平成31年4月30日``; the date must lie inside its era;
* English month names: ``2 March 2026``, ``2-Mar-2026``, ``March 2, 2026``;
* day and month first, ``02/03/2026``: only when the order is unambiguous
  (a part above 12, or both parts equal) or the caller says which order
  (``order="dmy"`` or ``"mdy"``); otherwise a :class:`ValueError` says why.

Sources: the era start dates are those of the Cabinet Orders (政令) that
fixed 昭和 (1926-12-25), 平成 (1989-01-08) and 令和 (2019-05-01) under the
Era Name Act (元号法, 1979); 元年 is the first year of an era.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Any, Literal

DateOrder = Literal["dmy", "mdy"]
"""How to read ``02/03/2026``: ``dmy`` (2 March) or ``mdy`` (February 3)."""

DATE_EXPECTED = "expected a date like 2026-03-02"
DATE_FORMS = "2026-03-02, 2026/3/2, 2026.3.2, 2026年3月2日, 令和8年3月2日, 20260302"

ERAS: dict[str, tuple[dt.date, dt.date | None]] = {
    "令和": (dt.date(2019, 5, 1), None),
    "平成": (dt.date(1989, 1, 8), dt.date(2019, 4, 30)),
    "昭和": (dt.date(1926, 12, 25), dt.date(1989, 1, 7)),
}
"""Japanese eras: first and last day (``None``: the current era)."""

ERA_LETTERS = {"R": "令和", "H": "平成", "S": "昭和"}
"""The one-letter abbreviations of the eras used on Japanese forms."""

MONTHS = {
    name: number
    for number, names in enumerate(
        (("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",), ("jun", "june"),
         ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"), ("oct", "october"),
         ("nov", "november"), ("dec", "december")),
        start=1,
    )
    for name in names
}

_TIME = r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
_YMD = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})" + _TIME)
_YMD_CJK = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})[日号]?" + _TIME)
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
_ERA = re.compile(r"(令和|平成|昭和|[RHS])(元|\d{1,2})(?:年|[-/.])(\d{1,2})(?:月|[-/.])(\d{1,2})日?")
_DAY_FIRST = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})" + _TIME)
_DAY_MONTH_NAME = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?[-/. ]?([a-z]+)\.?[-/., ]*(\d{4})")
_MONTH_NAME_DAY = re.compile(r"([a-z]+)\.?[-/. ]?(\d{1,2})(?:st|nd|rd|th)?[,.]?[-/. ]?(\d{4})")


def parse_date(value: Any, *, order: DateOrder | None = None) -> dt.date:
    """A date from a cell or a string (see the module docstring for the forms).

    Args:
        value: a ``date``/``datetime``, a string, or an 8-digit number
            (``20260302``).
        order: how to read day-and-month-first dates whose order is
            ambiguous (``02/03/2026``); ``None`` refuses them.

    Raises:
        ValueError: not a date, not a calendar date, outside its Japanese
            era, or ambiguous; the message says what was expected.
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        raise ValueError(DATE_EXPECTED)
    if isinstance(value, (int, float)):
        if float(value).is_integer() and 10_000_000 <= value <= 99_999_999:
            value = str(int(value))
        else:
            raise ValueError(DATE_EXPECTED + " (the cell is a plain number; format it as a date)")
    if not isinstance(value, str):
        raise ValueError(DATE_EXPECTED)
    text = unicodedata.normalize("NFKC", value).strip()
    compact = "".join(text.split())
    for pattern in (_YMD, _YMD_CJK, _COMPACT):
        m = pattern.fullmatch(compact) or pattern.fullmatch(text)
        if m:
            return _calendar(text, *(int(g) for g in m.groups()[:3]))
    m = _ERA.fullmatch(compact.upper() if compact[:1].isascii() else compact)
    if m:
        return _era_date(text, m.group(1), m.group(2), int(m.group(3)), int(m.group(4)))
    m = _DAY_FIRST.fullmatch(text) or _DAY_FIRST.fullmatch(compact)
    if m:
        return _day_first(text, int(m.group(1)), int(m.group(2)), int(m.group(3)), order)
    lowered = " ".join(text.casefold().split())
    m = _DAY_MONTH_NAME.fullmatch(lowered)
    if m and m.group(2) in MONTHS:
        return _calendar(text, int(m.group(3)), MONTHS[m.group(2)], int(m.group(1)))
    m = _MONTH_NAME_DAY.fullmatch(lowered)
    if m and m.group(1) in MONTHS:
        return _calendar(text, int(m.group(3)), MONTHS[m.group(1)], int(m.group(2)))
    raise ValueError(f"{DATE_EXPECTED} (also accepted: {DATE_FORMS}, 2 March 2026)")


def _calendar(text: str, year: int, month: int, day: int) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise ValueError(f"{DATE_EXPECTED} ({text} is not a calendar date)") from None


def _era_date(text: str, era: str, year_text: str, month: int, day: int) -> dt.date:
    name = ERA_LETTERS.get(era, era)
    first, last = ERAS[name]
    year = 1 if year_text == "元" else int(year_text)
    if year < 1:
        raise ValueError(f"{DATE_EXPECTED} ({text}: {name} years start at 1 (元年))")
    day_value = _calendar(text, first.year + year - 1, month, day)
    if day_value < first or (last is not None and day_value > last):
        span = f"{first.isoformat()} to {last.isoformat()}" if last else f"from {first.isoformat()}"
        raise ValueError(f"{DATE_EXPECTED} ({text} is outside the {name} era, {span})")
    return day_value


def _day_first(text: str, first: int, second: int, year: int, order: DateOrder | None) -> dt.date:
    if order is None:
        if first > 12 >= second or first == second:
            order = "dmy"
        elif second > 12 >= first:
            order = "mdy"
        else:
            raise ValueError(
                f"{DATE_EXPECTED} ({text} could be day/month or month/day; write it as "
                f"{year:04d}-{second:02d}-{first:02d} or {year:04d}-{first:02d}-{second:02d}, or give the date order "
                "(dmy or mdy) with --date-order or in the column mapping)"
            )
    day, month = (first, second) if order == "dmy" else (second, first)
    return _calendar(text, year, month, day)
