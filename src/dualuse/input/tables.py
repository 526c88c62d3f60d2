"""Flat shipment tables: CSV/TSV text and XLSX workbooks, one row per item line.

Shipment-level columns (id, date, parties, destination, end use,
intermediaries) repeat on every row of a shipment and must agree; rows are
grouped by shipment id in first-seen order and need not be contiguous.
Line-level columns (``lines.*`` and ``param:<name>``) give one item line per
row. Headers are matched with :mod:`dualuse.input.headers`.

Rows are 1-based file rows with the header as row 1: for CSV the line on
which the record starts, for XLSX the sheet row.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from dualuse import values
from dualuse.values import DateOrder

from dualuse.input.errors import (
    SHARE_EXPECTED,
    InputError,
    InputIssue,
    issue,
)
from dualuse.input.limits import current_limits
from dualuse.input.headers import (
    INTERMEDIARY_FIELDS,
    LINE_FIELDS,
    REQUIRED_COLUMNS,
    SHIPMENT_FIELDS,
    FieldKind,
    HeaderMatch,
    Vocabulary,
)

DELIMITERS = (",", "\t", ";")

# ---------------------------------------------------------------------------
# cell values


def is_empty(value: Any) -> bool:
    """True for ``None`` and blank strings."""
    return value is None or (isinstance(value, str) and not value.strip())


def parse_date(value: Any, *, order: DateOrder | None = None) -> dt.date:
    """A date from a cell; see :func:`dualuse.values.parse_date` (the one date parser)."""
    return values.parse_date(value, order=order)


def parse_number(value: Any) -> float:
    """A finite number from a cell; see :func:`dualuse.values.parse_number`."""
    return values.parse_number(value)


def parse_share(value: Any) -> float:
    """A share 0..1 from a cell; text ending in ``%`` is divided by 100."""
    if isinstance(value, str):
        text = unicodedata.normalize("NFKC", value).strip()
        if text.endswith("%"):
            try:
                return parse_number(text[:-1]) / 100
            except ValueError:
                raise ValueError(SHARE_EXPECTED + " (or a percentage like 35%)") from None
    try:
        return parse_number(value)
    except ValueError:
        raise ValueError(SHARE_EXPECTED) from None


def parse_int(value: Any) -> int:
    """A whole number from a cell (``3``, ``3.0``, ``"3"``)."""
    try:
        number = parse_number(value)
    except ValueError:
        raise ValueError("expected a whole number of at least 1 (the line number)") from None
    if not number.is_integer():
        raise ValueError("expected a whole number of at least 1 (the line number)")
    return int(number)


def to_text(value: Any) -> str:
    """Cell value as text: strings stripped, integral numbers without ``.0``."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def parse_hs(value: Any) -> str:
    """An HS code from a cell. Numeric cells lose leading zeros in Excel, so
    an integral number of 5, 7 or 9 digits gets its ``0`` back; a fractional
    number (``2805.3``) may have lost digits and is refused."""
    if isinstance(value, bool):
        raise ValueError("expected an HS code as text")
    if isinstance(value, (int, float)):
        if not float(value).is_integer():
            raise ValueError("expected an HS code as text (this cell is a number and may have lost trailing "
                             "zeros; format the column as text)")
        digits = str(int(value))
        return "0" + digits if len(digits) in (5, 7, 9) else digits
    return to_text(value)


def convert(kind: FieldKind, value: Any, *, date_order: DateOrder | None = None) -> Any:
    """:func:`convert_cell`, memoised for text cells: a file repeats its countries, dates, currencies and
    parties on every row (the results are immutable; list results are not memoised)."""
    if isinstance(value, str) and kind != "quantity_unit":
        return _convert_memo(kind, value, date_order)
    return convert_cell(kind, value, date_order=date_order)


@functools.lru_cache(maxsize=100_000)
def _convert_memo(kind: FieldKind, value: str, date_order: DateOrder | None) -> Any:
    return convert_cell(kind, value, date_order=date_order)


def convert_cell(kind: FieldKind, value: Any, *, date_order: DateOrder | None = None) -> Any:
    """Convert a non-empty cell to the field's type (raises ValueError).

    Composite kinds return tuples: ``quantity_unit`` -> ``[(quantity, unit), ...]``
    (one per line of the cell), ``price_total_currency`` -> ``(unit price, total,
    currency)``, ``name_spec`` -> ``(name, specification or None)``, ``amount`` ->
    ``(value, currency or None)``, ``quantity`` -> ``(quantity, unit or None)``.
    """
    if kind == "date":
        return values.parse_date(value, order=date_order)
    if kind == "number":
        return values.parse_number(value)
    if kind == "amount":
        return values.parse_amount(value)
    if kind == "quantity":
        return values.parse_quantity(value)
    if kind == "share":
        return parse_share(value)
    if kind == "int":
        return parse_int(value)
    if kind == "hs":
        return parse_hs(value)
    if kind == "country":
        return values.parse_country(value)
    if kind == "currency":
        return values.parse_currency(value)
    if kind == "unit":
        return values.normalise_unit(to_text(value))
    if kind == "quantity_unit":
        return split_quantity_unit(value)
    if kind == "price_total_currency":
        return split_price_total_currency(value)
    if kind == "name_spec":
        return split_name_specification(to_text(value))
    return to_text(value)


def split_quantity_unit(value: Any) -> list[tuple[float, str | None]]:
    """数量及单位: ``500千克`` -> ``[(500.0, "kg")]``; each further line of the cell
    (the declaration's second statutory and transaction quantities) adds one pair."""
    if not isinstance(value, str):
        return [values.parse_quantity(value)]
    parts = [p for p in value.replace("\r", "\n").split("\n") if p.strip()]
    try:
        return [values.parse_quantity(p) for p in parts]
    except ValueError:
        raise ValueError("expected a quantity and its unit like 500千克 (one per line)") from None


def split_price_total_currency(value: Any) -> tuple[float | None, float, str | None]:
    """单价/总价/币制: ``12.5/6250/美元`` (or the three on separate lines) -> ``(12.5, 6250.0, "USD")``.

    Two parts are read as total and currency (``6250/美元``), one as the total.
    """
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return None, values.parse_number(value), None
    text = unicodedata.normalize("NFKC", str(value))
    parts = [p.strip() for p in text.replace("\r", "\n").replace("\n", "/").split("/") if p.strip()]
    expected = "expected unit price/total/currency like 12.5/6250/美元"
    try:
        if len(parts) == 3:
            return values.parse_number(parts[0]), values.parse_number(parts[1]), values.parse_currency(parts[2])
        if len(parts) == 2:
            return None, values.parse_number(parts[0]), values.parse_currency(parts[1])
        if len(parts) == 1:
            total, currency = values.parse_amount(parts[0])
            return None, total, currency
    except ValueError as exc:
        raise ValueError(f"{expected} ({exc})") from None
    raise ValueError(expected)


def split_name_specification(text: str) -> tuple[str, str | None]:
    """商品名称及规格型号: the name on the first line, the model and specification after it.

    A single line ``name|element|element`` (the declaration's 规范申报 elements)
    splits at the first ``|``.
    """
    lines = [line.strip() for line in text.replace("\r", "\n").split("\n") if line.strip()]
    if not lines:
        return "", None
    if len(lines) == 1:
        name, bar, rest = lines[0].partition("|")
        return (name.strip(), rest.strip() or None) if bar else (lines[0], None)
    return lines[0], " ".join(lines[1:])


def parameter_value(value: Any) -> float | str:
    """A technical parameter: a number when it reads as one, else the text."""
    try:
        return parse_number(value)
    except ValueError:
        return to_text(value)


# ---------------------------------------------------------------------------
# reading


@dataclass
class Table:
    """A table as read: headers as written and the data rows.

    A flat file is one table. A workbook sheet that is a form (a header block
    of label-value pairs above a goods table) becomes one table too: the goods
    table's columns, then one column per label of the header block whose value
    is the same on every row (:attr:`fixed`).

    Attributes:
        headers: header cells as written (``""`` for an empty header cell).
        header_row: the header's row number.
        rows: ``(row number, cells)`` for every non-blank data row; cells are
            padded to at least ``len(headers)``.
        delimiter: CSV delimiter, ``None`` for XLSX.
        sheet: XLSX sheet name, ``None`` for CSV.
        layout: ``table`` (one row per item line) or ``form``.
        kind: for forms, the kind of document (``declaration``, ``invoice``
            ...), or ``None`` when it cannot be told.
        title: the title row above the header, if any.
        fixed: column index -> ``(row, cell reference)`` where a form's
            header-block value was read (messages name that cell).
        notes: how the layout was read (title row, merged header cells,
            rows not read as goods ...), for ``dualuse inspect``.
        no_goods: a form without goods lines (its one row carries only the
            header block); it gives shipment fields, no item lines.
        goods_header: ``False`` for a form in which no goods table header was found.
    """

    headers: list[str]
    header_row: int
    rows: list[tuple[int, list[Any]]]
    delimiter: str | None = None
    sheet: str | None = None
    layout: str = "table"
    kind: str | None = None
    title: str | None = None
    fixed: dict[int, tuple[int, str]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    no_goods: bool = False
    goods_header: bool = True
    warnings: list[InputIssue] = field(default_factory=list)


@dataclass
class Sheet:
    """One worksheet as read: every non-blank row and the merged cell ranges.

    Attributes:
        title: the sheet name.
        rows: ``(row number, cells)`` of the non-blank rows; empty cells are ``None``.
        merged: merged ranges as ``(first row, first column, last row, last column)``,
            1-based, as the sheet declares them.
    """

    title: str
    rows: list[tuple[int, list[Any]]]
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)


def sniff_delimiter(text: str) -> str:
    """The delimiter (``,`` ``;`` or tab) that splits the header line into the most fields."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    best, best_count = ",", 1
    for delim in DELIMITERS:
        try:
            fields = next(csv.reader([first], delimiter=delim))
        except (csv.Error, StopIteration):
            continue
        if len(fields) > best_count:
            best, best_count = delim, len(fields)
    return best


def read_csv(file: str, text: str, *, delimiter: str | None = None) -> Table:
    """Parse decoded CSV/TSV text into a :class:`Table`.

    Args:
        file: the file name for messages.
        text: the decoded text.
        delimiter: force a delimiter; sniffed among ``,`` ``;`` tab otherwise.

    Raises:
        InputError: malformed quoting or no header row.
    """
    from dualuse.input.stream import CSV_FIELD_LIMIT, check_cells

    delim = delimiter or sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim, strict=True)
    records: list[tuple[int, list[str]]] = []
    start = 1
    previous = csv.field_size_limit(max(csv.field_size_limit(), CSV_FIELD_LIMIT))
    limits = current_limits()
    try:
        for cells in reader:
            if any(c.strip() for c in cells):
                check_cells(file, start, cells, records[0][1] if records else None)
                if len(cells) > limits.columns:
                    check_width(file, start, len(cells))
                if len(records) > limits.rows:
                    raise InputError.single(file, f"the file has more than {limits.rows:,} data rows, the limit "
                                            "(DUALUSE_MAX_ROWS); split it", row=start)
                records.append((start, cells))
            start = reader.line_num + 1
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise InputError.single(file, f"a cell starting on or after this row is longer than {CSV_FIELD_LIMIT:,} "
                                    "characters: a quote (\") is probably opened and never closed; check the quotes "
                                    "of this row", row=start) from None
        raise InputError.single(file, f"malformed CSV ({exc}); check the quotes on this row",
                                row=reader.line_num) from exc
    finally:
        csv.field_size_limit(previous)
    if not records:
        raise InputError.single(file, "the file is empty: expected a header row and one row per item line")
    header_row, headers = records[0]
    check_width(file, header_row, max(len(cells) for _, cells in records))
    width = len(headers)
    rows = [(r, cells + [""] * (width - len(cells))) for r, cells in records[1:]]
    return Table(headers=headers, header_row=header_row, rows=rows, delimiter=delim)


def check_width(file: str, row: int, width: int) -> None:
    """Refuse a row of more than ``columns`` cells (:mod:`dualuse.input.limits`).

    Raises:
        InputError: naming the row.
    """
    limit = current_limits().columns
    if width > limit:
        raise InputError.single(file, f"this row has {width:,} columns, more than the limit of {limit:,} "
                                "(DUALUSE_MAX_COLUMNS)", row=row)


XLSX_FAILURES: tuple[type[BaseException], ...] = ()
"""What openpyxl and the zip and XML readers raise on a damaged workbook (filled on first use)."""


def _xlsx_failures() -> tuple[type[BaseException], ...]:
    global XLSX_FAILURES
    if not XLSX_FAILURES:
        import zipfile
        import zlib
        from xml.etree.ElementTree import ParseError

        XLSX_FAILURES = (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, ParseError, KeyError, ValueError,
                         TypeError, IndexError, AttributeError, NotImplementedError, EOFError, OSError,
                         UnicodeError, OverflowError, LookupError, AssertionError, RecursionError)
        try:
            from lxml.etree import LxmlError

            XLSX_FAILURES += (LxmlError,)
        except ImportError:  # pragma: no cover - lxml is optional
            pass
    return XLSX_FAILURES


def check_unpacked(file: str, data: bytes) -> None:
    """Refuse a workbook whose members unpack to more than ``unpacked_bytes`` (a zip bomb) or use a
    compression the zip reader does not support; both before openpyxl reads anything.

    Raises:
        InputError: naming the member.
    """
    import zipfile

    limit = current_limits().unpacked_bytes
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            total = sum(m.file_size for m in members)
            for member in members:
                if member.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                    raise InputError.single(file, f"not a readable .xlsx workbook: the member {member.filename!r} uses "
                                            f"compression method {member.compress_type}, which XLSX files do not use")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, NotImplementedError) as exc:
        raise InputError.single(file, f"not a readable .xlsx workbook ({exc or type(exc).__name__})") from None
    if total > limit:
        raise InputError.single(file, f"the workbook unpacks to {total:,} bytes, more than the limit of {limit:,} "
                                "(DUALUSE_MAX_UNPACKED_BYTES)")


def read_workbook(file: str, data: bytes, *, sheet: str | None = None, first_only: bool = False) -> list[Sheet]:
    """:func:`read_sheets`, with a damaged workbook (broken zip members, bad XML inside, odd cell types, no
    sheet) an :class:`InputError` naming the file instead of the reader's own exception.

    Raises:
        InputError: see :func:`read_sheets`; also damaged or over-large workbooks.
    """
    check_unpacked(file, data)
    try:
        sheets = read_sheets(file, data, sheet=sheet, first_only=first_only)
    except InputError:
        raise
    except _xlsx_failures() as exc:
        detail = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
        raise InputError.single(file, f"not a readable .xlsx workbook: the file is damaged or not written by a "
                                f"spreadsheet program ({type(exc).__name__}: {detail})") from None
    if not sheets:
        raise InputError.single(file, "the workbook has no sheets: expected a sheet with a header row and one row per item line")
    return sheets


def read_sheets(file: str, data: bytes, *, sheet: str | None = None, first_only: bool = False) -> list[Sheet]:
    """Read every sheet of an XLSX workbook (or only ``sheet``, or only the first), in workbook order.

    Cells keep their types: numbers, dates (as ``datetime``), text. Formulas
    give the value Excel saved with them; a formula saved without a value
    (files written by programs that do not calculate) is an error rather than
    an empty cell. Merged ranges are read from the sheet's XML.

    Raises:
        InputError: not a workbook, no such sheet, or formulas without saved values.
    """
    import openpyxl

    values_wb = _open_workbook(file, data, data_only=True)
    formulas_wb = _open_workbook(file, data, data_only=False)
    sheets: list[Sheet] = []
    unsaved: list[InputIssue] = []
    try:
        if sheet is not None and sheet not in values_wb.sheetnames:
            names = ", ".join(repr(n) for n in values_wb.sheetnames)
            raise InputError.single(file, f"no sheet named {sheet!r}; the workbook has {names}")
        titles = [sheet] if sheet is not None else list(values_wb.sheetnames)[: 1 if first_only else None]
        for title in titles:
            ws, ws_formulas = values_wb[title], formulas_wb[title]
            rows: list[tuple[int, list[Any]]] = []
            start = ws.min_row or 1
            pairs = zip(ws.iter_rows(values_only=True), ws_formulas.iter_rows(values_only=True), strict=False)
            limits = current_limits()
            for number, (row_values, row_formulas) in enumerate(pairs, start=start):
                cells = list(row_values)
                if len(cells) > limits.columns:
                    width = len(cells)
                    while width and cells[width - 1] is None:
                        width -= 1
                    check_width(file, number, width)
                if len(rows) > limits.rows:
                    raise InputError.single(file, f"sheet {title!r} has more than {limits.rows:,} rows, the limit "
                                            "(DUALUSE_MAX_ROWS); split it", row=number)
                for col, (value, formula) in enumerate(zip(cells, row_formulas, strict=False)):
                    if value is None and _is_formula(formula):
                        unsaved.append(issue(
                            file, f"cell {openpyxl.utils.get_column_letter(col + 1)}{number} of sheet {title!r} holds a "
                            "formula without a saved value (the file was written by a program that does not calculate "
                            "formulas); open the file in Excel or LibreOffice and save it again, or replace the formula "
                            "by its value", row=number))
                if all(is_empty(c) for c in cells):
                    continue
                rows.append((number, [None if is_empty(c) else c for c in cells]))
            sheets.append(Sheet(title=title, rows=rows, merged=_merged_ranges(ws)))
    finally:
        values_wb.close()
        formulas_wb.close()
    if unsaved:
        raise InputError(unsaved)
    return sheets


def read_xlsx(file: str, data: bytes, *, sheet: str | None = None, vocab: Vocabulary | None = None) -> Table:
    """Read the first sheet (or ``sheet``) of an XLSX workbook into a :class:`Table`.

    The sheet may be a flat table (a header row, possibly under a title row)
    or a form (see :mod:`dualuse.input.forms`).

    Raises:
        InputError: see :func:`read_workbook`; also an empty sheet.
    """
    from dualuse.input.forms import table_from_sheet
    from dualuse.input.headers import load_vocabulary

    found = read_workbook(file, data, sheet=sheet, first_only=True)
    return table_from_sheet(file, found[0], vocab or load_vocabulary())


def _open_workbook(file: str, data: bytes, *, data_only: bool) -> Any:
    import zipfile

    import openpyxl

    try:
        return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=data_only)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise InputError.single(file, f"not a readable .xlsx workbook ({exc})") from exc


def _merged_ranges(ws: Any) -> list[tuple[int, int, int, int]]:
    """The ``<mergeCell ref="A1:C1"/>`` ranges of a read-only worksheet, streamed from its XML."""
    from xml.etree.ElementTree import iterparse

    from openpyxl.utils.cell import range_boundaries

    get_source = getattr(ws, "_get_source", None)
    if get_source is None:
        return [(r.min_row, r.min_col, r.max_row, r.max_col) for r in getattr(ws, "merged_cells", ()).ranges]
    found: list[tuple[int, int, int, int]] = []
    with get_source() as source:
        for _, element in iterparse(source):
            tag = element.tag.rsplit("}", 1)[-1]
            if tag == "mergeCell" and element.get("ref"):
                min_col, min_row, max_col, max_row = range_boundaries(element.get("ref"))
                found.append((min_row, min_col, max_row, max_col))
            if tag in ("row", "c", "v", "is", "f"):
                element.clear()  # keep memory flat on large sheets
    return found


def _is_formula(value: Any) -> bool:
    if isinstance(value, str):
        return value.startswith("=")
    return value is not None and hasattr(value, "text") and type(value).__name__.endswith("Formula")


# ---------------------------------------------------------------------------
# columns


@dataclass(frozen=True)
class Column:
    """A resolved column: its position, header as written and meaning.

    ``match`` is ``None`` for a column dualuse does not read: it is kept
    (carried to the output as written) and reported once.
    """

    index: int
    header: str
    match: HeaderMatch | None

    @property
    def kind(self) -> FieldKind:
        m = self.match
        if m is None:
            return "text"
        if m.kind == "field":
            return SHIPMENT_FIELDS.get(m.field or "") or LINE_FIELDS[m.field or ""]
        if m.kind == "intermediary":
            return INTERMEDIARY_FIELDS[m.field or "name"]
        return "text"

    @property
    def field(self) -> str | None:
        """The canonical field for ``field`` columns, else ``None``."""
        return self.match.field if self.match is not None and self.match.kind == "field" else None

    @property
    def shipment_level(self) -> bool:
        m = self.match
        return m is not None and (m.kind == "intermediary" or (m.kind == "field" and (m.field or "") in SHIPMENT_FIELDS))


@dataclass
class Resolution:
    """What each column of a table means.

    Attributes:
        columns: the columns dualuse reads, in table order.
        kept: the columns it does not read (kept as written, carried to the output).
        unknown: ``(header, explanation)`` for each kept column that the user
            did not ask to keep (reported once, with "did you mean" where close).
        issues: problems with the header row (duplicates, unnamed columns with values).
    """

    columns: list[Column]
    kept: list[Column]
    unknown: list[tuple[str, str]]
    issues: list[InputIssue]


def resolve_columns(file: str, table: Table, vocab: Vocabulary) -> Resolution:
    """Map every header to its meaning; unknown headers become kept columns.

    Header-row problems (a column meaning the same as another, a column with
    values but no header, a parameter column without a name) are returned in
    :attr:`Resolution.issues`; a missing required column is checked after
    the whole file (or all sheets of a form) is read.
    """
    issues: list[InputIssue] = []
    columns: list[Column] = []
    kept: list[Column] = []
    unknown: list[tuple[str, str]] = []
    seen: dict[tuple[Any, ...], Column] = {}
    row = table.header_row
    width = max([len(table.headers)] + [len(cells) for _, cells in table.rows])
    for index in range(width):
        header = table.headers[index] if index < len(table.headers) else ""
        if is_empty(header):
            used = [r for r, cells in table.rows if index < len(cells) and not is_empty(cells[index])]
            if used:
                shown = ", ".join(str(r) for r in used[:5]) + (" ..." if len(used) > 5 else "")
                issues.append(issue(file, f"column {index + 1} has no header but has values (rows {shown}); "
                                    "give it a header or delete it", row=row))
            continue
        header = " ".join(str(header).split())
        match = vocab.match(header, form=index in table.fixed)
        if match is None or match.kind == "kept":
            kept.append(Column(index, header, None))
            if match is None:
                unknown.append((header, vocab.explain_unknown(header)))
            continue
        if match.kind == "ignored":
            continue
        if match.kind == "intermediary" and (match.number or 0) < 1:
            issues.append(issue(file, "unknown column: intermediaries are numbered from 1", row=row, column=header))
            continue
        if match.kind == "parameter" and not match.parameter:
            issues.append(issue(file, "a parameter column needs a name after the prefix, like param:purity_percent",
                                row=row, column=header))
            continue
        key = (match.kind, match.field, match.number, match.parameter)
        column = Column(index, header, match)
        if key in seen:
            issues.append(issue(file, f'this column means the same as column "{seen[key].header}"; '
                                "keep only one of them", row=row, column=column.header))
            continue
        seen[key] = column
        columns.append(column)
    return Resolution(columns, kept, unknown, issues)


def missing_required(file: str, present: set[str], vocab: Vocabulary, row: int | None) -> list[InputIssue]:
    """Issues for required fields that no column (and no fallback) gives.

    The id may come from a document number, the date from a document date
    (see :data:`~dualuse.input.headers.DOCUMENT_ID_ORDER`), the exporter and
    consignee from a seller and buyer.
    """
    from dualuse.input.headers import DOCUMENT_DATE_ORDER, DOCUMENT_ID_ORDER

    fallbacks = {
        "id": (*DOCUMENT_ID_ORDER, "documents.number"),
        "date": (*DOCUMENT_DATE_ORDER, "documents.date"),
        "exporter.name": ("seller.name",),
        "consignee.name": ("buyer.name",),
    }
    issues = []
    for name in REQUIRED_COLUMNS:
        if name in present or any(f in present for f in fallbacks.get(name, ())):
            continue
        hint = ""
        if name == "id":
            hint = " (a document number such as 预录入编号, 发票号 or Invoice No. also serves)"
        elif name == "destination_country":
            hint = " (运抵国, the country of arrival, is not taken as the destination: it may be a transit country)"
        issues.append(issue(file, f"no column for {vocab.label(name)}: add one headed {vocab.examples(name)} "
                            f"(or another accepted spelling){hint}", row=row))
    return issues


def duplicate_lines(file: str, lines: Iterable[dict[str, Any]], row_of: Any, column: str | None,
                    shipment_id: str) -> list[InputIssue]:
    """Issues for line numbers used twice within one shipment."""
    issues: list[InputIssue] = []
    first_seen: dict[int, int] = {}
    for i, line in enumerate(lines):
        number = line.get("line")
        if not isinstance(number, int) or isinstance(number, bool):
            continue
        if number in first_seen:
            col = column if column is not None else f"lines[{i}].line"
            issues.append(issue(file, f"line number {number} is used twice in shipment {shipment_id!r} "
                                f"(also on row {row_of(first_seen[number])})", row=row_of(i), column=col,
                                value=number))
        else:
            first_seen[number] = i
    return issues


def records_from_table(file: str, table: Table, vocab: Vocabulary | None = None, *,
                       date_order: DateOrder | None = None) -> list[Any]:
    """Group the rows of ``table`` into shipments and validate them (see :mod:`dualuse.input.builder`).

    Raises:
        InputError: problems with the header row, a missing required column,
            or a table without data rows. Problems with rows are returned in
            the records instead.
    """
    from dualuse.input.builder import read_table_records
    from dualuse.input.headers import load_vocabulary

    return read_table_records(file, table, vocab or load_vocabulary(), date_order=date_order).records
