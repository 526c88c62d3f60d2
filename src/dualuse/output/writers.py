"""Write decisions as JSON Lines, CSV or XLSX, atomically.

* JSON Lines: one :class:`~dualuse.models.decision.Decision` per line, the
  full record (reasons in English and Chinese, hits with explanations,
  per-line results, versions). This is the format for the audit trail and
  for other tools.
* CSV: one row per item line, shipment columns repeated (the same layout
  as the flat input), with the shipment verdict, the line verdict, the
  control code, the citations, the hits and the licence terms, then the
  input's columns that dualuse does not read, as written (carried through).
* XLSX: three sheets - ``Decisions`` (one row per shipment), ``Lines``
  (one row per item line) and ``Hits`` (one row per list hit).

Files are written to a temporary file beside the target and moved into
place only when complete, so a failure never leaves half a file.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # openpyxl is imported when a workbook is written (start-up of the other commands)
    from openpyxl import Workbook


from dualuse.i18n import N_, _, citation, current, reason_text
from dualuse.models.decision import Decision
from dualuse.output.cells import safe_row, safe_text
from dualuse.output.files import write_bytes_atomically

FORMATS = ("jsonl", "csv", "xlsx")
VERDICT_FILLS = {
    "PROHIBITED": "F4B6B6",
    "REVIEW": "FCE4B0",
    "LICENSE_REQUIRED": "FFF2A8",
    "NOT_CONTROLLED": "CDEBC5",
}


def _citations(decision: Decision) -> str:
    seen: list[str] = []
    for reason in decision.reasons:
        if reason.citation not in seen:
            seen.append(reason.citation)
    return " | ".join(citation(c) for c in seen)


def _localised_header(rows: list[dict[str, object]]) -> list[dict[str, object]]:
    """The rows with their column names in the user's language (values unchanged: verdicts stay codes)."""
    if current() == "en":
        return rows
    names = {key: _(key) for key in (rows[0] if rows else {})}
    return [{names[k]: v for k, v in row.items()} for row in rows]


def _reasons_in_language(reasons, verdict: str) -> dict[str, str]:
    """An extra column with the decisive reasons in the user's language when it is neither English nor Chinese."""
    if current() in ("en", "zh"):
        return {}
    return {N_("reasons (your language)"): " | ".join(dict.fromkeys(reason_text(r) for r in reasons if r.verdict == verdict))}


def _hits_text(decision: Decision, role: str | None = None) -> str:
    return "; ".join(
        f"{h.role}: {h.list} {h.name} ({h.decision} {h.score:.2f}, {h.status})"
        for h in decision.hits
        if role is None or h.role == role
    )


def _licence_text(decision: Decision) -> tuple[str, str]:
    if decision.licence is None:
        return "", ""
    return ", ".join(decision.licence.allowed), " | ".join(decision.licence.conditions)


def decision_rows(decisions: Iterable[Decision]) -> list[dict[str, object]]:
    """One flat row per shipment (the ``Decisions`` sheet)."""
    rows = []
    for d in decisions:
        allowed, conditions = _licence_text(d)
        rows.append(
            {
                "shipment id": d.id,
                "verdict": d.verdict,
                "as of": d.as_of.isoformat(),
                "rules applied": ", ".join(dict.fromkeys(r.rule_id for r in d.reasons)),
                "citations": _citations(d),
                "reasons (en)": " | ".join(dict.fromkeys(r.text_en for r in d.reasons if r.verdict == d.verdict)),
                "reasons (zh)": " | ".join(dict.fromkeys(r.text_zh for r in d.reasons if r.verdict == d.verdict)),
                **_reasons_in_language(d.reasons, d.verdict),
                "hits": _hits_text(d),
                "licence types allowed": allowed,
                "licence conditions": conditions,
                "declared licence": d.declared_licence or "",
                "licence check": d.licence_check or "",
                "documents": "; ".join(f"{k}: {v}" for k, v in d.documents.items()),
                "warnings": " | ".join(d.warnings),
                "data version": d.data_version,
                "rules version": d.rules_version,
                "engine version": d.engine_version,
            }
        )
    return rows


def line_rows(decisions: Iterable[Decision]) -> list[dict[str, object]]:
    """One flat row per item line (the CSV layout and the ``Lines`` sheet)."""
    rows = []
    for d in decisions:
        for line in d.lines:
            rows.append(
                {
                    "shipment id": d.id,
                    "shipment verdict": d.verdict,
                    "line": line.line,
                    "description": line.description,
                    "line verdict": line.verdict,
                    "item status": line.item.status,
                    "control code": line.item.control_code or "",
                    "candidate codes": ", ".join(line.item.candidates),
                    "jurisdiction": line.item.jurisdiction,
                    "rules": ", ".join(dict.fromkeys(r.rule_id for r in line.reasons)),
                    "citations": " | ".join(dict.fromkeys(citation(r.citation) for r in line.reasons)),
                    "reasons (en)": " | ".join(dict.fromkeys(r.text_en for r in line.reasons if r.verdict == line.verdict)),
                    **({"reasons (zh)": " | ".join(dict.fromkeys(r.text_zh for r in line.reasons if r.verdict == line.verdict))} if current() == "zh" else {}),
                    **_reasons_in_language(line.reasons, line.verdict),
                    "licence types allowed": ", ".join(line.licence.allowed) if line.licence else "",
                    "declared licence": d.declared_licence or "",
                    "hits": _hits_text(d),
                    "as of": d.as_of.isoformat(),
                    "data version": d.data_version,
                    "rules version": d.rules_version,
                    **{key: value for key, value in d.extra.items() if key not in LINE_COLUMNS},
                    **{key: value for key, value in line.extra.items() if key not in LINE_COLUMNS},
                }
            )
    return rows


LINE_COLUMNS = frozenset({
    "shipment id", "shipment verdict", "line", "description", "line verdict", "item status", "control code",
    "candidate codes", "jurisdiction", "rules", "citations", "reasons (en)", "licence types allowed",
    "declared licence", "hits", "as of", "data version", "rules version",
})
"""The columns :func:`line_rows` writes itself; an input column of the same name is not carried over it."""


def _columns(rows: list[dict[str, object]]) -> list[str]:
    """Every key of ``rows`` in first-seen order (carried input columns differ between shipments)."""
    return list(dict.fromkeys(key for row in rows for key in row))


def hit_rows(decisions: Iterable[Decision]) -> list[dict[str, object]]:
    """One flat row per list hit (the ``Hits`` sheet)."""
    return [
        {
            "shipment id": d.id,
            "role": h.role,
            "name as written": h.query,
            "list": h.list,
            "entry": h.name,
            "entry id": h.entry_id,
            "matched form": h.matched_form,
            "form kind": h.matched_form_kind,
            "score": h.score,
            "decision": h.decision,
            "status on date": h.status,
            "listing": citation(h.listing) if h.listing else "",
            "listed on": h.listed_on.isoformat() if h.listed_on else "",
            "explanation": h.explanation,
        }
        for d in decisions
        for h in d.hits
    ]


def _atomic_write_bytes(path: Path, payload: bytes) -> None:
    write_bytes_atomically(path, payload)


def jsonl_bytes(decisions: Sequence[Decision]) -> bytes:
    """Decisions as UTF-8 JSON Lines."""
    return "".join(d.model_dump_json() + "\n" for d in decisions).encode("utf-8")


def csv_bytes(decisions: Sequence[Decision]) -> bytes:
    """Decisions as UTF-8 CSV with BOM (so spreadsheet programs read the CJK text), one row per line."""
    rows = [safe_row(r) for r in _localised_header(line_rows(decisions))]
    buffer = io.StringIO()
    fieldnames = _columns(rows) if rows else [_("shipment id"), _("shipment verdict")]
    writer = csv.DictWriter(buffer, fieldnames=fieldnames, restval="")
    writer.writeheader()
    writer.writerows(rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def localised_line_rows(decisions: Iterable[Decision]) -> list[dict[str, object]]:
    """:func:`line_rows` with the column names in the user's language (what :func:`csv_bytes` writes)."""
    return _localised_header(line_rows(decisions))


def write_csv_rows(stream, row_batches: Callable[[], Iterable[list[dict[str, object]]]]) -> None:
    """Write CSV rows to a text ``stream`` exactly as :func:`csv_bytes` would (BOM, header, one row per line).

    ``row_batches`` is called twice (the columns are every key in first-seen order, then the rows), so the
    rows are never all in memory at once; it yields lists of rows from :func:`localised_line_rows`.
    """
    columns: dict[str, None] = {}
    for rows in row_batches():
        for row in rows:
            columns.update(dict.fromkeys(safe_text(str(k)) for k in row))
    fieldnames = list(columns) if columns else [_("shipment id"), _("shipment verdict")]
    stream.write("\ufeff")
    writer = csv.DictWriter(stream, fieldnames=fieldnames, restval="")
    writer.writeheader()
    for rows in row_batches():
        writer.writerows(safe_row(r) for r in rows)


def _sheet(workbook: Workbook, title: str, rows: list[dict[str, object]], verdict_columns: Sequence[str]) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill

    sheet = workbook.create_sheet(title)
    if not rows:
        sheet.append(["(none)"])
        return
    rows = [safe_row(r) for r in rows]
    headers = _columns(rows)
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([row.get(h, "") for h in headers])
    for column in verdict_columns:
        if column not in headers:
            continue
        index = headers.index(column) + 1
        for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
            fill = VERDICT_FILLS.get(str(cell.value))
            if fill:
                cell.fill = PatternFill("solid", start_color=fill, end_color=fill)
    for i, header in enumerate(headers, start=1):
        width = min(60, max(len(header), *(len(str(r.get(header, ""))) for r in rows[:200])) + 2)
        sheet.column_dimensions[sheet.cell(row=1, column=i).column_letter].width = width
    for row_cells in sheet.iter_rows(min_row=2):
        for cell in row_cells:
            cell.alignment = Alignment(vertical="top", wrap_text=len(str(cell.value or "")) > 60)
    sheet.freeze_panes = "A2"


def xlsx_bytes(decisions: Sequence[Decision]) -> bytes:
    """Decisions as an XLSX workbook with Decisions, Lines and Hits sheets."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    _sheet(workbook, "Decisions", _localised_header(decision_rows(decisions)), [_("verdict")])
    _sheet(workbook, "Lines", _localised_header(line_rows(decisions)), [_("shipment verdict"), _("line verdict")])
    _sheet(workbook, "Hits", _localised_header(hit_rows(decisions)), [])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write_decisions(decisions: Sequence[Decision], path: str | Path, format: str) -> Path:
    """Write ``decisions`` to ``path`` in ``format`` (``jsonl``, ``csv`` or ``xlsx``), atomically.

    Raises:
        ValueError: unknown format.
        OSError: the file cannot be written (nothing is left behind).
    """
    encoders = {"jsonl": jsonl_bytes, "csv": csv_bytes, "xlsx": xlsx_bytes}
    if format not in encoders:
        raise ValueError(f"unknown output format {format!r}; expected one of {', '.join(FORMATS)}")
    target = Path(path)
    _atomic_write_bytes(target, encoders[format](decisions))
    return target


def write_json_lines(objects: Iterable[dict], path: str | Path | None) -> str | None:
    """Write plain JSON objects as JSON Lines to ``path`` (atomically), or return the text when ``path`` is None."""
    text = "".join(json.dumps(obj, ensure_ascii=False) + "\n" for obj in objects)
    if path is None:
        return text
    _atomic_write_bytes(Path(path), text.encode("utf-8"))
    return None
