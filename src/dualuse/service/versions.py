"""Versions of the reference data kept in the database, and the live one.

Every version is the complete set of data files the package ships
(``entities.jsonl``, ``lists.json``, ``catalogue.jsonl``, ``hs6.json``,
``catalogue_quality.md``, ``manifest.json``), stored content-addressed and
compressed, with an index of its entries and their fingerprints. The first
use of a database registers the packaged data as version 1; ``dualuse lists
update`` adds versions. Exactly one version is live (``settings.current_version``):
screenings use it and record its version string.

To screen, a version's files are written once to a cache directory
(``$DUALUSE_CACHE_DIR``, else ``$XDG_CACHE_HOME/dualuse/versions``, else
``~/.cache/dualuse/versions``; a temporary directory when that is not
writable) and read with :mod:`dualuse.refdata.store`.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import threading
import zlib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from dualuse.decision.overrides import entry_fingerprint
from dualuse.models.reference import LEGAL_LISTS, ListEntry
from dualuse.refdata import store
from dualuse.service import live
from dualuse.storage.chain import utc_now
from dualuse.storage.db import Database
from dualuse.storage.models import DataBlob, ListVersion, ListVersionFile, Setting, VersionEntry

# the settings key of the live version and the cache override, shared with the start-up fast path
CURRENT_KEY = live.CURRENT_KEY
CACHE_ENV = live.CACHE_ENV


class VersionError(LookupError):
    """A list version that does not exist was asked for, or its stored files are damaged."""


@dataclass(frozen=True)
class VersionInfo:
    """One stored list version.

    Attributes:
        seq: 1, 2, 3 ... in the order versions were stored.
        version: the data version string (``2026-08-05+3f2a9c1b``).
        created_at, created_by: when and by whom it was stored.
        source: where it came from (``packaged data``, a path ...).
        source_kind: ``package``, ``directory``, ``built``, ``ftm``.
        parent_seq: the version that was live when it was stored.
        data_date: the legal lists' data date.
        entries: number of list entries.
        summary: counts of the diff against the parent, and the re-screening outcome.
        current: True for the live version.
    """

    seq: int
    version: str
    created_at: str
    created_by: str
    source: str
    source_kind: str
    parent_seq: int | None
    data_date: str | None
    entries: int
    summary: dict = field(default_factory=dict)
    current: bool = False

    def as_dict(self) -> dict:
        """JSON-ready dict."""
        return dict(self.__dict__)


def _info(row: ListVersion, current_seq: int | None) -> VersionInfo:
    return VersionInfo(
        seq=row.seq,
        version=row.version,
        created_at=row.created_at,
        created_by=row.created_by,
        source=row.source,
        source_kind=row.source_kind,
        parent_seq=row.parent_seq,
        data_date=row.data_date,
        entries=row.entries,
        summary=json.loads(row.summary or "{}"),
        current=row.seq == current_seq,
    )


def packaged_files() -> dict[str, bytes]:
    """The data files shipped in the package (every file its manifest lists, plus the manifest).

    Read from the package itself, whatever ``DUALUSE_DATA_DIR`` says.
    """
    root = resources.files("dualuse").joinpath("data")
    manifest = root.joinpath(store.MANIFEST).read_bytes()
    files = {name: root.joinpath(name).read_bytes() for name in json.loads(manifest.decode("utf-8"))["files"]}
    files[store.MANIFEST] = manifest
    return files


def packaged_version() -> str:
    """The version string of the data shipped in the package."""
    return live.packaged_version()


def files_of_directory(directory: Path) -> dict[str, bytes]:
    """The data files of a built data directory: every file its manifest lists, plus the manifest.

    Raises:
        VersionError: no readable manifest, or a listed file is missing.
    """
    manifest_path = Path(directory) / store.MANIFEST
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        names = list(manifest["files"])
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise VersionError(f"{manifest_path}: not a readable data manifest ({error})") from None
    files: dict[str, bytes] = {}
    for name in names:
        path = Path(directory) / name
        if not path.is_file():
            raise VersionError(f"{path}: listed in the manifest but missing")
        files[name] = path.read_bytes()
    files[store.MANIFEST] = manifest_path.read_bytes()
    return files


def _entries_from(files: dict[str, bytes]) -> list[ListEntry]:
    return [ListEntry.model_validate_json(line) for line in files[store.ENTITIES].decode("utf-8").splitlines() if line.strip()]


def _version_string(files: dict[str, bytes]) -> str:
    return json.loads(files[store.MANIFEST].decode("utf-8"))["version"]


def _data_date(files: dict[str, bytes]) -> str | None:
    try:
        infos = json.loads(files[store.LISTS].decode("utf-8"))
    except (KeyError, ValueError):
        return None
    dates = [info.get("data_date") for info in infos if info.get("id") in LEGAL_LISTS and info.get("data_date")]
    return min(dates) if dates else None


def current_seq(session: Session) -> int | None:
    """Seq of the live version (``None`` before the baseline is registered)."""
    setting = session.get(Setting, CURRENT_KEY)
    return int(setting.value) if setting else None


def store_version(
    session: Session,
    files: dict[str, bytes],
    source: str,
    source_kind: str,
    actor: str,
    summary: dict | None = None,
    make_current: bool = True,
) -> ListVersion:
    """Store a validated set of data files as a new version (inside the caller's write transaction).

    Args:
        files: ``{file name: bytes}``, including ``manifest.json``.
        source: where it came from, for ``lists history``.
        source_kind: ``package``, ``directory``, ``built`` or ``ftm``.
        actor: who stored it.
        summary: diff counts etc. to keep with the version.
        make_current: make it the live version.

    Raises:
        VersionError: a version with the same version string is stored already.
    """
    version = _version_string(files)
    if session.scalar(select(ListVersion.seq).where(ListVersion.version == version)) is not None:
        raise VersionError(f"data version {version} is stored already")
    entries = _entries_from(files)
    row = ListVersion(
        version=version,
        created_at=utc_now(),
        created_by=actor[:200],
        source=source,
        source_kind=source_kind,
        parent_seq=current_seq(session),
        data_date=_data_date(files),
        entries=len(entries),
        summary=json.dumps(summary or {}, ensure_ascii=False, sort_keys=True),
    )
    session.add(row)
    session.flush()
    for name, content in sorted(files.items()):
        digest = hashlib.sha256(content).hexdigest()
        if session.get(DataBlob, digest) is None:
            session.add(DataBlob(sha256=digest, size=len(content), content=zlib.compress(content, 6)))
        session.add(ListVersionFile(version_seq=row.seq, name=name, sha256=digest))
    session.add_all(
        VersionEntry(version_seq=row.seq, entry_id=e.id, list_id=e.list, name=e.name, fingerprint=entry_fingerprint(e)) for e in entries
    )
    if make_current:
        set_current(session, row.seq)
    session.flush()
    return row


def set_current(session: Session, seq: int) -> None:
    """Make version ``seq`` the live one."""
    setting = session.get(Setting, CURRENT_KEY)
    if setting is None:
        session.add(Setting(key=CURRENT_KEY, value=str(seq)))
    else:
        setting.value = str(seq)


_BASELINE_LOCK = threading.Lock()
_PG_BASELINE_LOCK_ID = 7423010127
"""PostgreSQL advisory lock taken while the baseline version is registered (SQLite's BEGIN IMMEDIATE serialises already)."""


def ensure_baseline(db: Database, actor: str = "dualuse") -> VersionInfo:
    """The live version, registering the packaged data as version 1 on a new database."""
    with db.read() as session:
        seq = current_seq(session)
        if seq is not None:
            return _info(session.get(ListVersion, seq), seq)
    with _BASELINE_LOCK, db.write() as session:
        if db.dialect == "postgresql":  # processes racing on a new database: one registers the baseline
            session.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": _PG_BASELINE_LOCK_ID})
        seq = current_seq(session)
        if seq is None:
            row = store_version(session, packaged_files(), "packaged data (dualuse/data)", "package", actor, {"baseline": True})
            seq = row.seq
        return _info(session.get(ListVersion, seq), seq)


def current(db: Database) -> VersionInfo:
    """The live version (see :func:`ensure_baseline`)."""
    return ensure_baseline(db)


def live_for_screening(db: Database) -> VersionInfo:
    """The live version for screening (its seq, version string and files), read once per change.

    Each call reads only the one setting that names the live version (a plain SQL query, no ORM
    session) and returns the version read last time while the setting names the same seq; another
    process that makes a new version live changes the setting, and the next call reads that version.
    What screening uses of a version (seq, version string, its files) never changes once stored; its
    ``summary`` may (the re-screening report is added after an update): read :func:`current` for it.
    """
    seq = _live_seq(db)
    cached = db.__dict__.get("_live_version")
    if seq is not None and cached is not None and cached.seq == seq:
        return cached
    info = ensure_baseline(db)
    db.__dict__["_live_version"] = info
    return info


def _live_seq(db: Database) -> int | None:
    """The seq the ``current_version`` setting names (``None``: no setting yet, or not readable)."""
    table = Setting.__table__
    try:
        with db.engine.connect() as connection:
            value = connection.execute(select(table.c.value).where(table.c.key == CURRENT_KEY)).scalar()
    except Exception:  # noqa: BLE001 - the full path below reads (and reports) it
        return None
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def history(db: Database) -> list[VersionInfo]:
    """Every stored version, oldest first."""
    ensure_baseline(db)
    with db.read() as session:
        live = current_seq(session)
        return [_info(row, live) for row in session.scalars(select(ListVersion).order_by(ListVersion.seq))]


def resolve(db: Database, ref: str | int) -> VersionInfo:
    """A version by seq (``3``), version string, ``current``/``live`` or ``previous``.

    Raises:
        VersionError: no such version.
    """
    versions = history(db)
    text = str(ref).strip()
    if text in ("current", "live"):
        return next(v for v in versions if v.current)
    if text == "previous":
        live = next(v for v in versions if v.current)
        if live.parent_seq is None:
            raise VersionError("the live version has no previous version")
        text = str(live.parent_seq)
    for version in versions:
        if text == str(version.seq) or text == version.version or (len(text) >= 8 and version.version.endswith(text)):
            return version
    known = ", ".join(f"{v.seq} ({v.version})" for v in versions)
    raise VersionError(f"no list version {ref!r}; stored versions: {known}")


def files_of(db: Database, seq: int) -> dict[str, bytes]:
    """The data files of version ``seq``, checked against their sha256.

    Raises:
        VersionError: no such version, or a stored file does not match its hash.
    """
    with db.read() as session:
        rows = session.execute(
            select(ListVersionFile.name, DataBlob.sha256, DataBlob.content)
            .join(DataBlob, DataBlob.sha256 == ListVersionFile.sha256)
            .where(ListVersionFile.version_seq == seq)
        ).all()
    if not rows:
        raise VersionError(f"list version {seq} has no stored files")
    files: dict[str, bytes] = {}
    for name, digest, compressed in rows:
        content = zlib.decompress(compressed)
        if hashlib.sha256(content).hexdigest() != digest:
            raise VersionError(f"list version {seq}: stored file {name} does not match its sha256 (damaged)")
        files[name] = content
    return files


def cache_root() -> Path:
    """Where version files are written for screening (see :func:`dualuse.service.live.cache_root`)."""
    return live.cache_root()


_MATERIALIZED: dict[str, Path] = {}
_MATERIALIZE_LOCK = threading.Lock()


def _complete(directory: Path, files: dict[str, bytes]) -> bool:
    for name, content in files.items():
        path = directory / name
        if not path.is_file() or path.stat().st_size != len(content) or path.read_bytes() != content:
            return False
    return True


def materialize(db: Database, info: VersionInfo) -> Path | None:
    """A directory holding version ``info``'s files (``None`` when it is the packaged data itself).

    The directory is named after the version string, which hashes the files,
    so it is written once and reused.
    """
    if info.version == packaged_version() and store.data_location() == store.PACKAGE_KEY:
        return None  # the packaged data itself, read from the package
    with _MATERIALIZE_LOCK:
        found = _MATERIALIZED.get(info.version)
        if found is not None and found.is_dir():
            return found
        files = files_of(db, info.seq)
        for root in (cache_root(), Path(tempfile.gettempdir()) / f"dualuse-versions-{os.getuid() if hasattr(os, 'getuid') else 'user'}"):
            target = root / info.version.replace("/", "_")
            try:
                if not (target.is_dir() and _complete(target, files)):
                    root.mkdir(parents=True, exist_ok=True)
                    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=root))
                    for name, content in files.items():
                        (staging / name).write_bytes(content)
                    if target.exists():
                        shutil.rmtree(target, ignore_errors=True)
                    os.replace(staging, target)
                _MATERIALIZED[info.version] = target
                return target
            except OSError:
                continue
        raise VersionError(f"cannot write list version {info.version} to {cache_root()} or the temporary directory")


def entries_of(db: Database, info: VersionInfo) -> list[ListEntry]:
    """The list entries of a stored version."""
    return store.load_entries(materialize(db, info))


def fingerprints_of_session(session: Session, seq: int) -> dict[str, tuple[str, str, str]]:
    """``{entry id: (list, name, fingerprint)}`` of version ``seq``, inside an open session."""
    return {
        entry_id: (list_id, name, fingerprint)
        for entry_id, list_id, name, fingerprint in session.execute(
            select(VersionEntry.entry_id, VersionEntry.list_id, VersionEntry.name, VersionEntry.fingerprint).where(VersionEntry.version_seq == seq)
        )
    }


def fingerprints_of(db: Database, seq: int) -> dict[str, tuple[str, str, str]]:
    """``{entry id: (list, name, fingerprint)}`` of version ``seq``."""
    with db.read() as session:
        return fingerprints_of_session(session, seq)
