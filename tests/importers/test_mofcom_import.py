"""``dualuse lists import mofcom``: realistic notice pages read, proposed, reviewed and applied.

The fixtures (``fixtures/``, see its README) are pages written from the texts quoted
in regime.md - Announcements 2026 Nos. 11 (HTML table), 12 (text), 27 (HTML table with
addresses), 28 (text with 地址：), 30 (HTML), MOFCOM Orders 2026 No. 2 (countermeasures)
and No. 1 (their cancellation: a removal), Announcement 2025 No. 70 (a suspension) -
and two synthetic ones for kinds of notice not yet published (a watch-list removal, an
extension of No. 70), marked as such.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dualuse.cli.app import app
from dualuse.importers.mofcom import NoticeError, country_of, parse_notice, split_name
from dualuse.importers.pages import parse_text, read_page
from dualuse.refdata import store

FIXTURES = Path(__file__).resolve().parent / "fixtures"
PACKAGE_DATA = Path(__file__).resolve().parents[2] / "src" / "dualuse" / "data"
runner = CliRunner()


def notice(name: str, **kwargs):
    return parse_notice(read_page(FIXTURES / name), **kwargs)


def invoke(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.setenv("DUALUSE_DB", str(tmp_path / "records.db"))
    monkeypatch.setenv("DUALUSE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("DUALUSE_DATA_DIR", raising=False)
    yield tmp_path
    store.clear_cache()


# --- reading the pages ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("file", "citation", "published", "list_id", "measure", "rows"),
    [
        ("mofcom-2026-11.html", "MOFCOM Announcement 2026 No. 11", "2026-02-24", "CN-ECL", "listing", 20),
        ("mofcom-2026-12.txt", "MOFCOM Announcement 2026 No. 12", "2026-02-24", "CN-WL", "listing", 20),
        ("mofcom-2026-27.html", "MOFCOM Announcement 2026 No. 27", "2026-06-29", "CN-ECL", "listing", 20),
        ("mofcom-2026-28.txt", "MOFCOM Announcement 2026 No. 28", "2026-06-29", "CN-WL", "listing", 20),
        ("mofcom-2026-30.html", "MOFCOM Announcement 2026 No. 30", "2026-07-24", "CN-ECL", "listing", 14),
        ("mofcom-order-2026-2.html", "MOFCOM Order 2026 No. 2", "2026-08-05", "CN-AFSL", "listing", 6),
        ("mofcom-order-2026-1.txt", "MOFCOM Order 2026 No. 1", "2026-04-24", "CN-AFSL", "removal", 2),
        ("synthetic-watch-list-removal.txt", "MOFCOM Announcement 2026 No. 99", "2026-11-30", "CN-WL", "removal", 1),
    ],
)
def test_entity_notices_are_read(file, citation, published, list_id, measure, rows):
    n = notice(file)
    assert (n.citation, n.published.isoformat(), n.list_id, n.measure, len(n.rows)) == (citation, published, list_id, measure, rows)
    assert n.url and n.url.startswith("http")
    assert [r.seq for r in n.rows] == list(range(1, rows + 1))
    if n.stated_count is not None:
        assert n.stated_count == rows


def test_annex_rows_keep_names_and_addresses_as_printed():
    no11 = notice("mofcom-2026-11.html")
    assert (no11.rows[5].name_zh, no11.rows[5].name_en, no11.rows[5].country) == ("川崎重工航空宇宙系统公司", "Kawasaki Heavy Industries Aerospace Systems Company", "JP")
    no27 = notice("mofcom-2026-27.html")
    first = no27.rows[0]
    assert (first.name_zh, first.name_en) == ("防卫研究所", "National Institute for Defense Studies")
    assert first.address == "日本东京都新宿区市谷本村町5番1号，邮编：162-8808" and first.country == "JP"
    no28 = notice("mofcom-2026-28.txt")
    assert no28.rows[1].name_zh == "三井物产航空航天株式会社维修中心" and no28.rows[1].address.startswith("日本东京都千代田区丸之内")
    no30 = notice("mofcom-2026-30.html")
    packaged = {e.name for e in store.load_entries() if e.legal_source.citation == "MOFCOM Announcement 2026 No. 30"}
    assert {r.name_en for r in no30.rows} == packaged
    order = notice("mofcom-order-2026-2.html")
    assert order.rows[0].name == "Applied DNA Sciences, Inc." and order.rows[0].country == "US" and order.effective == dt.date(2026, 8, 5)


def test_the_watch_list_notice_is_a_listing_though_it_mentions_removal():
    # No. 12 says a listed entity may apply to be 移出 after verification: the operative sentence lists
    assert notice("mofcom-2026-12.txt").measure == "listing"


def test_suspension_and_extension_notices_name_their_measures_and_dates():
    no70 = notice("mofcom-gac-2025-70.html")
    assert no70.citation == "MOFCOM/GAC Announcement 2025 No. 70" and no70.measure == "suspension"
    assert no70.targets == [f"MOFCOM Announcement 2025 No. {n}" for n in (55, 56, 57, 58, 61, 62)]
    assert (no70.effective, no70.until) == (dt.date(2025, 11, 7), dt.date(2026, 11, 10))
    ext = notice("synthetic-extension-of-2025-70.html")
    assert (ext.measure, ext.effective, ext.until) == ("extension", dt.date(2026, 11, 10), dt.date(2027, 11, 10))


def test_clause_references_and_one_year_suspensions():
    text = """商务部公告2025年第72号 关于暂停实施商务部公告2024年第46号第二项的公告
商务部决定，自2025年11月9日起暂停实施商务部公告2024年第46号第二项，为期一年。
商务部
2025年11月5日
"""
    n = parse_notice(parse_text(text, "no72.txt"))
    assert n.targets == ["MOFCOM Announcement 2024 No. 46 clause 2"]
    assert (n.effective, n.until) == (dt.date(2025, 11, 9), dt.date(2026, 11, 9))


def test_names_and_countries():
    assert split_name("拉法特集团（LAFERT S.P.A.）") == ("拉法特集团", "LAFERT S.P.A.")
    assert split_name("UAB Urbo Bankas") == (None, "UAB Urbo Bankas")
    assert split_name("IHI原动机株式会社") == ("IHI原动机株式会社", None)
    assert country_of("日本神奈川县相模原市中央区渊野边2-9-54，邮编：252-0206") == "JP"
    assert country_of("Via J.F. Kennedy 43, San Donà di Piave, Venice, Italy, 30027") == "IT"
    assert country_of("立陶宛维尔纽斯") == "LT"


def test_a_notice_whose_annex_disagrees_with_its_count_is_refused(tmp_path):
    page = (FIXTURES / "mofcom-2026-30.html").read_text(encoding="utf-8")
    broken = tmp_path / "no30-missing-row.html"
    broken.write_text(page.replace("<tr><td>14</td><td>Ekspla公司（Ekspla UAB）</td></tr>", ""), encoding="utf-8")
    with pytest.raises(NoticeError, match="states 14 entities, the annex has 13 rows"):
        parse_notice(read_page(broken))


def test_a_page_that_is_no_notice_is_refused(tmp_path):
    page = tmp_path / "news.html"
    page.write_text("<html><head><title>商务部新闻</title></head><body><p>商务部部长会见外宾。</p></body></html>", encoding="utf-8")
    with pytest.raises(NoticeError, match="news.html: no instrument designation"):
        parse_notice(read_page(page))


# --- proposals, review, apply -----------------------------------------------------------------


def _base_without(tmp_path: Path, drop, date: str, catalogue=None) -> Path:
    """A built data directory: the packaged data as it stood without some entries (or with other catalogue intervals)."""
    import hashlib

    from dualuse.models.reference import ListEntry
    from dualuse.refdata.build import lists as build_lists
    from dualuse.refdata.build.manifest import version_string
    from dualuse.refdata.build.mode import updating

    out = tmp_path / "base"
    shutil.copytree(PACKAGE_DATA, out)
    entries = [ListEntry.model_validate_json(line) for line in (out / "entities.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    entries = [drop(e) for e in entries]
    entries = [e for e in entries if e is not None]
    (out / "entities.jsonl").write_text("".join(json.dumps(e.model_dump(mode="json", by_alias=True, exclude_none=True), ensure_ascii=False, separators=(",", ":")) + "\n" for e in entries), encoding="utf-8")
    if catalogue is not None:
        lines = [json.loads(line) for line in (out / "catalogue.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
        (out / "catalogue.jsonl").write_text("".join(json.dumps(catalogue(c), ensure_ascii=False, separators=(",", ":")) + "\n" for c in lines), encoding="utf-8")
    with updating(date):
        infos = build_lists.build(entries, dt.date(2026, 11, 29))
    (out / "lists.json").write_text(json.dumps([i.model_dump(mode="json", exclude_none=True) for i in infos], ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    hashes = {}
    for name in manifest["files"]:
        hashes[name] = hashlib.sha256((out / name).read_bytes()).hexdigest()
        manifest["files"][name]["sha256"] = hashes[name]
    manifest["files"]["entities.jsonl"]["records"] = len(entries)
    manifest["version"] = version_string(date, hashes)
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return out


def _screen(env: Path, shipment: dict) -> dict:
    file = env / f"{shipment['id']}.jsonl"
    file.write_text(json.dumps(shipment, ensure_ascii=False) + "\n", encoding="utf-8")
    result = invoke("screen", str(file), "--no-record", "--format", "jsonl")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _shipment(sid: str, day: str, consignee: str, country: str, line: dict | None = None) -> dict:
    return {
        "id": sid, "date": day, "exporter": {"name": "宁波韵升股份有限公司", "country": "CN"}, "consignee": {"name": consignee, "country": country},
        "end_user": None, "intermediaries": [], "destination_country": country, "end_use": "industrial motors",
        "lines": [line or {"line": 1, "description": "Dysprosium metal", "control_code": "1C905.a.1", "origin_country": "CN", "value": 20000.0}],
    }


def test_no_30_import_diff_shows_the_14_entries_and_once_applied_prohibits(env):
    base = _base_without(env, lambda e: None if e.legal_source.citation == "MOFCOM Announcement 2026 No. 30" else e, "2026-07-20")
    assert invoke("lists", "update", str(base)).exit_code == 0
    before = _screen(env, _shipment("RH-1", "2026-07-30", "Rheinmetall AG", "DE"))
    assert before["verdict"] == "LICENSE_REQUIRED"
    result = invoke("lists", "import", "mofcom", str(FIXTURES / "mofcom-2026-30.html"), "-o", str(env / "no30.proposal.json"))
    assert result.exit_code == 0, result.output
    assert "add 14" in result.stdout
    diff = invoke("lists", "diff", str(env / "no30.proposal.json"), "--format", "json")
    assert diff.exit_code == 0, diff.output
    data = json.loads(diff.stdout)["diff"]
    assert data["counts"]["added"] == 14 and data["counts"]["removed"] == 0 and data["counts"]["changed"] == 0
    assert {a["listing"] for a in data["added"]} == {"MOFCOM Announcement 2026 No. 30"}
    assert "Rheinmetall AG" in {a["name"] for a in data["added"]}
    assert len(json.loads(invoke("lists", "history", "--format", "json").stdout)) == 2  # the diff applied nothing
    applied = invoke("lists", "update", str(env / "no30.proposal.json"))
    assert applied.exit_code == 0, applied.output
    after = _screen(env, _shipment("RH-2", "2026-07-30", "Rheinmetall AG", "DE"))
    assert after["verdict"] == "PROHIBITED"
    assert any(r["rule_id"] == "CN-ECL-CONTROL-LIST" and r["citation"].startswith("MOFCOM Announcement 2026 No. 30") for r in after["reasons"])
    # the same page again proposes nothing
    again = invoke("lists", "import", "mofcom", str(FIXTURES / "mofcom-2026-30.html"), "-o", str(env / "again.proposal.json"))
    assert "no operations" in again.stdout


def test_importing_what_the_data_already_has_proposes_nothing(env):
    for file in ("mofcom-2026-11.html", "mofcom-2026-12.txt", "mofcom-2026-30.html", "mofcom-order-2026-1.txt", "mofcom-gac-2025-70.html"):
        result = invoke("lists", "import", "mofcom", str(FIXTURES / file), "-o", str(env / f"{file}.proposal.json"), "--format", "json")
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout)["counts"] == {}, file


def test_addresses_in_the_annex_are_merged_into_existing_entries(env):
    # the packaged June entries come without the addresses the annex publishes: the import adds them
    result = invoke("lists", "import", "mofcom", str(FIXTURES / "mofcom-2026-27.html"), "-o", str(env / "no27.proposal.json"), "--format", "json")
    assert json.loads(result.stdout)["counts"] == {"merge": 20}
    plan = json.loads((env / "no27.proposal.json").read_text(encoding="utf-8"))
    first = plan["operations"][0]
    assert (first["entry_id"], first["addresses"], first["names"]) == ("CN-ECL:MOFCOM-2026-27:1", ["日本东京都新宿区市谷本村町5番1号，邮编：162-8808"], [])
    assert invoke("lists", "update", str(env / "no27.proposal.json")).exit_code == 0
    diff = json.loads(invoke("lists", "diff", "previous", "current", "--format", "json").stdout)
    assert diff["counts"]["changed"] == 20 and diff["counts"]["added"] == 0
    change = next(c for c in diff["changed"] if c["id"] == "CN-ECL:MOFCOM-2026-27:1")
    assert change["fields"] == {"addresses": {"old": [], "new": ["日本东京都新宿区市谷本村町5番1号，邮编：162-8808"]}}


def test_a_removal_notice_changes_statuses_not_entries(env):
    def without_cancellation(e):
        return e.model_copy(update={"status_intervals": []}) if e.id.startswith("CN-AFSL:ORDER-2025-5:") else e

    base = _base_without(env, without_cancellation, "2026-04-20")
    assert invoke("lists", "update", str(base)).exit_code == 0
    assert _screen(env, _shipment("LT-1", "2026-05-01", "UAB Urbo Bankas", "LT"))["verdict"] == "PROHIBITED"
    result = invoke("lists", "import", "mofcom", str(FIXTURES / "mofcom-order-2026-1.txt"), "-o", str(env / "order1.proposal.json"), "--format", "json")
    assert json.loads(result.stdout)["counts"] == {"status:entry": 2}
    diff = json.loads(invoke("lists", "diff", str(env / "order1.proposal.json"), "--format", "json").stdout)["diff"]
    assert (diff["counts"]["added"], diff["counts"]["removed"], diff["counts"]["changed"]) == (0, 0, 2)
    assert {c["id"] for c in diff["changed"]} == {"CN-AFSL:ORDER-2025-5:1", "CN-AFSL:ORDER-2025-5:2"}
    assert all(set(c["fields"]) == {"status"} for c in diff["changed"])
    assert invoke("lists", "update", str(env / "order1.proposal.json")).exit_code == 0
    after = _screen(env, _shipment("LT-2", "2026-05-01", "UAB Urbo Bankas", "LT"))
    assert after["verdict"] == "LICENSE_REQUIRED"
    assert next(h for h in after["hits"] if h["name"] == "UAB Urbo Bankas")["status"] == "removed"


def test_a_watch_list_removal_notice(env):
    result = invoke("lists", "import", "mofcom", str(FIXTURES / "synthetic-watch-list-removal.txt"), "-o", str(env / "wl.proposal.json"), "--format", "json")
    assert json.loads(result.stdout)["counts"] == {"status:entry": 1}
    plan = json.loads((env / "wl.proposal.json").read_text(encoding="utf-8"))
    op = plan["operations"][0]
    assert (op["id"], op["action"], op["start"]) == ("CN-WL:MOFCOM-2026-28:16", "remove", "2026-12-01")


def test_a_removal_of_an_unknown_entity_is_refused(env, tmp_path):
    page = tmp_path / "removal.txt"
    page.write_text(
        "商务部公告2026年第97号 关于将1家实体移出关注名单的公告\nURL: https://example.invalid/97.html\n商务部决定将北极星光学株式会社（Polaris Optics Co., Ltd.）移出关注名单。\n商务部\n2026年11月30日\n",
        encoding="utf-8",
    )
    result = invoke("lists", "import", "mofcom", str(page), "-o", str(tmp_path / "x.proposal.json"))
    assert result.exit_code == 2
    assert "Polaris Optics Co., Ltd." in result.stderr and "no entry of CN-WL" in result.stderr
    assert not (tmp_path / "x.proposal.json").exists()


def test_a_suspension_notice_changes_statuses_not_entries(env):
    def strip_no70(c):
        if (c.get("announcement") or {}).get("citation") == "MOFCOM/GAC Announcement 2025 No. 57":
            c = {**c, "status_intervals": []}
        return c

    base = _base_without(env, lambda e: e, "2025-11-01", catalogue=strip_no70)
    assert invoke("lists", "update", str(base)).exit_code == 0
    holmium = {"line": 1, "description": "holmium metal", "control_code": "1C909", "origin_country": "CN", "value": 20000.0}
    assert _screen(env, _shipment("HO-1", "2026-03-01", "Magnetwerk GmbH", "DE", holmium))["verdict"] == "LICENSE_REQUIRED"
    result = invoke("lists", "import", "mofcom", str(FIXTURES / "mofcom-gac-2025-70.html"), "-o", str(env / "no70.proposal.json"), "--format", "json")
    assert json.loads(result.stdout)["counts"] == {"status:control": 5}  # 1C909-1C913; Nos. 55, 56, 62 and the rules have it already
    diff = json.loads(invoke("lists", "diff", str(env / "no70.proposal.json"), "--format", "json").stdout)["diff"]
    assert diff["counts"]["added"] == diff["counts"]["removed"] == diff["counts"]["changed"] == 0
    assert diff["item_changes"] == [f"control code 1C9{n}" for n in ("09", "10", "11", "12", "13")]
    assert invoke("lists", "update", str(env / "no70.proposal.json")).exit_code == 0
    assert _screen(env, _shipment("HO-2", "2026-03-01", "Magnetwerk GmbH", "DE", holmium))["verdict"] == "NOT_CONTROLLED"


def test_an_extension_notice_settles_what_the_horizon_left_open(env):
    germanium = {"line": 1, "description": "germanium metal", "control_code": "3C002.a", "origin_country": "CN", "value": 20000.0}
    holmium = {"line": 1, "description": "holmium metal", "control_code": "1C909", "origin_country": "CN", "value": 20000.0}
    recorded = env / "HO-3.jsonl"
    recorded.write_text(json.dumps(_shipment("HO-3", "2026-12-07", "Magnetwerk GmbH", "DE", holmium), ensure_ascii=False) + "\n", encoding="utf-8")
    first = invoke("screen", str(recorded), "--format", "jsonl")  # recorded: the update must re-screen it
    assert json.loads(first.stdout)["verdict"] == "REVIEW"
    result = invoke("lists", "import", "mofcom", str(FIXTURES / "synthetic-extension-of-2025-70.html"), "-o", str(env / "ext.proposal.json"), "--format", "json")
    assert json.loads(result.stdout)["counts"] == {"status:control": 16, "status:measure": 1}
    from dualuse.service import updates
    from dualuse.storage.db import open_database

    database = open_database(str(env / "records.db"))
    report = updates.apply(database, updates.prepare(database, env / "ext.proposal.json"), actor="pytest", today=dt.date(2026, 12, 7))
    store.clear_cache()
    # item status changes re-screen the open or recent shipments
    assert report.rescreen.verdict_changes == [{"shipment_id": "HO-3", "old": "REVIEW", "new": "NOT_CONTROLLED", "alerts": []}]
    settled = _screen(env, _shipment("HO-4", "2026-12-07", "Magnetwerk GmbH", "DE", holmium))
    assert settled["verdict"] == "NOT_CONTROLLED"  # suspended to 2027-11-10 by an instrument: nothing unconfirmed decides
    assert "CN-DATA-HORIZON" not in {r["rule_id"] for r in settled["reasons"]}
    # clause 2 of No. 46 is another measure: still open
    assert _screen(env, _shipment("GE-1", "2026-12-07", "Acme Optics Inc.", "US", germanium))["verdict"] == "REVIEW"
    lists = invoke("lists")
    assert "MOFCOM/GAC Announcement 2026 No. 98" in lists.stdout and "2027-11-10" in lists.stdout


def test_a_listing_page_without_its_url_needs_one(env, tmp_path):
    text = (FIXTURES / "mofcom-2026-12.txt").read_text(encoding="utf-8").replace(
        "URL: https://www.mofcom.gov.cn/zwgk/zcfb/art/2026/art_bac18400512d408a8d4c2f964e36ac11.html\n", ""
    )
    page = tmp_path / "no12.txt"
    page.write_text(text, encoding="utf-8")
    result = invoke("lists", "import", "mofcom", str(page))
    assert result.exit_code == 2 and "--url" in result.stderr
    ok = invoke("lists", "import", "mofcom", str(page), "--url", "https://www.mofcom.gov.cn/zwgk/zcfb/art/2026/art_bac18400512d408a8d4c2f964e36ac11.html")
    assert ok.exit_code == 0, ok.output


def test_checked_to_moves_the_knowledge_horizon(env):
    result = invoke("lists", "import", "mofcom", str(FIXTURES / "synthetic-watch-list-removal.txt"), "-o", str(env / "wl.proposal.json"), "--checked-to", "2026-12-05")
    assert result.exit_code == 0
    assert invoke("lists", "update", str(env / "wl.proposal.json")).exit_code == 0
    lists = invoke("lists")
    assert "Knowledge horizon 2026-12-05" in lists.stdout
    # the user checked MOFCOM up to 2026-12-05: the November ends are now confirmed as scheduled
    germanium = {"line": 1, "description": "germanium metal", "control_code": "3C002.a", "origin_country": "CN", "value": 20000.0}
    d = _screen(env, _shipment("GE-2", "2026-12-07", "Acme Optics Inc.", "US", germanium))
    assert d["knowledge"]["horizon"] == "2026-12-05" and d["verdict"] == "PROHIBITED"
