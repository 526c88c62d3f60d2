"""OpenSanctions' China sanctions data: reading both formats, the cross-check with our lists, proposals.

The real copy in ``../shared/data/raw/opensanctions-cn/`` (CC BY-NC 4.0: used here,
never shipped) is read in place; the tests skip, with the reason, when it is absent.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dualuse.cli.app import app
from dualuse.importers import crosscheck, opensanctions, propose
from dualuse.refdata import store

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data" / "raw" / "opensanctions-cn"
CSV = SHARED / "sanctions.csv"
needs_shared = pytest.mark.skipif(not CSV.is_file(), reason=f"{CSV} is absent (the OpenSanctions copy lives in ../shared, outside the package)")
runner = CliRunner()


@pytest.fixture(scope="module")
def read():
    if not CSV.is_file():
        pytest.skip(f"{CSV} is absent")
    return opensanctions.read(CSV)


@pytest.fixture(scope="module")
def check(read):
    return crosscheck.crosscheck(read, store.load_entries())


@needs_shared
def test_the_source_table_is_mapped_to_our_lists(read):
    by_list: dict[str, int] = {}
    for d in read.designations:
        by_list[d.list_id] = by_list.get(d.list_id, 0) + 1
    assert by_list == {"CN-ECL": 153, "CN-WL": 40, "CN-UEL": 66, "CN-AFSL": 314}
    assert sum(read.skipped.values()) == 37 and all("Taiwan" in k for k in read.skipped)  # TAO lists: not ours
    furuya = next(d for d in read.designations if d.name_zh == "古屋圭司")
    assert (furuya.list_id, furuya.schema, furuya.country, furuya.category, furuya.start.isoformat()) == ("CN-AFSL", "Person", "JP", "mfa_countermeasure", "2026-03-30")
    bank = next(d for d in read.designations if d.name == "UAB Urbo Bankas")
    assert (bank.start.isoformat(), bank.end.isoformat()) == ("2025-08-13", "2026-04-24")
    japan = [d for d in read.designations if d.country == "JP" and d.list_id == "CN-ECL"]
    assert len(japan) == 40  # country names in the file ("JAPAN") read as ISO codes


@needs_shared
def test_cross_check_what_they_list_that_we_do_not_and_the_reverse(check):
    counts = check.counts()
    print(json.dumps(counts, indent=1, ensure_ascii=False))  # the figures of the closing note (pytest -s)
    # every one of our legal-list entries is in the file except 21 UEL entries of Announcements 2025 Nos. 1-3
    assert counts["only_ours_by_list"] == {"CN-UEL": 21}
    assert {e.legal_source.citation for e in check.only_ours} == {f"UEL Working Mechanism Announcement 2025 No. {n}" for n in (1, 2, 3)}
    # they list, we do not: above all MFA countermeasures (we carry the three Japanese persons only)
    theirs = counts["only_theirs_by_list"]
    assert theirs["CN-AFSL (Ministry of Foreign Affairs)"] > 150
    assert theirs["CN-ECL (Ministry of Commerce)"] == 1 and [d.name for d in check.only_theirs if d.list_id == "CN-ECL"] == ["High Point Aerotechnologies"]
    assert theirs["CN-UEL (Ministry of Commerce)"] == 17
    uel = {d.name for d in check.only_theirs if d.list_id == "CN-UEL"}
    assert {"PVH Group", "TechInsights Inc.", "TechInsights Japan KK"} <= uel
    # what we recorded from the official notices matches theirs, dates and the cancellation included
    matched = {e.id: d for d, e in check.matched}
    for entry_id, day in (("CN-AFSL:MFA-2025-0908:1", "2025-09-08"), ("CN-AFSL:MFA-2025-1215:1", "2025-12-15"), ("CN-AFSL:MFA-2026-0330:1", "2026-03-30"), ("CN-AFSL:ORDER-2025-5:1", "2025-08-13")):
        assert matched[entry_id].start.isoformat() == day
    assert not [1 for d, e, _ in check.end_differs if e.id.startswith("CN-AFSL:ORDER-2025-5:")]
    # our stops and suspensions of November 2025 have no end date in their table
    assert any(e.legal_source.citation == "MOFCOM Announcement 2025 No. 13" for _, e, _ in check.end_differs)


@needs_shared
def test_proposal_of_the_mfa_countermeasures(read):
    plan = propose.from_opensanctions(read, store.load_entries(), store.load_knowledge(), store.data_version(), lists={"CN-AFSL"})
    added = [op.entry for op in plan.operations if op.op == "add"]
    assert all(e.list == "CN-AFSL" for e in added) and len(added) > 150
    assert not any(e.name in ("Keiji Furuya", "Shigeru Iwasaki", "Shi Ping", "UAB Urbo Bankas") for e in added)  # ours already
    nancy = next(e for e in added if e.name.startswith("Nancy Pelosi") or "佩洛西" in [f.value for f in e.names])
    assert nancy.category == "mfa_countermeasure" and nancy.legal_source.issuer == "MFA" and nancy.provenance["licence"].startswith("CC BY-NC")
    assert any("not among --list" in n for n in plan.notes)


def _ftm_of_rows(rows: list[dict], path: Path) -> Path:
    """The FollowTheMoney shape OpenSanctions exports: a target entity and a Sanction naming it, per row."""
    lines = []
    programmes = {"List of Export Controls": "CN-ECL", "Export Control Watch List": "CN-ECWL", "UEL": "CN-UEL"}
    for n, row in enumerate(rows):
        target = {"id": f"cn-sanc-{n}", "schema": row["Type"], "datasets": ["cn_sanctions"],
                  "properties": {"name": [row["Name"], *([row["Chinese name"]] if row["Chinese name"] else [])], "country": [row["Country"].lower()] if len(row["Country"]) == 2 else []}}
        date = "-".join(reversed(row["Date"].split(".")))
        sanction = {"id": f"cn-sanc-s-{n}", "schema": "Sanction", "datasets": ["cn_sanctions"],
                    "properties": {"entity": [f"cn-sanc-{n}"], "programId": [programmes.get(row["List"], "CN-CML")], "authority": [row["Body"]], "sourceUrl": [row["Source URL"]], "startDate": [date]}}
        lines += [json.dumps(target, ensure_ascii=False), json.dumps(sanction, ensure_ascii=False)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@needs_shared
def test_the_followthemoney_export_reads_the_same(tmp_path):
    rows = [r for r in csv.DictReader(CSV.open(encoding="utf-8")) if r["Chinese name"] in ("古屋圭司", "莱茵金属公司", "斯巴鲁株式会社")]
    read = opensanctions.read(_ftm_of_rows(rows, tmp_path / "cn_sanctions.ftm.jsonl"))
    got = {(d.name, d.list_id, d.name_zh, d.start.isoformat()) for d in read.designations}
    assert got == {("Keiji Furuya", "CN-AFSL", "古屋圭司", "2026-03-30"), ("Rheinmetall AG", "CN-ECL", "莱茵金属公司", "2026-07-24"), ("SUBARU Corporation", "CN-WL", "斯巴鲁株式会社", "2026-02-24")}
    check = crosscheck.crosscheck(read, store.load_entries())
    assert not check.only_theirs and len(check.matched) == 3


def test_a_malformed_table_names_row_and_column(tmp_path):
    bad = tmp_path / "sanctions.csv"
    bad.write_text("Type,Name\nCompany,X\n", encoding="utf-8")
    with pytest.raises(opensanctions.OpenSanctionsError, match="row 1: missing column"):
        opensanctions.read(bad)
    header = ",".join(opensanctions.COLUMNS)
    bad.write_text(header + "\nCompany,,Acme,,,US,export.control,,,Ministry of Commerce,List of Export Controls,31.13.2026,,https://x.invalid/1,\n", encoding="utf-8")
    with pytest.raises(opensanctions.OpenSanctionsError, match=r'row 2, column "Date" \(\'31.13.2026\'\)'):
        opensanctions.read(bad)
    bad.write_text(header + "\nCompany,,Acme,,,Atlantis,export.control,,,Ministry of Commerce,List of Export Controls,01.02.2026,,https://x.invalid/1,\n", encoding="utf-8")
    with pytest.raises(opensanctions.OpenSanctionsError, match=r'row 2, column "Country" \(\'Atlantis\'\)'):
        opensanctions.read(bad)


@needs_shared
def test_the_crosscheck_command(tmp_path, monkeypatch):
    monkeypatch.setenv("DUALUSE_DB", str(tmp_path / "records.db"))
    result = runner.invoke(app, ["lists", "crosscheck", str(CSV), "--format", "json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["counts"]["only_ours_by_list"] == {"CN-UEL": 21}
    table = runner.invoke(app, ["lists", "crosscheck", str(CSV), "--limit", "3"], catch_exceptions=False)
    assert "They list, we do not" in table.stdout and "We list, they do not (21)" in table.stdout
