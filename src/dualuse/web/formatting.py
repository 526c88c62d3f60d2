"""Dates, times and numbers as the user's locale writes them (Babel / CLDR).

``zh`` is formatted as ``zh_Hans_CN``, ``ja`` as ``ja_JP``, ``en`` as ``en_GB``
(day-month order, which compliance teams in Asia and Europe read without
ambiguity). Stored timestamps are UTC (``2026-11-29T10:14:31.123456Z``) and
are shown in UTC, with the zone named.
"""

from __future__ import annotations

import datetime as dt

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal, format_percent

LOCALES = {"en": "en_GB", "zh": "zh_Hans_CN", "ja": "ja_JP"}


def locale_of(lang: str) -> str:
    """The Babel locale for a dualuse language code."""
    return LOCALES.get(lang, "en_GB")


def date(value: str | dt.date | None, lang: str) -> str:
    """A date (ISO text or ``date``) in the locale's medium form; empty for ``None``; unparseable text as given."""
    if value in (None, ""):
        return ""
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value[:10])
        except ValueError:
            return value
    return format_date(value, "medium", locale=locale_of(lang))


def timestamp(value: str | None, lang: str) -> str:
    """A stored UTC timestamp in the locale's medium date and time, with ``UTC``."""
    if not value:
        return ""
    try:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value
    return format_datetime(moment, "medium", tzinfo=dt.timezone.utc, locale=locale_of(lang)) + " UTC"


def number(value: float | int | None, lang: str, digits: int = 0) -> str:
    """A number with the locale's grouping and decimal sign (``digits`` fraction digits at most)."""
    if value is None:
        return ""
    pattern = "#,##0" + ("." + "#" * digits if digits else "")
    return format_decimal(value, format=pattern, locale=locale_of(lang))


def percent(value: float | None, lang: str) -> str:
    """A share (0..1) as a percentage."""
    if value is None:
        return ""
    return format_percent(value, locale=locale_of(lang))
