"""``dualuse screen`` on the batch path: streamed, on every core (or a Dask cluster), resumable.

The same command and the same output as the whole-file path (see
:mod:`dualuse.cli.screen`), with what a big file needs: progress from the
first byte (validating, reading, screening), invalid records reported as
they are read (``--max-errors``), memory bounded by the batch size, and a
run that resumes where it stopped when it is killed and started again with
the same arguments (:mod:`dualuse.batch`).
"""

from __future__ import annotations

import tempfile
from collections import Counter
from pathlib import Path

import typer
from rich.progress import BarColumn, DownloadColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from dualuse.cli.common import EXIT_SKIPPED, console, err_console, fail, input_error_text
from dualuse.cli.dbopts import actor_of, open_db
from dualuse.cli.reading import remember, report_sanitised, report_unmapped
from dualuse.i18n import _
from dualuse.input import InputError
from dualuse.input.rejects import write_rejects

PROGRESS_FROM_BYTES = 1024 * 1024  # smaller files are read before a bar is useful


class _Bar:
    """One progress bar on standard error whose phase and unit change (bytes while reading, shipments after)."""

    def __init__(self, show: bool):
        self.show = show
        self._progress: Progress | None = None
        self._task = None
        self._phase = None

    def __call__(self, phase: str, done: int, total: int | None) -> None:
        if not self.show:
            return
        if phase != self._phase or self._progress is None:
            self._start(phase, total)
        self._progress.update(self._task, completed=done, total=total)

    def _start(self, phase: str, total: int | None) -> None:
        self.close()
        labels = {"validating": _("validating"), "reading": _("reading"), "screening": _("screening")}
        unit = MofNCompleteColumn() if phase == "screening" else DownloadColumn()
        self._progress = Progress(TextColumn(labels.get(phase, phase)), BarColumn(), unit, TimeRemainingColumn(),
                                  console=err_console, transient=True)
        self._progress.start()
        self._task = self._progress.add_task(phase, total=total)
        self._phase = phase

    def close(self) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None
        self._phase = None  # the next update starts a new bar (after an error was printed, say)


def screen_batch(*, file: Path, fmt: str, output: Path | None, day, skip_invalid: bool, rejects_target: Path, sheet,
                 wanted, summary: bool, reading, db, record: str, actor, workers: int | None, dask: str | None,
                 max_errors: int | None, mapping) -> None:
    """Validate, screen, record and write ``file`` (see the module docstring); exit status as ``screen``."""
    from dualuse.input.stream import will_stream

    try:
        size = file.stat().st_size
    except OSError as error:
        raise fail(_("{file}: cannot read ({reason})").format(file=file, reason=error.strerror or error)) from None
    streamed = will_stream(file)
    bar = _Bar(size >= PROGRESS_FROM_BYTES)
    shown_issues = [0]

    def on_issues(issues) -> None:  # a streamed file shows its errors as they are read
        if not streamed:
            return
        bar.close()
        err_console.print(input_error_text(InputError(issues)), highlight=False, soft_wrap=True)
        shown_issues[0] += 1

    with tempfile.TemporaryDirectory(prefix="dualuse-screen-") as scratch:
        _run(file=file, fmt=fmt, output=output, day=day, skip_invalid=skip_invalid, rejects_target=rejects_target,
             sheet=sheet, wanted=wanted, summary=summary, reading=reading, db=db, record=record, actor=actor,
             workers=workers, dask=dask, max_errors=max_errors, mapping=mapping, size=size, streamed=streamed,
             bar=bar, on_issues=on_issues, shown_issues=shown_issues, spool=Path(scratch) / "shipments.jsonl")


def _run(*, file, fmt, output, day, skip_invalid, rejects_target, sheet, wanted, summary, reading, db, record, actor,
         workers, dask, max_errors, mapping, size, streamed, bar, on_issues, shown_issues, spool) -> None:
    from dualuse.batch.run import Plan, screen_file, validate
    from dualuse.batch.workers import BatchError, default_workers
    from dualuse.cli.render import print_terminal_view, summary_table
    from dualuse.storage import db as storage_db

    try:
        checked = validate(file, sheet=sheet, vocabulary=reading.vocabulary, date_order=reading.date_order,
                           skip_invalid=skip_invalid, max_errors=max_errors, on_issues=on_issues, progress=bar,
                           spool=spool)
    except InputError as error:
        bar.close()
        text = _("{file}: invalid input, nothing was screened or written").format(file=file)
        if not shown_issues[0] or len(error.issues) > shown_issues[0] * 50:
            text += "\n" + input_error_text(error)
        raise fail(text) from None
    except OSError as error:
        bar.close()
        raise fail(_("{file}: cannot read ({reason})").format(file=file, reason=error.strerror or error)) from None
    bar.close()
    report_unmapped(checked.info.unmapped)
    report_sanitised(checked.info.warnings)
    remember(reading, file)
    if checked.rejected:
        try:
            write_rejects(checked.rejected, rejects_target)
        except (ValueError, OSError) as error:
            raise fail(f"--rejects {rejects_target}: {error}") from None

    database = None
    try:
        have_db = record == "record" or (record == "what-if" and storage_db.exists(db))
    except storage_db.DatabaseError as error:
        raise fail(str(error)) from None
    if have_db and checked.shipments:
        database = open_db(db, create=True)
    plan = Plan(path=file, format=fmt if fmt != "table" else "table", sheet=sheet, vocabulary=reading.vocabulary,
                date_order=reading.date_order, as_of=day, output=output, only=wanted,
                workers=workers or (1 if checked.shipments < 64 else default_workers()), dask=dask,
                db=database, record=record == "record" and database is not None, actor=actor_of(actor), channel="cli",
                arguments={"sheet": sheet, "mapping": str(mapping) if mapping else None, "date_order": reading.date_order,
                           "skip_invalid": skip_invalid, "only": sorted(wanted) if wanted else None,
                           "output": str(output.absolute()) if output else None})
    bar = _Bar(checked.shipments >= 20 or size >= PROGRESS_FROM_BYTES)
    try:
        outcome, decisions = screen_file(plan, checked.shipments, progress=bar, shipments=spool)
    except BatchError as error:
        bar.close()
        raise fail(str(error), code=1) from None
    finally:
        bar.close()
    if outcome.resumed:
        err_console.print(_("resumed an interrupted run of the same file and arguments: {n} shipment(s) were already done").format(n=outcome.resumed), highlight=False)
    if output is not None:
        err_console.print(_("wrote {n} decision(s) to {path}").format(n=outcome.shown, path=output), highlight=False)
    elif decisions is not None:
        print_terminal_view(console, decisions, decisions, summary)
    if fmt == "table" or output is not None:
        target = console if fmt == "table" and output is None else err_console
        target.print(summary_table(Counter(outcome.counts), outcome.screener, shown=outcome.shown if wanted else None))
    _note(outcome, db, record, database)
    if checked.rejected:
        err_console.print(
            "[yellow]" + _("{n} invalid record(s) skipped; written with their errors to {path} (exit status 3)").format(n=len(checked.rejected), path=rejects_target) + "[/]",
            highlight=False,
        )
        raise typer.Exit(EXIT_SKIPPED)


def _note(outcome, db, record: str, database) -> None:
    from dualuse.cli.screen import _record_note
    from dualuse.storage.db import display_url, resolve_url

    if record != "record" or database is None:
        _record_note(None, db, record)
        return
    if not outcome.recorded:
        return
    span = f"{outcome.first_seq}-{outcome.last_seq}" if outcome.recorded > 1 else str(outcome.first_seq)
    text = _("recorded {n} screening(s) in {where} (audit records {span}); {opened} alert(s) opened; {pending} shipment(s) pending review").format(
        n=outcome.recorded, where=display_url(resolve_url(db)), span=span, opened=outcome.opened, pending=outcome.pending)
    if outcome.pending:
        text += _(" — see `dualuse alerts`")
    err_console.print(text, highlight=False, soft_wrap=True)


__all__ = ["screen_batch"]
