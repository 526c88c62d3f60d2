"""write_rejects: same format out as in, with errors; atomic; reloadable once fixed."""

from __future__ import annotations

import csv
import datetime as dt
import importlib.util
import io
import json
import os
import sys
from pathlib import Path
from types import ModuleType

import pytest

from dualuse.input import load_shipments, write_rejects
from dualuse.models.shipment import Shipment

HERE = Path(__file__).resolve().parent
FIXTURES = HERE / "fixtures"


def _load_make_fixtures() -> ModuleType:
    name = "dualuse_tests_input_make_fixtures"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, HERE / "make_fixtures.py")
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


MF = _load_make_fixtures()
EXPECTED = [Shipment.model_validate(s) for s in MF.SHIPMENTS]


def test_csv_rejects_keep_columns_encoding_and_delimiter(tmp_path: Path) -> None:
    rows = MF.flat_rows(MF.SHIPMENTS, date_style="slash")
    rows[1][9] = rows[2][9] = "XX"  # S-102 end user country
    source = tmp_path / "in.csv"
    source.write_bytes(MF.csv_text(MF.HEADERS["zh"], rows, delimiter=";").encode("gb18030"))
    result = load_shipments(source, skip_invalid=True)
    assert [s.id for s in result.shipments] == ["S-101"]

    out = write_rejects(result.rejected, tmp_path / "rejects.csv")
    text = out.read_bytes().decode("gb18030")
    table = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    assert table[0] == MF.HEADERS["zh"] + ["errors"]
    assert [r[:-1] for r in table[1:]] == [["" if v is None else v for v in r] for r in rows[1:]]
    assert table[1][-1] == ("row 3, column \"最终用户国家\" ('XX'): expected a country: an ISO 3166-1 code (JP, JPN), "
                            "a name in English, Chinese or Japanese (Japan, 日本, 米国) or a Chinese customs code (116)")
    assert table[2][-1] == "shipment 'S-102' is rejected because of row 3"

    # fix the file the way a user would and load it again: the errors column is ignored
    out.write_bytes(text.replace(";XX;", ";JP;").encode("gb18030"))
    again = load_shipments(out)
    assert again.shipments == EXPECTED[1:]
    assert again.source.encoding == "gb18030"


def test_jsonl_rejects_carry_errors_key(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_bytes((FIXTURES / "bad_fields.jsonl").read_bytes() + b"not json\n")
    result = load_shipments(source, skip_invalid=True)
    out = write_rejects(result.rejected, tmp_path / "rejects.jsonl")
    first, second = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert first["id"] == "S-102" and first["consignee"]["name"] == "  "
    assert first["_errors"][0] == "row 2, column \"consignee.name\" ('  '): party name is required"
    assert second == {"_raw": "not json", "_errors": [
        "row 3: not valid JSON: Expecting value at character 1; expected one shipment object per line"]}
    # a rejects file is loadable input: _errors is ignored, the problems remain
    fixed = dict(first, consignee=dict(first["consignee"], name="Kintetsu World Express, Inc."),
                 end_user=dict(first["end_user"], country="JP"),
                 lines=[dict(first["lines"][0], hs_code="8101999001"), first["lines"][1]])
    out.write_text(json.dumps(fixed, ensure_ascii=False) + "\n", encoding="utf-8")
    assert load_shipments(out).shipments == EXPECTED[1:]


def test_json_array_rejects(tmp_path: Path) -> None:
    bad = json.loads(json.dumps(MF.SHIPMENTS))
    bad[0]["date"] = "soon"
    source = tmp_path / "in.json"
    source.write_text(json.dumps(bad), encoding="utf-8")
    result = load_shipments(source, skip_invalid=True)
    out = write_rejects(result.rejected, tmp_path / "rejects.json")
    (obj,) = json.loads(out.read_text(encoding="utf-8"))
    assert obj["id"] == "S-101" and obj["_errors"][0].startswith("row 1, column \"date\" ('soon'): expected a date")


def test_xlsx_rejects(tmp_path: Path) -> None:
    import openpyxl

    result = load_shipments(FIXTURES / "bad_values.xlsx", skip_invalid=True)
    out = write_rejects(result.rejected, tmp_path / "rejects.xlsx")
    wb = openpyxl.load_workbook(out)
    ws = wb.active
    assert ws.title == "Shipments"
    rows = list(ws.iter_rows(values_only=True))
    assert list(rows[0]) == MF.HEADERS["en"] + ["errors"]
    assert len(rows) == 4
    assert rows[1][1] == "2026-13-02" and rows[1][-1].startswith("row 2, column \"Date\" ('2026-13-02')")
    assert rows[2][1] == dt.datetime(2026, 4, 15)  # date cells stay dates
    assert rows[2][-1] == ("row 3, column \"Quantity\" ('eight hundred'): expected a quantity like 500 or 500千克 "
                           "(a number, then the unit)")
    assert rows[3][-1] == "row 4, column \"China Origin Share\" (1.5): expected a number between 0 and 1"


def test_formula_like_text_stays_text(tmp_path: Path) -> None:
    import openpyxl

    rows = MF.flat_rows(MF.SHIPMENTS, typed=True)
    rows[0][3] = "ZZ"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(MF.HEADERS["en"])
    for row in rows:
        ws.append(row)
    ws.cell(row=2, column=18).value = '=HYPERLINK("x")'
    ws.cell(row=2, column=18).data_type = "s"  # text that starts with "=", not a formula
    source = tmp_path / "in.xlsx"
    wb.save(source)
    result = load_shipments(source, skip_invalid=True)
    assert result.rejected[0].raw[0][17] == '=HYPERLINK("x")'
    out = write_rejects(result.rejected, tmp_path / "out.xlsx")
    cell = openpyxl.load_workbook(out).active.cell(row=2, column=18)
    assert cell.data_type == "s" and cell.value == '=HYPERLINK("x")'


def test_extension_must_match_the_input_format(tmp_path: Path) -> None:
    result = load_shipments(FIXTURES / "unknown_country.csv", skip_invalid=True)
    with pytest.raises(ValueError, match="rejects of csv input are written as csv"):
        write_rejects(result.rejected, tmp_path / "rejects.xlsx")
    assert not (tmp_path / "rejects.xlsx").exists()


def test_nothing_rejected_writes_an_empty_file(tmp_path: Path) -> None:
    assert write_rejects([], tmp_path / "none.jsonl").read_bytes() == b""
    assert write_rejects([], tmp_path / "none.csv").read_bytes() == b""


def test_write_is_atomic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = load_shipments(FIXTURES / "unknown_country.csv", skip_invalid=True)
    target = tmp_path / "rejects.csv"
    target.write_text("previous content", encoding="utf-8")

    def fail(*args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError, match="disk full"):
        write_rejects(result.rejected, target)
    assert target.read_text(encoding="utf-8") == "previous content"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rejects.csv"]  # no temp file left
    monkeypatch.undo()
    write_rejects(result.rejected, target)
    assert target.read_text(encoding="utf-8").startswith("Shipment ID,")
    assert oct(target.stat().st_mode & 0o777) == oct(0o644)
