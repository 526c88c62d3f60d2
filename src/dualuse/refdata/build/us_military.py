"""Convert ``data-sources/curated/us_military_users.csv`` into the US-MIL reference list.

Legal source: MOFCOM Announcement 2024 No. 46 (published and in force
2024-12-03). No MOFCOM URL for it could be verified; the URL is the
Shanghai Daily report that regime.md §3.7 cites, and the notes say so.
``published`` is the curated file's as-of date (``as_of:`` line of
``data-sources/curated/README.md``); ``effective`` is ``None``.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from dualuse.models.reference import LegalSource, ListEntry, NameForm, Relation

from .common import BuildError, clean, read_csv, split_list
from .names import dedupe, detect_lang, parse_alias
from .sources import US_MILITARY

ANN_2024_46_URL = "https://www.shine.cn/news/nation/2412036081/"
_AS_OF = re.compile(r"^as_of:\s*(\d{4}-\d{2}-\d{2})\s*$", re.MULTILINE)

NOTE = (
    "Reference list (not a legal list) compiled for MOFCOM Announcement 2024 No. 46 (published and in force "
    "2024-12-03), clause 1 of which prohibits exports of dual-use items to US military users and military uses; "
    "clause 2 (gallium, germanium, antimony, superhard materials, graphite) was suspended by Announcement 2025 "
    "No. 72 from 2025-11-09 until 2026-11-27, clause 1 remains in force (regime.md §3.7). The URL is the press "
    "report cited by regime.md; the MOFCOM page itself was not verified."
)


def curated_as_of(curated_dir: Path) -> dt.date:
    """The ``as_of:`` date declared in ``data-sources/curated/README.md``.

    Raises:
        BuildError: the README or its ``as_of:`` line is missing.
    """
    readme = curated_dir / "README.md"
    if not readme.exists():
        raise BuildError(f"{readme}: missing (it declares the curated files' as_of date)")
    m = _AS_OF.search(readme.read_text(encoding="utf-8"))
    if not m:
        raise BuildError(f"{readme}: no 'as_of: YYYY-MM-DD' line")
    return dt.date.fromisoformat(m.group(1))


def ann_2024_no46() -> LegalSource:
    """The legal source of the US-MIL reference list."""
    return LegalSource(
        issuer="MOFCOM",
        kind="announcement",
        year=2024,
        number=46,
        title_zh="商务部公告2024年第46号",
        citation="MOFCOM Announcement 2024 No. 46",
        articles=[],
        url=ANN_2024_46_URL,
    )


def convert(curated_dir: Path) -> list[ListEntry]:
    """Read the curated CSV and return the US-MIL entries in file order.

    Raises:
        BuildError: duplicate or missing ids, names or sources, unknown parents.
    """
    path = curated_dir / Path(US_MILITARY.path).name
    rows = read_csv(path)
    published = curated_as_of(curated_dir)
    by_id = {}
    for n, row in enumerate(rows, start=2):
        row_id = clean(row.get("id"))
        if not row_id or row_id in by_id:
            raise BuildError(f"{path}:{n}: missing or duplicate id {row_id!r}")
        by_id[row_id] = row
    entries = []
    for n, row in enumerate(rows, start=2):
        where = f"{path}:{n}"
        row_id = clean(row["id"])
        name_en = clean(row.get("name_en"))
        source = clean(row.get("source"))
        if not name_en or not source.startswith("http"):
            raise BuildError(f"{where}: {row_id} needs name_en and a source URL")
        confidence = clean(row.get("confidence")) or None
        forms = [NameForm(value=name_en, lang="en", kind="primary", confidence=confidence, source=source)]
        if clean(row.get("name_zh")):
            zh = clean(row["name_zh"])
            forms.append(NameForm(value=zh, lang=detect_lang(zh, "zh-Hans"), kind="zh_variant", confidence=confidence, source=source))
        for raw in split_list(row.get("aliases")):
            for value, kind, _note in parse_alias(raw):
                forms.append(NameForm(value=value, lang=detect_lang(value, "zh-Hans"), kind=kind, confidence=confidence, source=source))
        relations = []
        parent = clean(row.get("parent_id"))
        if parent:
            if parent not in by_id:
                raise BuildError(f"{where}: parent_id {parent!r} is not a row id")
            relations.append(Relation(relation="parent", target_id=f"US-MIL:{parent}", target_name=clean(by_id[parent]["name_en"])))
        notes = [clean(row.get("notes"))] if clean(row.get("notes")) else []
        notes.append(NOTE)
        entries.append(
            ListEntry(
                id=f"US-MIL:{row_id}",
                list="US-MIL",
                name=name_en,
                names=dedupe(forms),
                countries=["US"],
                legal_source=ann_2024_no46(),
                published=published,
                effective=None,
                category=clean(row.get("category")) or None,
                military_user=True,
                relations=relations,
                confidence=confidence,
                notes=" ".join(notes),
                provenance={
                    "dataset": US_MILITARY.dataset,
                    "file": US_MILITARY.path,
                    "upstream": US_MILITARY.upstream,
                    "record_key": row_id,
                    "as_of": published.isoformat(),
                    "licence": US_MILITARY.licence,
                    "source": source,
                },
            )
        )
    return entries
