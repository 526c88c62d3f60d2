"""``dualuse inspect FILE``: how dualuse reads a file, before anything is screened.

Shows, for a CSV/TSV/XLSX file: the layout found (a flat table, or a form with
its title, header block and goods table; which sheets were merged), which
column or label became which field (and from which document vocabulary the
name comes), which were kept without being read (with "did you mean"), how
fields were filled in (an id from 预录入编号 ...), the first shipments as
parsed, and every problem. JSON files show the shipments and problems.

``--mapping MAP.yaml`` names columns dualuse does not know; after a good
read the mapping is saved for the file's layout and used for the next file of
the same layout (see :mod:`dualuse.input.mapping`). Exit status 2 when the
file cannot be read or has invalid records (the report is printed first).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer
from rich.table import Table as RichTable

from dualuse.cli.common import check_choice, console, fail
from dualuse.cli.reading import date_order_option, mapping_option, prepare, remember
from dualuse.input import InputError, load_shipments
from dualuse.input.headers import load_vocabulary
from dualuse.input.loader import detect_format, read_tables, with_defaults
from dualuse.input.tables import Table, is_empty, resolve_columns, to_text


def inspect(
    file: Path = typer.Argument(..., help="The file to read: .csv/.tsv/.txt, .xlsx, .jsonl or .json."),
    sheet: str | None = typer.Option(None, "--sheet", help="XLSX sheet to read (default: the first, or every form sheet of one shipment)."),
    mapping: Path | None = mapping_option(),
    date_order: str | None = date_order_option(),
    shipments: int = typer.Option(3, "--shipments", "-n", min=0, help="How many parsed shipments to show."),
    format: str = typer.Option("table", "--format", "-f", help="table or json."),
) -> None:
    """Show how dualuse reads FILE: columns -> fields, kept columns, the first shipments as parsed."""
    check_choice("--format", format, ("table", "json"))
    try:
        fmt = detect_format(file)
    except InputError as error:
        raise fail(str(error)) from None
    reading = prepare(file, sheet, mapping, date_order)
    vocab = reading.vocabulary or load_vocabulary()
    report: dict[str, Any] = {"file": str(file), "format": fmt, "layout": reading.layout,
                              "mapping": str(reading.mapping.path) if reading.mapping and reading.mapping.path else None,
                              "tables": [], "unmapped": [], "shipments": [], "errors": []}
    if fmt not in ("jsonl", "json"):
        try:
            tables, encoding = read_tables(file, sheet=sheet, vocabulary=vocab)
        except InputError as error:
            report["errors"] = [str(i) for i in error.issues]
            tables, encoding = [], None
        report["encoding"] = encoding
        report["tables"] = [_table_report(file, with_defaults(t, vocab), vocab) for t in tables]
    try:
        loaded = load_shipments(file, skip_invalid=True, sheet=sheet, vocabulary=reading.vocabulary,
                                date_order=reading.date_order)  # type: ignore[arg-type]
    except InputError as error:
        report["errors"] = report["errors"] or [str(i) for i in error.issues]
        loaded = None
    if loaded is not None:
        report["encoding"] = loaded.source.encoding
        report["unmapped"] = [{"column": h, "why": w} for h, w in loaded.unmapped]
        report["shipment_count"] = len(loaded.shipments)
        report["shipments"] = [s.model_dump(mode="json", exclude_defaults=True) for s in loaded.shipments[:shipments]]
        report["errors"] = [str(i) for r in loaded.rejected for i in r.issues]
    if format == "json":
        console.print_json(json.dumps(report, ensure_ascii=False))
    else:
        _print(report)
    if report["errors"]:
        raise typer.Exit(2)
    if loaded is not None:
        remember(reading, file)


def _table_report(file: Path, table: Table, vocab) -> dict[str, Any]:
    resolution = resolve_columns(str(file), table, vocab)
    first = table.rows[0][1] if table.rows else []
    columns = []
    read = {c.index: c for c in resolution.columns}
    kept = {c.index for c in resolution.kept}
    why = dict(resolution.unknown)
    for index, header in enumerate(table.headers):
        if is_empty(header):
            continue
        header = " ".join(str(header).split())
        example = first[index] if index < len(first) else None
        entry: dict[str, Any] = {
            "column": header,
            "where": f"cell {table.fixed[index][1]}" if index in table.fixed else ("header block" if table.layout == "form" else "column"),
            "example": None if is_empty(example) else to_text(example),
        }
        if index in read:
            m = read[index].match
            entry["field"] = (m.field if m.kind == "field" else f"intermediaries.{m.number}.{m.field}" if m.kind == "intermediary"
                              else f"param:{m.parameter}")
            entry["source"] = vocab.source_of(header)
        elif index in kept:
            entry["field"] = None
            source = vocab.source_of(header)
            entry["source"] = source if source not in (None, "general") else None
            entry["kept"] = why.get(header) or ("kept as the mapping asks" if source == "user mapping" else
                                                "a field of the document that does not bear on the decision")
        else:
            entry["field"] = "(ignored)"
        columns.append(entry)
    return {"sheet": table.sheet, "layout": table.layout, "kind": table.kind, "title": table.title,
            "header_row": table.header_row, "goods_rows": 0 if table.no_goods else len(table.rows),
            "notes": list(table.notes), "columns": columns,
            "problems": [str(i) for i in resolution.issues]}


def _print(report: dict[str, Any]) -> None:
    console.print(f"[bold]{report['file']}[/] — {report['format']}"
                  + (f", {report['encoding']}" if report.get("encoding") else "")
                  + (f", layout {report['layout']}" if report.get("layout") else "")
                  + (f", mapping {report['mapping']}" if report.get("mapping") else ""), highlight=False)
    for table in report["tables"]:
        what = "form" + (f" ({table['kind']})" if table["kind"] else "") if table["layout"] == "form" else "table"
        where = f"sheet {table['sheet']!r}: " if table["sheet"] else ""
        console.print(f"\n{where}{what}, header on row {table['header_row']}, {table['goods_rows']} goods row(s)",
                      highlight=False)
        for note in table["notes"]:
            console.print(f"  · {note}", highlight=False, soft_wrap=True)
        grid = RichTable(show_lines=False, expand=True)
        grid.add_column("column / label as written")
        grid.add_column("read as")
        grid.add_column("names from", style="dim")
        grid.add_column("first value")
        for column in table["columns"]:
            kept = column.get("kept") or ""
            if column["field"] is not None:
                field, source = column["field"], column.get("source") or ""
            elif kept.startswith("unknown column"):
                field = "[yellow]unknown: kept as written[/]"
                source = (kept.split(";")[1].strip() if "did you mean" in kept else
                          kept.removeprefix("unknown column: ").split(";")[0] if kept.startswith("unknown column: ") else "")
            else:
                field, source = "[dim]kept as written[/]", column.get("source") or ""
            grid.add_row(column["column"], field, source, (column["example"] or "")[:40])
        console.print(grid)
        for problem in table["problems"]:
            console.print(f"  [red]{problem}[/]", highlight=False, soft_wrap=True)
    if report["unmapped"]:
        console.print(f"\n{len(report['unmapped'])} unknown column(s) kept as written (carried to the output, not "
                      "read): " + ", ".join(u["column"] for u in report["unmapped"])
                      + "; name them with --mapping MAP.yaml", highlight=False, soft_wrap=True)
    if "shipment_count" in report:
        console.print(f"\n{report['shipment_count']} shipment(s) read; the first {len(report['shipments'])} as parsed:",
                      highlight=False)
        for shipment in report["shipments"]:
            console.print_json(json.dumps(shipment, ensure_ascii=False))
    if report["errors"]:
        console.print(f"\n[bold red]{len(report['errors'])} problem(s)[/] (screen would refuse the file):", highlight=False)
        for line in report["errors"]:
            console.print(f"  {line}", highlight=False, soft_wrap=True)
