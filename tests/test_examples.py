"""The README's example shipments: both files, their verdicts and rule coverage.

``examples/shipments.csv`` (English headers) and ``examples/shipments.xlsx``
(Chinese headers, written from the CSV by ``examples/make_examples.py``) hold
the same 31 shipments. ``examples/expected.csv`` gives, for each shipment, the
verdict a compliance officer expects under the law (regime.md, rules.yaml),
the rule ids that must (and must not) decide it, and the list hits that must
(and must not) be reported.

Where the engine disagrees with the expectation, the row says so
(``engine_disagrees=yes``, ``disagrees_on`` naming the part: verdict, rules,
hits) and the affected test is a strict ``xfail``: the disagreement stays
visible, and a fix turns it into an XPASS failure that asks for the row to
be updated.
"""

from __future__ import annotations

import csv
import runpy
from pathlib import Path

import pytest

from dualuse.decision.screen import Screener
from dualuse.input import load_shipments
from dualuse.rules.loader import load_rules

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
CSV_FILE = EXAMPLES / "shipments.csv"
XLSX_FILE = EXAMPLES / "shipments.xlsx"
EXPECTED_FILE = EXAMPLES / "expected.csv"

VERDICTS = {"PROHIBITED", "LICENSE_REQUIRED", "REVIEW", "NOT_CONTROLLED"}


def _split(cell: str) -> list[str]:
    return [part.strip() for part in cell.split(";") if part.strip()]


def _expected_rows() -> list[dict[str, str]]:
    with EXPECTED_FILE.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


EXPECTED = _expected_rows()


def _params(parts: set[str]) -> list:
    """One pytest param per expected row; strict xfail where the engine disagrees on ``parts``."""
    params = []
    for row in EXPECTED:
        disagrees = set(_split(row["disagrees_on"])) & parts
        marks = []
        if row["engine_disagrees"] == "yes" and disagrees:
            marks.append(pytest.mark.xfail(strict=True, reason=f"engine disagrees ({', '.join(sorted(disagrees))}): {row['engine_result']}"))
        params.append(pytest.param(row, id=row["id"], marks=marks))
    return params


@pytest.fixture(scope="module")
def screener() -> Screener:
    return Screener()


@pytest.fixture(scope="module")
def csv_result():
    return load_shipments(CSV_FILE)


@pytest.fixture(scope="module")
def xlsx_result():
    return load_shipments(XLSX_FILE)


@pytest.fixture(scope="module")
def decisions(screener, csv_result):
    return {shipment.id: screener.screen(shipment) for shipment in csv_result.shipments}


@pytest.fixture(scope="module")
def xlsx_decisions(screener, xlsx_result):
    return {shipment.id: screener.screen(shipment) for shipment in xlsx_result.shipments}


# --- the two files --------------------------------------------------------------


def test_csv_is_a_flat_table_with_english_headers(csv_result):
    assert csv_result.source.format == "csv"
    assert csv_result.source.encoding in ("utf-8", "utf-8-sig")
    assert "shipment id" in csv_result.source.columns
    assert len(csv_result.shipments) == 31
    assert csv_result.source.rows == 41
    assert not csv_result.rejected


def test_xlsx_has_chinese_headers_and_real_dates(xlsx_result):
    import openpyxl

    assert xlsx_result.source.format == "xlsx"
    assert xlsx_result.source.columns[:3] == ("货运编号", "发货日期", "出口商")
    assert not any(header.isascii() for header in xlsx_result.source.columns)
    wb = openpyxl.load_workbook(XLSX_FILE, read_only=True)
    try:
        first_data_row = next(wb.worksheets[0].iter_rows(min_row=2, max_row=2, values_only=True))
    finally:
        wb.close()
    assert hasattr(first_data_row[1], "year"), "the date column must hold date cells, not text"


def test_csv_and_xlsx_load_to_the_same_shipments(csv_result, xlsx_result):
    assert [s.id for s in csv_result.shipments] == [s.id for s in xlsx_result.shipments]
    for from_csv, from_xlsx in zip(csv_result.shipments, xlsx_result.shipments, strict=True):
        assert from_csv == from_xlsx, from_csv.id


def test_csv_and_xlsx_give_the_same_verdicts(decisions, xlsx_decisions):
    assert {k: d.verdict for k, d in decisions.items()} == {k: d.verdict for k, d in xlsx_decisions.items()}
    for key, decision in decisions.items():
        assert {r.rule_id for r in decision.reasons} == {r.rule_id for r in xlsx_decisions[key].reasons}, key


def test_xlsx_is_reproducible_from_the_csv():
    build = runpy.run_path(str(EXAMPLES / "make_examples.py"), run_name="make_examples")["build"]
    assert build(CSV_FILE) == XLSX_FILE.read_bytes(), "run: .venv/bin/python examples/make_examples.py"


# --- expected.csv itself ------------------------------------------------------------


def test_expected_covers_every_shipment_once(csv_result):
    ids = [row["id"] for row in EXPECTED]
    assert len(ids) == len(set(ids))
    assert ids == [s.id for s in csv_result.shipments]
    for row in EXPECTED:
        assert row["expected_verdict"] in VERDICTS, row["id"]
        assert row["engine_disagrees"] in ("yes", "no"), row["id"]
        assert (row["engine_disagrees"] == "yes") == bool(row["disagrees_on"]), row["id"]
        assert set(_split(row["disagrees_on"])) <= {"verdict", "rules", "hits"}, row["id"]
        assert row["why"], row["id"]


def test_expected_rows_name_every_rule():
    rule_ids = {rule.id for rule in load_rules().rules}
    named = {rule for row in EXPECTED for rule in _split(row["required_rules"])}
    assert named <= rule_ids, named - rule_ids
    assert rule_ids <= named, f"no example requires {sorted(rule_ids - named)}"


def test_every_rule_appears_in_some_decision(decisions):
    rule_ids = {rule.id for rule in load_rules().rules}
    seen = {reason.rule_id for decision in decisions.values() for reason in decision.reasons}
    assert rule_ids <= seen, f"no decision uses {sorted(rule_ids - seen)}"


# --- each shipment ------------------------------------------------------------------


@pytest.mark.parametrize("row", _params({"verdict", "rules"}))
def test_verdict_and_rules(row, decisions):
    decision = decisions[row["id"]]
    found = {reason.rule_id for reason in decision.reasons}
    problems = []
    if decision.verdict != row["expected_verdict"]:
        problems.append(f"verdict {decision.verdict}, expected {row['expected_verdict']}")
    missing = set(_split(row["required_rules"])) - found
    if missing:
        problems.append(f"missing rules {sorted(missing)}")
    unwanted = set(_split(row["absent_rules"])) & found
    if unwanted:
        problems.append(f"unexpected rules {sorted(unwanted)}")
    assert not problems, f"{row['id']}: {'; '.join(problems)} (why expected: {row['why']})"


@pytest.mark.parametrize("row", _params({"hits"}))
def test_list_hits(row, decisions):
    decision = decisions[row["id"]]
    reported = [(h.role, h.list, h.name, h.decision, h.status) for h in decision.hits]
    problems = []
    for spec in _split(row["must_hit"]):
        spec, _, status = spec.partition("@")
        role, listed, name = spec.split(":", 2)
        if not any(
            (r, lst, n, dec) == (role, listed, name, "match") and (not status or st == status)
            for r, lst, n, dec, st in reported
        ):
            problems.append(f"no match {role}/{listed}/{name}" + (f" ({status})" if status else ""))
    for spec in _split(row["must_not_hit"]):
        listed, name = spec.split(":", 1)
        if any((lst, n, dec) == (listed, name, "match") for _, lst, n, dec, _ in reported):
            problems.append(f"reported {listed}/{name} as a match, which is a different entity")
    assert not problems, f"{row['id']}: {'; '.join(problems)}; reported: {reported}"
