"""The words of the reports, in two languages side by side, and dates and numbers per locale.

A report shows every heading and explanation in the reader's language and
in English (a Chinese reader gets 中文 | English, a Japanese one 日本語 |
English, an English one English | 中文, so that each report carries the
Chinese the law is written in or the English an auditor abroad reads).
Every heading is a gettext message (translated in ``dualuse.po``); legal
citations take each language's form (:mod:`dualuse.i18n.citations`).
Dates use CLDR's long form for the locale (Babel): ``2026年3月18日``,
``March 18, 2026``; record timestamps stay exactly as recorded (UTC).
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from babel.dates import format_date
from babel.numbers import format_decimal

from dualuse.i18n import LANGUAGE_NAMES, N_, check_language, gettext, localise_citation, reason_text, translate

LOCALES = {"en": "en", "zh": "zh_Hans_CN", "ja": "ja_JP"}

HEADINGS = {
    "title": N_("Export-control screening report"),
    "period_title": N_("Screening summary for a period"),
    "subtitle": N_("Decision support under China's dual-use export controls; not legal advice."),
    "shipment": N_("Shipment"),
    "shipment_id": N_("Shipment id"),
    "shipment_date": N_("Shipment date"),
    "as_of": N_("Evaluated as of"),
    "verdict": N_("Verdict"),
    "status": N_("Review status"),
    "parties": N_("Parties"),
    "role": N_("Role"),
    "name": N_("Name"),
    "country": N_("Country"),
    "address": N_("Address"),
    "destination": N_("Destination"),
    "end_use": N_("Declared end use"),
    "lines": N_("Item lines"),
    "line": N_("Line"),
    "description": N_("Description"),
    "control_code": N_("Control code"),
    "hs_code": N_("HS code"),
    "origin": N_("Origin"),
    "china_share": N_("China-origin value share"),
    "quantity": N_("Quantity"),
    "value": N_("Value"),
    "reasons": N_("Decision and reasons"),
    "rule": N_("Rule"),
    "citation": N_("Legal citation"),
    "explanation": N_("Explanation"),
    "concerns": N_("Concerns"),
    "evidence_hits": N_("Evidence: list hits"),
    "entry": N_("List entry"),
    "names_all": N_("Names in all scripts"),
    "listing": N_("Listed by"),
    "listed_on": N_("Listed on"),
    "status_on_date": N_("Status on the decision date"),
    "matched_form": N_("Form that matched"),
    "score": N_("Score"),
    "why": N_("Why (matcher)"),
    "no_hits": N_("No party matched a list entry."),
    "evidence_lines": N_("Evidence: line classifications"),
    "classification": N_("Classification"),
    "item_name": N_("Control-list item"),
    "announcement": N_("Item announcement"),
    "china_origin": N_("China-origin computation"),
    "jurisdiction": N_("Jurisdiction"),
    "parameters": N_("Parameters"),
    "parameters_needed": N_("Parameters that would decide"),
    "reference_text": N_("Reference text (not the Chinese legal text)"),
    "confidence": N_("Classifier confidence"),
    "licence": N_("Licence requirement"),
    "warnings": N_("Warnings"),
    "knowledge": N_("Knowledge horizon"),
    "pending_changes": N_("Changes expected after the horizon"),
    "review": N_("Review history"),
    "no_alerts": N_("No alert was raised for this shipment."),
    "alert": N_("Alert"),
    "opened": N_("Opened"),
    "decided": N_("Decided"),
    "reason": N_("Reason"),
    "attachment": N_("Attachment"),
    "whitelist": N_("Whitelist entry"),
    "overrides": N_("Reviewed hits applied by the final screening"),
    "versions": N_("Data and rule versions"),
    "data_version": N_("Data version"),
    "rules_version": N_("Rules version"),
    "engine_version": N_("Engine version"),
    "list_version": N_("Stored list version"),
    "audit": N_("Audit record"),
    "screening_record": N_("Screening record"),
    "record_hash": N_("Record hash (sha256)"),
    "recorded": N_("Recorded"),
    "by": N_("By"),
    "anchor": N_("Chain anchor (last record about this shipment)"),
    "verify_how": N_("To check this report against the records, run:"),
    "issued_note": N_("Issuing this report appends a report_issued record carrying the report file's sha256 and this record's hash."),
    "period": N_("Period"),
    "from": N_("From"),
    "to": N_("To"),
    "summary": N_("Summary"),
    "screenings": N_("Screening records"),
    "shipments": N_("Shipments screened"),
    "verdict_counts": N_("Verdicts"),
    "by_day": N_("Shipments by day and verdict"),
    "hits_by_list": N_("Hits by list"),
    "hits_by_announcement": N_("Hits by announcement"),
    "alerts": N_("Alerts"),
    "flagged": N_("Every PROHIBITED and REVIEW shipment"),
    "outcome": N_("Outcome"),
    "none": N_("none"),
    "count": N_("Count"),
    "last_record": N_("Last record of the period"),
    "page": N_("Page"),
}

JURISDICTION_LABELS = {
    "cn_export": N_("exported from China"),
    "cn_origin_transfer": N_("China-origin item transferred abroad"),
    "cn_content": N_("foreign-made with China-origin content"),
    "origin_unknown": N_("exporter abroad, origin not stated"),
    "outside": N_("no Chinese nexus"),
}
CLASSIFICATION_LABELS = {
    "controlled": N_("listed dual-use item"),
    "not_controlled": N_("not a listed dual-use item"),
    "needs_classification": N_("needs classification"),
    "unknown_code": N_("code not in the control list"),
}


def languages(lang: str) -> tuple[str, str]:
    """The two languages of a report: ``(reader's, other)`` - ``zh`` -> (zh, en), ``ja`` -> (ja, en), ``en`` -> (en, zh).

    Raises:
        dualuse.i18n.LanguageError: not ``zh``, ``en`` or ``ja``.
    """
    lang = check_language(lang)
    return (lang, "zh") if lang == "en" else (lang, "en")


class Words:
    """Translations for one report: ``words.t(msgid)`` -> (first language, second language).

    Args:
        lang: the reader's language (see :func:`languages`).
    """

    def __init__(self, lang: str):
        self.first, self.second = languages(lang)
        self.first_name, self.second_name = LANGUAGE_NAMES[self.first], LANGUAGE_NAMES[self.second]
        self.headings = {key: self.t(msg) for key, msg in HEADINGS.items()}

    def t(self, message: str) -> tuple[str, str]:
        """A gettext message in both languages (the second is empty when it reads the same)."""
        a, b = gettext(message, self.first), gettext(message, self.second)
        return (a, "" if b == a else b)

    def text(self, english: str) -> tuple[str, str]:
        """A text written by the engine in English (warnings, explanations) in both languages, via :func:`dualuse.i18n.translate`."""
        a, b = translate(english, self.first), translate(english, self.second)
        return (a, "" if b == a else b)

    def citation(self, text: str) -> tuple[str, str]:
        """A legal citation in both languages' forms."""
        a, b = localise_citation(text, self.first), localise_citation(text, self.second)
        return (a, "" if b == a else b)

    def reason(self, reason: dict) -> tuple[str, str]:
        """A reason (as JSON) explained in both languages (``text_zh`` for Chinese)."""
        reason = SimpleNamespace(**reason)
        a, b = reason_text(reason, self.first), reason_text(reason, self.second)
        return (a, "" if b == a else b)

    def date(self, value: str | dt.date | None) -> str:
        """A calendar date in the reader's locale (CLDR long form); empty for None."""
        if not value:
            return ""
        day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])
        return format_date(day, format="long", locale=LOCALES[self.first])

    def number(self, value: float | int | None) -> str:
        """A number with the reader's locale's grouping (``38,400``); empty for None."""
        if value is None:
            return ""
        return format_decimal(value, locale=LOCALES[self.first])

    def share(self, value: float | None) -> str:
        """A share in [0, 1] as a percentage (``25%``); empty for None."""
        if value is None:
            return ""
        return format_decimal(value * 100, format="#,##0.##", locale=LOCALES[self.first]) + "%"
