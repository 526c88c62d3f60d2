"""Screening with records: screen against the live list version, keep the record, open alerts.

:func:`screen_and_record` is the one path every screening takes (CLI, API,
batch, re-screening after a list update, the final re-screening after
review):

1. the live list version's :class:`~dualuse.decision.screen.Screener` screens
   the shipment, with the reviewer overrides that apply: active whitelist
   entries, and the decided alerts of this shipment (a false positive stays
   dismissed, a confirmed match stays a match) - each only while the list
   entry's fingerprint is unchanged;
2. an audit record (kind ``screening``) keeps the input, the full decision
   (reasons, hits, versions), the overrides applied, who asked, when and
   through which channel;
3. the shipment's latest state, its parties (as stored counterparties) and
   hits are updated;
4. alerts are opened (at most once per shipment, party, entry and entry
   fingerprint): one per hit below certainty or other party hit behind a
   ``REVIEW`` reason, one for the remaining ``REVIEW`` reasons, and - after
   a list update - one per new hit on a changed entry.

A shipment's decision is *final* when it has no open (or escalated) alerts.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from dualuse.decision.overrides import HitOverrides, counterparty_key
from dualuse.decision.screen import Screener
from dualuse.models.decision import Decision, Hit
from dualuse.models.reference import ListEntry
from dualuse.models.shipment import Shipment
from dualuse.service import versions
from dualuse.service.counterparties import key_hash, upsert
from dualuse.storage import chain
from dualuse.storage.db import Database
from dualuse.storage.models import Alert, Counterparty, ShipmentHit, ShipmentParty, ShipmentRow, WhitelistEntry

OPEN_STATUSES = ("open", "escalated")
CLOSED_STATUSES = ("confirmed", "false_positive")
HIT_ALERT_KINDS = ("possible_match", "review_hit", "list_change", "counterparty_list_change")


@dataclass
class ScreeningResult:
    """The outcome of screening (and recording) one shipment.

    Attributes:
        shipment_id: the shipment id.
        decision: the engine's decision (with overrides applied).
        record_seq: the audit record's seq (``None`` when not recorded).
        status: ``final`` or ``pending_review`` (``unrecorded`` when not recorded).
        alerts_opened: ids of alerts this screening opened.
        open_alerts: ids of the shipment's alerts still open afterwards.
    """

    shipment_id: str
    decision: Decision
    record_seq: int | None = None
    status: str = "unrecorded"
    alerts_opened: list[int] = field(default_factory=list)
    open_alerts: list[int] = field(default_factory=list)


# --- screeners per list version -------------------------------------------------

_SCREENERS: dict[str, Screener] = {}
_SCREENER_LOCK = threading.Lock()


def screener_for(db: Database, info: versions.VersionInfo) -> Screener:
    """The :class:`Screener` of a stored version (built once per process and version)."""
    with _SCREENER_LOCK:
        found = _SCREENERS.get(info.version)
        if found is None:
            directory = versions.materialize(db, info)
            found = Screener(data_dir=directory)
            found.entries_by_id = {entry.id: entry for entry in found.entries}  # type: ignore[attr-defined]
            if len(_SCREENERS) >= 3:
                _SCREENERS.pop(next(iter(_SCREENERS)))
            _SCREENERS[info.version] = found
        return found


def live_screener(db: Database) -> tuple[versions.VersionInfo, Screener]:
    """The live version and its screener (the version read once per change: :func:`versions.live_for_screening`)."""
    info = versions.live_for_screening(db)
    return info, screener_for(db, info)


# --- overrides ------------------------------------------------------------------


def whitelist_overrides(session: Session) -> dict[tuple[str, str, str], str]:
    """``{(counterparty key, entry id, fingerprint): "whitelist #N"}`` of the active whitelist."""
    return {
        (row.counterparty_key, row.entry_id, row.fingerprint): f"whitelist #{row.id}"
        for row in session.scalars(select(WhitelistEntry).where(WhitelistEntry.status == "active"))
    }


def shipment_overrides(session: Session, shipment_id: str) -> tuple[dict, dict]:
    """Suppress/confirm keys from the shipment's own decided hit alerts."""
    suppress: dict[tuple[str, str, str], str] = {}
    confirm: dict[tuple[str, str, str], str] = {}
    rows = session.scalars(
        select(Alert).where(Alert.shipment_id == shipment_id, Alert.status.in_(CLOSED_STATUSES), Alert.entry_id.is_not(None))
    )
    for alert in rows:
        key = (counterparty_key(alert.party_name or "", alert.party_country), alert.entry_id, alert.fingerprint)
        target = suppress if alert.status == "false_positive" else confirm
        target[key] = f"alert #{alert.id} ({alert.status.replace('_', ' ')})"
    return suppress, confirm


# --- alerts from a decision -----------------------------------------------------


@dataclass
class AlertSpec:
    """An alert to open (before dedupe)."""

    kind: str
    dedupe: str
    role: str | None = None
    party_index: int = 0
    party_name: str | None = None
    party_country: str | None = None
    entry_id: str | None = None
    list_id: str | None = None
    entry_name: str | None = None
    fingerprint: str | None = None
    score: float | None = None
    hit_decision: str | None = None
    details: dict = field(default_factory=dict)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _party(shipment: Shipment, role: str, index: int):
    for r, i, party in shipment.parties():
        if r == role and i == index:
            return party
    return None


def hit_dedupe(shipment_id: str, role: str, index: int, name: str, country: str | None, entry_id: str, fingerprint: str) -> str:
    """Dedupe key of a hit alert: one per shipment, party, entry and entry fingerprint."""
    return _digest(f"hit|{shipment_id}|{role}|{index}|{counterparty_key(name, country)}|{entry_id}|{fingerprint}")


def alert_specs(
    shipment: Shipment,
    decision: Decision,
    entries: dict[str, ListEntry],
    fingerprint,
    changed: set[str] | None = None,
) -> list[AlertSpec]:
    """The alerts a decision calls for.

    Args:
        shipment: the screened shipment.
        decision: its decision.
        entries: ``{entry id: entry}`` of the version screened against.
        fingerprint: entry -> fingerprint.
        changed: ids of entries added or changed by a list update; hits on
            them open ``list_change`` alerts when no other alert covers them.
    """
    specs: list[AlertSpec] = []
    covered: set[tuple[str, int, str]] = set()

    def hit_spec(kind: str, hit: Hit, reasons: list) -> AlertSpec | None:
        entry = entries.get(hit.entry_id)
        party = _party(shipment, hit.role, hit.party_index)
        if entry is None or party is None:
            return None
        print_ = fingerprint(entry)
        covered.add((hit.role, hit.party_index, hit.entry_id))
        return AlertSpec(
            kind=kind,
            dedupe=hit_dedupe(shipment.id, hit.role, hit.party_index, party.name, party.country, entry.id, print_),
            role=hit.role,
            party_index=hit.party_index,
            party_name=party.name,
            party_country=party.country,
            entry_id=entry.id,
            list_id=entry.list,
            entry_name=entry.name,
            fingerprint=print_,
            score=hit.score,
            hit_decision=hit.decision,
            details={
                "query": hit.query,
                "matched_form": hit.matched_form,
                "explanation": hit.explanation,
                "status": hit.status,
                "listing": hit.listing,
                "reasons": [{"rule_id": r.rule_id, "verdict": r.verdict, "text_en": r.text_en, "line": r.line} for r in reasons],
            },
        )

    review = [r for r in decision.reasons if r.verdict == "REVIEW"]
    by_party: dict[tuple[str, str], list] = {}
    other = []
    for reason in review:
        if reason.role and reason.entry_id:
            by_party.setdefault((reason.role, reason.entry_id), []).append(reason)
        else:
            other.append(reason)
    for (role, entry_id), reasons in by_party.items():
        hits = [h for h in decision.hits if h.role == role and h.entry_id == entry_id]
        made = [s for s in (hit_spec("possible_match" if h.decision == "possible" else "review_hit", h, reasons) for h in hits) if s]
        if made:
            specs.extend(made)
        else:
            other.extend(reasons)
    if other:
        parts = sorted({f"{r.rule_id}|{r.line}|{r.role}|{r.entry_id}" for r in other})
        specs.append(
            AlertSpec(
                kind="review",
                dedupe=_digest(f"review|{shipment.id}|{'/'.join(parts)}"),
                details={
                    "reasons": [
                        {"rule_id": r.rule_id, "verdict": r.verdict, "text_en": r.text_en, "text_zh": r.text_zh, "line": r.line, "role": r.role, "entry_id": r.entry_id}
                        for r in other
                    ]
                },
            )
        )
    if changed:
        for hit in decision.hits:
            if hit.entry_id in changed and hit.decision in ("match", "possible") and (hit.role, hit.party_index, hit.entry_id) not in covered:
                reasons = [r for r in decision.reasons if r.role == hit.role and r.entry_id == hit.entry_id]
                spec = hit_spec("list_change", hit, reasons)
                if spec is not None:
                    specs.append(spec)
    return specs


def open_alerts(
    session: Session,
    specs: Iterable[AlertSpec],
    *,
    shipment_id: str | None,
    counterparties: dict[tuple[str, int], int],
    verdict: str | None,
    data_version: str,
    record_seq: int,
    actor: str,
    now: str,
) -> list[int]:
    """Insert the alerts not opened before (same dedupe key, any status); return the new ids."""
    opened: list[int] = []
    for spec in specs:
        if session.scalar(select(Alert.id).where(Alert.dedupe_key == spec.dedupe).limit(1)) is not None:
            continue
        alert = Alert(
            kind=spec.kind,
            status="open",
            dedupe_key=spec.dedupe,
            shipment_id=shipment_id,
            counterparty_id=counterparties.get((spec.role, spec.party_index)) if spec.role else None,
            role=spec.role,
            party_index=spec.party_index,
            party_name=spec.party_name,
            party_country=spec.party_country,
            entry_id=spec.entry_id,
            list_id=spec.list_id,
            entry_name=spec.entry_name,
            fingerprint=spec.fingerprint,
            score=spec.score,
            hit_decision=spec.hit_decision,
            verdict=verdict,
            details=chain.canonical_json(spec.details),
            data_version=data_version,
            opened_seq=record_seq,
            opened_at=now,
            opened_by=actor[:200],
        )
        session.add(alert)
        session.flush()
        opened.append(alert.id)
    return opened


def open_alert_ids(session: Session, shipment_id: str) -> list[int]:
    """Ids of the shipment's alerts that are open or escalated."""
    return list(
        session.scalars(select(Alert.id).where(Alert.shipment_id == shipment_id, Alert.status.in_(OPEN_STATUSES)).order_by(Alert.id))
    )


def shipment_status(session: Session, shipment_id: str) -> str:
    """``final`` when the shipment has no open or escalated alert, else ``pending_review``."""
    count = session.scalar(
        select(func.count()).select_from(Alert).where(Alert.shipment_id == shipment_id, Alert.status.in_(OPEN_STATUSES))
    )
    return "pending_review" if count else "final"


# --- the one screening path -------------------------------------------------------


def record_screening(
    session: Session,
    screener: Screener,
    info: versions.VersionInfo,
    shipment: Shipment,
    *,
    actor: str,
    channel: str,
    as_of: dt.date | None = None,
    whitelist: dict | None = None,
    changed: set[str] | None = None,
    trigger: dict | None = None,
    screened: tuple | None = None,
) -> ScreeningResult:
    """Screen one shipment and record it inside the caller's write transaction (see module docstring).

    ``screened`` is ``(decision, applied overrides, suppress, confirm)`` when a worker process already
    screened the shipment with those overrides (batch runs): it is recorded as it is when the overrides
    read here, inside the transaction, are still the same; otherwise the shipment is screened again here.
    """
    now = chain.utc_now()
    suppress, confirm = shipment_overrides(session, shipment.id)
    overrides = HitOverrides(suppress={**(whitelist or {}), **suppress}, confirm=confirm)
    if screened is not None and screened[2] == overrides.suppress and screened[3] == overrides.confirm:
        decision = screened[0]
        overrides.applied.extend(screened[1])
    else:
        decision = screener.screen(shipment, as_of, overrides)
    payload = {
        "input": shipment.model_dump(mode="json"),
        "decision": decision.model_dump(mode="json"),
        "as_of": as_of.isoformat() if as_of else None,
        "list_version_seq": info.seq,
        "overrides_applied": [
            {"action": a.action, "role": a.role, "index": a.index, "party": a.party_name, "entry_id": a.entry_id, "fingerprint": a.fingerprint, "by": a.label}
            for a in overrides.applied
        ],
    }
    if trigger:
        payload["trigger"] = trigger
    record = chain.append(
        session,
        "screening",
        actor,
        channel,
        payload,
        subject=shipment.id,
        verdict=decision.verdict,
        data_version=decision.data_version,
        rules_version=decision.rules_version,
    )
    existing = session.get(ShipmentRow, shipment.id)
    input_json = chain.canonical_json(payload["input"])
    decision_json = chain.canonical_json(payload["decision"])
    if existing is None:
        session.add(
            ShipmentRow(
                shipment_id=shipment.id,
                shipment_date=shipment.date.isoformat(),
                verdict=decision.verdict,
                latest_seq=record.seq,
                data_version=decision.data_version,
                input=input_json,
                decision=decision_json,
                first_screened_at=now,
                last_screened_at=now,
            )
        )
    else:
        existing.shipment_date = shipment.date.isoformat()
        existing.verdict = decision.verdict
        existing.latest_seq = record.seq
        existing.data_version = decision.data_version
        existing.input = input_json
        existing.decision = decision_json
        existing.last_screened_at = now
        session.execute(delete(ShipmentParty).where(ShipmentParty.shipment_id == shipment.id))
        session.execute(delete(ShipmentHit).where(ShipmentHit.shipment_id == shipment.id))
    session.flush()
    counterparties: dict[tuple[str, int], int] = {}
    cache: dict = {}
    parties = list(shipment.parties())
    digests = {key_hash(counterparty_key(party.name, party.country)) for _, _, party in parties}
    # the shipment's known counterparties in one query (upsert takes them from the cache)
    for known in session.scalars(select(Counterparty).where(Counterparty.key_hash.in_(sorted(digests)))):
        cache[known.key_hash] = known
    with session.no_autoflush:  # looking a counterparty up need not first write the party rows added so far
        for role, index, party in parties:
            row = upsert(session, party.name, party.country, now, cache)
            counterparties[(role, index)] = row.id
            session.add(ShipmentParty(shipment_id=shipment.id, role=role, party_index=index, counterparty_id=row.id))
    entries = screener.entries_by_id  # type: ignore[attr-defined]
    seen_hits: set[tuple[str, int, str]] = set()
    for hit in decision.hits:
        key = (hit.role, hit.party_index, hit.entry_id)
        if key in seen_hits:
            continue
        seen_hits.add(key)
        entry = entries.get(hit.entry_id)
        session.add(
            ShipmentHit(
                shipment_id=shipment.id,
                role=hit.role,
                party_index=hit.party_index,
                entry_id=hit.entry_id,
                decision=hit.decision,
                fingerprint=screener.fingerprint(entry) if entry is not None else None,
            )
        )
    session.flush()
    specs = alert_specs(shipment, decision, entries, screener.fingerprint, changed)
    opened = open_alerts(
        session,
        specs,
        shipment_id=shipment.id,
        counterparties=counterparties,
        verdict=decision.verdict,
        data_version=decision.data_version,
        record_seq=record.seq,
        actor=actor,
        now=now,
    )
    still_open = open_alert_ids(session, shipment.id)
    return ScreeningResult(
        shipment_id=shipment.id,
        decision=decision,
        record_seq=record.seq,
        status="pending_review" if still_open else "final",
        alerts_opened=opened,
        open_alerts=still_open,
    )


def screen_and_record(
    db: Database,
    shipments: Sequence[Shipment],
    *,
    actor: str,
    channel: str,
    as_of: dt.date | None = None,
    record: bool = True,
    progress=None,
) -> list[ScreeningResult]:
    """Screen shipments against the live list version and record each (one transaction per shipment).

    Args:
        db: the compliance database.
        shipments: validated shipments.
        actor: who asked (user or API key label).
        channel: ``cli``, ``api``, ``api-batch`` ...
        as_of: evaluate at this date instead of each shipment's date.
        record: False to screen without keeping a record (nothing is written).
        progress: optional callable, called once per shipment screened.

    Returns:
        One :class:`ScreeningResult` per shipment, in input order.
    """
    info, screener = live_screener(db)
    results: list[ScreeningResult] = []
    if not record:
        with db.read() as session:
            whitelist = whitelist_overrides(session)
            for shipment in shipments:
                suppress, confirm = shipment_overrides(session, shipment.id)
                overrides = HitOverrides(suppress={**whitelist, **suppress}, confirm=confirm)
                results.append(ScreeningResult(shipment.id, screener.screen(shipment, as_of, overrides)))
                if progress:
                    progress()
        return results
    with db.read() as session:
        whitelist = whitelist_overrides(session)
    for shipment in shipments:
        with db.write() as session:
            results.append(record_screening(session, screener, info, shipment, actor=actor, channel=channel, as_of=as_of, whitelist=whitelist))
        if progress:
            progress()
    return results


def stored_shipment(session: Session, shipment_id: str) -> Shipment | None:
    """The latest input stored for a shipment id."""
    row = session.get(ShipmentRow, shipment_id)
    return Shipment.model_validate_json(row.input) if row is not None else None


__all__ = [
    "ScreeningResult",
    "alert_specs",
    "key_hash",
    "live_screener",
    "record_screening",
    "screen_and_record",
    "screener_for",
    "shipment_status",
]
