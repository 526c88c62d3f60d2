"""The rule model: each rule is data with its legal source and dates.

A rule names the *kind* of test it performs (``listed_party``,
``military_user``, ``capability_enhancing``, ``item_family``,
``listed_item``, ``classification_needed``, ``catch_all`` ...; and
``knowledge_horizon``, the caveat the screener raises when a decision turns
on a change the data only expects), the parameters of
that test (lists, roles, item scope, jurisdictions, countries), the verdict
it leads to, the licence it requires, and the texts used to explain it. The
engine (:mod:`dualuse.rules.engine`) implements the kinds; what the law
says - who, which items, from when, with what effect - lives in
``rules.yaml``.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from dualuse.models.decision import LicenceType, Verdict
from dualuse.models.reference import LegalSource, StatusInterval

RuleKind = Literal[
    "listed_party",
    "military_user",
    "capability_enhancing",
    "item_family",
    "listed_item",
    "classification_needed",
    "catch_all",
    "not_listed",
    "reexport",
    "no_nexus",
    "china_content",
    "china_content_threshold",
    "china_origin_item",
    "knowledge_horizon",
    "end_use_statement",
]
ItemScope = Literal["dual_use", "any"]
Jurisdiction = Literal["cn_export", "cn_origin_transfer", "cn_content", "origin_unknown", "outside"]


class LicenceTerms(BaseModel):
    """Licence terms a ``LICENSE_REQUIRED`` rule imposes (Regulations Arts. 15-20).

    Attributes:
        allowed: licence types that may be used.
        excluded: licence type -> why it may not be used.
        conditions: what the application must include or the exporter must do.
        review_time_limit_applies: False where MOFCOM is not bound by the
            45-working-day limit of Regulations Art. 17.
    """

    model_config = ConfigDict(extra="forbid")

    allowed: list[LicenceType] = Field(default_factory=list)
    excluded: dict[str, str] = Field(default_factory=dict)
    conditions: list[str] = Field(default_factory=list)
    review_time_limit_applies: bool = True


class Rule(BaseModel):
    """One rule of the regime.

    Attributes:
        id: stable identifier cited in decisions (e.g. ``CN-2026-1-JP-MILITARY``).
        title_en, title_zh: short titles.
        kind: the test the engine performs (see module docstring).
        verdict: the verdict when the rule applies.
        legal_source: the instrument and articles relied on.
        published, effective: dates of the instrument; the rule applies to
            shipments dated on or after ``effective``.
        status_intervals: suspensions (e.g. clause 2 of Ann. 2024 No. 46,
            suspended 2025-11-09 to 2026-11-27).
        lists: list ids the rule screens parties against.
        roles: party roles the rule looks at.
        items: ``dual_use`` (listed dual-use items only) or ``any`` goods.
        item_codes: control-code prefixes the rule is limited to (item_family).
        jurisdictions: the Chinese nexus a line must have.
        countries: countries of the military user / destination concerned.
        cite_listing: also cite the instrument that listed the matched entry.
        licence: licence terms for ``LICENSE_REQUIRED`` rules.
        licence_conditions: conditions this rule adds to any licence for a
            shipment to one of ``countries`` while the rule is in force.
        content_codes: control-code prefixes of the specified China-origin
            content (``china_content_threshold``: e.g. Ann. 2025 No. 61
            Annex 1 Part 1 rare-earth items).
        threshold: the share (0..1) of the item's value at or above which
            the specified China-origin content brings the item in (0.001
            for the 0.1% rule).
        text_en, text_zh: explanation templates; placeholders ``{party}``,
            ``{role}``, ``{entry}``, ``{listing}``, ``{listed_on}``, ``{code}``,
            ``{evidence}``, ``{country}``.
        measure: the measure the rule implements, when it is not the whole
            legal source (``MOFCOM Announcement 2024 No. 46 clause 2``); a
            data version's measure statuses (``knowledge.json``, set by an
            imported suspension notice) replace the rule's own intervals.
        notes: sources and caveats.
    """

    model_config = ConfigDict(extra="forbid")

    id: str
    title_en: str
    title_zh: str
    kind: RuleKind
    verdict: Verdict
    legal_source: LegalSource
    published: dt.date
    effective: dt.date
    status_intervals: list[StatusInterval] = Field(default_factory=list)
    lists: list[str] = Field(default_factory=list)
    roles: list[str] = Field(default_factory=lambda: ["consignee", "end_user", "intermediary"])
    items: ItemScope = "dual_use"
    item_codes: list[str] = Field(default_factory=list)
    jurisdictions: list[Jurisdiction] = Field(default_factory=lambda: ["cn_export"])
    countries: list[str] = Field(default_factory=list)
    cite_listing: bool = False
    licence: LicenceTerms | None = None
    licence_conditions: list[str] = Field(default_factory=list)
    content_codes: list[str] = Field(default_factory=list)
    threshold: float | None = Field(default=None, ge=0, le=1)
    text_en: str
    text_zh: str
    measure: str | None = None
    notes: str = ""

    def status_on(self, day: dt.date) -> str:
        """``not_yet_in_force``, the status of a suspension/stop interval containing ``day``, or ``in_force``."""
        if day < self.effective:
            return "not_yet_in_force"
        for interval in self.status_intervals:
            if interval.start <= day and (interval.end is None or day < interval.end):
                return interval.status
        return "in_force"

    def in_force(self, day: dt.date) -> bool:
        """True when the rule applies on ``day`` (effective and not suspended or stopped)."""
        if day < self.effective:
            return False
        return not any(i.start <= day and (i.end is None or day < i.end) for i in self.status_intervals)


class RuleSet(BaseModel):
    """The rules shipped with a version label.

    Attributes:
        version: label of this rule set (date-based, bumped on every change).
        rules: the rules, in the order their reasons are listed.
    """

    model_config = ConfigDict(extra="forbid")

    version: str
    rules: list[Rule]
