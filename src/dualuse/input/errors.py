"""Input problems: where they are (file, row, column) and what was expected.

Every problem found while reading shipments becomes an :class:`InputIssue`
that names the file, the 1-based row (the line number for JSON Lines and CSV,
the sheet row for XLSX, the header being row 1), the column (the header as the
user wrote it, or a JSON path such as ``lines[0].hs_code``), the offending
value and a plain-English expectation. :class:`InputError` carries all issues
of a file and prints one per line::

    shipments.csv: row 7, column "end user country" ('XX'): expected a country: an ISO 3166-1 code (JP, JPN), ...

This module also maps pydantic validation errors of
:class:`dualuse.models.shipment.Shipment` back to those positions
(:func:`validate_shipment`), because pydantic's ``loc`` is not what the user
wrote.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from dualuse.models.shipment import BomComponent, ItemLine, Party, Shipment
from dualuse.values import COUNTRY_EXPECTED

if TYPE_CHECKING:  # pragma: no cover
    from dualuse.input.loader import SourceInfo


class _Missing:
    """Marker for "no value to show" (distinct from a JSON ``null``)."""

    _instance: _Missing | None = None

    def __new__(cls) -> _Missing:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "MISSING"

    def __bool__(self) -> bool:
        return False


MISSING: Any = _Missing()
"""Value of :attr:`InputIssue.value` when the issue has no value to show."""

_MAX_SHOWN = 80


def show_value(value: Any) -> str:
    """Render a cell or JSON value for a message: ``'XX'``, ``12.5``, ``null``."""
    if value is None:
        return "null"
    if isinstance(value, (dt.datetime, dt.date)):
        value = value.isoformat()
    text = repr(value)
    if len(text) > _MAX_SHOWN:
        text = text[: _MAX_SHOWN - 4] + "...'" if text[0] in "'\"" else text[: _MAX_SHOWN - 3] + "..."
    return text


@dataclass(frozen=True)
class InputIssue:
    """One problem in an input file.

    Attributes:
        file: the path as the caller gave it.
        row: 1-based line (JSON Lines, CSV) or sheet row (XLSX); the header is
            row 1 of a table. ``None`` for problems with the whole file.
        column: the header as written, a JSON path (``lines[0].hs_code``), or
            ``None``.
        value: the offending value as read, or :data:`MISSING`.
        message: what was expected, in plain English.
    """

    file: str
    row: int | None
    column: str | None
    value: Any
    message: str

    def describe(self, *, with_file: bool = True) -> str:
        """The issue as one line, optionally without the file name."""
        where: list[str] = []
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            col = f'column "{self.column}"'
            if self.value is not MISSING:
                col += f" ({show_value(self.value)})"
            where.append(col)
        elif self.value is not MISSING:
            where.append(f"value {show_value(self.value)}")
        text = ", ".join(where)
        if with_file:
            text = f"{self.file}: {text}" if text else self.file
        return f"{text}: {self.message}" if text else self.message

    def __str__(self) -> str:
        return self.describe()


def issue(file: str, message: str, *, row: int | None = None, column: str | None = None,
          value: Any = MISSING) -> InputIssue:
    """Shorthand constructor with keyword position arguments."""
    return InputIssue(file=file, row=row, column=column, value=value, message=message)


class InputError(Exception):
    """Input that cannot be read; carries every :class:`InputIssue` found.

    ``str(error)`` prints one issue per line, in file order.
    """

    def __init__(self, issues: Iterable[InputIssue]) -> None:
        self.issues: list[InputIssue] = sort_issues(issues)
        if not self.issues:
            raise ValueError("InputError needs at least one issue")
        super().__init__(str(self))

    def __str__(self) -> str:
        return "\n".join(str(i) for i in self.issues)

    @classmethod
    def single(cls, file: str, message: str, *, row: int | None = None, column: str | None = None,
               value: Any = MISSING) -> InputError:
        """An error with one issue."""
        return cls([issue(file, message, row=row, column=column, value=value)])


def sort_issues(issues: Iterable[InputIssue]) -> list[InputIssue]:
    """Issues in file order (file-level first, then by row), without duplicates."""
    seen: set[tuple[Any, ...]] = set()
    unique: list[InputIssue] = []
    for item in issues:
        key = (item.file, item.row, item.column, show_value(item.value), item.message)
        if key not in seen:
            seen.add(key)
            unique.append(item)
    return sorted(unique, key=lambda i: -1 if i.row is None else i.row)


@dataclass
class RejectedRecord:
    """A record (one JSON line, or the rows of one shipment) that did not validate.

    Attributes:
        rows: the 1-based rows of the record in the file.
        raw: as read: the JSON object (or the raw line text when it is not
            JSON) for JSON input; for tables, one list of cell values per row,
            aligned with ``source.columns``.
        issues: everything wrong with the record.
        shipment_id: the shipment id if one could be read.
        source: the file the record came from (format, encoding, columns ...),
            used by :func:`dualuse.input.rejects.write_rejects`.
    """

    rows: list[int]
    raw: Any
    issues: list[InputIssue]
    shipment_id: str | None = None
    source: SourceInfo | None = None


@dataclass
class ParsedRecord:
    """What a reader made of one record: a shipment, or issues (internal)."""

    rows: list[int]
    raw: Any
    shipment: Shipment | None
    issues: list[InputIssue] = field(default_factory=list)
    shipment_id: str | None = None
    warnings: list[InputIssue] = field(default_factory=list)
    """Text replaced at the input boundary (:mod:`dualuse.input.sanitise`): reported, not an error."""


# ---------------------------------------------------------------------------
# pydantic errors -> plain English

Loc = tuple[str | int, ...]
Locator = Callable[[Loc, dict[str, Any]], tuple[int | None, str | None, Any]]
"""Maps a pydantic ``loc`` (and the error) to ``(row, column, value)``."""

COUNTRY_CODE = COUNTRY_EXPECTED
DATE_EXPECTED = "expected a date like 2026-03-02"
SHARE_EXPECTED = "expected a number between 0 and 1"
NAME_REQUIRED = "party name is required"

_PARTY_LABELS = {"exporter": "exporter", "consignee": "consignee", "end_user": "end user",
                 "intermediaries": "intermediary"}
_COUNTRY_FIELDS = {"country", "origin_country", "destination_country"}
_MODEL_FIELDS = {
    "shipment": sorted(Shipment.model_fields),
    "party": sorted(Party.model_fields),
    "line": sorted(ItemLine.model_fields),
    "bom": sorted(BomComponent.model_fields),
}


def _context(loc: Loc) -> str:
    """Which model a loc points into: shipment, party, line or bom."""
    ctx = "shipment"
    for i, part in enumerate(loc):
        if part in ("exporter", "consignee", "end_user") and i == 0:
            ctx = "party"
        elif part == "intermediaries" and i == 0:
            ctx = "party"
        elif part == "lines" and i == 0:
            ctx = "line"
        elif part == "bom" and ctx == "line":
            ctx = "bom"
    return ctx


def plain_message(loc: Loc, err: dict[str, Any]) -> str:
    """A plain-English expectation for one pydantic error at ``loc``."""
    kind = err.get("type", "")
    names = [p for p in loc if isinstance(p, str)]
    if "parameters" in names:
        return "expected a number or text for a technical parameter"
    last = loc[-1] if loc else ""
    fld = names[-1] if names else ""
    if kind == "extra_forbidden":
        ctx = _context(loc[:-1])
        return "unknown field; expected one of: " + ", ".join(_MODEL_FIELDS[ctx])
    # whole objects: a party, an item line, a BOM component
    if isinstance(last, int):
        if fld == "lines":
            return "expected an item line object"
        if fld == "bom":
            return "expected a bill-of-materials component object"
        return "expected the intermediary as an object with a name and a country"
    if fld in ("exporter", "consignee", "end_user") and last == fld:
        label = _PARTY_LABELS[fld]
        if kind == "missing":
            return f"{label} is required"
        return f"expected the {label} as an object with a name and a country" + (
            " (or null when unknown)" if fld == "end_user" else "")
    if fld == "lines":
        if kind in ("missing", "too_short"):
            return "a shipment needs at least one item line"
        return "expected a list of item lines"
    if fld == "intermediaries":
        return "expected a list of intermediaries"
    if fld == "name" and _context(loc) == "party":
        if kind == "string_type":
            return "expected text (the party name)"
        return NAME_REQUIRED
    if fld == "destination_country" and kind == "missing":
        return "destination country is required (an ISO 3166-1 alpha-2 code such as JP)"
    if fld in _COUNTRY_FIELDS or fld in ("arrival_country", "trade_country"):
        return _value_error(err) or COUNTRY_CODE
    if fld == "date":
        return _value_error(err) or DATE_EXPECTED
    if fld == "id":
        return "expected text (the shipment id)" if kind == "string_type" else "shipment id is required"
    if fld == "line":
        return "expected a whole number of at least 1 (the line number)"
    if fld == "hs_code":
        return "expected an HS code of 4 to 10 digits, like 2805301200 (dots and spaces allowed)"
    if fld == "china_origin_value_share":
        return SHARE_EXPECTED
    if fld == "value":
        return "expected a number of at least 0"
    if fld == "quantity":
        return "expected a number"
    if kind == "missing":
        return f"{fld} is required"
    if kind == "string_type":
        return "expected text"
    if kind in ("float_type", "float_parsing", "int_type", "int_parsing"):
        return "expected a number"
    return str(err.get("msg", "invalid value"))


def _value_error(err: dict[str, Any]) -> str | None:
    """The message of a ``ValueError`` raised by a validator (the value parsers say what was expected)."""
    if err.get("type") != "value_error":
        return None
    error = (err.get("ctx") or {}).get("error")
    return str(error) if error is not None else None


def loc_startswith(loc: Loc, prefix: Loc) -> bool:
    """True when ``prefix`` is a prefix of ``loc``."""
    return loc[: len(prefix)] == prefix


def validate_shipment(data: dict[str, Any], file: str, locate: Locator,
                      already_reported: Iterable[Loc] = ()) -> tuple[Shipment | None, list[InputIssue]]:
    """Validate ``data`` as a :class:`Shipment`, mapping errors to file positions.

    Args:
        data: the shipment as a dict (values already converted by the reader).
        file: the file name for the issues.
        locate: maps a pydantic ``loc`` to ``(row, column, value)``.
        already_reported: locs the reader has already reported (e.g. a date it
            could not parse and left out); pydantic errors under them are
            dropped so each problem is reported once.

    Returns:
        ``(shipment, [])`` when valid, else ``(None, issues)``.
    """
    reported = list(already_reported)
    try:
        return Shipment.model_validate(data), []
    except ValidationError as exc:
        issues: list[InputIssue] = []
        for err in exc.errors(include_url=False):
            loc: Loc = tuple(err["loc"])
            if "parameters" in loc:  # union branches (float, str) -> the key
                loc = loc[: loc.index("parameters") + 2]
            if any(loc_startswith(loc, r) for r in reported):
                continue
            row, column, value = locate(loc, err)
            issues.append(issue(file, plain_message(loc, err), row=row, column=column, value=value))
        return None, issues
