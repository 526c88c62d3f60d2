"""Load shipments from a file: JSON Lines, a JSON array, CSV/TSV or XLSX.

>>> result = load_shipments("shipments.csv")              # doctest: +SKIP
>>> result.shipments[0].id, result.source.encoding         # doctest: +SKIP
('S-101', 'gb18030')

The format follows the extension (:data:`FORMATS`). Text files are decoded
with :func:`dualuse.input.encoding.read_text` (UTF-8, GB18030 or Shift-JIS,
detected). Problems with the file as a whole (unreadable, undecodable, bad
header row, broken JSON array) always raise :class:`InputError`. Problems with
records raise :class:`InputError` listing every issue in the file, unless
``skip_invalid`` is set, in which case valid shipments are returned and the
invalid records go to :attr:`LoadResult.rejected`.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from dualuse.input.builder import TableRead, drafts_from_table, finish, read_table_records
from dualuse.input.encoding import decode_bytes
from dualuse.input.errors import InputError, InputIssue, ParsedRecord, RejectedRecord, issue
from dualuse.input.forms import table_from_sheet
from dualuse.input.headers import Vocabulary, load_vocabulary
from dualuse.input.jsonl import read_json_array, read_jsonl
from dualuse.input.limits import current_limits
from dualuse.input.sanitise import sanitise_table
from dualuse.input.merge import merge_drafts
from dualuse.input.tables import Resolution, Table, missing_required, read_csv, read_workbook, resolve_columns
from dualuse.models.shipment import Shipment
from dualuse.values import DateOrder

FORMATS: dict[str, str] = {
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "json",
    ".csv": "csv",
    ".tsv": "csv",
    ".txt": "csv",
    ".xlsx": "xlsx",
}
"""File extension -> format (``jsonl``, ``json``, ``csv`` for delimited text, ``xlsx``)."""


@dataclass(frozen=True)
class SourceInfo:
    """Where the shipments came from.

    Attributes:
        path: the path as given.
        format: ``jsonl``, ``json``, ``csv`` (any delimited text) or ``xlsx``.
        encoding: codec used for text files (``utf-8``, ``utf-8-sig``,
            ``gb18030``, ``cp932``, ``utf-16``); ``None`` for XLSX.
        sha256: hex digest of the file's bytes.
        rows: data records read: non-blank lines (JSON Lines), array elements
            (JSON), or non-blank data rows excluding the header (tables).
        delimiter: CSV delimiter, else ``None``.
        sheet: XLSX sheet read (the first of several merged form sheets), else ``None``.
        columns: table headers as written, in order (empty for JSON); for a
            form, the goods table's headers and then the header block's labels.
    """

    path: str
    format: str
    encoding: str | None
    sha256: str
    rows: int
    delimiter: str | None = None
    sheet: str | None = None
    columns: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        """The fields as a plain dict (``columns`` as a list)."""
        out = asdict(self)
        out["columns"] = list(self.columns)
        return out

    def __getitem__(self, key: str) -> Any:
        """``source["sha256"]`` works like ``source.sha256``."""
        if key not in self.__dataclass_fields__:
            raise KeyError(key)
        return getattr(self, key)


@dataclass
class LoadResult:
    """Shipments read from one file.

    Attributes:
        shipments: valid shipments, in file order (first-seen order of
            shipment ids for tables).
        rejected: invalid records with their issues (only with
            ``skip_invalid``; otherwise invalid input raises).
        source: the file read.
        locations: shipment id -> the file rows it came from.
        unmapped: ``(header, explanation)`` of each column dualuse does not
            read (kept as written and carried to the output), once per file.
        layouts: for tables and workbook sheets, how each was read: the
            :class:`Table` and what its columns mean (``dualuse inspect``).
    """

    shipments: list[Shipment]
    rejected: list[RejectedRecord]
    source: SourceInfo
    locations: dict[str, list[int]] = field(default_factory=dict)
    unmapped: list[tuple[str, str]] = field(default_factory=list)
    layouts: list[tuple[Table, Resolution]] = field(default_factory=list)
    warnings: list[InputIssue] = field(default_factory=list)
    """Text replaced at the input boundary (:mod:`dualuse.input.sanitise`), naming file, row and column."""

    @property
    def issues(self) -> list[InputIssue]:
        """All issues of the rejected records."""
        return [i for r in self.rejected for i in r.issues]


def detect_format(path: str | Path) -> str:
    """The format for ``path`` from its extension.

    Raises:
        InputError: unknown extension.
    """
    suffix = Path(path).suffix.lower()
    fmt = FORMATS.get(suffix)
    if fmt is None:
        hint = " (save .xls and .xlsm workbooks as .xlsx)" if suffix in (".xls", ".xlsm") else ""
        shown = f"extension {suffix!r}" if suffix else "no extension"
        raise InputError.single(str(path), f"cannot tell the format from {shown}{hint}; expected one of "
                                + ", ".join(FORMATS))
    return fmt


def load_shipments(path: str | Path, *, skip_invalid: bool = False, sheet: str | None = None,
                   encoding: str | None = None, vocabulary: Vocabulary | None = None,
                   date_order: DateOrder | None = None) -> LoadResult:
    """Read and validate every shipment in ``path``.

    Args:
        path: a ``.jsonl``/``.ndjson`` (one shipment object per line),
            ``.json`` (an array of shipment objects), ``.csv``/``.tsv``/``.txt``
            (delimited text, one row per item line) or ``.xlsx`` file: a flat
            table, or a workbook whose sheets are the forms of one shipment
            (declaration, invoice, packing list ...; see :mod:`dualuse.input.forms`).
        skip_invalid: return invalid records in ``rejected`` instead of raising.
        sheet: XLSX sheet to read (default: the first, or every form sheet
            when the first sheet is a form).
        encoding: force a text encoding instead of detecting it.
        vocabulary: the header vocabulary (default: the packaged one; a
            user's column mapping comes in through :meth:`Vocabulary.with_mapping`).
        date_order: how to read ambiguous day/month dates (``dmy``, ``mdy``).

    Returns:
        The :class:`LoadResult`.

    Raises:
        InputError: the file cannot be read as a whole, or (without
            ``skip_invalid``) any record is invalid; lists every issue found.
        ValueError: ``sheet`` given for a file that is not a workbook.
    """
    file = str(path)
    fmt = detect_format(path)
    if sheet is not None and fmt != "xlsx":
        raise ValueError("sheet= only applies to .xlsx workbooks")
    data = read_bounded(file, fmt)
    digest = hashlib.sha256(data).hexdigest()
    vocab = vocabulary or load_vocabulary()

    tables: list[TableRead] = []
    table_list: list[Table] = []
    text_encoding: str | None = None
    if fmt == "xlsx":
        table_list = read_xlsx_tables(file, data, vocab, sheet=sheet)
        records, tables = _records_from_tables(file, table_list, vocab, date_order)
    else:
        text, text_encoding = decode_bytes(data, file, encoding=encoding)
        if fmt == "jsonl":
            records = read_jsonl(file, text)
        elif fmt == "json":
            records = read_json_array(file, text)
        else:
            forced = "\t" if Path(path).suffix.lower() == ".tsv" else None
            table_list = [read_csv(file, text, delimiter=forced)]
            records, tables = _records_from_tables(file, table_list, vocab, date_order)
        del text
        if fmt in ("jsonl", "json"):
            _flag_duplicate_ids(file, records)
            if not records:
                raise InputError.single(file, "the file holds no shipments: expected one shipment object "
                                        + ("per line" if fmt == "jsonl" else "in the array"))

    warnings = [w for t in table_list for w in t.warnings] + [w for r in records for w in r.warnings]
    first = table_list[0] if table_list else None
    source = SourceInfo(
        path=file,
        format=fmt,
        encoding=text_encoding,
        sha256=digest,
        rows=sum(len(t.rows) for t in table_list) if table_list else len(records),
        delimiter=first.delimiter if first is not None else None,
        sheet=first.sheet if first is not None else None,
        columns=tuple(first.headers) if first is not None and len(table_list) == 1 else
        tuple(h for t in table_list for h in t.headers),
    )
    shipments: list[Shipment] = []
    rejected: list[RejectedRecord] = []
    locations: dict[str, list[int]] = {}
    for record in records:
        if record.shipment is not None and not record.issues:
            shipments.append(record.shipment)
            locations[record.shipment.id] = list(record.rows)
        else:
            rejected.append(RejectedRecord(rows=list(record.rows), raw=record.raw, issues=list(record.issues),
                                           shipment_id=record.shipment_id, source=source))
    if rejected and not skip_invalid:
        raise InputError([i for r in rejected for i in r.issues])
    unmapped: list[tuple[str, str]] = []
    for read in tables:
        for header, why in read.resolution.unknown:
            if all(h != header for h, _ in unmapped):
                unmapped.append((header, why))
    return LoadResult(shipments=shipments, rejected=rejected, source=source, locations=locations,
                      unmapped=unmapped, layouts=[(t, r.resolution) for t, r in zip(table_list, tables, strict=False)],
                      warnings=warnings)


def read_bounded(file: str, fmt: str) -> bytes:
    """The bytes of ``file``, refused when larger than the limit for ``fmt`` (:mod:`dualuse.input.limits`).

    Raises:
        InputError: unreadable, or larger than ``file_bytes`` (``xlsx_bytes`` for workbooks).
    """
    limits = current_limits()
    limit, name = (limits.xlsx_bytes, "XLSX_BYTES") if fmt == "xlsx" else (limits.file_bytes, "FILE_BYTES")
    try:
        size = Path(file).stat().st_size
        if size > limit:
            raise InputError.single(file, f"the file is {size:,} bytes, more than the limit of {limit:,} for "
                                    f"{fmt.upper()} files (DUALUSE_MAX_{name}); split it"
                                    + (" or save it as CSV (CSV and JSON Lines files are streamed)" if fmt in ("xlsx", "json") else ""))
        return Path(file).read_bytes()
    except OSError as exc:
        raise InputError.single(file, f"cannot read the file: {exc.strerror or exc}") from exc


def read_tables(path: str | Path, *, sheet: str | None = None, encoding: str | None = None,
                vocabulary: Vocabulary | None = None) -> tuple[list[Table], str | None]:
    """The tables of a CSV/TSV/XLSX file as read (layout only, no shipments): ``(tables, text encoding)``.

    Raises:
        InputError: the file cannot be read, or is JSON (which has no columns).
    """
    file = str(path)
    fmt = detect_format(path)
    if fmt in ("jsonl", "json"):
        raise InputError.single(file, "JSON files have no columns: their shape is the Shipment object")
    data = read_bounded(file, fmt)
    vocab = vocabulary or load_vocabulary()
    if fmt == "xlsx":
        return read_xlsx_tables(file, data, vocab, sheet=sheet), None
    text, used = decode_bytes(data, file, encoding=encoding)
    return [read_csv(file, text, delimiter="\t" if Path(path).suffix.lower() == ".tsv" else None)], used


def file_layout(path: str | Path, *, sheet: str | None = None, encoding: str | None = None) -> str | None:
    """The layout id of a table or workbook file (see :func:`dualuse.input.mapping.layout_fingerprint`),
    read with the packaged vocabulary.

    ``None`` for JSON files (they have no columns) and for files that cannot
    be read as tables (the read that follows reports why).
    """
    from dualuse.input.mapping import layout_fingerprint
    from dualuse.input.stream import header_table, will_stream

    try:
        if will_stream(path) and detect_format(path) == "csv":  # a big file: its header row is enough
            tables = [header_table(path, encoding=encoding)]
        else:
            tables, _ = read_tables(path, sheet=sheet, encoding=encoding)
    except (InputError, OSError):
        return None
    return layout_fingerprint([(t.sheet, [h for i, h in enumerate(t.headers) if i not in t.fixed]) for t in tables])


def read_xlsx_tables(file: str, data: bytes, vocab: Vocabulary, *, sheet: str | None = None) -> list[Table]:
    """The tables of a workbook: ``sheet``; else the first sheet, or every form sheet when the first is a form.

    Raises:
        InputError: unreadable workbook, unknown sheet, empty sheet.
    """
    if sheet is not None:
        return [table_from_sheet(file, read_workbook(file, data, sheet=sheet)[0], vocab)]
    first = table_from_sheet(file, read_workbook(file, data, first_only=True)[0], vocab)
    if first.layout != "form":
        return [first]  # a flat table: the other sheets are not read at all
    sheets = read_workbook(file, data)
    if len(sheets) == 1:
        return [first]
    tables = [first]
    for other in sheets[1:]:
        if not other.rows:
            first.notes.append(f"sheet {other.title!r} is empty: not read")
            continue
        table = table_from_sheet(file, other, vocab)
        if table.layout != "form":
            first.notes.append(f"sheet {other.title!r} is a flat table, not a document of this shipment: not read "
                               "(read it with --sheet)")
            continue
        tables.append(table)
    return tables


def with_defaults(table: Table, vocab: Vocabulary) -> Table:
    """``table`` with a column for each mapping default whose field no column of the table gives."""
    if not vocab.defaults:
        return table
    present = {m.field for h in table.headers if h and (m := vocab.match(h)) is not None and m.kind == "field"}
    missing = {name: value for name, value in vocab.defaults.items() if name not in present}
    if not missing:
        return table
    width = len(table.headers)
    rows = [(r, list(cells[:width]) + [None] * (width - len(cells)) + list(missing.values())) for r, cells in table.rows]
    fixed = dict(table.fixed)
    for k, name in enumerate(missing):
        fixed[width + k] = (table.header_row, "mapping defaults")
    return Table(headers=[*table.headers, *missing], header_row=table.header_row, rows=rows, delimiter=table.delimiter,
                 sheet=table.sheet, layout=table.layout, kind=table.kind, title=table.title, fixed=fixed,
                 notes=[*table.notes, "from the mapping's defaults: " + ", ".join(f"{k} = {v}" for k, v in missing.items())],
                 no_goods=table.no_goods, goods_header=table.goods_header)


def _records_from_tables(file: str, tables: list[Table], vocab: Vocabulary,
                         date_order: DateOrder | None) -> tuple[list[ParsedRecord], list[TableRead]]:
    """Flat tables are read on their own; several form sheets are merged into one shipment.

    The tables' text is sanitised first (:func:`dualuse.input.sanitise.sanitise_table`; the warnings go to
    :attr:`Table.warnings`), so nothing after this sees a code point it cannot store or write.
    """
    for table in tables:
        table.warnings = sanitise_table(file, table)
    tables[:] = [_keep_warnings(with_defaults(t, vocab), t) for t in tables]
    if len(tables) == 1:
        read = read_table_records(file, tables[0], vocab, date_order=date_order)
        return read.records, [read]
    reads: list[TableRead] = []
    drafts = []
    issues: list[InputIssue] = []
    present: set[str] = set()
    for table in tables:
        resolution = resolve_columns(file, table, vocab)
        issues.extend(resolution.issues)
        present |= {c.field for c in resolution.columns if c.field is not None}
        reads.append(TableRead([], resolution))
        found, _ = drafts_from_table(file, table, resolution, date_order=date_order, group=False, prefix_sheet=True)
        drafts.extend(found)
    issues.extend(missing_required(file, present, vocab, None))
    if not any(d.data.get("lines") for d in drafts):
        issues.append(issue(file, "none of the sheets has a goods table: expected a header row of item lines "
                            "(项号, 商品名称, Description, Quantity ...) and one row per item"))
    if issues:
        raise InputError(issues)
    record = finish(merge_drafts(drafts))
    for read in reads:
        read.records.append(record)
    return [record], reads


def _keep_warnings(new: Table, old: Table) -> Table:
    new.warnings = old.warnings
    return new


def _flag_duplicate_ids(file: str, records: list[ParsedRecord]) -> None:
    """A shipment id used by an earlier record makes the later record invalid."""
    first: dict[str, int] = {}
    for record in records:
        sid = record.shipment_id
        if sid is None:
            continue
        if sid in first:
            record.issues.append(issue(file, f"shipment id {sid!r} is already used on row {first[sid]}; "
                                       "shipment ids must be unique", row=record.rows[0], column="id", value=sid))
            record.shipment = None
        else:
            first[sid] = record.rows[0]
