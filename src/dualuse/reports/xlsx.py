"""Reports as XLSX workbooks (openpyxl), safe from formula injection and byte-for-byte reproducible.

Every text cell goes through :func:`dualuse.output.cells.safe_cell` (a name
like ``=HYPERLINK(...)`` stays text). The workbook's document dates are the
record's time and the zip entries carry that time too (openpyxl would stamp
the current time), so the same records give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from dualuse.cli.render import DECISION_LABELS, REVIEW_WORDS, ROLE_LABELS, STATUS_LABELS
from dualuse.models.decision import SEVERITY
from dualuse.output.cells import safe_cell
from dualuse.reports.labels import CLASSIFICATION_LABELS, JURISDICTION_LABELS, Words

BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")


def _recorded(stamp: str) -> dt.datetime:
    return dt.datetime.strptime(stamp[:19], "%Y-%m-%dT%H:%M:%S")


def _both(pair: tuple[str, str]) -> str:
    return pair[0] + (f" / {pair[1]}" if pair[1] else "")


class _Book:
    """A workbook whose sheets take rows of plain values (neutralised on the way in)."""

    def __init__(self, words: Words, when: dt.datetime):
        self.words = words
        self.when = when
        self.book = Workbook()
        self.book.remove(self.book.active)
        self.book.properties.created = when
        self.book.properties.modified = when
        self.book.properties.creator = "dualuse"

    def sheet(self, title_key: str, header: list[str], widths: list[int] | None = None):
        ws = self.book.create_sheet(self.words.headings[title_key][0][:31].replace("/", "-").replace(":", " "))
        # a heading key, or a message of its own (a verdict)
        ws.append([safe_cell(_both(self.words.headings[key] if key in self.words.headings else self.words.t(key))) for key in header])
        for cell in ws[1]:
            cell.font = BOLD
        for i, width in enumerate(widths or [], start=1):
            ws.column_dimensions[ws.cell(row=1, column=i).column_letter].width = width
        ws.freeze_panes = "A2"
        return ws

    def row(self, ws, values: list) -> None:
        ws.append([safe_cell(v) for v in values])
        for cell in ws[ws.max_row]:
            cell.alignment = WRAP

    def save(self) -> bytes:
        raw = io.BytesIO()
        self.book.save(raw)
        return _fixed_zip(raw.getvalue(), self.when)


_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")


def _fixed_zip(data: bytes, when: dt.datetime) -> bytes:
    """The same zip with every entry dated ``when`` (reproducible bytes).

    openpyxl stamps the save time as the document's modification date
    whatever the workbook says; it is set back to ``when`` here.
    """
    out = io.BytesIO()
    stamp = (max(when.year, 1980), when.month, when.day, when.hour, when.minute, when.second)
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = info.external_attr
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = _MODIFIED.sub(rb"\g<1>" + when.strftime("%Y-%m-%dT%H:%M:%SZ").encode() + rb"\g<2>", content)
            target.writestr(entry, content)
    return out.getvalue()


def shipment_xlsx(snapshot: dict, lang: str) -> bytes:
    """The shipment report of ``snapshot`` as an XLSX workbook: shipment, reasons, hits, lines, review, audit sheets."""
    w = Words(lang)
    book = _Book(w, _recorded(snapshot["anchor"]["created_at"]))
    decision, shipment = snapshot["decision"], snapshot["shipment"]
    ws = book.sheet("shipment", ["name", "value"], [34, 90])
    rows = [
        ("shipment_id", shipment["id"]),
        ("verdict", _both(w.t(decision["verdict"]))),
        ("status", _both(w.t(REVIEW_WORDS.get(snapshot["status"], snapshot["status"])))),
        ("shipment_date", shipment["date"]),
        ("as_of", decision["as_of"]),
        ("destination", shipment["destination_country"]),
        ("end_use", shipment.get("end_use", "")),
    ]
    parties = [("exporter", shipment["exporter"]), ("consignee", shipment["consignee"])]
    if shipment.get("end_user"):
        parties.append(("end_user", shipment["end_user"]))
    parties += [("intermediary", p) for p in shipment.get("intermediaries", [])]
    for key, value in rows:
        book.row(ws, [_both(w.headings[key]), value])
    for role, party in parties:
        book.row(ws, [_both(w.t(ROLE_LABELS.get(role, role))), " · ".join(x for x in (party["name"], party.get("country"), party.get("address")) if x)])
    for key, value in (
        ("data_version", decision["data_version"]),
        ("rules_version", decision["rules_version"]),
        ("engine_version", decision["engine_version"]),
        ("list_version", f"{snapshot['list_version']['seq']} · {snapshot['list_version']['version']}"),
        ("screening_record", f"#{snapshot['screening']['seq']} {snapshot['screening']['created_at']} {snapshot['screening']['actor']}"),
        ("record_hash", snapshot["screening"]["hash"]),
        ("anchor", f"{snapshot['anchor']['seq']}:{snapshot['anchor']['hash']}"),
    ):
        book.row(ws, [_both(w.headings[key]), value])
    book.row(ws, [_both(w.headings["verify_how"]), f"dualuse audit verify --expect-head {snapshot['anchor']['seq']}:{snapshot['anchor']['hash']}"])

    ws = book.sheet("reasons", ["verdict", "rule", "line", "role", "entry", "citation", "citation", "explanation", "explanation"], [16, 26, 6, 12, 26, 40, 40, 70, 70])
    for r in decision["reasons"]:
        cites, texts = w.citation(r["citation"]), w.reason(r)
        book.row(ws, [r["verdict"], r["rule_id"], r.get("line"), r.get("role"), r.get("entry_id"), cites[0], cites[1] or cites[0], texts[0], texts[1] or texts[0]])

    ws = book.sheet("evidence_hits", ["role", "name", "entry", "list_version", "names_all", "listing", "listed_on", "status_on_date", "matched_form", "score", "verdict", "why"],
                    [12, 30, 30, 10, 50, 30, 12, 16, 30, 8, 12, 60])
    for hit in decision["hits"]:
        entry = snapshot["entries"].get(hit["entry_id"]) or {}
        names = "; ".join(f"{n['value']} ({n['lang']})" for n in entry.get("names", []))
        book.row(ws, [hit["role"], hit["query"], f"{hit['name']} [{hit['entry_id']}]", hit["list"], names, _both(w.citation(hit.get("listing") or "")), hit.get("listed_on"),
                      _both(w.t(STATUS_LABELS.get(hit["status"], hit["status"]))), f"{hit['matched_form']} ({hit['matched_form_kind']})", hit["score"],
                      _both(w.t(DECISION_LABELS.get(hit["decision"], hit["decision"]))), hit.get("explanation", "")])

    ws = book.sheet("evidence_lines", ["line", "description", "verdict", "classification", "control_code", "item_name", "announcement", "jurisdiction", "origin",
                                       "china_share", "parameters", "parameters_needed", "reference_text", "explanation"],
                    [6, 40, 16, 20, 14, 40, 30, 24, 8, 10, 40, 20, 60, 60])
    source = {line["line"]: line for line in shipment["lines"]}
    for line in decision["lines"]:
        item, src = line["item"], source.get(line["line"], {})
        params = "; ".join(f"{k}={v}" for k, v in (src.get("parameters") or {}).items())
        checks = "; ".join(item.get("parameter_checks", []))
        book.row(ws, [line["line"], line["description"], line["verdict"], _both(w.t(CLASSIFICATION_LABELS.get(item["status"], item["status"]))), item.get("control_code"),
                      " / ".join(x for x in (item.get("item_name"), item.get("item_name_en")) if x), _both(w.citation(item.get("announcement") or "")),
                      _both(w.t(JURISDICTION_LABELS.get(item["jurisdiction"], item["jurisdiction"]))), src.get("origin_country"), src.get("china_origin_value_share"),
                      "; ".join(x for x in (params, checks) if x), ", ".join(item.get("parameters_needed", [])), item.get("reference_text"), _both(w.text(item.get("explanation", "")))])

    ws = book.sheet("review", ["alert", "status", "role", "name", "entry", "score", "opened", "decided", "reason", "attachment", "whitelist"],
                    [8, 16, 12, 30, 30, 8, 40, 40, 50, 40, 8])
    for a in snapshot["alerts"]:
        attachment = f"{a['attachment']['name']} {a['attachment']['sha256']}" if a["attachment"] else ""
        book.row(ws, [a["id"], _both(w.t(REVIEW_WORDS.get(a["status"], a["status"]))), a["role"], a["party_name"], f"{a['list'] or ''} {a['entry_name'] or ''} {a['entry_id'] or ''}".strip(),
                      a["score"], f"{a['opened_at']} {a['opened_by']} #{a['opened_seq']}", f"{a['decided_at'] or ''} {a['decided_by'] or ''} #{a['decided_seq'] or ''}".strip(" #"),
                      a["decision_reason"], attachment, a["whitelist_id"]])
    return book.save()


def _charts(w: Words, summary, verdict_rows: tuple[int, int], by_day) -> None:
    """Native spreadsheet charts: verdict counts (bars) on the summary sheet, shipments per day stacked by verdict."""
    from openpyxl.chart import BarChart, Reference

    bars = BarChart()
    bars.type, bars.title, bars.legend = "bar", _both(w.headings["verdict_counts"]), None
    bars.add_data(Reference(summary, min_col=2, min_row=verdict_rows[0], max_row=verdict_rows[1]), titles_from_data=False)
    bars.set_categories(Reference(summary, min_col=1, min_row=verdict_rows[0], max_row=verdict_rows[1]))
    summary.add_chart(bars, "D2")
    if by_day.max_row < 2:
        return
    columns = BarChart()
    columns.type, columns.grouping, columns.overlap = "col", "stacked", 100
    columns.title = _both(w.headings["by_day"])
    columns.add_data(Reference(by_day, min_col=2, max_col=1 + len(SEVERITY), min_row=1, max_row=by_day.max_row), titles_from_data=True)
    columns.set_categories(Reference(by_day, min_col=1, min_row=2, max_row=by_day.max_row))
    by_day.add_chart(columns, "G2")


def period_xlsx(snapshot: dict, lang: str) -> bytes:
    """The period report of ``snapshot`` as an XLSX workbook: summary, by day, hits, flagged shipments."""
    w = Words(lang)
    anchor = snapshot.get("anchor")
    when = _recorded(anchor["created_at"]) if anchor else dt.datetime.fromisoformat(snapshot["to"] + "T23:59:59")
    book = _Book(w, when)
    ws = book.sheet("summary", ["name", "count"], [40, 30])
    for key, value in (("from", snapshot["from"]), ("to", snapshot["to"]), ("screenings", snapshot["screenings"]), ("shipments", snapshot["shipments"])):
        book.row(ws, [_both(w.headings[key]), value])
    first_verdict = ws.max_row + 1
    for verdict in SEVERITY:
        book.row(ws, [_both(w.t(verdict)), snapshot["verdicts"].get(verdict, 0)])
    summary = ws
    verdict_rows = (first_verdict, ws.max_row)
    for status, n in snapshot["alerts"].items():
        book.row(ws, [f"{_both(w.headings['alerts'])}: {_both(w.t(REVIEW_WORDS.get(status, status)))}", n])
    book.row(ws, [_both(w.headings["last_record"]), f"{anchor['seq']}:{anchor['hash']}" if anchor else ""])
    ws = book.sheet("by_day", ["period", *SEVERITY], [14, 16, 16, 16, 16])
    for day, counts in snapshot["by_day"].items():
        book.row(ws, [day, *(counts.get(v, 0) for v in SEVERITY)])
    _charts(w, summary, verdict_rows, ws)
    ws = book.sheet("hits_by_list", ["entry", "count"], [50, 10])
    for name, n in snapshot["hits_by_list"].items():
        book.row(ws, [name, n])
    ws = book.sheet("hits_by_announcement", ["listing", "citation", "count"], [40, 40, 10])
    for citation, n in snapshot["hits_by_announcement"].items():
        pair = w.citation(citation)
        book.row(ws, [pair[0], pair[1] or pair[0], n])
    ws = book.sheet("flagged", ["shipment_id", "as_of", "verdict", "outcome", "rule", "citation", "screening_record", "record_hash"], [24, 12, 16, 30, 40, 60, 26, 66])
    for f in snapshot["flagged"]:
        closed = ", ".join(f"{n} {_both(w.t(REVIEW_WORDS.get(k, k)))}" for k, n in f["closed"].items())
        outcome = _both(w.t(REVIEW_WORDS.get(f["status"], f["status"]))) + (f" ({closed})" if closed else "")
        book.row(ws, [f["shipment_id"], f["date"], f["verdict"], outcome, ", ".join(f["reasons"]), "; ".join(w.citation(c)[0] for c in f["citations"]),
                      f"#{f['seq']} {f['screened_at']}", f["hash"]])
    return book.save()
