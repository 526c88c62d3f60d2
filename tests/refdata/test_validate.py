"""The validator: clean on the shipped data, clear messages on corrupted copies."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from dualuse.refdata import store
from dualuse.refdata.validate import main, validate_data

PACKAGE_DATA = Path(__file__).resolve().parents[2] / "src" / "dualuse" / "data"


@pytest.fixture(autouse=True)
def _no_env_override(monkeypatch):
    monkeypatch.delenv(store.ENV_VAR, raising=False)
    store.clear_cache()
    yield
    store.clear_cache()


@pytest.fixture
def data_copy(tmp_path):
    for f in PACKAGE_DATA.iterdir():
        if f.is_file():
            shutil.copy(f, tmp_path / f.name)
    return tmp_path


def _rewrite_jsonl(path: Path, fn) -> None:
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    records = fn(records)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")


def _find(records, rid):
    return next(r for r in records if r["id"] == rid)


def test_shipped_data_is_valid():
    assert validate_data() == []


def test_copy_is_valid(data_copy):
    assert validate_data(data_copy) == []


def test_duplicate_id(data_copy):
    def corrupt(records):
        return records + [dict(records[0])]

    _rewrite_jsonl(data_copy / "entities.jsonl", corrupt)
    problems = validate_data(data_copy)
    assert any("duplicate id CN-ECL:MOFCOM-2025-1:1" in p for p in problems), problems
    # the manifest no longer matches either
    assert any("sha256 of entities.jsonl does not match" in p for p in problems)


def test_missing_source(data_copy):
    def corrupt(records):
        r = _find(records, "CN-WL:MOFCOM-2026-12:1")
        del r["legal_source"]["url"]
        r2 = _find(records, "CN-ECL:MOFCOM-2026-11:1")
        r2["legal_source"]["citation"] = ""
        r3 = _find(records, "CN-UEL:UEL-2025-1:1")
        del r3["legal_source"]
        return records

    _rewrite_jsonl(data_copy / "entities.jsonl", corrupt)
    problems = validate_data(data_copy)
    assert any("CN-WL:MOFCOM-2026-12:1" in p and "no source URL" in p for p in problems), problems
    assert any("CN-ECL:MOFCOM-2026-11:1" in p and "no citation" in p for p in problems), problems
    assert any("CN-UEL:UEL-2025-1:1" in p and "no legal source" in p for p in problems), problems


def test_reference_list_source_in_provenance_is_enough(data_copy):
    def corrupt(records):
        r = _find(records, "JP-MIL:jp_nda")
        del r["legal_source"]["url"]
        r2 = _find(records, "JP-MIL:jp_cyber")  # its row source has no URL
        del r2["legal_source"]["url"]
        return records

    _rewrite_jsonl(data_copy / "entities.jsonl", corrupt)
    problems = [p for p in validate_data(data_copy) if "manifest" not in p]
    assert not any("jp_nda" in p for p in problems), problems
    assert any("JP-MIL:jp_cyber" in p and "no source URL" in p for p in problems), problems


def test_missing_effective_date_on_mofcom_entry(data_copy):
    def corrupt(records):
        del _find(records, "CN-ECL:MOFCOM-2025-1:2")["effective"]
        return records

    _rewrite_jsonl(data_copy / "entities.jsonl", corrupt)
    assert any("CN-ECL:MOFCOM-2025-1:2" in p and "effective date" in p for p in validate_data(data_copy))


def test_bad_and_overlapping_intervals(data_copy):
    def corrupt(records):
        r = _find(records, "CN-ECL:MOFCOM-2025-21:1")
        r["status_intervals"][0]["end"] = "2025-01-01"
        r2 = _find(records, "CN-ECL:MOFCOM-2025-21:2")
        r2["status_intervals"].append({"status": "stopped", "start": "2026-01-01"})
        return records

    _rewrite_jsonl(data_copy / "entities.jsonl", corrupt)
    problems = validate_data(data_copy)
    assert any("CN-ECL:MOFCOM-2025-21:1" in p and "does not end after it starts" in p for p in problems), problems
    assert any("CN-ECL:MOFCOM-2025-21:2" in p and "overlap" in p for p in problems), problems


def test_unknown_list_dangling_relation_and_repeated_name(data_copy):
    def corrupt(records):
        _find(records, "JP-DEF:mhi")["list"] = "JP-XYZ"
        _find(records, "JP-MIL:jp_nda")["relations"].append({"relation": "parent", "target_id": "JP-MIL:nowhere"})
        r = _find(records, "US-MIL:us_dod")
        r["names"].append({"value": "department of defense", "lang": "en", "kind": "alias"})
        return records

    _rewrite_jsonl(data_copy / "entities.jsonl", corrupt)
    problems = validate_data(data_copy)
    assert any("JP-DEF:mhi" in p and "unknown list id 'JP-XYZ'" in p for p in problems), problems
    assert any("JP-MIL:jp_nda" in p and "unknown id JP-MIL:nowhere" in p for p in problems), problems
    assert any("US-MIL:us_dod" in p and "repeats" in p for p in problems), problems


def test_same_list_name_and_source(data_copy):
    def corrupt(records):
        clone = json.loads(json.dumps(_find(records, "CN-ECL:MOFCOM-2025-1:3")))
        clone["id"] = "CN-ECL:MOFCOM-2025-1:99"
        clone["name"] = "INTELLIGENT  epitaxy technology"
        clone["names"][0]["value"] = clone["name"]
        return records + [clone]

    _rewrite_jsonl(data_copy / "entities.jsonl", corrupt)
    problems = validate_data(data_copy)
    assert any("CN-ECL:MOFCOM-2025-1:99" in p and "same list, primary name and legal source as CN-ECL:MOFCOM-2025-1:3" in p for p in problems), problems


def test_bad_catalogue_code_duplicate_and_hs(data_copy):
    def corrupt(records):
        records[0]["code"] = "1c902 a"
        records[2]["code"] = records[1]["code"]
        records[3]["hs_codes"] = ["38151200"]
        return records

    _rewrite_jsonl(data_copy / "catalogue.jsonl", corrupt)
    problems = validate_data(data_copy)
    assert any("control code '1c902 a' does not parse" in p for p in problems), problems
    assert any("appears twice" in p for p in problems), problems
    assert any("HS code '38151200' is not 10 digits" in p for p in problems), problems
    assert any("sha256 of catalogue.jsonl does not match" in p for p in problems), problems


def test_manifest_version_and_lists_count(data_copy):
    man = json.loads((data_copy / "manifest.json").read_text(encoding="utf-8"))
    man["version"] = "2026-08-05+00000000"
    (data_copy / "manifest.json").write_text(json.dumps(man), encoding="utf-8")
    lists = json.loads((data_copy / "lists.json").read_text(encoding="utf-8"))
    lists[0]["entries"] = 151
    (data_copy / "lists.json").write_text(json.dumps(lists, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    problems = validate_data(data_copy)
    assert any("version 2026-08-05+00000000 does not match" in p for p in problems), problems
    assert any("CN-ECL says 151 entries, entities.jsonl has 152" in p for p in problems), problems


def test_missing_file(data_copy):
    (data_copy / "hs6.json").unlink()
    assert "hs6.json: missing" in validate_data(data_copy)


def test_env_var_and_main(data_copy, monkeypatch, capsys):
    (data_copy / "catalogue.jsonl").write_text("not json\n", encoding="utf-8")
    monkeypatch.setenv(store.ENV_VAR, str(data_copy))
    problems = validate_data()
    assert any("catalogue.jsonl line 1: not valid JSON" in p for p in problems)
    assert main([]) == 1
    monkeypatch.delenv(store.ENV_VAR)
    assert main([]) == 0
    assert "valid (data version 2026-08-05+" in capsys.readouterr().out
