"""``dualuse screen``: screen a file of shipments, and keep the record.

Screenings are recorded (Regulations Art. 27: keep records for at least five
years) in the compliance database once the user has chosen one: ``dualuse
init`` (the default SQLite file ``~/.local/share/dualuse/dualuse.db``),
``--db`` or ``$DUALUSE_DB``. Until then - the quick start on a new machine -
nothing is recorded and the command says so; ``--no-record`` screens
without keeping anything even when a database exists (a what-if).

Order of work, so that a mistake costs nothing: the options and the output
path (format from the extension, writable, not a directory) are checked
first, then the input is read and validated, then - only then - shipments
are screened and recorded. Exit status: 0; 2 bad input or options (nothing
screened, recorded or written); 3 ``--skip-invalid`` screened the valid
shipments but skipped invalid ones.
"""

from __future__ import annotations

import contextlib
import sys
from collections import Counter
from pathlib import Path

import typer

from dualuse.cli.common import EXIT_SKIPPED, console, err_console, fail, input_error_text, parse_date
from dualuse.cli.dbopts import actor_of, actor_option, db_option, open_db, records_choice
from dualuse.cli.render import print_terminal_view, summary_table
from dualuse.cli.reading import date_order_option, mapping_option, prepare, remember, report_sanitised, report_unmapped
from dualuse.decision.screen import Screener
from dualuse.i18n import N_, _
from dualuse.input import InputError, load_shipments
from dualuse.input.rejects import write_rejects
from dualuse.models.decision import SEVERITY
from dualuse.output.files import OutputPathError, check_writable, format_for
from dualuse.output.writers import csv_bytes, jsonl_bytes, write_decisions

PROGRESS_FROM = 20  # shipments; smaller files finish before a bar is useful
FILE_FORMATS = ("jsonl", "csv", "xlsx")


def screen(
    file: Path = typer.Argument(..., help=N_("Shipments: .jsonl, .json, .csv/.tsv or .xlsx (UTF-8, GB18030 or Shift-JIS).")),
    format: str | None = typer.Option(None, "--format", "-f", help=N_("table, jsonl, csv or xlsx (default: table on the terminal; with -o, the format of the file's extension).")),
    output: Path | None = typer.Option(None, "--output", "-o", help=N_("Write the decisions to this file (.jsonl, .csv or .xlsx) instead of printing them.")),
    as_of: str | None = typer.Option(None, "--as-of", help=N_("Evaluate lists and rules at this date instead of each shipment's date.")),
    skip_invalid: bool = typer.Option(False, "--skip-invalid", help=N_("Screen the valid shipments; write the invalid ones with their errors to --rejects (exit status 3).")),
    rejects: Path | None = typer.Option(None, "--rejects", help=N_("Where --skip-invalid writes rejected records (default: beside the input, *.rejected.*).")),
    sheet: str | None = typer.Option(None, "--sheet", help=N_("XLSX sheet to read (default: the first, or every form sheet of one shipment).")),
    only: str | None = typer.Option(None, "--only", help=N_("Show (or write) only these verdicts, e.g. PROHIBITED,REVIEW; all shipments are still screened and counted.")),
    summary: bool = typer.Option(False, "--summary", help=N_("Print only the warnings and the counts (for big files), not one row per shipment.")),
    mapping: Path | None = mapping_option(),
    date_order: str | None = date_order_option(),
    db: str | None = db_option(),
    no_record: bool = typer.Option(False, "--no-record", help=N_("Screen without keeping a record or opening alerts (a what-if).")),
    actor: str | None = actor_option(),
    workers: int | None = typer.Option(None, "--workers", "-w", min=1, help=N_("Worker processes that screen (default: every core); the run streams the file and can be resumed.")),
    dask: str | None = typer.Option(None, "--dask", help=N_("Screen on a Dask cluster: the scheduler's address (tcp://host:8786), or local for a cluster on this machine.")),
    max_errors: int | None = typer.Option(None, "--max-errors", min=1, help=N_("Stop reading after this many invalid records (default: report every one).")),
) -> None:
    """Screen shipments and print or write a reasoned decision for each."""
    fmt = _output_format(format, output)
    wanted = _verdicts(only)
    day = parse_date(as_of, "--as-of")
    rejects_target = rejects or file.with_name(f"{file.stem}.rejected{file.suffix}")
    if skip_invalid:
        _check_path(rejects_target)
    record = _record_plan(db, no_record)
    reading = prepare(file, sheet, mapping, date_order)
    if _batch_path(file, fmt, output, workers, dask, summary):
        from dualuse.cli.batch_screen import screen_batch

        screen_batch(file=file, fmt=fmt, output=output, day=day, skip_invalid=skip_invalid, rejects_target=rejects_target,
                     sheet=sheet, wanted=wanted, summary=summary, reading=reading, db=db, record=record, actor=actor,
                     workers=workers, dask=dask, max_errors=max_errors, mapping=mapping)
        return
    try:
        loaded = load_shipments(file, skip_invalid=skip_invalid, sheet=sheet, vocabulary=reading.vocabulary,
                                date_order=reading.date_order)  # type: ignore[arg-type]
    except InputError as error:
        raise fail(_("{file}: invalid input, nothing was screened or written").format(file=file) + "\n" + input_error_text(error)) from None
    except OSError as error:
        raise fail(_("{file}: cannot read ({reason})").format(file=file, reason=error.strerror or error)) from None
    report_unmapped(loaded.unmapped)
    report_sanitised(loaded.warnings)
    remember(reading, file)

    if loaded.rejected:  # written first: a rejects path that does not suit the input stops before anything is screened
        try:
            write_rejects(loaded.rejected, rejects_target)
        except (ValueError, OSError) as error:
            raise fail(f"--rejects {rejects_target}: {error}") from None

    screener, decisions, results = _screen_recorded(loaded.shipments, day, db, record, actor)
    shown = [d for d in decisions if d.verdict in wanted] if wanted else decisions

    if output is not None:
        write_decisions(shown, output, fmt)
        err_console.print(_("wrote {n} decision(s) to {path}").format(n=len(shown), path=output), highlight=False)
    elif fmt == "jsonl":
        sys.stdout.buffer.write(jsonl_bytes(shown))
    elif fmt == "csv":
        sys.stdout.buffer.write(csv_bytes(shown))
    else:
        print_terminal_view(console, decisions, shown, summary)
    if fmt == "table" or output is not None:
        target_console = console if fmt == "table" and output is None else err_console
        target_console.print(summary_table(Counter(d.verdict for d in decisions), screener, shown=len(shown) if wanted else None))
    _record_note(results, db, record)
    if loaded.rejected:
        err_console.print(
            "[yellow]" + _("{n} invalid record(s) skipped; written with their errors to {path} (exit status 3)").format(n=len(loaded.rejected), path=rejects_target) + "[/]",
            highlight=False,
        )
        raise typer.Exit(EXIT_SKIPPED)


def _batch_path(file: Path, fmt: str, output: Path | None, workers: int | None, dask: str | None, summary: bool) -> bool:
    """The batch path (streamed, every core, resumable) for files written as JSON Lines or CSV, big files, or when asked."""
    from dualuse.input.stream import will_stream

    if workers is not None or dask is not None:
        return True
    if fmt in ("jsonl", "csv") and output is not None:
        return True
    return will_stream(file)


def _output_format(format: str | None, output: Path | None) -> str:
    """The output format, checked with the output path before anything is read or screened."""
    if format is not None and format not in ("table", *FILE_FORMATS):
        raise fail(_("--format {value!r}: expected table, jsonl, csv or xlsx").format(value=format))
    if output is None:
        if format == "xlsx":
            raise fail(_("--format xlsx needs --output FILE"))
        return format or "table"
    if format == "table":
        raise fail(_("--format table prints to the terminal; to write {path}, name it .jsonl, .csv or .xlsx (or give that --format)").format(path=output))
    _check_path(output)  # a directory or an unwritable place first: that is the mistake to name
    try:
        return format_for(output, format, FILE_FORMATS)
    except OutputPathError as error:
        raise fail(translate_error(error)) from None


def _check_path(path: Path) -> None:
    try:
        check_writable(path)
    except OutputPathError as error:
        raise fail(translate_error(error)) from None


def translate_error(error: Exception) -> str:
    from dualuse.i18n import translate

    return translate(str(error))


def _verdicts(only: str | None) -> set[str] | None:
    if only is None:
        return None
    wanted = {part.strip().upper() for part in only.split(",") if part.strip()}
    unknown = sorted(wanted - set(SEVERITY))
    if unknown or not wanted:
        raise fail(_("--only {value!r}: expected verdicts among {choices}, separated by commas").format(value=only, choices=", ".join(SEVERITY)))
    return wanted


def _record_plan(db: str | None, no_record: bool) -> str:
    """``record`` (a records database was chosen), ``what-if`` (--no-record) or ``none`` (no database chosen yet)."""
    if no_record:
        return "what-if"
    return "record" if records_choice(db) else "none"


@contextlib.contextmanager
def _progress(total: int):
    """A progress bar on standard error for ``total`` shipments (none for small files); yields the per-shipment callback."""
    if total < PROGRESS_FROM:
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    columns = (TextColumn(_("screening")), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=err_console, transient=True) as progress:
        task = progress.add_task("screening", total=total)
        yield lambda: progress.advance(task)


def _screen_recorded(shipments, day, db: str | None, record: str, actor: str | None):
    """Screen against the live list version of the database; record each screening when ``record`` says so."""
    if not shipments:
        return Screener(), [], None
    from dualuse.service.live import sqlite_path

    have_db = False
    what_if_file = sqlite_path(db) if record == "what-if" else None
    if record == "record" or (record == "what-if" and (what_if_file is None or what_if_file.is_file())):
        from dualuse.storage import db as storage_db  # SQLAlchemy only when there is a records database

        try:
            have_db = record == "record" or storage_db.exists(db)
        except storage_db.DatabaseError as error:
            raise fail(str(error)) from None
    if not have_db:  # nothing chosen yet, or a what-if without a database: the packaged lists, nothing kept
        screener = Screener()
        with _progress(len(shipments)) as advance:
            decisions = []
            for shipment in shipments:
                decisions.append(screener.screen(shipment, day))
                if advance:
                    advance()
        return screener, decisions, None
    from dualuse.service.screening import live_screener, screen_and_record

    database = open_db(db, create=True)
    _, screener = live_screener(database)
    who = actor_of(actor)
    with _progress(len(shipments)) as advance:
        results = screen_and_record(database, shipments, actor=who, channel="cli", as_of=day, record=record == "record", progress=advance)
    return screener, [r.decision for r in results], (results if record == "record" else None)


def _record_note(results, db: str | None, record: str) -> None:
    if record == "what-if":
        err_console.print(_("not recorded (--no-record): no audit record was written and no alert opened"), highlight=False, soft_wrap=True)
        return
    if record == "none":
        from dualuse.service.live import default_sqlite_path  # no SQLAlchemy: nothing is recorded

        err_console.print(
            "[yellow]"
            + _("not recorded: no records database has been chosen yet. `dualuse init` creates one in {path} (or give --db FILE); the Regulations (Art. 27) require records to be kept for five years").format(path=default_sqlite_path())
            + "[/]",
            highlight=False,
            soft_wrap=True,
        )
        return
    if not results:
        return
    from dualuse.storage.db import display_url, resolve_url

    seqs = [r.record_seq for r in results if r.record_seq is not None]
    opened = sum(len(r.alerts_opened) for r in results)
    pending = sum(1 for r in results if r.status == "pending_review")
    span = f"{min(seqs)}-{max(seqs)}" if len(seqs) > 1 else str(seqs[0])
    text = _("recorded {n} screening(s) in {where} (audit records {span}); {opened} alert(s) opened; {pending} shipment(s) pending review").format(
        n=len(seqs), where=display_url(resolve_url(db)), span=span, opened=opened, pending=pending
    )
    if pending:
        text += _(" — see `dualuse alerts`")
    err_console.print(text, highlight=False, soft_wrap=True)
