"""China-origin content (Regs Art. 49; MOFCOM Announcement 2025 No. 61 item (1), the 0.1% rule).

No. 61 took effect for item (1) on 2025-12-01 but was suspended by No. 70 from
2025-11-07 until 2026-11-10 (regime.md §3.7). A Korean magnet maker ships
Dy-containing NdFeB magnets (1C905.a.4) to Japan; the bill of materials says
how much China-origin rare-earth content they hold.
"""

from __future__ import annotations

import pytest

from dualuse.classification.content import compute
from dualuse.decision.screen import Screener
from dualuse.models.shipment import ItemLine, Shipment

RE_CODES = ["1C902", "1C903", "1C904", "1C905", "1C906", "1C907", "1C908"]


def magnet_line(dy_value: float, line_value: float = 100000.0) -> dict:
    return {
        "line": 1,
        "description": "Sintered NdFeB magnets, Dy grain-boundary diffused",
        "control_code": "1C905.a.4",
        "hs_code": "8505111000",
        "origin_country": "KR",
        "value": line_value,
        "currency": "USD",
        "bom": [
            {"component": "Dysprosium oxide", "control_code": "1C905.b", "origin_country": "CN", "value": dy_value},
            {"component": "NdPr metal", "description": "praseodymium-neodymium metal", "origin_country": "CN", "value": 20000.0},
            {"component": "Iron-boron", "origin_country": "KR", "value": 15000.0},
        ],
    }


def shipment(date: str, line: dict) -> Shipment:
    return Shipment.model_validate(
        {
            "id": "C-1",
            "date": date,
            "exporter": {"name": "Hanil Magnetics Co., Ltd.", "country": "KR"},
            "consignee": {"name": "Yaskawa Electric Corporation", "country": "JP"},
            "destination_country": "JP",
            "end_use": "servo motors for factory automation",
            "lines": [line],
        }
    )


@pytest.fixture(scope="module")
def screener() -> Screener:
    return Screener()


def test_share_from_the_bill_of_materials():
    line = ItemLine.model_validate(magnet_line(150.0))
    content = compute(line, RE_CODES)
    # only the China-origin Dy oxide counts: NdPr is China-origin but not a listed item; Fe-B is Korean
    assert content.basis == "bom"
    assert content.counted_value == 150.0 and content.item_value == 100000.0
    assert content.share == pytest.approx(0.0015)
    assert "0.1500%" in content.describe(0.001) and ">= threshold 0.1000%" in content.describe(0.001)
    below = compute(ItemLine.model_validate(magnet_line(50.0)), RE_CODES)
    assert below.share == pytest.approx(0.0005) and "< threshold" in below.describe(0.001)


def test_denominator_falls_back_to_the_components():
    data = magnet_line(150.0)
    data.pop("value")
    content = compute(ItemLine.model_validate(data), RE_CODES)
    assert content.item_value == 35150.0


def test_zero_value_bom_is_an_error():
    data = magnet_line(0.0)
    data.pop("value")
    for comp in data["bom"]:
        comp["value"] = 0.0
    with pytest.raises(ValueError, match="no value"):
        compute(ItemLine.model_validate(data), RE_CODES)


@pytest.mark.parametrize(
    ("date", "dy_value", "verdict"),
    [
        # after the suspension's scheduled end (2026-11-10, after the data's horizon 2026-08-05): 0.15% >= 0.1%
        # needs a licence if the suspension ended, nothing if it was extended - both stated, REVIEW
        ("2026-11-20", 150.0, "REVIEW"),
        ("2026-11-20", 50.0, "NOT_CONTROLLED"),  # 0.05% < 0.1%: not controlled either way
        ("2026-03-02", 150.0, "NOT_CONTROLLED"),  # inside the suspension window: not applied
        ("2026-03-02", 50.0, "NOT_CONTROLLED"),
    ],
)
def test_the_0_1_percent_rule_on_both_sides_and_in_and_after_the_suspension(screener, date, dy_value, verdict):
    decision = screener.screen(shipment(date, magnet_line(dy_value)))
    assert decision.lines[0].item.jurisdiction == "cn_content"
    assert decision.verdict == verdict
    reason = next(r for r in decision.reasons if r.rule_id == "CN-2025-61-RE-CONTENT")
    assert "MOFCOM Announcement 2025 No. 61" in reason.citation
    share = "0.1500%" if dy_value == 150.0 else "0.0500%"
    assert share in reason.text_en and "Dysprosium oxide" in reason.text_en  # the decision shows the computation
    if date == "2026-03-02":
        assert "suspended" in reason.text_en
    if verdict == "REVIEW":
        horizon = next(r for r in decision.reasons if r.rule_id == "CN-DATA-HORIZON")
        assert horizon.citation.startswith("MOFCOM/GAC Announcement 2025 No. 70")
        assert "ended on 2026-11-10: licence required (CN-2025-61-RE-CONTENT)" in horizon.text_en
        assert "extended: not controlled" in horizon.text_en
    else:
        assert "CN-DATA-HORIZON" not in {r.rule_id for r in decision.reasons}
    assert "CN-ART-49-CONTENT" not in {r.rule_id for r in decision.reasons}


def test_before_it_took_effect(screener):
    # published 2025-10-09, item (1) applies from 2025-12-01 (and was suspended on 2025-11-07 anyway)
    decision = screener.screen(shipment("2025-10-20", magnet_line(150.0)))
    reason = next(r for r in decision.reasons if r.rule_id == "CN-2025-61-RE-CONTENT")
    assert reason.verdict == "NOT_CONTROLLED" and "not yet" in reason.text_en


def test_declared_share_only_is_an_upper_bound(screener):
    line = {k: v for k, v in magnet_line(150.0).items() if k != "bom"}
    line["china_origin_value_share"] = 0.08
    decision = screener.screen(shipment("2026-11-20", line))
    assert decision.verdict == "REVIEW"
    assert "CN-2025-61-RE-CONTENT" in {r.rule_id for r in decision.reasons if r.verdict == "REVIEW"}


def test_china_origin_rare_earth_item_abroad_no_61_item_3(screener):
    line = {"line": 1, "description": "Terbium metal", "control_code": "1C904.a.1", "origin_country": "CN", "value": 5000.0}
    after = screener.screen(shipment("2026-11-20", line))
    assert "CN-2025-61-RE-ORIGIN" in {r.rule_id for r in after.reasons if r.verdict == "LICENSE_REQUIRED"}
    inside = screener.screen(shipment("2026-03-02", line))
    assert "CN-2025-61-RE-ORIGIN" in {r.rule_id for r in inside.reasons if r.verdict == "NOT_CONTROLLED"}
