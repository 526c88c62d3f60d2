"""The append-only, hash-chained audit record.

Every record carries a contiguous sequence number and

    hash = sha256(canonical JSON of {seq, record_id, kind, created_at, actor,
                  channel, subject, verdict, data_version, rules_version,
                  payload, prev_hash})

where ``prev_hash`` is the previous record's hash (64 zeros for the first).
The head row (``audit_head``) keeps the last seq and hash. So:

* an **edited** record no longer matches its own hash (or, if its hash was
  recomputed too, the next record's ``prev_hash`` no longer matches it);
* a **deleted** record leaves a gap in the sequence (and a broken link);
  deleting the last records leaves the head pointing past the chain;
* rewriting the whole tail consistently is only detectable against a head
  recorded elsewhere: :func:`verify` accepts an expected ``(seq, hash)``
  (``dualuse audit verify --expect-head SEQ:HASH``).

Records are never updated or deleted by the application; database triggers
refuse UPDATE and DELETE on ``audit_records``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dualuse.storage.models import Alert, AuditHead, AuditRecord, ShipmentRow

GENESIS = "0" * 64
HASHED_FIELDS = (
    "seq",
    "record_id",
    "kind",
    "created_at",
    "actor",
    "channel",
    "subject",
    "verdict",
    "data_version",
    "rules_version",
    "payload",
    "prev_hash",
)


def utc_now() -> str:
    """The current time as stored: ``2026-11-29T10:14:31.123456Z``."""
    return dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical_json(value: Any) -> str:
    """JSON with sorted keys, no spaces, UTF-8 characters kept; dates as ISO strings."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=_default)


def _default(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def record_hash(fields: dict[str, Any]) -> str:
    """sha256 (hex) of the canonical JSON of the hashed fields of a record."""
    body = {name: fields.get(name) for name in HASHED_FIELDS}
    return hashlib.sha256(canonical_json(body).encode("utf-8")).hexdigest()


def _fields(record: AuditRecord) -> dict[str, Any]:
    return {name: getattr(record, name) for name in HASHED_FIELDS}


def append(
    session: Session,
    kind: str,
    actor: str,
    channel: str,
    payload: dict[str, Any],
    subject: str | None = None,
    verdict: str | None = None,
    data_version: str | None = None,
    rules_version: str | None = None,
) -> AuditRecord:
    """Append one record to the chain inside the caller's (write) transaction.

    Args:
        session: a session from :meth:`Database.write`.
        kind: ``screening``, ``alert_decision``, ``whitelist_add``,
            ``whitelist_revoke``, ``whitelist_lapse``, ``list_update``,
            ``key_create``, ``key_revoke`` ...
        actor: who asked (user name or ``key:<prefix>:<name>``).
        channel: ``cli``, ``api``, ``api-batch``, ``rescreen``, ``review`` ...
        payload: JSON-serialisable content (stored as canonical JSON).
        subject: what the record is about (shipment id, ``alert:12`` ...).
        verdict, data_version, rules_version: for screenings.

    Returns:
        The new record (flushed; ``seq`` and ``hash`` set).
    """
    head = session.execute(select(AuditHead).where(AuditHead.id == 1).with_for_update()).scalar_one_or_none()
    if head is None:  # pragma: no cover - the migration creates it
        head = AuditHead(id=1, seq=0, hash=GENESIS)
        session.add(head)
    fields = {
        "seq": head.seq + 1,
        "record_id": str(uuid.uuid4()),
        "kind": kind,
        "created_at": utc_now(),
        "actor": actor[:200],
        "channel": channel[:40],
        "subject": subject[:300] if subject else subject,
        "verdict": verdict,
        "data_version": data_version,
        "rules_version": rules_version,
        "payload": canonical_json(payload),
        "prev_hash": head.hash,
    }
    fields["hash"] = record_hash(fields)
    record = AuditRecord(**fields)
    session.add(record)
    head.seq = record.seq
    head.hash = record.hash
    session.flush()
    return record


@dataclass(frozen=True)
class AuditProblem:
    """One finding of :func:`verify`.

    Attributes:
        kind: ``altered`` (content does not match its hash), ``missing``
            (deleted records), ``link`` (the previous-hash link is broken),
            ``head`` (the chain head disagrees with the last record),
            ``anchor`` (the head differs from the expected one).
        seq: the record concerned (first of a range for ``missing``).
        last_seq: last record of a ``missing`` range.
        message: what is wrong, naming the record(s).
    """

    kind: str
    seq: int
    message: str
    last_seq: int | None = None


@dataclass
class VerifyReport:
    """The result of :func:`verify`.

    Attributes:
        records: how many records were read.
        head_seq, head_hash: the stored chain head.
        problems: everything found; empty means the chain is intact.
    """

    records: int = 0
    head_seq: int = 0
    head_hash: str = GENESIS
    problems: list[AuditProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when no problem was found."""
        return not self.problems


def _describe(record: AuditRecord) -> str:
    what = f"{record.kind}"
    if record.subject:
        what += f" of {record.subject}"
    return f"record {record.seq} ({what}, by {record.actor} at {record.created_at})"


def _references(session: Session, first: int, last: int) -> str:
    """What still points at deleted records (latest screenings, alerts)."""
    names: list[str] = []
    for shipment_id in session.scalars(select(ShipmentRow.shipment_id).where(ShipmentRow.latest_seq.between(first, last)).limit(5)):
        names.append(f"latest screening of shipment {shipment_id}")
    for alert_id, opened in session.execute(select(Alert.id, Alert.opened_seq).where(Alert.opened_seq.between(first, last)).limit(5)):
        names.append(f"screening that opened alert {alert_id} (record {opened})")
    for alert_id, decided in session.execute(select(Alert.id, Alert.decided_seq).where(Alert.decided_seq.between(first, last)).limit(5)):
        names.append(f"decision on alert {alert_id} (record {decided})")
    return f"; it held: {', '.join(names)}" if names else ""


def verify(session: Session, expect_head: tuple[int, str] | None = None, batch: int = 2000) -> VerifyReport:
    """Check every record's hash, the sequence, the links and the head.

    Args:
        session: a read session.
        expect_head: ``(seq, hash)`` recorded elsewhere earlier: the chain
            must still contain that record with that hash.
        batch: records read per query.

    Returns:
        A :class:`VerifyReport`; each problem names the record(s) concerned.
    """
    report = VerifyReport()
    head = session.get(AuditHead, 1)
    report.head_seq = head.seq if head else 0
    report.head_hash = head.hash if head else GENESIS
    expected_seq, prev_hash = 1, GENESIS
    last_seq, last_hash = 0, GENESIS
    anchor_seen = expect_head is None or expect_head[0] == 0
    cursor = 0
    while True:
        rows = session.scalars(select(AuditRecord).where(AuditRecord.seq > cursor).order_by(AuditRecord.seq).limit(batch)).all()
        if not rows:
            break
        for record in rows:
            report.records += 1
            gap = record.seq != expected_seq
            if gap:
                first, last = expected_seq, record.seq - 1
                span = f"record {first}" if first == last else f"records {first}-{last}"
                report.problems.append(
                    AuditProblem("missing", first, f"{span} deleted: the sequence jumps from {first - 1} to {record.seq}{_references(session, first, last)}", last)
                )
            actual = record_hash(_fields(record))
            if actual != record.hash:
                report.problems.append(
                    AuditProblem("altered", record.seq, f"{_describe(record)} was altered: its content does not match its hash")
                )
            elif record.prev_hash != prev_hash and not gap:
                report.problems.append(
                    AuditProblem(
                        "link",
                        record.seq - 1,
                        f"record {record.seq - 1} was altered or replaced: record {record.seq} links to a different previous hash",
                    )
                )
            if expect_head is not None and record.seq == expect_head[0]:
                anchor_seen = True
                if record.hash != expect_head[1]:
                    report.problems.append(
                        AuditProblem("anchor", record.seq, f"{_describe(record)} differs from the head recorded earlier ({expect_head[1][:16]}…): the chain was rewritten from there on or before")
                    )
            prev_hash = record.hash
            expected_seq = record.seq + 1
            last_seq, last_hash = record.seq, record.hash
        cursor = rows[-1].seq
    if report.head_seq > last_seq:
        first, last = last_seq + 1, report.head_seq
        span = f"record {first}" if first == last else f"records {first}-{last}"
        report.problems.append(AuditProblem("missing", first, f"{span} deleted from the end of the chain (the head says {report.head_seq}){_references(session, first, last)}", last))
    elif report.head_seq < last_seq:
        report.problems.append(AuditProblem("head", report.head_seq + 1, f"records {report.head_seq + 1}-{last_seq} were added outside dualuse (the head says {report.head_seq})"))
    elif last_seq and report.head_hash != last_hash:
        report.problems.append(AuditProblem("head", last_seq, f"record {last_seq} was altered or replaced: the chain head holds a different hash"))
    if not anchor_seen:
        report.problems.append(AuditProblem("anchor", expect_head[0], f"record {expect_head[0]}, recorded earlier as the head, is no longer in the chain"))
    return report


def count(session: Session) -> int:
    """Number of stored records."""
    return session.scalar(select(func.count()).select_from(AuditRecord)) or 0
