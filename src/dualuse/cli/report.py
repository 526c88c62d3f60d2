"""``dualuse report``: a shipment's report, or a period's summary, for the licence file.

    dualuse report SHIPMENT_ID [--format pdf|xlsx] [-o FILE]
    dualuse report period --from DATE --to DATE [--format xlsx|pdf] [-o FILE]

The report is in the language of ``--lang`` with English beside it (beside
English, Chinese). Issuing it appends a ``report_issued`` audit record with
the file's sha256 (see :mod:`dualuse.reports`). A shipment whose id is
literally ``period`` is reported with ``--shipment period``.

Exit status: 0 written; 2 unknown shipment, bad option, no CJK font.
"""

from __future__ import annotations

from pathlib import Path

import typer

from dualuse.cli.common import check_choice, fail, parse_date
from dualuse.cli.dbopts import actor_of, actor_option, db_option, note, open_db
from dualuse.i18n import N_, _, current, translate


def report(
    target: str = typer.Argument(None, help=N_("A screened shipment's id, or the word period (with --from and --to).")),
    format: str | None = typer.Option(None, "--format", "-f", help=N_("pdf or xlsx (default: from the file name, else pdf).")),
    output: Path | None = typer.Option(None, "--output", "-o", help=N_("File to write (default: the report's own name in the current folder).")),
    since: str | None = typer.Option(None, "--from", help=N_("First day (UTC) of the period.")),
    until: str | None = typer.Option(None, "--to", help=N_("Last day (UTC) of the period.")),
    shipment: str | None = typer.Option(None, "--shipment", help=N_("The shipment's id (for an id that reads like a command word).")),
    actor: str | None = actor_option(),
    db: str | None = db_option(),
) -> None:
    """Write a shipment's report (PDF or XLSX) or a period's summary, and record that it was issued."""
    from dualuse.reports import ReportError, render_period_report, render_shipment_report

    fmt = _format(format, output)
    lang = current()
    period = shipment is None and target == "period"
    if not period and not (shipment or target):
        raise fail(_("give a shipment id, or: dualuse report period --from DATE --to DATE"))
    if period:
        first, last = parse_date(since, "--from"), parse_date(until, "--to")
        if first is None or last is None:
            raise fail(_("a period report needs --from and --to"))
    elif since or until:
        raise fail(_("--from and --to are for the period report: dualuse report period --from DATE --to DATE"))
    if output is not None and output.is_dir():
        raise fail(_("{path}: is a directory; give a file name").format(path=output))
    database = open_db(db)
    try:
        if period:
            result = render_period_report(database, first, last, fmt, lang, actor=actor_of(actor))
        else:
            result = render_shipment_report(database, shipment or target, fmt, lang, actor=actor_of(actor))
    except ReportError as error:
        raise fail(translate(str(error))) from None
    path = output or Path(result.filename)
    try:
        path.write_bytes(result.content)
    except OSError as error:
        raise fail(f"{path}: cannot write ({error.strerror or error})") from None
    note(_("wrote {path} (sha256 {sha256}; audit record {seq})").format(path=path, sha256=result.sha256, seq=result.record_seq))


def _format(format: str | None, output: Path | None) -> str:
    if format is not None:
        check_choice("--format", format, ("pdf", "xlsx"))
    implied = output.suffix.lower().lstrip(".") if output is not None and output.suffix else None
    if implied is not None and implied not in ("pdf", "xlsx"):
        raise fail(_("{path}: a report is .pdf or .xlsx").format(path=output))
    if format and implied and format != implied:
        raise fail(_("{path}: the extension means {implied}, but --format {requested} was given").format(path=output, implied=implied, requested=format))
    return format or implied or "pdf"


__all__ = ["report"]
