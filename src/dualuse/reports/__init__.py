"""Reports for the licence file: one shipment, or a period, as PDF or XLSX.

    from dualuse.reports import render_shipment_report, render_period_report
    report = render_shipment_report(db, "EX-01", "pdf", "zh")   # -> ReportFile
    report.content, report.filename, report.media_type, report.sha256

A **shipment report** holds the shipment (parties, destination, lines), the
decision and every reason with its legal citation (in the reader's language
and in English side by side), the evidence (each list hit with the entry's
names in all scripts, the listing announcement, the status on the date, the
form that matched, the score and the matcher's explanation; each line's
classification, reference text, parameters and China-origin computation),
the review history (alerts, decisions, attachments, whitelist), the data and
rule versions, and the hash of the screening record with the chain anchor
(``dualuse audit verify --expect-head SEQ:HASH`` checks it).

A **period report** counts the screenings of a period by verdict (with
charts), alerts, hits by list and by announcement, and lists every
PROHIBITED and REVIEW shipment with its outcome.

**Issuing** a report (``record=True``, the default) appends an audit record
of kind ``report_issued`` whose payload carries the file's ``sha256``, its
name, format and language, the shipment (or period) and the hash of the
record the report rests on. An auditor recomputes the file's sha256, finds
it in the chain and runs ``dualuse audit verify``. Reports are reproducible:
the same records give the same bytes (document dates come from the records;
reports issued since do not move the anchor).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass

from dualuse.i18n import check_language
from dualuse.reports.gather import REPORT_KIND, ReportError, period_snapshot, shipment_snapshot
from dualuse.storage import chain
from dualuse.storage.db import Database

FORMATS = ("pdf", "xlsx")
MEDIA_TYPES = {"pdf": "application/pdf", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


@dataclass(frozen=True)
class ReportFile:
    """A rendered report.

    Attributes:
        content: the file's bytes.
        filename: a safe file name (``EX-01-report-zh.pdf``).
        media_type: ``application/pdf`` or the XLSX media type.
        sha256: hex sha256 of ``content`` (as recorded in the audit chain).
        record_seq: the ``report_issued`` audit record, or None when not recorded.
    """

    content: bytes
    filename: str
    media_type: str
    sha256: str
    record_seq: int | None = None


def _check(fmt: str, lang: str) -> str:
    if fmt not in FORMATS:
        raise ReportError(f"format {fmt!r}: expected pdf or xlsx", 400)
    return check_language(lang)


def _safe_name(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("._") or "shipment"


def _render(kind: str, snapshot: dict, fmt: str, lang: str) -> bytes:
    if fmt == "pdf":
        from dualuse.reports.html import period_html, shipment_html
        from dualuse.reports.pdf import html_to_pdf

        return html_to_pdf((shipment_html if kind == "shipment" else period_html)(snapshot, lang))
    from dualuse.reports.xlsx import period_xlsx, shipment_xlsx

    return (shipment_xlsx if kind == "shipment" else period_xlsx)(snapshot, lang)


def _issue(db: Database, content: bytes, filename: str, fmt: str, lang: str, subject: str, basis: dict, actor: str, channel: str) -> ReportFile:
    digest = hashlib.sha256(content).hexdigest()
    with db.write() as session:
        record = chain.append(
            session,
            REPORT_KIND,
            actor,
            channel,
            {"sha256": digest, "size": len(content), "filename": filename, "format": fmt, "lang": lang, **basis},
            subject=subject,
        )
        seq = record.seq
    return ReportFile(content, filename, MEDIA_TYPES[fmt], digest, seq)


def render_shipment_report(db: Database, shipment_id: str, fmt: str, lang: str, *, actor: str | None = None, channel: str = "cli", record: bool = True) -> ReportFile:
    """The report of one screened shipment for the licence file.

    Args:
        db: the records database.
        shipment_id: a screened shipment's id.
        fmt: ``pdf`` or ``xlsx``.
        lang: the reader's language, ``zh``, ``en`` or ``ja`` (English is shown beside it; beside English, Chinese).
        actor: who issues it (default: :func:`dualuse.service.default_actor`).
        channel: ``cli``, ``web``, ``api`` (for the audit record).
        record: False to render without appending the ``report_issued`` record.

    Returns:
        A :class:`ReportFile`; ``record_seq`` is the ``report_issued`` record.

    Raises:
        ReportError: unknown shipment (404), bad format (400), no CJK font or
            no WeasyPrint for a PDF (503).
        dualuse.i18n.LanguageError: ``lang`` is not zh, en or ja.
    """
    lang = _check(fmt, lang)
    snapshot = shipment_snapshot(db, shipment_id)
    content = _render("shipment", snapshot, fmt, lang)
    filename = f"{_safe_name(shipment_id)}-report-{lang}.{fmt}"
    if not record:
        return ReportFile(content, filename, MEDIA_TYPES[fmt], hashlib.sha256(content).hexdigest())
    basis = {
        "report": "shipment",
        "shipment_id": shipment_id,
        "screening_seq": snapshot["screening"]["seq"],
        "screening_hash": snapshot["screening"]["hash"],
        "anchor_seq": snapshot["anchor"]["seq"],
        "anchor_hash": snapshot["anchor"]["hash"],
    }
    return _issue(db, content, filename, fmt, lang, shipment_id, basis, actor or _actor(), channel)


def render_period_report(db: Database, date_from: dt.date, date_to: dt.date, fmt: str, lang: str, *, actor: str | None = None, channel: str = "cli", record: bool = True) -> ReportFile:
    """The summary of the screenings recorded from ``date_from`` to ``date_to`` (UTC days, inclusive).

    Args and Returns: as :func:`render_shipment_report`.

    Raises:
        ReportError: ``date_from`` after ``date_to`` or bad format (400), no CJK font (503).
        dualuse.i18n.LanguageError: ``lang`` is not zh, en or ja.
    """
    lang = _check(fmt, lang)
    snapshot = period_snapshot(db, date_from, date_to)
    content = _render("period", snapshot, fmt, lang)
    filename = f"period-{date_from.isoformat()}-{date_to.isoformat()}-{lang}.{fmt}"
    if not record:
        return ReportFile(content, filename, MEDIA_TYPES[fmt], hashlib.sha256(content).hexdigest())
    anchor = snapshot["anchor"] or {}
    basis = {"report": "period", "from": snapshot["from"], "to": snapshot["to"], "anchor_seq": anchor.get("seq"), "anchor_hash": anchor.get("hash")}
    return _issue(db, content, filename, fmt, lang, f"period:{snapshot['from']}..{snapshot['to']}", basis, actor or _actor(), channel)


def _actor() -> str:
    from dualuse.service import default_actor

    return default_actor()


__all__ = ["FORMATS", "REPORT_KIND", "ReportError", "ReportFile", "render_period_report", "render_shipment_report"]
