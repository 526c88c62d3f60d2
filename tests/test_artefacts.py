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


def test_match_command_does_not_load_the_database_or_excel_code(tmp_path):
    code = (
        "import sys\n"
        "from dualuse.cli.app import app\n"
        "try:\n"
        "    app(['match', 'Huawei Technologies Co., Ltd.'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(sorted(m for m in ('sqlalchemy', 'alembic', 'openpyxl', 'weasyprint', 'fastapi') if m in sys.modules))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(SRC), "DUALUSE_DB": str(tmp_path / "none.db"), "DUALUSE_LANG": "en"}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert "Huawei" in done.stdout
    assert done.stdout.strip().splitlines()[-1] == "[]"


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
