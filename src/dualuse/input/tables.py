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
import io
import math
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from dualuse.input.errors import (
    DATE_EXPECTED,
    MISSING,
    SHARE_EXPECTED,
    InputError,
    InputIssue,
    Loc,
    ParsedRecord,
    issue,
    show_value,
    validate_shipment,
)
from dualuse.input.headers import (
    INTERMEDIARY_FIELDS,
    LINE_FIELDS,
    PARTIES,
    REQUIRED_COLUMNS,
    SHIPMENT_FIELDS,
    FieldKind,
    HeaderMatch,
    Vocabulary,
    load_vocabulary,
)

DELIMITERS = (",", "\t", ";")

# ---------------------------------------------------------------------------
# cell values


def is_empty(value: Any) -> bool:
    """True for ``None`` and blank strings."""
    return value is None or (isinstance(value, str) and not value.strip())


_DATE_FORMS = (
    re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})"),
    re.compile(r"(\d{4})/(\d{1,2})/(\d{1,2})"),
    re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日"),
    re.compile(r"(\d{4})(\d{2})(\d{2})"),
)


def parse_date(value: Any) -> dt.date:
    """A date from a cell: a date/datetime, or ``2026-03-02``, ``2026/3/2``,
    ``2026年3月2日``, ``20260302`` (as text, or an 8-digit number).

    Raises:
        ValueError: anything else, with a message saying what was expected.
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        raise ValueError(DATE_EXPECTED)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if float(value).is_integer() and 10_000_000 <= value <= 99_999_999:
            value = str(int(value))
        else:
            raise ValueError(DATE_EXPECTED + " (the cell is a plain number; format it as a date)")
    if not isinstance(value, str):
        raise ValueError(DATE_EXPECTED)
    text = "".join(unicodedata.normalize("NFKC", value).split())
    for form in _DATE_FORMS:
        m = form.fullmatch(text)
        if m:
            year, month, day = (int(g) for g in m.groups())
            try:
                return dt.date(year, month, day)
            except ValueError:
                raise ValueError(f"{DATE_EXPECTED} ({text} is not a calendar date)") from None
    raise ValueError(DATE_EXPECTED + " (also accepted: 2026/03/02, 2026年3月2日, 20260302)")


_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
_THOUSANDS = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?")


def parse_number(value: Any) -> float:
    """A finite number from a cell: a number, or text like ``1234.5``,
    ``1,234.5``, ``1.2e3`` (full-width digits accepted).

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
            raise ValueError("expected a number like 1234.5")
        number = float(text)
    else:
        raise ValueError("expected a number")
    if not math.isfinite(number):
        raise ValueError("expected a finite number")
    return number


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


def convert(kind: FieldKind, value: Any) -> Any:
    """Convert a non-empty cell to the field's type (raises ValueError)."""
    if kind == "date":
        return parse_date(value)
    if kind == "number":
        return parse_number(value)
    if kind == "share":
        return parse_share(value)
    if kind == "int":
        return parse_int(value)
    if kind == "hs":
        return parse_hs(value)
    if kind == "country":
        return unicodedata.normalize("NFKC", to_text(value)).strip().upper()
    return to_text(value)


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

    Attributes:
        headers: header cells as written (``""`` for an empty header cell).
        header_row: the header's row number.
        rows: ``(row number, cells)`` for every non-blank data row; cells are
            padded to at least ``len(headers)``.
        delimiter: CSV delimiter, ``None`` for XLSX.
        sheet: XLSX sheet name, ``None`` for CSV.
    """

    headers: list[str]
    header_row: int
    rows: list[tuple[int, list[Any]]]
    delimiter: str | None = None
    sheet: str | None = None


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
    delim = delimiter or sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim, strict=True)
    records: list[tuple[int, list[str]]] = []
    start = 1
    try:
        for cells in reader:
            if any(c.strip() for c in cells):
                records.append((start, cells))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise InputError.single(file, f"malformed CSV ({exc}); check the quotes on this row",
                                row=reader.line_num) from exc
    if not records:
        raise InputError.single(file, "the file is empty: expected a header row and one row per item line")
    header_row, headers = records[0]
    width = len(headers)
    rows = [(r, cells + [""] * (width - len(cells))) for r, cells in records[1:]]
    return Table(headers=headers, header_row=header_row, rows=rows, delimiter=delim)


def read_xlsx(file: str, data: bytes, *, sheet: str | None = None) -> Table:
    """Read the first sheet (or ``sheet``) of an XLSX workbook into a :class:`Table`.

    Cells keep their types: numbers, dates (as ``datetime``), text. Formulas
    give the value Excel saved with them; a formula saved without a value
    (files written by programs that do not calculate) is an error rather than
    an empty cell.

    Raises:
        InputError: not a workbook, no such sheet, no header row, or formulas
            without saved values.
    """
    import openpyxl

    values = _open_sheet(file, data, sheet, data_only=True)
    formulas = _open_sheet(file, data, sheet, data_only=False)
    try:
        ws, ws_formulas = values[1], formulas[1]
        headers: list[str] | None = None
        header_row = 0
        rows: list[tuple[int, list[Any]]] = []
        unsaved: list[tuple[int, int]] = []
        start = ws.min_row or 1
        pairs = zip(ws.iter_rows(values_only=True), ws_formulas.iter_rows(values_only=True), strict=False)
        for number, (row_values, row_formulas) in enumerate(pairs, start=start):
            cells = list(row_values)
            for col, (value, formula) in enumerate(zip(cells, row_formulas, strict=False)):
                if value is None and _is_formula(formula):
                    unsaved.append((number, col))
            if all(is_empty(c) for c in cells):
                continue
            if headers is None:
                while cells and is_empty(cells[-1]):
                    cells.pop()
                headers = ["" if c is None else to_text(c) for c in cells]
                header_row = number
            else:
                rows.append((number, cells))
        title = ws.title
    finally:
        values[0].close()
        formulas[0].close()
    if unsaved:
        raise InputError([
            issue(file, f"cell {openpyxl.utils.get_column_letter(col + 1)}{row} holds a formula without a saved "
                  "value (the file was written by a program that does not calculate formulas); open the file in "
                  "Excel or LibreOffice and save it again, or replace the formula by its value",
                  row=row, column=(headers[col] if headers and col < len(headers) and headers[col] else None))
            for row, col in unsaved])
    if headers is None:
        raise InputError.single(file, f"sheet {title!r} is empty: expected a header row and one row per item line")
    width = len(headers)
    rows = [(r, [None if is_empty(c) else c for c in cells] + [None] * (width - len(cells))) for r, cells in rows]
    return Table(headers=headers, header_row=header_row, rows=rows, sheet=title)


def _open_sheet(file: str, data: bytes, sheet: str | None, *, data_only: bool) -> tuple[Any, Any]:
    import zipfile

    import openpyxl

    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=data_only)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise InputError.single(file, f"not a readable .xlsx workbook ({exc})") from exc
    if sheet is None:
        return wb, wb.worksheets[0]
    if sheet in wb.sheetnames:
        return wb, wb[sheet]
    names = ", ".join(repr(n) for n in wb.sheetnames)
    wb.close()
    raise InputError.single(file, f"no sheet named {sheet!r}; the workbook has {names}")


def _is_formula(value: Any) -> bool:
    if isinstance(value, str):
        return value.startswith("=")
    return value is not None and hasattr(value, "text") and type(value).__name__.endswith("Formula")


# ---------------------------------------------------------------------------
# columns


@dataclass(frozen=True)
class Column:
    """A resolved column: its position, header as written and meaning."""

    index: int
    header: str
    match: HeaderMatch

    @property
    def kind(self) -> FieldKind:
        m = self.match
        if m.kind == "field":
            return SHIPMENT_FIELDS.get(m.field or "") or LINE_FIELDS[m.field or ""]
        if m.kind == "intermediary":
            return INTERMEDIARY_FIELDS[m.field or "name"]
        return "text"

    @property
    def shipment_level(self) -> bool:
        m = self.match
        return m.kind == "intermediary" or (m.kind == "field" and (m.field or "") in SHIPMENT_FIELDS)


def resolve_columns(file: str, table: Table, vocab: Vocabulary) -> list[Column]:
    """Map every header to its meaning.

    Raises:
        InputError: unknown headers, duplicates, unnamed columns with values,
            or missing required columns (all listed).
    """
    issues: list[InputIssue] = []
    columns: list[Column] = []
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
        match = vocab.match(header)
        if match is None:
            issues.append(issue(file, vocab.explain_unknown(header), row=row, column=header.strip()))
            continue
        if match.kind == "ignored":
            continue
        if match.kind == "intermediary" and (match.number or 0) < 1:
            issues.append(issue(file, "unknown column: intermediaries are numbered from 1", row=row,
                                column=header.strip()))
            continue
        if match.kind == "parameter" and not match.parameter:
            issues.append(issue(file, "a parameter column needs a name after the prefix, like param:purity_percent",
                                row=row, column=header.strip()))
            continue
        key = (match.kind, match.field, match.number, match.parameter)
        column = Column(index, header.strip(), match)
        if key in seen:
            issues.append(issue(file, f'this column means the same as column "{seen[key].header}"; '
                                "keep only one of them", row=row, column=column.header))
            continue
        seen[key] = column
        columns.append(column)
    present = {c.match.field for c in columns if c.match.kind == "field"}
    for name in REQUIRED_COLUMNS:
        if name not in present:
            issues.append(issue(file, f"no column for {vocab.label(name)}: add one headed "
                                f"{vocab.examples(name)} (or another accepted spelling)", row=row))
    if issues:
        raise InputError(issues)
    return columns


# ---------------------------------------------------------------------------
# rows -> shipments


def records_from_table(file: str, table: Table, vocab: Vocabulary | None = None) -> list[ParsedRecord]:
    """Group the rows of ``table`` into shipments and validate them.

    Raises:
        InputError: problems with the header row (see :func:`resolve_columns`).
            Problems with rows are returned in the records instead.
    """
    vocab = vocab or load_vocabulary()
    columns = resolve_columns(file, table, vocab)
    id_col = next(c for c in columns if c.match.kind == "field" and c.match.field == "id")
    groups: dict[str, list[tuple[int, list[Any]]]] = {}
    records: list[ParsedRecord] = []
    order: list[str | int] = []  # shipment ids, or indexes into orphans, in first-seen order
    orphans: list[ParsedRecord] = []
    for row, cells in table.rows:
        key = to_text(cells[id_col.index]) if not is_empty(cells[id_col.index]) else ""
        if not key:
            orphans.append(ParsedRecord(rows=[row], raw=[cells], shipment=None, issues=[
                issue(file, "shipment id is required: every row needs the id of the shipment it belongs to",
                      row=row, column=id_col.header)]))
            order.append(len(orphans) - 1)
            continue
        if key not in groups:
            groups[key] = []
            order.append(key)
        groups[key].append((row, cells))
    for key in order:
        if isinstance(key, int):
            records.append(orphans[key])
        else:
            records.append(_build(file, key, groups[key], columns, vocab))
    return records


@dataclass
class _Builder:
    file: str
    shipment_id: str
    rows: list[tuple[int, list[Any]]]
    issues: list[InputIssue] = field(default_factory=list)
    reported: list[Loc] = field(default_factory=list)
    positions: dict[Loc, tuple[int, str | None, Any]] = field(default_factory=dict)

    def cell(self, loc: Loc, row: int, cells: list[Any], column: Column) -> Any:
        """Record where ``loc`` comes from and return the converted cell, or MISSING."""
        raw = cells[column.index]
        self.positions[loc] = (row, column.header, raw)
        if is_empty(raw):
            return MISSING
        try:
            return convert(column.kind, raw)
        except ValueError as exc:
            self.issues.append(issue(self.file, str(exc), row=row, column=column.header, value=raw))
            self.reported.append(loc)
            return MISSING


def _as_written(value: Any) -> Any:
    return "" if value is None else value


def _compare_key(column: Column, value: Any) -> Any:
    if is_empty(value):
        return ""
    try:
        return convert(column.kind, value)
    except ValueError:
        return ("raw", to_text(value))


def _build(file: str, shipment_id: str, rows: list[tuple[int, list[Any]]], columns: list[Column],
           vocab: Vocabulary) -> ParsedRecord:
    b = _Builder(file, shipment_id, rows)
    first_row, first = rows[0]
    shipment_cols = [c for c in columns if c.shipment_level]
    line_cols = [c for c in columns if not c.shipment_level]

    # shipment-level columns must repeat the same value on every row
    for column in shipment_cols:
        expected = _compare_key(column, first[column.index])
        shown = show_value(_as_written(first[column.index]))
        for row, cells in rows[1:]:
            if _compare_key(column, cells[column.index]) != expected:
                b.issues.append(issue(
                    file, f"expected the same value as row {first_row} ({shown}): both rows belong to shipment "
                    f"{shipment_id!r} and shipment columns must repeat on every line of a shipment",
                    row=row, column=column.header, value=_as_written(cells[column.index])))

    by_field = {c.match.field: c for c in columns if c.match.kind == "field"}
    data: dict[str, Any] = {}
    for name in ("id", "date", "destination_country", "end_use"):
        column = by_field.get(name)
        if column is not None:
            value = b.cell((name,), first_row, first, column)
            if value is not MISSING:
                data[name] = value

    for role in PARTIES:
        party: dict[str, Any] = {}
        present = [(sub, by_field[f"{role}.{sub}"]) for sub in ("name", "country", "address")
                   if f"{role}.{sub}" in by_field]
        for sub, column in present:
            value = b.cell((role, sub), first_row, first, column)
            if value is not MISSING:
                party[sub] = value
        if present:
            b.positions[(role,)] = (first_row, present[0][1].header, MISSING)
        filled = any(not is_empty(first[c.index]) for _, c in present)
        if role == "end_user" and not filled:
            data[role] = None
            continue
        if filled and f"{role}.name" not in by_field:
            b.issues.append(issue(file, f"{NAME_OF[role]} name is required: add a column headed "
                                  f"{vocab.examples(f'{role}.name')}", row=first_row, column=present[0][1].header,
                                  value=first[present[0][1].index]))
            b.reported.append((role,))
        data[role] = party

    numbers = sorted({c.match.number or 1 for c in shipment_cols if c.match.kind == "intermediary"})
    intermediaries: list[dict[str, Any]] = []
    for number in numbers:
        group = [c for c in shipment_cols if c.match.kind == "intermediary" and c.match.number == number]
        if all(is_empty(first[c.index]) for c in group):
            continue
        index = len(intermediaries)
        party = {}
        for column in group:
            value = b.cell(("intermediaries", index, column.match.field or "name"), first_row, first, column)
            if value is not MISSING:
                party[column.match.field or "name"] = value
        b.positions[("intermediaries", index)] = (first_row, group[0].header, MISSING)
        if not any(c.match.field == "name" for c in group):
            b.issues.append(issue(file, f"intermediary {number} name is required: add a column headed "
                                  f'"intermediary {number} name" (or "中间商{number}名称", "仲介者{number}名")',
                                  row=first_row, column=group[0].header, value=first[group[0].index]))
            b.reported.append(("intermediaries", index))
        intermediaries.append(party)
    data["intermediaries"] = intermediaries

    lines: list[dict[str, Any]] = []
    has_line_column = "lines.line" in by_field
    for i, (row, cells) in enumerate(rows):
        line: dict[str, Any] = {}
        b.positions[("lines", i)] = (row, None, MISSING)
        if not has_line_column:
            line["line"] = i + 1
        params: dict[str, Any] = {}
        for column in line_cols:
            m = column.match
            if m.kind == "parameter":
                raw = cells[column.index]
                b.positions[("lines", i, "parameters", m.parameter or "")] = (row, column.header, raw)
                if not is_empty(raw):
                    params[m.parameter or ""] = parameter_value(raw)
                continue
            name = (m.field or "").removeprefix("lines.")
            value = b.cell(("lines", i, name), row, cells, column)
            if value is not MISSING:
                line[name] = value
        if params:
            line["parameters"] = params
        lines.append(line)
    data["lines"] = lines
    b.issues.extend(duplicate_lines(file, lines, lambda i: b.positions[("lines", i)][0],
                                    by_field["lines.line"].header if has_line_column else None, shipment_id))

    def locate(loc: Loc, err: dict[str, Any]) -> tuple[int | None, str | None, Any]:
        for k in range(len(loc), 0, -1):
            found = b.positions.get(loc[:k])
            if found is not None:
                row, column, raw = found
                if k < len(loc) or is_empty(raw):
                    raw = MISSING
                return row, column, raw
        return first_row, None, MISSING

    shipment, issues = validate_shipment(data, file, locate, b.reported)
    all_issues = b.issues + issues
    return ParsedRecord(rows=[r for r, _ in rows], raw=[cells for _, cells in rows],
                        shipment=None if all_issues else shipment, issues=all_issues, shipment_id=shipment_id)


NAME_OF = {"exporter": "exporter", "consignee": "consignee", "end_user": "end user"}


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
