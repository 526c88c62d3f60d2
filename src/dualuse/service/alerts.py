"""The review queue: read alerts, decide them, remember false positives (whitelist).

A reviewer marks an alert ``confirmed`` (the party is the listed entry, or
the concern stands), ``false_positive`` (it is not / it does not) or
``escalated`` (someone more senior must decide; the alert stays open), always
with a reason and optionally an attachment. Every decision is an audit
record. When a shipment's last open alert is closed, the shipment is
screened once more with the reviewed hits applied (false positives dropped,
confirmed matches counted as matches); that screening is its final decision.

A false positive can be remembered as a whitelist entry for that
counterparty and that list entry *as it stood* (its fingerprint): later
screenings of the counterparty no longer raise it, until the entry changes
(new name, new announcement, status change) - then the whitelist entry
lapses by itself (:func:`lapse_whitelist`, run by every list update).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from dualuse.decision.overrides import counterparty_key
from dualuse.service import versions
from dualuse.service.screening import (
    CLOSED_STATUSES,
    OPEN_STATUSES,
    ScreeningResult,
    live_screener,
    record_screening,
    shipment_status,
    stored_shipment,
    whitelist_overrides,
)
from dualuse.storage import chain
from dualuse.storage.db import Database
from dualuse.storage.models import Alert, Attachment, AuditRecord, ShipmentRow, WhitelistEntry

DECISIONS = ("confirmed", "false_positive", "escalated")
STATUS_FILTERS = ("open", "escalated", "pending", "closed", "confirmed", "false_positive", "all")
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
MIN_REASON_CHARS = 3


class ReviewError(ValueError):
    """A review action that cannot be done; ``status`` is the HTTP status it maps to."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


def alert_dict(alert: Alert) -> dict:
    """An alert row as the dict the API, the CLI, the web application and the reports show (``details`` parsed)."""
    return {
        "id": alert.id,
        "kind": alert.kind,
        "status": alert.status,
        "shipment_id": alert.shipment_id,
        "counterparty_id": alert.counterparty_id,
        "role": alert.role,
        "party_index": alert.party_index,
        "party_name": alert.party_name,
        "party_country": alert.party_country,
        "entry_id": alert.entry_id,
        "list": alert.list_id,
        "entry_name": alert.entry_name,
        "fingerprint": alert.fingerprint,
        "score": alert.score,
        "hit_decision": alert.hit_decision,
        "verdict": alert.verdict,
        "details": json.loads(alert.details or "{}"),
        "data_version": alert.data_version,
        "opened_seq": alert.opened_seq,
        "opened_at": alert.opened_at,
        "opened_by": alert.opened_by,
        "decided_at": alert.decided_at,
        "decided_by": alert.decided_by,
        "decision_reason": alert.decision_reason,
        "decided_seq": alert.decided_seq,
        "attachment": (
            {"name": alert.attachment_name, "sha256": alert.attachment_sha256} if alert.attachment_sha256 else None
        ),
        "whitelist_id": alert.whitelist_id,
    }


def _status_clause(status: str):
    if status not in STATUS_FILTERS:
        raise ReviewError(f"status filter {status!r}: expected one of {', '.join(STATUS_FILTERS)}")
    if status == "pending":
        return Alert.status.in_(OPEN_STATUSES)
    if status == "closed":
        return Alert.status.in_(CLOSED_STATUSES)
    if status == "all":
        return None
    return Alert.status == status


def list_alerts(
    db: Database,
    status: str = "pending",
    shipment_id: str | None = None,
    kind: str | None = None,
    limit: int = 100,
    offset: int = 0,
    where: str | None = None,
    sort: str = "severity",
) -> tuple[int, list[dict]]:
    """Alerts, most severe first (or newest first), each with its ``severity`` (see :mod:`dualuse.service.severity`).

    Args:
        status: ``pending`` (open or escalated; default), ``open``,
            ``escalated``, ``closed``, ``confirmed``, ``false_positive``, ``all``.
        shipment_id, kind: optional filters.
        limit, offset: paging (limit 1..1000).
        where: a filter like ``"reason=CN-CLASSIFICATION-NEEDED hs=4819*"``
            (see :func:`dualuse.service.severity.parse_where`).
        sort: ``severity`` (default: most severe first, then oldest first) or ``newest``.

    Returns:
        ``(total matching, page of alert dicts)``.

    Raises:
        ReviewError: an unknown status filter, a bad ``where`` or ``sort``, bad paging.
    """
    from dualuse.service.severity import SeverityError, alert_severity, matches, parse_where

    if not 1 <= limit <= 1000 or offset < 0:
        raise ReviewError("limit must be 1..1000 and offset >= 0")
    if sort not in ("severity", "newest"):
        raise ReviewError(f"sort {sort!r}: expected severity or newest")
    try:
        conditions = parse_where(where)
    except SeverityError as error:
        raise ReviewError(str(error)) from None
    clauses = [c for c in (_status_clause(status),) if c is not None]
    if shipment_id:
        clauses.append(Alert.shipment_id == shipment_id)
    if kind:
        clauses.append(Alert.kind == kind)
    with db.read() as session:
        rows = [alert_dict(a) for a in session.scalars(select(Alert).where(*clauses).order_by(Alert.id.desc()))]
        lines = _line_codes(session, {a["shipment_id"] for a in rows if a["shipment_id"]})
    for alert in rows:
        alert["severity"] = alert_severity(alert)
        alert["hs_codes"] = _alert_hs_codes(alert, lines.get(alert["shipment_id"], {}))
    rows = [a for a in rows if matches(a, conditions)]
    if sort == "severity":
        rows.sort(key=lambda a: (-a["severity"]["rank"], a["id"]))
    return len(rows), rows[offset : offset + limit]


def _line_codes(session: Session, shipment_ids: set[str]) -> dict[str, dict[int, str]]:
    """``{shipment id: {line number: declared HS code}}`` from the stored inputs."""
    out: dict[str, dict[int, str]] = {}
    ids = sorted(shipment_ids)
    for start in range(0, len(ids), 500):
        for shipment_id, payload in session.execute(select(ShipmentRow.shipment_id, ShipmentRow.input).where(ShipmentRow.shipment_id.in_(ids[start : start + 500]))):
            lines = json.loads(payload).get("lines", [])
            out[shipment_id] = {line.get("line"): (line.get("hs_code") or "") for line in lines}
    return out


def _alert_hs_codes(alert: dict, codes: dict[int, str]) -> list[str]:
    """The HS codes of the lines an alert is about (all the shipment's lines when its reasons name none)."""
    numbers = {r.get("line") for r in alert["details"].get("reasons", []) if r.get("line") is not None}
    return sorted({code for number, code in codes.items() if code and (not numbers or number in numbers)})


def decide_where(
    db: Database, where: str, status: str, reason: str, actor: str, channel: str = "cli", alert_status: str = "pending", dry_run: bool = False
) -> list[DecisionOutcome | dict]:
    """Decide every open alert that ``where`` selects, with one reason; one audit record per alert.

    Args:
        where: the filter (see :func:`dualuse.service.severity.parse_where`); required, never empty.
        status, reason, actor, channel: as for :func:`decide_alert`.
        alert_status: which alerts to consider (``pending``, ``open`` or ``escalated``).
        dry_run: only return the alerts that would be decided (dicts), decide nothing.

    Returns:
        The outcome of each decision, in severity order (or the selected alerts, with ``dry_run``).

    Raises:
        ReviewError: an empty or bad filter, a bad status or reason (before anything is decided).
    """
    if not (where or "").strip():
        raise ReviewError("a filter is required for a bulk decision, e.g. --where \"reason=CN-CLASSIFICATION-NEEDED hs=4819*\"")
    if alert_status not in ("pending", "open", "escalated"):
        raise ReviewError(f"only open or escalated alerts can be decided, not {alert_status!r}")
    if status not in DECISIONS:
        raise ReviewError(f"decision {status!r}: expected one of {', '.join(DECISIONS)}")
    if len((reason or "").strip()) < MIN_REASON_CHARS:
        raise ReviewError("a reason is required (at least 3 characters)")
    selected: list[dict] = []
    while True:
        total, page = list_alerts(db, status=alert_status, where=where, limit=1000, offset=len(selected))
        selected.extend(page)
        if len(selected) >= total or not page:
            break
    if dry_run:
        return selected
    outcomes: list[DecisionOutcome | dict] = []
    for alert in selected:
        try:
            outcomes.append(decide_alert(db, alert["id"], status, reason, actor, channel))
        except ReviewError as error:  # decided meanwhile by someone else: reported, the others still decided
            outcomes.append({"alert_id": alert["id"], "error": str(error)})
    return outcomes


def _history(session: Session, alert_id: int) -> list[dict]:
    out = []
    for record in session.scalars(select(AuditRecord).where(AuditRecord.subject == f"alert:{alert_id}").order_by(AuditRecord.seq)):
        payload = json.loads(record.payload)
        out.append({"seq": record.seq, "kind": record.kind, "at": record.created_at, "by": record.actor, "channel": record.channel, **payload})
    return out


def get_alert(db: Database, alert_id: int) -> dict:
    """One alert with its decision history (from the audit records).

    Raises:
        ReviewError: no such alert (status 404).
    """
    with db.read() as session:
        alert = session.get(Alert, alert_id)
        if alert is None:
            raise ReviewError(f"no alert {alert_id}", 404)
        data = alert_dict(alert)
        data["history"] = _history(session, alert_id)
        return data


def get_attachment(db: Database, alert_id: int) -> tuple[str, str, bytes]:
    """``(file name, media type, content)`` of an alert's attachment.

    Raises:
        ReviewError: no such alert or no attachment (404).
    """
    with db.read() as session:
        alert = session.get(Alert, alert_id)
        if alert is None or not alert.attachment_sha256:
            raise ReviewError(f"alert {alert_id} has no attachment", 404)
        blob = session.get(Attachment, alert.attachment_sha256)
        return alert.attachment_name or "attachment", blob.media_type, blob.content


@dataclass
class DecisionOutcome:
    """What deciding an alert did.

    Attributes:
        alert: the alert after the decision.
        whitelist_id: the whitelist entry created, if any.
        shipment_status: the shipment's status afterwards (``None`` for counterparty alerts).
        final: the final screening of the shipment when this closed its last alert.
    """

    alert: dict
    whitelist_id: int | None = None
    shipment_status: str | None = None
    final: ScreeningResult | None = None


def decide_alert(
    db: Database,
    alert_id: int,
    status: str,
    reason: str,
    actor: str,
    channel: str = "cli",
    attachment: tuple[str, bytes, str] | None = None,
    whitelist: bool = False,
) -> DecisionOutcome:
    """Record a reviewer's decision on an open or escalated alert.

    Args:
        alert_id: the alert.
        status: ``confirmed``, ``false_positive`` or ``escalated``.
        reason: why (required, at least 3 characters).
        actor, channel: who decided and through what.
        attachment: optional ``(file name, bytes, media type)``, at most 10 MB.
        whitelist: with ``false_positive`` on a party hit: remember it for
            this counterparty and list entry.

    Raises:
        ReviewError: unknown alert (404), alert already closed (409), bad
            status, missing reason, attachment too large (413), whitelist
            not possible for this alert, the four-eyes rule (an admin's
            setting, :func:`dualuse.service.users.set_four_eyes`) and the
            actor opened the alert by their own screening (403). Applies to
            every channel: CLI, API and web.
    """
    if status not in DECISIONS:
        raise ReviewError(f"decision {status!r}: expected one of {', '.join(DECISIONS)}")
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON_CHARS:
        raise ReviewError("a reason is required (at least 3 characters)")
    if whitelist and status != "false_positive":
        raise ReviewError("only a false positive can be remembered in the whitelist")
    if attachment is not None and len(attachment[1]) > MAX_ATTACHMENT_BYTES:
        raise ReviewError(f"attachment {attachment[0]!r} is {len(attachment[1])} bytes; at most {MAX_ATTACHMENT_BYTES} are accepted", 413)
    from dualuse.service.users import FOUR_EYES_REFUSAL, four_eyes  # lazy: users must not import alerts in turn

    four_eyes_required = four_eyes(db)  # read before the write transaction
    info, screener = live_screener(db)
    with db.write() as session:
        alert = session.get(Alert, alert_id)
        if alert is None:
            raise ReviewError(f"no alert {alert_id}", 404)
        if alert.status not in OPEN_STATUSES:
            raise ReviewError(
                f"alert {alert_id} is closed already ({alert.status.replace('_', ' ')} by {alert.decided_by} at {alert.decided_at})", 409
            )
        if whitelist and not (alert.entry_id and alert.party_name is not None):
            raise ReviewError(f"alert {alert_id} is not about a party and a list entry; it cannot be whitelisted")
        if four_eyes_required and alert.opened_by == actor:
            raise ReviewError(FOUR_EYES_REFUSAL, 403)
        previous = alert.status
        attachment_info = None
        if attachment is not None:
            name, content, media_type = attachment
            digest = hashlib.sha256(content).hexdigest()
            if session.get(Attachment, digest) is None:
                session.add(Attachment(sha256=digest, size=len(content), media_type=(media_type or "application/octet-stream")[:100], content=content))
                session.flush()  # the alert row refers to it
            alert.attachment_sha256 = digest
            alert.attachment_name = name
            attachment_info = {"name": name, "sha256": digest, "size": len(content), "media_type": media_type}
        now = chain.utc_now()
        alert.status = status
        alert.decided_at = now
        alert.decided_by = actor[:200]
        alert.decision_reason = reason
        session.flush()
        record = chain.append(
            session,
            "alert_decision",
            actor,
            channel,
            {
                "alert_id": alert.id,
                "shipment_id": alert.shipment_id,
                "entry_id": alert.entry_id,
                "party": alert.party_name,
                "previous_status": previous,
                "status": status,
                "reason": reason,
                "attachment": attachment_info,
                "whitelist": whitelist,
            },
            subject=f"alert:{alert.id}",
        )
        alert.decided_seq = record.seq
        whitelist_id = None
        if whitelist:
            entry = screener.entries_by_id.get(alert.entry_id)  # type: ignore[attr-defined]
            current = screener.fingerprint(entry) if entry is not None else None
            row = _add_whitelist(
                session,
                party_name=alert.party_name or "",
                country=alert.party_country,
                entry_id=alert.entry_id,
                list_id=alert.list_id or "",
                entry_name=alert.entry_name or "",
                fingerprint=alert.fingerprint or "",
                current_fingerprint=current,
                reason=reason,
                actor=actor,
                channel=channel,
                alert_id=alert.id,
            )
            alert.whitelist_id = whitelist_id = row.id
        session.flush()
        final = None
        status_after = None
        if alert.shipment_id is not None:
            status_after = shipment_status(session, alert.shipment_id)
            if status_after == "final" and status in CLOSED_STATUSES:
                shipment = stored_shipment(session, alert.shipment_id)
                if shipment is not None:
                    final = record_screening(
                        session,
                        screener,
                        info,
                        shipment,
                        actor=actor,
                        channel="review",
                        as_of=_as_of_of(session, alert.shipment_id),
                        whitelist=whitelist_overrides(session),
                        trigger={"alert_id": alert.id, "reason": "all alerts of the shipment closed"},
                    )
                    status_after = final.status
        data = alert_dict(alert)
    return DecisionOutcome(alert=data, whitelist_id=whitelist_id, shipment_status=status_after, final=final)


def _as_of_of(session: Session, shipment_id: str):
    """The as-of date the shipment's latest screening used (``None`` = its own date)."""
    import datetime as dt

    row = session.get(ShipmentRow, shipment_id)
    if row is None:
        return None
    as_of = json.loads(row.decision).get("as_of")
    date = row.shipment_date
    return dt.date.fromisoformat(as_of) if as_of and as_of != date else None


# --- whitelist ------------------------------------------------------------------


def _whitelist_dict(row: WhitelistEntry) -> dict:
    return {
        "id": row.id,
        "status": row.status,
        "counterparty": row.counterparty_name,
        "country": row.country,
        "entry_id": row.entry_id,
        "list": row.list_id,
        "entry_name": row.entry_name,
        "fingerprint": row.fingerprint,
        "reason": row.reason,
        "alert_id": row.alert_id,
        "created_at": row.created_at,
        "created_by": row.created_by,
        "ended_at": row.ended_at,
        "ended_by": row.ended_by,
        "end_reason": row.end_reason,
    }


def _add_whitelist(
    session: Session,
    *,
    party_name: str,
    country: str | None,
    entry_id: str,
    list_id: str,
    entry_name: str,
    fingerprint: str,
    current_fingerprint: str | None,
    reason: str,
    actor: str,
    channel: str,
    alert_id: int | None,
) -> WhitelistEntry:
    key = counterparty_key(party_name, country)
    existing = session.scalar(
        select(WhitelistEntry).where(
            WhitelistEntry.status == "active",
            WhitelistEntry.counterparty_key_hash == hashlib.sha256(key.encode("utf-8")).hexdigest(),
            WhitelistEntry.entry_id == entry_id,
            WhitelistEntry.fingerprint == fingerprint,
        )
    )
    if existing is not None:
        return existing
    now = chain.utc_now()
    # an entry that is gone or has changed since the alert gives a whitelist entry that is lapsed from the start
    end_reason = (
        "the list entry is not in the live list version" if current_fingerprint is None
        else "the list entry changed since the alert was opened" if current_fingerprint != fingerprint else None
    )
    row = WhitelistEntry(
        counterparty_key_hash=hashlib.sha256(key.encode("utf-8")).hexdigest(),
        counterparty_key=key,
        counterparty_name=party_name,
        country=country,
        entry_id=entry_id,
        list_id=list_id,
        entry_name=entry_name,
        fingerprint=fingerprint,
        reason=reason,
        status="active" if end_reason is None else "lapsed",
        alert_id=alert_id,
        created_at=now,
        created_by=actor[:200],
        ended_at=None if end_reason is None else now,
        ended_by=None if end_reason is None else "dualuse",
        end_reason=end_reason,
    )
    session.add(row)
    session.flush()
    chain.append(
        session,
        "whitelist_add",
        actor,
        channel,
        {**_whitelist_dict(row), "counterparty_key": key},
        subject=f"whitelist:{row.id}",
    )
    return row


def add_whitelist(
    db: Database,
    *,
    reason: str,
    actor: str,
    channel: str = "cli",
    alert_id: int | None = None,
    party_name: str | None = None,
    country: str | None = None,
    entry_id: str | None = None,
) -> dict:
    """Whitelist a counterparty for a list entry: from a false-positive alert, or given directly.

    Args:
        reason: why the counterparty is not the entry (required).
        alert_id: a decided false-positive alert; or
        party_name, country, entry_id: the counterparty and the entry (of the live version).

    Raises:
        ReviewError: missing reason, unknown alert or entry, alert not a false positive.
    """
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON_CHARS:
        raise ReviewError("a reason is required (at least 3 characters)")
    info, screener = live_screener(db)
    with db.write() as session:
        if alert_id is not None:
            alert = session.get(Alert, alert_id)
            if alert is None:
                raise ReviewError(f"no alert {alert_id}", 404)
            if alert.status != "false_positive" or not alert.entry_id:
                raise ReviewError(f"alert {alert_id} is {alert.status.replace('_', ' ')}: only a party hit decided false positive can be whitelisted", 409)
            party_name, country, entry_id = alert.party_name or "", alert.party_country, alert.entry_id
            fingerprint = alert.fingerprint or ""
        else:
            if not party_name or not entry_id:
                raise ReviewError("give an alert id, or a party name and a list entry id")
            fingerprint = ""
        entry = screener.entries_by_id.get(entry_id)  # type: ignore[attr-defined]
        if entry is None:
            raise ReviewError(f"list entry {entry_id} is not in the live list version {info.version}", 404)
        current = screener.fingerprint(entry)
        row = _add_whitelist(
            session,
            party_name=party_name,
            country=(country or None),
            entry_id=entry_id,
            list_id=entry.list,
            entry_name=entry.name,
            fingerprint=fingerprint or current,
            current_fingerprint=current,
            reason=reason,
            actor=actor,
            channel=channel,
            alert_id=alert_id,
        )
        if alert_id is not None:
            session.get(Alert, alert_id).whitelist_id = row.id
        return _whitelist_dict(row)


def list_whitelist(db: Database, status: str = "active") -> list[dict]:
    """Whitelist entries (``active``, ``lapsed``, ``revoked`` or ``all``), newest first.

    Raises:
        ReviewError: unknown status.
    """
    if status not in ("active", "lapsed", "revoked", "all"):
        raise ReviewError(f"status {status!r}: expected active, lapsed, revoked or all")
    with db.read() as session:
        query = select(WhitelistEntry).order_by(WhitelistEntry.id.desc())
        if status != "all":
            query = query.where(WhitelistEntry.status == status)
        return [_whitelist_dict(row) for row in session.scalars(query)]


def revoke_whitelist(db: Database, whitelist_id: int, reason: str, actor: str, channel: str = "cli") -> dict:
    """Withdraw an active whitelist entry (it is kept, marked ``revoked``).

    Raises:
        ReviewError: unknown entry (404), not active (409), missing reason.
    """
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON_CHARS:
        raise ReviewError("a reason is required (at least 3 characters)")
    with db.write() as session:
        row = session.get(WhitelistEntry, whitelist_id)
        if row is None:
            raise ReviewError(f"no whitelist entry {whitelist_id}", 404)
        if row.status != "active":
            raise ReviewError(f"whitelist entry {whitelist_id} is {row.status} already", 409)
        row.status = "revoked"
        row.ended_at = chain.utc_now()
        row.ended_by = actor[:200]
        row.end_reason = reason
        session.flush()
        chain.append(session, "whitelist_revoke", actor, channel, _whitelist_dict(row), subject=f"whitelist:{row.id}")
        return _whitelist_dict(row)


def lapse_whitelist(session: Session, fingerprints: dict[str, tuple[str, str, str]], version: str, actor: str) -> list[dict]:
    """Mark active whitelist entries whose list entry changed or disappeared as ``lapsed``.

    Args:
        fingerprints: ``{entry id: (list, name, fingerprint)}`` of the new version.
        version: the new version string (named in the end reason).

    Returns:
        The lapsed entries (each also an audit record ``whitelist_lapse``).
    """
    lapsed = []
    now = chain.utc_now()
    for row in session.scalars(select(WhitelistEntry).where(WhitelistEntry.status == "active")).all():
        current = fingerprints.get(row.entry_id)
        if current is not None and current[2] == row.fingerprint:
            continue
        row.status = "lapsed"
        row.ended_at = now
        row.ended_by = actor[:200]
        row.end_reason = (
            f"list entry {row.entry_id} removed in list version {version}" if current is None
            else f"list entry {row.entry_id} changed in list version {version}"
        )
        session.flush()
        chain.append(session, "whitelist_lapse", actor, "list-update", _whitelist_dict(row), subject=f"whitelist:{row.id}")
        lapsed.append(_whitelist_dict(row))
    return lapsed


def shipment_view(db: Database, shipment_id: str) -> dict:
    """A shipment's latest decision, status (``final``/``pending_review``) and alerts.

    Raises:
        ReviewError: unknown shipment (404).
    """
    with db.read() as session:
        row = session.get(ShipmentRow, shipment_id)
        if row is None:
            raise ReviewError(f"no screened shipment {shipment_id!r}", 404)
        alerts = [alert_dict(a) for a in session.scalars(select(Alert).where(Alert.shipment_id == shipment_id).order_by(Alert.id))]
        return {
            "shipment_id": row.shipment_id,
            "date": row.shipment_date,
            "verdict": row.verdict,
            "status": shipment_status(session, shipment_id),
            "latest_record": row.latest_seq,
            "data_version": row.data_version,
            "first_screened_at": row.first_screened_at,
            "last_screened_at": row.last_screened_at,
            "decision": json.loads(row.decision),
            "alerts": alerts,
        }


def list_shipments(db: Database, status: str | None = None, limit: int = 100, offset: int = 0) -> list[dict]:
    """Screened shipments, most recently screened first, with status.

    Raises:
        ReviewError: unknown status filter.
    """
    if status not in (None, "final", "pending_review"):
        raise ReviewError(f"status {status!r}: expected final or pending_review")
    with db.read() as session:
        out = []
        pending = set(session.scalars(select(Alert.shipment_id).where(Alert.status.in_(OPEN_STATUSES), Alert.shipment_id.is_not(None))))
        query = select(ShipmentRow.shipment_id, ShipmentRow.shipment_date, ShipmentRow.verdict, ShipmentRow.last_screened_at, ShipmentRow.data_version)
        if status == "pending_review":
            query = query.where(ShipmentRow.shipment_id.in_(pending or {""}))
        elif status == "final":
            query = query.where(ShipmentRow.shipment_id.not_in(pending or {""}))
        for shipment_id, date, verdict, last, version in session.execute(query.order_by(ShipmentRow.last_screened_at.desc()).limit(limit).offset(offset)):
            out.append(
                {"shipment_id": shipment_id, "date": date, "verdict": verdict, "status": "pending_review" if shipment_id in pending else "final", "last_screened_at": last, "data_version": version}
            )
        return out


__all__ = [
    "DECISIONS",
    "DecisionOutcome",
    "ReviewError",
    "add_whitelist",
    "decide_alert",
    "decide_where",
    "get_alert",
    "lapse_whitelist",
    "list_alerts",
    "list_whitelist",
    "revoke_whitelist",
    "shipment_view",
    "versions",
]
