"""load_shipments: every format and encoding, malformed files, skip_invalid, grouping."""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

from dualuse.input import InputError, LoadResult, load_shipments
from dualuse.input.errors import MISSING
from dualuse.input.tables import parse_date, parse_hs, parse_number, parse_share
from dualuse.models.shipment import Shipment

HERE = Path(__file__).resolve().parent
FIXTURES = HERE / "fixtures"
DEV = Path("/work/shared/eval/shipments_dev.jsonl")


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


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def csv_of(rows: list[list[object]], header: list[str] | None = None) -> str:
    return MF.csv_text(header or MF.HEADERS["en"], rows)


# --- fixtures are current ---------------------------------------------------

def test_committed_fixtures_match_the_generator() -> None:
    built = MF.build()
    on_disk = {p.name for p in FIXTURES.iterdir()}
    assert set(built) == on_disk
    for name, data in built.items():
        assert (FIXTURES / name).read_bytes() == data, f"{name} is stale: run tests/input/make_fixtures.py"


# --- every good format loads to the same shipments ---------------------------

GOOD = {
    "two_shipments.jsonl": ("jsonl", "utf-8", None),
    "two_shipments.json": ("json", "utf-8", None),
    "two_shipments_utf8.csv": ("csv", "utf-8", ","),
    "two_shipments_utf8_bom.csv": ("csv", "utf-8-sig", ";"),
    "two_shipments_gb18030.csv": ("csv", "gb18030", ","),
    "two_shipments_cp932.csv": ("csv", "cp932", ","),
    "two_shipments.tsv": ("csv", "utf-8", "\t"),
    "two_shipments.xlsx": ("xlsx", None, None),
}


@pytest.mark.parametrize("name", sorted(GOOD))
def test_good_files_load_to_the_same_shipments(name: str) -> None:
    path = FIXTURES / name
    result = load_shipments(path)
    assert isinstance(result, LoadResult)
    assert result.shipments == EXPECTED
    assert result.rejected == []
    fmt, encoding, delimiter = GOOD[name]
    src = result.source
    assert (src.format, src.encoding, src.delimiter) == (fmt, encoding, delimiter)
    assert src.path == str(path)
    assert src.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert src["sha256"] == src.sha256 and src.as_dict()["rows"] == src.rows
    assert src.rows == (2 if fmt in ("json", "jsonl") else 3)


def test_specific_values_survive() -> None:
    """Spot-check values that each need a conversion in some format."""
    for name in GOOD:
        s101, s102 = load_shipments(FIXTURES / name).shipments
        assert s101.date == dt.date(2026, 3, 2) and s102.date == dt.date(2026, 4, 15)
        assert s101.end_user is None and s101.intermediaries == []
        assert s101.consignee.name == "三菱重工航空エンジン株式会社"
        assert s101.lines[0].parameters == {"purity_percent": 99.9}
        assert s101.lines[0].value == 48500.0
        assert s102.end_user is not None and s102.end_user.country == "JP"
        assert [(p.name, p.country, p.role) for p in s102.intermediaries] == [
            ("Kerry Logistics Network Limited", "HK", "forwarder")]
        assert [ln.line for ln in s102.lines] == [1, 2]
        assert s102.lines[1].china_origin_value_share == 0.35 and s102.lines[1].control_code is None
        assert s102.lines[1].hs_code == "392310"


def test_locations() -> None:
    assert load_shipments(FIXTURES / "two_shipments_utf8.csv").locations == {"S-101": [2], "S-102": [3, 4]}
    assert load_shipments(FIXTURES / "two_shipments.jsonl").locations == {"S-101": [1], "S-102": [2]}
    text = (FIXTURES / "two_shipments.json").read_text(encoding="utf-8").split("\n")
    starts = [i + 1 for i, line in enumerate(text) if line == "  {"]
    assert load_shipments(FIXTURES / "two_shipments.json").locations == {"S-101": [starts[0]],
                                                                         "S-102": [starts[1]]}


@pytest.mark.skipif(not DEV.exists(), reason="evaluation set not available")
def test_dev_set_loads_63_shipments() -> None:
    result = load_shipments(DEV)
    assert len(result.shipments) == 63 and result.rejected == []
    direct = []
    for line in DEV.read_text(encoding="utf-8").splitlines():
        obj = json.loads(line)
        obj.pop("expected")
        direct.append(Shipment.model_validate(obj))
    assert result.shipments == direct
    assert result.shipments[0].id == "S-001"


# --- malformed files ----------------------------------------------------------

@pytest.mark.parametrize("name", sorted(MF.MALFORMED))
def test_malformed_files_name_row_and_column(name: str) -> None:
    path = FIXTURES / name
    with pytest.raises(InputError) as info:
        load_shipments(path)
    found = [(i.row, i.column) for i in info.value.issues]
    assert sorted(found, key=str) == sorted(MF.MALFORMED[name], key=str)
    lines = str(info.value).splitlines()
    assert len(lines) == len(found)
    for item, line in zip(info.value.issues, lines, strict=True):
        assert line.startswith(f"{path}: row {item.row}")
        if item.column:
            assert f'column "{item.column}"' in line


def test_exact_messages() -> None:
    path = FIXTURES / "unknown_country.csv"
    with pytest.raises(InputError) as info:
        load_shipments(path)
    assert str(info.value) == (
        f"{path}: row 3, column \"End User Country\" ('XX'): expected a country: an ISO 3166-1 code (JP, JPN), "
        "a name in English, Chinese or Japanese (Japan, 日本, 米国) or a Chinese customs code (116)")

    path = FIXTURES / "bad_date.csv"
    with pytest.raises(InputError) as info:
        load_shipments(path)
    assert str(info.value) == (
        f"{path}: row 3, column \"Date\" ('02/04/2026'): expected a date like 2026-03-02 (02/04/2026 could be "
        "day/month or month/day; write it as 2026-04-02 or 2026-02-04, or give the date order (dmy or mdy) with "
        "--date-order or in the column mapping)")

    with pytest.raises(InputError) as info:
        load_shipments(FIXTURES / "missing_party_name.csv")
    assert str(info.value).endswith('missing_party_name.csv: row 3, column "Consignee": party name is required')

    with pytest.raises(InputError) as info:
        load_shipments(FIXTURES / "conflicting.csv")
    assert str(info.value).endswith(
        "conflicting.csv: row 4, column \"Consignee\" ('Kintetsu World Express (Japan)'): expected the same value "
        "as row 3 ('Kintetsu World Express, Inc.'): both rows belong to shipment 'S-102' and shipment columns "
        "must repeat on every line of a shipment")

    with pytest.raises(InputError) as info:
        load_shipments(FIXTURES / "bad_fields.jsonl")
    assert [i.describe(with_file=False) for i in info.value.issues] == [
        "row 2, column \"consignee.name\" ('  '): party name is required",
        "row 2, column \"end_user.country\" ('XX'): expected a country: an ISO 3166-1 code (JP, JPN), a name in "
        "English, Chinese or Japanese (Japan, 日本, 米国) or a Chinese customs code (116)",
        "row 2, column \"lines[0].hs_code\" ('81O1.99'): expected an HS code of 4 to 10 digits, like 2805301200 "
        "(dots and spaces allowed)",
    ]

    with pytest.raises(InputError) as info:
        load_shipments(FIXTURES / "not_json.jsonl")
    assert str(info.value).endswith("not_json.jsonl: row 2: not valid JSON: Expecting ',' delimiter at character "
                                    f"{len((FIXTURES / 'not_json.jsonl').read_text().splitlines()[1]) + 1}; "
                                    "expected one shipment object per line")


def test_unknown_columns_are_kept_and_reported_once() -> None:
    result = load_shipments(FIXTURES / "unknown_header.csv")
    assert [s.id for s in result.shipments] == ["S-101", "S-102"]
    (eccn, eccn_why), (remarks, remarks_why) = result.unmapped
    assert (eccn, remarks) == ("ECCN", "Remarks")
    assert "ECCN is the US Export Control Classification Number" in eccn_why
    assert 'accepted headers include "shipment id"' in remarks_why and "headers.yaml" in remarks_why
    # carried through as written, per line
    assert result.shipments[1].lines[0].extra == {"ECCN": "1C997", "Remarks": "urgent"}
    assert result.shipments[1].lines[0].control_code == "1C117.c"  # the US code is not read as the Chinese one
    assert [ln.model_dump(exclude={"extra"}) for s in result.shipments for ln in s.lines] == [
        ln.model_dump(exclude={"extra"}) for s in EXPECTED for ln in s.lines]


def test_xlsx_issues_use_sheet_rows_and_typed_values() -> None:
    with pytest.raises(InputError) as info:
        load_shipments(FIXTURES / "bad_values.xlsx")
    share = info.value.issues[-1]
    assert (share.row, share.column, share.value) == (4, "China Origin Share", 1.5)
    assert share.message == "expected a number between 0 and 1"


# --- skip_invalid -------------------------------------------------------------

def test_skip_invalid_csv() -> None:
    result = load_shipments(FIXTURES / "unknown_country.csv", skip_invalid=True)
    assert result.shipments == EXPECTED[:1]
    (rejected,) = result.rejected
    assert rejected.rows == [3, 4] and rejected.shipment_id == "S-102"
    assert [(i.row, i.column, i.value) for i in rejected.issues] == [(3, "End User Country", "XX")]
    assert rejected.raw[0][0] == "S-102" and len(rejected.raw) == 2
    assert rejected.source is result.source
    assert result.issues == rejected.issues


def test_skip_invalid_jsonl() -> None:
    result = load_shipments(FIXTURES / "not_json.jsonl", skip_invalid=True)
    assert result.shipments == EXPECTED[:1]
    (rejected,) = result.rejected
    assert rejected.rows == [2] and isinstance(rejected.raw, str) and rejected.shipment_id is None

    result = load_shipments(FIXTURES / "bad_fields.jsonl", skip_invalid=True)
    assert [s.id for s in result.shipments] == ["S-101"]
    assert result.rejected[0].shipment_id == "S-102" and len(result.rejected[0].issues) == 3


def test_skip_invalid_xlsx_rejects_both_shipments() -> None:
    result = load_shipments(FIXTURES / "bad_values.xlsx", skip_invalid=True)
    assert result.shipments == []
    assert [(r.shipment_id, r.rows) for r in result.rejected] == [("S-101", [2]), ("S-102", [3, 4])]


@pytest.mark.parametrize("name", ["undecodable.csv"])
def test_file_level_problems_raise_even_with_skip_invalid(name: str) -> None:
    with pytest.raises(InputError):
        load_shipments(FIXTURES / name, skip_invalid=True)


def test_all_issues_are_reported_not_just_the_first(tmp_path: Path) -> None:
    rows = MF.flat_rows(MF.SHIPMENTS)
    rows[0][3] = "ZZ"          # row 2 exporter country
    rows[1][19] = "12"         # row 3 hs code
    rows[2][24] = "-5"         # row 4 value
    rows[2][16] = "x"          # row 4 line number
    path = write(tmp_path, "many.csv", csv_of(rows))
    with pytest.raises(InputError) as info:
        load_shipments(path)
    assert [(i.row, i.column) for i in info.value.issues] == [
        (2, "Exporter Country"), (3, "HS Code"), (4, "Line"), (4, "Value")]
    assert info.value.issues[3].message == "expected a number of at least 0"


# --- flat-table rules ---------------------------------------------------------

def test_rows_of_a_shipment_need_not_be_contiguous(tmp_path: Path) -> None:
    rows = MF.flat_rows(MF.SHIPMENTS)
    path = write(tmp_path, "mixed.csv", csv_of([rows[1], rows[0], rows[2]]))
    result = load_shipments(path)
    assert [s.id for s in result.shipments] == ["S-102", "S-101"]
    assert result.shipments == [EXPECTED[1], EXPECTED[0]]
    assert result.locations == {"S-102": [2, 4], "S-101": [3]}


def test_blank_rows_and_empty_unnamed_columns_are_ignored(tmp_path: Path) -> None:
    rows = [r + ["", ""] for r in MF.flat_rows(MF.SHIPMENTS)]
    blank = [""] * len(rows[0])
    text = csv_of([rows[0], blank, rows[1], rows[2]], MF.HEADERS["en"] + ["", ""])
    result = load_shipments(write(tmp_path, "blank.csv", text))
    assert result.shipments == EXPECTED
    assert result.locations == {"S-101": [2], "S-102": [4, 5]}


def test_unnamed_column_with_values_is_an_error(tmp_path: Path) -> None:
    rows = [r + ["note"] for r in MF.flat_rows(MF.SHIPMENTS)]
    with pytest.raises(InputError, match=r"row 1: column 28 has no header but has values \(rows 2, 3, 4\)"):
        load_shipments(write(tmp_path, "unnamed.csv", csv_of(rows, MF.HEADERS["en"] + [""])))


def test_missing_required_columns(tmp_path: Path) -> None:
    header = [h for h in MF.HEADERS["en"] if h not in ("Date", "Consignee")]
    rows = [[v for h, v in zip(MF.HEADERS["en"], r) if h not in ("Date", "Consignee")]
            for r in MF.flat_rows(MF.SHIPMENTS)]
    with pytest.raises(InputError) as info:
        load_shipments(write(tmp_path, "nocols.csv", csv_of(rows, header)))
    messages = [i.message for i in info.value.issues]
    assert messages[0].startswith('no column for date: add one headed "date", "日期", "出荷日"')
    assert messages[1].startswith('no column for consignee: add one headed "consignee", "收货人", "收貨人", "荷受人"')


def test_two_headers_for_one_field(tmp_path: Path) -> None:
    rows = [r + [r[5]] for r in MF.flat_rows(MF.SHIPMENTS)]
    with pytest.raises(InputError) as info:
        load_shipments(write(tmp_path, "dup.csv", csv_of(rows, MF.HEADERS["en"] + ["收货人"])))
    (item,) = info.value.issues
    assert (item.row, item.column) == (1, "收货人")
    assert item.message == 'this column means the same as column "Consignee"; keep only one of them'


def test_errors_column_from_rejects_is_ignored(tmp_path: Path) -> None:
    rows = [r + ["old error"] for r in MF.flat_rows(MF.SHIPMENTS)]
    result = load_shipments(write(tmp_path, "again.csv", csv_of(rows, MF.HEADERS["en"] + ["errors"])))
    assert result.shipments == EXPECTED


def test_row_without_shipment_id(tmp_path: Path) -> None:
    rows = MF.flat_rows(MF.SHIPMENTS)
    rows[2][0] = ""
    path = write(tmp_path, "noid.csv", csv_of(rows))
    result = load_shipments(path, skip_invalid=True)
    assert [s.id for s in result.shipments] == ["S-101", "S-102"]
    assert len(result.shipments[1].lines) == 1
    (rejected,) = result.rejected
    assert rejected.rows == [4]
    assert rejected.issues[0].describe(with_file=False) == (
        'row 4, column "Shipment ID": shipment id is required: every row needs the id of the shipment it belongs to')


def test_duplicate_line_numbers(tmp_path: Path) -> None:
    rows = MF.flat_rows(MF.SHIPMENTS)
    rows[2][16] = "1"
    with pytest.raises(InputError) as info:
        load_shipments(write(tmp_path, "dupline.csv", csv_of(rows)))
    (item,) = info.value.issues
    assert (item.row, item.column, item.value) == (4, "Line", 1)
    assert item.message == "line number 1 is used twice in shipment 'S-102' (also on row 3)"


def test_line_numbers_default_to_row_order(tmp_path: Path) -> None:
    header = [h for h in MF.HEADERS["en"] if h != "Line"]
    rows = [[v for h, v in zip(MF.HEADERS["en"], r) if h != "Line"] for r in MF.flat_rows(MF.SHIPMENTS)]
    assert load_shipments(write(tmp_path, "nolines.csv", csv_of(rows, header))).shipments == EXPECTED


def test_empty_end_user_is_none_but_partial_end_user_needs_a_name(tmp_path: Path) -> None:
    rows = MF.flat_rows(MF.SHIPMENTS)
    rows[0][9] = "JP"  # S-101: end user country without name
    with pytest.raises(InputError) as info:
        load_shipments(write(tmp_path, "eu.csv", csv_of(rows)))
    (item,) = info.value.issues
    assert (item.row, item.column, item.message) == (2, "End User", "party name is required")


def test_intermediaries_numbered_and_unnumbered(tmp_path: Path) -> None:
    header = ["出荷番号", "日付", "輸出者", "荷受人", "仕向地", "品名", "intermediary", "intermediary country",
              "Intermediary 2 Name", "Intermediary 2 Country", "intermediary_2_role", "中间商3名称"]
    rows = [["S-1", "2026-03-02", "Exporter Co", "Consignee KK", "JP", "bolts", "Agent A", "SG",
             "Bank B", "HK", "bank", ""]]
    (shipment,) = load_shipments(write(tmp_path, "inter.csv", csv_of(rows, header))).shipments
    assert [(p.name, p.country, p.role) for p in shipment.intermediaries] == [
        ("Agent A", "SG", None), ("Bank B", "HK", "bank")]
    assert shipment.lines[0].line == 1 and shipment.lines[0].description == "bolts"


def test_parameters_numbers_and_text(tmp_path: Path) -> None:
    header = ["id", "date", "exporter", "consignee", "destination", "description", "param:purity_percent",
              "PARAM: grade", "参数：粒度"]
    rows = [["S-1", "20260302", "E", "C", "jp", "Ga", "99.9999", "5N", ""],
            ["S-1", "20260302", "E", "C", "jp", "Ge", "1,000", "", "-200 mesh"]]
    (shipment,) = load_shipments(write(tmp_path, "params.csv", csv_of(rows, header))).shipments
    assert shipment.destination_country == "JP"
    assert [ln.parameters for ln in shipment.lines] == [
        {"purity_percent": 99.9999, "grade": "5N"}, {"purity_percent": 1000.0, "粒度": "-200 mesh"}]


def test_fullwidth_and_spacing_in_headers_and_values(tmp_path: Path) -> None:
    header = ["ＩＤ", "Ｄａｔｅ", "EXPORTER_NAME", "consignee-name", "Destination Country", "HS　Code",
              "China Origin Share (%)"]
    rows = [["S-1", "２０２６年３月２日", "E", "C", "ＪＰ", "2805.30.12.00", "３５％"]]
    (shipment,) = load_shipments(write(tmp_path, "wide.csv", csv_of(rows, header))).shipments
    assert shipment.date == dt.date(2026, 3, 2) and shipment.destination_country == "JP"
    assert shipment.lines[0].hs_code == "2805301200" and shipment.lines[0].china_origin_value_share == 0.35


def test_unterminated_quote_is_an_error(tmp_path: Path) -> None:
    text = csv_of(MF.flat_rows(MF.SHIPMENTS)) + 'S-103,"2026-03-02,oops\r\n'
    with pytest.raises(InputError, match="row 5: malformed CSV"):
        load_shipments(write(tmp_path, "quote.csv", text))


def test_empty_and_header_only_files(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="the file is empty"):
        load_shipments(write(tmp_path, "empty.csv", "\r\n\r\n"))
    with pytest.raises(InputError) as info:
        load_shipments(write(tmp_path, "header.csv", csv_of([])), skip_invalid=True)
    assert str(info.value).endswith("header.csv: row 1: no data rows below the header: expected one row per item "
                                    "line (a file with only a header has no shipments to screen)")
    with pytest.raises(InputError, match="the file holds no shipments: expected one shipment object per line"):
        load_shipments(write(tmp_path, "empty.jsonl", ""))


def test_unknown_extension(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"save \.xls and \.xlsm workbooks as \.xlsx"):
        load_shipments(write(tmp_path, "old.xls", "x"))
    with pytest.raises(InputError, match=r"save \.xls and \.xlsm workbooks as \.xlsx"):
        load_shipments(write(tmp_path, "macro.xlsm", "x"))
    with pytest.raises(InputError, match="cannot tell the format from extension '.pdf'"):
        load_shipments(write(tmp_path, "s.pdf", "x"))
    with pytest.raises(InputError, match="cannot read the file"):
        load_shipments(tmp_path / "missing.csv")
    with pytest.raises(ValueError, match="sheet="):
        load_shipments(FIXTURES / "two_shipments_utf8.csv", sheet="x")


# --- XLSX specifics -------------------------------------------------------------

def test_xlsx_named_sheet_and_numeric_hs(tmp_path: Path) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.title = "Notes"
    wb.active.append(["this sheet is not read"])
    ws = wb.create_sheet("出荷")
    ws.append(["出荷番号", "出荷日", "輸出者", "荷受人", "仕向地", "HSコード", "数量"])
    ws.append([1001, dt.datetime(2026, 3, 2, 9, 30), "E", "C", "JP", 101210010, 5])
    ws.append([1001, dt.datetime(2026, 3, 2, 9, 30), "E", "C", "JP", "0101.21", 2.5])
    path = tmp_path / "book.xlsx"
    wb.save(path)
    result = load_shipments(path, sheet="出荷")
    (shipment,) = result.shipments
    assert shipment.id == "1001" and shipment.date == dt.date(2026, 3, 2)
    assert [ln.hs_code for ln in shipment.lines] == ["0101210010", "010121"]
    assert [ln.quantity for ln in shipment.lines] == [5.0, 2.5]
    assert result.source.sheet == "出荷" and result.source.encoding is None
    with pytest.raises(InputError, match="no sheet named 'Missing'; the workbook has 'Notes', '出荷'"):
        load_shipments(path, sheet="Missing")
    with pytest.raises(InputError, match="no column for shipment id"):
        load_shipments(path)  # the first sheet has no shipment headers


def _formula_book(path: Path, *, cached: bool) -> None:
    import re
    import zipfile

    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["id", "date", "exporter", "consignee", "destination", "quantity"])
    ws.append(["S-1", "2026-03-02", "E", "C", "JP", "=2+3"])
    wb.save(path)
    if cached:  # what Excel writes: the formula and its last calculated value
        with zipfile.ZipFile(path) as src:
            parts = {i.filename: src.read(i.filename) for i in src.infolist()}
        sheet = "xl/worksheets/sheet1.xml"
        parts[sheet] = re.sub(rb"<f>2\+3</f><v\s*/>", b"<f>2+3</f><v>5</v>", parts[sheet])
        with zipfile.ZipFile(path, "w") as dst:
            for name, body in parts.items():
                dst.writestr(name, body)


def test_xlsx_formulas(tmp_path: Path) -> None:
    _formula_book(tmp_path / "cached.xlsx", cached=True)
    (shipment,) = load_shipments(tmp_path / "cached.xlsx").shipments
    assert shipment.lines[0].quantity == 5.0

    _formula_book(tmp_path / "uncalculated.xlsx", cached=False)
    with pytest.raises(InputError) as info:
        load_shipments(tmp_path / "uncalculated.xlsx")
    (item,) = info.value.issues
    assert item.row == 2
    assert item.message.startswith("cell F2 of sheet 'Sheet' holds a formula without a saved value")


def test_not_a_workbook(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not a readable .xlsx workbook"):
        load_shipments(write(tmp_path, "fake.xlsx", "id,date\n"))


# --- JSON specifics -----------------------------------------------------------

def test_json_rules(tmp_path: Path) -> None:
    s1, s2 = json.loads(json.dumps(MF.SHIPMENTS))
    s2["date"] = "2026年4月15日"
    dup = dict(s1)
    bad = dict(s1, id="S-9", lines=[dict(s1["lines"][0], colour="red")])
    nolines = dict(s1, id="S-10", lines=[])
    text = "\n".join([json.dumps(s1), json.dumps(s2), "", json.dumps(dup), "[1, 2]", json.dumps(bad),
                      json.dumps(nolines)]) + "\n"
    result = load_shipments(write(tmp_path, "rules.jsonl", text), skip_invalid=True)
    assert result.shipments == EXPECTED
    got = [(i.row, i.column, i.message.split(";")[0]) for i in result.issues]
    assert got == [
        (4, "id", "shipment id 'S-101' is already used on row 1"),
        (5, None, "expected a JSON object (one shipment), found an array"),
        (6, "lines[0].colour", "unknown field"),
        (7, "lines", "a shipment needs at least one item line"),
    ]
    assert "expected one of: bom, china_origin_value_share" in result.issues[2].message


def test_json_array_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="row 1: expected a JSON array"):
        load_shipments(write(tmp_path, "obj.json", "{}"))
    with pytest.raises(InputError, match="row 3: not valid JSON"):
        load_shipments(write(tmp_path, "broken.json", "[\n{\"id\": 1},\n{oops}\n]"))
    with pytest.raises(InputError, match="the file holds no shipments: expected one shipment object in the array"):
        load_shipments(write(tmp_path, "empty.json", " [ ] \n"))


# --- value parsers --------------------------------------------------------------

@pytest.mark.parametrize("value", ["2026-03-02", "2026/03/02", "2026/3/2", "2026-3-2", "2026年3月2日",
                                   "2026 年 3 月 2 日", "20260302", " 2026-03-02 ", "２０２６－０３－０２",
                                   "2026.03.02", "2026-03-02T00:00", "March 2, 2026",
                                   20260302, dt.date(2026, 3, 2), dt.datetime(2026, 3, 2, 10, 0)])
def test_accepted_dates(value: object) -> None:
    assert parse_date(value) == dt.date(2026, 3, 2)


@pytest.mark.parametrize("value", ["03/02/2026", "2/3/2026", "2026-02-30", "", "2026-03", "Smarch 2, 2026",
                                   46083, 46083.0, True, None])
def test_refused_dates(value: object) -> None:
    with pytest.raises(ValueError, match="expected a date like 2026-03-02"):
        parse_date(value)


def test_numbers() -> None:
    assert parse_number("1,234.50") == 1234.5
    assert parse_number("１２３") == 123.0
    assert parse_number("1.5e3") == 1500.0
    assert parse_number(-2) == -2.0
    for bad in ("12,5", "1,23", "$5", "nan", "inf", "", "1 2x", True):
        with pytest.raises(ValueError):
            parse_number(bad)
    assert parse_share("35%") == 0.35 and parse_share("0.35") == 0.35
    assert parse_hs(101210010) == "0101210010" and parse_hs(28053012.0) == "28053012"
    with pytest.raises(ValueError, match="format the column as text"):
        parse_hs(2805.3)


def test_issue_without_value_omits_parentheses() -> None:
    from dualuse.input.errors import InputIssue

    assert str(InputIssue("f.csv", 3, "Consignee", MISSING, "party name is required")) == (
        'f.csv: row 3, column "Consignee": party name is required')
    assert str(InputIssue("f.jsonl", 2, "end_user", None, "x")) == 'f.jsonl: row 2, column "end_user" (null): x'
    assert str(InputIssue("f.csv", None, None, MISSING, "empty")) == "f.csv: empty"
