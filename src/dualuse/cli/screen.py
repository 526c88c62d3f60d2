"""``dualuse screen``: screen a file of shipments."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from dualuse.cli.common import console, err_console, fail, parse_date
from dualuse.cli.render import decisions_table, summary_table
from dualuse.decision.screen import Screener
from dualuse.input import InputError, load_shipments
from dualuse.input.rejects import write_rejects
from dualuse.models.decision import Decision
from dualuse.output.writers import csv_bytes, jsonl_bytes, write_decisions

PROGRESS_FROM = 20  # shipments; smaller files finish before a bar is useful


def screen(
    file: Path = typer.Argument(..., help="Shipments: .jsonl, .json, .csv/.tsv or .xlsx (UTF-8, GB18030 or Shift-JIS)."),
    format: str = typer.Option("table", "--format", "-f", help="table, jsonl, csv or xlsx."),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write here instead of standard output (required for xlsx)."),
    as_of: str | None = typer.Option(None, "--as-of", help="Evaluate lists and rules at this date instead of each shipment's date."),
    skip_invalid: bool = typer.Option(False, "--skip-invalid", help="Screen the valid shipments; write the invalid ones with their errors to --rejects."),
    rejects: Path | None = typer.Option(None, "--rejects", help="Where --skip-invalid writes rejected records (default: beside the input, *.rejected.*)."),
    sheet: str | None = typer.Option(None, "--sheet", help="XLSX sheet to read (default: the first)."),
) -> None:
    """Screen shipments and print or write a reasoned decision for each."""
    if format not in ("table", "jsonl", "csv", "xlsx"):
        raise fail(f"--format {format!r}: expected table, jsonl, csv or xlsx")
    if format == "xlsx" and output is None:
        raise fail("--format xlsx needs --output FILE")
    day = parse_date(as_of, "--as-of")
    try:
        loaded = load_shipments(file, skip_invalid=skip_invalid, sheet=sheet)
    except InputError as error:
        raise fail(f"{file}: invalid input, nothing was screened or written\n{error}") from None
    except OSError as error:
        raise fail(f"{file}: cannot read ({error.strerror or error})") from None

    screener = Screener()
    decisions = _screen_all(screener, loaded.shipments, day)

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


def _screen_all(screener: Screener, shipments, day) -> list[Decision]:
    if len(shipments) < PROGRESS_FROM:
        return [screener.screen(s, day) for s in shipments]
    decisions = []
    columns = (TextColumn("screening"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=err_console, transient=True) as progress:
        task = progress.add_task("screening", total=len(shipments))
        for shipment in shipments:
            decisions.append(screener.screen(shipment, day))
            progress.advance(task)
    return decisions
