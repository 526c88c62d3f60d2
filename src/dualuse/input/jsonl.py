"""JSON Lines (one shipment object per line) and JSON arrays of shipments.

The object shape is :class:`~dualuse.models.shipment.Shipment` (the shape of
``shipments_dev.jsonl``). The evaluation key ``expected`` and the ``_errors``
key added by :func:`~dualuse.input.rejects.write_rejects` are ignored. Dates
accept the same forms as tables (``2026-03-02``, ``2026/03/02``,
``2026年3月2日``, ``20260302``). Issues name the line on which the object
starts and the JSON path of the field (``lines[0].hs_code``).
"""

from __future__ import annotations

import json
from typing import Any

from dualuse.input.errors import MISSING, InputError, InputIssue, Loc, ParsedRecord, issue, validate_shipment
from dualuse.input.limits import current_limits, json_depth, shipment_size_problem
from dualuse.input.sanitise import clean_text, sanitise_json
from dualuse.input.tables import duplicate_lines, parse_date

IGNORED_KEYS = frozenset({"expected", "_errors"})
"""Top-level keys that are not part of the shipment and are dropped."""


def json_path(loc: Loc) -> str:
    """``('lines', 0, 'hs_code')`` -> ``lines[0].hs_code``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + part
    return out


def read_jsonl(file: str, text: str) -> list[ParsedRecord]:
    """One record per non-blank line; a line that is not a JSON object is a record with an issue."""
    records: list[ParsedRecord] = []
    for number, line in enumerate(text.split("\n"), start=1):
        line = line.rstrip("\r")
        if not line.strip():
            continue
        records.append(line_record(file, number, line))
    return records


def line_record(file: str, number: int, line: str) -> ParsedRecord:
    """The record of one non-blank JSON Lines line (1-based ``number``); a line that is not valid JSON is a record with an issue."""
    limits = current_limits()
    if len(line) > limits.file_bytes:
        return ParsedRecord(rows=[number], raw=line[:200], shipment=None, issues=[
            issue(file, f"this line is {len(line):,} characters long, more than the limit of {limits.file_bytes:,} "
                  "(DUALUSE_MAX_FILE_BYTES)", row=number)])
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        return ParsedRecord(rows=[number], raw=_clean(line), shipment=None, issues=[
            issue(file, f"not valid JSON: {exc.msg} at character {exc.colno}; expected one shipment "
                  "object per line", row=number)])
    except RecursionError:
        return ParsedRecord(rows=[number], raw=_clean(line[:200]), shipment=None, issues=[_too_deep(file, number, limits)])
    return record_from_json(file, number, obj)


def _clean(text: str) -> str:
    return clean_text(text)[0]


def _too_deep(file: str, row: int, limits) -> InputIssue:
    return issue(file, f"the JSON value is nested more than {limits.json_depth} levels deep (DUALUSE_MAX_JSON_DEPTH); "
                 "a shipment object needs 4", row=row)


def read_json_array(file: str, text: str) -> list[ParsedRecord]:
    """A JSON array of shipment objects; each record's row is the line where its object starts.

    Raises:
        InputError: the text is not a JSON array (syntax errors name line and character).
    """
    decoder = json.JSONDecoder()
    pos = _skip_ws(text, 0)
    if pos >= len(text) or text[pos] != "[":
        raise InputError.single(file, "expected a JSON array of shipment objects ([{...}, {...}])",
                                row=_line(text, pos))
    pos = _skip_ws(text, pos + 1)
    records: list[ParsedRecord] = []
    if pos < len(text) and text[pos] == "]":
        pos += 1
    else:
        while True:
            try:
                obj, end = decoder.raw_decode(text, pos)
            except json.JSONDecodeError as exc:
                raise InputError.single(file, f"not valid JSON: {exc.msg} at character {exc.colno}",
                                        row=exc.lineno) from exc
            except RecursionError:
                raise InputError([_too_deep(file, _line(text, pos), current_limits())]) from None
            if len(records) >= current_limits().rows:
                raise InputError.single(file, f"the array holds more than {current_limits().rows:,} shipments, the "
                                        "limit (DUALUSE_MAX_ROWS); split the file", row=_line(text, pos))
            records.append(record_from_json(file, _line(text, pos), obj))
            pos = _skip_ws(text, end)
            if pos < len(text) and text[pos] == ",":
                pos = _skip_ws(text, pos + 1)
                continue
            if pos < len(text) and text[pos] == "]":
                pos += 1
                break
            raise InputError.single(file, "not valid JSON: expected ',' or ']' after a shipment object",
                                    row=_line(text, pos))
    if _skip_ws(text, pos) < len(text):
        raise InputError.single(file, "not valid JSON: unexpected text after the array", row=_line(text, pos))
    return records


def record_from_json(file: str, row: int, obj: Any) -> ParsedRecord:
    """Validate one parsed JSON value as a shipment."""
    limits = current_limits()
    if json_depth(obj) > limits.json_depth:
        return ParsedRecord(rows=[row], raw="(not kept: nested too deeply)", shipment=None, issues=[_too_deep(file, row, limits)])
    obj, warnings = sanitise_json(file, row, obj)
    if not isinstance(obj, dict):
        return ParsedRecord(rows=[row], raw=obj, shipment=None, warnings=warnings, issues=[
            issue(file, f"expected a JSON object (one shipment), found {_json_type(obj)}", row=row)])
    too_large = shipment_size_problem(obj, limits) or _long_value(obj, limits)
    if too_large:
        return ParsedRecord(rows=[row], raw=obj, shipment=None, warnings=warnings,
                            shipment_id=obj.get("id") if isinstance(obj.get("id"), str) else None,
                            issues=[issue(file, too_large, row=row)])
    data = {k: v for k, v in obj.items() if k not in IGNORED_KEYS}
    shipment_id = data.get("id") if isinstance(data.get("id"), str) else None
    issues = []
    reported: list[Loc] = []
    if "date" in data and data["date"] is not None:
        try:
            data["date"] = parse_date(data["date"])
        except ValueError as exc:
            issues.append(issue(file, str(exc), row=row, column="date", value=obj["date"]))
            reported.append(("date",))
            del data["date"]
    lines = data.get("lines")
    if isinstance(lines, list) and all(isinstance(x, dict) for x in lines):
        issues.extend(duplicate_lines(file, lines, lambda i: row, None, shipment_id or "?"))

    def locate(loc: Loc, err: dict[str, Any]) -> tuple[int | None, str | None, Any]:
        value = MISSING if err.get("type") == "missing" else _lookup(obj, loc)
        if isinstance(value, (dict, list)):
            value = MISSING
        return row, json_path(loc) if loc else None, value

    shipment, more = validate_shipment(data, file, locate, reported)
    issues.extend(more)
    return ParsedRecord(rows=[row], raw=obj, shipment=None if issues else shipment, issues=issues,
                        shipment_id=shipment_id, warnings=warnings)


def _long_value(obj: Any, limits) -> str | None:
    """A text value longer than ``cell_chars``, named by its JSON path, or ``None``."""
    stack: list[tuple[Any, str]] = [(obj, "")]
    while stack:
        item, path = stack.pop()
        if isinstance(item, str) and len(item) > limits.cell_chars:
            return (f"the value of {path or 'the record'} is {len(item):,} characters long, more than the limit of "
                    f"{limits.cell_chars:,} (DUALUSE_MAX_CELL_CHARS)")
        if isinstance(item, dict):
            stack.extend((v, f"{path}.{k}" if path else str(k)) for k, v in item.items())
        elif isinstance(item, list):
            stack.extend((v, f"{path}[{i}]") for i, v in enumerate(item))
    return None


def _lookup(obj: Any, loc: Loc) -> Any:
    for part in loc:
        if isinstance(part, int) and isinstance(obj, list) and 0 <= part < len(obj):
            obj = obj[part]
        elif isinstance(part, str) and isinstance(obj, dict) and part in obj:
            obj = obj[part]
        else:
            return MISSING
    return obj


def _json_type(value: Any) -> str:
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    return "null" if value is None else type(value).__name__


def _skip_ws(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t\r\n":
        pos += 1
    return pos


def _line(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1
