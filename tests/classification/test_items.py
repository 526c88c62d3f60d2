"""Item classification (issue 5): codes, hierarchy, HS lookups, descriptions, parameters.

All tests use the packaged control list (2026 catalogue + curated item
announcements) and real values from the announcements.
"""

from __future__ import annotations

import datetime as dt

import pytest

from dualuse.classification.codes import covers, describe, is_code, normalise_code, parent_codes
from dualuse.classification.items import Catalogue
from dualuse.classification.parameters import evaluate, parse_quantities
from dualuse.classification.search import CatalogueSearch, hs_digits, query_terms
from dualuse.refdata import store

DAY = dt.date(2026, 3, 2)  # inside the No. 70 suspension (2025-11-07 .. 2026-11-10)
AFTER = dt.date(2026, 11, 20)


@pytest.fixture(scope="module")
def entries():
    return store.load_catalogue()


@pytest.fixture(scope="module")
def search(entries):
    return CatalogueSearch(entries)


@pytest.fixture(scope="module")
def catalogue(entries):
    return Catalogue(entries)


def codes(lookup, n=3):
    return [c.code for c in lookup.candidates[:n]]


# --- control codes: normalisation and hierarchy --------------------------------------


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("1c902 a 1", "1C902.a.1"),
        ("1C902.A.1", "1C902.a.1"),
        ("１Ｃ９０２", "1C902"),
        ("1C908．a．2．e", "1C908.a.2.e"),
        ("管制编码：1C906.a.3", "1C906.a.3"),
        ("3c004.b", "3C004.b"),
    ],
)
def test_code_normalisation(raw, code):
    assert normalise_code(raw) == code
    assert is_code(raw)


def test_not_codes():
    assert normalise_code("2805301910") is None
    assert not is_code("金属钐")
    assert not is_code("1C902 samarium metal")


def test_hierarchy_category_and_type(entries):
    assert parent_codes("1C902.a.1") == ["1C902.a", "1C902"]
    assert covers("1C902", "1C902.a.1") and covers("1C902.a", "1C902.a.1")
    assert not covers("1C902.a", "1C902.b") and not covers("1C90", "1C902")
    by_code = {e.code: e for e in entries}
    sm = by_code["1C902.a.1"]
    assert (sm.category, sm.item_type) == ("1", "C")
    assert describe("2B901").startswith("test, inspection and production equipment")
    assert "钐相关物项" in sm.family_zh


def test_parent_code_covers_its_sub_items(search):
    result = search.lookup("1C904", as_of=DAY)
    assert result.status == "controlled"
    assert {c.code for c in result.candidates} <= {e.code for e in store.load_catalogue() if e.code.startswith("1C904")}
    assert all(c.code.startswith("1C904.") for c in result.candidates)


def test_code_not_on_the_chinese_list(search):
    result = search.lookup("3A001", as_of=DAY)  # Wassenaar code with no Chinese counterpart
    assert result.status == "not_controlled" and not result.candidates


def test_suspended_announcement_items_are_recognised_and_dated(search, entries):
    ho = next(e for e in entries if e.code == "1C909")
    assert not ho.in_catalogue and ho.announcement.citation == "MOFCOM/GAC Announcement 2025 No. 57"
    assert ho.status_on(dt.date(2025, 10, 20)) == "not_yet_in_force"
    assert ho.status_on(DAY) == "suspended"
    assert ho.status_on(AFTER) == "in_force"
    assert search.lookup("1C909", as_of=DAY).status == "not_controlled"
    assert search.lookup("1C909", as_of=AFTER).status == "controlled"
    diamond = search.lookup("2C902.a", as_of=DAY)
    assert diamond.status == "not_controlled" and diamond.candidates[0].status_on_date == "suspended"


def test_declared_suspended_code_on_a_shipment_line(catalogue):
    result = catalogue.classify("2C902.a", None, DAY)
    assert result.status == "not_controlled" and "suspended" in result.explanation
    assert catalogue.classify("2C902.a", None, AFTER).status == "controlled"


# --- HS codes ------------------------------------------------------------------------


def test_hs_forms():
    assert hs_digits("2846.90.1500") == "2846901500"
    assert hs_digits("8110.10") == "811010"
    assert hs_digits("HS 2805301300") == "2805301300"
    assert hs_digits("金属钐") is None


def test_hs_exact_single_entry_without_thresholds(search):
    result = search.lookup("2805301300", as_of=DAY)  # terbium metal
    assert result.status == "controlled" and codes(result, 1) == ["1C904.a.1"]


def test_hs_exact_shared_by_several_entries(search):
    result = search.lookup("2805301910", as_of=DAY)  # Sm, Gd, Lu metal share the line
    assert result.status == "needs_parameters"
    assert {"1C902.a.1", "1C903.a.1", "1C906.a.1"} <= {c.code for c in result.candidates}


def test_hs_exact_not_listed(search):
    assert search.lookup("2805301100", as_of=DAY).status == "not_controlled"  # neodymium metal
    assert search.lookup("6109100000", as_of=DAY).status == "not_controlled"


def test_hs_prefixes_give_candidates(search):
    rare_earth_metals = search.lookup("280530", as_of=DAY)
    assert rare_earth_metals.status == "needs_parameters"
    assert {c.code[:5] for c in rare_earth_metals.candidates} >= {"1C902", "1C903", "1C904"}
    oxides = search.lookup("28469019", as_of=DAY)
    assert oxides.status == "needs_parameters" and all(c.code.endswith(".b") for c in oxides.candidates[:3])
    antimony = search.lookup("8110.10", as_of=DAY)  # all antimony metal and powder is listed (3C003)
    assert antimony.status == "controlled" and "3C003.b" in codes(antimony)


def test_hs_prefix_without_catalogue_lines_uses_the_hs_description(search):
    magnets = search.lookup("8505.11", as_of=DAY)
    assert magnets.status == "needs_parameters"
    assert {"1C902.a.4", "1C904.a.4", "1C905.a.4"} & set(codes(magnets))
    assert search.lookup("940171", as_of=DAY).status == "not_controlled"  # office chairs


def test_hs_codes_reconciled_to_their_row(entries):
    by_code = {e.code: e for e in entries}
    assert "2811111000" in by_code["1C350.a"].hs_codes and "2811111000" not in by_code["1C241"].hs_codes
    assert "2846901500" in by_code["1C905.b"].hs_codes
    assert any(f.startswith("hs_moved_from_previous_row: 2846901500") for f in by_code["1C905.b"].quality_flags)


# --- descriptions --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "code", "status"),
    [
        ("サマリウムコバルト磁石", "1C902.a.4", "controlled"),
        ("金属钐", "1C902.a.1", "controlled"),
        ("spherical graphite for battery anodes", "1C108.c", "controlled"),
        ("酸化ガドリニウム", "1C903.b", "controlled"),
        ("Terfenol-D (Tb-Dy-Fe) magnetostrictive rod", "1C905.a.2.b", "controlled"),
        ("graphite electrode", "1C108", "needs_parameters"),
    ],
)
def test_descriptions_in_three_languages(search, query, code, status):
    result = search.lookup(query, as_of=DAY)
    assert result.status == status
    assert any(c == code or c.startswith(code + ".") for c in codes(result))


@pytest.mark.parametrize("query", ["冷冻带鱼", "cotton T-shirts", "ステンレス製の鍋", "氧化镧 99.99%", "含氧化镓的荧光粉"])
def test_unlisted_descriptions(search, query):
    assert search.lookup(query, as_of=DAY).status == "not_controlled"


def test_japanese_katakana_is_romanised_and_kanji_folded():
    lang, terms = query_terms("酸化ガドリニウム")
    assert lang == "ja"
    # terminology words count where some entry has them ("?"), as in Chinese
    bare = {t.lstrip("?~^") for t in terms}
    assert "en:gadolinium" in bare and "zh:氧化" in bare


def test_empty_query_is_an_error(search):
    with pytest.raises(ValueError, match="empty"):
        search.lookup("  ")


# --- technical parameters: both sides of each line ---------------------------------------


def test_parse_quantities():
    q = parse_quantities("无人机 续航60分钟")
    assert [(x.value, x.unit) for x in q.quantities] == [(60.0, "min")]
    q = parse_quantities("fixed-wing drone, 2 h endurance, controlled beyond visual line of sight")
    assert q.flags == {"bvlos": True} and q.quantities[0].unit == "h"
    assert parse_quantities("gallium 6N").named == {"purity_percent": 99.9999}
    assert parse_quantities("W80Cu20 150×150×60mm").quantities[0].dims == (150.0, 150.0, 60.0)


@pytest.mark.parametrize(
    ("params", "result"),
    [
        ({"purity_percent": 99.95, "flexural_strength_mpa": 35, "density_g_cm3": 1.80}, "met"),
        ({"purity_percent": 99.9, "flexural_strength_mpa": 35, "density_g_cm3": 1.80}, "not_met"),  # "> 99.9%": 99.9 is not
        ({"purity_percent": 99.95}, "unknown"),
        ({"purity_percent": "99.95%", "flexural_strength_mpa": "35", "density_g_cm3": "1.74"}, "met"),
    ],
)
def test_graphite_thresholds(entries, params, result):
    graphite = next(e for e in entries if e.code == "1C108.b")  # 2023 graphite notice: >99.9%, >30 MPa, >1.73 g/cm3
    assert evaluate(graphite.parameters, params).result == result


def test_cubic_press_alternatives(entries):
    press = next(e for e in entries if e.code == "2B901")  # bore >= 500 mm OR design pressure >= 5 GPa
    assert evaluate(press.parameters, {"bore_mm": 500}).result == "met"
    assert evaluate(press.parameters, {"bore_mm": 499, "pressure_gpa": 4.9}).result == "not_met"
    assert evaluate(press.parameters, {"bore_mm": 499}).result == "unknown"
    assert evaluate(press.parameters, {"pressure_gpa": 5.0}).result == "met"


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("counter-drone RF jammer, 8 km jamming range", "controlled"),  # > 5 km
        ("counter-drone RF jammer, 4 km jamming range", "not_controlled"),
        ("counter-drone RF jammer", "needs_parameters"),
        ("铜蒸气激光器 平均输出功率50瓦", "controlled"),  # >= 40 W
        ("铜蒸气激光器 平均输出功率30瓦", "not_controlled"),
        ("fixed-wing drone, 2 h endurance, controlled beyond visual line of sight", "controlled"),
        ("无人机 续航60分钟", "needs_parameters"),  # BVLOS not stated
        ("antimony trioxide 99.995%", "controlled"),  # 3C003.c >= 99.99%
        ("antimony trioxide 99.5%", "not_controlled"),  # fails 3C003.c (flame-retardant grade is not listed)
        ("NdFeB magnet N35, dysprosium-free and terbium-free", "not_controlled"),
    ],
)
def test_descriptions_decided_by_their_numbers(search, query, status):
    assert search.lookup(query, as_of=DAY).status == status


def test_line_parameters_decide_a_declared_code(catalogue):
    ok = catalogue.classify("1C108.b", None, DAY, parameters={"purity_percent": 99.95, "flexural_strength_mpa": 40, "density_g_cm3": 1.85})
    assert ok.status == "controlled" and any("met" in c for c in ok.parameter_checks)
    below = catalogue.classify("1C108.b", None, DAY, parameters={"purity_percent": 99.5, "flexural_strength_mpa": 40, "density_g_cm3": 1.85})
    assert below.status == "not_controlled" and "fail" in below.explanation


def test_undeclared_code_needs_parameters_or_review(catalogue, search):
    result = catalogue.classify(None, "2504101000", DAY, description="Graphite powder 石墨粉", search=search)
    assert result.status == "needs_classification" and "1C108.c" in result.explanation
    jammer = catalogue.classify(None, None, DAY, description="counter-drone RF jammer", search=search)
    assert jammer.status == "needs_classification" and "range_km" in jammer.parameters_needed
    decided = catalogue.classify(None, None, DAY, description="counter-drone RF jammer", parameters={"range_km": 8}, search=search)
    assert decided.status == "controlled" and decided.code == "0A903.a"


# --- descriptions that only restate a tariff heading (issue 16: a workable review queue) -----------


def test_a_description_restating_the_declared_hs_code_adds_no_evidence(search, entries):
    catalogue = Catalogue(entries)
    # 8540899090 is not a reference code; its tariff wording is that of 854089, where 6A202's reference code 8540890010 sits
    assert search.restates_hs("Valves and tubes; n.e.c. in heading no. 8540", "8540899090")
    result = catalogue.classify(None, "8540899090", DAY, "Valves and tubes; n.e.c. in heading no. 8540", search=search)
    assert result.status == "not_controlled"
    # a description naming a listed item is still evidence, whatever HS code is declared
    assert not search.restates_hs("金属镝 Dysprosium metal", "8505111000")
    named = catalogue.classify(None, "8505111000", DAY, "Dysprosium metal, purity 99.9%", search=search)
    assert named.status == "controlled" and named.entries[0].code == "1C905.a.1" and "from the description" in named.explanation
    # the reference code itself still needs classification, whatever the description says
    assert catalogue.classify(None, "8540890010", DAY, "Valves and tubes; n.e.c. in heading no. 8540", search=search).status != "not_controlled"


def test_a_description_that_is_a_tariff_wording_is_classified_as_that_subheading(search, entries):
    catalogue = Catalogue(entries)
    assert search.tariff_code_of("Paper and paperboard; cartons, boxes and cases, of corrugated paper or paperboard") == "481910"
    assert search.tariff_code_of("corrugated boxes for shoes") is None
    packing = catalogue.classify(None, None, DAY, "Paper and paperboard; cartons, boxes and cases, of corrugated paper or paperboard", search=search)
    assert packing.status == "not_controlled"
    # a subheading that is itself a whole reference code of a listed item: classified from that code
    scrap = catalogue.classify(None, None, DAY, "Antimony; waste and scrap", search=search)
    assert scrap.status == "controlled" and scrap.code == "3C003.b" and "from the HS code" in scrap.explanation
    # a description that matches nothing and is no tariff wording still cannot clear an item
    assert catalogue.classify(None, None, DAY, "assorted goods", search=search).status == "needs_classification"


def test_the_subheading_s_own_tariff_wording_clears_a_heading_only_code(search, catalogue):
    hs6 = store.load_hs6()
    # 850151 holds no entry's line; its heading 8501 holds 3A225 and 9A012.b: the subheading's wording names other goods
    motors = catalogue.classify(None, "85015100", DAY, hs6["850151"], search=search)
    assert motors.status == "not_controlled" and "tariff wording of subheading 850151" in motors.explanation
    # only the heading's wording: it covers the listed entries too, so the line stays in review
    assert catalogue.classify(None, "85015100", DAY, hs6["8501"], search=search).status == "needs_classification"
    # words of its own beyond the tariff text (a parameter of 3A225) keep it in review
    assert catalogue.classify(None, "85015100", DAY, hs6["850151"] + ", frequency changer 600 Hz", search=search).status == "needs_classification"
    # a subheading that is an entry's reference code is never cleared by its wording
    assert catalogue.classify(None, "85013400", DAY, hs6["850134"], search=search).status == "needs_classification"
