"""``dualuse screen``: screen a file of shipments, and keep the record.

Every screening is recorded by default (Regulations Art. 27: keep records
for at least five years) in the compliance database (``--db``, else
``$DUALUSE_DB``, else ``~/.local/share/dualuse/dualuse.db``), against the
live list version, with who asked and when; uncertain hits and ``REVIEW``
decisions open alerts (``dualuse alerts``). ``--no-record`` screens without
keeping anything (a what-if).
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from dualuse.cli.common import console, err_console, fail, parse_date
from dualuse.cli.dbopts import actor_of, actor_option, db_option, open_db
from dualuse.cli.reading import date_order_option, mapping_option, prepare, remember, report_unmapped
from dualuse.cli.render import decisions_table, summary_table
from dualuse.decision.screen import Screener
from dualuse.input import InputError, load_shipments
from dualuse.input.rejects import write_rejects
from dualuse.output.writers import csv_bytes, jsonl_bytes, write_decisions

PROGRESS_FROM = 20  # shipments; smaller files finish before a bar is useful


def screen(
    file: Path = typer.Argument(..., help="Shipments: .jsonl, .json, .csv/.tsv or .xlsx (UTF-8, GB18030 or Shift-JIS)."),
    format: str = typer.Option("table", "--format", "-f", help="table, jsonl, csv or xlsx."),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write here instead of standard output (required for xlsx)."),
    as_of: str | None = typer.Option(None, "--as-of", help="Evaluate lists and rules at this date instead of each shipment's date."),
    skip_invalid: bool = typer.Option(False, "--skip-invalid", help="Screen the valid shipments; write the invalid ones with their errors to --rejects."),
    rejects: Path | None = typer.Option(None, "--rejects", help="Where --skip-invalid writes rejected records (default: beside the input, *.rejected.*)."),
    sheet: str | None = typer.Option(None, "--sheet", help="XLSX sheet to read (default: the first, or every form sheet of one shipment)."),
    mapping: Path | None = mapping_option(),
    date_order: str | None = date_order_option(),
    db: str | None = db_option(),
    no_record: bool = typer.Option(False, "--no-record", help="Screen without keeping a record or opening alerts (a what-if)."),
    actor: str | None = actor_option(),
) -> None:
    """Screen shipments and print or write a reasoned decision for each."""
    if format not in ("table", "jsonl", "csv", "xlsx"):
        raise fail(f"--format {format!r}: expected table, jsonl, csv or xlsx")
    if format == "xlsx" and output is None:
        raise fail("--format xlsx needs --output FILE")
    day = parse_date(as_of, "--as-of")
    reading = prepare(file, sheet, mapping, date_order)
    try:
        loaded = load_shipments(file, skip_invalid=skip_invalid, sheet=sheet, vocabulary=reading.vocabulary,
                                date_order=reading.date_order)  # type: ignore[arg-type]
    except InputError as error:
        raise fail(f"{file}: invalid input, nothing was screened or written\n{error}") from None
    except OSError as error:
        raise fail(f"{file}: cannot read ({error.strerror or error})") from None
    report_unmapped(loaded.unmapped)
    remember(reading, file)

    screener, decisions, results = _screen_recorded(loaded.shipments, day, db, no_record, actor)

    if loaded.rejected:
        target = rejects or file.with_name(f"{file.stem}.rejected{file.suffix}")
        write_rejects(loaded.rejected, target)
        err_console.print(f"[yellow]{len(loaded.rejected)} invalid record(s) skipped; written with their errors to {target}[/]")

    if output is not None:
        write_decisions(decisions, output, "jsonl" if format == "table" else format)
        err_console.print(f"wrote {len(decisions)} decision(s) to {output}")
    elif format == "jsonl":
        sys.stdout.buffer.write(jsonl_bytes(decisions))
    elif format == "csv":
        sys.stdout.buffer.write(csv_bytes(decisions))
    else:
        console.print(decisions_table(decisions))
    if format == "table" or output is not None:
        target_console = console if format == "table" and output is None else err_console
        target_console.print(summary_table(Counter(d.verdict for d in decisions), screener))
    if results is not None and results:
        _record_note(results, db)


def _screen_recorded(shipments, day, db: str | None, no_record: bool, actor: str | None):
    """Screen against the live list version of the database and record each screening."""
    from dualuse.service.screening import live_screener, screen_and_record
    from dualuse.storage import db as storage_db

    if not shipments:
        return Screener(), [], None
    try:
        have_db = storage_db.exists(db)
    except storage_db.DatabaseError as error:
        raise fail(str(error)) from None
    if no_record and not have_db:  # a what-if with no records database: the packaged lists
        screener = Screener()
        return screener, [screener.screen(s, day) for s in shipments], None
    database = open_db(db)
    _, screener = live_screener(database)
    who = actor_of(actor)
    if len(shipments) < PROGRESS_FROM:
        results = screen_and_record(database, shipments, actor=who, channel="cli", as_of=day, record=not no_record)
    else:
        columns = (TextColumn("screening"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
        with Progress(*columns, console=err_console, transient=True) as progress:
            task = progress.add_task("screening", total=len(shipments))
            results = screen_and_record(
                database, shipments, actor=who, channel="cli", as_of=day, record=not no_record, progress=lambda: progress.advance(task)
            )
    return screener, [r.decision for r in results], (None if no_record else results)


def _record_note(results, db: str | None) -> None:
    from dualuse.storage.db import display_url, resolve_url

    seqs = [r.record_seq for r in results if r.record_seq is not None]
    opened = sum(len(r.alerts_opened) for r in results)
    pending = sum(1 for r in results if r.status == "pending_review")
    span = f"{min(seqs)}-{max(seqs)}" if len(seqs) > 1 else str(seqs[0])
    err_console.print(
        f"recorded {len(seqs)} screening(s) in {display_url(resolve_url(db))} (audit records {span}); "
        f"{opened} alert(s) opened; {pending} shipment(s) pending review" + (" — see `dualuse alerts`" if pending else ""),
        highlight=False,
        soft_wrap=True,
    )

