"""Item classification that generalises (issue 8): everyday-goods gate, units on both sides of a
threshold, HS prefixes, the reference text (shown, never deciding alone), and screening with the
same classifier.

Real values: thresholds of MOFCOM/GAC/CMC-EDD Announcement 2024 No. 31 (0A903.a jamming range
> 5 km, 0A903.b laser > 1.5 kW, 9A012.b.1 engine > 16 kW), the 2026 catalogue text of 1C202
(aluminium >= 460 MPa, titanium >= 900 MPa, outside diameter > 75 mm) and of 2B204.a (>= 69 MPa,
chamber > 152 mm), HS 2022 headings.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from dualuse.classification.goods import GoodsReader, goods_rows
from dualuse.classification.parameters import convert, parse_quantities
from dualuse.classification.search import CatalogueSearch
from dualuse.classification.terminology import head_word, split_purpose
from dualuse.models.reference import ControlEntry, LegalSource, ReferenceText
from dualuse.refdata import store

DAY = dt.date(2026, 3, 2)


@pytest.fixture(scope="module")
def search():
    return CatalogueSearch(store.load_catalogue())


def codes(lookup, n=3):
    return [c.code for c in lookup.candidates[:n]]


# --- everyday goods stay uncontrolled, in three languages ----------------------------------------


@pytest.mark.parametrize(
    ("query", "heading"),
    [
        ("titanium eyeglass frames", "9003"),  # shares "titanium" with 1C202.b
        ("钛合金眼镜框", "9003"),
        ("チタン製の眼鏡フレーム", "9003"),
        ("carbon fibre fishing rods, 3 m", "9507"),  # shares "carbon fibre" with 1C210
        ("碳纤维鱼竿", "9507"),
        ("lithium-ion power bank 20000 mAh", "8507"),  # shares "lithium" with 1C233
        ("不锈钢炒锅", "7323"),
        ("ステンレス製フライパン 28cm", "7323"),
        ("upholstered office chairs", "9401"),  # "chairs" is in the HS text of an X-ray line (9022)
        ("办公椅", "9401"),
        ("オフィスチェア", "9401"),
        ("colour pencils, 24 pieces", "9609"),
    ],
)
def test_everyday_goods_are_not_controlled_with_the_heading(search, query, heading):
    result = search.lookup(query, as_of=DAY)
    assert result.status == "not_controlled"
    assert result.goods is not None and result.goods.heading == heading
    assert f"HS {heading}" in result.explanation and "no entry lists a reference code" in result.explanation


def test_goods_evidence_never_clears_a_listed_heading():
    reader = GoodsReader({"9003"}, store.load_hs6())  # pretend an entry lists a spectacle-frame line
    assert reader.evidence("titanium spectacle frames") is None
    free = GoodsReader(set(), store.load_hs6())
    assert free.evidence("titanium spectacle frames").heading == "9003"


def test_goods_table_rows_are_well_formed():
    rows = goods_rows()
    assert len(rows) > 100
    assert all(len(h) == 4 and h.isdigit() for r in rows for h in r.headings)


def test_one_character_goods_words_only_as_the_head():
    reader = GoodsReader(set(), store.load_hs6())
    assert reader.evidence("不锈钢汤锅").heading == "7323"  # 锅 closes the phrase
    assert reader.evidence("锅炉给水泵") is None  # 锅 inside 锅炉 (boiler) is no cooking pot


def test_a_shared_generic_word_is_no_evidence(search):
    # "monkey" is a word of a listed virus name, "wrench" names the goods: no entry names the item itself
    assert search.lookup("monkey wrench", as_of=DAY).status == "not_controlled"
    # a listed item written with a form word still finds its entry
    plague = search.lookup("Yersinia pestis strain", as_of=DAY)
    assert plague.status == "controlled" and codes(plague, 1) == ["1C351.c.13"]


def test_head_word_and_purpose():
    assert head_word("Ti-6Al-4V titanium alloy round bar, 120 mm") == "alloy"
    assert head_word("hafnium crystal bar") == "crystal bar"
    assert head_word("金属镝") is None
    assert split_purpose("trimethylindium for MOCVD") == ("trimethylindium", "MOCVD")
    assert split_purpose("球状黒鉛 リチウムイオン電池負極用") == ("球状黒鉛", "リチウムイオン電池負極")


# --- parameters: units converted, both sides of a threshold ---------------------------------------


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("anti-drone laser, 1500 W output", "not_controlled"),  # 1.5 kW is not > 1.5 kW
        ("anti-drone laser, 1600 W output", "controlled"),
        ("counter-drone jammer, jamming range 5000 m", "not_controlled"),  # 5 km is not > 5 km
        ("counter-drone jammer, jamming range 5500 m", "controlled"),
        ("UAV piston engine, 16 kW", "not_controlled"),  # 9A012.b.1: > 16 kW
        ("UAV piston engine, 20 kW", "controlled"),
        ("UAV engine, 16000 W maximum continuous power", "not_controlled"),
        ("aluminium alloy 6061-T6 round bar, 120 mm diameter", "not_controlled"),  # 6061-T6 ~310 MPa < 460
        ("aluminium alloy 7075-T6 round bar, 70 mm diameter", "not_controlled"),  # 70 mm is not > 75 mm
        ("aluminium alloy 7075-T6 round bar, 7.6 cm diameter", "controlled"),  # 76 mm
        ("Ti-6Al-4V titanium alloy round bar, 120 mm", "controlled"),  # 1C202.b: >= 900 MPa and > 75 mm
        ("titanium alloy round bar, 120 mm", "needs_parameters"),  # the strength is open
    ],
)
def test_numbers_decide_on_both_sides_of_a_threshold(search, query, status):
    result = search.lookup(query, as_of=DAY)
    assert result.status == status, result.explanation


def test_open_parameter_is_named(search):
    result = search.lookup("titanium alloy round bar, 120 mm", as_of=DAY)
    assert "1C202.b" in codes(result)
    assert "tensile_strength_mpa" in result.needed


def test_unit_conversions():
    assert convert(1500, "W", "kW") == 1.5
    assert convert(2.4, "GHz", "MHz") == 2400
    assert convert(30, "min", "h") == 0.5
    assert convert(100, "µm", "mm") == pytest.approx(0.1)
    assert convert(293.15, "K", "°C") == pytest.approx(20.0)
    assert convert(1, "°/s", "°/h") == 3600
    assert convert(250, "ppm", "ppm") == 250
    with pytest.raises(ValueError):
        convert(1, "kW", "MPa")


def test_quantities_in_three_languages():
    q = parse_quantities("fibre optic gyro, bias drift 0.01°/h, 2.4 GHz, 99.995%, 1,200 kg")
    got = {(x.unit, x.value) for x in q.quantities}
    assert {("°/h", 0.01), ("GHz", 2.4), ("%", 99.995)} <= got
    assert ("MHz", 2400.0) not in got  # kept in the unit written; converted when compared
    assert {(x.unit, x.value) for x in parse_quantities("推力100千牛 密度1.85 g/cm³").quantities} == {("kN", 100.0), ("g/cm3", 1.85)}
    assert [(x.unit, x.value) for x in parse_quantities("出力3kW").quantities] == [("kW", 3.0)]
    assert parse_quantities("Ti-6Al-4V bar").named["tensile_strength_mpa"] == 1000.0


# --- HS codes ----------------------------------------------------------------------------------


def test_hs_reference_code_that_decides(search):
    result = search.lookup("2805301200", as_of=DAY)  # dysprosium metal
    assert result.status == "controlled" and codes(result, 1) == ["1C905.a.1"]
    assert "classified from the HS code" in result.explanation


def test_hs_reference_code_of_an_entry_with_thresholds(search):
    result = search.lookup("8108901010", as_of=DAY)  # titanium alloy line of 1C202.b
    assert result.status == "needs_parameters" and codes(result, 1) == ["1C202.b"]
    assert {"tensile_strength_mpa", "diameter_mm"} <= set(result.needed)


def test_hs_prefix_behaviour(search):
    # entries under the prefix, all turning on parameters or differing
    assert search.lookup("284690", as_of=DAY).status == "needs_parameters"
    # no entry under the prefix, but heading 8481 holds the 2B350/2A226 valve lines
    valves = search.lookup("848110", as_of=DAY)
    assert valves.status == "needs_parameters" and any(c.startswith(("2B350", "2A226", "2B233")) for c in codes(valves, 5))
    # no entry in the heading and no entry name in the HS text
    seats = search.lookup("9401.71", as_of=DAY)
    assert seats.status == "not_controlled" and "heading 9401" in seats.explanation
    # a 10-digit code that is no reference code
    assert search.lookup("9401710000", as_of=DAY).status == "not_controlled"


# --- the reference text: shown, never deciding alone ------------------------------------------


def _entry(code: str, name_zh: str, name_en: str | None = None) -> ControlEntry:
    return ControlEntry(
        code=code,
        name_zh=name_zh,
        name_en=name_en,
        legal_source=LegalSource(issuer="MOFCOM/GAC", kind="announcement", citation="test catalogue"),
        published=dt.date(2025, 12, 31),
        effective=dt.date(2026, 1, 1),
    )


def _ref(code: str, text: str, correspondence: str = "same-code") -> ReferenceText:
    return ReferenceText(code=code, en_code=code, heading_en=text, text_en=text, correspondence=correspondence, level="entry", source="US CCL 15 CFR 774 Supp. 1")


_FILLERS = [_entry(f"0A9{n:02d}", f"其他设备{n}") for n in range(40)]  # a realistic idf needs more than two entries


def test_reference_text_alone_never_decides():
    entries = [_entry("5A901", "某种加密模块"), *_FILLERS]
    refs = {"5A901": _ref("5A901", "Frobnicator modules for widget encryption")}
    search = CatalogueSearch(entries, store.load_hs6(), refs)
    result = search.lookup("frobnicator modules", as_of=DAY)
    assert result.status == "needs_parameters"  # found, but only through the parallel list's text
    assert codes(result, 1) == ["5A901"] and result.candidates[0].own_score == 0.0
    assert "reference text (same number, US CCL 15 CFR 774 Supp. 1 5A901)" in result.explanation
    assert result.candidates[0].reference is refs["5A901"]


def test_reference_text_ranks_and_the_entry_decides():
    entries = [_entry("5A901", "某种加密模块", "frobnicator module"), *_FILLERS]
    refs = {"5A901": _ref("5A901", "Frobnicator modules for widget encryption", "doubtful")}
    search = CatalogueSearch(entries, store.load_hs6(), refs)
    result = search.lookup("frobnicator modules for widget encryption", as_of=DAY)
    assert result.status == "controlled"  # the entry's own (curated English) text confirms it
    assert result.candidates[0].reference.label() == "reference text (same number, correspondence doubtful, US CCL 15 CFR 774 Supp. 1 5A901)"


def test_packaged_reference_text_is_shown_for_english_descriptions(search):
    result = search.lookup("Francisella tularensis culture", as_of=DAY)
    assert result.status == "controlled" and codes(result, 1) == ["1C351.c.7"]
    ref = result.candidates[0].reference
    assert ref is not None and ref.en_code == "1C351.c.14" and ref.doubtful  # numbered differently in the CCL


def test_doubtful_entry_text_of_another_item_does_not_decide(search):
    # CCL 3C004 holds hydrides of P/As/Sb; China's 3C004 is indium items: a phosphine query is not decided by it
    result = search.lookup("phosphine gas, 99.9999% purity", as_of=DAY)
    assert result.status != "controlled" or not codes(result, 1)[0].startswith("3C004")


def test_reference_texts_are_packaged_with_coverage():
    refs = store.load_reference_texts()
    catalogue = {e.code for e in store.load_catalogue() if e.direction == "export"}
    assert len(refs) == 600
    assert len([c for c in catalogue if c in refs]) >= 530
    assert refs["3C004.b"].doubtful and refs["1C202.b"].correspondence == "same-code"


# --- screening uses the same classifier ----------------------------------------------------------


def _shipment(description: str, hs: str | None, consignee: str = "Ordinary Trading Co., Ltd.", country: str = "JP"):
    from dualuse.models.shipment import Shipment

    return Shipment.model_validate(
        {
            "id": "T-1", "date": "2026-03-02",
            "exporter": {"name": "包头金山磁材有限公司", "country": "CN"},
            "consignee": {"name": consignee, "country": country},
            "end_user": None, "intermediaries": [], "destination_country": country, "end_use": "magnet production",
            "lines": [{"line": 1, "description": description, "control_code": None, "hs_code": hs, "origin_country": "CN"}],
        }
    )


@pytest.fixture(scope="module")
def screener():
    from dualuse.decision.screen import Screener

    return Screener()


def test_hs_code_carries_to_prohibited_for_a_listed_end_user(screener):
    d = screener.screen(_shipment("金属镝 / Dysprosium metal", "2805301200", "三菱重工航空エンジン株式会社"))
    assert d.verdict == "PROHIBITED"
    item = d.lines[0].item
    assert item.status == "controlled" and item.control_code == "1C905.a.1" and item.source == "hs_code"
    assert "classified from the HS code" in item.explanation


def test_hs_code_not_confirmed_by_the_description_goes_to_review(screener):
    d = screener.screen(_shipment("Graphite powder 石墨粉", "2504101000"))  # natural flake line, but graphite powder may be artificial
    assert d.verdict == "REVIEW" and d.lines[0].item.status == "needs_classification"


def test_free_text_line_gets_the_classifier_status_and_reference(screener):
    d = screener.screen(_shipment("Francisella tularensis live culture", None))
    item = d.lines[0].item
    assert item.status == "controlled" and item.control_code == "1C351.c.7" and item.source == "description"
    assert item.reference_text and item.reference_text.startswith("reference text (same number")
    assert d.verdict == "LICENSE_REQUIRED"
    d = screener.screen(_shipment("UAV piston engine, 20 kW", None))
    assert d.lines[0].item.status == "controlled" and any("power_kw 20.0 > 16.0 kW: met" in c for c in d.lines[0].item.parameter_checks)


def test_everyday_line_is_not_controlled(screener):
    d = screener.screen(_shipment("チタン製メガネフレーム", None))
    assert d.lines[0].item.status == "not_controlled" and d.verdict == "NOT_CONTROLLED"


def test_decision_json_carries_reference_text(screener):
    d = screener.screen(_shipment("samarium-cobalt magnets", None))
    data = json.loads(d.model_dump_json())
    assert "reference_text" in data["lines"][0]["item"] and "confidence" in data["lines"][0]["item"]


# --- what only qualifies the item: declaration elements, quantity labels, compound junctions --------


def test_declaration_elements_are_split_from_the_goods_name():
    from dualuse.classification.declaration import split_elements

    # 品牌类型 3 and 出口享惠情况 0 are codes; 无品牌 / 无型号 are placeholders
    assert split_elements("金属镝 3|0|镝|纯度≥99.9%|块状|无品牌|无型号") == ("金属镝", "镝 纯度≥99.9% 块状")
    assert split_elements("钕铁硼磁体 0|0|品牌:JM|用途:电机") == ("钕铁硼磁体", "电机")
    assert split_elements("office chair, 5 pcs") == ("office chair, 5 pcs", "")
    assert split_elements("a|b") == ("a|b", "")  # one separator is not a list of elements


def test_a_declaration_elements_line_is_classified_by_its_name(search):
    result = search.lookup("金属镝 3|0|镝|纯度≥99.9%|块状|无品牌|无型号", as_of=DAY)
    assert result.status == "controlled" and codes(result, 1) == ["1C905.a.1"]
    # without the split the placeholders left the name below the confidence to decide
    bare = search.lookup("金属镝 3 0 镝 纯度≥99.9% 块状 无品牌 无型号", as_of=DAY)
    assert bare.status != "controlled"


def test_quantity_labels_name_the_parameter_not_the_item():
    q = parse_quantities("光纤陀螺 零偏稳定性0.01°/h")
    assert q.labels == ["零偏稳定性"] and q.text == "光纤陀螺"
    q = parse_quantities("bismuth ingot 99.99%, silver 50 ppm")
    assert q.labels == ["silver"]  # the first phrase is the item, never a label
    assert parse_quantities("冷間等方圧プレス 最高圧力200MPa 内径300mm").labels == ["最高圧力", "内径"]
    assert parse_quantities("UAV piston engine, 20 kW").labels == []


def test_a_compound_junction_is_no_word_of_its_own(search):
    # 光纤陀螺 = 光纤 + 陀螺: the bigram 纤陀 is in no entry and must not count against the gyroscope entries
    result = search.lookup("光纤陀螺 零偏稳定性0.01°/h", as_of=DAY)
    assert "7A102" in codes(result) and result.status == "controlled"  # drift rate 0.01 < 0.5 °/h (7A102)


def test_english_compound_words_name_their_element():
    from dualuse.classification.terminology import element_compound_forms, query_terms, term_elements

    assert "germanate" in element_compound_forms("germanium") and "carbide" in element_compound_forms("carbon")
    assert "nitrate" not in element_compound_forms("nitrogen")  # 硝酸 names no element
    assert "hydrate" not in element_compound_forms("hydrogen") and element_compound_forms("iron") == ()
    assert term_elements(query_terms("bismuth germanate (BGO) scintillation crystal")[1]) == {"铋", "锗"}
    assert term_elements(query_terms("silver nitrate")[1]) == {"银"}


def test_bismuth_germanate_in_english_finds_its_entry(search):
    result = search.lookup("bismuth germanate crystal", as_of=DAY)
    assert codes(result, 1) == ["6C001.b"]


def test_prefix_without_lines_cleared_only_by_a_description_that_matches_nothing(screener):
    # 732611 grinding balls: heading 7326 holds reference codes of 1B003, none sits under 732611
    from dualuse.classification.search import CatalogueSearch

    search = CatalogueSearch(store.load_catalogue())
    assert search.lookup("732611", as_of=DAY).status == "needs_parameters"  # the code alone cannot clear it
    d = screener.screen(_shipment("Iron or steel; grinding balls and similar articles, for mills", "732611"))
    assert d.lines[0].item.status == "not_controlled" and d.verdict == "NOT_CONTROLLED"
    assert "matches none of its heading's entries" in d.lines[0].item.explanation
    # a prefix under which entries sit stays in review with the same kind of description
    d = screener.screen(_shipment("Heterocyclic compounds; containing an unfused pyridine ring", "293339"))
    assert d.lines[0].item.status == "needs_classification"


# --- terminology translations: no penalty for a form no entry has, no claim for a junction -------


def test_chinese_junction_across_two_concept_words_makes_no_claim():
    from dualuse.classification.terminology import query_terms

    terms = query_terms("铪金属")[1]
    assert "^?zh:铪金" in terms  # 铪 | 金属: the bigram across the two words is weak and optional
    assert "?zh:金属" in terms and "el:铪" in terms
    assert "?zh:海绵" in terms  # 金属's synonym 海绵 is not written: it counts only where an entry has it


def test_hafnium_metal_in_chinese_is_1c231(search):
    found = search.lookup("铪金属", as_of=DAY)
    assert found.status == "controlled"
    assert codes(found, 1) == ["1C231"]
    assert found.candidates[0].score >= 0.7


def test_unknown_translation_does_not_lower_the_coverage(search):
    # "metal" bridges to 金属|海绵; no entry has 海绵, which must not weigh as an unknown word of the query
    found = search.lookup("rhenium metal pellets", as_of=DAY)
    assert codes(found, 1) == ["1C241"]
    assert found.candidates[0].score >= 0.7
    assert found.status == "needs_parameters" and "mass_kg" in found.needed


def test_element_plus_one_character_form_word_is_a_junction(search):
    # 锑锭 = 锑 (antimony) + 锭 (ingot): the unknown bigram makes no claim, 锭 and "ingot" count where an entry has them
    terms = search._description_terms("锑锭", search_parse("锑锭"))[1]
    assert "?zh:锑锭" in terms and "?zh:锭" in terms and "^en:ingot" in terms
    found = search.lookup("锑锭 99.65%", as_of=DAY)
    assert found.status == "controlled"
    assert "3C003.b" in codes(found)  # antimony metal and products (ingots ...), no purity threshold


def search_parse(text):
    return parse_quantities(text)


@pytest.mark.parametrize(
    "query, weak",
    [
        ("二甲胺 40%水溶液", ["^zh:水溶", "^zh:溶液"]),  # aqueous solution: how it is dissolved, not what it is
        ("hydrazine hydrate", ["^en:hydrate"]),  # water of crystallisation
        ("tungsten trioxide, yellow", ["^en:yellow"]),  # appearance
    ],
)
def test_form_and_appearance_words_weigh_as_form_words(query, weak):
    from dualuse.classification.terminology import query_terms

    terms = query_terms(query)[1]
    assert all(w in terms for w in weak)


def test_dimethylamine_solution_is_1c450(search):
    found = search.lookup("二甲胺 40%水溶液", as_of=DAY)
    assert found.status == "controlled" and codes(found, 1) == ["1C450.c.24"]
    found = search.lookup("tungsten trioxide, yellow", as_of=DAY)
    assert found.status == "controlled" and codes(found, 1) == ["1C117.d.2"]


def test_katakana_name_partly_explained_by_the_terminology_is_also_read_whole(search):
    from dualuse.classification.terminology import katakana_english, query_terms

    assert katakana_english("ジイソプロピルアミン") == "diisopropylamine"
    assert "?en:diisopropylamine" in query_terms("ジイソプロピルアミン")[1]  # イソプロピル and アミン are terminology parts
    assert "?en:tritium" in query_terms("トリチウム")[1]
    found = search.lookup("ジイソプロピルアミン", as_of=DAY)
    assert codes(found, 1) == ["1C350.h"]  # 二异丙胺 (CAS 108-18-9), whose reference text names diisopropylamine


def test_katakana_goods_word_counts_only_at_the_end_of_a_loanword(search):
    reader = search.goods
    assert reader.evidence("フィラメントワインディング装置") is None  # ワイン (wine) is the start of ワインディング (winding)
    assert reader.evidence("オフィスチェア").heading == "9401"  # チェア closes the loanword: a seat
    found = search.lookup("フィラメントワインディング装置", as_of=DAY)
    assert found.status == "needs_parameters" and codes(found, 1) == ["1B201.a"]


@pytest.mark.parametrize(
    "text, value",
    [("dislocation density 20 per cm2", 20.0), ("位错密度80个/平方厘米", 80.0), ("EPD 5000 cm-2", 5000.0), ("位错密度0.3/mm²", 30.0)],
)
def test_dislocation_density_units(text, value):
    q = parse_quantities(text)
    assert len(q.quantities) == 1
    got = q.quantities[0]
    assert convert(got.value, got.unit, "per cm2") == pytest.approx(value)


def test_indium_antimonide_single_crystal_on_both_sides_of_50_per_cm2(search):
    # 3C003.f (Announcement 2024 No. 33): single crystal with dislocation density below 50 per cm2
    below = search.lookup("indium antimonide single crystal wafer, dislocation density 20 per cm2", as_of=DAY)
    assert below.status == "controlled" and codes(below, 1) == ["3C003.f"]
    above = search.lookup("indium antimonide single crystal, dislocation density 80 per cm2", as_of=DAY)
    assert above.status != "controlled"
    assert any("80.0 < 50.0 per cm2: not met" in c for c in above.candidates[0].checks)


@pytest.mark.parametrize("text", ["漂移率 0.3 º/h", "0.3 deg/h", "0.3 degrees per hour", "bias 0.3 degrees/hour", "零偏稳定性0.3度/小时", "0.3°/hr"])
def test_drift_rate_spellings(text):
    q = parse_quantities(text)
    assert [(x.value, x.unit) for x in q.quantities] == [(0.3, "°/h")]


def test_reference_thresholds_skip_qualifiers_system_range_and_g_levels():
    from dualuse.refdata.build.thresholds import chinese_numbers, english_thresholds

    text = (
        "a. All types of gyros, usable in rockets, missiles, or unmanned aerial vehicles capable of achieving a “range” equal to "
        "or greater than 300 km, with a rated “drift rate” ‘stability’ of less than 0.5 degrees (1 sigma or rms) per hour in a "
        "1 g environment. b. Gyros of any type ... specified to function at acceleration levels greater than 100 g."
    )
    assert [(op, v, u) for op, v, u, _, _ in english_thresholds(text)] == [("<", 0.5, "°/h")]
    assert (0.5, "°/h") in chinese_numbers("额定“漂移率”小于 0.5 º/h 的陀螺仪")  # º, not °: read before NFKC


def test_gyroscope_drift_rate_on_both_sides_of_0_5_deg_per_hour(search):
    # 7A102 (2026 catalogue): gyros with a rated drift rate below 0.5 °/h
    assert search.lookup("fibre optic gyroscope, bias drift 0.01°/h", as_of=DAY).status == "controlled"
    assert search.lookup("光纤陀螺 零偏稳定性0.01度/小时", as_of=DAY).status == "controlled"
    above = search.lookup("MEMS gyroscope, drift rate 10°/h", as_of=DAY)
    assert above.status == "not_controlled"
    assert any("10.0 < 0.5" in c and "not met" in c for c in above.candidates[0].checks)


def test_japanese_element_before_acid_forms_the_chinese_compound_name(search):
    from dualuse.classification.terminology import query_terms

    assert "zh:锗酸" in query_terms("ゲルマニウム酸ビスマス結晶")[1]  # ゲルマニウム酸 = 锗酸 (germanate)
    found = search.lookup("ゲルマニウム酸ビスマス結晶", as_of=DAY)
    assert found.status == "controlled" and codes(found, 1) == ["6C001.b"]  # bismuth germanate (BGO)


def test_entry_the_query_names_goes_before_a_neighbour_whose_excerpt_bled_in(search):
    # 7A101 (加速度计) has 7A102's gyroscope text in its extracted excerpt; the query names 陀螺仪 (gyroscope)
    found = search.lookup("光ファイバジャイロ バイアス安定性0.01°/h", as_of=DAY)
    assert codes(found, 2) == ["7A102", "7A101"]
    assert found.status == "controlled"
    assert found.candidates[0].score < found.candidates[1].score  # named first although it covers less


def test_goods_words_of_the_stated_purpose_do_not_clear_the_item(search):
    # the item is spherical graphite (1C108.c); "lithium-ion battery" only says where it goes
    found = search.lookup("spherical graphite for lithium-ion battery anodes", as_of=DAY)
    assert found.status == "controlled" and codes(found, 1) == ["1C108.c"] and found.goods is None
    # goods named as the item are still cleared, whatever the purpose
    toy = search.lookup("drone toy for kids", as_of=DAY)
    assert toy.status == "not_controlled" and toy.goods is not None and toy.goods.heading == "9503"


def test_four_digit_heading_gives_the_entries_under_it(search):
    titanium = search.lookup("8108", as_of=DAY)  # HS 8108 titanium: 1C202.b (titanium alloy) lists lines under 8108.90
    assert titanium.kind == "hs_code" and titanium.status == "needs_parameters"
    assert "1C202.b" in [c.code for c in titanium.candidates]
    seats = search.lookup("9401", as_of=DAY)  # seats: no entry sits under the heading
    assert seats.kind == "hs_code" and seats.status == "not_controlled"


def test_element_printed_in_the_own_text_agrees_when_the_name_is_untrusted(search):
    # 1C450.c.14 亚硫酰氯 (thionyl chloride): no trusted name, but its own text prints 氯 (chlorine)
    found = search.lookup("thionyl chloride", as_of=DAY)
    assert found.status == "controlled" and codes(found, 1) == ["1C450.c.14"]
    assert search.lookup("table salt, sodium chloride", as_of=DAY).status == "not_controlled"


def test_press_is_not_read_as_a_cubic_press(search):
    from dualuse.classification.terminology import query_terms

    terms = query_terms("冷間等方圧プレス")[1]
    assert "?zh:压机" in terms and not any("六面" in t for t in terms)
    found = search.lookup("冷間等方圧プレス 最高圧力200MPa 内径300mm", as_of=DAY)
    assert found.status == "controlled" and codes(found, 1) == ["2B204.a"]  # >= 69 MPa, chamber > 152 mm
    assert codes(search.lookup("cubic press", as_of=DAY), 1) == ["2A901.a"]
