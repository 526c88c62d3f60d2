"""Workbook sheets laid out as documents: a title, a header block, a goods table.

A customs declaration, an invoice or a packing list kept in Excel is a form,
not a flat table: a title row (中华人民共和国海关出口货物报关单), a block of
label-value pairs (境内发货人 … 运抵国（地区） …), then the goods table with its
own header row (项号, 商品编号, 商品名称及规格型号 …), sometimes totals and
signatures below. :func:`table_from_sheet` finds that structure and turns the
sheet into one :class:`~dualuse.input.tables.Table`:

* the **goods header** is the first row with at least two headers of item
  lines that the vocabulary knows (项号, 商品编号, Description, Quantity ...);
  a header cell merged over several columns covers them all (their cells are
  joined, one per line: 单价 | 总价 | 币制 under one 单价/总价/币制 header
  read as ``12.5\\n6250\\n美元``), and a second header row under merged cells
  gives the sub-headers;
* rows **above** it that hold only one cell are title rows; any other rows
  above it make the sheet a form, read as label-value pairs: ``label: value``
  in one cell, a label with its value in the next cell to the right, or a
  row of labels with the values in the row below; merged value cells count
  once;
* **goods rows** follow the header until a total row (合计, Total), a row of
  labels, or the end; a row without a line number under an item carries the
  item's continued text (a second line of the name and specification);
* label-value pairs **below** the goods table (申报单位 ...) join the header
  block; text that is neither a label nor a value is kept, named by its cell.

A sheet with a title row above an ordinary header row stays a flat table.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

from dualuse.input.errors import InputError
from dualuse.input.headers import LINE_FIELDS, HeaderMatch, Vocabulary
from dualuse.input.tables import Sheet, Table, is_empty, to_text

_COLON = re.compile(r"\s*[:：]\s*")


def cell_ref(row: int, col: int) -> str:
    """``(3, 1)`` -> ``"B3"`` (``col`` 0-based)."""
    from openpyxl.utils import get_column_letter

    return f"{get_column_letter(col + 1)}{row}"


@dataclass(frozen=True)
class Label:
    """A cell read as a label: its text, meaning (``None``: unknown) and any value in the same cell."""

    text: str
    match: HeaderMatch | None
    inline: str | None


def match_label(text: str, vocab: Vocabulary) -> HeaderMatch | None:
    """What a form label means (bilingual labels such as ``发票号 Invoice No.`` match by their parts)."""
    m = vocab.match(text.strip().rstrip(":："), form=True)
    return m if m is not None and m.kind in ("field", "intermediary", "parameter", "kept", "ignored") else None


def read_label(value: Any, vocab: Vocabulary) -> Label | None:
    """The cell as a label, or ``None`` when it is not one (a value, or text that names nothing).

    ``label：value`` and ``label`` + newline + ``value`` carry their value inline;
    an unknown text ending in a colon is an unknown label.
    """
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text:
        return None
    first, _, rest = text.partition("\n")
    first = first.strip()
    parts = _COLON.split(first, maxsplit=1)
    if len(parts) == 2 and parts[0]:
        head, tail = parts
        inline = "\n".join(p for p in (tail.strip(), rest.strip()) if p) or None
        m = match_label(head, vocab)
        if m is not None or (len(head) <= 40 and not head[-1].isdigit()):
            return Label(head.strip(), m, inline)
    whole = match_label(first, vocab)
    if whole is not None:
        return Label(first.rstrip(":："), whole, rest.strip() or None)
    return None


def _known(value: Any, vocab: Vocabulary) -> HeaderMatch | None:
    if not isinstance(value, str) or is_empty(value):
        return None
    return vocab.match(" ".join(value.split()))


def _is_line_header(m: HeaderMatch | None) -> bool:
    return m is not None and (m.kind == "parameter" or (m.kind == "field" and (m.field or "") in LINE_FIELDS))


def find_goods_header(sheet: Sheet, vocab: Vocabulary) -> int | None:
    """Index (into ``sheet.rows``) of the goods table's header row, or ``None`` when there is none."""
    for index, (_, cells) in enumerate(sheet.rows):
        matches = [_known(c, vocab) for c in cells]
        if sum(1 for m in matches if _is_line_header(m)) >= 2:
            return index
    return None


def table_from_sheet(file: str, sheet: Sheet, vocab: Vocabulary) -> Table:
    """Turn a sheet into a :class:`Table` (a flat table, or a form; see the module docstring).

    Raises:
        InputError: the sheet is empty.
    """
    if not sheet.rows:
        raise InputError.single(file, f"sheet {sheet.title!r} is empty: expected a header row and one row per item line")
    grid = _Grid(sheet)
    header_index = find_goods_header(sheet, vocab)
    if header_index is None:  # a table without two item-line headers: the first row of mostly known headers
        for index, (_, cells) in enumerate(sheet.rows):
            known = sum(1 for c in cells if _known(c, vocab) is not None)
            filled = sum(1 for c in cells if not is_empty(c))
            if known >= 2 and known * 2 >= filled:
                header_index = index
                break
    above = sheet.rows[: header_index if header_index is not None else len(sheet.rows)]
    titles = [r for r in above if sum(1 for c in r[1] if not is_empty(c)) == 1 and read_label(_first(r[1]), vocab) is None]
    if header_index is not None and len(titles) == len(above):
        return _flat(sheet, grid, header_index, titles, vocab)
    return _form(file, sheet, grid, header_index, vocab)


def _first(cells: list[Any]) -> Any:
    return next((c for c in cells if not is_empty(c)), None)


class _Grid:
    """Cell access by (row, column) with merged ranges resolved to their top-left cell."""

    def __init__(self, sheet: Sheet) -> None:
        self.cells = {row: cells for row, cells in sheet.rows}
        self.anchor: dict[tuple[int, int], tuple[int, int]] = {}
        self.span: dict[tuple[int, int], tuple[int, int, int, int]] = {}
        for r0, c0, r1, c1 in sheet.merged:
            self.span[(r0, c0 - 1)] = (r0, c0 - 1, r1, c1 - 1)
            for r in range(r0, r1 + 1):
                for c in range(c0 - 1, c1):
                    if (r, c) != (r0, c0 - 1):
                        self.anchor[(r, c)] = (r0, c0 - 1)

    def get(self, row: int, col: int) -> Any:
        cells = self.cells.get(row)
        return cells[col] if cells is not None and col < len(cells) else None

    def covered(self, row: int, col: int) -> bool:
        """True for a cell inside a merged range other than its top-left cell."""
        return (row, col) in self.anchor


def _header_columns(sheet: Sheet, grid: _Grid, header_index: int, vocab: Vocabulary) -> tuple[list[str], dict[int, int], int, list[str]]:
    """Headers of a table's header row with merged cells and a sub-header row resolved.

    Returns:
        ``(headers, continuation, rows used, notes)``: ``continuation`` maps a
        column covered by a merged header to the column that holds the header;
        ``rows used`` is 1, or 2 with a sub-header row.
    """
    row, cells = sheet.rows[header_index]
    width = max(len(c) for _, c in sheet.rows)
    headers = ["" if is_empty(c) else " ".join(to_text(c).split()) for c in cells] + [""] * (width - len(cells))
    notes: list[str] = []
    continuation: dict[int, int] = {}
    merged_cols: set[int] = set()
    for col in range(width):
        span = grid.span.get((row, col))
        if span and span[3] > col:
            for c in range(col + 1, span[3] + 1):
                continuation[c] = col
                merged_cols.add(c)
            merged_cols.add(col)
    used = 1
    if header_index + 1 < len(sheet.rows) and merged_cols:
        sub_row, sub_cells = sheet.rows[header_index + 1]
        filled = [(c, v) for c, v in enumerate(sub_cells) if not is_empty(v)]
        if sub_row == row + 1 and filled and all(c in merged_cols and _known(v, vocab) is not None for c, v in filled):
            for c, v in filled:
                headers[c] = " ".join(to_text(v).split())
                continuation.pop(c, None)
            # the merged header's own column keeps its text only if no sub-header replaced it
            notes.append(f"row {sub_row}: sub-headers under the merged header cells of row {row}")
            used = 2
    owners: dict[int, list[int]] = {}
    for c, owner in continuation.items():
        owners.setdefault(owner, []).append(c)
    for owner, covered in owners.items():
        letters = [cell_ref(row, c)[: -len(str(row))] for c in sorted(covered)]
        span = letters[0] if len(letters) == 1 else f"{letters[0]}-{letters[-1]}"
        notes.append(f"header {cell_ref(row, owner)} ({headers[owner]!r}) is merged over {span}: its cells are read "
                     "together, one per line")
    return headers, continuation, used, notes


def _fold_continuation(cells: list[Any], continuation: dict[int, int]) -> list[Any]:
    """Join the cells under a merged header into its first column, one per line."""
    out = list(cells)
    for col in sorted(continuation):
        owner = continuation[col]
        if col < len(out) and not is_empty(out[col]):
            base = out[owner] if owner < len(out) else None
            out[owner] = to_text(out[col]) if is_empty(base) else f"{to_text(base)}\n{to_text(out[col])}"
            out[col] = None
    return out


def _flat(sheet: Sheet, grid: _Grid, header_index: int, titles: list[tuple[int, list[Any]]], vocab: Vocabulary) -> Table:
    headers, continuation, used, notes = _header_columns(sheet, grid, header_index, vocab)
    while headers and not headers[-1]:
        headers.pop()
    rows = [(r, _fold_continuation(cells, continuation)) for r, cells in sheet.rows[header_index + used:]]
    width = max([len(headers)] + [len(c) for _, c in rows])
    rows = [(r, cells + [None] * (width - len(cells))) for r, cells in rows]
    title = " ".join(to_text(_first(t[1])) for t in titles) or None
    if title:
        notes.insert(0, f"title row{'s' if len(titles) > 1 else ''} above the header: {title!r}")
    return Table(headers=headers, header_row=sheet.rows[header_index][0], rows=rows, sheet=sheet.title,
                 layout="table", title=title, notes=notes)


@dataclass
class _Pair:
    label: str
    match: HeaderMatch | None
    value: Any
    row: int
    col: int


def _form(file: str, sheet: Sheet, grid: _Grid, header_index: int | None, vocab: Vocabulary) -> Table:
    notes: list[str] = []
    if header_index is not None:
        headers, continuation, used, header_notes = _header_columns(sheet, grid, header_index, vocab)
        notes.extend(header_notes)
        header_row = sheet.rows[header_index][0]
        block = sheet.rows[:header_index]
        goods, after = _goods_rows(sheet.rows[header_index + used:], headers, continuation, vocab)
        while headers and not headers[-1]:
            headers.pop()
    else:
        headers, continuation, header_row, block, goods, after = [], {}, sheet.rows[0][0], sheet.rows, [], []
        notes.append("no goods table found (no row with two or more item-line headers)")
    title_rows = []
    for r, cells in block:  # the single-cell rows at the top that are not labels
        filled = [c for c in cells if not is_empty(c)]
        if len(filled) != 1 or read_label(filled[0], vocab) is not None:
            break
        title_rows.append((r, cells))
    title = " / ".join(to_text(_first(t[1])) for t in title_rows) or None
    pairs, loose = _pairs([row for row in block if row not in title_rows] + after, grid, vocab)
    kind = vocab.document_kind(sheet.title) or (vocab.document_kind(title) if title else None)
    if kind is None:
        kinds = Counter(k for p in pairs if (k := vocab.kind_of(p.label)) is not None)
        kind = kinds.most_common(1)[0][0] if kinds else None
    if title:
        notes.insert(0, f"title: {title!r}")
    notes.insert(0 if not title else 1, f"form: {len(pairs)} label-value pair(s) in the header block, goods table "
                 + (f"header on row {header_row}, {len(goods)} goods row(s)" if header_index is not None else "not found"))
    for r, c, text in loose:
        pairs.append(_Pair(f"cell {cell_ref(r, c)}", HeaderMatch("kept"), text, r, c))
        notes.append(f"cell {cell_ref(r, c)} ({text!r}) is neither a label nor a value: kept as written")
    pairs = _dedupe_pairs(pairs)
    width = len(headers)
    fixed: dict[int, tuple[int, str]] = {}
    out_headers = list(headers)
    values: list[Any] = []
    for k, pair in enumerate(pairs):
        out_headers.append(pair.label)
        fixed[width + k] = (pair.row, cell_ref(pair.row, pair.col))
        values.append(pair.value)
    rows = [(r, (cells + [None] * (width - len(cells)))[:width] + values) for r, cells in goods]
    table = Table(headers=out_headers, header_row=header_row, rows=rows, sheet=sheet.title, layout="form",
                  kind=kind, title=title, fixed=fixed, notes=notes, goods_header=header_index is not None)
    if not goods:
        table.rows = [(header_row, [None] * width + values)]
        table.no_goods = True
    return table


def _dedupe_pairs(pairs: list[_Pair]) -> list[_Pair]:
    """The same label twice with the same value is read once (forms repeat numbers in headers and footers)."""
    seen: set[tuple[str, str]] = set()
    out = []
    for pair in pairs:
        key = (pair.label, to_text(pair.value) if pair.value is not None else "")
        if key in seen:
            continue
        seen.add(key)
        out.append(pair)
    return out


def _goods_rows(rows: list[tuple[int, list[Any]]], headers: list[str], continuation: dict[int, int],
                vocab: Vocabulary) -> tuple[list[tuple[int, list[Any]]], list[tuple[int, list[Any]]]]:
    """Split the rows below the goods header into goods rows and the rows after the table."""
    matches = [vocab.match(h) if h else None for h in headers]
    line_col = next((i for i, m in enumerate(matches) if m is not None and m.field == "lines.line"), None)
    goods_cols = {i for i, h in enumerate(headers) if h} | set(continuation)
    goods: list[tuple[int, list[Any]]] = []
    for index, (row, cells) in enumerate(rows):
        filled = [(c, v) for c, v in enumerate(cells) if not is_empty(v)]
        first = filled[0][1] if filled else None
        if isinstance(first, str) and vocab.is_footer(first):
            return goods, rows[index + 1:]
        if any(c not in goods_cols for c, _ in filled) or _label_row(filled, vocab):
            return goods, rows[index:]
        number = cells[line_col] if line_col is not None and line_col < len(cells) else None
        if not is_empty(number) and not _line_number(number):
            return goods, rows[index:]  # signatures, notes: text where the line number goes
        cells = _fold_continuation(cells, continuation)
        if line_col is not None and is_empty(cells[line_col] if line_col < len(cells) else None) and goods:
            previous_row, previous = goods[-1]
            merged = list(previous) + [None] * max(0, len(cells) - len(previous))
            for c, v in enumerate(cells):
                if not is_empty(v):
                    merged[c] = to_text(v) if is_empty(merged[c]) else f"{to_text(merged[c])}\n{to_text(v)}"
            goods[-1] = (previous_row, merged)
            continue
        goods.append((row, cells))
    return goods, []


def _line_number(value: Any) -> bool:
    """True for a cell that can be a line number (3, "3", "0003")."""
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float)):
        return float(value).is_integer()
    return to_text(value).strip().isdigit()


def _label_row(filled: list[tuple[int, Any]], vocab: Vocabulary) -> bool:
    """True when a row below the goods is a row of shipment labels (申报单位：…), not an item."""
    labels = [read_label(v, vocab) for _, v in filled]
    known = [lab for lab in labels if lab is not None and lab.match is not None and not _is_line_header(lab.match)]
    return bool(known) and all(isinstance(v, str) for _, v in filled)


def _pairs(rows: list[tuple[int, list[Any]]], grid: _Grid, vocab: Vocabulary) -> tuple[list[_Pair], list[tuple[int, int, str]]]:
    """Label-value pairs of a header block, and the text cells that are neither (row, column, text)."""
    pairs: list[_Pair] = []
    consumed: set[tuple[int, int]] = set()
    numbers = [r for r, _ in rows]

    def below(row: int, col: int) -> tuple[int, int] | None:
        """The cell under ``(row, col)``: the next row's cell, skipping the rest of a merged label."""
        span = grid.span.get((row, col))
        last = span[2] if span else row
        following = [r for r in numbers if r > last]
        if not following:
            return None
        target = following[0]
        spot = grid.anchor.get((target, col), (target, col))
        return spot if not is_empty(grid.get(*spot)) else None

    # rows of labels whose values are in the row below (the printed declaration's layout): at least two
    # known labels, nothing but labels in the row, and a next row of values under them (no labels)
    for position, (row, cells) in enumerate(rows):
        filled = [(c, v) for c, v in enumerate(cells) if not is_empty(v) and not grid.covered(row, c)]
        labels = [(c, read_label(v, vocab)) for c, v in filled]
        known = [(c, lab) for c, lab in labels if lab is not None and lab.match is not None and lab.inline is None]
        if len(known) < 2 or not all(isinstance(v, str) for _, v in filled):
            continue
        if any(lab is not None and lab.inline is not None for _, lab in labels):
            continue
        if position + 1 >= len(rows) or rows[position + 1][0] != row + 1:
            continue
        under = [(c, v) for c, v in enumerate(rows[position + 1][1]) if not is_empty(v) and not grid.covered(row + 1, c)]
        columns = {c2 for c, _ in filled for c2 in range(c, (grid.span.get((row, c)) or (0, 0, 0, c))[3] + 1)}
        if not under or any(read_label(v, vocab) is not None for _, v in under) or any(c not in columns for c, _ in under):
            continue
        spots = {c: below(row, c) for c, _ in filled}
        for c, v in filled:
            spot = spots.get(c)
            lab = dict(labels).get(c)
            label_text = lab.text if lab is not None else " ".join(str(v).split())
            match = lab.match if lab is not None else match_label(label_text, vocab)
            consumed.add((row, c))
            if spot is not None and spot not in consumed:
                consumed.add(spot)
                pairs.append(_Pair(label_text, match, grid.get(*spot), row, c))
            else:
                pairs.append(_Pair(label_text, match, None, row, c))

    for row, cells in rows:
        filled = [(c, v) for c, v in enumerate(cells) if not is_empty(v) and not grid.covered(row, c)]
        for position, (c, v) in enumerate(filled):
            if (row, c) in consumed:
                continue
            lab = read_label(v, vocab)
            if lab is None:
                continue
            consumed.add((row, c))
            if lab.inline is not None:
                pairs.append(_Pair(lab.text, lab.match, lab.inline, row, c))
                continue
            value: Any = None
            right = next(((c2, v2) for c2, v2 in filled[position + 1:] if (row, c2) not in consumed), None)
            if right is not None and read_label(right[1], vocab) is None:
                consumed.add((row, right[0]))
                value = right[1]
            else:
                spot = below(row, c)
                if spot is not None and spot not in consumed and read_label(grid.get(*spot), vocab) is None:
                    consumed.add(spot)
                    value = grid.get(*spot)
            pairs.append(_Pair(lab.text, lab.match, value, row, c))
    loose = [(row, c, to_text(v)) for row, cells in rows for c, v in enumerate(cells)
             if not is_empty(v) and (row, c) not in consumed and not grid.covered(row, c)]
    return pairs, loose
