"""The decisions: a filtered, searchable list, and one shipment's decision with all its evidence."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from dualuse import i18n, values
from dualuse.models.decision import Decision
from dualuse.models.shipment import Shipment
from dualuse.service import alerts as alert_service
from dualuse.service import browse, versions
from dualuse.service.screening import live_screener, screener_for
from dualuse.cli import render as render_words
from dualuse.web import labels
from dualuse.web.context import WebError, check_csrf, lang_of, render, url, user_with

router = APIRouter()
PAGE = 50


def _day(text: str | None, name: str, lang: str) -> dt.date | None:
    if not text:
        return None
    try:
        return values.parse_date(text)
    except ValueError:
        raise WebError(400, i18n.gettext("{field}: expected a date like 2026-03-02", lang).format(field=name)) from None


@router.get("/decisions")
def decisions(
    request: Request, verdict: str = "", date_from: str = "", date_to: str = "", list: str = "",
    party: str = "", reviewed: str = "", q: str = "", page: int = 1,
):
    """Shipments with their latest verdict; filters: verdict, shipment date, list, party, reviewed; search."""
    user_with(request, "screener")
    lang = lang_of(request)
    where = browse.ShipmentFilter(
        verdict=verdict or None, date_from=_day(date_from, "date_from", lang), date_to=_day(date_to, "date_to", lang),
        list_id=list or None, party=party or None, reviewed=reviewed or None, search=q or None,
    )
    page = max(1, page)
    try:
        total, rows = browse.find_shipments(request.app.state.db, where, PAGE, (page - 1) * PAGE)
    except browse.BrowseError as error:
        raise WebError(400, i18n.translate(str(error), lang)) from None
    filters = {"verdict": verdict, "date_from": date_from, "date_to": date_to, "list": list, "party": party, "reviewed": reviewed, "q": q}
    return render(
        request, "decisions.html", rows=rows, total=total, page=page, pages=max(1, -(-total // PAGE)), filters=filters,
        verdicts=browse.VERDICTS, lists=browse.list_ids(request.app.state.db),
        lambda_page=lambda n: url("decisions", **filters, page=n),
    )


def _entries_for(db, data_version: str) -> dict:
    """The list entries of the version a decision was made on (the live one when that version is not stored)."""
    try:
        info = versions.resolve(db, data_version)
        return screener_for(db, info).entries_by_id  # type: ignore[attr-defined]
    except Exception:  # noqa: BLE001 - an unknown version string: show the live entries, flagged on the page
        return live_screener(db)[1].entries_by_id  # type: ignore[attr-defined]


@router.post("/decisions/{shipment_id:path}/report")
async def decision_report(request: Request, shipment_id: str, fmt: str = Form("pdf")):
    """The shipment's report for the licence file (PDF or XLSX), issued with a ``report_issued`` audit record.

    A POST (with the CSRF token) because issuing a report appends to the audit chain.
    The report is in the user's language with English beside it (:func:`dualuse.reports.render_shipment_report`).
    """
    live = user_with(request, "screener")
    await check_csrf(request, live)
    from dualuse.reports import ReportError, render_shipment_report

    lang = lang_of(request)
    try:
        report = render_shipment_report(request.app.state.db, shipment_id, fmt, lang, actor=live.user.actor, channel="web")
    except ReportError as error:
        raise WebError(error.status, i18n.translate(str(error), lang)) from None
    return Response(report.content, media_type=report.media_type, headers={
        "Content-Disposition": f'attachment; filename="{report.filename}"', "X-Report-SHA256": report.sha256})


@router.get("/decisions/{shipment_id:path}")
def decision_page(request: Request, shipment_id: str):
    """Every reason with citation and rule, each hit with its list entry and the matcher's why, each line, the versions."""
    user_with(request, "screener")
    db = request.app.state.db
    try:
        view = alert_service.shipment_view(db, shipment_id)
    except alert_service.ReviewError as error:
        raise WebError(error.status, i18n.translate(str(error), lang_of(request))) from None
    stored = browse.decision_of(db, shipment_id)
    shipment = Shipment.model_validate(stored[0]) if stored else None
    decision = Decision.model_validate(view["decision"])
    entries = _entries_for(db, decision.data_version)
    return render(
        request, "decision.html", view=view, decision=decision, shipment=shipment, entries=entries,
        record_hash=browse.record_hash(db, view["latest_record"]), reason_text=i18n.reason_text,
        role_label=render_words.role_label, status_label=render_words.status_label, item_status=labels.ITEM_STATUS,
        jurisdiction=labels.JURISDICTION, licence_types=render_words.LICENCE_TYPES, active="decisions",
    )
