"""Output model: hits, reasons and the decision for a shipment.

Verdicts, most severe first (the order used to combine lines and parties):

* ``PROHIBITED``        the export or transfer may not take place.
* ``REVIEW``            a person must decide (possible match, unclassified
  item, end use not established, catch-all red flag).
* ``LICENSE_REQUIRED``  allowed only under a MOFCOM dual-use licence of the
  stated type(s), with the stated conditions.
* ``NOT_CONTROLLED``    Chinese dual-use export controls do not restrict it.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Verdict = Literal["PROHIBITED", "REVIEW", "LICENSE_REQUIRED", "NOT_CONTROLLED"]
SEVERITY: tuple[str, ...] = ("PROHIBITED", "REVIEW", "LICENSE_REQUIRED", "NOT_CONTROLLED")

LicenceType = Literal["individual", "general", "registration"]
LICENCE_LABELS = {
    "individual": "individual licence (单项许可)",
    "general": "general licence (通用许可)",
    "registration": "registration/information-filing export certificate (登记填报信息方式获得出口凭证)",
}


def most_severe(verdicts: list[str]) -> Verdict:
    """Return the most severe verdict of ``verdicts`` (``NOT_CONTROLLED`` if empty)."""
    if not verdicts:
        return "NOT_CONTROLLED"
    return min(verdicts, key=SEVERITY.index)  # type: ignore[return-value]


class Hit(BaseModel):
    """A party matched (or possibly matched) to a list entry.

    Attributes:
        role: the party's role on the shipment.
        party_index: position among intermediaries (0 otherwise).
        query: the party name as written on the document.
        list: list identifier of the entry.
        entry_id: the entry's id.
        name: the entry's primary name exactly as printed by the source.
        matched_form: the entry name form that matched best.
        matched_form_kind: the kind of that form (``annex_zh``, ``romaji``...).
        score: calibrated similarity in [0, 1]; 1.0 means certain.
        decision: ``match`` (at or above the match threshold),
            ``possible`` (between the review and match thresholds) or
            ``related`` (a parent or subsidiary of a matched entry, shown for
            context; never acted on).
        explanation: what matched and what differed, in words.
        status: the entry's status on the decision date.
        listing: citation of the instrument that listed the entry.
        listed_on: effective date of the listing.
        status_basis: ``confirmed`` when nothing the data schedules after its
            knowledge horizon bears on ``status``; ``expected`` when ``status``
            rests on such a change (a suspension due to end after the horizon).
        status_note: for ``expected``: which change, due when.
    """

    model_config = ConfigDict(extra="forbid")

    role: str
    party_index: int = 0
    query: str
    list: str
    entry_id: str
    name: str
    matched_form: str
    matched_form_kind: str
    score: float
    decision: Literal["match", "possible", "related"]
    explanation: str = ""
    status: str = "in_force"
    listing: str | None = None
    listed_on: dt.date | None = None
    status_basis: Literal["confirmed", "expected"] = "confirmed"
    status_note: str | None = None


class Reason(BaseModel):
    """Why a rule fired (or was considered and did not apply).

    Attributes:
        rule_id: the rule's identifier (see ``dualuse rules``).
        verdict: the verdict this rule leads to.
        citation: the legal citation, e.g.
            ``MOFCOM Announcement 2026 No. 11; Regulations Art. 29``.
        text_en, text_zh: plain explanation in English and Chinese.
        line: the item line concerned, or ``None`` for the shipment.
        role: the party role concerned, if any.
        entry_id: the list entry concerned, if any.
        control_code: the control code concerned, if any.
    """

    model_config = ConfigDict(extra="forbid")

    rule_id: str
    verdict: Verdict
    citation: str
    text_en: str
    text_zh: str
    line: int | None = None
    role: str | None = None
    entry_id: str | None = None
    control_code: str | None = None


class LicenceRequirement(BaseModel):
    """The licence a ``LICENSE_REQUIRED`` decision calls for.

    Attributes:
        allowed: licence types that may be used (Regulations Art. 15).
        excluded: licence types that may not be used, with the reason.
        conditions: what the application must include or the exporter
            must observe (risk-assessment report, written commitment...).
        review_time_limit_applies: False when the 45-working-day limit of
            Regulations Art. 17 does not bind MOFCOM (watch list).
    """

    model_config = ConfigDict(extra="forbid")

    allowed: list[LicenceType] = Field(default_factory=list)
    excluded: dict[str, str] = Field(default_factory=dict)
    conditions: list[str] = Field(default_factory=list)
    review_time_limit_applies: bool = True


class ItemFinding(BaseModel):
    """What the classifier established about one item line.

    Attributes:
        status: ``controlled`` (a listed dual-use item), ``not_controlled``,
            ``needs_classification`` (may be listed; code or parameters
            missing), ``unknown_code`` (declared code is not in the list).
        control_code: the control code relied on (normalised), if any.
        source: ``declared`` (from the document), ``hs_code`` or ``description``.
        item_name: the control-list item name, if trusted.
        candidates: candidate control codes when not decided.
        jurisdiction: ``cn_export`` (exported from China),
            ``cn_origin_transfer`` (China-origin item transferred abroad),
            ``cn_content`` (foreign-made with China-origin content),
            ``origin_unknown`` (exporter abroad, origin not stated),
            ``outside`` (no Chinese nexus).
        explanation: short text for the reviewer.
        item_name_en: the entry's English name (dualuse translation), if any.
        announcement: citation of the item announcement that brought the
            entry onto the list (e.g. ``MOFCOM/GAC Announcement 2025 No. 18``).
        entry_status: the entry's status on the decision date (``in_force``,
            ``suspended``, ``not_yet_in_force`` ...).
        parameters_needed: technical parameters that would decide the item
            (canonical names, e.g. ``purity_percent``).
        parameter_checks: each threshold checked against the line's
            parameters, in words (``purity_percent 99.95 > 99.9 %: met``).
        reference_text: the English reference text of the entry (``reference
            text (same number, US CCL ...): ...``), shown for the reviewer;
            it is not the Chinese legal text and never decides.
        confidence: the classifier's confidence when the entry was found by
            HS code or description (0..1).
    """

    model_config = ConfigDict(extra="forbid")

    status: Literal["controlled", "not_controlled", "needs_classification", "unknown_code"]
    control_code: str | None = None
    source: str | None = None
    item_name: str | None = None
    candidates: list[str] = Field(default_factory=list)
    jurisdiction: Literal["cn_export", "cn_origin_transfer", "cn_content", "origin_unknown", "outside"] = "cn_export"
    explanation: str = ""
    item_name_en: str | None = None
    announcement: str | None = None
    entry_status: str | None = None
    parameters_needed: list[str] = Field(default_factory=list)
    parameter_checks: list[str] = Field(default_factory=list)
    reference_text: str | None = None
    confidence: float | None = None


class LineDecision(BaseModel):
    """The decision for one item line.

    ``specification`` (规格型号) and ``extra`` (the line's columns dualuse does
    not read, as written) are carried from the input unchanged.
    """

    model_config = ConfigDict(extra="forbid")

    line: int
    description: str
    verdict: Verdict
    item: ItemFinding
    reasons: list[Reason] = Field(default_factory=list)
    licence: LicenceRequirement | None = None
    specification: str | None = None
    extra: dict[str, str] = Field(default_factory=dict)


class PendingChangeRef(BaseModel):
    """A change the data expects after its horizon, as recorded in a decision.

    Attributes:
        id: the pending change's key (see :class:`dualuse.models.knowledge.PendingChange`).
        date: when it is due.
        description: what changes, in words.
        scheduled_by: the instrument that scheduled it.
        passed: True when it is due on or before the decision date.
        decisive: True when this decision's verdict depends on it (then
            the lines concerned are ``REVIEW``, with both outcomes).
        notes: statements that may concern it (not applied), in words.
    """

    model_config = ConfigDict(extra="forbid")

    id: str
    date: dt.date
    description: str
    scheduled_by: str
    passed: bool = False
    decisive: bool = False
    notes: list[str] = Field(default_factory=list)


class KnowledgeState(BaseModel):
    """What the data knew, and until when, for one decision.

    Attributes:
        horizon: the date up to which the data's sources were checked.
        days_after_horizon: decision date minus horizon, in days (0 if not after).
        pending: every change the data schedules after its horizon.
    """

    model_config = ConfigDict(extra="forbid")

    horizon: dt.date
    days_after_horizon: int = 0
    pending: list[PendingChangeRef] = Field(default_factory=list)


class Decision(BaseModel):
    """The decision for one shipment.

    Attributes:
        id: the shipment id.
        verdict: the most severe verdict of its lines and parties.
        as_of: the date rules and lists were evaluated at.
        reasons: every reason that contributed, most severe first.
        hits: every list hit on any party (also when no rule fired).
        lines: per-line decisions.
        licence: the combined licence requirement when the verdict is
            ``LICENSE_REQUIRED`` (or would be, but for a REVIEW).
        end_use: findings of the end-use analysis (military use, civil
            declaration, red flags), with the text that triggered each.
        warnings: data caveats that apply (e.g. a status after the data date),
            and how the reader filled in fields of the documents.
        declared_licence: the licence number declared on the documents (许可证号).
        licence_check: the declared licence against the licence the decision
            requires, in words (``None`` when neither is there).
        documents: references of the documents the shipment was read from.
        extra: shipment-level fields of the documents dualuse does not read, as written.
        knowledge: the data's knowledge horizon and the changes it expects after it.
        data_version: version of the reference data used.
        rules_version: version of the rule set used.
        engine_version: dualuse version.
    """

    model_config = ConfigDict(extra="forbid")

    id: str
    verdict: Verdict
    as_of: dt.date
    reasons: list[Reason] = Field(default_factory=list)
    hits: list[Hit] = Field(default_factory=list)
    lines: list[LineDecision] = Field(default_factory=list)
    licence: LicenceRequirement | None = None
    end_use: dict[str, list[str]] = Field(default_factory=dict)
    warnings: list[str] = Field(default_factory=list)
    knowledge: KnowledgeState | None = None
    declared_licence: str | None = None
    licence_check: str | None = None
    documents: dict[str, str] = Field(default_factory=dict)
    extra: dict[str, str] = Field(default_factory=dict)
    data_version: str
    rules_version: str
    engine_version: str
