"""Outputs: CSV and XLSX cells that a spreadsheet would run as a formula are neutralised (issue 15)."""

from __future__ import annotations

import csv
import io
import json

import openpyxl
import pytest

import fuzzkit
from dualuse.decision.screen import Screener
from dualuse.input import load_shipments
from dualuse.output.cells import safe_cell, safe_text
from dualuse.output.writers import csv_bytes, xlsx_bytes

HOSTILE = ["=HYPERLINK(\"http://evil\",\"x\")", "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A2)", "\t=1", "\r=1"]


@pytest.mark.parametrize("text", HOSTILE)
def test_formula_starts_get_a_quote(text):
    assert safe_text(text) == "'" + text
    assert safe_cell(text) == "'" + text
    assert safe_cell(-5) == -5 and safe_cell(None) is None  # numbers are typed cells, not formulas


def test_characters_a_cell_cannot_hold_are_replaced():
    assert safe_text("A\x01B\ud800") == "A\ufffdB\ufffd"


@pytest.fixture(scope="module")
def decisions(tmp_path_factory):
    shipment = json.loads(fuzzkit.seeds()["jsonl"][0].decode().splitlines()[0])
    shipment["consignee"]["name"] = HOSTILE[0]
    shipment["end_use"] = HOSTILE[3]
    shipment["lines"][0]["description"] = HOSTILE[1]
    path = tmp_path_factory.mktemp("cells") / "s.jsonl"
    path.write_text(json.dumps(shipment) + "\n", encoding="utf-8")
    loaded = load_shipments(path, skip_invalid=True)
    assert loaded.shipments, loaded.rejected
    return [Screener().screen(s) for s in loaded.shipments]


def _hostile_cells(values):
    return [v for v in values if isinstance(v, str) and v.startswith(("=", "+", "-", "@", "\t", "\r"))]


def test_csv_output_has_no_cell_that_starts_a_formula(decisions):
    rows = list(csv.reader(io.StringIO(csv_bytes(decisions).decode("utf-8-sig"))))
    cells = [c for row in rows for c in row]
    assert any(c == "'" + HOSTILE[1] for c in cells)
    assert not _hostile_cells(cells)


def test_xlsx_output_has_no_cell_that_starts_a_formula(decisions):
    workbook = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(decisions)))
    cells = [c.value for ws in workbook for row in ws.iter_rows() for c in row]
    assert any(c == "'" + HOSTILE[0] for c in cells if isinstance(c, str)) or any(c == "'" + HOSTILE[1] for c in cells if isinstance(c, str))
    assert not _hostile_cells(cells)
    assert not any(c.data_type == "f" for ws in workbook for row in ws.iter_rows() for c in row)
