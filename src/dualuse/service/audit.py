"""Audit records for an auditor: verify the chain, export as JSON Lines or XLSX.

* :func:`verify` checks the stored chain (:func:`dualuse.storage.chain.verify`).
* :func:`export_jsonl` writes one record per line: every stored field, with
  ``payload`` as a JSON object. ``canonical_json(payload)`` reproduces the
  hashed text exactly, so an export can be checked on its own
  (:func:`verify_export`, ``dualuse audit verify --file``).
* :func:`export_xlsx` writes a workbook for reading: ``Records`` (every
  record), ``Screenings`` (one row per screening: shipment, verdict, reasons,
  hits, versions, who and when), ``Alerts``, ``Whitelist``, ``List versions``.

Exports are written to a temporary file and renamed, so a failed export
leaves no partial file. Nothing is ever deleted: Regulations Art. 27 asks
for records to be kept for at least five years.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import select

from dualuse.output.files import replace_atomically
from dualuse.storage import chain
from dualuse.storage.chain import GENESIS, HASHED_FIELDS, AuditProblem, VerifyReport, canonical_json, record_hash
from dualuse.storage.db import Database
from dualuse.storage.models import Alert, AuditRecord, ListVersion, WhitelistEntry

EXCEL_CELL_LIMIT = 32_000
RECORD_FIELDS = ("seq", "record_id", "kind", "created_at", "actor", "channel", "subject", "verdict", "data_version", "rules_version", "prev_hash", "hash")


def verify(db: Database, expect_head: tuple[int, str] | None = None) -> VerifyReport:
    """Verify the stored chain (see :func:`dualuse.storage.chain.verify`)."""
    with db.read() as session:
        return chain.verify(session, expect_head)


def _bounds(since: dt.date | None, until: dt.date | None) -> list:
    clauses = []
    if since is not None:
        clauses.append(AuditRecord.created_at >= since.isoformat())
    if until is not None:
        clauses.append(AuditRecord.created_at < (until + dt.timedelta(days=1)).isoformat())
    return clauses


def iter_records(db: Database, since: dt.date | None = None, until: dt.date | None = None, kinds: list[str] | None = None, batch: int = 2000) -> Iterator[dict]:
    """Records in seq order as dicts (``payload`` parsed), filtered by UTC day and kind."""
    clauses = _bounds(since, until)
    if kinds:
        clauses.append(AuditRecord.kind.in_(kinds))
    cursor = 0
    while True:
        with db.read() as session:
            rows = session.scalars(select(AuditRecord).where(AuditRecord.seq > cursor, *clauses).order_by(AuditRecord.seq).limit(batch)).all()
            chunk = [{**{name: getattr(r, name) for name in RECORD_FIELDS}, "payload": json.loads(r.payload)} for r in rows]
        if not chunk:
            return
        yield from chunk
        cursor = chunk[-1]["seq"]


def _atomic(path: Path, write) -> None:
    replace_atomically(path, write)  # with the user's umask, not mkstemp's 0600


def export_jsonl(db: Database, path: Path, since: dt.date | None = None, until: dt.date | None = None, kinds: list[str] | None = None) -> int:
    """Write the records as JSON Lines to ``path`` (atomically); returns the number written."""
    count = 0

    def write(tmp: Path) -> None:
        nonlocal count
        with tmp.open("w", encoding="utf-8", newline="\n") as handle:
            for record in iter_records(db, since, until, kinds):
                handle.write(json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n")
                count += 1

    _atomic(path, write)
    return count


def jsonl_lines(db: Database, since: dt.date | None = None, until: dt.date | None = None, kinds: list[str] | None = None) -> Iterator[bytes]:
    """The JSON Lines export as a stream of byte lines (for the API)."""
    for record in iter_records(db, since, until, kinds):
        yield (json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")


def verify_export(path: Path) -> VerifyReport:
    """Check an exported JSON Lines file on its own: hashes, sequence and links.

    A filtered export (by date or kind) has gaps by design; they are reported
    as ``missing`` like deletions.
    """
    report = VerifyReport()
    prev_hash, expected = None, None
    with Path(path).open(encoding="utf-8") as handle:
        for n, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                fields = {name: record.get(name) for name in HASHED_FIELDS if name != "payload"}
                fields["payload"] = canonical_json(record["payload"])
            except (ValueError, KeyError, TypeError) as error:
                report.problems.append(AuditProblem("altered", 0, f"line {n}: not an exported record ({error})"))
                continue
            report.records += 1
            seq = record.get("seq")
            if expected is not None and seq != expected:
                report.problems.append(AuditProblem("missing", expected, f"records {expected}-{seq - 1} are not in the file", seq - 1))
            if record_hash(fields) != record.get("hash"):
                report.problems.append(AuditProblem("altered", seq, f"record {seq} ({record.get('kind')} of {record.get('subject')}) was altered: its content does not match its hash"))
            elif prev_hash is not None and expected == seq and record.get("prev_hash") != prev_hash:
                report.problems.append(AuditProblem("link", seq - 1, f"record {seq - 1} was altered or replaced: record {seq} links to a different previous hash"))
            elif prev_hash is None and seq == 1 and record.get("prev_hash") != GENESIS:
                report.problems.append(AuditProblem("link", 1, "record 1 does not start the chain"))
            prev_hash, expected = record.get("hash"), seq + 1
            report.head_seq, report.head_hash = seq, record.get("hash")
    return report


def _cell(value) -> object:
    if value is None or isinstance(value, (int, float)):
        return value
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= EXCEL_CELL_LIMIT else text[:EXCEL_CELL_LIMIT] + "… (truncated; see the JSON Lines export)"


def _screening_row(record: dict) -> list:
    payload = record["payload"]
    decision = payload.get("decision") or {}
    shipment = payload.get("input") or {}
    reasons = "; ".join(f"{r.get('verdict')} {r.get('rule_id')} ({r.get('citation')})" for r in decision.get("reasons", []))
    hits = "; ".join(
        f"{h.get('role')} {h.get('query')!r} ~ {h.get('list')} {h.get('name')!r} [{h.get('entry_id')}] {h.get('decision')} {h.get('score')}"
        for h in decision.get("hits", [])
    )
    overrides = "; ".join(f"{o.get('action')} {o.get('entry_id')} ({o.get('by')})" for o in payload.get("overrides_applied", []))
    return [
        record["seq"],
        record["created_at"],
        record["actor"],
        record["channel"],
        record["subject"],
        shipment.get("date"),
        (shipment.get("exporter") or {}).get("name"),
        (shipment.get("consignee") or {}).get("name"),
        (shipment.get("end_user") or {}).get("name"),
        shipment.get("destination_country"),
        decision.get("verdict"),
        decision.get("as_of"),
        _cell(reasons),
        _cell(hits),
        _cell(overrides),
        record["data_version"],
        record["rules_version"],
        decision.get("engine_version"),
        record["hash"],
    ]


def export_xlsx(db: Database, path: Path, since: dt.date | None = None, until: dt.date | None = None, kinds: list[str] | None = None) -> int:
    """Write the records as an XLSX workbook (atomically); returns the number of records."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    count = 0

    def write(tmp: Path) -> None:
        nonlocal count
        book = Workbook(write_only=True)
        bold = Font(bold=True)

        def sheet(title: str, header: list[str]):
            ws = book.create_sheet(title)
            from openpyxl.cell import WriteOnlyCell

            cells = []
            for name in header:
                cell = WriteOnlyCell(ws, value=name)
                cell.font = bold
                cells.append(cell)
            ws.append(cells)
            return ws

        records = sheet("Records", [*RECORD_FIELDS, "payload"])
        screenings = sheet(
            "Screenings",
            ["seq", "recorded at (UTC)", "actor", "channel", "shipment id", "shipment date", "exporter", "consignee", "end user", "destination",
             "verdict", "as of", "reasons", "hits", "overrides", "data version", "rules version", "engine version", "record hash"],
        )
        for record in iter_records(db, since, until, kinds):
            count += 1
            records.append([_cell(record[name]) for name in RECORD_FIELDS] + [_cell(canonical_json(record["payload"]))])
            if record["kind"] == "screening":
                screenings.append(_screening_row(record))
        with db.read() as session:
            alerts = sheet(
                "Alerts",
                ["id", "kind", "status", "shipment id", "role", "party", "country", "list", "entry id", "entry name", "score", "hit", "verdict",
                 "opened at", "opened by", "decided at", "decided by", "reason", "attachment", "attachment sha256", "whitelist id", "data version"],
            )
            for a in session.scalars(select(Alert).order_by(Alert.id)):
                alerts.append(
                    [a.id, a.kind, a.status, a.shipment_id, a.role, a.party_name, a.party_country, a.list_id, a.entry_id, a.entry_name, a.score,
                     a.hit_decision, a.verdict, a.opened_at, a.opened_by, a.decided_at, a.decided_by, _cell(a.decision_reason), a.attachment_name,
                     a.attachment_sha256, a.whitelist_id, a.data_version]
                )
            whitelist = sheet(
                "Whitelist",
                ["id", "status", "counterparty", "country", "list", "entry id", "entry name", "entry fingerprint", "reason", "alert id",
                 "created at", "created by", "ended at", "ended by", "end reason"],
            )
            for w in session.scalars(select(WhitelistEntry).order_by(WhitelistEntry.id)):
                whitelist.append(
                    [w.id, w.status, w.counterparty_name, w.country, w.list_id, w.entry_id, w.entry_name, w.fingerprint, _cell(w.reason), w.alert_id,
                     w.created_at, w.created_by, w.ended_at, w.ended_by, _cell(w.end_reason)]
                )
            versions_ws = sheet("List versions", ["seq", "version", "stored at", "stored by", "source", "kind", "previous", "data date", "entries", "summary"])
            for v in session.scalars(select(ListVersion).order_by(ListVersion.seq)):
                versions_ws.append([v.seq, v.version, v.created_at, v.created_by, v.source, v.source_kind, v.parent_seq, v.data_date, v.entries, _cell(v.summary)])
        book.save(tmp)

    _atomic(path, write)
    return count
