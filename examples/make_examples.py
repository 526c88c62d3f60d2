"""Write ``examples/shipments.xlsx`` from ``examples/shipments.csv``.

The workbook holds the same rows as the CSV, with the Chinese column headers
of ``src/dualuse/input/headers.yaml`` (货运编号, 发货日期, 收货人, 管制编码 ...),
real date cells, numbers as numbers, the China-origin share as a percentage
cell, and HS codes as text (so no leading zero can be lost). Run from the
repository root::

    .venv/bin/python examples/make_examples.py

The output is reproducible: workbook and ZIP timestamps are pinned, so
re-running it on an unchanged CSV gives a byte-identical file.
Needs openpyxl and the standard library only.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import sys
import zipfile
from pathlib import Path

import openpyxl
from openpyxl.styles import Font

HERE = Path(__file__).resolve().parent
CSV_PATH = HERE / "shipments.csv"
XLSX_PATH = HERE / "shipments.xlsx"
PINNED = dt.datetime(2026, 1, 1)

# English header in shipments.csv -> simplified-Chinese spelling in headers.yaml
ZH_HEADERS = {
    "shipment id": "货运编号",
    "date": "发货日期",
    "exporter": "出口商",
    "exporter country": "出口商国家",
    "exporter address": "出口商地址",
    "consignee": "收货人",
    "consignee country": "收货人国家",
    "consignee address": "收货人地址",
    "end user": "最终用户",
    "end user country": "最终用户国家",
    "end user address": "最终用户地址",
    "destination country": "目的国",
    "end use": "最终用途",
    "intermediary 1 name": "中间商1名称",
    "intermediary 1 country": "中间商1国家",
    "intermediary 1 role": "中间商1角色",
    "intermediary 2 name": "中间商2名称",
    "intermediary 2 country": "中间商2国家",
    "intermediary 2 role": "中间商2角色",
    "line no": "行号",
    "description": "品名",
    "control code": "管制编码",
    "hs code": "海关编码",
    "origin": "原产国",
    "china origin share": "中国原产价值占比",
    "quantity": "数量",
    "unit": "单位",
    "value": "金额",
    "currency": "币种",
}
NUMBER_COLUMNS = {"quantity", "value"}
TEXT_COLUMNS = {"hs code", "control code"}


def cell_value(header: str, text: str) -> object:
    """The typed cell for one CSV value (``None`` for an empty value)."""
    text = text.strip()
    if not text:
        return None
    if header == "date":
        return dt.date.fromisoformat(text)
    if header == "line no":
        return int(text)
    if header in NUMBER_COLUMNS:
        number = float(text.replace(",", ""))
        return int(number) if number.is_integer() else number
    if header == "china origin share":
        return float(text[:-1]) / 100 if text.endswith("%") else float(text)
    return text


def build(csv_path: Path = CSV_PATH) -> bytes:
    """The workbook's bytes."""
    with csv_path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        headers = next(reader)
        rows = [row for row in reader if any(c.strip() for c in row)]
    unknown = [h for h in headers if h not in ZH_HEADERS]
    if unknown:
        raise SystemExit(f"no Chinese header for column(s) {unknown}; add them to ZH_HEADERS")

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "出货明细"
    ws.append([ZH_HEADERS[h] for h in headers])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append([cell_value(h, v) for h, v in zip(headers, row, strict=True)])
        for header, cell in zip(headers, ws[ws.max_row], strict=True):
            if header == "date":
                cell.number_format = "yyyy-mm-dd"
            elif header == "china origin share" and cell.value is not None:
                cell.number_format = "0%"
            elif header in TEXT_COLUMNS:
                cell.number_format = "@"
    for index, header in enumerate(headers, start=1):
        width = max(len(ZH_HEADERS[header]) * 2, *(len(str(r[index - 1])) for r in rows))
        ws.column_dimensions[openpyxl.utils.get_column_letter(index)].width = min(max(width, 8), 48)
    ws.freeze_panes = "A2"

    wb.properties.creator = "dualuse examples/make_examples.py"
    wb.properties.created = PINNED
    wb.properties.modified = PINNED
    raw = io.BytesIO()
    wb.save(raw)
    return _pin_zip(raw.getvalue())


def _pin_zip(data: bytes) -> bytes:
    """Rewrite the ZIP with fixed entry dates and document timestamps."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", b"2026-01-01T00:00:00Z", body)
            pinned = zipfile.ZipInfo(info.filename, date_time=PINNED.timetuple()[:6])
            pinned.compress_type = zipfile.ZIP_DEFLATED
            pinned.external_attr = info.external_attr
            dst.writestr(pinned, body)
    return out.getvalue()


def main() -> int:
    data = build()
    XLSX_PATH.write_bytes(data)
    print(f"wrote {XLSX_PATH.relative_to(Path.cwd()) if XLSX_PATH.is_relative_to(Path.cwd()) else XLSX_PATH}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
