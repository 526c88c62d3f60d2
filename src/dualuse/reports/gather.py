"""What a report shows, read from the records database as one JSON-serialisable snapshot.

A report is a pure function of its snapshot (and the language): the same
records give the same bytes. So a snapshot only holds what the audit chain
already fixed - the shipment's latest screening record, its alerts and their
decision records, and the list entries of the list version that screening
used - and it is *anchored* at the last record about the shipment, never at
the moving head of the chain (issuing a report appends a record itself).

Shapes (every date an ISO string)::

    shipment snapshot = {
      "kind": "shipment",
      "shipment": Shipment as JSON (the screened input),
      "decision": Decision as JSON,
      "status": "final" | "pending_review",
      "screening": {"seq", "hash", "prev_hash", "created_at", "actor", "channel", "list_version_seq"},
      "overrides_applied": [...],          # reviewed hits applied by the screening
      "alerts": [alert dict with "history": [audit records about it]],
      "entries": {entry_id: {"names": [{"value", "lang", "kind"}], "list", "schema",
                             "legal_source", "title_zh", "effective", "url", "status_intervals"}},
      "list_version": {"seq", "version", "data_date"},
      "anchor": {"seq", "hash", "created_at"},   # the last record about the shipment
    }

    period snapshot = {
      "kind": "period", "from", "to",
      "screenings": number of screening records in the period,
      "shipments": number of shipments whose latest screening is in the period,
      "verdicts": {verdict: count}, "by_day": {day: {verdict: count}},
      "hits_by_list": {list: count}, "hits_by_announcement": {citation: count},
      "alerts": {"open", "escalated", "confirmed", "false_positive"},   # alerts of those shipments, and others opened in the period
      "flagged": [{"shipment_id", "date", "verdict", "status" (final | pending_review),
                   "closed": {alert status: count}, "reasons", "citations", "screened_at", "seq", "hash"}],
      "anchor": {"seq", "hash", "created_at"},   # the last record of the period (reports excluded)
    }
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter, defaultdict

from sqlalchemy import func, select

from dualuse.service import versions
from dualuse.service.alerts import alert_dict
from dualuse.service.screening import OPEN_STATUSES, shipment_status
from dualuse.storage.db import Database
from dualuse.storage.models import Alert, AuditRecord, ShipmentRow

FLAGGED_VERDICTS = ("PROHIBITED", "REVIEW")
REPORT_KIND = "report_issued"  # the audit record written when a report is issued


class ReportError(LookupError):
    """A report that cannot be made: unknown shipment, empty or inverted period, no CJK font.

    ``status`` is the HTTP status the web application maps it to.
    """

    def __init__(self, message: str, status: int = 404):
        super().__init__(message)
        self.status = status


def _record_summary(record: AuditRecord) -> dict:
    return {"seq": record.seq, "hash": record.hash, "created_at": record.created_at}


def _entry(entry) -> dict:
    source = entry.legal_source
    return {
        "list": entry.list,
        "schema": entry.schema_,
        "name": entry.name,
        "names": [{"value": n.value, "lang": n.lang, "kind": n.kind} for n in entry.names],
        "countries": list(entry.countries),
        "legal_source": source.citation,
        "title_zh": getattr(source, "title_zh", None),
        "url": getattr(source, "url", None),
        "effective": entry.effective.isoformat() if entry.effective else None,
        "status_intervals": [
            {"status": s.status, "start": s.start.isoformat(), "end": s.end.isoformat() if s.end else None, "instrument": getattr(s, "instrument", None)}
            for s in entry.status_intervals
        ],
    }


def shipment_snapshot(db: Database, shipment_id: str) -> dict:
    """The snapshot of a screened shipment (see the module docstring for its shape).

    Raises:
        ReportError: no screened shipment with this id (status 404).
    """
    with db.read() as session:
        row = session.get(ShipmentRow, shipment_id)
        if row is None:
            raise ReportError(f"no screened shipment {shipment_id!r}: screen it with a records database first (dualuse screen FILE --db ...)")
        screening = session.get(AuditRecord, row.latest_seq)
        if screening is None:
            raise ReportError(f"shipment {shipment_id!r}: its screening record {row.latest_seq} is missing from the audit chain; run dualuse audit verify", 409)
        payload = json.loads(screening.payload)
        alerts = list(session.scalars(select(Alert).where(Alert.shipment_id == shipment_id).order_by(Alert.id)))
        subjects = [f"alert:{a.id}" for a in alerts]
        history: dict[str, list[dict]] = defaultdict(list)
        anchor = screening
        if subjects:
            for record in session.scalars(select(AuditRecord).where(AuditRecord.subject.in_(subjects)).order_by(AuditRecord.seq)):
                history[record.subject].append(
                    {"seq": record.seq, "kind": record.kind, "at": record.created_at, "by": record.actor, "channel": record.channel,
                     "hash": record.hash, **json.loads(record.payload)}
                )
                if record.seq > anchor.seq:
                    anchor = record
        status = shipment_status(session, shipment_id)
        alert_rows = [{**alert_dict(a), "history": history[f"alert:{a.id}"]} for a in alerts]
        screened = {
            "seq": screening.seq,
            "hash": screening.hash,
            "prev_hash": screening.prev_hash,
            "created_at": screening.created_at,
            "actor": screening.actor,
            "channel": screening.channel,
        }
        anchored = _record_summary(anchor)
    info = versions.resolve(db, payload.get("list_version_seq") or "current")
    wanted = {hit["entry_id"] for hit in payload["decision"].get("hits", [])}
    wanted |= {a["entry_id"] for a in alert_rows if a["entry_id"]}
    entries = {e.id: _entry(e) for e in versions.entries_of(db, info) if e.id in wanted}
    return {
        "kind": "shipment",
        "shipment": payload["input"],
        "decision": payload["decision"],
        "status": status,
        "screening": {**screened, "list_version_seq": info.seq},
        "overrides_applied": payload.get("overrides_applied", []),
        "alerts": alert_rows,
        "entries": entries,
        "list_version": {"seq": info.seq, "version": info.version, "data_date": info.data_date},
        "anchor": anchored,
    }


def _chunks(items: list, size: int = 500):
    """``items`` in slices of ``size`` (bound parameters per query stay under every database's limit)."""
    for i in range(0, len(items), size):
        yield items[i : i + size]


def period_snapshot(db: Database, date_from: dt.date, date_to: dt.date) -> dict:
    """The snapshot of a period: screenings recorded from ``date_from`` to ``date_to`` (UTC days, inclusive).

    Counts follow the *latest* screening of each shipment recorded in the
    period (a shipment re-screened after review counts once, with its final
    verdict); ``screenings`` counts every screening record.

    Raises:
        ReportError: ``date_from`` after ``date_to`` (status 400).
    """
    if date_from > date_to:
        raise ReportError(f"--from {date_from.isoformat()} is after --to {date_to.isoformat()}", 400)
    low, high = date_from.isoformat(), (date_to + dt.timedelta(days=1)).isoformat()
    in_period = (AuditRecord.created_at >= low, AuditRecord.created_at < high)
    with db.read() as session:
        screenings = session.scalar(select(func.count()).select_from(AuditRecord).where(AuditRecord.kind == "screening", *in_period)) or 0
        # the report's own records do not move the anchor: reissuing gives the same bytes
        last = session.scalars(
            select(AuditRecord).where(AuditRecord.kind != REPORT_KIND, *in_period).order_by(AuditRecord.seq.desc()).limit(1)
        ).first()
        anchor = _record_summary(last) if last is not None else None
        # the latest screening of each shipment in the period, read in chunks (a year holds many)
        latest = dict(
            session.execute(
                select(AuditRecord.subject, func.max(AuditRecord.seq)).where(AuditRecord.kind == "screening", *in_period).group_by(AuditRecord.subject)
            ).all()
        )
        alerts_of: dict[str, list[tuple[str, str | None]]] = defaultdict(list)
        for chunk in _chunks(sorted(latest)):
            for shipment_id, status, verdict in session.execute(select(Alert.shipment_id, Alert.status, Alert.verdict).where(Alert.shipment_id.in_(chunk))):
                alerts_of[shipment_id].append((status, verdict))
        alert_counts = Counter(status for alerts in alerts_of.values() for status, _verdict in alerts)
        # alerts opened in the period on other shipments or on stored counterparties (after a list update)
        for shipment_id, status in session.execute(select(Alert.shipment_id, Alert.status).where(Alert.opened_at >= low, Alert.opened_at < high)):
            if shipment_id not in latest:
                alert_counts[status] += 1
        verdicts: Counter = Counter()
        by_day: dict[str, Counter] = defaultdict(Counter)
        hits_by_list: Counter = Counter()
        hits_by_announcement: Counter = Counter()
        flagged = []
        for chunk in _chunks(sorted(latest.values())):
            for record in session.scalars(select(AuditRecord).where(AuditRecord.seq.in_(chunk)).order_by(AuditRecord.seq)):
                shipment_id = record.subject
                decision = json.loads(record.payload)["decision"]
                verdict = decision["verdict"]
                verdicts[verdict] += 1
                by_day[record.created_at[:10]][verdict] += 1
                for hit in decision.get("hits", []):
                    if hit.get("decision") in ("match", "possible"):
                        hits_by_list[hit["list"]] += 1
                        if hit.get("listing"):
                            hits_by_announcement[hit["listing"]] += 1
                alerts = alerts_of.get(shipment_id, [])
                if verdict not in FLAGGED_VERDICTS and not any(v in FLAGGED_VERDICTS for _s, v in alerts):
                    continue
                flagged.append(
                    {
                        "shipment_id": shipment_id,
                        "date": decision.get("as_of"),
                        "verdict": verdict,
                        "status": "pending_review" if any(s in OPEN_STATUSES for s, _v in alerts) else "final",
                        "closed": dict(sorted(Counter(s for s, _v in alerts if s not in OPEN_STATUSES).items())),
                        "reasons": sorted({r["rule_id"] for r in decision.get("reasons", []) if r["verdict"] in FLAGGED_VERDICTS}),
                        "citations": sorted({r["citation"] for r in decision.get("reasons", []) if r["verdict"] in FLAGGED_VERDICTS}),
                        "screened_at": record.created_at,
                        "seq": record.seq,
                        "hash": record.hash,
                    }
                )
    flagged.sort(key=lambda f: (FLAGGED_VERDICTS.index(f["verdict"]) if f["verdict"] in FLAGGED_VERDICTS else 2, f["shipment_id"]))
    return {
        "kind": "period",
        "from": date_from.isoformat(),
        "to": date_to.isoformat(),
        "screenings": screenings,
        "shipments": len(latest),
        "verdicts": dict(sorted(verdicts.items())),
        "by_day": {day: dict(sorted(c.items())) for day, c in sorted(by_day.items())},
        "hits_by_list": dict(sorted(hits_by_list.items(), key=lambda kv: (-kv[1], kv[0]))),
        "hits_by_announcement": dict(sorted(hits_by_announcement.items(), key=lambda kv: (-kv[1], kv[0]))),
        "alerts": {name: alert_counts.get(name, 0) for name in ("open", "escalated", "confirmed", "false_positive")},
        "flagged": flagged,
        "anchor": anchor,
    }
