"""Fuzzing in CI (bounded): every input of every kind ends in decisions or a clear error naming the file.

The crash classes of issue 15 are regression cases (:func:`fuzzkit.regressions`); then a fixed number of
mutated and generated files per kind (seeded, so a failure reproduces), and a hypothesis property over
structured random shipments. The long run is ``benchmarks/fuzz_long.py``.
"""

from __future__ import annotations

import json
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import fuzzkit
from dualuse.decision.screen import Screener
from dualuse.input import InputError, load_shipments

CASES_PER_KIND = 60


@pytest.fixture(scope="module")
def screener():
    return Screener()


@pytest.mark.parametrize("name,kind,data", fuzzkit.regressions(), ids=[c[0] for c in fuzzkit.regressions()])
def test_each_crash_class_of_issue_15_ends_in_decisions_or_a_clear_error(name, kind, data, screener, tmp_path):
    outcome = fuzzkit.run_case(kind, data, screener, tmp_path, hang_seconds=60)
    assert outcome.result in ("decision", "error"), outcome.detail
    assert outcome.seconds < 10, (name, outcome.seconds)


@pytest.mark.parametrize("kind", fuzzkit.KINDS)
def test_mutated_and_generated_files_never_end_in_a_traceback(kind, screener, tmp_path):
    rng = random.Random(f"ci-{kind}")
    results = [fuzzkit.run_case(kind, fuzzkit.case(kind, rng), screener, tmp_path, hang_seconds=60) for _ in range(CASES_PER_KIND)]
    crashes = [o.detail for o in results if o.result == "traceback"]
    assert not crashes, crashes[:3]
    assert all(o.seconds < 10 for o in results), max(o.seconds for o in results)
    # the cases reach both ends: some files are read and screened, some refused
    assert {o.result for o in results} == {"decision", "error"}


_text = st.text(st.characters(codec=None, exclude_categories=()), max_size=30)
_party = st.fixed_dictionaries({"name": _text, "country": st.sampled_from(["CN", "JP", "US", "", "zz", "中国"])})
_line = st.fixed_dictionaries({"line": st.integers(-2, 5), "description": _text, "hs_code": st.one_of(st.none(), _text),
                               "quantity": st.one_of(st.none(), st.floats(allow_nan=True), st.integers()), "unit": st.one_of(st.none(), _text)})
_shipment = st.fixed_dictionaries({"id": _text, "date": st.sampled_from(["2026-03-02", "2026年3月2日", "x", ""]), "exporter": _party,
                                   "consignee": _party, "destination_country": st.sampled_from(["JP", "US", "IR", ""]), "lines": st.lists(_line, max_size=3)})


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(shipment=_shipment)
def test_any_shipment_object_with_any_text_is_screened_or_refused_with_its_row(shipment, screener, tmp_path_factory):
    folder = tmp_path_factory.mktemp("h")
    data = (json.dumps(shipment, ensure_ascii=True) + "\n").encode()
    outcome = fuzzkit.run_case("jsonl", data, screener, folder, hang_seconds=60)
    assert outcome.result in ("decision", "error"), outcome.detail


def test_replaced_characters_are_reported_with_row_and_column(tmp_path):
    path = tmp_path / "s.jsonl"
    shipment = json.loads(fuzzkit.seeds()["jsonl"][0].decode().splitlines()[0])
    shipment["consignee"]["name"] = "ACME\x01 \ud800Corp"
    path.write_bytes((json.dumps(shipment) + "\n").encode())
    loaded = load_shipments(path, skip_invalid=True)
    assert loaded.shipments[0].consignee.name == "ACME\ufffd \ufffdCorp"
    [warning] = loaded.warnings
    assert warning.row == 1 and warning.column == "consignee.name" and "2 characters" in warning.message


def test_a_csv_cell_with_control_characters_is_reported_by_its_column(tmp_path):
    path = tmp_path / "s.csv"
    text = fuzzkit.seeds()["csv"][0].decode("utf-8-sig")
    path.write_text(text.replace("Co., Ltd.", "Co.\x1b Ltd.", 1), encoding="utf-8")
    loaded = load_shipments(path, skip_invalid=True)
    assert loaded.warnings and loaded.warnings[0].row >= 2 and loaded.warnings[0].column


@pytest.mark.parametrize("variable,value,data,expected", [
    ("DUALUSE_MAX_LINES", "2", {"lines": 3}, "more than the limit of 2"),
    ("DUALUSE_MAX_PARTIES", "4", {"intermediaries": 2}, "more than the limit of 4"),
    ("DUALUSE_MAX_JSON_DEPTH", "3", {}, "nested more than 3 levels"),
])
def test_limits_are_configurable_and_name_the_variable(monkeypatch, tmp_path, variable, value, data, expected):
    monkeypatch.setenv(variable, value)
    shipment = json.loads(fuzzkit.seeds()["jsonl"][0].decode().splitlines()[0])
    if "lines" in data:
        shipment["lines"] = [dict(shipment["lines"][0], line=i) for i in range(1, data["lines"] + 1)]
    if "intermediaries" in data:
        shipment["intermediaries"] = [{"name": f"P{i}", "country": "HK", "role": "forwarder"} for i in range(data["intermediaries"])]
    path = tmp_path / "s.jsonl"
    path.write_text(json.dumps(shipment) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_shipments(path)
    assert expected in str(caught.value) and variable in str(caught.value) and str(path) in str(caught.value)


def test_file_size_limit(monkeypatch, tmp_path):
    monkeypatch.setenv("DUALUSE_MAX_XLSX_BYTES", "100")
    path = tmp_path / "s.xlsx"
    path.write_bytes(fuzzkit.seeds()["xlsx"][0])
    with pytest.raises(InputError, match="DUALUSE_MAX_XLSX_BYTES"):
        load_shipments(path)
