"""The lists: versions, knowledge horizon, pending changes, the diff of two versions, and an admin's update
(uploaded, validated and diffed against the live version BEFORE it is applied)."""

from __future__ import annotations

import datetime as dt
import secrets
import shutil
import tempfile
import threading
import time
from pathlib import Path

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse

from dualuse import i18n
from dualuse.service import updates, versions
from dualuse.service.diff import diff_entries
from dualuse.web.context import WebError, check_csrf, lang_of, render, url, user_with
from dualuse.web.jobs import safe_name

router = APIRouter()
MAX_UPDATE_BYTES = 40_000_000
PREVIEW_SECONDS = 3600
_previews_lock = threading.Lock()


def _previews(request: Request) -> dict[str, tuple[str, float, updates.PreparedUpdate]]:
    """The app's validated updates awaiting apply: ``{token: (user name, made at, prepared update)}``."""
    state = request.app.state
    if not hasattr(state, "update_previews"):
        state.update_previews = {}
    return state.update_previews


@router.get("/lists")
def lists_page(request: Request):
    """Stored versions (live one marked), each list of the live version, the horizon and pending changes."""
    from dualuse.decision.horizon import knowledge_report
    from dualuse.refdata import store

    user_with(request, "screener")
    db = request.app.state.db
    info = versions.current(db)
    directory = versions.materialize(db, info)
    return render(
        request, "lists.html", current=info, history=list(reversed(versions.history(db))),
        lists=store.load_lists(directory), knowledge=knowledge_report(directory),
    )


@router.get("/lists/diff")
def diff_page(request: Request, from_: str = "previous", to: str = "current", on: str = ""):
    """What changed between two stored versions (statuses compared on ``on``, default today)."""
    user_with(request, "screener")
    lang = lang_of(request)
    day = None
    if on:
        try:
            day = dt.date.fromisoformat(on)
        except ValueError:
            raise WebError(400, i18n.gettext("{field}: expected a date like 2026-03-02", lang).format(field="on")) from None
    db = request.app.state.db
    try:
        result = updates.diff_versions(db, from_, to, day)
    except (LookupError, ValueError) as error:
        raise WebError(404, i18n.translate(str(error), lang)) from None
    return render(request, "diff.html", diff=result.as_dict(), history=versions.history(db), from_=from_, to=to, on=on, preview=None)


@router.post("/lists/update")
async def upload_update(request: Request, file: UploadFile = File(...), replace: str = Form("")):
    """Validate an uploaded update and show its diff against the live version; nothing is applied yet (admin)."""
    live = user_with(request, "admin")
    await check_csrf(request, live)
    lang = lang_of(request)
    content = await file.read(MAX_UPDATE_BYTES + 1)
    if len(content) > MAX_UPDATE_BYTES or not content:
        raise WebError(400, i18n.gettext("Choose a FollowTheMoney JSON-lines file or an import proposal of at most {n} MB.", lang).format(n=MAX_UPDATE_BYTES // 1_000_000))
    db = request.app.state.db
    folder = Path(tempfile.mkdtemp(prefix="dualuse-web-update-"))
    name = safe_name(file.filename or "update.jsonl")
    try:
        path = folder / name
        path.write_bytes(content)
        try:
            prepared = updates.prepare(db, path, replace=replace == "on")
        except updates.UpdateError as error:
            problems = [i18n.translate(p.replace(str(path), name), lang) for p in error.problems]
            return render(request, "update_error.html", status_code=422, problems=problems, filename=name)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    prepared.source = f"web upload {name} by {live.user.actor}"
    live_info = versions.current(db)
    result = diff_entries(versions.entries_of(db, live_info), prepared.entries(), live_info.version, prepared.version)
    result.item_changes = list(prepared.item_changes)
    token = secrets.token_urlsafe(24)
    with _previews_lock:
        now = time.time()
        waiting = _previews(request)
        for key, (_owner, made, _p) in list(waiting.items()):
            if now - made > PREVIEW_SECONDS:
                del waiting[key]
        waiting[token] = (live.user.username, now, prepared)
    return render(request, "diff.html", diff=result.as_dict(), history=versions.history(db), from_="current", to=prepared.version, on="",
                  preview={"token": token, "filename": name, "notes": prepared.notes, "live": live_info.version, "unchanged": prepared.version == live_info.version})


@router.post("/lists/update/apply")
async def apply_update(request: Request, token: str = Form(...)):
    """Apply the previewed update: store it as the live version, lapse whitelist entries, re-screen (admin)."""
    live = user_with(request, "admin")
    await check_csrf(request, live)
    with _previews_lock:
        found = _previews(request).pop(token, None)
    if found is None or found[0] != live.user.username:
        raise WebError(404, i18n.gettext("This preview has expired or was applied already; upload the file again.", lang_of(request)))
    report = updates.apply(request.app.state.db, found[2], actor=live.user.actor)
    return render(request, "update_done.html", report=report)


@router.post("/lists/update/discard")
async def discard_update(request: Request, token: str = Form(...)):
    """Forget a previewed update without applying it (admin)."""
    live = user_with(request, "admin")
    await check_csrf(request, live)
    with _previews_lock:
        _previews(request).pop(token, None)
    return RedirectResponse(url("lists"), status_code=303)
