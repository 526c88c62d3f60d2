"""Load the packaged reference data (cached).

The data files live in the package (``dualuse/data``) and are read with
:mod:`importlib.resources`; the package never reads ``../shared``. A
different data directory (e.g. an updated list set) can be used by passing
``data_dir=...`` or by setting the environment variable ``DUALUSE_DATA_DIR``;
the argument wins over the variable.

Results are cached per data directory. The returned models are shared
between callers: treat them as read-only (use ``model_copy`` to modify).
Call :func:`clear_cache` after changing files on disk.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from functools import lru_cache
from importlib import resources
from pathlib import Path

from dualuse.models.knowledge import Knowledge
from dualuse.models.reference import LEGAL_LISTS, ControlEntry, DataManifest, ListEntry, ListInfo, ReferenceText

ENV_VAR = "DUALUSE_DATA_DIR"
PACKAGE_KEY = "<package>"

ENTITIES = "entities.jsonl"
LISTS = "lists.json"
CATALOGUE = "catalogue.jsonl"
HS6 = "hs6.json"
MANIFEST = "manifest.json"
QUALITY_REPORT = "catalogue_quality.md"
LEGAL_FORMS = "legal_forms.json"
KNOWLEDGE = "knowledge.json"
REFERENCE_TEXT = "reference_text.jsonl"


def _key(data_dir: str | Path | None) -> str:
    if data_dir is not None:
        return str(Path(data_dir).expanduser().resolve())
    env = os.environ.get(ENV_VAR)
    if env:
        return str(Path(env).expanduser().resolve())
    return PACKAGE_KEY


def data_location(data_dir: str | Path | None = None) -> str:
    """Where data is read from: a directory path, or ``<package>``."""
    return _key(data_dir)


def read_text(name: str, data_dir: str | Path | None = None) -> str:
    """Text of one data file from the override directory or the package.

    Raises:
        FileNotFoundError: the file is missing (run ``python -m dualuse.refdata.build``).
    """
    key = _key(data_dir)
    if key == PACKAGE_KEY:
        resource = resources.files("dualuse").joinpath("data", name)
        if not resource.is_file():
            raise FileNotFoundError(
                f"packaged data file {name} is missing; run `python -m dualuse.refdata.build`"
            )
        return resource.read_text(encoding="utf-8")
    path = Path(key) / name
    if not path.is_file():
        raise FileNotFoundError(f"data file {path} is missing")
    return path.read_text(encoding="utf-8")


def read_bytes(name: str, data_dir: str | Path | None = None) -> bytes:
    """Bytes of one data file (for hashing); see :func:`read_text`."""
    key = _key(data_dir)
    if key == PACKAGE_KEY:
        resource = resources.files("dualuse").joinpath("data", name)
        if not resource.is_file():
            raise FileNotFoundError(f"packaged data file {name} is missing; run `python -m dualuse.refdata.build`")
        return resource.read_bytes()
    path = Path(key) / name
    if not path.is_file():
        raise FileNotFoundError(f"data file {path} is missing")
    return path.read_bytes()


def _lines(text: str):
    for line in text.splitlines():
        if line.strip():
            yield json.loads(line)


@lru_cache(maxsize=8)
def _entries(key: str) -> tuple[ListEntry, ...]:
    return _validated(ENTITIES, key, ListEntry)


@lru_cache(maxsize=8)
def _lists(key: str) -> tuple[ListInfo, ...]:
    data = json.loads(read_text(LISTS, None if key == PACKAGE_KEY else key))
    return tuple(ListInfo.model_validate(obj) for obj in data)


@lru_cache(maxsize=8)
def _catalogue(key: str) -> tuple[ControlEntry, ...]:
    return _validated(CATALOGUE, key, ControlEntry)


def _validated(name: str, key: str, model) -> tuple:
    """The validated models of a JSON-lines data file, cached on disk by the file's bytes (:mod:`dualuse.artefacts`).

    Raises:
        FileNotFoundError: the file is missing.
        pydantic.ValidationError: a line does not match ``model``.
    """
    from dualuse.artefacts import cached, digest_parts

    raw = read_bytes(name, None if key == PACKAGE_KEY else key)
    return cached(f"data-{model.__name__}", digest_parts([name, raw]), lambda: tuple(model.model_validate(obj) for obj in _lines(raw.decode("utf-8"))))


@lru_cache(maxsize=8)
def _hs6(key: str) -> dict[str, str]:
    return json.loads(read_text(HS6, None if key == PACKAGE_KEY else key))


@lru_cache(maxsize=8)
def _reference_texts(key: str) -> tuple[ReferenceText, ...]:
    try:
        text = read_text(REFERENCE_TEXT, None if key == PACKAGE_KEY else key)
    except FileNotFoundError:
        return ()  # data versions built before the reference text existed
    return tuple(ReferenceText.model_validate(obj) for obj in _lines(text))


@lru_cache(maxsize=8)
def _manifest(key: str) -> DataManifest:
    return DataManifest.model_validate_json(read_text(MANIFEST, None if key == PACKAGE_KEY else key))


@lru_cache(maxsize=8)
def _knowledge(key: str) -> Knowledge:
    data_dir = None if key == PACKAGE_KEY else key
    try:
        return Knowledge.model_validate_json(read_text(KNOWLEDGE, data_dir))
    except FileNotFoundError:
        # a version built before knowledge.json existed: its horizon is its legal lists' data date
        dates = [info.data_date for info in _lists(key) if info.id in LEGAL_LISTS]
        horizon = min(dates) if dates else dt.date.min
        return Knowledge(horizon=horizon, horizon_basis=f"no {KNOWLEDGE} in this data version: the legal lists' data date")


def load_entries(data_dir: str | Path | None = None) -> list[ListEntry]:
    """All list entries (MOFCOM lists and reference lists), in list then id order."""
    return list(_entries(_key(data_dir)))


def entries_by_id(data_dir: str | Path | None = None) -> dict[str, ListEntry]:
    """``{entry id: entry}``."""
    return {e.id: e for e in _entries(_key(data_dir))}


def load_lists(data_dir: str | Path | None = None) -> list[ListInfo]:
    """One :class:`ListInfo` per list."""
    return list(_lists(_key(data_dir)))


def load_catalogue(data_dir: str | Path | None = None) -> list[ControlEntry]:
    """Control entries of the 2026 licence catalogue (export part; see ``catalogue_quality.md``)."""
    return list(_catalogue(_key(data_dir)))


def load_hs6(data_dir: str | Path | None = None) -> dict[str, str]:
    """HS 2022 descriptions: 2-digit chapters, 4-digit headings, 6-digit subheadings."""
    return dict(_hs6(_key(data_dir)))


def load_reference_texts(data_dir: str | Path | None = None) -> dict[str, ReferenceText]:
    """English reference text per control code (``{code: ReferenceText}``); empty for data built without it.

    The text is the US Commerce Control List under the same number: a
    retrieval aid, not the Chinese legal text (see :class:`ReferenceText`).
    """
    return {r.code: r for r in _reference_texts(_key(data_dir))}


def load_manifest(data_dir: str | Path | None = None) -> DataManifest:
    """The data manifest (version, sources, file hashes)."""
    return _manifest(_key(data_dir))


def load_knowledge(data_dir: str | Path | None = None) -> Knowledge:
    """The data version's knowledge horizon, instruments, notes and measure statuses (``knowledge.json``).

    A version without the file gets its legal lists' data date as horizon and nothing else.
    """
    return _knowledge(_key(data_dir))


def data_version(data_dir: str | Path | None = None) -> str:
    """The data version string, e.g. ``2026-08-05+3f2a9c1b``."""
    return load_manifest(data_dir).version


def clear_cache() -> None:
    """Forget everything loaded so far."""
    for fn in (_entries, _lists, _catalogue, _hs6, _reference_texts, _manifest, _knowledge):
        fn.cache_clear()
