"""Read shipments from a file as a stream: bounded memory whatever the file size, first errors at once.

:func:`iter_records` yields the file's records (one per shipment, or per
invalid record) in file order, a batch at a time. CSV/TSV and JSON Lines
files larger than :data:`STREAM_FROM_BYTES` are read incrementally: the
encoding is detected on the first :data:`SAMPLE_BYTES`, rows are decoded,
parsed and validated as they come, and only one batch of rows is held at
once. Smaller files, JSON arrays and XLSX workbooks are read whole by
:func:`dualuse.input.loader.load_shipments` (the same records, the same
messages).

What streaming changes, and why: a streamed table cannot wait for the end of
the file to group a shipment's rows, so the rows of one shipment must be next
to each other (the way exports from ERP and customs systems are written). A
shipment id that comes back after other shipments is an error naming both
rows, never a silent merge or split. Everything else - column meanings,
cell conversion, messages naming file, row and column - is the same code as
the whole-file reader (:mod:`dualuse.input.builder`).

>>> for batch in iter_records("big.csv"):          # doctest: +SKIP
...     for record in batch:
...         record.shipment or record.issues
"""

from __future__ import annotations

import codecs
import csv
import io
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from dualuse.input.builder import read_table_records
from dualuse.input.encoding import decode_bytes
from dualuse.input.errors import InputError, ParsedRecord, issue
from dualuse.input.headers import Vocabulary, load_vocabulary
from dualuse.input.jsonl import line_record
from dualuse.input.loader import SourceInfo, detect_format, load_shipments, with_defaults
from dualuse.input.limits import current_limits
from dualuse.input.sanitise import sanitise_cells
from dualuse.input.tables import Resolution, Table, check_width, resolve_columns, sniff_delimiter, to_text


def _max_columns() -> int:  # read per file: DUALUSE_MAX_COLUMNS may change between runs
    return current_limits().columns

STREAM_FROM_BYTES = 8 * 1024 * 1024
"""Files of at least this many bytes (CSV/TSV, JSON Lines) are streamed; smaller ones are read whole."""

SAMPLE_BYTES = 1024 * 1024
"""How much of a streamed file decides its encoding and delimiter."""

BATCH_ROWS = 2000
"""Rows (or JSON lines) per batch; a batch is cut only between two shipments."""

MAX_CELL_CHARS = 100_000
"""The longest cell accepted (characters): no field of a shipment is near it, so a longer cell is a broken
file (usually a quote opened and never closed), reported with its row and column instead of read."""

CSV_FIELD_LIMIT = 16 * MAX_CELL_CHARS
"""The csv module's own limit, far above :data:`MAX_CELL_CHARS` so that our check (naming the column) comes first."""


def check_cells(file: str, row: int, cells: list[str], headers: list[str] | None) -> None:
    """Refuse a row with a cell longer than :data:`MAX_CELL_CHARS`, naming row and column.

    Raises:
        InputError: the first over-long cell of the row.
    """
    for index, cell in enumerate(cells):
        if len(cell) > MAX_CELL_CHARS:
            name = headers[index] if headers is not None and index < len(headers) else f"column {index + 1}"
            raise InputError.single(file, f"this cell is {len(cell):,} characters long, more than the "
                                    f"{MAX_CELL_CHARS:,} a cell may hold; a quote (\") opened in it and never "
                                    "closed would do this: check its quotes", row=row, column=name)


@dataclass
class StreamInfo:
    """What the stream learnt about the file (filled in as it is read).

    Attributes:
        path: the file as given.
        format: ``jsonl``, ``json``, ``csv`` or ``xlsx``.
        size: the file's size in bytes.
        streamed: ``True`` when read incrementally, ``False`` when read whole.
        encoding: the text codec (``None`` for XLSX).
        delimiter: CSV delimiter, else ``None``.
        columns: the header row of a table.
        unmapped: ``(header, explanation)`` of each column dualuse does not read.
        bytes_read: bytes consumed so far (for progress).
        source: a :class:`SourceInfo` for rejected records (``sha256`` is empty for streamed files:
            the stream does not hold the bytes; :func:`dualuse.batch.journal.file_digest` gives it).
        warnings: cells whose text was sanitised (:mod:`dualuse.input.sanitise`), naming row and column;
            JSON Lines records carry theirs in :attr:`ParsedRecord.warnings`.
    """

    path: str
    format: str
    size: int
    streamed: bool = False
    encoding: str | None = None
    delimiter: str | None = None
    columns: tuple[str, ...] = ()
    unmapped: list[tuple[str, str]] = field(default_factory=list)
    bytes_read: int = 0
    source: SourceInfo | None = None
    warnings: list = field(default_factory=list)


def will_stream(path: str | Path, threshold: int | None = None) -> bool:
    """``True`` when :func:`iter_records` reads ``path`` incrementally (CSV/TSV or JSON Lines, large enough)."""
    try:
        fmt = detect_format(path)
        size = Path(path).stat().st_size
    except (InputError, OSError):
        return False
    return fmt in ("csv", "jsonl") and size >= (STREAM_FROM_BYTES if threshold is None else threshold)


def iter_records(path: str | Path, *, sheet: str | None = None, encoding: str | None = None,
                 vocabulary: Vocabulary | None = None, date_order: str | None = None,
                 info: StreamInfo | None = None, threshold: int | None = None,
                 batch_rows: int = BATCH_ROWS) -> Iterator[list[ParsedRecord]]:
    """Yield the records of ``path`` in file order, ``batch_rows`` rows (or fewer records) at a time.

    Args:
        path: the shipments file (see :func:`dualuse.input.loader.load_shipments`).
        sheet, encoding, vocabulary, date_order: as for ``load_shipments``.
        info: a :class:`StreamInfo` to fill in (encoding, columns, progress in bytes).
        threshold: stream files of at least this many bytes (default :data:`STREAM_FROM_BYTES`).
        batch_rows: rows per batch.

    Yields:
        Lists of :class:`~dualuse.input.errors.ParsedRecord`: a valid record has ``shipment`` set and
        no ``issues``.

    Raises:
        InputError: problems with the file as a whole (unreadable, undecodable, bad or missing header,
            no data rows), raised as soon as they are seen.
    """
    file = str(path)
    fmt = detect_format(path)
    try:
        size = Path(path).stat().st_size
    except OSError as exc:
        raise InputError.single(file, f"cannot read the file: {exc.strerror or exc}") from exc
    info = info if info is not None else StreamInfo(file, fmt, size)
    info.path, info.format, info.size = file, fmt, size
    vocab = vocabulary or load_vocabulary()
    if not will_stream(path, threshold):
        yield from _whole(path, info, sheet=sheet, encoding=encoding, vocabulary=vocab, date_order=date_order,
                          batch_rows=batch_rows)
        return
    info.streamed = True
    with open(path, "rb") as raw:
        counted = _Counting(raw, info)
        codec, delimiter_text = _detect(file, counted, encoding)
        info.encoding = codec
        if fmt == "jsonl":
            info.source = SourceInfo(path=file, format=fmt, encoding=codec, sha256="", rows=0)
            yield from _jsonl(file, _text(counted, codec), info, batch_rows)
        else:
            delimiter = "\t" if Path(path).suffix.lower() == ".tsv" else sniff_delimiter(delimiter_text)
            info.delimiter = delimiter
            yield from _csv(file, _text(counted, codec), info, vocab, date_order, delimiter, batch_rows)


def header_table(path: str | Path, *, encoding: str | None = None) -> Table:
    """The header row of a big CSV/TSV file as a :class:`Table` without rows (its layout, read from the first MiB).

    Raises:
        InputError: the file cannot be read or has no header row.
    """
    file = str(path)
    info = StreamInfo(file, "csv", 0)
    with open(path, "rb") as raw:
        counted = _Counting(raw, info)
        codec, sample = _detect(file, counted, encoding)
        delimiter = "\t" if Path(path).suffix.lower() == ".tsv" else sniff_delimiter(sample)
        for row, cells in _csv_rows(file, _text(counted, codec), info, delimiter):
            return Table(headers=cells, header_row=row, rows=[], delimiter=delimiter)
    raise InputError.single(file, "the file is empty: expected a header row and one row per item line")


# ---------------------------------------------------------------------------
# small files, JSON arrays, workbooks: the whole-file reader


def _whole(path: str | Path, info: StreamInfo, *, sheet, encoding, vocabulary, date_order,
           batch_rows: int) -> Iterator[list[ParsedRecord]]:
    loaded = load_shipments(path, skip_invalid=True, sheet=sheet, encoding=encoding, vocabulary=vocabulary,
                            date_order=date_order)  # type: ignore[arg-type]
    info.encoding, info.delimiter = loaded.source.encoding, loaded.source.delimiter
    info.columns, info.unmapped, info.source = loaded.source.columns, loaded.unmapped, loaded.source
    info.warnings = list(loaded.warnings)
    info.bytes_read = info.size
    records = [ParsedRecord(rows=list(loaded.locations.get(s.id, [])), raw=None, shipment=s, shipment_id=s.id)
               for s in loaded.shipments]
    records += [ParsedRecord(rows=list(r.rows), raw=r.raw, shipment=None, issues=list(r.issues),
                             shipment_id=r.shipment_id) for r in loaded.rejected]
    if loaded.rejected:  # back in file order; valid shipments keep their relative order
        records.sort(key=lambda r: r.rows[0] if r.rows else 0)
    for start in range(0, len(records), batch_rows):
        yield records[start:start + batch_rows]


# ---------------------------------------------------------------------------
# bytes -> text


class _Counting(io.RawIOBase):
    """A binary file that counts the bytes read into ``info.bytes_read`` (progress from the first byte)."""

    def __init__(self, raw: BinaryIO, info: StreamInfo):
        self._raw, self._info = raw, info

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        n = self._raw.readinto(buffer)
        self._info.bytes_read += n or 0
        return n or 0


def _detect(file: str, counted: _Counting, forced: str | None) -> tuple[str, str]:
    """The codec (from the first :data:`SAMPLE_BYTES`, cut at a line end) and the sample's text."""
    raw = counted._raw
    sample = raw.read(SAMPLE_BYTES)
    raw.seek(0)
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise InputError.single(file, "UTF-16 files this large cannot be read as a stream; save the file as UTF-8")
    cut = sample.rfind(b"\n")
    if len(sample) == SAMPLE_BYTES and cut > 0:
        sample = sample[: cut + 1]
    text, codec = decode_bytes(sample, file, encoding=forced)
    return codec, text


def _text(counted: _Counting, codec: str) -> io.TextIOWrapper:
    buffered = io.BufferedReader(counted, buffer_size=1 << 20)
    return io.TextIOWrapper(buffered, encoding=codec, errors="strict", newline="")


def _undecodable(file: str, codec: str, row: int, exc: UnicodeDecodeError) -> InputError:
    return InputError.single(file, f"the text cannot be decoded as {codec} (byte 0x{exc.object[exc.start]:02X}); "
                             "the first part of the file was, so this row is damaged: fix or retype its text", row=row)


# ---------------------------------------------------------------------------
# JSON Lines


def _jsonl(file: str, text: io.TextIOWrapper, info: StreamInfo, batch_rows: int) -> Iterator[list[ParsedRecord]]:
    seen: dict[str, int] = {}
    batch: list[ParsedRecord] = []
    number = 0
    any_record = False
    while True:
        try:
            line = text.readline()
        except UnicodeDecodeError as exc:
            raise _undecodable(file, info.encoding or "", number + 1, exc) from None
        if not line:
            break
        number += 1
        if number == 1 and line.startswith("\ufeff"):
            line = line[1:]
        body = line.rstrip("\r\n")
        if not body.strip():
            continue
        any_record = True
        if len(body) > 4 * MAX_CELL_CHARS * 10:  # one shipment object is never near this
            batch.append(ParsedRecord(rows=[number], raw=body[:200] + " ...", shipment=None, issues=[
                issue(file, f"the line is {len(body):,} characters long; one shipment object is expected per line "
                      "(is a line break missing?)", row=number)]))
        else:
            record = line_record(file, number, body)  # a line that is not JSON has no shipment id: never a repeat
            if record.warnings and len(info.warnings) < 10_000:
                info.warnings.extend(record.warnings)
            _flag_repeat(file, record, seen, "id", "shipment ids must be unique")
            batch.append(record)
        if len(batch) >= batch_rows:
            yield batch
            batch = []
    if batch:
        yield batch
    if not any_record:
        raise InputError.single(file, "the file holds no shipments: expected one shipment object per line")


def _flag_repeat(file: str, record: ParsedRecord, seen: dict[str, int], column: str, why: str) -> None:
    sid = record.shipment_id
    if sid is None:
        return
    if sid in seen:
        record.issues.append(issue(file, f"shipment id {sid!r} is already used on row {seen[sid]}; {why}",
                                   row=record.rows[0] if record.rows else None, column=column, value=sid))
        record.shipment = None
    else:
        seen[sid] = record.rows[0] if record.rows else 0


# ---------------------------------------------------------------------------
# CSV / TSV


def _csv(file: str, text: io.TextIOWrapper, info: StreamInfo, vocab: Vocabulary, date_order: str | None,
         delimiter: str, batch_rows: int) -> Iterator[list[ParsedRecord]]:
    previous = csv.field_size_limit()
    csv.field_size_limit(max(previous, CSV_FIELD_LIMIT))
    try:
        rows = _csv_rows(file, text, info, delimiter)
        try:
            header_row, headers = next(rows)
        except StopIteration:
            raise InputError.single(file, "the file is empty: expected a header row and one row per item line") from None
        info.columns = tuple(headers)
        width = len(headers)
        layout = resolve_columns(file, with_defaults(Table(headers=list(headers), header_row=header_row, rows=[]), vocab), vocab)
        id_name = _id_column(layout)
        id_index = next((c.index for c in layout.columns if c.header == id_name), None)
        batches = _group(rows, width, id_index, batch_rows)
        first = True
        closed: dict[str, int] = {}  # id -> first row, for the shipments of earlier batches
        resolution: Resolution | None = None
        for batch in batches:
            if first and not batch:
                break
            table = with_defaults(Table(headers=list(headers), header_row=header_row, rows=batch, delimiter=delimiter), vocab)
            read = read_table_records(file, table, vocab, date_order=date_order)  # type: ignore[arg-type]
            if first:
                resolution = read.resolution
                info.unmapped = list(resolution.unknown)
                info.source = SourceInfo(path=file, format="csv", encoding=info.encoding, sha256="", rows=0,
                                         delimiter=delimiter, columns=tuple(headers))
                first = False
            id_column = _id_column(read.resolution)
            for record in read.records:
                if record.shipment_id is not None and record.shipment_id in closed:
                    record.issues.append(issue(
                        file, f"the rows of shipment {record.shipment_id!r} are not next to each other (it also has "
                        f"row {closed[record.shipment_id]}); in a file this large (streamed) the rows of one shipment "
                        "must follow each other: sort the file by shipment id", row=record.rows[0] if record.rows else None,
                        column=id_column, value=record.shipment_id))
                    record.shipment = None
            for record in read.records:
                if record.shipment_id is not None and record.shipment_id not in closed:
                    closed[record.shipment_id] = record.rows[0] if record.rows else 0
            yield read.records
        if first:  # a header and nothing else: not "0 shipments"
            table = Table(headers=list(headers), header_row=header_row, rows=[], delimiter=delimiter)
            read_table_records(file, with_defaults(table, vocab), vocab, date_order=date_order)  # raises
    finally:
        csv.field_size_limit(previous)


def _id_column(resolution: Resolution) -> str | None:
    from dualuse.input.headers import DOCUMENT_ID_ORDER

    by_field = {c.field: c for c in resolution.columns if c.field is not None}
    found = next((by_field[name] for name in ("id", *DOCUMENT_ID_ORDER) if name in by_field), None)
    return found.header if found is not None else None


def _csv_rows(file: str, text: io.TextIOWrapper, info: StreamInfo, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """``(row, cells)`` of the non-blank records; the header first. Over-long cells raise with row and column."""
    reader = csv.reader(text, delimiter=delimiter, strict=True)
    start = 1
    headers: list[str] | None = None
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except UnicodeDecodeError as exc:
            raise _undecodable(file, info.encoding or "", reader.line_num + 1, exc) from None
        except csv.Error as exc:
            if "field larger than field limit" in str(exc):
                raise InputError.single(file, f"a cell starting on or after this row is longer than {CSV_FIELD_LIMIT:,} "
                                        "characters: a quote (\") is probably opened and never closed; check the quotes "
                                        "of this row", row=start) from None
            raise InputError.single(file, f"malformed CSV ({exc}); check the quotes on this row", row=reader.line_num) from None
        if start == 1 and cells and cells[0].startswith("\ufeff"):
            cells[0] = cells[0][1:]
        if any(c.strip() for c in cells):
            check_cells(file, start, cells, headers)
            if len(cells) > _max_columns():
                check_width(file, start, len(cells))
            found = sanitise_cells(file, start, cells, headers)
            if found and len(info.warnings) < 10_000:
                info.warnings.extend(found)
            if headers is None:
                headers = cells
            yield start, cells
        start = reader.line_num + 1


def _group(rows: Iterator[tuple[int, list[str]]], width: int, id_index: int | None,
           batch_rows: int) -> Iterator[list[tuple[int, list[Any]]]]:
    """Batches of about ``batch_rows`` rows, cut only where the id cell changes (never inside a shipment)."""
    batch: list[tuple[int, list[Any]]] = []
    last_key: Any = None
    for row, cells in rows:
        cells = cells + [""] * (width - len(cells))
        key = to_text(cells[id_index]) if id_index is not None and id_index < len(cells) else None
        if len(batch) >= batch_rows and (key != last_key or id_index is None):
            yield batch
            batch = []
        batch.append((row, cells))
        last_key = key
    yield batch


__all__ = ["BATCH_ROWS", "MAX_CELL_CHARS", "STREAM_FROM_BYTES", "StreamInfo", "iter_records", "to_text", "will_stream"]
