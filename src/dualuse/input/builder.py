"""Rows of a table -> shipments: grouping, cell conversion, composite cells, fallbacks.

A :class:`~dualuse.input.tables.Table` (a flat file, or a form sheet turned
into a table) is read in two steps so that several sheets of one shipment can
be merged before anything is validated (:mod:`dualuse.input.merge`):

1. :func:`collect` reads the rows of one shipment into a :class:`Draft`: the
   shipment as a dict, where each value came from (row, column, cell) and the
   problems found. Composite cells are split (数量及单位, 单价/总价/币制,
   商品名称及规格型号); columns dualuse does not read are kept in ``extra``.
2. :func:`finish` fills what the documents give only indirectly - the id from
   a document number, the date from a document date, the exporter and
   consignee from a seller and buyer - and validates the result as a
   :class:`~dualuse.models.shipment.Shipment`, mapping every error back to
   file, row and column.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from dualuse.input.errors import MISSING, InputError, InputIssue, Loc, ParsedRecord, issue, show_value, validate_shipment
from dualuse.input.headers import (
    DOCUMENT_DATE_ORDER,
    DOCUMENT_ID_ORDER,
    PARTIES,
    STAND_INS,
    Vocabulary,
)
from dualuse.input.tables import (
    Column,
    Resolution,
    Table,
    convert,
    duplicate_lines,
    is_empty,
    missing_required,
    parameter_value,
    resolve_columns,
    to_text,
)
from dualuse.values import DateOrder

PARTY_ROLES: tuple[str, ...] = (*PARTIES, *STAND_INS)
"""Parties a table may name: the shipment's own and the stand-ins (producer, buyer, seller, notify)."""

NAME_OF = {"exporter": "exporter", "consignee": "consignee", "end_user": "end user", "producer": "production/sales unit",
           "buyer": "buyer", "seller": "seller", "notify": "notify party"}

DOCUMENT_FIELD_LABELS = {
    "documents.declaration_number": "海关编号 (declaration number)",
    "documents.pre_entry_number": "预录入编号 (pre-entry number)",
    "documents.invoice_number": "invoice number",
    "documents.contract_number": "contract number",
    "documents.order_number": "order number",
    "documents.delivery_note_number": "delivery note number",
    "documents.packing_list_number": "packing list number",
    "documents.declaration_date": "申报日期 (declaration date)",
    "documents.invoice_date": "invoice date",
    "documents.delivery_date": "delivery date",
    "documents.order_date": "order date",
    "documents.contract_date": "contract date",
}

Position = tuple[int, str | None, Any]
"""(row, column as shown in messages, raw cell value or MISSING)."""


@dataclass
class Draft:
    """One shipment as read from one table, before validation.

    Attributes:
        file: the file name for messages.
        key: the grouping key (the id cell, or the sheet for a form).
        rows: ``(row, cells)`` of the shipment's rows.
        data: the shipment as a dict in the :class:`Shipment` shape, plus the
            stand-in parties under ``_parties`` (``buyer``, ``seller`` ...).
        positions: loc -> where its value came from.
        present: canonical fields some column of the table gives.
        issues: problems found so far.
        reported: locs already reported (pydantic errors under them are dropped).
        kind: the document kind of the table (forms), if known.
        sheet: the sheet name (workbooks).
    """

    file: str
    key: str
    rows: list[tuple[int, list[Any]]]
    data: dict[str, Any] = field(default_factory=dict)
    positions: dict[Loc, Position] = field(default_factory=dict)
    present: set[str] = field(default_factory=set)
    issues: list[InputIssue] = field(default_factory=list)
    reported: list[Loc] = field(default_factory=list)
    kind: str | None = None
    sheet: str | None = None
    line_numbered: bool = False


@dataclass
class TableRead:
    """What :func:`read_table_records` made of one table.

    Attributes:
        records: one per shipment (or per row without an id), in first-seen order.
        resolution: what each column means (for ``dualuse inspect``).
    """

    records: list[ParsedRecord]
    resolution: Resolution


# ---------------------------------------------------------------------------
# one table -> drafts


def column_label(table: Table, column: Column, *, prefix_sheet: bool = False) -> str:
    """The column as messages name it: the header (a form's label), with the sheet when several are read."""
    return f"{table.sheet}: {column.header}" if prefix_sheet and table.sheet else column.header


def _row_of(table: Table, column: Column, row: int) -> int:
    fixed = table.fixed.get(column.index)
    return fixed[0] if fixed is not None else row


def drafts_from_table(file: str, table: Table, resolution: Resolution, *, date_order: DateOrder | None = None,
                      group: bool = True, prefix_sheet: bool = False) -> tuple[list[Draft], list[ParsedRecord]]:
    """Group the rows into shipments and read each into a :class:`Draft`.

    Args:
        group: group rows by the id column (flat tables); ``False`` reads the
            whole table as one shipment (a form).
        prefix_sheet: name the sheet in every column label (several sheets read).

    Returns:
        ``(drafts, orphans)``: orphans are rows without a shipment id.
    """
    columns = resolution.columns
    by_field = {c.field: c for c in columns if c.field is not None}
    # rows are grouped by the id column, else by the first document number a column gives (预录入编号, 注文番号 ...)
    id_col = next((by_field[name] for name in ("id", *DOCUMENT_ID_ORDER) if name in by_field), None)
    if not group or id_col is None:
        key = table.sheet or file
        return [collect(file, key, table.rows, table, resolution, date_order=date_order, prefix_sheet=prefix_sheet)], []
    groups: dict[str, list[tuple[int, list[Any]]]] = {}
    orphans: list[ParsedRecord] = []
    order: list[tuple[str, int]] = []
    for row, cells in table.rows:
        key = to_text(cells[id_col.index]) if not is_empty(cells[id_col.index]) else ""
        if not key:
            orphans.append(ParsedRecord(rows=[row], raw=[cells], shipment=None, issues=[
                issue(file, "shipment id is required: every row needs the id of the shipment it belongs to",
                      row=row, column=id_col.header)]))
            order.append(("", len(orphans) - 1))
            continue
        if key not in groups:
            groups[key] = []
            order.append((key, -1))
        groups[key].append((row, cells))
    drafts = [collect(file, key, groups[key], table, resolution, date_order=date_order, prefix_sheet=prefix_sheet)
              for key, _ in order if key]
    return drafts, orphans  # the caller puts both back in file order


def collect(file: str, key: str, rows: list[tuple[int, list[Any]]], table: Table, resolution: Resolution, *,
            date_order: DateOrder | None = None, prefix_sheet: bool = False) -> Draft:
    """Read the rows of one shipment into a :class:`Draft` (see the module docstring)."""
    d = Draft(file=file, key=key, rows=rows, kind=table.kind, sheet=table.sheet)
    columns = resolution.columns
    label = {c.index: column_label(table, c, prefix_sheet=prefix_sheet) for c in [*columns, *resolution.kept]}
    d.present = {c.field for c in columns if c.field is not None}
    d.line_numbered = "lines.line" in d.present
    first_row, first = rows[0] if rows else (table.header_row, [None] * len(table.headers))

    def cell(loc: Loc, row: int, cells: list[Any], column: Column) -> Any:
        raw = cells[column.index] if column.index < len(cells) else None
        where = _row_of(table, column, row)
        d.positions[loc] = (where, label[column.index], raw)
        if is_empty(raw):
            return MISSING
        try:
            return convert(column.kind, raw, date_order=date_order)
        except ValueError as exc:
            d.issues.append(issue(file, str(exc), row=where, column=label[column.index], value=raw))
            d.reported.append(loc)
            return MISSING

    # shipment-level columns repeat the same value on every row of a shipment
    shipment_cols = [c for c in columns if c.shipment_level]
    for column in shipment_cols:
        if column.index in table.fixed:
            continue
        expected = _compare_key(column, first[column.index], date_order)
        shown = show_value(_as_written(first[column.index]))
        for row, cells in rows[1:]:
            if _compare_key(column, cells[column.index], date_order) != expected:
                why = ("both goods lines are on one document and this field is one per shipment"
                       if table.layout == "form" else
                       "both rows belong to shipment " f"{key!r} and shipment columns must repeat on every line of a shipment")
                d.issues.append(issue(
                    file, f"expected the same value as row {first_row} ({shown}): {why}", row=row,
                    column=label[column.index], value=_as_written(cells[column.index])))

    data = d.data
    documents: dict[str, str] = {}
    parties: dict[str, dict[str, Any]] = {}
    by_field = {c.field: c for c in columns if c.field is not None}
    for column in shipment_cols:
        name = column.field
        if name is None:
            continue
        if name.startswith("documents."):
            value = cell((name,), first_row, first, column)
            if value is not MISSING:
                documents[_document_key(name, table.kind)] = value.isoformat() if hasattr(value, "isoformat") else str(value)
                d.positions[(_document_key(name, table.kind),)] = d.positions[(name,)]
            continue
        role, _, sub = name.partition(".")
        if sub and role in PARTY_ROLES:
            continue  # parties below
        value = cell((name,), first_row, first, column)
        if value is not MISSING:
            data[name] = value

    for role in PARTY_ROLES:
        present = [(sub, by_field[f"{role}.{sub}"]) for sub in ("name", "country", "address") if f"{role}.{sub}" in by_field]
        if not present:
            continue
        party: dict[str, Any] = {}
        for sub, column in present:
            value = cell((role, sub), first_row, first, column)
            if value is not MISSING:
                party[sub] = _strip_registration_code(value, documents, role) if sub == "name" else value
        d.positions[(role,)] = (_row_of(table, present[0][1], first_row), label[present[0][1].index], MISSING)
        filled = any(not is_empty(first[c.index]) for _, c in present)
        if not filled and role not in ("exporter", "consignee"):
            continue  # an empty end user is an unknown end user
        if "name" not in party and f"{role}.name" not in by_field:
            d.issues.append(issue(file, f"{NAME_OF[role]} name is required: add a column headed "
                                  f"\"{role.replace('_', ' ')} name\" (or an accepted spelling)",
                                  row=d.positions[(role,)][0], column=d.positions[(role,)][1],
                                  value=first[present[0][1].index]))
            d.reported.append((role,))
        parties[role] = party

    for role in PARTIES:
        if role in parties:
            data[role] = parties.pop(role)
    data["_parties"] = parties

    numbers = sorted({c.match.number or 1 for c in shipment_cols if c.match and c.match.kind == "intermediary"})
    intermediaries: list[dict[str, Any]] = []
    for number in numbers:
        group = [c for c in shipment_cols if c.match and c.match.kind == "intermediary" and c.match.number == number]
        if all(is_empty(first[c.index]) for c in group):
            continue
        index = len(intermediaries)
        party = {}
        for column in group:
            sub = column.match.field or "name" if column.match else "name"
            value = cell(("intermediaries", index, sub), first_row, first, column)
            if value is not MISSING:
                party[sub] = value
        d.positions[("intermediaries", index)] = (_row_of(table, group[0], first_row), label[group[0].index], MISSING)
        if not any(c.match and c.match.field == "name" for c in group):
            d.issues.append(issue(file, f"intermediary {number} name is required: add a column headed "
                                  f'"intermediary {number} name" (or "中间商{number}名称", "仲介者{number}名")',
                                  row=first_row, column=label[group[0].index], value=first[group[0].index]))
            d.reported.append(("intermediaries", index))
        intermediaries.append(party)
    data["intermediaries"] = intermediaries

    extra: dict[str, str] = {}
    for column in resolution.kept:
        if column.index in table.fixed and not is_empty(first[column.index]):
            extra[column.header] = to_text(first[column.index])
    data["extra"] = extra
    data["documents"] = documents
    data["lines"] = [] if table.no_goods else [
        _line(d, i, row, cells, table, resolution, label, cell) for i, (row, cells) in enumerate(rows)]
    return d


def _line(d: Draft, i: int, row: int, cells: list[Any], table: Table, resolution: Resolution,
          label: dict[int, str], cell: Any) -> dict[str, Any]:
    """One item line: plain columns, composite cells split, parameters, kept columns."""
    line: dict[str, Any] = {}
    d.positions[("lines", i)] = (row, None, MISSING)
    if not d.line_numbered:
        line["line"] = i + 1
    params: dict[str, Any] = {}
    composites: list[tuple[Column, Any]] = []
    for column in resolution.columns:
        if column.shipment_level:
            continue
        m = column.match
        if m is not None and m.kind == "parameter":
            raw = cells[column.index]
            d.positions[("lines", i, "parameters", m.parameter or "")] = (row, label[column.index], raw)
            if not is_empty(raw):
                params[m.parameter or ""] = parameter_value(raw)
            continue
        name = (column.field or "").removeprefix("lines.")
        value = cell(("lines", i, name), row, cells, column)
        if value is MISSING:
            continue
        if column.kind in ("quantity_unit", "price_total_currency", "name_spec", "amount", "quantity"):
            composites.append((column, value))
        else:
            line[name] = value
    for column, value in composites:
        _split_into(d, line, i, row, column, value, label[column.index])
    if params:
        line["parameters"] = params
    extra = {column.header: to_text(cells[column.index]) for column in resolution.kept
             if column.index not in table.fixed and column.index < len(cells) and not is_empty(cells[column.index])}
    if extra:
        line["extra"] = {**line.get("extra", {}), **extra}
    return line


def _split_into(d: Draft, line: dict[str, Any], i: int, row: int, column: Column, value: Any, label: str) -> None:
    """Put the parts of a composite cell into the line; a part that contradicts another column is an error."""
    parts: dict[str, Any] = {}
    if column.kind == "quantity_unit":
        (quantity, unit), *more = value
        parts["quantity"] = quantity
        if unit is not None:
            parts["unit"] = unit
        for n, (q, u) in enumerate(more, start=2):
            line.setdefault("extra", {})[f"{column.header} ({n})"] = f"{q:g} {u or ''}".strip()
    elif column.kind == "price_total_currency":
        unit_price, total, currency = value
        parts.update({"unit_price": unit_price, "value": total, "currency": currency})
    elif column.kind == "name_spec":
        name, spec = value
        parts.update({"description": name, "specification": spec})
    elif column.kind == "amount":
        amount, currency = value
        parts.update({"value": amount, "currency": currency})
    elif column.kind == "quantity":
        quantity, unit = value
        parts.update({"quantity": quantity, "unit": unit})
    raw = d.positions.get(("lines", i, (column.field or "").removeprefix("lines.")), (row, label, MISSING))[2]
    for name, part in parts.items():
        if part is None:
            continue
        have = line.get(name)
        if have is not None and have != part:
            d.issues.append(issue(d.file, f"this cell gives {name} {show_value(part)}, but another column of the "
                                  f"line gives {show_value(have)}", row=row, column=label, value=raw))
            d.reported.append(("lines", i, name))
            continue
        line[name] = part
        d.positions.setdefault(("lines", i, name), (row, label, raw))


def _document_key(name: str, kind: str | None) -> str:
    """``documents.invoice_number`` -> ``invoice_number``; a form's own ``documents.number`` by its kind."""
    key = name.removeprefix("documents.")
    if key in ("number", "date"):
        return f"{kind or 'document'}_{key}"
    return key


_CODE_PREFIX = re.compile(r"^\s*[(（\[]\s*([0-9A-Z]{18}|[0-9A-Z]{10})\s*[)）\]]\s*|\s*[(（\[]\s*([0-9A-Z]{18}|[0-9A-Z]{10})\s*[)）\]]\s*$")


def _strip_registration_code(name: Any, documents: dict[str, str], role: str) -> Any:
    """Declarations print a party's 18-character credit code or 10-character customs code in brackets
    before its name: keep the code as a document reference, not as part of the name."""
    if not isinstance(name, str):
        return name
    m = _CODE_PREFIX.search(name)
    if not m or not any(ch.isdigit() for ch in (m.group(1) or m.group(2) or "")):
        return name
    documents[f"{role}_code"] = m.group(1) or m.group(2)
    return (name[: m.start()] + name[m.end():]).strip() or name


def _as_written(value: Any) -> Any:
    return "" if value is None else value


def _compare_key(column: Column, value: Any, date_order: DateOrder | None) -> Any:
    if is_empty(value):
        return ""
    try:
        return convert(column.kind, value, date_order=date_order)
    except ValueError:
        return ("raw", to_text(value))


# ---------------------------------------------------------------------------
# draft -> shipment


def _same_name(a: str, b: str) -> bool:
    from dualuse.input.headers import normalize_header

    return normalize_header(a) == normalize_header(b)


def finish(d: Draft) -> ParsedRecord:
    """Fill the fields the documents give indirectly and validate the shipment."""
    data = {k: v for k, v in d.data.items() if not k.startswith("_")}
    notes: list[str] = list(data.get("notes") or [])
    documents: dict[str, str] = data.get("documents") or {}
    first_row = d.rows[0][0] if d.rows else None

    if "id" not in data:
        for name in (*DOCUMENT_ID_ORDER, "documents.number"):
            key = _document_key(name, d.kind) if name == "documents.number" else name.removeprefix("documents.")
            if documents.get(key):
                data["id"] = documents[key]
                d.positions[("id",)] = d.positions.get((key,), (first_row, None, MISSING))
                label = DOCUMENT_FIELD_LABELS.get(name, key.replace("_", " "))
                notes.append(f"shipment id taken from the {label}")
                break
    if "date" not in data and ("date",) not in d.reported:
        for name in (*DOCUMENT_DATE_ORDER, "documents.date"):
            key = _document_key(name, d.kind) if name == "documents.date" else name.removeprefix("documents.")
            if documents.get(key):
                data["date"] = documents[key]
                d.positions[("date",)] = d.positions.get((key,), (first_row, None, MISSING))
                label = DOCUMENT_FIELD_LABELS.get(name, key.replace("_", " "))
                notes.append(f"shipment date taken from the {label} ({documents[key]}): the document gives no export date")
                break

    parties = d.data.get("_parties") or {}
    intermediaries = list(data.get("intermediaries") or [])
    for role, (stands_for, intermediary_role) in STAND_INS.items():
        party = parties.get(role)
        if not party or not party.get("name"):
            continue
        if role == "producer":
            data["producer"] = party
            d.positions[("producer",)] = d.positions.get((role,), (first_row, None, MISSING))
            continue
        if stands_for is not None and not (data.get(stands_for) or {}).get("name"):
            data[stands_for] = party
            d.positions[(stands_for,)] = d.positions.get((role,), (first_row, None, MISSING))
            for sub in ("name", "country", "address"):
                if (role, sub) in d.positions:
                    d.positions[(stands_for, sub)] = d.positions[(role, sub)]
            notes.append(f"{NAME_OF[stands_for]} taken from the {NAME_OF[role]} ({party['name']})")
            continue
        if stands_for is not None and _same_name(data[stands_for].get("name", ""), party["name"]):
            continue
        index = len(intermediaries)
        intermediaries.append({**party, "role": intermediary_role})
        d.positions[("intermediaries", index)] = d.positions.get((role,), (first_row, None, MISSING))
        for sub in ("name", "country", "address"):
            if (role, sub) in d.positions:
                d.positions[("intermediaries", index, sub)] = d.positions[(role, sub)]
    data["intermediaries"] = intermediaries
    if "end_user" not in data:
        data["end_user"] = None
    if notes:
        data["notes"] = notes

    shipment_id = str(data.get("id") or d.key)
    issues = list(d.issues)
    issues.extend(duplicate_lines(d.file, data.get("lines") or [], lambda i: d.positions[("lines", i)][0],
                                  d.positions.get(("lines", 0, "line"), (None, None, None))[1] if d.line_numbered else None,
                                  shipment_id))

    def locate(loc: Loc, err: dict[str, Any]) -> tuple[int | None, str | None, Any]:
        for k in range(len(loc), 0, -1):
            found = d.positions.get(loc[:k])
            if found is not None:
                row, column, raw = found
                if k < len(loc) or is_empty(raw):
                    raw = MISSING
                return row, column, raw
        return first_row, None, MISSING

    shipment, more = validate_shipment(data, d.file, locate, d.reported)
    issues.extend(more)
    return ParsedRecord(rows=[r for r, _ in d.rows], raw=[cells for _, cells in d.rows],
                        shipment=None if issues else shipment, issues=issues, shipment_id=shipment_id)


# ---------------------------------------------------------------------------
# the whole table


def read_table_records(file: str, table: Table, vocab: Vocabulary, *, date_order: DateOrder | None = None) -> TableRead:
    """A flat table (or one form sheet) -> validated records.

    Raises:
        InputError: header-row problems, a missing required column, or no
            data rows (a file with only a header is not 0 shipments).
    """
    resolution = resolve_columns(file, table, vocab)
    issues = list(resolution.issues)
    present = {c.field for c in resolution.columns if c.field is not None}
    issues.extend(missing_required(file, present, vocab, table.header_row))
    if issues:
        raise InputError(issues)
    if table.no_goods and not table.goods_header:
        raise InputError.single(file, "no goods table found: expected a header row of item lines (项号, 商品名称, "
                                "Description, Quantity ...) and one row per item", row=table.header_row)
    if not table.rows or table.no_goods:
        what = "goods lines below the goods table's header" if table.layout == "form" else "data rows below the header"
        raise InputError.single(file, f"no {what}: expected one row per item line (a file with only a header "
                                "has no shipments to screen)", row=table.header_row)
    drafts, orphans = drafts_from_table(file, table, resolution, date_order=date_order, group=table.layout != "form")
    records = [finish(d) for d in drafts] + orphans
    records.sort(key=lambda r: r.rows[0] if r.rows else 0)
    return TableRead(records, resolution)


def iter_issues(records: list[ParsedRecord]) -> Iterator[InputIssue]:
    """Every issue of ``records``."""
    for record in records:
        yield from record.issues
