"""Every rule with positive and negative cases, on the packaged lists and rules.

Each test screens a small shipment built from real listed entities and
checks the verdict, the rule that decided it and the citation.
"""

from __future__ import annotations

import copy
import datetime as dt

import pytest

from dualuse.decision.screen import Screener
from dualuse.models.shipment import Shipment

BASE = {
    "id": "T-1",
    "date": "2026-03-02",
    "exporter": {"name": "Ganzhou Rare Earth Trading Co., Ltd.", "country": "CN"},
    "consignee": {"name": "Shin-Etsu Chemical Co., Ltd.", "country": "JP"},
    "end_user": None,
    "intermediaries": [],
    "destination_country": "JP",
    "end_use": "NdFeB magnets for EV traction motors",
    "lines": [
        {"line": 1, "description": "Dysprosium metal", "control_code": "1C905.a.1", "hs_code": "2805301200", "origin_country": "CN"}
    ],
}
T_SHIRTS = {"line": 1, "description": "Cotton T-shirts", "control_code": None, "hs_code": "610910", "origin_country": "CN"}
TUNGSTEN = {"line": 1, "description": "Tungsten heavy alloy bars", "control_code": "1C117.c", "hs_code": "8101999001", "origin_country": "CN"}
GALLIUM = {"line": 1, "description": "Gallium metal 6N", "control_code": "3C001.a", "hs_code": "8112929090", "origin_country": "CN"}


@pytest.fixture(scope="module")
def screener() -> Screener:
    return Screener()


def shipment(**changes) -> Shipment:
    data = copy.deepcopy(BASE)
    for key, value in changes.items():
        data[key] = value
    return Shipment.model_validate(data)


def rule_ids(decision, verdict: str | None = None) -> set[str]:
    return {r.rule_id for r in decision.reasons if verdict is None or r.verdict == verdict}


def citations(decision) -> str:
    return " | ".join(r.citation for r in decision.reasons)


# --- control list -------------------------------------------------------------


def test_control_list_party_with_dual_use_item_is_prohibited(screener):
    d = screener.screen(shipment(consignee={"name": "IHI AEROSPACE CO LTD", "country": "JP"}))
    assert d.verdict == "PROHIBITED"
    assert "CN-ECL-CONTROL-LIST" in rule_ids(d, "PROHIBITED")
    assert "MOFCOM Announcement 2026 No. 11" in citations(d)
    hit = next(h for h in d.hits if h.list == "CN-ECL")
    assert (hit.role, hit.name, hit.decision) == ("consignee", "IHI Aerospace Co., Ltd.", "match")


def test_control_list_party_with_ordinary_goods_is_not_controlled_but_hit_reported(screener):
    d = screener.screen(shipment(consignee={"name": "IHI宇航有限公司", "country": "JP"}, lines=[T_SHIRTS], end_use="员工工作服"))
    assert d.verdict == "NOT_CONTROLLED"
    assert "CN-SCOPE-NOT-LISTED" in rule_ids(d)
    assert any(h.list == "CN-ECL" and h.name == "IHI Aerospace Co., Ltd." for h in d.hits)


def test_control_list_applies_only_from_the_listing_date(screener):
    before = screener.screen(shipment(date="2026-04-20", consignee={"name": "NIKKO TOKKI Co., Ltd.", "country": "JP"}))
    after = screener.screen(shipment(date="2026-07-20", consignee={"name": "NIKKO TOKKI Co., Ltd.", "country": "JP"}))
    assert before.verdict == "LICENSE_REQUIRED"
    assert "CN-ECL-CONTROL-LIST" not in rule_ids(before)
    assert next(h for h in before.hits if h.list == "CN-ECL").status == "not_yet_listed"
    assert after.verdict == "PROHIBITED"
    assert "MOFCOM Announcement 2026 No. 27" in citations(after)


def test_as_of_rescreens_an_old_shipment_against_a_later_listing(screener):
    old = shipment(date="2026-04-20", consignee={"name": "NIKKO TOKKI Co., Ltd.", "country": "JP"})
    assert screener.screen(old).verdict == "LICENSE_REQUIRED"
    assert screener.screen(old, as_of=dt.date(2026, 7, 1)).verdict == "PROHIBITED"


def test_control_list_reaches_foreign_transfer_of_china_origin_items(screener):
    d = screener.screen(
        shipment(
            exporter={"name": "Straits Advanced Materials Pte. Ltd.", "country": "SG"},
            consignee={"name": "Mitsubishi Heavy Industries Maritime Systems, Ltd.", "country": "JP"},
        )
    )
    assert d.verdict == "PROHIBITED"
    assert d.lines[0].item.jurisdiction == "cn_origin_transfer"


def test_control_list_does_not_reach_foreign_goods_without_china_content(screener):
    line = {**BASE["lines"][0], "origin_country": "US", "china_origin_value_share": 0.0}
    d = screener.screen(
        shipment(exporter={"name": "Lion City Metals Pte. Ltd.", "country": "SG"}, consignee={"name": "NECネットワーク・センサ株式会社", "country": "JP"}, lines=[line])
    )
    assert d.verdict == "NOT_CONTROLLED"
    assert "CN-SCOPE-NO-NEXUS" in rule_ids(d)
    assert any(h.name == "NEC Network and Sensor Systems, Ltd." for h in d.hits)


def test_unknown_origin_abroad_needs_review(screener):
    line = {k: v for k, v in BASE["lines"][0].items() if k != "origin_country"}
    d = screener.screen(
        shipment(exporter={"name": "Straits Advanced Materials Pte. Ltd.", "country": "SG"}, consignee={"name": "JMU Defense Systems Co., Ltd.", "country": "JP"}, lines=[line])
    )
    assert d.lines[0].item.jurisdiction == "origin_unknown"
    assert d.verdict == "REVIEW"
    assert "CN-ECL-CONTROL-LIST" in rule_ids(d, "REVIEW")


def test_stopped_control_list_measures_no_longer_apply(screener):
    inside = screener.screen(shipment(date="2025-06-12", destination_country="US", consignee={"name": "Echodyne", "country": "US"}, end_use="Research"))
    after = screener.screen(shipment(date="2025-09-12", destination_country="US", consignee={"name": "Echodyne", "country": "US"}, end_use="Research"))
    assert inside.verdict == "PROHIBITED" and "MOFCOM Announcement 2025 No. 22" in citations(inside)
    assert after.verdict == "LICENSE_REQUIRED"
    assert next(h for h in after.hits if h.list == "CN-ECL").status == "stopped"


# --- watch list -----------------------------------------------------------------


def test_watch_list_requires_individual_licence_with_conditions(screener):
    d = screener.screen(shipment(consignee={"name": "Nitto Denko Corp.", "country": "JP"}))
    assert d.verdict == "LICENSE_REQUIRED"
    assert "CN-WL-WATCH-LIST" in rule_ids(d, "LICENSE_REQUIRED")
    assert "MOFCOM Announcement 2026 No. 12" in citations(d)
    assert d.licence is not None
    assert d.licence.allowed == ["individual"]
    assert set(d.licence.excluded) == {"general", "registration"}
    assert d.licence.review_time_limit_applies is False
    assert any("risk-assessment report" in c for c in d.licence.conditions)
    assert any("enhances Japan's military strength" in c for c in d.licence.conditions)


def test_watch_list_before_listing_allows_a_general_licence(screener):
    d = screener.screen(shipment(date="2026-05-10", consignee={"name": "Komatsu NTC Ltd.", "country": "JP"}))
    assert d.verdict == "LICENSE_REQUIRED"
    assert "CN-WL-WATCH-LIST" not in rule_ids(d)
    assert "general" in d.licence.allowed


def test_watch_list_does_not_restrict_foreign_re_export(screener):
    d = screener.screen(shipment(exporter={"name": "Straits Advanced Materials Pte. Ltd.", "country": "SG"}, consignee={"name": "TDK Corporation", "country": "JP"}))
    assert d.verdict == "NOT_CONTROLLED"
    assert "CN-SCOPE-REEXPORT" in rule_ids(d)


def test_possible_match_turns_the_rule_into_review(screener):
    # Japan Nuclear Fuel Limited is on the watch list from 2026-06-29 (No. 28)
    d = screener.screen(shipment(date="2026-08-01", consignee={"name": "Nuclear Fuel Industries, Ltd.", "country": "JP"}))
    hit = next(h for h in d.hits if h.name == "Japan Nuclear Fuel Limited")
    assert hit.decision == "possible"
    assert d.verdict == "REVIEW"
    assert "CN-WL-WATCH-LIST" in rule_ids(d, "REVIEW")


# --- Unreliable Entity List and countermeasures -----------------------------------


def test_unreliable_entity_list_prohibits_any_goods(screener):
    d = screener.screen(
        shipment(date="2025-06-10", destination_country="US", consignee={"name": "Anduril Industries", "country": "US"}, lines=[T_SHIRTS], end_use="Office")
    )
    assert d.verdict == "PROHIBITED"
    assert "CN-UEL-UNRELIABLE-ENTITY" in rule_ids(d, "PROHIBITED")
    assert "UEL Working Mechanism Announcement 2025 No. 2" in citations(d)
    assert {("CN-UEL", "Anduril Industries"), ("CN-ECL", "Anduril Industries")} <= {(h.list, h.name) for h in d.hits}


def test_countermeasures_prohibit_any_goods_from_their_date(screener):
    party = {"name": "Applied DNA Sciences, Inc.", "country": "US"}
    before = screener.screen(shipment(date="2026-07-01", destination_country="US", consignee=party, lines=[T_SHIRTS], end_use="Lab"))
    after = screener.screen(shipment(date="2026-09-15", destination_country="US", consignee=party, lines=[T_SHIRTS], end_use="Lab"))
    assert before.verdict == "NOT_CONTROLLED"
    assert after.verdict == "PROHIBITED"
    assert "MOFCOM Order 2026 No. 2" in citations(after)


@pytest.mark.parametrize(
    ("day", "verdict"),
    # 2026-11-20: the suspension was due to end on 2026-11-10, after the data's horizon (2026-08-05):
    # expected, not confirmed, so the decision states both outcomes instead of a confident verdict
    [("2025-10-20", "PROHIBITED"), ("2026-03-01", "NOT_CONTROLLED"), ("2026-11-20", "REVIEW")],
)
def test_suspended_countermeasures_inside_and_after_the_suspension(screener, day, verdict):
    d = screener.screen(
        shipment(date=day, destination_country="US", consignee={"name": "Hanwha Philly Shipyard Inc.", "country": "US"}, lines=[T_SHIRTS], end_use="Office")
    )
    assert d.verdict == verdict
    if day == "2026-11-20":
        horizon = next(r for r in d.reasons if r.rule_id == "CN-DATA-HORIZON")
        assert horizon.citation.startswith("MOFCOM Order 2025 No. 7; MOFCOM Order 2025 No. 6")
        assert "ended on 2026-11-10: prohibited (CN-AFSL-COUNTERMEASURE)" in horizon.text_en
        assert "if it was extended: not controlled (CN-SCOPE-NOT-LISTED)" in horizon.text_en
        hit = next(h for h in d.hits if h.name == "Hanwha Philly Shipyard Inc.")
        assert (hit.status, hit.status_basis) == ("in_force", "expected")
        assert any("2026-08-05, 107 days before 2026-11-20" in w for w in d.warnings)


# --- Japan: Announcement 2026 No. 1 --------------------------------------------------


def test_japanese_military_user_is_prohibited_from_2026_01_06(screener):
    end_user = {"name": "Ground Materiel Control Command", "country": "JP"}
    after = screener.screen(shipment(date="2026-02-05", end_user=end_user, lines=[TUNGSTEN], end_use="装備品部品の調達"))
    before = screener.screen(shipment(date="2025-10-20", end_user=end_user, lines=[TUNGSTEN], end_use="Tooling"))
    assert after.verdict == "PROHIBITED"
    assert "CN-2026-1-JP-MILITARY" in rule_ids(after, "PROHIBITED")
    assert "MOFCOM Announcement 2026 No. 1" in citations(after)
    assert before.verdict == "LICENSE_REQUIRED"
    assert "CN-2026-1-JP-MILITARY" not in rule_ids(before)


def test_military_end_use_in_japan_without_a_listed_party_is_prohibited(screener):
    d = screener.screen(shipment(consignee={"name": "NIPPON EXPRESS CO., LTD.", "country": "JP"}, end_use="用于海上自卫队护卫舰维修"))
    assert d.verdict == "PROHIBITED"
    assert "CN-2026-1-JP-MILITARY" in rule_ids(d, "PROHIBITED")


def test_military_user_buying_ordinary_goods_is_not_controlled(screener):
    d = screener.screen(shipment(consignee={"name": "陸上装備研究所", "country": "JP"}, lines=[T_SHIRTS], end_use="Office"))
    assert d.verdict == "NOT_CONTROLLED"


def test_no_1_clause_2_reaches_foreign_transfers_of_china_origin_items(screener):
    korean = {"name": "Daehan Rare Metals Corp.", "country": "KR"}
    unit = {"name": "JGSDF 1st Airborne Brigade", "country": "JP"}
    china_origin = screener.screen(shipment(date="2026-05-19", exporter=korean, end_user=unit, lines=[TUNGSTEN], end_use="Weights"))
    korean_made = screener.screen(
        shipment(date="2026-05-19", exporter=korean, end_user=unit, lines=[{**TUNGSTEN, "origin_country": "KR", "china_origin_value_share": 0.0}], end_use="Weights")
    )
    assert china_origin.verdict == "PROHIBITED"
    assert korean_made.verdict == "NOT_CONTROLLED"


def test_defence_contractor_without_civil_end_use_needs_review(screener):
    d = screener.screen(shipment(consignee={"name": "Mitsubishi Heavy Industries, Ltd.", "country": "JP"}, end_use=""))
    assert d.verdict == "REVIEW"
    assert "CN-2026-1-JP-CAPABILITY" in rule_ids(d, "REVIEW")
    assert any(h.list == "JP-DEF" and h.name == "Mitsubishi Heavy Industries, Ltd." for h in d.hits)


def test_defence_contractor_with_declared_civil_end_use_needs_a_licence(screener):
    d = screener.screen(shipment(consignee={"name": "三菱重工業株式会社", "country": "JP"}, end_use="民生用エアコン圧縮機 (civil)"))
    assert d.verdict == "LICENSE_REQUIRED"
    assert "CN-2026-1-JP-CAPABILITY" not in rule_ids(d)


def test_defence_contractor_before_announcement_1_needs_only_a_licence(screener):
    d = screener.screen(shipment(date="2025-12-01", consignee={"name": "Mitsubishi Heavy Industries, Ltd.", "country": "JP"}, end_use=""))
    assert "CN-2026-1-JP-CAPABILITY" not in {r.rule_id for r in d.reasons}
    # the only review: no end use is stated for a listed item (Regulations Arts. 16, 24), not the defence contractor
    assert d.verdict == "REVIEW" and {r.rule_id for r in d.reasons if r.verdict == "REVIEW"} == {"CN-REGS-24-END-USER"}
    stated = screener.screen(shipment(date="2025-12-01", consignee={"name": "Mitsubishi Heavy Industries, Ltd.", "country": "JP"},
                                      end_use="Bearings for industrial pumps"))
    assert stated.verdict == "LICENSE_REQUIRED"


def test_documents_without_end_use_or_end_user_say_so(screener):
    no_use = screener.screen(shipment(end_use=""))
    (reason,) = [r for r in no_use.reasons if r.rule_id == "CN-REGS-24-END-USER"]
    assert no_use.verdict == "REVIEW" and reason.verdict == "REVIEW"
    assert reason.citation == "Regulations on Export Control of Dual-Use Items Arts. 16, 24"
    assert "state no end use" in reason.text_en and "未载明最终用途" in reason.text_zh
    licensed = screener.screen(shipment(end_use="", licence_number="26DL0012345"))
    assert licensed.verdict == "LICENSE_REQUIRED" and licensed.declared_licence == "26DL0012345"
    assert any("the declared licence 26DL0012345 must name the end user and end use" in r.text_en for r in licensed.reasons)
    assert licensed.licence_check.startswith("licence 26DL0012345 is declared: check it is a MOFCOM dual-use export licence")
    no_user = screener.screen(shipment(end_user=None))
    assert no_user.verdict == "LICENSE_REQUIRED"
    assert any(r.rule_id == "CN-REGS-24-END-USER" and "name no end user" in r.text_en for r in no_user.reasons)
    assert any("must be issued by the actual end user" in c for c in no_user.licence.conditions)
    assert no_user.licence_check.startswith("no licence number is declared")


def test_licences_for_japan_carry_the_no_1_end_use_condition(screener):
    d = screener.screen(shipment())
    assert d.verdict == "LICENSE_REQUIRED"
    assert any("MOFCOM Announcement 2026 No. 1" in c for c in d.licence.conditions)
    us = screener.screen(shipment(destination_country="US", consignee={"name": "Kennametal Inc.", "country": "US"}))
    assert not any("Announcement 2026 No. 1" in c for c in us.licence.conditions)


# --- United States: Announcement 2024 No. 46 -----------------------------------------


def test_us_military_user_is_prohibited_from_2024_12_03(screener):
    party = {"name": "Defense Logistics Agency", "country": "US"}
    after = screener.screen(shipment(date="2026-01-20", destination_country="US", consignee=party, lines=[TUNGSTEN], end_use="Stockpile"))
    before = screener.screen(shipment(date="2024-11-20", destination_country="US", consignee=party, lines=[TUNGSTEN], end_use="Stockpile"))
    assert after.verdict == "PROHIBITED"
    assert "MOFCOM Announcement 2024 No. 46" in citations(after)
    assert before.verdict == "LICENSE_REQUIRED"


def test_us_military_end_use_is_prohibited(screener):
    d = screener.screen(
        shipment(date="2026-06-30", destination_country="US", consignee={"name": "Expeditors International of Washington, Inc.", "country": "US"}, end_use="For U.S. Navy shipboard navigation")
    )
    assert d.verdict == "PROHIBITED"
    assert "CN-2024-46-US-MILITARY" in rule_ids(d, "PROHIBITED")


@pytest.mark.parametrize(
    ("day", "line", "verdict"),
    [
        ("2025-03-01", GALLIUM, "PROHIBITED"),  # clause 2 in force
        ("2026-03-01", GALLIUM, "LICENSE_REQUIRED"),  # suspended 2025-11-09 .. 2026-11-27
        ("2026-11-28", GALLIUM, "REVIEW"),  # suspension due to end 2026-11-27, after the data's horizon: both outcomes
        ("2025-03-01", TUNGSTEN, "LICENSE_REQUIRED"),  # not a clause-2 item
    ],
)
def test_us_clause_2_items_and_its_suspension(screener, day, line, verdict):
    d = screener.screen(shipment(date=day, destination_country="US", consignee={"name": "Kennametal Inc.", "country": "US"}, lines=[line], end_use="Semiconductors"))
    assert d.verdict == verdict
    assert ("CN-2024-46-US-ITEMS" in rule_ids(d)) == (verdict in ("PROHIBITED", "REVIEW"))


# --- items --------------------------------------------------------------------------


def test_listed_item_to_a_civil_user_needs_a_licence(screener):
    d = screener.screen(shipment())
    assert d.verdict == "LICENSE_REQUIRED"
    assert "CN-REGS-14-LICENCE" in rule_ids(d)
    assert d.licence.allowed == ["individual", "general", "registration"]
    assert not d.hits


@pytest.mark.parametrize(
    ("control_code", "hs_code", "verdict", "status"),
    [
        (None, "2504101000", "REVIEW", "needs_classification"),  # HS the catalogue lists for 1C108.b
        (None, "810194", "REVIEW", "needs_classification"),  # 6-digit prefix of catalogue HS codes
        (None, "691110", "NOT_CONTROLLED", "not_controlled"),  # tableware
        ("1C999", None, "REVIEW", "unknown_code"),  # not a catalogue code
        (None, None, "REVIEW", "needs_classification"),  # nothing declared
    ],
)
def test_items_without_a_known_control_code(screener, control_code, hs_code, verdict, status):
    line = {"line": 1, "description": "goods", "control_code": control_code, "hs_code": hs_code, "origin_country": "CN"}
    d = screener.screen(shipment(lines=[line]))
    assert d.lines[0].item.status == status
    assert d.verdict == verdict
    if verdict == "REVIEW":
        assert "CN-CLASSIFICATION-NEEDED" in rule_ids(d, "REVIEW")


def test_catch_all_red_flag_on_an_unlisted_item(screener):
    d = screener.screen(shipment(lines=[{**T_SHIRTS, "description": "Valves"}], end_use="for the nuclear weapons programme"))
    assert d.verdict == "REVIEW"
    assert "CN-ECL-12-3-CATCH-ALL" in rule_ids(d, "REVIEW")
    assert "Export Control Law Art. 12(3)" in citations(d)


def test_foreign_made_item_with_china_content_needs_review(screener):
    # Issue 5: a rare-earth item is now assessed by the dated designation rule
    # (CN-2025-61-RE-CONTENT, see tests/classification/test_content.py); the generic
    # Art. 49 review remains for items no modelled designation covers, e.g. gallium.
    line = {**GALLIUM, "origin_country": "SG", "china_origin_value_share": 0.3}
    d = screener.screen(shipment(exporter={"name": "Straits Advanced Materials Pte. Ltd.", "country": "SG"}, lines=[line]))
    assert d.lines[0].item.jurisdiction == "cn_content"
    assert d.verdict == "REVIEW"
    assert "CN-ART-49-CONTENT" in rule_ids(d)


def test_rare_earth_item_with_china_content_is_assessed_by_the_no_61_rule(screener):
    line = {**BASE["lines"][0], "origin_country": "SG", "china_origin_value_share": 0.3}
    d = screener.screen(shipment(exporter={"name": "Straits Advanced Materials Pte. Ltd.", "country": "SG"}, lines=[line]))
    # 2026-03-02 is inside the suspension of Ann. 2025 No. 61 (No. 70: 2025-11-07 to 2026-11-10)
    assert d.verdict == "NOT_CONTROLLED"
    assert "CN-2025-61-RE-CONTENT" in rule_ids(d, "NOT_CONTROLLED")
    assert "CN-ART-49-CONTENT" not in rule_ids(d)


def test_shipment_takes_the_most_severe_line(screener):
    d = screener.screen(shipment(consignee={"name": "IHI Aerospace Co., Ltd.", "country": "JP"}, lines=[TUNGSTEN, {**T_SHIRTS, "line": 2}]))
    assert [line.verdict for line in d.lines] == ["PROHIBITED", "NOT_CONTROLLED"]
    assert d.verdict == "PROHIBITED"


def test_every_decision_records_versions_and_bilingual_reasons(screener):
    d = screener.screen(shipment(consignee={"name": "IHI Aerospace Co., Ltd.", "country": "JP"}))
    assert d.data_version and d.rules_version and d.engine_version
    assert all(r.text_en and r.text_zh and r.citation for r in d.reasons)
    assert any("管控名单" in r.text_zh for r in d.reasons)


def test_decisions_after_the_list_data_date_carry_a_warning(screener):
    early = screener.screen(shipment(date="2026-03-02"))
    late = screener.screen(shipment(date="2026-09-15"))
    assert not any("announcements published after" in w for w in early.warnings)
    assert any("2026-08-05" in w and "announcements published after" in w for w in late.warnings)
