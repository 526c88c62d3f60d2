"""External lists (FollowTheMoney, US CSL), related parties, units, readings and legal forms."""

from __future__ import annotations

import json

import pytest

from dualuse.matching.analyze import analyze
from dualuse.matching.matcher import Matcher
from dualuse.refdata import store
from dualuse.refdata.external import ExternalListError, load_csl, load_ftm, load_list

FTM = [
    {
        "id": "NK-roe",
        "schema": "Company",
        "caption": "Rosoboronexport",
        "properties": {"name": ["Rosoboronexport", "АО Рособоронэкспорт"], "alias": ["ROE"], "country": ["ru"]},
        "datasets": ["us_ofac_sdn"],
    },
    {
        "id": "NK-hik",
        "schema": "Company",
        "properties": {"name": ["Hangzhou Hikvision Digital Technology Co., Ltd."], "alias": ["杭州海康威视数字技术股份有限公司"], "country": ["cn"]},
        "datasets": ["us_ofac_sdn"],
    },
]
CSL = (
    "_id,source,name,alt_names,addresses,citizenships\n"
    "e1,Entity List (EL) - Bureau of Industry and Security,Beijing Institute of Technology,BIT; 北京理工大学,\"5 South Zhongguancun Street, Beijing, CN\",\n"
    "e2,Specially Designated Nationals (SDN) - Treasury Department,Acme Shipping LLC,,\"Dubai, AE\",\n"
)


@pytest.fixture(scope="module")
def external(tmp_path_factory):
    folder = tmp_path_factory.mktemp("lists")
    ftm = folder / "sdn.jsonl"
    ftm.write_text("\n".join(json.dumps(e, ensure_ascii=False) for e in FTM) + "\n", encoding="utf-8")
    csl = folder / "csl.csv"
    csl.write_text(CSL, encoding="utf-8")
    return load_ftm(ftm), load_csl(csl)


@pytest.fixture(scope="module")
def matcher(external) -> Matcher:
    records = [r for loaded in external for r in loaded.records]
    return Matcher(store.load_entries(), records=records, external={loaded.meta.id: loaded.meta for loaded in external})


def test_ftm_entities_are_read_with_all_names(external):
    ftm, _ = external
    assert ftm.meta.id == "OS-US-OFAC-SDN"
    roe = next(r for r in ftm.records if r.id == "NK-roe")
    assert roe.forms == (("Rosoboronexport", "primary"), ("АО Рособоронэкспорт", "alias"), ("ROE", "alias"))
    assert roe.countries == ("RU",)


def test_csl_rows_are_read_with_aliases_and_countries(external):
    _, csl = external
    bit = csl.records[0]
    assert (bit.id, bit.list, bit.name) == ("US-CSL:e1", "US-CSL", "Beijing Institute of Technology")
    assert ("北京理工大学", "alias") in bit.forms and bit.countries == ("CN",)


def test_external_lists_match_across_scripts_and_legal_forms(matcher):
    hik = matcher.match("杭州海康威视数字技术有限公司")[0]
    assert (hik.entry.list, hik.entry.name, hik.decision) == ("OS-US-OFAC-SDN", "Hangzhou Hikvision Digital Technology Co., Ltd.", "match")
    assert hik.entry.legal_source.citation.startswith("OS-US-OFAC-SDN")
    # JSC and Cyrillic АО are legal forms from rigour's table
    assert matcher.match("ROSOBORONEXPORT JSC")[0].entry.id == "NK-roe"
    assert matcher.match("Рособоронэкспорт")[0].entry.id == "NK-roe"
    assert matcher.match("北京理工大学", lists=["US-CSL"])[0].entry.id == "US-CSL:e1"


def test_bad_list_files_name_the_line(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x", "properties": {"name": ["A"]}}\nnot json\n', encoding="utf-8")
    with pytest.raises(ExternalListError, match=r"bad.jsonl: line 2: not JSON"):
        load_ftm(bad)
    nameless = tmp_path / "nameless.jsonl"
    nameless.write_text('{"id": "x", "properties": {}}\n', encoding="utf-8")
    with pytest.raises(ExternalListError, match="line 1: entity 'x' has no name"):
        load_list(nameless)
    csl = tmp_path / "csl.csv"
    csl.write_text("_id,title\n1,x\n", encoding="utf-8")
    with pytest.raises(ExternalListError, match="no 'name' column"):
        load_csl(csl)


def test_parent_and_subsidiaries_come_back_as_related_never_as_match(matcher):
    results = matcher.match("Mitsubishi Heavy Industries, Ltd.", limit=3)
    matches = [(r.entry.list, r.entry.name) for r in results if r.decision == "match"]
    related = {r.entry.name for r in results if r.decision == "related"}
    assert matches == [("JP-DEF", "Mitsubishi Heavy Industries, Ltd.")]
    assert "Mitsubishi Heavy Industries Aero Engines, Ltd." in related
    listed = matcher.match("IHI Aerospace Co., Ltd.")
    assert [(r.entry.name, r.decision, r.relation) for r in listed if r.decision == "related"] == [("IHI Corporation", "related", "parent")]
    assert "parent organisation" in next(r for r in listed if r.decision == "related").explanation()


def test_an_unlisted_unit_of_a_military_organisation_is_that_organisation(matcher):
    result = matcher.match("JASDF 2nd Air Wing, Chitose Air Base")[0]
    assert (result.entry.name, result.decision, result.unit_of) == ("Japan Air Self-Defense Force", "match", "2nd air wing")
    assert "a unit of" in result.explanation()
    assert matcher.match("SDF Foods Co., Ltd.") == []  # a three-letter alias alone names nothing


def test_generated_romaji_and_pinyin_readings_are_matched(matcher):
    engine = matcher.match("Mitsubishi Jukou Koukuu Enjin")[0]
    assert engine.entry.name == "Mitsubishi Heavy Industries Aero Engines, Ltd." and engine.decision == "match"
    aidc = matcher.match("Hanxiang Hangkong Gongye")
    assert aidc and aidc[0].entry.name == "Aerospace Industrial Development Corp."


def test_cyrillic_hangul_and_greek_words_are_transliterated_tokens():
    # other alphabets are compared in Latin transliteration, legal forms set aside in either script
    assert [t.text for t in analyze("ОАО Рособоронэкспорт")[0].tokens] == ["rosoboroneksport"]
    assert [t.text for t in analyze("주식회사 한화")[0].tokens] == ["한화"]  # Hangul kept, the legal form set aside
    assert [t.text for t in analyze("Société Générale S.A.")[0].tokens] == ["societe", "generale"]
