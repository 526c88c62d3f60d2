"""Reproducible converter from ``../shared/data`` to the package's data files.

Run ``python -m dualuse.refdata.build [--source DIR] [--out DIR] [--curated DIR]``.
Defaults: source ``<repo>/../shared/data``, out ``src/dualuse/data`` (the
package data directory), curated ``<repo>/data-sources/curated``.

One module per job:

* :mod:`.citations`      Chinese instrument designations -> LegalSource
* :mod:`.names`          script/language detection, alias annotations, dedup
* :mod:`.mofcom_lists`   cn-lists.json -> CN-ECL/CN-WL/CN-UEL/CN-AFSL entries
* :mod:`.jp_listed`      Japanese names merged into the 80 Japanese entries
* :mod:`.jp_defense`     JP-MIL and JP-DEF reference lists
* :mod:`.us_military`    US-MIL reference list (curated CSV)
* :mod:`.supplements`    curated extra names/countries for non-Japanese entries
* :mod:`.relations`      parents and same_as links across lists
* :mod:`.readings`       generated romaji (Japanese) and pinyin (Chinese) forms
* :mod:`.org_types`      legal forms from rigour's organisation-type table
* :mod:`.catalogue`      2026 licence catalogue -> ControlEntry (+ checks)
* :mod:`.catalogue_hs`   HS codes the extraction put on the wrong row
* :mod:`.curated_items`  item announcements, clean names, parameters, suspended items
* :mod:`.catalogue_report` catalogue_quality.md
* :mod:`.hs`             HS 2022 descriptions
* :mod:`.knowledge`      knowledge.json (horizon, instruments, notes); citations by instrument URL
* :mod:`.official_listings` entries recorded from official notices the snapshot lacks
* :mod:`.reference_text` English reference text per code (US CCL, same number)
* :mod:`.thresholds`     thresholds read from the Chinese text with the reference text's help
* :mod:`.lists`          lists.json
* :mod:`.manifest`       manifest.json (version, hashes, sources)

The package itself never reads ``../shared``; only this converter does. Any
inconsistency between sources raises :class:`BuildError` before anything is
written.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from dualuse.models.reference import LIST_IDS, ListEntry

from . import (
    catalogue,
    catalogue_report,
    hs,
    jp_defense,
    jp_listed,
    knowledge,
    lists,
    manifest,
    mofcom_lists,
    official_listings,
    org_types,
    readings,
    reference_text,
    thresholds,
    relations,
    supplements,
    us_military,
)
from .common import BuildError, dump_json, dump_jsonl, natural_key
from .mode import mofcom_data_date, update_mode

__all__ = ["BuildError", "BuildSummary", "build", "default_paths"]

REPO_ROOT = Path(__file__).resolve().parents[4]
PACKAGE_DATA = Path(__file__).resolve().parents[2] / "data"


def default_paths() -> dict[str, Path]:
    """Default ``source``, ``out`` and ``curated`` directories."""
    return {
        "source": (REPO_ROOT / ".." / "shared" / "data").resolve(),
        "out": PACKAGE_DATA,
        "curated": REPO_ROOT / "data-sources" / "curated",
    }


@dataclass
class BuildSummary:
    """What the build produced (for the CLI and tests)."""

    version: str
    counts: dict[str, int]
    catalogue_entries: int
    catalogue_trusted: int
    hs_codes: int
    parents_resolved: int
    supplements_applied: int
    files: list[str] = field(default_factory=list)
    horizon: str = ""
    cited_by_instrument: int = 0
    official_listings: int = 0
    official_skipped: list[str] = field(default_factory=list)


def _entry_sort_key(entry: ListEntry) -> tuple:
    return (LIST_IDS.index(entry.list), natural_key(entry.id))


def _write(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8", newline="\n")


def build(source_dir: Path, out_dir: Path, curated_dir: Path | None = None) -> BuildSummary:
    """Convert every source and write the package data files into ``out_dir``.

    Raises:
        BuildError: a source is inconsistent (nothing is written then).
    """
    source_dir = Path(source_dir)
    out_dir = Path(out_dir)
    curated_dir = Path(curated_dir) if curated_dir else default_paths()["curated"]
    if not source_dir.is_dir():
        raise BuildError(f"source directory {source_dir} does not exist")

    # What the data knows: horizon, instruments, notes.
    know = knowledge.load(curated_dir)
    if update_mode() is not None and mofcom_data_date() > know.horizon.isoformat():
        # a newer snapshot: its sources were checked up to its own stamp
        know = know.model_copy(update={"horizon": dt.date.fromisoformat(mofcom_data_date()), "horizon_basis": f"the asOf stamp of the updated {mofcom_lists.CN_LISTS.path}"})

    # MOFCOM lists and the Japanese names.
    cn = mofcom_lists.convert(source_dir)
    cited = knowledge.cite_by_instrument(cn, know)
    cn_by_id = {e.id: e for e in cn}
    jp_listed.cross_check_transcription(source_dir, cn_by_id)
    parents = jp_listed.merge_names(source_dir, cn_by_id)
    official, official_skipped = official_listings.convert(curated_dir, know, cn)

    # Japanese reference lists.
    jp_mil, same_as = jp_defense.convert_military(source_dir, {e.id: e.name for e in cn})
    names: dict[str, list[str]] = {}
    for e in cn:
        names.setdefault(e.name, []).append(e.id)
    cn_by_unique_name = {n: ids[0] for n, ids in names.items() if len(ids) == 1}
    jp_def = jp_defense.convert_industry(source_dir, cn_by_unique_name)

    # US reference list.
    us_mil = us_military.convert(curated_dir)
    us_as_of = us_military.curated_as_of(curated_dir)

    entries: list[ListEntry] = [*cn, *official, *jp_mil, *jp_def, *us_mil]
    by_id: dict[str, ListEntry] = {}
    for e in entries:
        if e.id in by_id:
            raise BuildError(f"duplicate entry id {e.id}")
        by_id[e.id] = e
    japanese_cn = [e for e in cn if e.countries == ["JP"]]
    parents_resolved = relations.resolve_parents(parents, by_id, [jp_def, jp_mil, japanese_cn])
    relations.mirror_same_as(same_as, by_id)
    supplements_applied = supplements.apply(curated_dir, cn_by_id)
    readings.add_readings(entries)
    entries.sort(key=_entry_sort_key)

    # Catalogue, HS, lists.
    cat = catalogue.convert(source_dir, curated_dir)
    knowledge.name_interval_instruments(entries, cat.entries, know)
    hs_map = hs.convert(source_dir)
    ref_texts = reference_text.convert(source_dir, cat.entries)
    thresholds.derive(cat.entries, {r.code: r for r in ref_texts})
    report = catalogue_report.render(cat)
    infos = lists.build(entries, us_as_of)

    # Write.
    out_dir.mkdir(parents=True, exist_ok=True)
    _write(out_dir / "entities.jsonl", dump_jsonl(e.model_dump(mode="json", by_alias=True, exclude_none=True) for e in entries))
    _write(out_dir / "lists.json", dump_json([i.model_dump(mode="json", exclude_none=True) for i in infos]))
    _write(
        out_dir / "catalogue.jsonl",
        dump_jsonl(c.model_dump(mode="json", exclude_none=True) for c in cat.entries),
    )
    _write(out_dir / "hs6.json", dump_json(hs_map))
    _write(out_dir / "reference_text.jsonl", dump_jsonl(r.model_dump(mode="json") for r in ref_texts))
    _write(out_dir / "catalogue_quality.md", report)
    legal_forms = org_types.convert(source_dir)
    _write(out_dir / "legal_forms.json", dump_json(legal_forms))
    _write(out_dir / "knowledge.json", dump_json(know.model_dump(mode="json", exclude_none=True)))
    counts = {
        "entities.jsonl": len(entries),
        "lists.json": len(infos),
        "catalogue.jsonl": len(cat.entries),
        "hs6.json": len(hs_map),
        "catalogue_quality.md": 1,
        "legal_forms.json": len(legal_forms["forms"]),
        "knowledge.json": 1,
        "reference_text.jsonl": len(ref_texts),
    }
    overrides = {"us-military-users": us_as_of.isoformat(), "entity-supplements": us_as_of.isoformat()}
    man = manifest.build(out_dir, source_dir, curated_dir, counts, overrides)
    _write(out_dir / manifest.MANIFEST, dump_json(man.model_dump(mode="json")))

    per_list: dict[str, int] = {}
    for e in entries:
        per_list[e.list] = per_list.get(e.list, 0) + 1
    return BuildSummary(
        version=man.version,
        counts=per_list,
        catalogue_entries=len(cat.entries),
        catalogue_trusted=sum(c.name_trusted for c in cat.entries),
        hs_codes=len(hs_map),
        parents_resolved=parents_resolved,
        supplements_applied=supplements_applied,
        files=[*manifest.DATA_FILES, manifest.MANIFEST],
        horizon=know.horizon.isoformat(),
        cited_by_instrument=cited,
        official_listings=len(official),
        official_skipped=official_skipped,
    )
