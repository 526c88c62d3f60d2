"""Numbers, quantities, amounts, units and currencies as written on documents.

* :func:`parse_number`: ``1234.5``, ``1,234.5``, ``１，２３４．５`` (full width),
  ``1 234``, ``1.2e3``;
* :func:`parse_quantity`: ``500千克`` -> ``(500.0, "kg")``, ``1,000 PCS``;
* :func:`parse_amount`: ``6,250美元`` -> ``(6250.0, "USD")``, ``USD 6250``;
* :func:`normalise_unit`: ``千克``/``公斤``/``KGS``/``キログラム`` -> ``kg``
  (units not in ``units.yaml`` are kept as written);
* :func:`parse_currency`: ``美元``/``US$``/``ドル`` -> ``USD``, ``円`` -> ``JPY``.

Sources: ``units.yaml`` next to this module (customs statistical units,
UN/ECE Rec. 20 names, Japanese counters; ISO 4217 and CLDR currency names via
Babel, plus the short forms of Chinese and Japanese invoices).
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from importlib import resources
from typing import Any

from dualuse import yamlio

NUMBER_EXPECTED = "expected a number like 1234.5"
CURRENCY_EXPECTED = "expected a currency: an ISO 4217 code (USD, CNY, JPY) or its name (美元, 人民币, 円)"

_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
_THOUSANDS = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?")
_LEADING_NUMBER = re.compile(r"\s*([+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d*)?|[+-]?\.\d+)\s*(.*)", re.S)
_TRAILING_NUMBER = re.compile(r"(.*?)\s*([+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d*)?)\s*", re.S)


def parse_number(value: Any) -> float:
    """A finite number from a cell: a number, or text (thousands separators and full-width digits accepted).

    Raises:
        ValueError: anything else.
    """
    if isinstance(value, bool):
        raise ValueError("expected a number")
    if isinstance(value, (int, float)):
        number = float(value)
    elif isinstance(value, str):
        text = "".join(unicodedata.normalize("NFKC", value).split())
        if _THOUSANDS.fullmatch(text):
            text = text.replace(",", "")
        if not _NUMBER.fullmatch(text):
            raise ValueError(NUMBER_EXPECTED)
        number = float(text)
    else:
        raise ValueError("expected a number")
    if not math.isfinite(number):
        raise ValueError("expected a finite number")
    return number


def _fold(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).casefold().split()).rstrip(".")


@functools.lru_cache(maxsize=1)
def _tables() -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """(unit spelling -> unit, currency spelling -> ISO code, ambiguous currency spelling -> why).

    Kept in the artefact cache (:mod:`dualuse.artefacts`: keyed by the Babel
    version and this package's source and ``units.yaml``), so reading a
    shipment does not parse ``units.yaml`` and four CLDR locales at every start.
    """
    from dualuse.artefacts import cached

    return cached("unit-currency-tables", "", _build_tables)


def _build_tables() -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """Build :func:`_tables` from ``units.yaml`` and Babel's CLDR currency names."""
    from babel import Locale
    from babel.numbers import list_currencies

    spec = yamlio.safe_load(resources.files("dualuse.values").joinpath("units.yaml").read_text(encoding="utf-8"))
    units: dict[str, str] = {}
    for unit, spellings in spec["units"]["canonical"].items():
        for spelling in [unit, *spellings]:
            key = _fold(str(spelling))
            if units.get(key, unit) != unit:
                raise ValueError(f"units.yaml: {spelling!r} is listed for {units[key]} and {unit}")
            units[key] = unit
    iso = set(list_currencies())
    currencies: dict[str, str] = {code.casefold(): code for code in iso}
    for locale in ("en", "zh", "zh_Hant", "ja"):
        for code, name in Locale.parse(locale).currencies.items():
            if code in iso:
                currencies.setdefault(_fold(name), code)
    for code, spellings in spec["currencies"]["aliases"].items():
        for spelling in spellings:
            currencies[_fold(str(spelling))] = code
    ambiguous = {_fold(k): str(v) for k, v in (spec["currencies"].get("ambiguous") or {}).items()}
    ambiguous[_fold("￥")] = ambiguous.get(_fold("¥"), "")
    return units, currencies, ambiguous


def normalise_unit(text: str) -> str:
    """The unit's one spelling (``kg``, ``t``, ``pcs``, ``set`` ...), or the text as written when unknown."""
    cleaned = unicodedata.normalize("NFKC", text).strip()
    return _tables()[0].get(_fold(cleaned), cleaned)


def parse_currency(value: Any) -> str:
    """The ISO 4217 code for a currency as written.

    Raises:
        ValueError: unknown or ambiguous (``¥`` alone), saying what was expected.
    """
    text = unicodedata.normalize("NFKC", str(value)).strip()
    _, currencies, ambiguous = _tables()
    key = _fold(text)
    if key in ambiguous:
        raise ValueError(f"{CURRENCY_EXPECTED}; {ambiguous[key]}")
    found = currencies.get(key)
    if found is None:
        raise ValueError(CURRENCY_EXPECTED)
    return found


def parse_quantity(value: Any) -> tuple[float, str | None]:
    """A quantity with its unit: ``500千克`` -> ``(500.0, "kg")``; a bare number has unit ``None``.

    Raises:
        ValueError: no number at the start.
    """
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return parse_number(value), None
    text = unicodedata.normalize("NFKC", str(value)).strip()
    try:
        return parse_number(text), None
    except ValueError:
        pass
    m = _LEADING_NUMBER.fullmatch(text)
    if not m or not m.group(2).strip() or m.group(2).strip()[0].isdigit():
        raise ValueError("expected a quantity like 500 or 500千克 (a number, then the unit)")
    number = parse_number(m.group(1))
    unit = m.group(2).strip()
    return number, (normalise_unit(unit) if unit else None)


def parse_amount(value: Any) -> tuple[float, str | None]:
    """An amount with an optional currency before or after it: ``6,250美元``, ``USD 6250``, ``6250``.

    Returns:
        ``(amount, ISO currency code or None)``.

    Raises:
        ValueError: no number, or a currency that is not recognised.
    """
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return parse_number(value), None
    text = unicodedata.normalize("NFKC", str(value)).strip()
    try:
        return parse_number(text), None
    except ValueError:
        pass
    m = _LEADING_NUMBER.fullmatch(text)
    if m and m.group(2):
        return parse_number(m.group(1)), parse_currency(m.group(2))
    m = _TRAILING_NUMBER.fullmatch(text)
    if m and m.group(1):
        return parse_number(m.group(2)), parse_currency(m.group(1))
    raise ValueError(NUMBER_EXPECTED + " (a currency before or after it is accepted: 6,250美元, USD 6250)")
