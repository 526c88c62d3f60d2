"""The converter and the packaged data it produced.

Tests marked ``needs_shared`` rebuild from ``../shared/data`` and are skipped
when that directory is absent; the others read the packaged data only.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import shutil
from pathlib import Path

import pytest

from dualuse.models.reference import LEGAL_LISTS
from dualuse.refdata import store
from dualuse.refdata.build import BuildError, build
from dualuse.refdata.build.catalogue import fragment_reasons, normalise_code
from dualuse.refdata.build.names import dedupe, detect_lang, parse_alias
from dualuse.models.reference import NameForm

REPO = Path(__file__).resolve().parents[2]
SHARED = (REPO / ".." / "shared" / "data").resolve()
CURATED = REPO / "data-sources" / "curated"
PACKAGE_DATA = REPO / "src" / "dualuse" / "data"
needs_shared = pytest.mark.skipif(not SHARED.exists(), reason="../shared/data is not available")

D = dt.date


@pytest.fixture(autouse=True)
def _no_env_override(monkeypatch):
    monkeypatch.delenv(store.ENV_VAR, raising=False)
    store.clear_cache()
    yield
    store.clear_cache()


def by_id():
    return store.entries_by_id()


# ---------------------------------------------------------------------------
# packaged data


def test_list_counts():
    counts: dict[str, int] = {}
    for e in store.load_entries():
        counts[e.list] = counts.get(e.list, 0) + 1
    assert counts == {
        "CN-ECL": 152,
        "CN-WL": 40,
        "CN-UEL": 66,
        "CN-AFSL": 17,  # 12 from the snapshot + 3 MFA persons + 2 banks of Order 2025 No. 5 (official_listings.yaml)
        "JP-MIL": 85,
        "JP-DEF": 50,
        "US-MIL": 48,
    }
    assert sum(counts[k] for k in LEGAL_LISTS) == 275


def test_lists_json_matches_entries():
    infos = {i.id: i for i in store.load_lists()}
    assert list(infos) == ["CN-ECL", "CN-WL", "CN-UEL", "CN-AFSL", "JP-MIL", "JP-DEF", "US-MIL"]
    assert infos["CN-ECL"].entries == 152
    assert infos["CN-ECL"].name_zh == "出口管制管控名单"
    assert infos["CN-ECL"].latest_announcement == "MOFCOM Announcement 2026 No. 30"
    assert infos["CN-ECL"].latest_date == D(2026, 7, 24)
    assert infos["CN-WL"].latest_announcement == "MOFCOM Announcement 2026 No. 28"
    assert infos["CN-UEL"].latest_announcement == "UEL Working Mechanism Announcement 2025 No. 10"
    assert infos["CN-AFSL"].name_zh == "反制清单"
    assert infos["JP-MIL"].name_zh == "日本军事用户（参考）"
    assert infos["JP-DEF"].name_zh == "日本防务产业（参考）"
    assert infos["US-MIL"].name_zh == "美国军事用户（参考）"
    for list_id in LEGAL_LISTS:
        assert infos[list_id].data_date == D(2026, 8, 5)
    assert infos["JP-MIL"].data_date == infos["JP-DEF"].data_date == D(2026, 11, 29)


def test_suspended_entry_dates_and_interval():
    e = by_id()["CN-ECL:MOFCOM-2025-21:1"]
    assert e.name == "Universal Logistics Holdings, Inc."
    assert e.published == e.effective == D(2025, 4, 4)
    assert e.legal_source.citation == "MOFCOM Announcement 2025 No. 21"
    assert e.legal_source.articles == [
        "Export Control Law Art. 18",
        "Regulations on Export Control of Dual-Use Items Arts. 28-29",
    ]
    [iv] = e.status_intervals
    assert (iv.status, iv.start, iv.end) == ("suspended", D(2025, 11, 10), D(2026, 11, 10))
    assert iv.source_url.startswith("https://www.mofcom.gov.cn/")
    assert e.status_on(D(2025, 4, 3)) == "not_yet_listed"
    assert e.status_on(D(2025, 11, 9)) == "in_force"
    assert e.status_on(D(2026, 11, 9)) == "suspended"
    assert e.status_on(D(2026, 11, 10)) == "in_force"


def test_stopped_entry_is_open_ended():
    e = by_id()["CN-ECL:MOFCOM-2025-22:1"]
    [iv] = e.status_intervals
    assert (iv.status, iv.start, iv.end) == ("stopped", D(2025, 8, 12), None)
    assert e.status_on(D(2030, 1, 1)) == "stopped"


def test_regime_numbered_instruments():
    entries = by_id()
    tw = entries["CN-ECL:MOFCOM-2025-TW:1"]
    assert tw.legal_source.citation == "MOFCOM Announcement 2025 No. 35"
    assert "regime.md" in tw.notes
    assert entries["CN-UEL:UEL-2025-1009:1"].legal_source.citation == "UEL Working Mechanism Announcement 2025 No. 10"
    assert entries["CN-UEL:UEL-2025-0204:1"].legal_source.citation == "UEL Working Mechanism Announcement of 2025-02-04"
    # the snapshot prints only "商务部决定（2026-08-05）"; its URL is Order 2026 No. 3's (knowledge.yaml)
    compliance = entries["CN-AFSL:ORDER-2026-0805b:1"].legal_source
    assert (compliance.citation, compliance.kind, compliance.number, compliance.title_zh) == ("MOFCOM Order 2026 No. 3", "order", 3, "商务部令2026年第3号")
    assert "knowledge.yaml" in entries["CN-AFSL:ORDER-2026-0805b:1"].notes
    assert entries["CN-AFSL:ORDER-2025-6:1"].legal_source.citation == "MOFCOM Order 2025 No. 6"
    assert entries["CN-AFSL:ORDER-2025-6:1"].legal_source.articles == ["Anti-Foreign Sanctions Law Arts. 4-6, 15"]
    assert entries["CN-WL:MOFCOM-2026-12:1"].legal_source.articles == ["Regulations on Export Control of Dual-Use Items Art. 26"]


def test_japanese_entry_names_and_relations():
    e = by_id()["CN-ECL:MOFCOM-2026-11:19"]
    forms = {(f.kind, f.value, f.lang) for f in e.names}
    assert ("primary", "National Defense Academy of Japan", "en") in forms
    assert ("annex_zh", "防卫大学", "zh-Hans") in forms
    assert ("official_ja", "防衛大学校", "ja") in forms
    assert ("kana", "ぼうえいだいがっこう", "ja-Kana") in forms
    assert ("romaji", "Boei Daigakko", "ja-Latn") in forms
    rels = {(r.relation, r.target_id) for r in e.relations}
    assert ("same_as", "JP-MIL:jp_nda") in rels
    assert ("parent", "JP-MIL:jp_mod") in rels
    assert e.countries == ["JP"]


def test_former_names_and_parents():
    entries = by_id()
    subaru = entries["CN-WL:MOFCOM-2026-12:1"]
    assert {(f.kind, f.value) for f in subaru.names} >= {("former", "富士重工業"), ("former", "Fuji Heavy Industries")}
    mhi_ship = entries["CN-ECL:MOFCOM-2026-11:1"]
    assert [(r.relation, r.target_id) for r in mhi_ship.relations] == [("parent", "JP-DEF:mhi")]
    mhi = entries["JP-DEF:mhi"]
    assert ("subsidiary", "CN-ECL:MOFCOM-2026-11:1") in {(r.relation, r.target_id) for r in mhi.relations}
    assert mhi.category == "parent_of_listed"


def test_no_duplicate_name_forms():
    for e in store.load_entries():
        keys = [re.sub(r"\s+", " ", f.value).casefold() for f in e.names]
        assert len(keys) == len(set(keys)), e.id


def test_jp_military_users():
    entries = by_id()
    jp = [e for e in store.load_entries() if e.list == "JP-MIL"]
    assert len(jp) == 85
    assert entries["JP-MIL:jp_jcg"].military_user is False
    assert all(e.military_user for e in jp if e.id != "JP-MIL:jp_jcg")
    nda = entries["JP-MIL:jp_nda"]
    assert nda.legal_source.citation == "MOFCOM Announcement 2026 No. 1"
    assert nda.legal_source.articles == []
    assert nda.effective is None and nda.published == D(2026, 11, 29)
    assert ("same_as", "CN-ECL:MOFCOM-2026-11:19") in {(r.relation, r.target_id) for r in nda.relations}
    assert nda.addresses == ["神奈川県横須賀市走水1-10-20"]
    air = entries["JP-MIL:jp_atla_air"]
    assert ("same_as", "CN-ECL:MOFCOM-2026-27:4") in {(r.relation, r.target_id) for r in air.relations}
    assert ("same_as", "JP-MIL:jp_atla_air") in {(r.relation, r.target_id) for r in entries["CN-ECL:MOFCOM-2026-27:4"].relations}
    assert ("parent", "JP-MIL:jp_atla") in {(r.relation, r.target_id) for r in air.relations}
    assert "http" in air.provenance["source"]


def test_us_military_users():
    entries = by_id()
    dod = entries["US-MIL:us_dod"]
    values = {f.value for f in dod.names}
    assert {"Department of War", "DoD", "美国国防部", "美国战争部"} <= values
    assert dod.legal_source.citation == "MOFCOM Announcement 2024 No. 46"
    assert dod.military_user is True and dod.effective is None
    arl = entries["US-MIL:us_arl"]
    assert {"Army Research Laboratory", "ARL"} <= {f.value for f in arl.names}
    assert arl.name == "DEVCOM Army Research Laboratory"
    assert ("parent", "US-MIL:us_devcom") in {(r.relation, r.target_id) for r in arl.relations}
    assert "美国空军研究实验室" in {f.value for f in entries["US-MIL:us_afrl"].names}
    for cc in ("indopacom", "centcom", "eucom", "northcom", "southcom", "africom", "socom", "transcom", "cybercom", "spacecom", "stratcom"):
        assert entries[f"US-MIL:us_{cc}"].category == "combatant_command"


def test_us_military_csv_rows_cite_official_sites():
    rows = list(csv.DictReader(io.StringIO((CURATED / "us_military_users.csv").read_text(encoding="utf-8"))))
    assert rows and all(r["source"].startswith("https://") for r in rows)
    assert all(r["confidence"] == "high" for r in rows)


def test_supplements_applied():
    entries = by_id()
    pwr = entries["CN-ECL:MOFCOM-2026-30:10"]
    assert "Wroclaw University of Science and Technology" in {f.value for f in pwr.names}
    assert pwr.countries == ["PL"]
    assert entries["CN-ECL:MOFCOM-2026-20:1"].countries == ["BE"]
    aidc = entries["CN-ECL:MOFCOM-2025-TW:1"]
    assert ("local", "漢翔航空工業股份有限公司", "zh-Hant") in {(f.kind, f.value, f.lang) for f in aidc.names}


def test_catalogue_entries():
    cat = store.load_catalogue()
    # 712 codes of the 2026 catalogue + 16 suspended items of Ann. 2025 Nos. 55-57, 62 (issue 5)
    assert len(cat) == 728
    assert sum(c.in_catalogue for c in cat) == 712
    assert all(c.direction == "export" for c in cat)
    by_code = {c.code: c for c in cat}
    assert len(by_code) == 728
    pt = by_code["1A225"]
    assert pt.name_trusted and pt.name_zh == "镀铂催化剂"
    assert pt.hs_codes == ["3815120010"]
    assert pt.legal_source.citation == "MOFCOM/GAC Announcement 2025 No. 91"
    assert (pt.published, pt.effective) == (D(2025, 12, 31), D(2026, 1, 1))
    assert pt.licence_condition == "两用物项和技术出口许可证"
    sm = by_code["1C902.a.1"]
    assert sm.hs_codes == ["2805301910"]
    # the extracted name is a fragment (still flagged); the curated name replaces it, citing Ann. 2025 No. 18
    assert sm.name_zh_raw == "钐相关物 ： 1．金属钐" and sm.name_zh == "金属钐" and sm.name_en == "samarium metal"
    assert any(f.startswith("name_fragment") for f in sm.quality_flags)
    assert any(f.startswith("name_curated (extracted name was untrusted)") for f in sm.quality_flags)
    assert sm.announcement is not None and sm.announcement.citation == "MOFCOM/GAC Announcement 2025 No. 18"
    misaligned = by_code["1B226"]
    assert not misaligned.name_trusted
    assert any(f.startswith("name_misaligned") for f in misaligned.quality_flags)
    assert any(f.startswith("hs_on_neighbour") for f in by_code["0E901"].quality_flags)


def test_catalogue_quality_report():
    text = (PACKAGE_DATA / "catalogue_quality.md").read_text(encoding="utf-8")
    assert "| records read | 754 | 152 | 906 |" in text
    assert "| garbage control code (not emitted) | 42 | 0 | 42 |" in text
    assert "| 1B226 |" in text


def test_hs6():
    hs = store.load_hs6()
    assert hs["28"].startswith("Inorganic chemicals")
    assert "2805" in hs and "280530" in hs
    assert len([k for k in hs if len(k) == 6]) == 5613
    assert len([k for k in hs if len(k) == 4]) == 1229
    assert len([k for k in hs if len(k) == 2]) == 97


def test_manifest_and_version():
    man = store.load_manifest()
    assert re.fullmatch(r"2026-08-05\+[0-9a-f]{8}", man.version)
    assert store.data_version() == man.version
    assert man.built == "2026-12-07T00:00:00Z"  # the newest source: data-sources/curated/knowledge.yaml
    paths = {s["path"] for s in man.sources}
    assert "raw/mofcom-lists/cn-lists.json" in paths
    assert "data-sources/curated/us_military_users.csv" in paths
    cn = next(s for s in man.sources if s["path"] == "raw/mofcom-lists/cn-lists.json")
    assert cn["as_of"] == "2026-08-05" and "Apache-2.0" in cn["licence"]
    assert man.files["entities.jsonl"]["records"] == 458
    assert man.files["knowledge.json"]["records"] == 1


def test_store_override_directory(tmp_path, monkeypatch):
    for f in PACKAGE_DATA.iterdir():
        shutil.copy(f, tmp_path / f.name)
    lines = (tmp_path / "entities.jsonl").read_text(encoding="utf-8").splitlines()
    (tmp_path / "entities.jsonl").write_text("\n".join(lines[:5]) + "\n", encoding="utf-8")
    assert len(store.load_entries(tmp_path)) == 5
    monkeypatch.setenv(store.ENV_VAR, str(tmp_path))
    assert len(store.load_entries()) == 5
    assert len(store.load_entries(PACKAGE_DATA)) == 458  # argument beats the variable


# ---------------------------------------------------------------------------
# unit helpers


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("1C902.a.1", "1C902.a.1"),
        ("1c902 a 1", "1C902.a.1"),
        ("１Ｃ９０２．ａ．１", "1C902.a.1"),
        (" 3A201 ", "3A201"),
        ("1C902.A", "1C902.a"),
        ("1B003。c", "1B003.c"),
        ("MPa", None),
        ("8413709980", None),
        ("UF6", None),
        ("7", None),
        (None, None),
    ],
)
def test_normalise_code(raw, code):
    assert normalise_code(raw) == code


def test_fragment_reasons():
    assert fragment_reasons("镀铂催化剂") == []
    assert fragment_reasons("2-氯乙醇（CAS 107-07-3）") == []
    assert fragment_reasons("“数控”单元或计算机控制器") == []
    assert "starts_mid_phrase" in fragment_reasons("的发酵罐")
    assert "unit_column_text" in fragment_reasons("千克肼")
    assert "parameter_text" in fragment_reasons("纯度大于99.9%")
    assert "code_not_name" in fragment_reasons("1C906.b")
    assert "unbalanced_brackets" in fragment_reasons("（也称乙型脑")


@pytest.mark.parametrize(
    ("value", "default", "lang"),
    [
        ("防衛大学校", "zh-Hans", "ja"),
        ("防卫大学", "ja", "zh-Hans"),
        ("國家中山科學研究院", "zh-Hans", "zh-Hant"),
        ("三菱造船", "ja", "ja"),
        ("三菱造船", "zh-Hans", "zh-Hans"),
        ("スバル", "zh-Hans", "ja-Kana"),
        ("三菱重工エンジン＆ターボチャージャ株式会社", "zh-Hans", "ja"),
        ("Mitsubishi Jukogyo", "zh-Hans", "ja-Latn"),
        ("Department of War", "zh-Hans", "en"),
    ],
)
def test_detect_lang(value, default, lang):
    assert detect_lang(value, default) == lang


def test_parse_alias_and_dedupe():
    assert parse_alias("JXTGエネルギー (former)") == [("JXTGエネルギー", "former", "former")]
    assert parse_alias("MHI Logitech (press)") == [("MHI Logitech", "alias", "press")]
    forms = dedupe(
        [
            NameForm(value="ACME", kind="alias"),
            NameForm(value="Acme Corp", kind="primary"),
            NameForm(value="ＡＣＭＥ", kind="annex_zh"),
            NameForm(value="acme corp", kind="alias"),
        ]
    )
    assert [(f.value, f.kind) for f in forms] == [("ＡＣＭＥ", "annex_zh"), ("Acme Corp", "primary")]


# ---------------------------------------------------------------------------
# rebuilding from ../shared


@needs_shared
def test_rebuild_is_byte_identical_to_packaged_data(tmp_path):
    summary = build(SHARED, tmp_path, CURATED)
    assert summary.counts["CN-ECL"] == 152
    for name in ("entities.jsonl", "lists.json", "catalogue.jsonl", "hs6.json", "catalogue_quality.md", "manifest.json"):
        assert (tmp_path / name).read_bytes() == (PACKAGE_DATA / name).read_bytes(), f"{name} differs: rebuild the package data"


@pytest.fixture
def shared_copy(tmp_path):
    if not SHARED.exists():
        pytest.skip("../shared/data is not available")
    dst = tmp_path / "shared"
    shutil.copytree(SHARED, dst)
    return dst


def _edit_json(path: Path, fn) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    fn(data)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def test_build_fails_on_status_disagreement(shared_copy, tmp_path):
    def corrupt(data):
        entry = next(e for e in data["entries"] if e["id"] == "CN-ECL:MOFCOM-2025-21:3")
        entry["cnStatusUntil"] = "2026-12-31"

    _edit_json(shared_copy / "raw/mofcom-lists/cn-lists.json", corrupt)
    out = tmp_path / "out"
    with pytest.raises(BuildError, match=r"CN-ECL:MOFCOM-2025-21:3.*cnStatusUntil"):
        build(shared_copy, out, CURATED)
    assert not out.exists()  # nothing written


def test_build_fails_on_japanese_transcription_disagreement(shared_copy, tmp_path):
    path = shared_copy / "raw/mofcom-japan-2026/mofcom_japan_entities_2026.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("Mitsubishi Heavy Industries Aero Engines, Ltd.", "Mitsubishi Heavy Industries Aero Engine, Ltd."), encoding="utf-8")
    with pytest.raises(BuildError, match="name_en"):
        build(shared_copy, tmp_path / "out", CURATED)


def test_build_fails_on_unresolved_related_listed(shared_copy, tmp_path):
    path = shared_copy / "jp-defense/defense_industry.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("Hitachi Advanced Systems Corporation", "Hitachi Advanced System Corp"), encoding="utf-8")
    with pytest.raises(BuildError, match="related_listed"):
        build(shared_copy, tmp_path / "out", CURATED)


def test_build_fails_on_unknown_mofcom_listed_reference(shared_copy, tmp_path):
    path = shared_copy / "jp-defense/military_users.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("(Ann. 2026 No.27 #4)", "(Ann. 2026 No.27 #40)"), encoding="utf-8")
    with pytest.raises(BuildError, match="does not exist"):
        build(shared_copy, tmp_path / "out", CURATED)
