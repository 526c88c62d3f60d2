"""Reference-data model: legal sources, list entries, control-list entries.

Every record the package ships carries where it comes from (legal source
and URL), when it was published, when it took effect, and the intervals in
which it was suspended, stopped or removed. Decisions cite these records and
record the data version they were made with, so a decision can be
reproduced later from the same versions.

List identifiers (``ListId``):

* ``CN-ECL``  MOFCOM export-control control list (出口管制管控名单), ECL Art. 18,
  Regulations Arts. 28-30.
* ``CN-WL``   MOFCOM watch list (关注名单), Regulations Art. 26.
* ``CN-UEL``  Unreliable Entity List (不可靠实体清单), MOFCOM Order 2020 No. 4.
* ``CN-AFSL`` countermeasure list under the Anti-Foreign Sanctions Law (反制清单).
* ``JP-MIL``  Japanese military users (reference list for Ann. 2026 No. 1).
* ``JP-DEF``  Japanese defence-industry companies not on MOFCOM lists
  (reference list for the capability-enhancing limb of Ann. 2026 No. 1).
* ``US-MIL``  US military users (reference list for Ann. 2024 No. 46).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

ListId = Literal["CN-ECL", "CN-WL", "CN-UEL", "CN-AFSL", "JP-MIL", "JP-DEF", "US-MIL"]
LIST_IDS: tuple[str, ...] = ("CN-ECL", "CN-WL", "CN-UEL", "CN-AFSL", "JP-MIL", "JP-DEF", "US-MIL")
# Lists loaded by users (FollowTheMoney datasets, the US Consolidated
# Screening List) get ids of the same shape, e.g. ``US-CSL`` or ``OS-SANCTIONS``.
LIST_ID_PATTERN = r"^[A-Z]{2,}(-[A-Z0-9]+)+$"
ListIdentifier = Annotated[str, StringConstraints(pattern=LIST_ID_PATTERN)]
LEGAL_LISTS: tuple[str, ...] = ("CN-ECL", "CN-WL", "CN-UEL", "CN-AFSL")

Status = Literal["in_force", "suspended", "stopped", "removed"]

NameKind = Literal[
    "primary",  # the entry's primary name as printed by the source (English for MOFCOM lists)
    "annex_zh",  # the Chinese name as printed in the MOFCOM annex
    "zh_variant",  # other Chinese renderings seen in the press
    "official_ja",  # Japanese official (registered) name
    "kana",  # kana reading
    "romaji",  # romanised Japanese name
    "alias",  # abbreviation, acronym, trade name
    "former",  # former name
    "local",  # the name in the organisation's own language (e.g. 漢翔 for a Taiwan entity)
]


class LegalSource(BaseModel):
    """A legal instrument that a list entry or rule rests on.

    Attributes:
        issuer: ``MOFCOM``, ``MOFCOM/GAC``, ``UEL Working Mechanism``, ``MFA``,
            ``State Council``, ``NPCSC`` ...
        kind: ``announcement``, ``order``, ``decision``, ``notice``, ``law``,
            ``regulation``, ``reference`` (a compiled reference list, not law).
        year, number: the instrument's year and number where it has one.
        title_zh: Chinese designation as printed, e.g. ``商务部公告2026年第11号``.
        citation: the English citation used in decisions, e.g.
            ``MOFCOM Announcement 2026 No. 11`` or
            ``UEL Working Mechanism Announcement 2025 No. 2``.
        articles: article references relied on, e.g. ``["Regulations Art. 26"]``.
        url: the official (or best available) URL.
    """

    model_config = ConfigDict(extra="forbid")

    issuer: str
    kind: str
    year: int | None = None
    number: int | None = None
    title_zh: str | None = None
    citation: str
    articles: list[str] = Field(default_factory=list)
    url: str | None = None


class StatusInterval(BaseModel):
    """A period in which an entry or rule is not (or again) in force.

    Attributes:
        status: ``suspended``, ``stopped`` or ``removed`` (``in_force`` is the
            default outside any interval).
        start: first day of the interval (inclusive).
        end: first day after the interval (exclusive), ``None`` if open-ended.
            A suspension "until 2026-11-10" has ``end`` 2026-11-10: the
            measure applies again on that day.
        source_url: the notice that made the change.
        note: text as given by the source.
    """

    model_config = ConfigDict(extra="forbid")

    status: Status
    start: dt.date
    end: dt.date | None = None
    source_url: str | None = None
    note: str | None = None


class NameForm(BaseModel):
    """One written form of an entry's name.

    Attributes:
        value: the name as written.
        lang: BCP-47-like tag: ``en``, ``zh-Hans``, ``zh-Hant``, ``ja``,
            ``ja-Kana``, ``ja-Latn``, ``und``.
        kind: see ``NameKind``.
        confidence: ``high``/``medium``/``low`` where the source rates it.
        source: where this form comes from (dataset and row or URL).
    """

    model_config = ConfigDict(extra="forbid")

    value: str
    lang: str = "und"
    kind: NameKind = "alias"
    confidence: str | None = None
    source: str | None = None


class Relation(BaseModel):
    """A relation to another organisation (parent, subsidiary, division...).

    Attributes:
        relation: ``parent``, ``subsidiary``, ``division_of``, ``sibling``,
            ``same_as`` (the same organisation on another list).
        target_id: the related entry's id when it is in the reference data.
        target_name: the related organisation's name.
    """

    model_config = ConfigDict(extra="forbid")

    relation: str
    target_id: str | None = None
    target_name: str | None = None


class ListEntry(BaseModel):
    """One entry of a screening list.

    Attributes:
        id: stable identifier, ``<list>:<source key>:<seq>``.
        list: list identifier (see module docstring; external lists use
            ids of the same shape, e.g. ``US-CSL``).
        schema_: ``Organization`` or ``Person`` (serialised as ``schema``).
        name: the primary name exactly as the source prints it (for MOFCOM
            lists, the English name in the annex).
        names: every known written form, including ``name``.
        countries: ISO alpha-2 codes.
        addresses: addresses as published.
        legal_source: the instrument that put the entry on the list (for
            reference lists, the compiled source).
        published: publication date of the instrument or reference source.
        effective: date from which the listing applies; ``None`` for
            reference lists that are not time-bound.
        status_intervals: suspensions, stops and removals.
        category: sub-category (e.g. ``gsdf`` for JP-MIL, ``parent_of_listed``
            for JP-DEF).
        military_user: for JP-MIL and US-MIL, whether the body is a military
            user in the sense of Ann. 2026 No. 1 / 2024 No. 46.
        relations: parents, subsidiaries, ``same_as`` links.
        confidence: the source's confidence in identity and names.
        notes: free-text caveats from the source.
        provenance: dataset, file, record key, retrieval date, licence.
    """

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    id: str
    list: ListIdentifier
    schema_: Literal["Organization", "Person"] = Field(default="Organization", alias="schema")
    name: str
    names: list[NameForm]
    countries: list[str] = Field(default_factory=list)
    addresses: list[str] = Field(default_factory=list)
    legal_source: LegalSource
    published: dt.date
    effective: dt.date | None = None
    status_intervals: list[StatusInterval] = Field(default_factory=list)
    category: str | None = None
    military_user: bool | None = None
    relations: list[Relation] = Field(default_factory=list)
    confidence: str | None = None
    notes: str | None = None
    provenance: dict[str, str] = Field(default_factory=dict)

    def status_on(self, day: dt.date) -> Status | Literal["not_yet_listed"]:
        """Status of the entry on ``day``.

        Returns ``not_yet_listed`` before ``effective``; the status of the
        interval containing ``day`` if any; otherwise ``in_force``.
        """
        if self.effective is not None and day < self.effective:
            return "not_yet_listed"
        for interval in self.status_intervals:
            if interval.start <= day and (interval.end is None or day < interval.end):
                return interval.status
        return "in_force"


class ListInfo(BaseModel):
    """Description of one screening list as shipped.

    Attributes:
        id: list identifier.
        name_en, name_zh: the list's name.
        legal_basis: articles the list rests on.
        source: dataset the entries were converted from.
        data_date: the date the source data describes ("as of").
        entries: number of entries.
        latest_announcement: citation of the most recent instrument in it.
        latest_date: that instrument's date.
    """

    model_config = ConfigDict(extra="forbid")

    id: ListId
    name_en: str
    name_zh: str
    legal_basis: str
    source: str
    data_date: dt.date
    entries: int
    latest_announcement: str | None = None
    latest_date: dt.date | None = None


class ControlEntry(BaseModel):
    """One entry of the dual-use export control list / 2026 licence catalogue.

    Attributes:
        code: normalised control code (管制编码), e.g. ``1C902.a.1``.
        direction: ``export`` or ``import`` part of the catalogue.
        name_zh: item name in Chinese; ``None`` when the extracted name
            cannot be trusted.
        name_zh_raw: the extracted product name as found in the source.
        name_trusted: False when the extracted name is misaligned or garbage
            (see the data-quality report).
        name_en: English item name where a reliable source exists.
        hs_codes: reference 10-digit customs codes (参考HS编码).
        excerpt: the catalogue's own text (目录原文摘要) for this entry.
        keywords: extracted keywords.
        licence_condition: 监管条件, e.g. ``两用物项和技术出口许可证``.
        catalogue_seq: 序号 in the catalogue part.
        legal_source: the catalogue announcement.
        published, effective: catalogue dates.
        status_intervals: suspension windows for the entry's items.
        quality_flags: data-quality findings for this record.
    """

    model_config = ConfigDict(extra="forbid")

    code: str
    direction: Literal["export", "import"] = "export"
    name_zh: str | None = None
    name_zh_raw: str | None = None
    name_trusted: bool = True
    name_en: str | None = None
    hs_codes: list[str] = Field(default_factory=list)
    excerpt: str | None = None
    keywords: list[str] = Field(default_factory=list)
    licence_condition: str | None = None
    catalogue_seq: int | None = None
    legal_source: LegalSource
    published: dt.date
    effective: dt.date
    status_intervals: list[StatusInterval] = Field(default_factory=list)
    quality_flags: list[str] = Field(default_factory=list)


class DataManifest(BaseModel):
    """Version information for the shipped reference data.

    Attributes:
        version: content hash-based version string, e.g. ``2026-08-05+3f2a9c1b``.
        built: when the data files were built (UTC ISO timestamp).
        sources: per raw source: path, sha256, as-of date, licence.
        files: per data file: sha256 and record count.
    """

    model_config = ConfigDict(extra="forbid")

    version: str
    built: str
    sources: list[dict[str, str]]
    files: dict[str, dict[str, str | int]]
