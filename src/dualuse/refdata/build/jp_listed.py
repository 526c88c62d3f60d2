"""Merge the Japanese name knowledge base into the 80 MOFCOM-listed Japanese entries.

Inputs:

* ``jp-defense/listed_entity_names.csv``: official Japanese name, kana,
  romaji, Chinese variants, aliases, parent company, confidence, notes.
  Key: ``name_en_mofcom`` + ``list`` + ``announcement_no`` + ``seq``.
* ``raw/mofcom-japan-2026/mofcom_japan_entities_2026.csv``: an independent
  transcription of the same 80 annex rows, used as a cross-check of names,
  dates, statuses and URLs.

Any disagreement stops the build. Parents (``parent_en``) are returned for
:mod:`.relations` to resolve once every list has been converted.
"""

from __future__ import annotations

import re
from pathlib import Path

from dualuse.models.reference import ListEntry, NameForm

from .common import BuildError, clean, read_csv, split_list
from .mode import update_mode
from .names import dedupe, detect_lang, parse_alias
from .sources import JAPAN_2026, JP_LISTED_NAMES

_ANN = re.compile(r"MOFCOM Announcement (\d{4}) No\. (\d+)")
_LIST_NAME_ZH = {"CN-ECL": "出口管制管控名单", "CN-WL": "关注名单"}


def _annex_zh(entry: ListEntry) -> str | None:
    for form in entry.names:
        if form.kind == "annex_zh":
            return form.value
    return None


def cross_check_transcription(source_dir: Path, by_id: dict[str, ListEntry]) -> int:
    """Compare ``mofcom_japan_entities_2026.csv`` with the cn-lists entries.

    Returns the number of rows checked (80).

    Raises:
        BuildError: a row is missing, extra, or disagrees on any field.
    """
    rows = read_csv(source_dir / JAPAN_2026.path)
    seen: set[str] = set()
    for n, row in enumerate(rows, start=2):
        where = f"{JAPAN_2026.path}:{n}"
        m = _ANN.search(row.get("announcement", ""))
        if not m:
            raise BuildError(f"{where}: cannot read announcement {row.get('announcement')!r}")
        year, number = m.groups()
        eid = f"{clean(row['list'])}:MOFCOM-{year}-{number}:{clean(row['seq'])}"
        entry = by_id.get(eid)
        if entry is None:
            raise BuildError(f"{where}: {eid} is not in cn-lists.json")
        if eid in seen:
            raise BuildError(f"{where}: {eid} appears twice")
        seen.add(eid)
        checks = {
            "name_en": (clean(row["name_en"]), entry.name),
            "name_zh": (clean(row["name_zh"]), _annex_zh(entry)),
            "effective_date": (clean(row["effective_date"]), entry.effective.isoformat() if entry.effective else None),
            "source_url": (clean(row["source_url"]), entry.legal_source.url),
            "country": (clean(row["country"]), ",".join(entry.countries)),
            "list_name_zh": (clean(row["list_name_zh"]), _LIST_NAME_ZH.get(entry.list)),
        }
        for field, (theirs, ours) in checks.items():
            if theirs != ours:
                raise BuildError(f"{where}: {field} {theirs!r} disagrees with cn-lists.json {eid} {ours!r}")
        status = clean(row["status"]).split(" ", 1)[0]
        ours_status = entry.status_intervals[-1].status if entry.status_intervals else "active"
        if status != ours_status:
            raise BuildError(f"{where}: status {status!r} disagrees with cn-lists.json {eid} {ours_status!r}")
        if entry.legal_source.number != int(number) or entry.legal_source.year != int(year):
            raise BuildError(f"{where}: announcement {year} No. {number} disagrees with {entry.legal_source.citation}")
    japanese = {e.id for e in by_id.values() if e.countries == ["JP"] and e.list in _LIST_NAME_ZH}
    # an update may list Japanese entries the transcription does not have yet
    if seen != japanese and not (update_mode() is not None and seen <= japanese):
        raise BuildError(
            f"{JAPAN_2026.path}: rows {sorted(seen ^ japanese)} are not matched between the transcription and cn-lists.json"
        )
    return len(seen)


def merge_names(source_dir: Path, by_id: dict[str, ListEntry]) -> dict[str, str]:
    """Add the Japanese name forms to the listed entries (in place).

    Returns ``{entry id: parent_en}`` for rows that name a parent.

    Raises:
        BuildError: a row does not match its cn-lists entry.
    """
    rows = read_csv(source_dir / JP_LISTED_NAMES.path)
    parents: dict[str, str] = {}
    seen: set[str] = set()
    for n, row in enumerate(rows, start=2):
        where = f"{JP_LISTED_NAMES.path}:{n}"
        eid = f"{clean(row['list'])}:MOFCOM-2026-{clean(row['announcement_no'])}:{clean(row['seq'])}"
        entry = by_id.get(eid)
        if entry is None:
            raise BuildError(f"{where}: no cn-lists entry {eid}")
        if eid in seen:
            raise BuildError(f"{where}: {eid} appears twice")
        seen.add(eid)
        if clean(row["name_en_mofcom"]) != entry.name:
            raise BuildError(f"{where}: name_en_mofcom {row['name_en_mofcom']!r} != {eid} name {entry.name!r}")
        if clean(row["name_zh_mofcom"]) != _annex_zh(entry):
            raise BuildError(f"{where}: name_zh_mofcom {row['name_zh_mofcom']!r} != {eid} annex {_annex_zh(entry)!r}")
        confidence = clean(row.get("confidence")) or None
        source = clean(row.get("source"))
        if not source or source.startswith("("):
            source = f"{JP_LISTED_NAMES.path} ({source or 'no source'})"
        forms = list(entry.names)
        for variant in split_list(row.get("name_zh_variants")):
            forms.append(
                NameForm(value=variant, lang=detect_lang(variant, "zh-Hans"), kind="zh_variant", confidence=confidence, source=source)
            )
        if clean(row.get("name_ja_official")):
            forms.append(
                NameForm(value=clean(row["name_ja_official"]), lang="ja", kind="official_ja", confidence=confidence, source=source)
            )
        if clean(row.get("name_ja_kana")):
            forms.append(NameForm(value=clean(row["name_ja_kana"]), lang="ja-Kana", kind="kana", confidence=confidence, source=source))
        if clean(row.get("name_romaji")):
            forms.append(NameForm(value=clean(row["name_romaji"]), lang="ja-Latn", kind="romaji", confidence=confidence, source=source))
        for raw in split_list(row.get("aliases")):
            for value, kind, _note in parse_alias(raw):
                forms.append(NameForm(value=value, lang=detect_lang(value, "ja"), kind=kind, confidence=confidence, source=source))
        entry.names = dedupe(forms)
        entry.confidence = confidence
        notes = [entry.notes] if entry.notes else []
        if clean(row.get("notes")):
            notes.append(clean(row["notes"]))
        entry.notes = " ".join(notes) or None
        entry.provenance["names"] = f"{JP_LISTED_NAMES.path} (compiled {JP_LISTED_NAMES.as_of}; {JP_LISTED_NAMES.licence})"
        entry.provenance["names_source"] = source
        if clean(row.get("parent_en")):
            parents[eid] = clean(row["parent_en"])
    japanese = {e.id for e in by_id.values() if e.countries == ["JP"] and e.list in _LIST_NAME_ZH}
    # an update may list Japanese entries the name knowledge base does not cover yet
    if seen != japanese and not (update_mode() is not None and seen <= japanese):
        raise BuildError(f"{JP_LISTED_NAMES.path}: entries {sorted(japanese ^ seen)} are not matched")
    return parents
