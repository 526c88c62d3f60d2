"""One parser for the values people write: dates, countries, numbers, units, currencies.

Used by every reader of shipments (CSV/XLSX tables and forms, JSON Lines,
the REST API through the :class:`~dualuse.models.shipment.Shipment` model)
and by the command line's ``--as-of``, so a date or a country is read the
same way wherever it comes from.

* :func:`parse_date` (:mod:`.dates`): ISO, ``2026/3/2``, ``2026.3.2``,
  ``2026年3月2日``, 和暦 ``令和8年3月2日``, ``20260302``, ``02/03/2026`` when
  unambiguous or with a configured order;
* :func:`parse_country` (:mod:`.countries`): ISO alpha-2/alpha-3, English,
  Chinese or Japanese names, Chinese customs codes;
* :func:`parse_number`, :func:`parse_quantity`, :func:`parse_amount`,
  :func:`normalise_unit`, :func:`parse_currency` (:mod:`.numbers`).

Each raises :class:`ValueError` with a message saying what was expected.
"""

from dualuse.values.countries import COUNTRY_EXPECTED, parse_country
from dualuse.values.dates import DATE_EXPECTED, DateOrder, parse_date
from dualuse.values.numbers import (
    CURRENCY_EXPECTED,
    normalise_unit,
    parse_amount,
    parse_currency,
    parse_number,
    parse_quantity,
)

__all__ = [
    "COUNTRY_EXPECTED",
    "CURRENCY_EXPECTED",
    "DATE_EXPECTED",
    "DateOrder",
    "normalise_unit",
    "parse_amount",
    "parse_country",
    "parse_currency",
    "parse_date",
    "parse_number",
    "parse_quantity",
]
