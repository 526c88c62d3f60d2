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
    "pinyin",  # Mandarin reading of a Chinese name
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
        instrument: citation of the instrument that made the change, when
            known (e.g. ``MOFCOM/GAC Announcement 2025 No. 70``); the
            knowledge horizon names it when the change is only expected.
    """

    model_config = ConfigDict(extra="forbid")

    status: Status
    start: dt.date
    end: dt.date | None = None
    source_url: str | None = None
    note: str | None = None
    instrument: str | None = None


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


class ControlParameter(BaseModel):
    """One technical threshold that decides whether an item falls under an entry.

    Conditions of one entry with the same ``alternative`` must all hold; the
    item is controlled when any alternative holds (e.g. 2B901: bore >= 500 mm
    *or* design pressure >= 5 GPa).

    Attributes:
        name: canonical parameter name, e.g. ``purity_percent``,
            ``endurance_h``, ``bvlos`` (see
            :data:`dualuse.classification.parameters.PARAMETERS` for units).
        op: comparison the item's value must satisfy: ``>``, ``>=``, ``<``,
            ``<=`` or ``==`` (booleans).
        value: threshold in the canonical unit; a list for dimensions
            (``block_mm``: ``[120, 120, 50]``: each sorted dimension at least
            the sorted threshold); ``None`` when the entry has such a threshold
            but its number is not recorded (a given value cannot decide).
        unit: canonical unit (``%``, ``mm``, ``h``, ``kW`` ...; empty for booleans).
        alternative: index of the alternative the condition belongs to.
        text: what the entry says, as printed (Chinese).
        source: ``curated`` (table in ``data-sources/curated/control_items.yaml``),
            ``extracted`` (parsed from the catalogue text; a number the
            English reference text of the same number confirms), or
            ``reference`` (the reference text states a threshold the Chinese
            text does not confirm: ``value`` is ``None``, so it marks the
            entry as turning on this parameter but never decides).
        citation: the announcement or catalogue the threshold comes from.
    """

    model_config = ConfigDict(extra="forbid")

    name: str
    op: Literal[">", ">=", "<", "<=", "=="]
    value: float | bool | list[float] | None = None
    unit: str = ""
    alternative: int = 0
    text: str = ""
    source: Literal["curated", "extracted", "reference"] = "curated"
    citation: str = ""


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
        name_source: where ``name_zh``/``name_en`` come from when they are not
            the catalogue's extracted name (``curated: <announcement>``).
        announcement: the item announcement that brought the entry onto the
            list (e.g. MOFCOM/GAC Announcement 2025 No. 18), when known.
        announcement_effective: the date the announcement's controls took
            effect, when known (the catalogue date stays in ``effective``).
        in_catalogue: False for entries that are not in the 2026 catalogue
            (the suspended items of Announcements 2025 Nos. 55-57 and 62).
        parameters: technical thresholds that decide the entry (curated or
            extracted from the text); empty when the entry has none recorded.
        family_zh, family_en: names of the entry's parent headings (e.g.
            ``钐相关物项`` / ``samarium items`` for 1C902.a.1), for search.
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
    name_source: str | None = None
    announcement: LegalSource | None = None
    announcement_effective: dt.date | None = None
    in_catalogue: bool = True
    parameters: list[ControlParameter] = Field(default_factory=list)
    family_zh: list[str] = Field(default_factory=list)
    family_en: list[str] = Field(default_factory=list)

    @property
    def category(self) -> str:
        """Industry field digit (``1`` special materials ... ``0`` other)."""
        return self.code[0]

    @property
    def item_type(self) -> str:
        """Item type letter: A systems/equipment, B test/production equipment, C materials, D software, E technology."""
        return self.code[1]

    def status_on(self, day: dt.date) -> Literal["in_force", "not_yet_in_force", "suspended", "stopped", "removed"]:
        """Status of the entry's items on ``day``.

        ``not_yet_in_force`` before the entry's own announcement took effect
        (only for entries outside the 2026 catalogue: the catalogue
        re-publishes codes that were controlled before it); the status of a
        suspension/stop interval containing ``day``; else ``in_force``.
        """
        if not self.in_catalogue and day < self.effective:
            return "not_yet_in_force"
        for interval in self.status_intervals:
            if interval.start <= day and (interval.end is None or day < interval.end):
                return interval.status
        return "in_force"


class ReferenceText(BaseModel):
    """English text of the same control number in a parallel regime's list (a retrieval aid, never law).

    China's list is numbered on the Wassenaar/US model, so the US Commerce
    Control List (15 CFR 774 Supp. 1) text under the same number is a strong
    signal for finding an entry from an English description; it is *not* the
    Chinese legal text, and the Chinese entry text decides the status.

    Attributes:
        code: the Chinese catalogue code this text is attached to.
        en_code: the paragraph of the parallel list the text really comes
            from (e.g. ``1C351.c.22`` for China's ``1C351.c.13``).
        heading_en: the parallel entry's heading.
        text_en: the text (heading, "Items:" and the paragraph).
        correspondence: ``same-code`` (same item under the same number) or
            ``doubtful`` (the number holds a different item, or the sub-item
            letters differ): a doubtful text may rank candidates, never decide.
        level: ``entry`` or ``sub-item``.
        match_basis: how the paragraph was tied to the code (same number,
            CAS number, organism name, manual cross-walk, heading only ...).
        note: why a record is doubtful.
        source: short citation of the parallel list, e.g. ``US CCL 15 CFR 774 Supp. 1``.
    """

    model_config = ConfigDict(extra="forbid")

    code: str
    en_code: str
    heading_en: str
    text_en: str
    correspondence: Literal["same-code", "doubtful"]
    level: Literal["entry", "sub-item"]
    match_basis: str = ""
    note: str = ""
    source: str

    @property
    def doubtful(self) -> bool:
        """True when the text may describe another item (rank only)."""
        return self.correspondence == "doubtful"

    def label(self) -> str:
        """``reference text (same number, US CCL 15 CFR 774 Supp. 1 1C351.c.22)`` for display."""
        tag = "same number" if not self.doubtful else "same number, correspondence doubtful"
        return f"reference text ({tag}, {self.source} {self.en_code})"


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
