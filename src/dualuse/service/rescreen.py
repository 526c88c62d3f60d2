"""Re-screen stored counterparties and shipments against only what a list update changed.

After an update, new hits can only come from entries that were added or
changed. Instead of running the matcher over every stored counterparty:

1. **Blocking** (:class:`ChangeBlocker`): the changed entries' name forms
   (with the matcher's learnt cross-script forms) are analysed as the
   matcher analyses them and indexed by token text, loose key, trigrams of
   long Latin words, prefixes (abbreviations), acronyms and compact key. A stored
   counterparty is a candidate when its stored keys reach at least
   :data:`COVERAGE` of the weight of some changed variant's tokens (or its
   compact key). The matcher scores a name by a weighted Dice coefficient
   over aligned tokens, so a name that reaches less than half of an entry's
   weight cannot score near the review threshold (0.72); the margin covers
   typos (trigrams), acronyms and country adjustments.
2. **Matching**: each candidate is matched with the new version's full
   matcher (same thresholds and explanations as any screening); results on
   changed entries are the new hits.
3. **Shipments**: the open or recent shipments of those counterparties, and
   those whose last decision hit a changed or removed entry (every open or
   recent shipment when an item or rule changed status), are screened
   again (as of today, or their own later date) and recorded; new hits on
   changed entries open ``list_change`` alerts.
4. **Counterparties** with a new hit and no open or recent shipment get a
   ``counterparty_list_change`` alert.

A shipment is *open* while it has open or escalated alerts, and *recent*
when its date or its last screening lies within ``recent_days`` (default 90).
"""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select, update

from dualuse.decision.overrides import counterparty_key
from dualuse.matching.analyze import Token, analyze
from dualuse.models.reference import ListEntry
from dualuse.models.shipment import Shipment
from dualuse.service import versions
from dualuse.service.counterparties import (
    ABBREVIATION_MAX,
    ABBREVIATION_MIN,
    ACRONYM_MAX,
    ACRONYM_MIN,
    KANA_TRIGRAM_MIN,
    KEY_SEPARATOR,
    TRIGRAM_MIN,
    blocking_keys,
    keys_version,
    trigrams,
)
from dualuse.service.diff import VersionDiff
from dualuse.service.screening import (
    OPEN_STATUSES,
    AlertSpec,
    _digest,
    open_alerts,
    record_screening,
    screener_for,
    whitelist_overrides,
)
from dualuse.storage import chain
from dualuse.storage.db import Database
from dualuse.storage.models import Alert, Counterparty, ShipmentHit, ShipmentParty, ShipmentRow

COVERAGE = 0.5
NAME_MATCHES = ("match", "possible")  # not "related" (a parent or subsidiary of a matched entry)
TYPO_TRIGRAMS = 3  # trigrams a one-letter edit can change
SINGLE_TRIGRAM_CREDIT = 0.5
RECENT_DAYS = 90
PAGE = 5000


def token_keys(token: Token) -> dict[str, float]:
    """The keys under which a changed entry's token is posted, with the credit each gives.

    The token's text, loose key and prefixes (abbreviations) give full
    credit. A one-letter typo changes at most three trigrams, so each shared
    trigram gives ``1 / (number of trigrams - 3)``: a word with one typo
    earns full credit, a word sharing one trigram out of ten a seventh (and
    a single shared trigram never more than half, see :meth:`ChangeBlocker.is_candidate`).
    """
    keys = {token.text: 1.0, "~" + token.loose: 1.0}
    grams: list[str] = []
    if token.kind == "kana" and len(token.loose) >= KANA_TRIGRAM_MIN:
        grams = trigrams(token.loose)
    if token.kind == "word":
        if len(token.loose) >= TRIGRAM_MIN:
            grams = trigrams(token.loose)
        if token.text.isalpha():
            for k in range(ABBREVIATION_MIN, ABBREVIATION_MAX + 1):
                if len(token.text) > k:
                    keys["^" + token.text[:k]] = 1.0
            if ABBREVIATION_MIN <= len(token.text) <= ABBREVIATION_MAX:
                keys["^" + token.text] = 1.0
    distinct = set(grams)
    for gram in distinct:
        keys.setdefault("#" + gram, 1.0 / max(1, len(distinct) - TYPO_TRIGRAMS))
    return keys


def _unit_words(entry_id: str) -> list[str]:
    """The unit kinds ("基地", "航空団") and named units ("ブルーインパルス") the matcher resolves to this entry.

    A name such as 小松基地 or ブルーインパルス is a match on its service
    through ``military_units.yaml`` without sharing a word with the
    service's own names, so it must reach the blocker through these words.
    """
    from dualuse.matching.matcher import military_units

    units = military_units()
    return [word for word, target in units.kinds if target == entry_id] + [word for word, target in units.named.items() if target == entry_id]


def _entry_forms(matcher, entry: ListEntry) -> list[str]:
    """Every written form the matcher indexes for an entry, learnt cross-script forms and unit words included."""
    values = [form.value for form in entry.names] + _unit_words(entry.id)
    try:  # the alias layer derives forms like "NEC网络传感器" from "日本电气网络传感器"
        from dualuse.matching.aliases import derived_forms
        from dualuse.matching.records import NameRecord

        values += [value for value, _ in derived_forms(NameRecord.from_entry(entry), matcher.index.aliases)]
    except (ImportError, AttributeError):  # pragma: no cover - an older matcher without the alias layer
        pass
    return values


class ChangeBlocker:
    """Finds the stored names that could match any of a set of entries.

    Args:
        matcher: the new version's :class:`~dualuse.matching.matcher.Matcher`
            (its token weights are used, so rare words count more than
            generic ones exactly as in matching).
        entries: the added and changed entries (and their reference-list twins).
        coverage: share of a variant's token weight a name must reach.
    """

    def __init__(self, matcher, entries: list[ListEntry], coverage: float = COVERAGE):
        self.coverage = coverage
        self.postings: dict[str, list[tuple[int, tuple[int, ...], float]]] = defaultdict(list)
        self.compacts: set[str] = set()
        self.slots: list[tuple[list[float], float]] = []
        weight = getattr(getattr(matcher, "index", None), "weight", None)
        for entry in entries:
            for value in _entry_forms(matcher, entry):
                for variant in analyze(value):
                    tokens = variant.tokens
                    if not tokens:
                        continue
                    slot = len(self.slots)
                    weights = [max(weight(t), weight(t, True)) if weight else 1.0 for t in tokens]
                    self.slots.append((weights, sum(weights)))
                    for i, token in enumerate(tokens):
                        for key, credit in token_keys(token).items():
                            self.postings[key].append((slot, (i,), credit))
                    if variant.compact:
                        self.compacts.add("=" + variant.compact)
                    for begin in range(len(tokens)):
                        for end in range(begin + ACRONYM_MIN, min(len(tokens), begin + ACRONYM_MAX) + 1):
                            run = tokens[begin:end]
                            # initials as written, as the matcher reads acronyms ("nihon" is the country word jp)
                            initials = "".join((t.text if t.concept else t.surface or t.text)[:1] for t in run)
                            if all(t.kind == "word" for t in run) and initials.isalpha():
                                self.postings["@" + initials].append((slot, tuple(range(begin, end)), 1.0))

    def __bool__(self) -> bool:
        return bool(self.slots)

    @property
    def variants(self) -> int:
        """Number of analysed variants indexed."""
        return len(self.slots)

    def is_candidate(self, keys) -> bool:
        """True when a stored name with these blocking keys could match a changed entry.

        Each token of a changed variant earns the credit of the keys the name
        shares with it (at most 1); the name is a candidate when the credited
        share of some variant's token weight reaches ``coverage``.
        """
        reached: dict[int, dict[int, list]] = {}
        for key in keys:
            if key in self.compacts:
                return True
            found = self.postings.get(key)
            if found:
                trigram = key.startswith("#")
                for slot, positions, credit in found:
                    tokens = reached.setdefault(slot, {})
                    for i in positions:
                        state = tokens.setdefault(i, [False, 0.0, 0])  # exact key, trigram credit, trigrams shared
                        if trigram:
                            state[1] += credit
                            state[2] += 1
                        else:
                            state[0] = True
        for slot, tokens in reached.items():
            weights, total = self.slots[slot]
            earned = 0.0
            for i, (exact, credit, shared) in tokens.items():
                # one shared trigram is weak evidence (a common ending like "ng$"): at most half credit
                earned += weights[i] * (1.0 if exact else min(credit, 1.0 if shared >= 2 else SINGLE_TRIGRAM_CREDIT))
            if earned >= self.coverage * total:
                return True
        return False


def blocker_for(screener, entry_ids: set[str], coverage: float = COVERAGE) -> ChangeBlocker:
    """A :class:`ChangeBlocker` over the entries ``entry_ids`` of a screener's version and their twins."""
    wanted = [e for e in screener.entries if e.id in entry_ids or any(r.relation == "same_as" and r.target_id in entry_ids for r in e.relations)]
    return ChangeBlocker(screener.matcher, wanted, coverage)


@dataclass
class RescreenReport:
    """What re-screening after a list update did.

    Attributes:
        counterparties: stored counterparties considered.
        keys_refreshed: counterparties whose blocking keys were recomputed.
        candidates: counterparties the blocking step passed to the matcher.
        counterparties_hit: counterparties with a new hit on a changed entry.
        hits: ``[{counterparty, country, entry_id, list, name, score, decision}]``.
        shipments_rescreened: open or recent shipments screened again.
        shipment_alerts: alerts opened on shipments.
        counterparty_alerts: alerts opened on counterparties.
        seconds: time per step (``blocking``, ``matching``, ``shipments``, ``total``).
    """

    counterparties: int = 0
    keys_refreshed: int = 0
    candidates: int = 0
    counterparties_hit: int = 0
    hits: list[dict] = field(default_factory=list)
    shipments_rescreened: int = 0
    verdict_changes: list[dict] = field(default_factory=list)
    shipment_alerts: list[int] = field(default_factory=list)
    counterparty_alerts: list[int] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict:
        """JSON-ready form."""
        return dict(self.__dict__)


def _candidates(db: Database, blocker: ChangeBlocker, report: RescreenReport) -> list[tuple[int, str, str | None]]:
    version = keys_version()
    found: list[tuple[int, str, str | None]] = []
    last_id = 0
    while True:
        with db.read() as session:
            rows = session.execute(
                select(Counterparty.id, Counterparty.name, Counterparty.country, Counterparty.keys, Counterparty.keys_version)
                .where(Counterparty.id > last_id)
                .order_by(Counterparty.id)
                .limit(PAGE)
            ).all()
        if not rows:
            break
        refresh: list[dict] = []
        for cp_id, name, country, keys, stored_version in rows:
            report.counterparties += 1
            if stored_version != version or keys is None:
                key_set = blocking_keys(name)
                refresh.append({"id": cp_id, "keys": KEY_SEPARATOR.join(sorted(key_set)), "keys_version": version})
            else:
                key_set = keys.split(KEY_SEPARATOR)
            if blocker.is_candidate(key_set):
                found.append((cp_id, name, country))
        if refresh:
            with db.write() as session:
                session.execute(update(Counterparty), refresh)
            report.keys_refreshed += len(refresh)
        last_id = rows[-1][0]
    return found


def rescreen(
    db: Database,
    new_info: versions.VersionInfo,
    diff: VersionDiff,
    *,
    actor: str,
    recent_days: int = RECENT_DAYS,
    today: dt.date | None = None,
    workers: int = 1,
    dask: str | None = None,
) -> RescreenReport:
    """Re-screen after a list update (see module docstring).

    Args:
        db: the database (the new version must be live).
        new_info: the new version.
        diff: old -> new difference.
        actor: recorded as who re-screened (the person who updated the lists).
        recent_days: how far back a shipment counts as recent.
        today: the day to screen open shipments at (default: today).
        workers, dask: screen the due shipments on this many worker processes, or on a Dask cluster (the
            batch path of ``dualuse screen``, :mod:`dualuse.batch.workers`); each is still recorded here, one
            transaction per shipment, with the overrides checked again inside it.

    Returns:
        A :class:`RescreenReport`.
    """
    started = time.perf_counter()
    report = RescreenReport()
    today = today or dt.date.today()
    screener = screener_for(db, new_info)
    changed = diff.changed_ids()
    removed = {e.id for e in diff.removed}

    # 1-2: counterparties that now hit a changed entry
    hits_by_cp: dict[int, list] = {}
    names: dict[int, tuple[str, str | None]] = {}
    if changed:
        blocker = blocker_for(screener, changed)
        t0 = time.perf_counter()
        candidates = _candidates(db, blocker, report) if blocker else []
        report.candidates = len(candidates)
        t1 = time.perf_counter()
        report.seconds["blocking"] = round(t1 - t0, 3)
        for cp_id, name, country in candidates:
            results = [r for r in screener.matcher.match(name, country=country, limit=20) if r.entry.id in changed and r.decision in NAME_MATCHES]
            if results:
                hits_by_cp[cp_id] = results
                names[cp_id] = (name, country)
                for r in results:
                    report.hits.append(
                        {"counterparty_id": cp_id, "counterparty": name, "country": country, "entry_id": r.entry.id, "list": r.entry.list, "name": r.entry.name, "score": r.score, "decision": r.decision}
                    )
        report.counterparties_hit = len(hits_by_cp)
        report.seconds["matching"] = round(time.perf_counter() - t1, 3)
    else:
        with db.read() as session:
            report.counterparties = session.query(Counterparty).count()

    # 3: open or recent shipments of those counterparties, or that hit changed/removed entries
    t2 = time.perf_counter()
    horizon_day = (today - dt.timedelta(days=recent_days)).isoformat()
    horizon_at = (dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=recent_days)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    with db.read() as session:
        touched: set[str] = set()
        cp_ids = list(hits_by_cp)
        for start in range(0, len(cp_ids), 500):
            touched.update(session.scalars(select(ShipmentParty.shipment_id).where(ShipmentParty.counterparty_id.in_(cp_ids[start : start + 500]))))
        entry_ids = list(changed | removed)
        for start in range(0, len(entry_ids), 500):
            touched.update(session.scalars(select(ShipmentHit.shipment_id).where(ShipmentHit.entry_id.in_(entry_ids[start : start + 500]))))
        open_ids = set(session.scalars(select(Alert.shipment_id).where(Alert.status.in_(OPEN_STATUSES), Alert.shipment_id.is_not(None))))
        if diff.item_changes:
            # an item or rule changed status: any open or recent shipment may be affected
            touched.update(open_ids)
            touched.update(
                session.scalars(select(ShipmentRow.shipment_id).where((ShipmentRow.shipment_date >= horizon_day) | (ShipmentRow.last_screened_at >= horizon_at)))
            )
        due: list[str] = []
        for start in range(0, len(touched), 500):
            chunk = sorted(touched)[start : start + 500]
            for shipment_id, date, last in session.execute(
                select(ShipmentRow.shipment_id, ShipmentRow.shipment_date, ShipmentRow.last_screened_at).where(ShipmentRow.shipment_id.in_(chunk))
            ):
                if shipment_id in open_ids or date >= horizon_day or last >= horizon_at:
                    due.append(shipment_id)
        whitelist = whitelist_overrides(session)
    covered_cps: set[int] = set()
    trigger = {"list_update": new_info.version, "list_version_seq": new_info.seq, "previous": diff.old_version}
    for shipment_id, screened in _screened_in_parallel(db, screener, new_info, sorted(due), today, whitelist, workers, dask):
        with db.write() as session:
            row = session.get(ShipmentRow, shipment_id)
            shipment = Shipment.model_validate_json(row.input)
            before = row.verdict
            as_of = max(shipment.date, today)
            result = record_screening(
                session, screener, new_info, shipment, actor=actor, channel="rescreen", as_of=as_of, whitelist=whitelist, changed=changed, trigger=trigger,
                screened=screened,
            )
            covered_cps.update(session.scalars(select(ShipmentParty.counterparty_id).where(ShipmentParty.shipment_id == shipment_id)))
        report.shipments_rescreened += 1
        report.shipment_alerts.extend(result.alerts_opened)
        if result.decision.verdict != before:
            report.verdict_changes.append({"shipment_id": shipment_id, "old": before, "new": result.decision.verdict, "alerts": result.alerts_opened})
    report.seconds["shipments"] = round(time.perf_counter() - t2, 3)

    # 4: counterparties with new hits and no open or recent shipment
    pending = {cp: results for cp, results in hits_by_cp.items() if cp not in covered_cps}
    if pending:
        with db.write() as session:
            specs_by_cp = []
            for cp_id, results in pending.items():
                name, country = names[cp_id]
                key = counterparty_key(name, country)
                for r in results:
                    fingerprint = screener.fingerprint(r.entry)
                    if (key, r.entry.id, fingerprint) in whitelist:
                        continue
                    specs_by_cp.append(
                        (
                            cp_id,
                            AlertSpec(
                                kind="counterparty_list_change",
                                dedupe=_digest(f"cp|{cp_id}|{r.entry.id}|{fingerprint}"),
                                party_name=name,
                                party_country=country,
                                entry_id=r.entry.id,
                                list_id=r.entry.list,
                                entry_name=r.entry.name,
                                fingerprint=fingerprint,
                                score=r.score,
                                hit_decision=r.decision,
                                details={"explanation": r.explanation(), "matched_form": r.form.value, "listing": r.entry.legal_source.citation, "list_update": new_info.version},
                            ),
                        )
                    )
            if specs_by_cp:
                record = chain.append(
                    session,
                    "counterparty_rescreen",
                    actor,
                    "rescreen",
                    {**trigger, "hits": [{"counterparty_id": cp, "party": s.party_name, "country": s.party_country, "entry_id": s.entry_id, "score": s.score, "decision": s.hit_decision} for cp, s in specs_by_cp]},
                    subject=f"list_version:{new_info.seq}",
                    data_version=new_info.version,
                )
                now = chain.utc_now()
                for cp_id, spec in specs_by_cp:
                    opened = open_alerts(
                        session, [spec], shipment_id=None, counterparties={}, verdict=None, data_version=new_info.version, record_seq=record.seq, actor=actor, now=now
                    )
                    for alert_id in opened:
                        session.get(Alert, alert_id).counterparty_id = cp_id
                    report.counterparty_alerts.extend(opened)
    report.seconds["total"] = round(time.perf_counter() - started, 3)
    return report


PARALLEL_FROM = 128
"""Due shipments from which re-screening goes to worker processes (fewer are done before a pool starts)."""


def _screened_in_parallel(db: Database, screener, info: versions.VersionInfo, due: list[str], today: dt.date,
                          whitelist: dict, workers: int, dask: str | None):
    """``(shipment id, precomputed screening or None)`` in ``due`` order; screened by the batch workers when many."""
    if (workers <= 1 and dask is None) or len(due) < PARALLEL_FROM:
        for shipment_id in due:
            yield shipment_id, None
        return
    from dualuse import __version__
    from dualuse.batch.workers import Context, Task, adopt, check_versions, executor
    from dualuse.i18n import current
    from dualuse.service.screening import shipment_overrides

    adopt(screener)
    directory = versions.materialize(db, info)
    context = Context(data_version=screener.data_version, engine_version=__version__, language=current(),
                      data_dir=str(directory) if directory is not None else None, db_url=db.url, version_seq=info.seq)
    overrides: dict[int, tuple[dict, dict]] = {}

    def batches():
        for start in range(0, len(due), 64):
            tasks = []
            with db.read() as session:
                for ordinal, shipment_id in enumerate(due[start:start + 64], start=start):
                    row = session.get(ShipmentRow, shipment_id)
                    shipment = Shipment.model_validate_json(row.input)
                    suppress, confirm = shipment_overrides(session, shipment_id)
                    task = Task(ordinal, shipment, {**whitelist, **suppress}, confirm, as_of=max(shipment.date, today))
                    overrides[ordinal] = (task.suppress, task.confirm)
                    tasks.append(task)
            yield tasks

    with executor(workers, dask) as pool:
        for result in pool.map(context, batches(), True):
            check_versions(context, result)
            for item in result.items:
                suppress, confirm = overrides.pop(item.ordinal)
                yield item.shipment_id, (item.decision, item.applied, suppress, confirm)
