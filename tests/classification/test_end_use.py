"""Tests for dualuse.classification.end_use."""

from __future__ import annotations

import csv
import json
import time
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dualuse.classification.end_use import (
    EndUseAnalyser,
    EndUseAnalysis,
    EndUseSignal,
    LexiconError,
    OrgTerm,
    analyse_end_use,
    default_analyser,
    load_lexicon,
    military_org_terms,
    normalise,
)

DEV_FILE = Path("/work/shared/eval/shipments_dev.jsonl")
MIL_USERS_CSV = Path("/work/shared/data/jp-defense/military_users.csv")

MU, MP, CIV, WMD, TER = "military_use", "military_possible", "civil_declared", "wmd", "terrorism"

# Every end-use string of the dev set (with its destination), the signals the
# analyser must return as (kind, country, term, matched text), and whether the
# text is civil_declared().  Comments: dev id and the point of the case.
DEV_CASES = [
    ("航空エンジン部品用磁石の製造", "JP", [], False),  # S-001 aero-engine magnets: aerospace alone is not military
    ("Rocket motor case tooling", "JP", [(MP, "JP", "rocket motor", "Rocket motor")], False),  # S-002
    ("Powder metallurgy parts", "JP", [], False),  # S-003
    ("Infrared detector epitaxy", "PL", [], False),  # S-004
    ("Epitaxial wafer production", "US", [], False),  # S-005 'wafer production' does not establish civil use
    ("舰船用电机磁体", "JP", [(MP, "JP", "舰船", "舰船")], False),  # S-006 舰船 = naval vessels and ships
    ("Thin-film deposition", "JP", [], False),  # S-007
    ("Radar module production", "DE", [(MP, "DE", "radar", "Radar")], False),  # S-008 radar: possible, not military
    ("Attitude reference for satellite test bench", "JP", [], False),  # S-009
    ("半導体用フィルムの表面処理（民生用）", "JP",
     [(CIV, None, "半導体", "半導体"), (CIV, None, "民生用", "民生用")], True),  # S-010 declared civil
    ("Soft-magnetic components for consumer electronics", "JP",
     [(CIV, None, "consumer electronics", "consumer electronics")], True),  # S-011
    ("測量用ドローンの姿勢制御（民生用）", "JP",
     [(CIV, None, "測量", "測量"), (CIV, None, "民生用", "民生用")], True),  # S-012 a drone alone is not a flag
    ("Press-forming dies for automotive body panels", "JP", [(CIV, None, "automotive", "automotive")], True),  # S-013
    ("Spare parts for civil airliner inertial reference units", "JP",
     [(CIV, None, "civil airliner", "civil airliner")], True),  # S-014
    ("Ion implanter parts (semiconductor)", "JP", [(CIV, None, "semiconductor", "semiconductor")], True),  # S-015
    ("装備品部品の調達", "JP", [(MU, "JP", "装備品", "装備品")], False),  # S-016 装備品 = defence equipment
    ("用于海上自卫队护卫舰维修", "JP",
     [(MU, "JP", "海上自卫队", "海上自卫队"), (MU, "JP", "护卫舰", "护卫舰")], False),  # S-017 JMSDF escort ships
    ("Flight test instrumentation", "JP", [], False),  # S-018
    ("舰载电子设备维修", "JP", [(MU, "JP", "舰载", "舰载")], False),  # S-019 舰载 = shipborne on a warship
    ("Training ammunition tooling", "JP", [(MU, "JP", "ammunition", "ammunition")], False),  # S-020
    ("試験用磁石材料", "JP", [], False),  # S-021
    ("陆上自卫队UH-2直升机零部件", "JP", [(MU, "JP", "陆上自卫队", "陆上自卫队")], False),  # S-022 JGSDF UH-2
    ("", "JP", [], False),  # S-023/S-026/S-048 empty: not civil
    ("生産用材料", "JP", [], False),  # S-024 'production material' does not establish civil use
    ("Production", "JP", [], False),  # S-025 ditto
    ("構造部材", "JP", [], False),  # S-027 'structural parts' ditto
    ("NdFeB magnets for EV traction motors", "JP", [(CIV, None, "EV", "EV")], True),  # S-028
    ("LED用エピタキシャル材料", "JP", [(CIV, None, "LED", "LED")], True),  # S-029 Latin term glued to kanji
    ("Semiconductor wafer etching", "KR", [(CIV, None, "semiconductor", "Semiconductor")], True),  # S-030
    ("難燃性樹脂コンパウンド（家電用）", "JP", [(CIV, None, "家電", "家電")], True),  # S-031
    ("Mining tool inserts", "US", [(CIV, None, "mining", "Mining")], True),  # S-032
    ("InGaAs photodiodes for optical communication", "JP",
     [(CIV, None, "optical communication", "optical communication")], True),  # S-033
    ("员工工作服", "JP", [], False),  # S-034 workwear: neutral
    ("Office refurbishment", "JP", [], False),  # S-035
    ("社員食堂用食器", "JP", [], False),  # S-036
    ("Office furniture", "US", [], False),  # S-037
    ("Laboratory stationery", "US", [], False),  # S-038
    ("Company event merchandise", "US", [], False),  # S-039
    ("Sonar transducer magnets", "JP", [(MP, "JP", "sonar", "Sonar")], False),  # S-040
    ("Parachute equipment weights", "JP", [], False),  # S-041
    ("Radar module production", "JP", [(MP, "JP", "radar", "Radar")], False),  # S-042
    ("航空機整備用材料", "JP", [], False),  # S-043 aircraft maintenance: not civil by itself
    ("Shipyard materials", "JP", [], False),  # S-044
    ("Compressor motors for room air-conditioners", "JP",
     [(CIV, None, "air conditioner", "air-conditioners")], True),  # S-045
    ("Graphite electrodes for electric arc furnaces", "JP",
     [(CIV, None, "electric arc furnace", "electric arc furnaces")], True),  # S-046
    ("Enterprise network equipment", "JP", [(CIV, None, "enterprise network", "Enterprise network")], True),  # S-047
    ("Laser diodes for optical fibre amplifiers", "JP", [(CIV, None, "optical fibre", "optical fibre")], True),  # S-049
    ("Elevator traction machine magnets", "JP", [(CIV, None, "elevator", "Elevator")], True),  # S-050
    ("自動車用クランクシャフト加工ライン", "JP", [(CIV, None, "自動車", "自動車")], True),  # S-051
    ("陸上自衛隊向け装備品の部品", "JP",
     [(MU, "JP", "陸上自衛隊", "陸上自衛隊"), (MU, "JP", "装備品", "装備品")], False),  # S-052 GSDF equipment
    ("Radar module production", "US", [(MP, "US", "radar", "Radar")], False),  # S-053
    ("Refrigerant reclamation and production", "US", [(CIV, None, "refrigerant", "Refrigerant")], True),  # S-054
    ("Tungsten powder production", "US", [], False),  # S-055
    ("Research", "US", [], False),  # S-056
    ("Strategic materials stockpile", "US",
     [(MP, "US", "strategic materials stockpile", "Strategic materials stockpile")], False),  # S-057
    ("For U.S. Navy shipboard navigation systems", "US", [(MU, "US", "U.S. Navy", "U.S. Navy")], False),  # S-058
    ("材料研究", "US", [], False),  # S-059
    ("農業用散布", "JP", [(CIV, None, "農業用", "農業用")], True),  # S-060
    ("Consumer wearables", "KR", [(CIV, None, "consumer", "Consumer")], True),  # S-061
    ("Lithium-ion battery anodes", "JP", [(CIV, None, "lithium-ion battery", "Lithium-ion battery")], True),  # S-062
    ("Industrial components", "AT", [], False),  # S-063 'industrial' does not establish civil use
]


def _sig(a: EndUseAnalysis) -> list[tuple]:
    return [(s.kind, s.country, s.term, s.matched_text) for s in a.signals]


def _check_spans(text: str, a: EndUseAnalysis) -> None:
    for s in a.signals:
        assert 0 <= s.start < s.end <= len(text)
        assert text[s.start:s.end] == s.matched_text


# ------------------------------------------------------------------ dev set


@pytest.mark.parametrize(("text", "dest", "expected", "civil"), DEV_CASES)
def test_dev_set_end_uses(text: str, dest: str, expected: list[tuple], civil: bool) -> None:
    a = analyse_end_use(text, dest)
    assert _sig(a) == expected
    assert a.civil_declared() is civil
    assert a.red_flags() == []
    _check_spans(text, a)
    for s in a.signals:
        assert s.lexicon_id and s.source


@pytest.mark.skipif(not DEV_FILE.exists(), reason="dev set not available")
def test_dev_cases_cover_every_dev_end_use() -> None:
    covered = {(t, d) for t, d, _, _ in DEV_CASES}
    rows = [json.loads(line) for line in DEV_FILE.read_text(encoding="utf-8").splitlines() if line.strip()]
    missing = {(r["end_use"] or "", r["destination_country"]) for r in rows} - covered
    assert not missing


def test_dev_military_end_uses_attributed_to_japan() -> None:
    """The R3/R9 dev cases whose *end use* is a Japanese military use."""
    for text in ("用于海上自卫队护卫舰维修", "陸上自衛隊向け装備品の部品", "陆上自卫队UH-2直升机零部件", "装備品部品の調達"):
        a = analyse_end_use(text, "JP")
        assert a.military_use("JP"), text
        assert a.military_use("US") == []
        assert not a.civil_declared()


def test_us_navy_is_us_whatever_the_destination() -> None:
    a = analyse_end_use("For U.S. Navy shipboard navigation systems", "JP")
    assert [s.country for s in a.military_use()] == ["US"]
    assert a.military_use("us")  # case-insensitive country filter


# ---------------------------------------------------------------- negation

NEGATED_TO_CIVIL = [
    ("non-military", "non-military"),
    ("nonmilitary use only", "nonmilitary"),
    ("non military", "non military"),
    ("not for military use", "not for military use"),
    ("Not intended for military purposes", "Not intended for military purposes"),
    ("no military end use", "no military end use"),
    ("will not be used for weapons", "not be used for weapons"),
    ("without any military application", "without any military"),
    ("except military", "except military"),
    ("military use is prohibited", "military use is prohibited"),
    ("not for nuclear weapons", "not for nuclear weapons"),
    ("not for use by the JSDF", "not for use by the JSDF"),
    ("非军事用途", "非军事"),
    ("非軍事用途", "非軍事"),
    ("不得用于任何军事用途", "不得用于任何军事"),
    ("禁止用于军事", "禁止用于军事"),
    ("並非用於軍事", "並非用於軍事"),
    ("軍事用途ではない", "軍事用途ではない"),
    ("軍事目的には使用しません", "軍事目的には使用しません"),
    ("軍事用途への転用禁止", "軍事用途への転用禁止"),
    ("軍事以外の用途", "軍事以外"),
]


@pytest.mark.parametrize(("text", "span"), NEGATED_TO_CIVIL)
def test_negated_military_is_civil(text: str, span: str) -> None:
    a = analyse_end_use(text, "JP")
    assert a.military_use() == [] and a.military_possible() == [] and a.red_flags() == []
    assert a.civil_declared()
    assert span in [s.matched_text for s in a.signals]
    _check_spans(text, a)


def test_civil_with_negated_conversion_clause() -> None:
    text = "民生用（軍事転用なし）"
    a = analyse_end_use(text, "JP")
    assert _sig(a) == [(CIV, None, "民生用", "民生用"), (CIV, None, "NOT 軍事", "軍事転用なし")]
    assert a.signals[1].lexicon_id == "mil.generic!negated"
    assert "negated" in a.signals[1].source
    assert a.civil_declared()


@pytest.mark.parametrize(
    ("text", "span"),
    [("not for civilian use", "not for civilian use"), ("非民用", "非民用"), ("民生用ではない", "民生用ではない")],
)
def test_negated_civil_is_military_possible(text: str, span: str) -> None:
    a = analyse_end_use(text, "JP")
    assert [(s.kind, s.country, s.matched_text) for s in a.signals] == [(MP, "JP", span)]
    assert not a.civil_declared()


@pytest.mark.parametrize(
    "text",
    [
        "including but not limited to military applications",  # "not limited to" includes
        "not only civil but military",                          # clause break at "but"
        "No. 3 military depot",                                 # "No." is not a negation
        "for civil and military use",
        "不是民用而是军用",                                       # break at 而是
        "民生用ではなく軍事用",
        "不锈钢用于军事装备",                                     # 不 inside 不锈钢 is no cue
        "无人机用于军事侦察",                                     # 无 inside 无人机 is no cue
        "not known whether military",                           # only function words between cue and term
        "No 3 military depot",
        "for use without restriction by military",
        "not for military use, but for weapons",                # 'weapons' is not in the negated list
    ],
)
def test_not_negated(text: str) -> None:
    a = analyse_end_use(text, "JP")
    assert a.military_use("JP"), _sig(a)
    assert not a.civil_declared()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Not intended for military or nuclear weapons purposes",
         [(CIV, "Not intended for military"), (CIV, "nuclear weapons")]),
        ("not for military, nuclear or chemical weapons", [(CIV, "not for military"), (CIV, "chemical weapons")]),
        ("不得用于军事或核武器", [(CIV, "不得用于军事"), (CIV, "不得用于军事或核武器")]),
        ("軍事・核兵器用途ではない", [(CIV, "軍事・核兵器用途ではない"), (CIV, "核兵器用途ではない")]),
        ("no direct or indirect military use", [(CIV, "no direct or indirect military use")]),
    ],
)
def test_negated_lists(text: str, expected: list[tuple[str, str]]) -> None:
    a = analyse_end_use(text, "JP")
    assert [(s.kind, s.matched_text) for s in a.signals] == expected
    assert a.civil_declared()


def test_negation_does_not_cross_clause() -> None:
    a = analyse_end_use("not for consumer use; for military", "JP")
    assert [s.kind for s in a.signals] == [MU]


# ------------------------------------------------- word boundaries, carve-outs


@pytest.mark.parametrize(
    "text",
    [
        "used in farms and robot arms",   # arms ≠ farms; bare 'arms' is no term
        "fuel tank for trucks",           # bare 'tank' is no term (fuel/storage tanks)
        "oil tanker hull",
        "navy blue fabric",               # carve-out
        "Swiss army knife blades",
        "Salvation Army donation",
        "bomber jacket zips",
        "naval architecture software",
        "pentagon-shaped bracket",        # Pentagon only capitalised
        "he led the project",             # LED only upper case
        "militar",
        "テロップ表示装置",                 # テロップ (caption) is not テロ
        "トレーダー向け",                   # trader, not radar
        "5米军用帐篷",                      # 5-metre military tent: 军用 yes, 米军 (US forces) no
        "上海军工集团",                     # 上海 + 军工: no 海军
        "航空自動化設備",                   # no 空自 abbreviation
        "大陆自主品牌",                     # no 陆自
        "沿海自贸区",                       # no 海自
        "軍手",                             # cotton work gloves
        "液晶监视器",                       # monitor screen
        "激光雷达",                         # lidar
    ],
)
def test_no_false_military_us_or_jp_org(text: str) -> None:
    a = analyse_end_use(text, "JP")
    assert all(s.country != "US" for s in a.signals), _sig(a)
    bad = [s for s in a.signals if s.kind in (MP, WMD, TER) or (s.kind == MU and s.term not in ("军用", "军工"))]
    assert bad == []


def test_tank_and_arms_only_in_military_compounds() -> None:
    assert _sig(analyse_end_use("battle tanks", "JP")) == [(MU, "JP", "battle tank", "battle tanks")]
    assert _sig(analyse_end_use("small arms ammunition", "JP")) == [
        (MU, "JP", "small arms", "small arms"), (MU, "JP", "ammunition", "ammunition")]


def test_plural_and_possessive() -> None:
    assert _sig(analyse_end_use("Torpedoes", "JP")) == [(MU, "JP", "torpedo", "Torpedoes")]
    assert _sig(analyse_end_use("Navy's ships", "KR")) == [(MU, "KR", "navy", "Navy's")]


# ----------------------------------------------------- longest match, kinds


def test_longest_match_wins() -> None:
    assert _sig(analyse_end_use("陸上自衛隊", "JP")) == [(MU, "JP", "陸上自衛隊", "陸上自衛隊")]
    assert [s.lexicon_id for s in analyse_end_use("陸上自衛隊", "JP").signals] == ["jp.gsdf"]
    assert _sig(analyse_end_use("nuclear weapon development", "IR")) == [
        (WMD, "IR", "nuclear weapon", "nuclear weapon")]
    assert _sig(analyse_end_use("核武器", None)) == [(WMD, None, "核武器", "核武器")]
    assert _sig(analyse_end_use("ballistic missile defense", "JP")) == [
        (MU, "JP", "ballistic missile defense", "ballistic missile defense")]
    assert _sig(analyse_end_use("弾道ミサイル防衛", "JP")) == [(MU, "JP", "弾道ミサイル防衛", "弾道ミサイル防衛")]
    assert _sig(analyse_end_use("For military-grade enclosures", "JP")) == [
        (MP, "JP", "military-grade", "military-grade")]


def test_wmd_and_terrorism_red_flags() -> None:
    for text in ("chemical weapons precursor", "生物武器", "大量破壊兵器の開発", "ICBM program", "弹道导弹"):
        a = analyse_end_use(text, "KP")
        assert [s.kind for s in a.red_flags()] == [WMD], text
    for text in ("terrorist attack", "恐怖组织", "テロリスト"):
        a = analyse_end_use(text, None)
        assert [s.kind for s in a.red_flags()] == [TER], text
    a = analyse_end_use("anti-terrorism screening", "JP")  # counter-terrorism is a security use
    assert a.red_flags() == [] and [s.kind for s in a.signals] == [MP]


def test_us_orgs() -> None:
    cases = {
        "US Army Research Laboratory": "U.S. Army Research Laboratory",
        "US Navy": "U.S. Navy",
        "U. S. Air Force": "U.S. Air Force",
        "USAF base": "USAF",
        "for the Pentagon": "Pentagon",
        "Defense Logistics Agency": "Defense Logistics Agency",
        "美国空军研究实验室": "美国空军研究实验室",
        "美國海軍": "美国海军",
        "米国防総省": "米国防総省",
        "在日米軍基地": "在日米軍",
    }
    for text, term in cases.items():
        a = analyse_end_use(text, "JP")
        assert [(s.kind, s.country, s.term) for s in a.signals] == [(MU, "US", term)], text


def test_destination_attribution() -> None:
    assert _sig(analyse_end_use("military", None)) == [(MU, None, "military", "military")]
    assert _sig(analyse_end_use("military", "us")) == [(MU, "US", "military", "military")]
    a = analyse_end_use("自衛隊", "US")  # named org keeps its own country
    assert [s.country for s in a.signals] == ["JP"]
    assert a.military_use("JP") and not a.military_use("US")
    a = analyse_end_use("military", None)
    assert a.military_use() and a.military_use("JP") == []


# ------------------------------------------------------ scripts and spans


@pytest.mark.parametrize(
    ("text", "lexicon_id"),
    [
        ("陸上自衛隊", "jp.gsdf"), ("陆上自卫队", "jp.gsdf"), ("陸上自衞隊", "jp.gsdf"), ("JGSDF", "jp.gsdf"),
        ("海上自衛隊", "jp.msdf"), ("海上自卫队", "jp.msdf"), ("Maritime Self-Defense Force", "jp.msdf"),
        ("護衛艦", "mil.platforms"), ("护卫舰", "mil.platforms"), ("護衞艦", "mil.platforms"),
        ("戦闘機", "mil.platforms"), ("战斗机", "mil.platforms"), ("戰鬥機", "mil.platforms"),
        ("弾薬", "mil.weapons"), ("弹药", "mil.weapons"), ("彈藥", "mil.weapons"),
        ("防衛装備庁", "jp.atla"), ("防卫装备厅", "jp.atla"), ("防衛裝備廳", "jp.atla"),
        ("國防", "mil.generic"), ("国防", "mil.generic"),
        ("軍民両用", "poss.dual_use"), ("军民两用", "poss.dual_use"), ("軍民兩用", "poss.dual_use"),
        ("ﾚｰﾀﾞｰ", "poss.sensors_kana"), ("レーダー", "poss.sensors_kana"),
    ],
)
def test_cross_script(text: str, lexicon_id: str) -> None:
    a = analyse_end_use(text, "JP")
    assert [s.lexicon_id for s in a.signals] == [lexicon_id]
    assert a.signals[0].matched_text == text


def test_term_reported_in_matching_script() -> None:
    assert analyse_end_use("陸上自衛隊", "JP").signals[0].term == "陸上自衛隊"
    assert analyse_end_use("陆上自卫队", "JP").signals[0].term == "陆上自卫队"


def test_spans_index_original_text() -> None:
    text = "㈱ＪＭＳＤＦ向け　ﾚｰﾀﾞｰ部品、Self‐Defense Forces"
    a = analyse_end_use(text, "JP")
    assert [(s.lexicon_id, s.matched_text) for s in a.signals] == [
        ("jp.msdf", "ＪＭＳＤＦ"), ("poss.sensors_kana", "ﾚｰﾀﾞｰ"), ("jp.sdf", "Self‐Defense Forces")]
    _check_spans(text, a)
    assert a.signals[0].start == 1 and a.signals[0].end == 6


def test_variation_selector_and_zero_width() -> None:
    text = "海上自\u200b衛隊の艦\ufe00艇"
    a = analyse_end_use(text, "JP")
    assert [s.lexicon_id for s in a.signals] == ["jp.msdf", "mil.platforms"]
    _check_spans(text, a)
    assert a.signals[1].matched_text == "艦\ufe00艇"


def test_mixed_language() -> None:
    text = "For JMSDF 護衛艦 maintenance; 民生用ではない"
    a = analyse_end_use(text, "JP")
    kinds = Counter(s.kind for s in a.signals)
    assert kinds == Counter({MU: 2, MP: 1})


# ----------------------------------------------------------- API surface


def test_summary_and_helpers() -> None:
    a = analyse_end_use("用于海上自卫队护卫舰维修, civil radar, nerve agent", "JP")
    assert a.summary() == {
        MU: ["海上自卫队 (海上自卫队)", "护卫舰 (护卫舰)"],
        CIV: ["civil (civil)"],
        MP: ["radar (radar)"],
        WMD: ["nerve agent (nerve agent)"],
    }
    assert [s.term for s in a.red_flags()] == ["nerve agent"]
    assert [s.term for s in a.military_possible()] == ["radar"]
    assert not a.civil_declared()
    assert isinstance(a.signals[0], EndUseSignal)
    with pytest.raises(Exception):
        a.signals[0].kind = "wmd"  # type: ignore[misc]  # frozen


def test_empty_and_type_errors() -> None:
    a = analyse_end_use("")
    assert a.signals == () and not a.civil_declared() and a.summary() == {}
    with pytest.raises(TypeError):
        analyse_end_use(None)  # type: ignore[arg-type]


def test_item_descriptions_kept_apart() -> None:
    a = analyse_end_use("Production", "JP", item_descriptions=["Tungsten alloy for ammunition cores", "Copy paper"])
    assert a.signals == ()
    assert [[s.term for s in sigs] for sigs in a.item_signals] == [["ammunition"], []]
    assert a.military_use() == []
    assert [s.term for s in a.military_use("JP", include_items=True)] == ["ammunition"]


def test_normalise() -> None:
    assert normalise("ＪＭＳＤＦ　護衛艦") == "jmsdf 护卫舰"
    assert normalise("Self‐Defense") == "self-defense"


# ------------------------------------------------------------------ lexicon


def test_lexicon_valid_and_sourced() -> None:
    entries = load_lexicon()
    ids = [e.id for e in entries]
    assert len(ids) == len(set(ids))
    for e in entries:
        assert e.source.strip()
        assert e.all_terms()
    # a normalised term belongs to one entry only
    owner: dict[str, str] = {}
    for e in entries:
        for t in e.all_terms():
            k = normalise(t)
            assert owner.setdefault(k, e.id) == e.id, (t, owner[k], e.id)


def test_lexicon_size() -> None:
    counts = Counter()
    for e in load_lexicon():
        for lang, terms in e.terms.items():
            counts[(e.kind, lang)] += len(terms)
    for kind in (MU, MP, CIV, WMD, TER):
        for lang in ("en", "zh", "ja"):
            assert counts[(kind, lang)] >= 5, (kind, lang)
    assert 300 <= sum(counts.values()) <= 1500


def test_lexicon_covers_brief_terms() -> None:
    must = {
        MU: ["JSDF", "自衛隊", "自卫队", "陸上自衛隊", "海上自衛隊", "航空自衛隊", "防衛省", "防衛装備庁", "JGSDF", "JMSDF",
             "JASDF", "US Army", "US Navy", "US Air Force", "US Marine Corps", "US Space Force", "DoD", "Pentagon",
             "美军", "美国海军", "military", "armed forces", "weapons", "munitions", "ammunition", "missile",
             "warship", "escort ship", "護衛艦", "护卫舰", "fighter aircraft", "battle tank", "軍用", "军用", "军事",
             "武器", "弾薬", "弹药", "兵器", "装備品", "国防"],
        MP: ["defence", "defense", "radar", "sonar", "rocket motor", "surveillance"],
        CIV: ["civil", "civilian", "commercial", "consumer", "民用", "民生", "民生用", "非軍事", "automotive",
              "home appliance", "semiconductor", "LED", "medical", "agricultural", "civil airliner", "airline"],
        WMD: ["nuclear weapon", "nuclear explosive", "chemical weapon", "biological weapon", "核武器", "化学武器",
              "生物武器", "大規模破壊兵器", "ballistic missile"],
        TER: ["terrorism", "恐怖主义", "テロリズム"],
    }
    for kind, terms in must.items():
        for t in terms:
            a = analyse_end_use(t, "JP")
            assert [s.kind for s in a.signals] == [kind], (t, _sig(a))


@pytest.mark.parametrize(
    ("yaml_text", "message"),
    [
        ("entries: [{id: a, kind: bogus, country: null, source: s, terms: {en: [x]}}]", "unknown kind"),
        ("entries: [{id: a, kind: wmd, country: XX, source: s, terms: {en: [x]}}]", "ISO alpha-2"),
        ("entries: [{id: a, kind: wmd, country: null, terms: {en: [x]}}]", "missing source"),
        ("entries: [{id: a, kind: wmd, country: null, source: s, terms: {fr: [x]}}]", "unknown language"),
        ("entries: [{id: a, kind: wmd, country: null, source: s, terms: {en: [x]}},"
         " {id: a, kind: wmd, country: null, source: s, terms: {en: [y]}}]", "duplicate"),
        ("entries: [{id: a, kind: wmd, country: null, source: s, terms: {}}]", "no terms"),
        ("entries: [{id: a, kind: wmd, country: null, source: s, terms: {en: [x]}, not_preceded_by: '['}]", "regex"),
        ("entries: [{id: a, kind: wmd, country: null, source: s, terms: {en: [x]}, on_negation: maybe}]",
         "on_negation"),
        ("foo: bar", "entries"),
    ],
)
def test_lexicon_errors(tmp_path: Path, yaml_text: str, message: str) -> None:
    p = tmp_path / "lex.yaml"
    p.write_text(yaml_text, encoding="utf-8")
    with pytest.raises(LexiconError, match=message):
        load_lexicon(p)


def test_custom_lexicon(tmp_path: Path) -> None:
    p = tmp_path / "lex.yaml"
    p.write_text(
        "entries:\n"
        "- {id: t.x, kind: military_use, country: destination, source: test, terms: {en: [widget], ja: [部品]}}\n",
        encoding="utf-8",
    )
    an = EndUseAnalyser(load_lexicon(p))
    assert _sig(an.analyse("Widgets and 部品", "jp")) == [(MU, "JP", "widget", "Widgets"), (MU, "JP", "部品", "部品")]
    assert _sig(analyse_end_use("widgets", "JP", analyser=an)) == [(MU, "JP", "widget", "widgets")]


# --------------------------------------------------- military org names


def test_military_org_terms_builtin() -> None:
    terms = military_org_terms()
    assert all(isinstance(t, OrgTerm) for t in terms)
    names = {t.term for t in terms}
    assert {"自衛隊", "陸上自衛隊", "JMSDF", "防衛装備庁", "U.S. Navy", "美军"} <= names
    assert {t.country for t in terms} == {"JP", "US"}
    assert "military" not in names and "海上保安庁" not in names  # generic / not a military user


def test_military_org_terms_extra_cleaning() -> None:
    extra = [
        ("補給統制本部", "JP", "jp_gsdf_gmcc"),
        ("防衛庁 (Defense Agency, before 2007-01)", "JP", "jp_mod"),  # already in lexicon after stripping
        ("Ministry of Defence (Japan)", "JP", "jp_mod"),  # stripped form is the generic lexicon term
        ("ADC", "JP", "jp_adc"),   # 3-letter acronym: too ambiguous
        ("陸自", "JP", "jp_gsdf"),  # 2-char CJK abbreviation: too ambiguous
        ("通信所 (SIGINT stations)", "JP", "jp_dih_sigint"),  # stoplist
        ("TERCOM", "JP", "jp_gsdf_tercom"),
        ("Army Futures Command", "us", "us_afc", "US-MIL list"),
        ("DoW", "US", "us_dod"),       # ≤ 3 letters in any case ('Dow Chemical')
        ("航空集団", "JP", "jp_fleet_air"),  # = 航空集团, Chinese for an airline group
        ("大臣官房", "JP", "jp_mod_secretariat"),  # every ministry has one
    ]
    got = {(t.term, t.country, t.id, t.source) for t in military_org_terms(extra) if t.id.startswith(("jp_", "us_"))}
    assert got == {
        ("補給統制本部", "JP", "jp_gsdf_gmcc", "reference list of military users"),
        ("TERCOM", "JP", "jp_gsdf_tercom", "reference list of military users"),
        ("Army Futures Command", "US", "us_afc", "US-MIL list"),
    }
    with pytest.raises(LexiconError):
        military_org_terms([("x", "ZZ", "id")])
    with pytest.raises(LexiconError):
        military_org_terms([("x", "JP")])  # type: ignore[list-item]


def test_analyser_with_extra_org_terms() -> None:
    an = EndUseAnalyser(extra_org_terms=[
        ("補給統制本部", "JP", "jp_gsdf_gmcc"), ("TERCOM", "JP", "jp_gsdf_tercom"),
        ("Army Futures Command", "US", "us_afc"),
    ])
    a = an.analyse("陸上自衛隊補給統制本部向け部品", "JP")
    assert [(s.lexicon_id, s.matched_text) for s in a.signals] == [
        ("jp.gsdf", "陸上自衛隊"), ("jp_gsdf_gmcc", "補給統制本部")]
    assert [s.lexicon_id for s in an.analyse("TERCOM lab", "JP").signals] == ["jp_gsdf_tercom"]
    assert an.analyse("tercom lab", "JP").signals == ()  # acronyms are case-sensitive
    assert [s.country for s in an.analyse("for the Army Futures Command", "JP").signals] == ["US"]
    # the default analyser is not affected
    assert analyse_end_use("補給統制本部", "JP").signals == ()


US_MIL_CSV = Path(__file__).resolve().parents[2] / "data-sources" / "curated" / "us_military_users.csv"


@pytest.mark.skipif(not US_MIL_CSV.exists(), reason="US-MIL curated list not available")
def test_analyser_fed_from_us_military_users_csv() -> None:
    extra = []
    with US_MIL_CSV.open(encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            for name in [r.get("name_en", ""), r.get("name_zh", ""), *r.get("aliases", "").split(";")]:
                if name and name.strip():
                    extra.append((name.strip(), "US", r["id"]))
    an = EndUseAnalyser(extra_org_terms=extra)
    for text in ("Dow Chemical coatings", "Joint Staff meeting", "中国航空集团"):
        assert [s for s in an.analyse(text, "CN").signals if s.country == "US"] == [], text
    for case in DEV_CASES:
        assert _sig(an.analyse(case[0], case[1])) == case[2], case[0]


@pytest.mark.skipif(not MIL_USERS_CSV.exists(), reason="reference CSV not available")
def test_analyser_fed_from_military_users_csv() -> None:
    extra = []
    with MIL_USERS_CSV.open(encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            if r["category"] == "other" and r["id"] == "jp_jcg":
                continue  # Coast Guard: not a military user
            for name in [r["name_ja"], r["name_en"], r["name_zh"], *r["aliases"].split(";")]:
                if name.strip():
                    extra.append((name.strip(), "JP", r["id"]))
    an = EndUseAnalyser(extra_org_terms=extra)
    for text, oid in [("北部方面隊向け", "jp_gsdf_northern"), ("Ground Materiel Control Command", "jp_gsdf_gmcc"),
                      ("宇宙作戦群", "jp_asdf_sog"), ("水陆机动团", "jp_gsdf_ardb"), ("National Defense Academy", "jp_nda")]:
        a = an.analyse(text, "JP")
        assert [(s.kind, s.country, s.lexicon_id) for s in a.signals] == [(MU, "JP", oid)], text
    for text in ("ADC converter", "通信所需的设备", "NIDS sensors", "航空自動化", "MOD kit", "NDA signed",
                 "中国航空集团", "経済産業省大臣官房"):
        assert an.analyse(text, "JP").military_use() == [], text
    for case in DEV_CASES:  # the reference names do not change any dev-set result
        assert _sig(an.analyse(case[0], case[1])) == case[2], case[0]


# ------------------------------------------------------------- robustness


@settings(max_examples=400, deadline=None)
@given(
    st.text(
        alphabet=st.characters() | st.sampled_from(
            list("militaryNavy軍事自衛隊陸上護艦ｶﾞﾟ㈱ﬁßİ\u0301\ufe00\u200d非不得用于なし.,-–’' ")),
        max_size=60,
    ),
    st.sampled_from([None, "JP", "us", "", "DE"]),
)
def test_arbitrary_unicode_never_crashes(text: str, dest: str | None) -> None:
    a = analyse_end_use(text, dest)
    assert a.text == text
    _check_spans(text, a)
    for s in a.signals:
        assert s.kind in (MU, MP, CIV, WMD, TER)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(
    ["military", "陸上自衛隊", "民生用", "not for", "非", "ではない", "U.S. Navy", "radar", "、", " ", "ﾚｰﾀﾞｰ", "核兵器"]),
    max_size=12))
def test_lexicon_fragments_spans(parts: list[str]) -> None:
    text = "".join(parts)
    _check_spans(text, analyse_end_use(text, "JP"))


def test_performance() -> None:
    an = default_analyser()
    texts = [c[0] for c in DEV_CASES] + ["不得用于任何军事用途，民生用（軍事転用なし）, not for U.S. Navy or JMSDF use" * 3]
    for t in texts:  # warm up
        an.analyse(t, "JP")
    n = 0
    t0 = time.perf_counter()
    for _ in range(20):
        for t in texts:
            an.analyse(t, "JP")
            n += 1
    per_call = (time.perf_counter() - t0) / n
    assert per_call < 1e-3, per_call
