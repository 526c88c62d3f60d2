"""Several documents of one shipment (declaration, invoice, packing list ...) -> one shipment.

A workbook that holds a shipment's documents as form sheets (报关草单, 发票,
装箱单, 合同) is read as one shipment: :func:`merge_drafts` combines the
:class:`~dualuse.input.builder.Draft` of each sheet.

* Fields that decide the screening (parties, destination, end use, date,
  licence number; per line the HS code, control code, origin, China-origin
  share, parameters) must agree: two documents that say different things
  are an error naming both cells - dualuse does not pick one.
* Descriptions of the same line in different words (金属镝 on the
  declaration, Dysprosium metal on the invoice) are all kept, joined with
  `` / ``: each helps to classify the item.
* Commercial fields (quantity, unit, value, currency, unit price, where the
  goods come from) are taken from the first document in the order
  declaration, invoice, packing list, contract, order, delivery note, ERP
  export; a document that differs is named in the shipment's notes.
* Lines are matched by line number when every document numbers them, else
  by position; documents with a different number of lines are an error.
"""

from __future__ import annotations

from typing import Any

from dualuse.input.builder import Draft
from dualuse.input.errors import InputIssue, Loc, issue, show_value
from dualuse.input.headers import DOCUMENT_KINDS, normalize_header

DECISIVE_SHIPMENT_FIELDS = ("id", "date", "destination_country", "end_use", "licence_number", "arrival_country",
                            "trade_country")
DECISIVE_LINE_FIELDS = ("hs_code", "control_code", "origin_country", "china_origin_value_share")
COMMERCIAL_LINE_FIELDS = ("quantity", "unit", "value", "currency", "unit_price", "domestic_source", "bom")
TEXT_LINE_FIELDS = ("description", "specification")
KIND_LABELS = {"declaration": "declaration", "invoice": "invoice", "packing_list": "packing list",
               "contract": "contract", "order": "order", "delivery_note": "delivery note", "erp": "ERP export"}


def _rank(draft: Draft) -> int:
    return DOCUMENT_KINDS.index(draft.kind) if draft.kind in DOCUMENT_KINDS else len(DOCUMENT_KINDS)


def _name(draft: Draft) -> str:
    kind = KIND_LABELS.get(draft.kind or "", "document")
    return f"sheet {draft.sheet!r} ({kind})" if draft.sheet else kind


def _where(draft: Draft, loc: Loc) -> str:
    found = draft.positions.get(loc)
    if not found:
        return _name(draft)
    row, column, _ = found
    return f"{_name(draft)} row {row}" + (f' "{column}"' if column else "")


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, str) and isinstance(b, str):
        return normalize_header(a) == normalize_header(b)
    return a == b


def merge_drafts(drafts: list[Draft]) -> Draft:
    """One draft from the drafts of several documents of one shipment (see the module docstring)."""
    ordered = sorted(drafts, key=_rank)
    first = ordered[0]
    merged = Draft(file=first.file, key=first.key, rows=[row for d in ordered for row in d.rows], kind=first.kind,
                   sheet=None)
    merged.line_numbered = all(d.line_numbered for d in ordered if d.data.get("lines"))
    merged.present = set().union(*(d.present for d in ordered))
    issues: list[InputIssue] = [i for d in ordered for i in d.issues]
    notes: list[str] = [f"read as one shipment from {len(ordered)} documents: " + ", ".join(_name(d) for d in ordered)]
    data: dict[str, Any] = {}
    positions: dict[Loc, Any] = {}
    reported: list[Loc] = []

    def conflict(what: str, items: list[tuple[Draft, Loc, Any]]) -> None:
        shown = "; ".join(f"{_where(d, loc)} says {show_value(v)}" for d, loc, v in items)
        d0, loc0, v0 = items[-1]
        row, column, raw = d0.positions.get(loc0, (None, None, v0))
        issues.append(issue(first.file, f"the documents disagree on the {what}: {shown}; correct the documents "
                            "so they agree (dualuse does not choose one)", row=row, column=column, value=raw))

    # shipment fields
    for name in DECISIVE_SHIPMENT_FIELDS:
        items = [(d, (name,), d.data[name]) for d in ordered if name in d.data]
        if not items:
            continue
        if any(not _same(items[0][2], v) for _, _, v in items[1:]):
            conflict(name.replace("_", " "), items)
            reported.append((name,))
            continue
        data[name] = items[0][2]
        positions[(name,)] = items[0][0].positions.get((name,))
    for role in ("exporter", "consignee", "end_user"):
        _merge_party(role, [(d, d.data.get(role)) for d in ordered], data, positions, conflict, reported,
                     lambda d, sub, role=role: (role, sub) if sub else (role,))
    stand_ins: dict[str, Any] = {}
    roles = {r for d in ordered for r in (d.data.get("_parties") or {})}
    for role in sorted(roles):
        _merge_party(role, [(d, (d.data.get("_parties") or {}).get(role)) for d in ordered], stand_ins, positions,
                     conflict, reported, lambda d, sub, role=role: (role, sub) if sub else (role,))
    data["_parties"] = stand_ins
    intermediaries: list[dict[str, Any]] = []
    for d in ordered:
        for index, party in enumerate(d.data.get("intermediaries") or []):
            if any(_same(party.get("name"), p.get("name")) for p in intermediaries):
                continue
            new = len(intermediaries)
            intermediaries.append(party)
            for loc, pos in d.positions.items():
                if loc[:2] == ("intermediaries", index):
                    positions[("intermediaries", new, *loc[2:])] = pos
    data["intermediaries"] = intermediaries

    documents: dict[str, str] = {}
    extra: dict[str, str] = {}
    for d in ordered:
        for key, value in (d.data.get("documents") or {}).items():
            if key in documents and not _same(documents[key], value):
                notes.append(f"{key.replace('_', ' ')}: {_name(d)} gives {value!r}, {documents[key]!r} is used")
                continue
            documents.setdefault(key, value)
            if (key,) in d.positions:
                positions.setdefault((key,), d.positions[(key,)])
        for key, value in (d.data.get("extra") or {}).items():
            if key in extra and extra[key] != value:
                key = f"{d.sheet}: {key}" if d.sheet else key
            extra.setdefault(key, value)
    data["documents"] = documents
    data["extra"] = extra

    data["lines"] = _merge_lines(ordered, positions, reported, issues, notes, conflict)
    data["notes"] = notes
    merged.data = data
    merged.positions = {k: v for k, v in positions.items() if v is not None}
    merged.issues = issues
    merged.reported = reported + [loc for d in ordered for loc in d.reported if loc[:1] != ("lines",)]
    return merged


def _merge_party(role: str, items: list[tuple[Draft, dict[str, Any] | None]], target: dict[str, Any],
                 positions: dict[Loc, Any], conflict: Any, reported: list[Loc], loc_of: Any) -> None:
    given = [(d, p) for d, p in items if p]
    if not given:
        return
    party: dict[str, Any] = {}
    for sub in ("name", "country", "address"):
        values = [(d, loc_of(d, sub), p[sub]) for d, p in given if p.get(sub)]
        if not values:
            continue
        if sub != "address" and any(not _same(values[0][2], v) for _, _, v in values[1:]):
            conflict(f"{role.replace('_', ' ')} {sub}", values)
            reported.append(loc_of(None, sub))
            continue
        party[sub] = values[0][2]
        positions[loc_of(None, sub)] = values[0][0].positions.get(values[0][1])
    positions[loc_of(None, None)] = given[0][0].positions.get(loc_of(None, None))
    target[role] = party


def _merge_lines(ordered: list[Draft], positions: dict[Loc, Any], reported: list[Loc], issues: list[InputIssue],
                 notes: list[str], conflict: Any) -> list[dict[str, Any]]:
    with_lines = [d for d in ordered if d.data.get("lines")]
    if not with_lines:
        return []
    by_number = all(d.line_numbered for d in with_lines)
    keys: list[Any] = []
    table: dict[Any, list[tuple[Draft, int, dict[str, Any]]]] = {}
    for d in with_lines:
        for index, line in enumerate(d.data["lines"]):
            key = line.get("line") if by_number else index
            if key not in table:
                table[key] = []
                keys.append(key)
            table[key].append((d, index, line))
    if not by_number:
        counts = {(_name(d)): len(d.data["lines"]) for d in with_lines}
        if len(set(counts.values())) > 1:
            first = with_lines[0]
            issues.append(issue(first.file, "the documents list a different number of goods lines ("
                                + ", ".join(f"{name}: {n}" for name, n in counts.items())
                                + "); number the lines (项号, line no.) so they can be matched", row=first.rows[0][0]))
    lines: list[dict[str, Any]] = []
    for new, key in enumerate(keys):
        entries = table[key]
        line: dict[str, Any] = {"line": key if by_number else new + 1}
        for d, index, _ in entries:
            for loc, pos in d.positions.items():
                if loc[:2] == ("lines", index):
                    positions.setdefault(("lines", new, *loc[2:]), pos)
        for name in DECISIVE_LINE_FIELDS:
            values = [(d, ("lines", index, name), ln[name]) for d, index, ln in entries if ln.get(name) is not None]
            if not values:
                continue
            if any(not _same(values[0][2], v) for _, _, v in values[1:]):
                conflict(f"{name.replace('_', ' ')} of line {line['line']}", values)
                reported.append(("lines", new, name))
                continue
            line[name] = values[0][2]
        for name in TEXT_LINE_FIELDS:
            texts: list[str] = []
            for _, _, ln in entries:
                text = ln.get(name)
                if not text or any(normalize_header(text) in normalize_header(t) for t in texts):
                    continue  # the same words, or part of what another document says
                texts = [t for t in texts if normalize_header(t) not in normalize_header(text)] + [text]
            if texts:
                line[name] = " / ".join(texts)
        for name in COMMERCIAL_LINE_FIELDS:
            values = [(d, ln[name]) for d, _, ln in entries if ln.get(name) not in (None, [], "")]
            if not values:
                continue
            line[name] = values[0][1]
            for d, v in values[1:]:
                if not _same(v, values[0][1]):
                    notes.append(f"line {line['line']} {name.replace('_', ' ')}: {_name(d)} gives {show_value(v)}, "
                                 f"{show_value(values[0][1])} from {_name(values[0][0])} is used")
        params: dict[str, Any] = {}
        for d, index, ln in entries:
            for pname, pvalue in (ln.get("parameters") or {}).items():
                if pname in params and params[pname] != pvalue:
                    conflict(f"parameter {pname} of line {line['line']}",
                             [(d, ("lines", index, "parameters", pname), pvalue)])
                    continue
                params.setdefault(pname, pvalue)
        if params:
            line["parameters"] = params
        extra: dict[str, str] = {}
        for d, _, ln in entries:
            for k, v in (ln.get("extra") or {}).items():
                extra.setdefault(k if k not in extra or extra[k] == v else f"{d.sheet}: {k}", v)
        if extra:
            line["extra"] = extra
        lines.append(line)
    for d in with_lines:
        for loc in d.reported:
            if loc[:1] == ("lines",) and len(loc) > 2:
                reported.append(loc)
    return lines
