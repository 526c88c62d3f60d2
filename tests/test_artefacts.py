"""The artefact cache (dualuse.artefacts, dualuse.matching.index_store): never stale, atomic, equal to a fresh build."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from dualuse import artefacts
from dualuse.matching import index_store
from dualuse.matching.index import NameIndex
from dualuse.matching.matcher import Matcher
from dualuse.matching.records import NameRecord
from dualuse.refdata import store

SRC = Path(__file__).resolve().parent.parent / "src"


@pytest.fixture()
def cache_dir(tmp_path, monkeypatch):
    monkeypatch.setenv(artefacts.ENV_VAR, str(tmp_path / "artefacts"))
    return tmp_path / "artefacts"


class Thing:
    def __init__(self, values):
        self.values = np.asarray(values, dtype=np.int64)
        self.label = "x"


def test_built_once_then_loaded_memory_mapped(cache_dir):
    calls = []

    def build():
        calls.append(1)
        return Thing([1, 2, 3])

    first = artefacts.cached("thing", "input-a", build)
    second = artefacts.cached("thing", "input-a", build)
    assert calls == [1]
    assert isinstance(second.values, np.memmap) and not second.values.flags.writeable
    assert second.values.tolist() == first.values.tolist() == [1, 2, 3]
    assert second.label == "x"
    # other inputs: another artefact, built again
    artefacts.cached("thing", "input-b", build)
    assert calls == [1, 1]
    assert not any(p.name.startswith(".") for p in cache_dir.iterdir())  # no staging directory left


def test_engine_key_is_part_of_the_key(cache_dir, monkeypatch):
    artefacts.cached("thing", "same", lambda: Thing([1]))
    monkeypatch.setattr(artefacts, "engine_key", lambda: "another engine")
    rebuilt = artefacts.cached("thing", "same", lambda: Thing([2]))
    assert rebuilt.values.tolist() == [2]
    assert len([p for p in cache_dir.iterdir() if p.name.startswith("thing-")]) == 2


def test_damaged_entry_is_rebuilt(cache_dir):
    artefacts.cached("thing", "in", lambda: Thing([5]))
    (entry,) = [p for p in cache_dir.iterdir() if p.name.startswith("thing-")]
    (entry / "object.pickle").write_bytes(b"not a pickle")
    again = artefacts.cached("thing", "in", lambda: Thing([6]))
    assert again.values.tolist() == [6]
    assert artefacts.cached("thing", "in", lambda: Thing([7])).values.tolist() == [6]


def test_disabled_cache_builds_in_memory(tmp_path, monkeypatch):
    monkeypatch.setenv(artefacts.ENV_VAR, "off")
    calls = []
    for _ in range(2):
        artefacts.cached("thing", "in", lambda: calls.append(1) or Thing([1]))
    assert calls == [1, 1]


def test_digest_parts_is_not_fooled_by_concatenation():
    assert artefacts.digest_parts(["ab", "c"]) != artefacts.digest_parts(["a", "bc"])


def test_stable_hash_is_the_same_in_another_process():
    value = index_store.stable_hash((0, "mitsubishi"))
    code = "from dualuse.matching.index_store import stable_hash; print(stable_hash((0, 'mitsubishi')))"
    env = {**os.environ, "PYTHONPATH": str(SRC), "PYTHONHASHSEED": "12345"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
    assert int(out) == value
    assert index_store.stable_hash("a") != index_store.stable_hash((0, "a"))


def _records():
    return [
        NameRecord("E1", "X", "Mitsubishi Heavy Industries, Ltd.", (("Mitsubishi Heavy Industries, Ltd.", "primary"), ("三菱重工業株式会社", "alias"))),
        NameRecord("E2", "X", "Beijing Aeronautical Materials Institute", (("Beijing Aeronautical Materials Institute", "primary"),)),
    ]


def test_loaded_index_equals_a_fresh_build(cache_dir):
    records = _records()
    fresh = NameIndex(records)
    index_store.load_or_build(records)
    loaded = index_store.load_or_build(records)
    # loaded memory-mapped, then viewed as a plain read-only ndarray over the same pages
    assert type(loaded.var_record) is np.ndarray and isinstance(loaded.var_record.base, np.memmap)
    assert not loaded.var_record.flags.writeable
    for name, value in vars(fresh).items():
        if isinstance(value, np.ndarray) and value.dtype != object:
            assert np.array_equal(getattr(loaded, name), value), name
    assert loaded.aliases == fresh.aliases
    assert loaded.ambiguous_compacts == fresh.ambiguous_compacts
    query = "Mitsubishi Heavy Industires"
    from dualuse.matching.analyze import analyze

    a, b = fresh.search(analyze(query)), loaded.search(analyze(query))
    assert a.variant.tolist() == b.variant.tolist() and a.approx.tolist() == b.approx.tolist()


def test_changed_records_give_another_index(cache_dir):
    records = _records()
    first = index_store.load_or_build(records)
    changed = [records[0], NameRecord("E2", "X", "Beijing Institute", (("Beijing Institute", "primary"),))]
    second = index_store.load_or_build(changed)
    assert [r.name for r in second.records] == ["Mitsubishi Heavy Industries, Ltd.", "Beijing Institute"]
    assert first.content_digest != second.content_digest


def test_matcher_on_cached_index_matches_like_a_fresh_one(cache_dir, monkeypatch):
    entries = store.load_entries()
    Matcher(entries)  # builds and stores
    cached = Matcher(entries)
    monkeypatch.setenv(artefacts.ENV_VAR, "off")
    fresh = Matcher(entries)
    for name in ("Huawei Technologies Co., Ltd.", "北京航空材料研究院", "三菱重工業", "Hikvision Digital Technology"):
        got = [(r.entry.id, round(r.score, 6), r.decision) for r in cached.match(name)]
        want = [(r.entry.id, round(r.score, 6), r.decision) for r in fresh.match(name)]
        assert got == want, name


HEAVY = ("sqlalchemy", "alembic", "openpyxl", "weasyprint", "fastapi", "typer.rich_utils")
SHIPMENT = Path(__file__).resolve().parent.parent / "examples" / "shipments.csv"


def _modules_after(args: list[str], env: dict[str, str], watched: tuple[str, ...]) -> tuple[str, list[str]]:
    """(standard output, the modules of ``watched`` imported) of ``dualuse ARGS`` run in a fresh interpreter."""
    code = (
        "import sys\n"
        "from dualuse.cli.app import app\n"
        "try:\n"
        f"    app({args!r})\n"
        "except SystemExit:\n"
        "    pass\n"
        f"print(sorted(m for m in {watched!r} if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    lines = done.stdout.strip().splitlines()
    return "\n".join(lines[:-1]), eval(lines[-1])  # noqa: S307 - our own print of a list of names


def _no_database_env(tmp_path) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(SRC), "DUALUSE_LANG": "en", "XDG_DATA_HOME": str(tmp_path / "data"),
           "DUALUSE_ARTEFACTS": str(tmp_path / "artefacts")}
    for name in ("DUALUSE_DB", "DUALUSE_DATA_DIR"):
        env.pop(name, None)
    return env


def test_match_command_does_not_load_the_database_excel_input_or_decision_code(tmp_path):
    env = {**_no_database_env(tmp_path), "DUALUSE_DB": str(tmp_path / "none.db")}
    watched = (*HEAVY, "dualuse.input", "dualuse.models.decision", "dualuse.rules.model", "dualuse.classification.search")
    out, loaded = _modules_after(["match", "Huawei Technologies Co., Ltd."], env, watched)
    assert "Huawei" in out
    assert loaded == []


@pytest.mark.parametrize("extra", [[], ["--no-record"]], ids=["no-database-chosen", "what-if-without-a-database"])
def test_screen_without_a_records_database_does_not_load_sqlalchemy(tmp_path, extra):
    lines = SHIPMENT.read_text(encoding="utf-8").splitlines(keepends=True)
    first = lines[1].split(",", 1)[0]
    one = tmp_path / "one.csv"
    one.write_text(lines[0] + "".join(line for line in lines[1:] if line.split(",", 1)[0] == first), encoding="utf-8")
    out, loaded = _modules_after(["screen", *extra, str(one)], _no_database_env(tmp_path), HEAVY)
    assert first in out and "Summary" in out
    assert loaded == []
    assert not (tmp_path / "data" / "dualuse" / "dualuse.db").exists()


def test_help_lists_every_command_lazily_loaded():
    from typer.testing import CliRunner

    from dualuse.cli.app import COMMANDS, app

    result = CliRunner().invoke(app, ["--lang", "en", "--help"])
    assert result.exit_code == 0
    for name in COMMANDS:
        assert name in result.output


def test_live_version_read_with_sqlite3_equals_the_full_path(tmp_path, monkeypatch):
    from dualuse.service import live, versions
    from dualuse.storage.db import open_database

    url = f"sqlite:///{tmp_path / 'records.db'}"
    monkeypatch.setenv("DUALUSE_DB", url)
    monkeypatch.setenv("DUALUSE_CACHE_DIR", str(tmp_path / "versions"))
    monkeypatch.delenv("DUALUSE_DATA_DIR", raising=False)
    assert live.live_directory() == (True, None)  # no database file yet
    db = open_database(url)
    assert live.live_directory() == (False, None)  # no baseline version registered yet: not decided here
    info = versions.current(db)
    assert info.version == live.packaged_version()
    assert live.live_directory() == (True, None)  # the packaged data is live
    monkeypatch.setenv("DUALUSE_DB", "postgresql://user@host/db")
    assert live.live_directory() == (False, None)


def test_country_index_from_the_cache_equals_a_fresh_build(cache_dir):
    from dualuse.values import countries

    fresh = countries._build_country_index()
    countries.country_index.cache_clear()
    try:
        countries.country_index()  # builds and stores
        assert any(p.name.startswith("country-index-") for p in cache_dir.iterdir())
        countries.country_index.cache_clear()
        loaded = countries.country_index()
        assert loaded.spellings == fresh.spellings and loaded.ambiguous == fresh.ambiguous
        assert loaded.lookup("日本国") == "JP" and loaded.lookup("美國") == "US" and loaded.lookup("116") == "JP"
    finally:
        countries.country_index.cache_clear()


def test_unit_and_currency_tables_from_the_cache_equal_a_fresh_build(cache_dir):
    from dualuse.values import numbers

    fresh = numbers._build_tables()
    numbers._tables.cache_clear()
    try:
        numbers._tables()  # builds and stores
        assert any(p.name.startswith("unit-currency-tables-") for p in cache_dir.iterdir())
        numbers._tables.cache_clear()
        assert numbers._tables() == fresh
        assert numbers.parse_currency("美元") == "USD" and numbers.normalise_unit("KGS") == fresh[0][numbers._fold("KGS")]
    finally:
        numbers._tables.cache_clear()


def test_goods_reader_read_back_from_a_pickle_finds_the_same_goods():
    import pickle

    from dualuse.classification.search import CatalogueSearch

    fresh = CatalogueSearch(store.load_catalogue(), store.load_hs6(), store.load_reference_texts()).goods
    loaded = pickle.loads(pickle.dumps(fresh, protocol=pickle.HIGHEST_PROTOCOL))
    assert loaded._sub == {}  # the subheadings' word sets are not stored; read again from hs6 when asked
    for text in ("frozen boneless bovine meat cuts", "woven fabrics of cotton dyed", "rechargeable lithium-ion battery pack", "充电宝"):
        assert loaded.evidence(text) == fresh.evidence(text), text
    assert loaded.evidence("frozen boneless bovine meat cuts").heading == "020230"


def test_loaded_index_keeps_the_curated_variants_analysed(cache_dir):
    from dualuse.matching.analyze import analyze

    records = _records()
    index_store.load_or_build(records)
    loaded = index_store.load_or_build(records)
    stored = dict(loaded._variant_memo)
    assert sorted(stored) == list(range(loaded.var_record.size))
    for variant_id, indexed in stored.items():
        value, _ = indexed.form
        assert indexed.variant == analyze(value)[int(loaded.var_position[variant_id])]
        assert loaded.variant(variant_id) is indexed
