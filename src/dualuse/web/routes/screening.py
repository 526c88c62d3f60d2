"""Upload a file of shipments, follow its progress, see the results (or its input errors)."""

from __future__ import annotations

from fastapi import APIRouter, File, Request, UploadFile
from fastapi.responses import RedirectResponse

from dualuse import i18n
from dualuse.input.errors import InputError
from dualuse.web.context import WebError, check_csrf, lang_of, render, url, user_with

router = APIRouter()
MAX_UPLOAD_BYTES = 40_000_000


@router.get("/screen")
def screen_page(request: Request):
    """The upload form."""
    user_with(request, "screener")
    return render(request, "screen.html", job=None, error=None)


@router.post("/screen")
async def upload(request: Request, file: UploadFile = File(...)):
    """Start screening the uploaded file in the background and show its progress page."""
    live = user_with(request, "screener")
    await check_csrf(request, live)
    content = await file.read(MAX_UPLOAD_BYTES + 1)
    lang = lang_of(request)
    if len(content) > MAX_UPLOAD_BYTES:
        raise WebError(413, i18n.gettext("The file is larger than {n} MB; split it or screen it with the command line.", lang).format(n=MAX_UPLOAD_BYTES // 1_000_000))
    if not content:
        return render(request, "screen.html", status_code=400, job=None, error=i18n.gettext("Choose a file to upload (CSV, XLSX or JSON Lines).", lang))
    try:
        job = request.app.state.jobs.start(file.filename or "upload", content, live.user.username, live.user.actor)
    except InputError as error:
        return render(request, "screen.html", status_code=400, job=None, error=None, issues=error.issues)
    return RedirectResponse(url(f"screen/jobs/{job.id}"), status_code=303)


def _job(request: Request, job_id: str):
    live = user_with(request, "screener")
    job = request.app.state.jobs.get(job_id)
    if job is None or (job.owner != live.user.username and not live.user.allows("admin")):
        raise WebError(404, i18n.gettext("No such screening job (jobs are kept for 6 hours after they finish).", lang_of(request)))
    return job


@router.get("/screen/jobs/{job_id}")
def job_page(request: Request, job_id: str):
    """The job's progress (the page polls :func:`job_progress` while it runs), then its results."""
    return render(request, "screen.html", job=_job(request, job_id), error=None)


@router.get("/screen/jobs/{job_id}/progress")
def job_progress(request: Request, job_id: str):
    """The progress fragment (htmx polls it every second until the job has finished)."""
    return render(request, "_job.html", job=_job(request, job_id))
