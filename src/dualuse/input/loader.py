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

from dualuse.input.encoding import decode_bytes
from dualuse.input.errors import InputError, InputIssue, ParsedRecord, RejectedRecord, issue
from dualuse.input.jsonl import read_json_array, read_jsonl
from dualuse.input.tables import Table, read_csv, read_xlsx, records_from_table
from dualuse.models.shipment import Shipment

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
        sheet: XLSX sheet read, else ``None``.
        columns: table headers as written, in order (empty for JSON).
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
    """

    shipments: list[Shipment]
    rejected: list[RejectedRecord]
    source: SourceInfo
    locations: dict[str, list[int]] = field(default_factory=dict)

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
                   encoding: str | None = None) -> LoadResult:
    """Read and validate every shipment in ``path``.

    Args:
        path: a ``.jsonl``/``.ndjson`` (one shipment object per line),
            ``.json`` (an array of shipment objects), ``.csv``/``.tsv``/``.txt``
            (delimited text, one row per item line) or ``.xlsx`` file.
        skip_invalid: return invalid records in ``rejected`` instead of raising.
        sheet: XLSX sheet to read (default: the first).
        encoding: force a text encoding instead of detecting it.

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
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise InputError.single(file, f"cannot read the file: {exc.strerror or exc}") from exc
    digest = hashlib.sha256(data).hexdigest()

    table: Table | None = None
    text_encoding: str | None = None
    if fmt == "xlsx":
        table = read_xlsx(file, data, sheet=sheet)
        records = records_from_table(file, table)
    else:
        text, text_encoding = decode_bytes(data, file, encoding=encoding)
        if fmt == "jsonl":
            records = read_jsonl(file, text)
        elif fmt == "json":
            records = read_json_array(file, text)
        else:
            forced = "\t" if Path(path).suffix.lower() == ".tsv" else None
            table = read_csv(file, text, delimiter=forced)
            records = records_from_table(file, table)
        if fmt in ("jsonl", "json"):
            _flag_duplicate_ids(file, records)

    source = SourceInfo(
        path=file,
        format=fmt,
        encoding=text_encoding,
        sha256=digest,
        rows=len(table.rows) if table is not None else len(records),
        delimiter=table.delimiter if table is not None else None,
        sheet=table.sheet if table is not None else None,
        columns=tuple(table.headers) if table is not None else (),
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
    return LoadResult(shipments=shipments, rejected=rejected, source=source, locations=locations)


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
