"""Convert the jp-defense knowledge base into the JP-MIL and JP-DEF reference lists.

Both are reference lists compiled for MOFCOM Announcement 2026 No. 1, which
bans dual-use exports to Japanese military users and uses and to any end use
that enhances Japan's military strength. They are not legal lists: the
legal source is that announcement, with no articles, and ``effective`` is
``None``. ``published`` is the knowledge base's compilation date.

JP-MIL (``military_users.csv``): ``military_user`` is True except for the
rows whose notes say the body is not military (the Japan Coast Guard; see
``NOT_MILITARY``). Every other ``other`` row was read and kept as military:
the JSDF Central Hospital (SDF medical unit), the SDF Provincial
Cooperation Offices (SDF recruiting/liaison) and the Defense Attachés
(uniformed SDF officers).

JP-DEF (``defense_industry.csv``): ``category`` is the ``relation`` column.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from dualuse.models.reference import LegalSource, ListEntry, NameForm, Relation

from .common import BuildError, clean, read_csv, split_list
from .names import dedupe, detect_lang, parse_alias
from .sources import JP_DEFENSE, JP_KB_DATE, JP_MILITARY

ANN_2026_1_URL = "http://exportcontrol.mofcom.gov.cn/article/zcfg/gnzcfg/zcfggzqd/202601/1206.html"

# Rows of military_users.csv that are not military users, with the reason.
NOT_MILITARY: dict[str, str] = {
    "jp_jcg": "military_user is false because the source row says the body is not part of MOD/SDF and not a "
    "military organisation (review case by case; see below).",
}

_MOFCOM_LISTED = re.compile(r"^(CN-ECL|CN-WL) \d{4}-\d{2}-\d{2} \(Ann\. (\d{4}) No\.\s*(\d+) #(\d+)\)$")
_ENGLISH_CAVEAT = re.compile(
    r"\s*\((provisional English|English (?:form |name )?(?:unverified|not verified)[^)]*)\)\s*$", re.IGNORECASE
)

REFERENCE_NOTE = (
    "Reference list (not a legal list) compiled for MOFCOM Announcement 2026 No. 1, which prohibits exports of all "
    "dual-use items to Japanese military users, military uses and any end user or use that helps enhance Japan's "
    "military strength (in force from 2026-01-06)."
)


def ann_2026_no1() -> LegalSource:
    """The legal source of the Japanese reference lists."""
    return LegalSource(
        issuer="MOFCOM",
        kind="announcement",
        year=2026,
        number=1,
        title_zh="商务部公告2026年第1号",
        citation="MOFCOM Announcement 2026 No. 1",
        articles=[],
        url=ANN_2026_1_URL,
    )


def split_english(name_en: str) -> tuple[str | None, str | None]:
    """Split ``"Space Operations Wing (English unverified)"`` into name and caveat.

    A cell that is only a caveat (``"(English name not verified; ...)"``)
    gives ``(None, caveat)``.
    """
    text = clean(name_en)
    if text.startswith("(") and text.endswith(")"):
        return None, text[1:-1]
    m = _ENGLISH_CAVEAT.search(text)
    if m:
        return text[: m.start()].strip(), m.group(1)
    return text or None, None


def _alias_forms(cell: str, confidence: str | None, source: str) -> list[NameForm]:
    forms = []
    for raw in split_list(cell):
        for value, kind, _note in parse_alias(raw):
            forms.append(NameForm(value=value, lang=detect_lang(value, "ja"), kind=kind, confidence=confidence, source=source))
    return forms


def _base_names(row: dict[str, str], source: str, where: str) -> tuple[str, list[NameForm], list[str]]:
    """Primary name, name forms and notes common to both files."""
    confidence = clean(row.get("confidence")) or None
    notes: list[str] = []
    english, caveat = split_english(row.get("name_en", ""))
    name_ja = clean(row.get("name_ja"))
    if caveat:
        notes.append(f"English name caveat: {caveat}.")
    forms: list[NameForm] = []
    if english:
        primary = english
        forms.append(NameForm(value=english, lang="en", kind="primary", confidence=confidence, source=source))
    elif name_ja:
        primary = name_ja
        forms.append(NameForm(value=name_ja, lang="ja", kind="primary", confidence=confidence, source=source))
    else:
        raise BuildError(f"{where}: row has neither an English nor a Japanese name")
    if name_ja:
        forms.append(NameForm(value=name_ja, lang="ja", kind="official_ja", confidence=confidence, source=source))
    if clean(row.get("name_ja_kana")):
        forms.append(NameForm(value=clean(row["name_ja_kana"]), lang="ja-Kana", kind="kana", confidence=confidence, source=source))
    if clean(row.get("name_zh")):
        zh = clean(row["name_zh"])
        forms.append(
            NameForm(
                value=zh,
                lang=detect_lang(zh, "zh-Hans"),
                kind="zh_variant",
                confidence=clean(row.get("name_zh_confidence")) or None,
                source=source,
            )
        )
    forms.extend(_alias_forms(row.get("aliases", ""), confidence, source))
    return primary, dedupe(forms), notes


def _provenance(src, row_id: str, row_source: str) -> dict[str, str]:
    return {
        "dataset": src.dataset,
        "file": src.path,
        "upstream": src.upstream,
        "record_key": row_id,
        "as_of": src.as_of,
        "retrieved": src.retrieved,
        "licence": src.licence,
        "source": row_source,
    }


def convert_military(source_dir: Path, cn_names: dict[str, str]) -> tuple[list[ListEntry], dict[str, str]]:
    """Convert ``military_users.csv`` into JP-MIL entries.

    ``cn_names`` maps every MOFCOM entry id to its name. Returns the entries
    and ``{JP-MIL id: CN entry id}`` for the bodies that are themselves on a
    MOFCOM list (``mofcom_listed``).

    Raises:
        BuildError: duplicate ids, unknown parents, unparsable or unknown
            ``mofcom_listed`` references.
    """
    rows = read_csv(source_dir / JP_MILITARY.path)
    by_row = {clean(r["id"]): r for r in rows}
    if len(by_row) != len(rows):
        raise BuildError(f"{JP_MILITARY.path}: duplicate ids")
    published = dt.date.fromisoformat(JP_KB_DATE)
    entries: list[ListEntry] = []
    same_as: dict[str, str] = {}
    for n, row in enumerate(rows, start=2):
        where = f"{JP_MILITARY.path}:{n}"
        row_id = clean(row["id"])
        eid = f"JP-MIL:{row_id}"
        row_source = clean(row.get("source"))
        if not row_source:
            raise BuildError(f"{where}: {row_id} has no source")
        primary, forms, notes = _base_names(row, row_source, where)
        relations: list[Relation] = []
        parent = clean(row.get("parent_id"))
        if parent:
            if parent not in by_row:
                raise BuildError(f"{where}: parent_id {parent!r} is not a row id")
            parent_name, _ = split_english(by_row[parent].get("name_en", ""))
            relations.append(Relation(relation="parent", target_id=f"JP-MIL:{parent}", target_name=parent_name))
        listed = clean(row.get("mofcom_listed"))
        if listed:
            m = _MOFCOM_LISTED.match(listed)
            if not m:
                raise BuildError(f"{where}: cannot parse mofcom_listed {listed!r}")
            target = f"{m[1]}:MOFCOM-{m[2]}-{m[3]}:{m[4]}"
            if target not in cn_names:
                raise BuildError(f"{where}: mofcom_listed {listed!r} -> {target} does not exist")
            relations.append(Relation(relation="same_as", target_id=target, target_name=cn_names[target]))
            same_as[eid] = target
            notes.append(f"Itself listed: {listed}.")
        if row_id in NOT_MILITARY:
            military = False
            notes.append(NOT_MILITARY[row_id])
        else:
            military = True
        if clean(row.get("notes")):
            notes.append(clean(row["notes"]))
        notes.append(REFERENCE_NOTE)
        address = clean(row.get("address_ja"))
        entries.append(
            ListEntry(
                id=eid,
                list="JP-MIL",
                name=primary,
                names=forms,
                countries=["JP"],
                addresses=[address] if address else [],
                legal_source=ann_2026_no1(),
                published=published,
                effective=None,
                category=clean(row.get("category")) or None,
                military_user=military,
                relations=relations,
                confidence=clean(row.get("confidence")) or None,
                notes=" ".join(notes),
                provenance=_provenance(JP_MILITARY, row_id, row_source),
            )
        )
    return entries, same_as


def convert_industry(source_dir: Path, cn_by_name: dict[str, str]) -> list[ListEntry]:
    """Convert ``defense_industry.csv`` into JP-DEF entries.

    ``cn_by_name`` maps the exact English name of every MOFCOM entry to its
    id; every ``related_listed`` name must resolve to one.

    Raises:
        BuildError: duplicate ids or an unresolved ``related_listed`` name.
    """
    rows = read_csv(source_dir / JP_DEFENSE.path)
    published = dt.date.fromisoformat(JP_KB_DATE)
    entries: list[ListEntry] = []
    seen: set[str] = set()
    for n, row in enumerate(rows, start=2):
        where = f"{JP_DEFENSE.path}:{n}"
        row_id = clean(row["id"])
        if row_id in seen:
            raise BuildError(f"{where}: duplicate id {row_id}")
        seen.add(row_id)
        row_source = clean(row.get("source"))
        if not row_source:
            raise BuildError(f"{where}: {row_id} has no source")
        primary, forms, notes = _base_names(row, row_source, where)
        relation_kind = clean(row.get("relation"))
        if not relation_kind:
            raise BuildError(f"{where}: {row_id} has no relation")
        link = "subsidiary" if relation_kind == "parent_of_listed" else "related_to"
        relations: list[Relation] = []
        for name in split_list(row.get("related_listed")):
            target = cn_by_name.get(name)
            if target is None:
                raise BuildError(f"{where}: related_listed {name!r} is not the English name of any MOFCOM entry")
            relations.append(Relation(relation=link, target_id=target, target_name=name))
        if clean(row.get("relation_other")):
            notes.append(f"Also: {clean(row['relation_other'])}.")
        if clean(row.get("atla_rank_fy")):
            notes.append(f"ATLA central-procurement rank: {clean(row['atla_rank_fy'])}.")
        if clean(row.get("notes")):
            notes.append(clean(row["notes"]))
        notes.append(
            "Not itself on a MOFCOM list. " + REFERENCE_NOTE.replace("Reference list", "Reference list of defence-industry companies")
        )
        entries.append(
            ListEntry(
                id=f"JP-DEF:{row_id}",
                list="JP-DEF",
                name=primary,
                names=forms,
                countries=["JP"],
                legal_source=ann_2026_no1(),
                published=published,
                effective=None,
                category=relation_kind,
                relations=relations,
                confidence=clean(row.get("confidence")) or None,
                notes=" ".join(notes),
                provenance=_provenance(JP_DEFENSE, row_id, row_source),
            )
        )
    return entries
