"""Fuzzing kit: generated and mutated shipment files of every input kind, and one run of the engine on each.

Used by the bounded CI harness (``tests/hardening/test_fuzz.py``) and the long run on demand
(``benchmarks/fuzz_long.py``). Three sources of cases:

* :func:`mutate` - a seed file (the example and fixture files of each kind: JSON Lines, JSON,
  CSV/TSV, XLSX) with random damage: bytes flipped, cut, repeated or inserted; hostile text spliced
  into cells (control characters, lone surrogates, formula starts, huge numbers, deep nesting);
  for XLSX, damage to the zip members (XML broken, members dropped or cut, unsupported compression).
* :func:`generate` - structured random shipments (:func:`random_shipment`) written in one kind.
* :data:`REGRESSIONS` - one case for each crash class of issue 15.

:func:`run_case` runs what ``dualuse screen`` runs - load, screen every shipment, write the decisions
as JSON Lines, CSV and XLSX and the rejects file - and classifies the outcome: ``decision``,
``error`` (an :class:`~dualuse.input.InputError`) or ``traceback`` (anything else), with the time taken.
"""

from __future__ import annotations

import io
import json
import random
import signal
import time
import traceback
import zipfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
KINDS = ("jsonl", "json", "csv", "tsv", "xlsx")
EXTENSION = {"jsonl": ".jsonl", "json": ".json", "csv": ".csv", "tsv": ".tsv", "xlsx": ".xlsx"}

HOSTILE = [
    "\x00", "\x01", "\x07", "\x0b", "\x0c", "\x1b[31m", "\x7f", "\u0085", "\u2028", "\ufeff", "\ufffe", "\uffff",
    "\ud800", "\udfff", "\udc80abc", "=HYPERLINK(\"http://x\",\"y\")", "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1",
    "1e309", "-1e309", "NaN", "Infinity", "9" * 400, "0x1F", "２０２６年３月２日", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "﷽" * 20,
    "a" * 5000, "\u202eevil", "<script>alert(1)</script>", "'; DROP TABLE records; --", "%s%n%x", "../../etc/passwd",
    "株式会社" * 200, "ｶﾌﾞｼｷｶﾞｲｼｬ", "\u3000", "", " ", "null", "true", "[]", "{}",
]
"""Text spliced into cells and values: control and unencodable code points, formula starts, odd numbers."""


def _seed_paths() -> dict[str, list[Path]]:
    fixtures = ROOT / "tests" / "input" / "fixtures"
    docs = ROOT / "examples" / "documents"
    found: dict[str, list[Path]] = {kind: [] for kind in KINDS}
    for folder in (fixtures, docs, ROOT / "examples"):
        for path in sorted(folder.glob("*")):
            suffix = path.suffix.lower()
            kind = {".jsonl": "jsonl", ".json": "json", ".csv": "csv", ".tsv": "tsv", ".xlsx": "xlsx"}.get(suffix)
            if kind and "expected" not in path.name:
                found[kind].append(path)
    return found


_SEEDS: dict[str, list[bytes]] | None = None


def seeds() -> dict[str, list[bytes]]:
    """The seed files' bytes by kind (``jsonl``, ``json``, ``csv``, ``tsv``, ``xlsx``)."""
    global _SEEDS
    if _SEEDS is None:
        _SEEDS = {kind: [p.read_bytes() for p in paths] for kind, paths in _seed_paths().items()}
    return _SEEDS


# --- structured random shipments -----------------------------------------------------------

COUNTRIES = ["CN", "JP", "US", "DE", "RU", "IR", "KP", "HK", "SG", "XX", "中国", "日本", "", "zz"]
NAMES = ["包头金山磁材有限公司", "三菱重工航空エンジン株式会社", "KAWASAKI HVY IND LTD", "Rosoboronexport", "ACME GmbH",
         "北京航空航天大学", "Islamic Revolutionary Guard Corps", "Huawei Technologies Co., Ltd.", "株式会社東芝"]


def _text(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.45:
        return rng.choice(NAMES)
    if r < 0.75:
        return rng.choice(NAMES) + rng.choice(HOSTILE)
    if r < 0.9:
        return rng.choice(HOSTILE)
    return "".join(chr(rng.choice([rng.randint(0x20, 0x7e), rng.randint(0x80, 0x2fff), rng.randint(0x3000, 0x9fff),
                                   rng.randint(0, 0x1f), rng.randint(0xd800, 0xdfff), rng.randint(0x10000, 0x10ffff)]))
                   for _ in range(rng.randint(0, 40)))


def _value(rng: random.Random):
    r = rng.random()
    if r < 0.6:
        return _text(rng)
    if r < 0.75:
        return rng.choice([0, -1, 1.5, 1e308, -1e308, 10 ** 30, True, False, None])
    if r < 0.85:
        return [_text(rng) for _ in range(rng.randint(0, 3))]
    return {"x": _text(rng)}


def random_shipment(rng: random.Random, index: int = 0) -> dict:
    """A shipment object in the :class:`~dualuse.models.shipment.Shipment` shape, with random (often hostile) values."""

    def party():
        if rng.random() < 0.05:
            return _value(rng)
        return {"name": _text(rng), "country": rng.choice(COUNTRIES), **({"address": _text(rng)} if rng.random() < 0.5 else {})}

    lines = []
    for number in range(1, rng.choice([0, 1, 1, 2, 3, 8]) + 1):
        line = {
            "line": number if rng.random() < 0.9 else _value(rng),
            "description": _text(rng),
            "control_code": rng.choice(["1C902.a.4", "1C905.a.1", "", None, "ZZZ", _text(rng)]),
            "hs_code": rng.choice(["2846901940", "2805301200", "8411", "", None, "abc", 2846901940]),
            "origin_country": rng.choice(COUNTRIES),
            "quantity": rng.choice([1, 0, -5, 1.5, "10 kg", 1e300, None, _text(rng)]),
            "unit": rng.choice(["kg", "pcs", "", "千克", None]),
            "value": rng.choice([100, 0, -1, 1e20, None, "USD 5"]),
            "currency": rng.choice(["USD", "CNY", "JPY", "", "XXX", None]),
        }
        if rng.random() < 0.1:
            line[_text(rng) or "k"] = _value(rng)
        lines.append(line)
    shipment = {
        "id": rng.choice([f"F-{index}", f"F-{index}", _text(rng), None, 7]),
        "date": rng.choice(["2026-03-02", "2026/3/2", "2026年3月2日", "20260302", "2026-13-45", "", None, 20260302, _text(rng)]),
        "exporter": party(),
        "consignee": party(),
        "end_user": party() if rng.random() < 0.3 else None,
        "intermediaries": [_with_role(party(), rng.choice(["forwarder", "bank", "x"])) for _ in range(rng.choice([0, 0, 1, 2]))],
        "destination_country": rng.choice(COUNTRIES),
        "end_use": _text(rng),
        "lines": lines,
    }
    for key in list(shipment):
        if rng.random() < 0.04:
            del shipment[key]
    return shipment


def _with_role(party, role: str):
    return dict(party, role=role) if isinstance(party, dict) else party


LINE_HEADERS = ["shipment id", "date", "exporter", "exporter country", "consignee", "consignee country", "end user",
                "destination country", "end use", "line no", "description", "control code", "hs code", "origin",
                "quantity", "unit", "value", "currency"]


def _table_rows(shipments: list[dict]) -> list[list]:
    rows = []
    for s in shipments:
        def name(p):
            return p.get("name") if isinstance(p, dict) else p

        def country(p):
            return p.get("country") if isinstance(p, dict) else None

        for line in (s.get("lines") or [{}]):
            line = line if isinstance(line, dict) else {}
            rows.append([s.get("id"), s.get("date"), name(s.get("exporter")), country(s.get("exporter")),
                         name(s.get("consignee")), country(s.get("consignee")), name(s.get("end_user")),
                         s.get("destination_country"), s.get("end_use"), line.get("line"), line.get("description"),
                         line.get("control_code"), line.get("hs_code"), line.get("origin_country"),
                         line.get("quantity"), line.get("unit"), line.get("value"), line.get("currency")])
    return rows


def _cell_text(value) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def encode(kind: str, shipments: list[dict], rng: random.Random) -> bytes:
    """``shipments`` written as a file of ``kind`` (text in UTF-8, GB18030 or Shift-JIS; lone surrogates kept as such)."""
    codec = rng.choice(["utf-8", "utf-8", "utf-8-sig", "gb18030", "cp932"]) if kind in ("csv", "tsv") else "utf-8"
    if kind == "jsonl":
        text = "".join(json.dumps(s, ensure_ascii=rng.random() < 0.5) + "\n" for s in shipments)
        return text.encode("utf-8", "surrogatepass")
    if kind == "json":
        return json.dumps(shipments, ensure_ascii=rng.random() < 0.5, indent=rng.choice([None, 1])).encode("utf-8", "surrogatepass")
    rows = _table_rows(shipments)
    if kind in ("csv", "tsv"):
        buffer = io.StringIO()
        import csv

        writer = csv.writer(buffer, delimiter="\t" if kind == "tsv" else rng.choice([",", ",", ";"]))
        writer.writerow(LINE_HEADERS)
        for row in rows:
            writer.writerow([_cell_text(c) for c in row])
        return buffer.getvalue().encode(codec, "surrogatepass" if codec.startswith("utf") else "replace")
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(LINE_HEADERS)
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    for row in rows:
        cells = []
        for c in row:
            if isinstance(c, str):
                c = ILLEGAL_CHARACTERS_RE.sub("", c).encode("utf-8", "replace").decode("utf-8")
            elif isinstance(c, (list, dict)):
                c = json.dumps(c)
            elif isinstance(c, float) and c != c:
                c = None
            cells.append(c)
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def generate(kind: str, rng: random.Random) -> bytes:
    """A file of ``kind`` holding 1-4 random shipments."""
    return encode(kind, [random_shipment(rng, i) for i in range(rng.randint(1, 4))], rng)


# --- mutation ------------------------------------------------------------------------------


def _mutate_bytes(data: bytes, rng: random.Random) -> bytes:
    buf = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        op = rng.randrange(7)
        pos = rng.randrange(len(buf) + 1) if buf else 0
        if op == 0 and buf:  # flip a byte
            buf[min(pos, len(buf) - 1)] = rng.randrange(256)
        elif op == 1:  # cut
            buf = buf[:pos]
        elif op == 2 and buf:  # repeat a slice
            end = min(len(buf), pos + rng.randint(1, 200))
            buf[pos:pos] = buf[pos:end] * rng.randint(2, 20)
        elif op == 3:  # hostile text
            buf[pos:pos] = rng.choice(HOSTILE).encode("utf-8", "surrogatepass")
        elif op == 4 and buf:  # delete a slice
            del buf[pos:pos + rng.randint(1, 50)]
        elif op == 5:  # structural characters
            buf[pos:pos] = rng.choice([b'"', b",", b"\n", b"\r", b"[", b"{", b"}", b"]", b"\\u", b"\\ud800", b"\t", b";"]) * rng.randint(1, 3)
        elif op == 6:  # random bytes
            buf[pos:pos] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 16)))
    return bytes(buf)


def _mutate_json_value(obj, rng: random.Random, depth: int = 0):
    if isinstance(obj, dict) and obj:
        key = rng.choice(list(obj))
        obj[key] = _mutate_json_value(obj[key], rng, depth + 1) if rng.random() < 0.6 else _value(rng)
    elif isinstance(obj, list) and obj:
        i = rng.randrange(len(obj))
        obj[i] = _mutate_json_value(obj[i], rng, depth + 1)
        if rng.random() < 0.2:
            obj.extend(obj[:rng.randint(1, 3)] * rng.randint(1, 5))
    elif isinstance(obj, str):
        return obj + rng.choice(HOSTILE)
    else:
        return _value(rng)
    return obj


def _deep(rng: random.Random) -> str:
    depth = rng.choice([50, 500, 5000, 100_000])
    opener, closer = rng.choice([("[", "]"), ('{"a":', "}")])
    return opener * depth + "1" + closer * depth


def _mutate_json_text(kind: str, data: bytes, rng: random.Random) -> bytes:
    try:
        text = data.decode("utf-8-sig")
        if kind == "jsonl":
            objs = [json.loads(line) for line in text.splitlines() if line.strip()]
        else:
            objs = json.loads(text)
    except ValueError:
        return _mutate_bytes(data, rng)
    r = rng.random()
    if r < 0.15:
        if kind == "jsonl":
            return (json.dumps(objs[0]) + "\n" + _deep(rng) + "\n").encode()
        return ("[" + _deep(rng) + "]").encode()
    if r < 0.2 and objs:
        one = objs[0] if isinstance(objs, list) else objs
        if isinstance(one, dict):
            one["lines"] = (one.get("lines") or [{}]) * rng.choice([100, 2000])
    for _ in range(rng.randint(1, 5)):
        objs = _mutate_json_value(objs, rng)
    dumped = "".join(json.dumps(o, ensure_ascii=rng.random() < 0.5) + "\n" for o in objs) if kind == "jsonl" and isinstance(objs, list) else json.dumps(objs, ensure_ascii=rng.random() < 0.5)
    return dumped.encode("utf-8", "surrogatepass")


def _mutate_table_text(data: bytes, rng: random.Random) -> bytes:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return _mutate_bytes(data, rng)
    lines = text.split("\n")
    r = rng.random()
    if r < 0.1 and len(lines) > 1:
        lines = lines[:1] + lines[1:2] * rng.choice([100, 3000])
    elif r < 0.2:
        lines[0] = lines[0] + ("," + rng.choice(HOSTILE)) * rng.choice([1, 50, 3000])
    else:
        for _ in range(rng.randint(1, 5)):
            i = rng.randrange(len(lines))
            cells = lines[i].split(",")
            j = rng.randrange(len(cells))
            cells[j] = rng.choice(HOSTILE) if rng.random() < 0.7 else cells[j] + rng.choice(HOSTILE)
            lines[i] = ",".join(cells)
    return "\n".join(lines).encode("utf-8", "surrogatepass")


def _mutate_xlsx(data: bytes, rng: random.Random) -> bytes:
    try:
        source = zipfile.ZipFile(io.BytesIO(data))
        members = [(info, source.read(info)) for info in source.infolist()]
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError):
        return _mutate_bytes(data, rng)
    r = rng.random()
    if r < 0.15:
        return _mutate_bytes(data, rng)
    out = io.BytesIO()
    drop = rng.randrange(len(members)) if r < 0.25 else None
    with zipfile.ZipFile(out, "w") as target:
        for k, (info, payload) in enumerate(members):
            if k == drop:
                continue
            name = info.filename
            if (name.endswith(".xml") or name.endswith(".rels")) and rng.random() < 0.5:
                if rng.random() < 0.5:
                    payload = _mutate_bytes(payload, rng)
                else:
                    text = payload.decode("utf-8", "replace")
                    for _ in range(rng.randint(1, 3)):
                        choice = rng.random()
                        if choice < 0.3 and "<v>" in text:
                            text = text.replace("<v>", "<v>" + rng.choice(["-1", "1e400", "abc", "99999999999", "&amp;#0;"]), 1)
                        elif choice < 0.5:
                            text = text.replace('t="s"', rng.choice(['t="n"', 't="b"', 't="e"', 't="d"', 't="str"', 't="inlineStr"', 't="zz"']), 1)
                        elif choice < 0.65:
                            text = text.replace("<row ", '<row r="1048577" ', 1)
                        elif choice < 0.8:
                            text = text.replace('r="A1"', rng.choice(['r="XFE1"', 'r="A0"', 'r="ZZZZ9"', 'r="1A"']), 1)
                        else:
                            text = text.replace("<t>", "<t>" + rng.choice(HOSTILE[:12]).encode("utf-8", "replace").decode(), 1)
                    payload = text.encode("utf-8")
            compression = zipfile.ZIP_DEFLATED if rng.random() < 0.9 else zipfile.ZIP_STORED
            target.writestr(name, payload, compress_type=compression)
    raw = out.getvalue()
    if rng.random() < 0.05:  # an unsupported compression method
        raw = raw.replace(b"PK\x03\x04\x14\x00\x00\x00\x08\x00", b"PK\x03\x04\x14\x00\x00\x00\x63\x00", 1)
    if rng.random() < 0.1:
        raw = raw[: rng.randrange(len(raw))]
    return raw


def mutate(kind: str, rng: random.Random) -> bytes:
    """A seed file of ``kind`` with random damage."""
    base = seeds()[kind] or [generate(kind, rng)]
    data = rng.choice(base)
    r = rng.random()
    if kind == "xlsx":
        return _mutate_xlsx(data, rng)
    if r < 0.3:
        return _mutate_bytes(data, rng)
    if kind in ("jsonl", "json"):
        return _mutate_json_text(kind, data, rng)
    return _mutate_table_text(data, rng)


def case(kind: str, rng: random.Random) -> bytes:
    """One fuzz case of ``kind``: half mutated seeds, half generated shipments."""
    return mutate(kind, rng) if rng.random() < 0.5 else generate(kind, rng)


# --- the crash classes of issue 15 ---------------------------------------------------------


def _xlsx_with(rng_seed: int, change) -> bytes:
    data = seeds()["xlsx"][0]
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            payload = change(info.filename, source.read(info))
            if payload is not None:
                target.writestr(info.filename, payload)
    return out.getvalue()


def _one(shipment_changes: dict) -> dict:
    base = json.loads(seeds()["jsonl"][0].decode("utf-8").splitlines()[0]) if seeds()["jsonl"] else random_shipment(random.Random(0))
    base.update(shipment_changes)
    return base


def regressions() -> list[tuple[str, str, bytes]]:
    """``(name, kind, bytes)`` for each crash class of issue 15 (deep JSON, broken XLSX, control characters,
    lone surrogates, over-large inputs)."""
    deep = "[" * 100_000 + "]" * 100_000
    surrogate = json.dumps(_one({"consignee": {"name": "ACME \ud800 Corp", "country": "JP"}})).encode()
    control = json.dumps(_one({"consignee": {"name": "ACME\x01\x0b\x1f Corp", "country": "JP"}})).encode()
    formula = json.dumps(_one({"consignee": {"name": "=HYPERLINK(\"http://x\")", "country": "JP"}, "end_use": "@SUM(1)"})).encode()
    cases = [
        ("deep-json-array", "json", ("[" + deep + "]").encode()),
        ("deep-jsonl-line", "jsonl", (deep + "\n").encode()),
        ("deep-json-object", "jsonl", ('{"a":' * 50_000 + "1" + "}" * 50_000 + "\n").encode()),
        ("xlsx-bad-xml", "xlsx", _xlsx_with(0, lambda n, p: p[: len(p) // 2] if n.startswith("xl/worksheets/") else p)),
        ("xlsx-missing-sheet", "xlsx", _xlsx_with(0, lambda n, p: None if n.startswith("xl/worksheets/") else p)),
        ("xlsx-missing-workbook", "xlsx", _xlsx_with(0, lambda n, p: None if n == "xl/workbook.xml" else p)),
        ("xlsx-odd-cell-type", "xlsx", _xlsx_with(0, lambda n, p: p.replace(b't="s"', b't="e"') if n.startswith("xl/worksheets/") else p)),
        ("xlsx-bad-shared-strings", "xlsx", _xlsx_with(0, lambda n, p: b"<sst>" if n == "xl/sharedStrings.xml" else p)),
        ("xlsx-truncated", "xlsx", seeds()["xlsx"][0][: len(seeds()["xlsx"][0]) // 2]),
        ("xlsx-unsupported-compression", "xlsx", seeds()["xlsx"][0].replace(b"PK\x03\x04\x14\x00\x00\x00\x08\x00", b"PK\x03\x04\x14\x00\x00\x00\x63\x00")),
        ("control-characters-in-party", "jsonl", control + b"\n"),
        ("lone-surrogate-in-party", "jsonl", surrogate + b"\n"),
        ("lone-surrogate-escape-json", "json", b"[" + surrogate + b"]"),
        ("formula-in-party", "jsonl", formula + b"\n"),
        ("control-characters-csv", "csv", seeds()["csv"][0].replace(b"Co., Ltd.", b"Co.\x01\x02\x1b Ltd.", 1)),
        ("many-lines", "jsonl", json.dumps(_one({"lines": [dict(line, line=i) for i, line in enumerate((_one({})["lines"] * 1) * 20_000, start=1)]})).encode() + b"\n"),
        ("many-columns", "csv", (",".join(f"c{i}" for i in range(50_000)) + "\n" + ",".join("x" for _ in range(50_000)) + "\n").encode()),
        ("many-parties", "jsonl", json.dumps(_one({"intermediaries": [{"name": f"Party {i}", "country": "HK", "role": "forwarder"} for i in range(5000)]})).encode() + b"\n"),
        ("long-cell", "jsonl", json.dumps(_one({"end_use": "x" * 2_000_000})).encode() + b"\n"),
    ]
    return cases


# --- one run -------------------------------------------------------------------------------


@dataclass
class Outcome:
    """What one case ended in: ``decision``, ``error`` (a clear InputError) or ``traceback``; ``seconds`` taken."""

    kind: str
    result: str
    seconds: float
    detail: str = ""


class _Hang(Exception):
    pass


def _alarm(signum, frame):  # pragma: no cover - only on a hang
    raise _Hang()


def run_case(kind: str, data: bytes, screener, folder: Path, *, hang_seconds: int = 60) -> Outcome:
    """Load, screen and write ``data`` as a file of ``kind`` the way ``dualuse screen`` does; classify the outcome.

    An :class:`~dualuse.input.InputError` whose issues name the file is ``error``; decisions written
    in every output format are ``decision``; any other exception is ``traceback`` (its text in ``detail``).
    A case still running after ``hang_seconds`` is interrupted and counted as ``traceback`` ("hang").
    """
    from dualuse.input import InputError, load_shipments
    from dualuse.input.rejects import write_rejects
    from dualuse.output.writers import csv_bytes, jsonl_bytes, xlsx_bytes

    path = folder / f"case{EXTENSION[kind]}"
    path.write_bytes(data)
    start = time.perf_counter()
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(hang_seconds)
    try:
        loaded = load_shipments(path, skip_invalid=True)
        decisions = [screener.screen(s) for s in loaded.shipments]
        jsonl_bytes(decisions)
        csv_bytes(decisions)
        xlsx_bytes(decisions)
        if loaded.rejected:
            write_rejects(loaded.rejected, folder / f"case.rejected{EXTENSION[kind]}")
        result, detail = "decision", f"{len(decisions)} decisions, {len(loaded.rejected)} rejected"
    except InputError as error:
        text = str(error)
        result, detail = ("error", text[:300]) if str(path) in text else ("traceback", "InputError without the file: " + text[:300])
    except _Hang:
        result, detail = "traceback", f"hang: still running after {hang_seconds} s"
    except Exception:  # noqa: BLE001 - the point: anything else is a crash
        result, detail = "traceback", traceback.format_exc(limit=8)[-1500:]
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    return Outcome(kind=kind, result=result, seconds=time.perf_counter() - start, detail=detail)


# --- API requests --------------------------------------------------------------------------

ROLES = ("screener", "reviewer", "admin")
LEAKS = ("Traceback (most recent call last)", 'File "/', "site-packages", "/work/", "sqlalchemy.exc", "psycopg.")
"""Text that would show a stack trace or an internal path in a response."""


def api_world(tmp: Path):
    """A database with one API key and one web user per role, the app, and a TestClient per identity.

    Returns ``(app, clients)`` where ``clients`` maps ``none``, ``bogus``, each role (API key in the header)
    and ``web-<role>`` (signed in to the web application) to a client and its headers.
    """
    import re
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient

    from dualuse.api.app import ApiSettings, create_app
    from dualuse.service.keys import create_key
    from dualuse.service.users import create_user
    from dualuse.storage.db import Database

    db = Database(f"sqlite:///{tmp / 'api-fuzz.db'}")
    keys = {role: create_key(db, role, f"{role}-key", "fuzz")[0] for role in ROLES}
    for role in ROLES:
        create_user(db, role, role, f"correct-horse-{role}", "fuzz")
    app = create_app(db, ApiSettings(max_body_bytes=200_000, max_batch=5, rate_per_minute=10 ** 9))
    clients: dict[str, tuple[object, dict]] = {}
    plain = TestClient(app, raise_server_exceptions=False)
    clients["none"] = (plain, {})
    clients["bogus"] = (plain, {"Authorization": "ApiKey du_bogus"})
    for role, key in keys.items():
        clients[role] = (plain, {"X-API-Key": key})
        web = TestClient(app, raise_server_exceptions=False)
        page = web.get("/app/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        web.post("/app/login", data={"username": role, "password": f"correct-horse-{role}", "csrf_token": token, "next": "/app/"}, follow_redirects=False)
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', web.get("/app/").text)
        clients[f"web-{role}"] = (web, {"X-CSRF-Token": csrf.group(1)} if csrf else {})
    return app, clients, db


def all_routes(app) -> list[tuple[str, str]]:
    """``(method, path template)`` of every route of the API and of the mounted web application."""
    from starlette.routing import Mount

    found: list[tuple[str, str]] = []

    def walk(routes, prefix: str):
        for route in routes:
            if isinstance(route, Mount):
                if route.name in ("static", "docs-assets"):
                    found.append(("GET", prefix + route.path + "/{file}"))
                    continue
                walk(route.routes, prefix + route.path)
                continue
            for method in sorted(getattr(route, "methods", None) or ()):
                if method in ("HEAD", "OPTIONS"):
                    continue
                found.append((method, prefix + route.path))

    walk(app.routes, "")
    return found


def _fill(path: str, rng: random.Random) -> str:
    import re
    from urllib.parse import quote

    def value(match):
        return quote(str(rng.choice([1, 2, 0, -1, 10 ** 20, "current", "S-001", "API-1", "x" * 300, "%00", "..%2f..%2fetc",
                                     "\u00e9", "1e9", "null", _text(rng)])).encode("utf-8", "surrogatepass").decode("utf-8", "replace"), safe="")

    return re.sub(r"\{[^}]+\}", value, path)


def _body(rng: random.Random):
    r = rng.random()
    if r < 0.35:
        return ("json", random_shipment(rng, rng.randrange(10 ** 6)))
    if r < 0.5:
        return ("json", {"shipments": [random_shipment(rng, i) for i in range(rng.randint(0, 7))]})
    if r < 0.6:
        return ("json", rng.choice([{"name": _text(rng)}, {"query": _text(rng)}, {"status": rng.choice(["false_positive", "escalated", "x"]), "reason": _text(rng)},
                                     {"role": rng.choice(ROLES + ("root",)), "name": _text(rng)}, {"reason": _text(rng), "party_name": _text(rng), "entry_id": _text(rng)},
                                     {"queries": {"q": {"schema": "Company", "properties": {"name": [_text(rng)]}}}}]))
    if r < 0.7:
        return ("raw", _deep(rng).encode())
    if r < 0.8:
        return ("raw", bytes(rng.randrange(256) for _ in range(rng.randint(0, 400))))
    if r < 0.85:
        return ("raw", b'{"name": "\\ud800\\u0000"}')
    if r < 0.9:
        return ("raw", b"x" * rng.choice([1000, 300_000]))
    if r < 0.95:
        return ("form", {"csrf_token": "x", "username": _text(rng), "password": _text(rng), "reason": _text(rng), "status": "false_positive"})
    return ("none", None)


def api_request(app_routes: list[tuple[str, str]], clients: dict, rng: random.Random) -> tuple[str, str, str, int, str]:
    """One random request to a random route as a random identity: ``(identity, method, path, status, problem)``.

    ``problem`` is empty, or says what is wrong: a 5xx answer, or a stack trace or internal path in the body.
    """
    identity = rng.choice(list(clients))
    client, headers = clients[identity]
    method, template = rng.choice(app_routes)
    path = _fill(template, rng)
    if rng.random() < 0.3:
        path += "?" + "&".join(f"{k}={_fill('{v}', rng)}" for k in rng.sample(["limit", "offset", "status", "format", "from", "to", "q", "dry_run", "replace", "kind", "schema", "dataset"], rng.randint(1, 3)))
    kind, body = _body(rng) if method in ("POST", "PUT", "PATCH") else ("none", None)
    extra = dict(headers)
    try:
        if kind == "json":
            response = client.request(method, path, headers={**extra, "Content-Type": "application/json"},
                                      content=json.dumps(body, ensure_ascii=True).encode(), follow_redirects=False)
        elif kind == "raw":
            response = client.request(method, path, headers={**extra, "Content-Type": rng.choice(["application/json", "application/x-ndjson", "text/plain"])},
                                      content=body, follow_redirects=False)
        elif kind == "form":
            from urllib.parse import urlencode  # the bytes a browser would send, lone surrogates as their UTF-8 bytes

            form = urlencode({k: v.encode("utf-8", "surrogatepass") for k, v in body.items()}).encode()
            response = client.request(method, path, headers={**extra, "Content-Type": "application/x-www-form-urlencoded"},
                                      content=form, follow_redirects=False)
        else:
            response = client.request(method, path, headers=extra, follow_redirects=False)
    except Exception:  # noqa: BLE001 - an exception out of the app is the worst outcome
        return identity, method, path, 599, "exception out of the app: " + traceback.format_exc().strip().splitlines()[-1][:300]
    text = response.text if "text" in response.headers.get("content-type", "") or "json" in response.headers.get("content-type", "") else ""
    problem = ""
    if response.status_code >= 500:
        problem = f"{response.status_code}: {text[:300]}"
    elif any(leak in text for leak in LEAKS):
        problem = "internal detail in the answer: " + text[:300]
    return identity, method, path, response.status_code, problem
