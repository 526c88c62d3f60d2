"""Write rejected records back out, in the input's format, with their errors.

* CSV/TSV in -> the same delimiter and encoding out, the original columns plus
  an ``errors`` column (one row per rejected row);
* XLSX in -> XLSX out, the same sheet name, the original columns plus ``errors``;
* JSON Lines in -> JSON Lines out, each object with an ``_errors`` list (a line
  that was not JSON becomes ``{"_raw": "<the line>", "_errors": [...]}``);
* JSON array in -> JSON array out, likewise.

Errors read ``row 7, column "date" ('2026-13-01'): expected a date like
2026-03-02`` (the row is the row in the original file). Rows rejected only
because another row of their shipment is invalid say so. The loader ignores
``errors``/``_errors``, so a corrected rejects file can be loaded again.

The file is written to a temporary file in the target directory and moved
into place with :func:`os.replace`, so readers never see a half-written file.
"""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from dualuse.input.errors import RejectedRecord
from dualuse.input.headers import normalize_header
from dualuse.output.files import new_file_mode

ERRORS_COLUMN = "errors"
ERRORS_KEY = "_errors"

_EXTENSIONS = {
    "csv": {".csv", ".tsv", ".txt"},
    "xlsx": {".xlsx"},
    "jsonl": {".jsonl", ".ndjson"},
    "json": {".json"},
}


def write_rejects(rejected: Sequence[RejectedRecord], path: str | Path, *, format: str | None = None) -> Path:
    """Write ``rejected`` to ``path`` in the format the records were read from.

    Args:
        rejected: records from :attr:`LoadResult.rejected`.
        path: the output file; its extension must suit the format (``.csv``
            for CSV input, ``.xlsx`` for XLSX, ``.jsonl`` for JSON Lines ...).
        format: only needed when ``rejected`` is empty or its records carry no
            source; taken from ``path``'s extension otherwise.

    Returns:
        The path written.

    Raises:
        ValueError: the extension does not suit the input format, or records
            come from different files.
    """
    target = Path(path)
    sources = {id(r.source): r.source for r in rejected if r.source is not None}
    if len(sources) > 1:
        raise ValueError("rejected records come from more than one file; write them separately")
    source = next(iter(sources.values()), None)
    suffix = target.suffix.lower()
    fmt = format or (source.format if source is not None else None)
    if fmt is None:
        fmt = next((f for f, exts in _EXTENSIONS.items() if suffix in exts), None)
        if fmt is None:
            raise ValueError(f"cannot tell the rejects format from {target.name!r}; pass format=")
    if suffix not in _EXTENSIONS.get(fmt, set()):
        raise ValueError(f"rejects of {fmt} input are written as {fmt}; use one of "
                         f"{', '.join(sorted(_EXTENSIONS.get(fmt, ())))} instead of {suffix or 'no extension'!r}")
    if fmt == "csv":
        payload = _csv_bytes(rejected, source)
    elif fmt == "xlsx":
        payload = _xlsx_bytes(rejected, source)
    elif fmt == "jsonl":
        payload = "".join(json.dumps(_json_object(r), ensure_ascii=False, default=str) + "\n"
                          for r in rejected).encode("utf-8")
    elif fmt == "json":
        payload = (json.dumps([_json_object(r) for r in rejected], ensure_ascii=False, indent=1, default=str)
                   + "\n").encode("utf-8")
    else:
        raise ValueError(f"unknown format {fmt!r}")
    _atomic_write(target, payload)
    return target


def row_errors(record: RejectedRecord) -> dict[int, list[str]]:
    """Error texts per row of ``record`` (rows with no issue of their own point to the rows that have one)."""
    by_row: dict[int, list[str]] = {row: [] for row in record.rows}
    loose: list[str] = []
    for item in record.issues:
        text = item.describe(with_file=False)
        if item.row in by_row:
            by_row[item.row].append(text)
        else:
            loose.append(text)
    bad = [row for row, texts in by_row.items() if texts]
    label = f"shipment {record.shipment_id!r}" if record.shipment_id else "this record"
    for row, texts in by_row.items():
        texts.extend(loose)
        if not texts:
            texts.append(f"{label} is rejected because of row {', '.join(str(r) for r in bad)}" if bad
                         else f"{label} is rejected")
    return by_row


def _json_object(record: RejectedRecord) -> dict[str, Any]:
    errors = [i.describe(with_file=False) for i in record.issues]
    if isinstance(record.raw, dict):
        out = {k: v for k, v in record.raw.items() if k != ERRORS_KEY}
    else:
        out = {"_raw": record.raw}
    out[ERRORS_KEY] = errors
    return out


def _table_layout(rejected: Sequence[RejectedRecord], source: Any) -> tuple[list[str], int | None]:
    """Output headers and the index of an existing errors column (replaced, not duplicated)."""
    columns = list(source.columns) if source is not None else []
    width = max([len(columns)] + [len(cells) for r in rejected for cells in (r.raw or [])])
    columns += [""] * (width - len(columns))
    existing = next((i for i, h in enumerate(columns) if normalize_header(h) in ("errors",)), None)
    if existing is None:
        columns.append(ERRORS_COLUMN)
    return columns, existing


def _table_rows(rejected: Sequence[RejectedRecord], columns: list[str], existing: int | None) -> Iterable[list[Any]]:
    for record in rejected:
        texts = row_errors(record)
        for row, cells in zip(record.rows, record.raw or [], strict=False):
            out = list(cells) + [None] * (len(columns) - len(cells))
            joined = "; ".join(texts.get(row, []))
            out[existing if existing is not None else len(columns) - 1] = joined
            yield out


def _csv_bytes(rejected: Sequence[RejectedRecord], source: Any) -> bytes:
    columns, existing = _table_layout(rejected, source)
    delimiter = (source.delimiter if source is not None else None) or ","
    encoding = (source.encoding if source is not None else None) or "utf-8"
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter)
    if rejected or source is not None:
        writer.writerow(columns)
    for cells in _table_rows(rejected, columns, existing):
        writer.writerow(["" if c is None else c for c in cells])
    return buffer.getvalue().encode(encoding, errors="backslashreplace")


def _xlsx_bytes(rejected: Sequence[RejectedRecord], source: Any) -> bytes:
    import openpyxl

    columns, existing = _table_layout(rejected, source)
    wb = openpyxl.Workbook()
    ws = wb.active
    if source is not None and source.sheet:
        ws.title = source.sheet[:31]
    for r, cells in enumerate([columns, *_table_rows(rejected, columns, existing)], start=1):
        for c, value in enumerate(cells, start=1):
            if value is None or value == "":
                continue
            cell = ws.cell(row=r, column=c, value=value)
            if isinstance(value, str) and value.startswith("="):
                cell.data_type = "s"  # text that looks like a formula stays text
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _atomic_write(target: Path, payload: bytes) -> None:
    directory = target.parent if str(target.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, new_file_mode(target))  # mkstemp makes 0600 files; use the user's umask
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
