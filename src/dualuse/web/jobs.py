"""Screening an uploaded file in the background, so a long file shows its progress.

A :class:`Job` reads the file with :func:`dualuse.input.loader.load_shipments`
(every format and encoding the CLI reads; input errors keep their file, row
and column) and screens and records each shipment through
:func:`dualuse.service.screening.screen_and_record`, counting as it goes.
Jobs live in memory in the serving process (the records they make are in the
database); a finished job is kept for :data:`KEEP_SECONDS`.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from dualuse.input.errors import InputError, InputIssue
from dualuse.input.loader import detect_format, load_shipments
from dualuse.service.screening import screen_and_record
from dualuse.storage.db import Database

KEEP_SECONDS = 6 * 3600
MAX_JOBS = 200


@dataclass
class Job:
    """One uploaded file being screened.

    Attributes:
        id: random id (also the URL of its progress page).
        owner: the user name that uploaded it (only they and admins see it).
        filename: the file name as uploaded.
        state: ``reading``, ``screening``, ``done`` or ``failed``.
        total, done: shipments to screen and screened so far.
        issues: input errors (file, row, column, value, message) when the file was refused.
        results: ``(shipment id, verdict, status)`` per shipment screened.
        error: an unexpected failure, in English (logged), shown with a reference.
    """

    id: str
    owner: str
    filename: str
    state: str = "reading"
    total: int = 0
    done: int = 0
    issues: list[InputIssue] = field(default_factory=list)
    results: list[tuple[str, str, str]] = field(default_factory=list)
    error: str | None = None
    finished_at: float | None = None

    @property
    def finished(self) -> bool:
        """True once the job is done or failed."""
        return self.state in ("done", "failed")


def safe_name(name: str) -> str:
    """The upload's file name without folders or characters a file system refuses (the extension kept)."""
    base = Path(name or "upload").name
    cleaned = re.sub(r'[\x00-\x1f<>:"/\\|?*]', "_", base).strip(" .") or "upload"
    return cleaned[-150:]


class JobStore:
    """The jobs of one web application."""

    def __init__(self, db: Database):
        self.db = db
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()

    def get(self, job_id: str) -> Job | None:
        """The job, or ``None``."""
        with self._lock:
            return self._jobs.get(job_id)

    def start(self, filename: str, content: bytes, owner: str, actor: str) -> Job:
        """Start screening ``content`` (a file named ``filename``) in a thread; returns the job at once.

        Raises:
            InputError: the extension names no format dualuse reads (checked before anything starts).
        """
        name = safe_name(filename)
        detect_format(name)
        job = Job(id=uuid.uuid4().hex, owner=owner, filename=name)
        with self._lock:
            self._forget_old()
            self._jobs[job.id] = job
        folder = Path(tempfile.mkdtemp(prefix="dualuse-web-upload-"))
        path = folder / name
        path.write_bytes(content)
        threading.Thread(target=self._run, args=(job, path, actor), name=f"dualuse-screen-{job.id[:8]}", daemon=True).start()
        return job

    def _run(self, job: Job, path: Path, actor: str) -> None:
        import logging

        try:
            try:
                loaded = load_shipments(path)
            except InputError as error:
                job.issues = [_named(i, job.filename, path) for i in error.issues]
                job.state = "failed"
                return
            job.total = len(loaded.shipments)
            job.state = "screening"

            def step() -> None:
                job.done += 1

            results = screen_and_record(self.db, loaded.shipments, actor=actor, channel="web", progress=step)
            job.results = [(r.shipment_id, r.decision.verdict, r.status) for r in results]
            job.state = "done"
        except Exception as error:  # noqa: BLE001 - shown on the page, logged with the trace
            logging.getLogger("dualuse.web").exception("screening job %s failed", job.id)
            job.error = f"{error.__class__.__name__}: {error}"
            job.state = "failed"
        finally:
            job.finished_at = time.time()
            shutil.rmtree(path.parent, ignore_errors=True)

    def _forget_old(self) -> None:
        now = time.time()
        for job_id, job in list(self._jobs.items()):
            if job.finished_at and now - job.finished_at > KEEP_SECONDS:
                del self._jobs[job_id]
        while len(self._jobs) >= MAX_JOBS:
            oldest = min(self._jobs.values(), key=lambda j: j.finished_at or float("inf"))
            del self._jobs[oldest.id]


def _named(item: InputIssue, filename: str, path: Path) -> InputIssue:
    """The issue with the file named as uploaded (not the temporary path)."""
    from dataclasses import replace

    return replace(item, file=filename, message=item.message.replace(str(path), filename))
