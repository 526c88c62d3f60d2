"""The audit records: verify the hash chain (the result on the page), export them (JSON Lines or XLSX)."""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, StreamingResponse
from starlette.background import BackgroundTask

from dualuse import i18n
from dualuse.service import audit as audit_service
from dualuse.web.context import WebError, lang_of, render, user_with

router = APIRouter()


@router.get("/audit")
def audit_page(request: Request, verify: str = ""):
    """The export form; with ``verify=1`` the chain is verified and the result shown."""
    user_with(request, "reviewer")
    report = audit_service.verify(request.app.state.db) if verify else None
    return render(request, "audit.html", report=report)


def _day(text: str, name: str, lang: str) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise WebError(400, i18n.gettext("{field}: expected a date like 2026-03-02", lang).format(field=name)) from None


@router.get("/audit/export")
def export(request: Request, format: str = "jsonl", date_from: str = "", date_to: str = ""):
    """Download the records of a period as JSON Lines (verifiable with ``dualuse audit verify --file``) or XLSX."""
    user_with(request, "reviewer")
    lang = lang_of(request)
    since, until = _day(date_from, "date_from", lang), _day(date_to, "date_to", lang)
    db = request.app.state.db
    if format == "jsonl":
        return StreamingResponse(audit_service.jsonl_lines(db, since, until), media_type="application/x-ndjson",
                                 headers={"Content-Disposition": 'attachment; filename="dualuse-audit.jsonl"'})
    if format != "xlsx":
        raise WebError(400, i18n.gettext("format: expected jsonl or xlsx", lang))
    path = Path(tempfile.mkdtemp(prefix="dualuse-web-export-")) / "dualuse-audit.xlsx"
    audit_service.export_xlsx(db, path, since, until)
    return FileResponse(path, media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", filename="dualuse-audit.xlsx",
                        background=BackgroundTask(shutil.rmtree, path.parent, True))
