"""``dualuse lists update``: load, validate, store, diff and re-screen a new list version.

Accepted inputs (:func:`prepare`):

* a directory laid out like ``../shared/data`` (``raw/mofcom-lists/cn-lists.json``,
  ``raw/mofcom-japan-2026/``, ``jp-defense/``, ``raw/cn-dual-use-catalogue-2026/``,
  ``raw/hs2022/``): converted by the package's own converter
  (:func:`dualuse.refdata.build.build`) in update mode, dated by the
  ``asOf`` stamp of ``cn-lists.json``. The curated CSV/YAML files come from
  ``--curated``, ``DIR/curated``, ``DIR/data-sources/curated`` or the repository;
* a built data directory (``entities.jsonl`` ... ``manifest.json``);
* a FollowTheMoney JSON-lines file (``.jsonl``, ``.ndjson``, ``.json``):
  applied to the live version (:mod:`dualuse.service.ftm`).

Everything is validated before anything is stored: the converter's own
checks, :func:`dualuse.refdata.validate.validate_data` on the complete new
file set, and building a screener from it. A malformed update raises
:class:`UpdateError` listing every problem, and the live version stays live.

:func:`apply` then stores the version, makes it live, lapses whitelist
entries whose list entry changed, records the update (with its diff) in the
audit chain and re-screens (:mod:`dualuse.service.rescreen`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from dualuse.models.reference import LEGAL_LISTS, LIST_IDS, ListEntry, ListInfo
from dualuse.importers import proposal
from dualuse.refdata import store
from dualuse.service import versions
from dualuse.service.diff import VersionDiff, diff_entries
from dualuse.service.ftm import FtmError, apply_ftm
from dualuse.service.rescreen import RECENT_DAYS, RescreenReport, rescreen
from dualuse.storage import chain
from dualuse.storage.db import Database
from dualuse.storage.models import ListVersion

FTM_SUFFIXES = (".jsonl", ".ndjson", ".json", ".ftm")


class UpdateError(ValueError):
    """A list update that cannot be loaded; ``problems`` lists what is wrong. Nothing was stored."""

    def __init__(self, problems: list[str], source: str = ""):
        head = f"{source}: " if source else ""
        super().__init__(f"{head}{len(problems)} problem(s); nothing was changed, the live list version stays live:\n" + "\n".join(f"  - {p}" for p in problems[:200]))
        self.problems = problems


@dataclass
class PreparedUpdate:
    """A validated new version, not stored yet.

    Attributes:
        files: the complete data files (``manifest.json`` included).
        version: its data version string.
        source: what it was loaded from; source_kind: ``directory``, ``built``, ``ftm``, ``proposal``.
        notes: what the loader did (counts, ignored entities ...).
        item_changes: control entries and measures whose status the update changes
            (proposals; every open or recent shipment is then re-screened).
    """

    files: dict[str, bytes]
    version: str
    source: str
    source_kind: str
    notes: list[str] = field(default_factory=list)
    item_changes: list[str] = field(default_factory=list)

    def entries(self) -> list[ListEntry]:
        """The new version's entries."""
        text = self.files[store.ENTITIES].decode("utf-8")
        return [ListEntry.model_validate_json(line) for line in text.splitlines() if line.strip()]


@dataclass
class UpdateReport:
    """What :func:`apply` did.

    Attributes:
        old, new: the versions before and after (``new`` is ``old`` when unchanged).
        unchanged: the update held exactly the live data.
        diff: added, removed, changed entries, status changes.
        lapsed: whitelist entries that lapsed.
        rescreen: the re-screening outcome.
        record_seq: the audit record of the update.
    """

    old: versions.VersionInfo
    new: versions.VersionInfo
    unchanged: bool = False
    diff: VersionDiff | None = None
    lapsed: list[dict] = field(default_factory=list)
    rescreen: RescreenReport | None = None
    record_seq: int | None = None
    notes: list[str] = field(default_factory=list)


def _curated_dir(path: Path, curated: Path | None) -> Path:
    from dualuse.refdata.build import default_paths

    for candidate in (curated, path / "curated", path / "data-sources" / "curated", default_paths()["curated"]):
        if candidate is not None and Path(candidate).is_dir():
            return Path(candidate)
    raise UpdateError(
        [f"no curated files found: give --curated DIR (the repository's data-sources/curated), or put them in {path / 'curated'}"], str(path)
    )


def _stamp_date(path: Path) -> str:
    from dualuse.refdata.build.sources import CN_LISTS

    file = path / CN_LISTS.path
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
        stamp = (data.get("stamps") or [{}])[0].get("asOf")
        dt.date.fromisoformat(stamp)
        return stamp
    except (OSError, ValueError, AttributeError, TypeError, IndexError) as error:
        raise UpdateError([f"{file}: expected JSON with stamps[0].asOf as a date like 2026-12-01 ({error})"], str(path)) from None


def _files_of_raw(path: Path, curated: Path | None) -> tuple[dict[str, bytes], list[str]]:
    from dualuse.refdata.build import BuildError, build
    from dualuse.refdata.build.mode import updating

    date = _stamp_date(path)
    curated_dir = _curated_dir(path, curated)
    out = Path(tempfile.mkdtemp(prefix="dualuse-update-"))
    try:
        with updating(date):
            summary = build(path, out, curated_dir)
        files = versions.files_of_directory(out)
    except BuildError as error:
        raise UpdateError([f"conversion failed: {error}"], str(path)) from None
    except (OSError, versions.VersionError, ValueError, KeyError) as error:
        raise UpdateError([f"conversion failed: {error.__class__.__name__}: {error}"], str(path)) from None
    finally:
        shutil.rmtree(out, ignore_errors=True)
    counts = ", ".join(f"{k} {v}" for k, v in summary.counts.items())
    return files, [f"converted the raw sources as of {date} (curated files from {curated_dir}): {counts}"]


def _entity_sort_key(entry: ListEntry) -> tuple:
    from dualuse.refdata.build.common import natural_key

    return (LIST_IDS.index(entry.list), natural_key(entry.id))


def _compose(
    base: dict[str, bytes],
    entries: list[ListEntry],
    lists_named: set[str],
    as_of: dt.date,
    source_name: str,
    source_bytes: bytes,
    *,
    replace_files: dict[str, bytes] | None = None,
    source_key: str = "ftm-update",
    dataset: str = "FollowTheMoney list update",
) -> dict[str, bytes]:
    """Data files with new entities (and ``replace_files``), recomputed lists.json and manifest.json."""
    from dualuse.refdata.build import lists as build_lists
    from dualuse.refdata.build.common import dump_json, dump_jsonl
    from dualuse.refdata.build.manifest import version_string
    from dualuse.refdata.build.mode import updating

    entries = sorted(entries, key=_entity_sort_key)
    files = dict(base)
    files[store.ENTITIES] = dump_jsonl(e.model_dump(mode="json", by_alias=True, exclude_none=True) for e in entries).encode("utf-8")
    old_infos = {i["id"]: i for i in json.loads(base[store.LISTS].decode("utf-8"))}
    us_as_of = dt.date.fromisoformat(old_infos.get("US-MIL", {}).get("data_date", as_of.isoformat()))
    with updating(as_of.isoformat()):
        infos = build_lists.build(entries, us_as_of)
    out_infos = []
    for info in infos:
        data = info.model_dump(mode="json", exclude_none=True)
        if info.id not in lists_named and info.id in old_infos:
            data["data_date"] = old_infos[info.id]["data_date"]
        out_infos.append(ListInfo.model_validate(data).model_dump(mode="json", exclude_none=True))
    files[store.LISTS] = dump_json(out_infos).encode("utf-8")
    manifest = json.loads(base[store.MANIFEST].decode("utf-8"))
    # data files this version of the package ships but the base version predates (e.g. a new table)
    packaged = versions.packaged_files()
    packaged_manifest = json.loads(packaged[store.MANIFEST].decode("utf-8"))
    for name, info in packaged_manifest["files"].items():
        if name not in manifest["files"]:
            files[name] = packaged[name]
            manifest["files"][name] = dict(info)
    files.update(replace_files or {})
    hashes: dict[str, str] = {}
    for name in manifest["files"]:
        content = files[name]
        hashes[name] = hashlib.sha256(content).hexdigest()
        manifest["files"][name]["sha256"] = hashes[name]
    manifest["files"][store.ENTITIES]["records"] = len(entries)
    manifest["files"][store.LISTS]["records"] = len(out_infos)
    manifest["version"] = version_string(as_of.isoformat(), hashes)
    manifest["built"] = f"{as_of.isoformat()}T00:00:00Z"
    manifest["sources"] = [s for s in manifest.get("sources", []) if s.get("key") != source_key] + [
        {
            "key": source_key,
            "path": source_name,
            "root": "update",
            "sha256": hashlib.sha256(source_bytes).hexdigest(),
            "as_of": as_of.isoformat(),
            "retrieved": dt.date.today().isoformat(),
            "licence": "as supplied with the update",
            "dataset": dataset,
            "upstream": source_name,
        }
    ]
    files[store.MANIFEST] = dump_json(manifest).encode("utf-8")
    return files


def _validate(files: dict[str, bytes], source: str) -> None:
    """validate_data on the complete file set, then build a screener from it."""
    from dualuse.decision.screen import Screener
    from dualuse.refdata.validate import validate_data

    directory = Path(tempfile.mkdtemp(prefix="dualuse-validate-"))
    try:
        for name, content in files.items():
            (directory / name).write_bytes(content)
        problems = validate_data(directory)
        if problems:
            raise UpdateError(problems, source)
        try:
            Screener(data_dir=directory)
        except Exception as error:  # noqa: BLE001 - any failure means the data cannot be screened with
            raise UpdateError([f"the data cannot be loaded for screening: {error.__class__.__name__}: {error}"], source) from None
    finally:
        store.clear_cache()
        shutil.rmtree(directory, ignore_errors=True)


def prepare(
    db: Database,
    path: str | Path,
    *,
    replace: bool = False,
    as_of: dt.date | None = None,
    curated: Path | None = None,
    allow_mass_removal: bool = False,
) -> PreparedUpdate:
    """Load and completely validate an update (nothing is stored).

    Args:
        db: the database (the live version is the base of an FtM update).
        path: a directory (raw sources or built data) or an FtM file.
        replace: FtM only: remove entries of the named lists that the file lacks.
        as_of: FtM only: the data date of the update (default: today).
        curated: raw directories only: the curated files' directory.
        allow_mass_removal: accept an update that removes more than :data:`MASS_REMOVAL_SHARE` of the
            live entries (a truncated export or a wrong file would otherwise empty the lists).

    Raises:
        UpdateError: every problem found; the live version is untouched.
    """
    path = Path(path)
    source = str(path)
    if not path.exists():
        raise UpdateError([f"{path} does not exist; expected a data directory or a FollowTheMoney JSON-lines file"], source)
    notes: list[str] = []
    item_changes: list[str] = []
    if path.is_dir():
        if (path / store.MANIFEST).is_file() and (path / store.ENTITIES).is_file():
            try:
                files = versions.files_of_directory(path)
            except versions.VersionError as error:
                raise UpdateError([str(error)], source) from None
            kind = "built"
            notes.append("read a built data directory")
        elif (path / "raw" / "mofcom-lists" / "cn-lists.json").is_file():
            files, notes = _files_of_raw(path, curated)
            kind = "directory"
        else:
            raise UpdateError(
                [
                    f"{path}: expected a directory laid out like ../shared/data (raw/mofcom-lists/cn-lists.json, "
                    "raw/mofcom-japan-2026/, jp-defense/, raw/cn-dual-use-catalogue-2026/, raw/hs2022/) "
                    "or a built data directory (entities.jsonl ... manifest.json)"
                ],
                source,
            )
    elif proposal.is_proposal(path):
        files, notes, item_changes = _files_of_proposal(db, path)
        kind = "proposal"
    else:
        if path.suffix.lower() not in FTM_SUFFIXES:
            raise UpdateError([f"{path}: expected a FollowTheMoney JSON-lines file (.jsonl, .ndjson, .json) or a directory"], source)
        live = versions.current(db)
        base = versions.files_of(db, live.seq)
        current_entries = [ListEntry.model_validate_json(line) for line in base[store.ENTITIES].decode("utf-8").splitlines() if line.strip()]
        try:
            result = apply_ftm(path, current_entries, replace=replace)
        except FtmError as error:
            raise UpdateError(error.problems, source) from None
        day = as_of or dt.date.today()
        files = _compose(base, result.entries, result.lists, day, path.name, path.read_bytes())
        kind = "ftm"
        ignored = ", ".join(f"{n} {schema}" for schema, n in sorted(result.ignored.items()))
        notes.append(
            f"FollowTheMoney: {result.targets} entities ({result.sanctions} sanctions) for {', '.join(sorted(result.lists))}; "
            f"{len(result.matched)} matched existing entries{'; ignored ' + ignored if ignored else ''}; "
            f"{'entries missing from the file are removed' if replace else 'nothing is removed unless the file ends a listing'}; data date {day}"
        )
    try:
        version = json.loads(files[store.MANIFEST].decode("utf-8"))["version"]
    except (KeyError, ValueError) as error:
        raise UpdateError([f"manifest.json has no version ({error})"], source) from None
    prepared = PreparedUpdate(files=files, version=version, source=source, source_kind=kind, notes=notes, item_changes=item_changes)
    try:
        _check_removal(db, prepared, source, allow_mass_removal)  # first: a truncated file also breaks relations
    except UpdateError:
        raise
    except Exception:  # noqa: BLE001 - entries that do not parse are reported by the validation below
        pass
    _validate(files, source)
    return prepared


MASS_REMOVAL_SHARE = 0.2
"""An update that removes more than this share of the live version's entries is refused unless
``allow_mass_removal`` (``--allow-mass-removal``, ``?allow_mass_removal=true``): lists grow and entries are
ended (kept with an end date), so a large removal is almost always a truncated or wrong file."""


def _check_removal(db: Database, prepared: PreparedUpdate, source: str, allowed: bool) -> None:
    """Refuse an update that removes more than :data:`MASS_REMOVAL_SHARE` of the live entries, or all of them."""
    live = versions.current(db)
    old_ids = {e.id for e in versions.entries_of(db, live)}
    if not old_ids:
        return
    new_ids = {e.id for e in prepared.entries()}
    removed = len(old_ids - new_ids)
    if not new_ids:
        raise UpdateError([f"the update holds no list entries; the live version {live.version} has {len(old_ids):,}"], source)
    if removed > MASS_REMOVAL_SHARE * len(old_ids) and not allowed:
        raise UpdateError([f"the update removes {removed:,} of the {len(old_ids):,} entries of the live version "
                           f"{live.version} ({removed / len(old_ids):.0%}, more than {MASS_REMOVAL_SHARE:.0%}); a truncated "
                           "or wrong file does this. If the removal is intended, repeat with --allow-mass-removal "
                           "(API: ?allow_mass_removal=true)"], source)


def _files_of_proposal(db: Database, path: Path) -> tuple[dict[str, bytes], list[str], list[str]]:
    """The live version's files with a proposal applied (:mod:`dualuse.importers.proposal`)."""
    from dualuse.decision.horizon import apply_measure_statuses
    from dualuse.importers import proposal as proposals
    from dualuse.models.knowledge import Knowledge
    from dualuse.rules.loader import load_rules

    try:
        plan = proposals.read(path)
    except proposals.ProposalError as error:
        raise UpdateError(error.problems, str(path)) from None
    live = versions.current(db)
    base = versions.files_of(db, live.seq)
    notes = [f"proposal from {plan.source_kind} {Path(plan.source).name} ({plan.instrument.citation if plan.instrument else 'no instrument'}): {plan.counts()}"]
    if plan.base_version != live.version:
        notes.append(f"the proposal was read against {plan.base_version}; the live version is {live.version}: applied to the live version")
    knowledge = Knowledge.model_validate_json(base.get(store.KNOWLEDGE) or proposals.versions_packaged_knowledge())
    try:
        entries, catalogue, knowledge_bytes, item_changes = proposals.apply_to_files(plan, base, apply_measure_statuses(load_rules(), knowledge))
    except proposals.ProposalError as error:
        raise UpdateError(error.problems, str(path)) from None
    named = {op.entry.list for op in plan.operations if isinstance(op, proposals.AddEntry)}
    old_infos = {i["id"]: i for i in json.loads(base[store.LISTS].decode("utf-8"))}
    # the lists' data date never goes back; a newer instrument moves it forward
    old_dates = [dt.date.fromisoformat(i["data_date"]) for i in old_infos.values() if i["id"] in LEGAL_LISTS]
    day = max([*old_dates, *([plan.instrument.published] if plan.instrument and plan.instrument.published else [])])
    files = _compose(
        base, entries, named, day, Path(plan.source).name, path.read_bytes(),
        replace_files={store.CATALOGUE: catalogue, store.KNOWLEDGE: knowledge_bytes},
        source_key="proposal-update", dataset=f"proposed update ({plan.source_kind} import)",
    )
    notes.extend(plan.notes)
    if item_changes:
        notes.append("status changes of items or rules: " + ", ".join(item_changes))
    return files, notes, item_changes


def apply(
    db: Database,
    prepared: PreparedUpdate,
    *,
    actor: str,
    recent_days: int = RECENT_DAYS,
    today: dt.date | None = None,
    workers: int = 1,
    dask: str | None = None,
) -> UpdateReport:
    """Store a prepared update as the live version, record it, lapse whitelist entries, re-screen.

    ``workers`` / ``dask``: where the re-screening of many shipments runs (see :func:`rescreen`).

    Returns:
        An :class:`UpdateReport` (``unchanged`` when the update holds the live data).
    """
    from dualuse.service.alerts import lapse_whitelist

    old = versions.current(db)
    if prepared.version == old.version:
        return UpdateReport(old=old, new=old, unchanged=True, notes=prepared.notes)
    old_entries = versions.entries_of(db, old)
    new_entries = prepared.entries()
    diff = diff_entries(old_entries, new_entries, old.version, prepared.version, today)
    diff.item_changes = list(prepared.item_changes)
    with db.write() as session:
        existing = session.query(ListVersion).filter(ListVersion.version == prepared.version).one_or_none()
        if existing is not None:
            versions.set_current(session, existing.seq)
            seq = existing.seq
        else:
            row = versions.store_version(session, prepared.files, prepared.source, prepared.source_kind, actor, {"diff": diff.counts(), "notes": prepared.notes})
            seq = row.seq
        fingerprints = versions.fingerprints_of_session(session, seq)
        lapsed = lapse_whitelist(session, fingerprints, prepared.version, actor)
        summary = diff.as_dict()
        record = chain.append(
            session,
            "list_update",
            actor,
            "cli" if prepared.source_kind != "api" else "api",
            {
                "version": prepared.version,
                "version_seq": seq,
                "previous": old.version,
                "previous_seq": old.seq,
                "source": prepared.source,
                "source_kind": prepared.source_kind,
                "notes": prepared.notes,
                "reactivated": existing is not None,
                "diff": summary,
                "whitelist_lapsed": [w["id"] for w in lapsed],
            },
            subject=f"list_version:{seq}",
            data_version=prepared.version,
        )
        record_seq = record.seq
    new = versions.current(db)
    report = rescreen(db, new, diff, actor=actor, recent_days=recent_days, today=today, workers=workers, dask=dask)
    with db.write() as session:
        row = session.get(ListVersion, new.seq)
        data = json.loads(row.summary or "{}")
        data["rescreen"] = {k: v for k, v in report.as_dict().items() if k != "hits"}
        row.summary = json.dumps(data, ensure_ascii=False, sort_keys=True)
        brief = {k: v for k, v in report.as_dict().items() if k != "hits"}
        brief["hits"] = report.hits[:500]
        chain.append(session, "list_rescreen", actor, "rescreen", {"version": new.version, "version_seq": new.seq, **brief}, subject=f"list_version:{new.seq}", data_version=new.version)
    return UpdateReport(old=old, new=versions.current(db), diff=diff, lapsed=lapsed, rescreen=report, record_seq=record_seq, notes=prepared.notes)


def diff_versions(db: Database, a: str | int, b: str | int, day: dt.date | None = None) -> VersionDiff:
    """The diff between two stored versions (by seq, version string, ``current``, ``previous``).

    Raises:
        versions.VersionError: unknown version.
    """
    first, second = versions.resolve(db, a), versions.resolve(db, b)
    return diff_entries(versions.entries_of(db, first), versions.entries_of(db, second), first.version, second.version, day)
