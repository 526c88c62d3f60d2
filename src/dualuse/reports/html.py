"""Reports as HTML (Jinja2, autoescaped): the source of the PDF, and a page the web application can show.

Everything from the records (party names, descriptions, reasons) is data
and is escaped by Jinja2's autoescape; a name like ``<script>`` prints as
text. Only the charts (:mod:`dualuse.reports.charts`, which escape their
labels themselves) and the stylesheet are inserted as markup.
"""

from __future__ import annotations

from functools import lru_cache

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from dualuse.cli.render import DECISION_LABELS, REVIEW_WORDS, ROLE_LABELS, STATUS_LABELS
from dualuse.models.decision import LICENCE_LABELS, SEVERITY
from dualuse.reports import charts
from dualuse.reports.labels import CLASSIFICATION_LABELS, JURISDICTION_LABELS, Words

# CJK families, the reader's script first (Japanese glyph forms for ja); DejaVu for Latin fallback
FONT_ORDER = {
    "zh": ("Noto Sans CJK SC", "Noto Sans CJK JP", "Source Han Sans SC", "Source Han Sans CN"),
    "ja": ("Noto Sans CJK JP", "Noto Sans CJK SC", "Source Han Sans JP", "Source Han Sans"),
    "en": ("Noto Sans CJK SC", "Noto Sans CJK JP", "Source Han Sans SC", "Source Han Sans CN"),
}


@lru_cache(maxsize=1)
def environment() -> Environment:
    """The Jinja2 environment of the report templates (``dualuse/reports/templates``), autoescaping HTML."""
    return Environment(loader=PackageLoader("dualuse.reports", "templates"), autoescape=select_autoescape(["html"], default=True))


def _css(lang: str) -> Markup:
    families = ", ".join(f'"{name}"' for name in FONT_ORDER[lang]) + ', "DejaVu Sans", sans-serif'
    return Markup(environment().get_template("base.css").render(fonts=Markup(families)))


def _common(words: Words) -> dict:
    return {
        "w": words,
        "css": _css(words.first),
        "role_labels": ROLE_LABELS,
        "status_labels": STATUS_LABELS,
        "decision_labels": DECISION_LABELS,
        "review_words": REVIEW_WORDS,
        "licence_labels": LICENCE_LABELS,
        "jurisdiction_labels": JURISDICTION_LABELS,
        "classification_labels": CLASSIFICATION_LABELS,
        "verdict_order": SEVERITY,
    }


def pdf_timestamp(recorded: str) -> str:
    """A record time (``2026-11-29T10:14:31.123456Z``) as the document date WeasyPrint reads (``2026-11-29T10:14:31Z``)."""
    return recorded[:19] + "Z"


def shipment_html(snapshot: dict, lang: str) -> str:
    """The shipment report of ``snapshot`` (:func:`dualuse.reports.gather.shipment_snapshot`) as an HTML document.

    Raises:
        dualuse.i18n.LanguageError: ``lang`` is not zh, en or ja.
    """
    words = Words(lang)
    shipment = snapshot["shipment"]
    parties = [("exporter", shipment["exporter"]), ("consignee", shipment["consignee"])]
    if shipment.get("end_user"):
        parties.append(("end_user", shipment["end_user"]))
    if shipment.get("producer"):
        parties.append(("producer", shipment["producer"]))
    parties += [("intermediary", party) for party in shipment.get("intermediaries", [])]
    context = {
        **_common(words),
        "s": snapshot,
        "parties": parties,
        "source_lines": {line["line"]: line for line in shipment["lines"]},
        "line_verdicts": {line["line"]: line["verdict"] for line in snapshot["decision"]["lines"]},
        "created": pdf_timestamp(snapshot["anchor"]["created_at"]),
    }
    return environment().get_template("shipment.html").render(**context)


def period_html(snapshot: dict, lang: str) -> str:
    """The period report of ``snapshot`` (:func:`dualuse.reports.gather.period_snapshot`) as an HTML document, charts as inline SVG."""
    words = Words(lang)
    verdict_items = [(words.t(v)[0], snapshot["verdicts"].get(v, 0)) for v in SEVERITY]
    colours = {words.t(v)[0]: charts.VERDICT_COLOURS[v] for v in SEVERITY}
    drawn = {
        "verdicts": charts.horizontal_bars(verdict_items, colours),
        "by_day": charts.stacked_columns(snapshot["by_day"], tuple(reversed(SEVERITY))),
        "lists": charts.horizontal_bars(list(snapshot["hits_by_list"].items())),
        "announcements": charts.horizontal_bars([(words.citation(c)[0], n) for c, n in snapshot["hits_by_announcement"].items()]),
    }
    anchor = snapshot.get("anchor")
    created = pdf_timestamp(anchor["created_at"]) if anchor else snapshot["to"] + "T23:59:59Z"
    return environment().get_template("period.html").render(**_common(words), s=snapshot, charts=drawn, created=created)
