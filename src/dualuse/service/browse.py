"""Find screened shipments and count them: the reads behind the web application's lists and dashboard.

Everything here reads the latest state tables (``shipments``,
``shipment_parties``, ``shipment_hits``, ``counterparties``, ``alerts``);
the audit records stay the history.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter, defaultdict
from dataclasses import dataclass

from sqlalchemy import exists, func, or_, select

from dualuse.service.screening import OPEN_STATUSES
from dualuse.storage.db import Database
from dualuse.storage.models import Alert, AuditRecord, Counterparty, ShipmentHit, ShipmentParty, ShipmentRow

VERDICTS = ("PROHIBITED", "REVIEW", "LICENSE_REQUIRED", "NOT_CONTROLLED")
REVIEWED = ("yes", "no")
AGE_BUCKETS = ((1, "< 1 day"), (7, "1-7 days"), (30, "7-30 days"), (None, "> 30 days"))


class BrowseError(ValueError):
    """A filter that cannot be applied (names the filter and what was expected)."""


@dataclass(frozen=True)
class ShipmentFilter:
    """Filters of :func:`find_shipments` (all optional).

    Attributes:
        verdict: one of :data:`VERDICTS`.
        date_from, date_to: the shipment date, inclusive.
        list_id: shipments with a hit on this list (``CN-ECL``, ``CN-UVL`` ...; the entry id's prefix).
        party: part of a party's name as written (case-insensitive).
        reviewed: ``yes`` (has alerts, none open) or ``no`` (an alert is open).
        search: part of the shipment id or of a party's name.
    """

    verdict: str | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    list_id: str | None = None
    party: str | None = None
    reviewed: str | None = None
    search: str | None = None


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _party_clause(text: str):
    return exists(
        select(ShipmentParty.shipment_id)
        .join(Counterparty, Counterparty.id == ShipmentParty.counterparty_id)
        .where(ShipmentParty.shipment_id == ShipmentRow.shipment_id, Counterparty.name.ilike(_like(text), escape="\\"))
    )


def find_shipments(db: Database, where: ShipmentFilter, limit: int = 50, offset: int = 0) -> tuple[int, list[dict]]:
    """Screened shipments matching ``where``, most recently screened first.

    Returns:
        ``(total matching, page)``; each row has ``shipment_id``, ``date``,
        ``verdict``, ``status`` (``final``/``pending_review``), ``open_alerts``,
        ``alerts``, ``last_screened_at``, ``data_version``, ``parties`` (names as written).

    Raises:
        BrowseError: an unknown verdict or reviewed value, bad paging.
    """
    if where.verdict and where.verdict not in VERDICTS:
        raise BrowseError(f"verdict {where.verdict!r}: expected one of {', '.join(VERDICTS)}")
    if where.reviewed and where.reviewed not in REVIEWED:
        raise BrowseError(f"reviewed {where.reviewed!r}: expected yes or no")
    if not 1 <= limit <= 1000 or offset < 0:
        raise BrowseError("limit must be 1..1000 and offset >= 0")
    clauses = []
    if where.verdict:
        clauses.append(ShipmentRow.verdict == where.verdict)
    if where.date_from:
        clauses.append(ShipmentRow.shipment_date >= where.date_from.isoformat())
    if where.date_to:
        clauses.append(ShipmentRow.shipment_date <= where.date_to.isoformat())
    if where.list_id:
        clauses.append(exists(select(ShipmentHit.shipment_id).where(
            ShipmentHit.shipment_id == ShipmentRow.shipment_id, ShipmentHit.entry_id.like(where.list_id.replace("%", "") + ":%"))))
    if where.party and where.party.strip():
        clauses.append(_party_clause(where.party.strip()))
    if where.search and where.search.strip():
        text = where.search.strip()
        clauses.append(or_(ShipmentRow.shipment_id.ilike(_like(text), escape="\\"), _party_clause(text)))
    open_alert = exists(select(Alert.id).where(Alert.shipment_id == ShipmentRow.shipment_id, Alert.status.in_(OPEN_STATUSES)))
    any_alert = exists(select(Alert.id).where(Alert.shipment_id == ShipmentRow.shipment_id))
    if where.reviewed == "no":
        clauses.append(open_alert)
    elif where.reviewed == "yes":
        clauses.append(any_alert)
        clauses.append(~open_alert)
    with db.read() as session:
        total = session.scalar(select(func.count()).select_from(ShipmentRow).where(*clauses)) or 0
        rows = session.execute(
            select(ShipmentRow.shipment_id, ShipmentRow.shipment_date, ShipmentRow.verdict, ShipmentRow.last_screened_at, ShipmentRow.data_version)
            .where(*clauses).order_by(ShipmentRow.last_screened_at.desc(), ShipmentRow.shipment_id).limit(limit).offset(offset)
        ).all()
        ids = [r[0] for r in rows]
        alert_counts: dict[str, Counter] = defaultdict(Counter)
        for shipment_id, status in session.execute(select(Alert.shipment_id, Alert.status).where(Alert.shipment_id.in_(ids or [""]))):
            alert_counts[shipment_id]["open" if status in OPEN_STATUSES else "closed"] += 1
        parties: dict[str, list[str]] = defaultdict(list)
        for shipment_id, name in session.execute(
            select(ShipmentParty.shipment_id, Counterparty.name).join(Counterparty, Counterparty.id == ShipmentParty.counterparty_id)
            .where(ShipmentParty.shipment_id.in_(ids or [""])).order_by(ShipmentParty.shipment_id, ShipmentParty.role, ShipmentParty.party_index)
        ):
            parties[shipment_id].append(name)
    out = []
    for shipment_id, date, verdict, last, version in rows:
        counts = alert_counts.get(shipment_id, Counter())
        out.append({
            "shipment_id": shipment_id, "date": date, "verdict": verdict,
            "status": "pending_review" if counts["open"] else "final",
            "open_alerts": counts["open"], "alerts": counts["open"] + counts["closed"],
            "last_screened_at": last, "data_version": version, "parties": parties.get(shipment_id, []),
        })
    return total, out


def list_ids(db: Database) -> list[str]:
    """The lists that have hits in stored shipments (entry id prefixes), sorted."""
    with db.read() as session:
        return sorted({entry.split(":", 1)[0] for entry in session.scalars(select(ShipmentHit.entry_id).distinct())})


@dataclass
class Dashboard:
    """The numbers a head of compliance asks for.

    Attributes:
        shipments: shipments screened (distinct ids); screenings: screening records (re-screenings included).
        verdicts: latest verdict -> shipments.
        open_alerts: open or escalated alerts; alerts_by_age: ``(bucket label, count)`` by time open.
        hits_by_list: list id -> hits (matches and possible matches) in the latest screenings.
        hits_by_month: ``(months, {list id: counts per month})`` by shipment date.
        hits_by_announcement: ``(citation, hits)``, most first (at most 8).
    """

    shipments: int
    screenings: int
    verdicts: dict[str, int]
    open_alerts: int
    alerts_by_age: list[tuple[str, int]]
    hits_by_list: dict[str, int]
    hits_by_month: tuple[list[str], dict[str, list[int]]]
    hits_by_announcement: list[tuple[str, int]]


def dashboard(db: Database, announcement_of=None, now: dt.datetime | None = None) -> Dashboard:
    """Count shipments, verdicts, open alerts by age and hits by list, month and announcement.

    Args:
        announcement_of: ``entry id -> citation`` (e.g. from the live screener's entries); hits of
            unknown entries count under their entry id's announcement part.
        now: the time alert ages are measured at (default: now, UTC).
    """
    now = now or dt.datetime.now(dt.timezone.utc)
    with db.read() as session:
        verdicts = dict(session.execute(select(ShipmentRow.verdict, func.count()).group_by(ShipmentRow.verdict)).all())
        shipments = sum(verdicts.values())
        screenings = session.scalar(select(func.count()).select_from(AuditRecord).where(AuditRecord.kind == "screening")) or 0
        opened = list(session.scalars(select(Alert.opened_at).where(Alert.status.in_(OPEN_STATUSES))))
        hits = session.execute(
            select(ShipmentHit.entry_id, ShipmentRow.shipment_date).join(ShipmentRow, ShipmentRow.shipment_id == ShipmentHit.shipment_id)
            .where(ShipmentHit.decision.in_(("match", "possible")))
        ).all()
    ages = Counter()
    for stamp in opened:
        days = (now - dt.datetime.fromisoformat(stamp.replace("Z", "+00:00"))).total_seconds() / 86400
        for limit, label in AGE_BUCKETS:
            if limit is None or days < limit:
                ages[label] += 1
                break
    by_list: Counter = Counter()
    by_month: dict[str, Counter] = defaultdict(Counter)
    by_announcement: Counter = Counter()
    for entry_id, date in hits:
        list_id = entry_id.split(":", 1)[0]
        by_list[list_id] += 1
        by_month[date[:7]][list_id] += 1
        found = announcement_of(entry_id) if announcement_of else None
        by_announcement[found or (entry_id.split(":")[1] if entry_id.count(":") >= 2 else list_id)] += 1
    months = sorted(by_month)
    lists = sorted(by_list)
    return Dashboard(
        shipments=shipments,
        screenings=screenings,
        verdicts={v: verdicts.get(v, 0) for v in VERDICTS},
        open_alerts=len(opened),
        alerts_by_age=[(label, ages.get(label, 0)) for _, label in AGE_BUCKETS],
        hits_by_list=dict(by_list.most_common()),
        hits_by_month=(months, {name: [by_month[m].get(name, 0) for m in months] for name in lists}),
        hits_by_announcement=by_announcement.most_common(8),
    )


def decision_of(db: Database, shipment_id: str) -> tuple[dict, dict] | None:
    """``(stored input shipment, decision)`` JSON of a shipment's latest screening, or ``None``."""
    with db.read() as session:
        row = session.get(ShipmentRow, shipment_id)
        if row is None:
            return None
        return json.loads(row.input), json.loads(row.decision)


def record_hash(db: Database, seq: int) -> str | None:
    """The hash of audit record ``seq`` (for the decision page and reports), or ``None``."""
    with db.read() as session:
        row = session.get(AuditRecord, seq)
        return row.hash if row is not None else None


__all__ = ["BrowseError", "Dashboard", "ShipmentFilter", "dashboard", "decision_of", "find_shipments", "list_ids", "record_hash"]
