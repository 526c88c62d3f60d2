"""The review queue: open alerts by severity and age; decide one (with a file), whitelist; the four-eyes setting."""

from __future__ import annotations

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from dualuse import i18n
from dualuse.service import alerts as alert_service
from dualuse.service import users
from dualuse.web import labels
from dualuse.web.context import WebError, check_csrf, lang_of, render, url, user_with

router = APIRouter()
PAGE = 50
QUEUE_STATUSES = ("pending", "open", "escalated", "closed", "all")


def _review_error(request: Request, error: alert_service.ReviewError) -> WebError:
    return WebError(error.status, i18n.translate(str(error), lang_of(request)))


@router.get("/review")
def queue(request: Request, status: str = "pending", page: int = 1):
    """Alerts, most severe first, then oldest first."""
    user_with(request, "screener")
    if status not in QUEUE_STATUSES:
        status = "pending"
    page = max(1, page)
    try:
        total, rows = alert_service.list_alerts(request.app.state.db, status, limit=PAGE, offset=(page - 1) * PAGE, sort="severity")
    except alert_service.ReviewError as error:
        raise _review_error(request, error) from None
    return render(request, "review.html", rows=rows, total=total, status=status, statuses=QUEUE_STATUSES, page=page,
                  pages=max(1, -(-total // PAGE)), four_eyes=users.four_eyes(request.app.state.db),
                  page_url=lambda n: url("review", status=status, page=n), active="review")


@router.get("/review/{alert_id}")
def alert_page(request: Request, alert_id: int):
    """One alert: its hit or reasons, its history, and (for reviewers) the decision form."""
    live = user_with(request, "screener")
    db = request.app.state.db
    try:
        alert = alert_service.get_alert(db, alert_id)
    except alert_service.ReviewError as error:
        raise _review_error(request, error) from None
    problem = users.four_eyes_problem(db, alert, live.user.actor)
    return render(request, "alert.html", alert=alert, four_eyes_problem=problem and i18n.translate(problem, lang_of(request)),
                  decisions=alert_service.DECISIONS, decision_words=labels.DECISION_WORDS, active="review")


@router.post("/review/{alert_id}/decide")
async def decide(
    request: Request, alert_id: int, status: str = Form(...), reason: str = Form(""), whitelist: str = Form(""),
    attachment: UploadFile | None = File(None),
):
    """Confirm, mark false positive (optionally whitelisted) or escalate, with a reason and an optional file."""
    live = user_with(request, "reviewer")
    await check_csrf(request, live)
    db = request.app.state.db
    try:
        file = None
        if attachment is not None and attachment.filename:
            content = await attachment.read(alert_service.MAX_ATTACHMENT_BYTES + 1)
            file = (attachment.filename, content, attachment.content_type or "application/octet-stream")
        # the service refuses (403) what the four-eyes rule forbids, on every channel
        outcome = alert_service.decide_alert(db, alert_id, status, reason, live.user.actor, "web", file, whitelist == "on")
    except alert_service.ReviewError as error:
        raise _review_error(request, error) from None
    target = url(f"review/{alert_id}", done="1")
    if outcome.final is not None and outcome.alert.get("shipment_id"):
        target = url(f"decisions/{outcome.alert['shipment_id']}", final="1")
    return RedirectResponse(target, status_code=303)


@router.get("/review/{alert_id}/attachment")
def attachment(request: Request, alert_id: int):
    """The file attached to the alert's decision, as uploaded (always as a download)."""
    user_with(request, "screener")
    try:
        name, media_type, content = alert_service.get_attachment(request.app.state.db, alert_id)
    except alert_service.ReviewError as error:
        raise _review_error(request, error) from None
    safe = "".join(ch for ch in name if ch.isalnum() or ch in "._- ") or "attachment"
    return Response(content, media_type="application/octet-stream", headers={"Content-Disposition": f'attachment; filename="{safe}"', "X-Original-Media-Type": media_type[:100]})


@router.get("/whitelist")
def whitelist(request: Request, status: str = "active"):
    """Whitelist entries (active, lapsed, revoked or all)."""
    user_with(request, "screener")
    if status not in ("active", "lapsed", "revoked", "all"):
        status = "active"
    try:
        rows = alert_service.list_whitelist(request.app.state.db, status)
    except alert_service.ReviewError as error:
        raise _review_error(request, error) from None
    return render(request, "whitelist.html", rows=rows, status=status, active="whitelist")


@router.post("/whitelist/{whitelist_id}/revoke")
async def revoke(request: Request, whitelist_id: int, reason: str = Form("")):
    """Withdraw a whitelist entry (reviewer)."""
    live = user_with(request, "reviewer")
    await check_csrf(request, live)
    try:
        alert_service.revoke_whitelist(request.app.state.db, whitelist_id, reason, live.user.actor, "web")
    except alert_service.ReviewError as error:
        raise _review_error(request, error) from None
    return RedirectResponse(url("whitelist", status="all"), status_code=303)


@router.post("/settings/four-eyes")
async def four_eyes(request: Request, required: str = Form("")):
    """Require (or not) that the reviewer is not the person whose screening opened the alert (admin)."""
    live = user_with(request, "admin")
    await check_csrf(request, live)
    users.set_four_eyes(request.app.state.db, required == "on", live.user.actor, "web")
    return RedirectResponse(url("review"), status_code=303)
