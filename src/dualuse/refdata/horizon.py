"""Changes the data schedules after its knowledge horizon, and what "did not happen" means for each.

A data version's horizon (``knowledge.json``) is the date up to which its
sources were checked. Every date the data itself holds after the horizon -
the end of a suspension, the start of a removal, the day a listing, an item
announcement or a rule takes effect - is a change nobody could yet see:
**expected, not confirmed**. This module

* lists those changes (:func:`pending_changes`) - except a change the data has
  the instrument for, published on or after the change's date (a listing in
  force on publication) - grouped by the instrument
  that scheduled them, with the notes that may concern them;
* says whether a status on a given day rests on one (:func:`status_basis`);
* builds the *alternative* of a change - the same object as if the change
  did not happen (:func:`without_change`): a suspension that runs on, a
  removal that did not take place, a listing that did not take effect.

The screener (:mod:`dualuse.decision.horizon`) evaluates a decision under
both and reviews the lines whose verdict differs.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from collections.abc import Iterable
from typing import TYPE_CHECKING, Union

from dualuse.models.knowledge import Knowledge, PendingChange, PendingTarget
from dualuse.models.reference import LEGAL_LISTS, ControlEntry, ListEntry, StatusInterval

if TYPE_CHECKING:
    from dualuse.rules.model import Rule, RuleSet

Dated = Union[ListEntry, ControlEntry, "Rule"]
NEVER = dt.date.max
_RULES_MODEL = "dualuse.rules.model"


def _is_rule(obj: object) -> bool:
    """Whether ``obj`` is a :class:`~dualuse.rules.model.Rule`.

    The rules model is not imported here (``dualuse match`` asks a list
    entry's status without loading any rule): when no code has imported it,
    no rule exists, so ``obj`` is not one.
    """
    model = sys.modules.get(_RULES_MODEL)
    return model is not None and isinstance(obj, model.Rule)


def measure_of(obj: Dated) -> str:
    """The measure an object belongs to: a list entry's listing, a control entry's item announcement, a rule's measure."""
    if _is_rule(obj):
        return obj.measure or obj.legal_source.citation
    if isinstance(obj, ControlEntry):
        return (obj.announcement or obj.legal_source).citation
    return obj.legal_source.citation


def _target(obj: Dated) -> PendingTarget:
    if _is_rule(obj):
        return PendingTarget(kind="rule", id=obj.id, name=obj.title_en, measure=measure_of(obj))
    if isinstance(obj, ControlEntry):
        return PendingTarget(kind="control", id=obj.code, name=obj.name_en or obj.name_zh or "", measure=measure_of(obj))
    return PendingTarget(kind="entry", id=obj.id, name=obj.name, measure=measure_of(obj))


def _effective(obj: Dated) -> dt.date | None:
    """The date from which the object applies, when the object's status depends on it."""
    if isinstance(obj, ControlEntry):
        return obj.effective if not obj.in_catalogue else None  # the catalogue re-publishes older codes
    return obj.effective


def boundaries(obj: Dated) -> list[tuple[dt.date, str, StatusInterval | None]]:
    """``(date, change, interval)`` for every date at which the object's status changes."""
    out: list[tuple[dt.date, str, StatusInterval | None]] = []
    effective = _effective(obj)
    if effective is not None:
        out.append((effective, "takes_effect", None))
    for interval in obj.status_intervals:
        out.append((interval.start, "status_starts", interval))
        if interval.end is not None:
            out.append((interval.end, "status_ends", interval))
    return out


def _scheduled_by(obj: Dated, change: str, interval: StatusInterval | None, knowledge: Knowledge) -> tuple[str, str | None]:
    if interval is None:  # takes effect: the object's own instrument
        source = obj.legal_source if not isinstance(obj, ControlEntry) else (obj.announcement or obj.legal_source)
        return source.citation, source.url
    if interval.instrument:
        return interval.instrument, interval.source_url
    instrument = knowledge.instrument_for_url(interval.source_url)
    if instrument is not None:
        return instrument.citation, interval.source_url
    return (f"the notice at {interval.source_url}" if interval.source_url else "an unnamed notice"), interval.source_url


_SLUG = re.compile(r"[^A-Za-z0-9]+")


def seen_on(obj: Dated, change: str, interval: StatusInterval | None, knowledge: Knowledge | None) -> dt.date | None:
    """The publication date of the instrument that made a change, when the data has it.

    A change on or before that date is confirmed by the instrument itself (a listing in
    force on the day it is published, a removal "from today"); one after it is only
    scheduled by it.
    """
    if interval is None:
        if isinstance(obj, ControlEntry):
            return None  # the item announcement's publication is not recorded on the entry
        return obj.published
    if knowledge is None or not interval.instrument:
        return None
    for instrument in knowledge.instruments:
        if instrument.citation == interval.instrument:
            return instrument.published
    return None


def _expected(day: dt.date, horizon: dt.date, seen: dt.date | None) -> bool:
    return day > horizon and (seen is None or day > seen)


def pending_changes(
    entries: Iterable[ListEntry], catalogue: Iterable[ControlEntry], rules: RuleSet, knowledge: Knowledge
) -> list[PendingChange]:
    """Every change the data schedules after ``knowledge.horizon``, grouped by (date, change, status, instrument).

    Only legal lists count among the entries (reference lists carry no dates
    of their own). Returns the changes in date order.
    """
    horizon = knowledge.horizon
    groups: dict[tuple, PendingChange] = {}
    objects: list[Dated] = [e for e in entries if e.list in LEGAL_LISTS]
    objects += [c for c in catalogue if c.direction == "export"]
    objects += list(rules.rules)
    for obj in objects:
        for day, change, interval in boundaries(obj):
            if not _expected(day, horizon, seen_on(obj, change, interval, knowledge)):
                continue
            status = interval.status if interval is not None else "in_force"
            by, url = _scheduled_by(obj, change, interval, knowledge)
            key = (day, change, status, by)
            group = groups.get(key)
            if group is None:
                group = groups[key] = PendingChange(
                    id=f"{day.isoformat()}:{change}:{_SLUG.sub('-', by).strip('-')}",
                    date=day,
                    change=change,  # type: ignore[arg-type]
                    status=status,
                    scheduled_by=by,
                    url=url,
                )
            target = _target(obj)
            if target not in group.targets:
                group.targets.append(target)
            if target.measure not in group.measures:
                group.measures.append(target.measure)
    for group in groups.values():
        group.measures.sort()
        group.notes = knowledge.notes_about([group.scheduled_by, *group.measures])
    return sorted(groups.values(), key=lambda g: (g.date, g.id))


def status_basis(obj: Dated, day: dt.date, horizon: dt.date, knowledge: Knowledge | None = None) -> tuple[str, str | None]:
    """``("confirmed", None)``, or ``("expected", why)`` when the status on ``day`` rests on a change after ``horizon``.

    A status rests on a change when the change's date lies in ``(horizon, day]``
    and after the publication of the instrument that made it (see :func:`seen_on`):
    the data says it happened by ``day``, but nobody had checked by then.
    """
    pending = [(d, c, iv) for d, c, iv in boundaries(obj) if d <= day and _expected(d, horizon, seen_on(obj, c, iv, knowledge))]
    if not pending:
        return "confirmed", None
    d, change, interval = max(pending, key=lambda b: b[0])
    noun = {"suspended": "suspension", "stopped": "stop", "removed": "removal"}.get(interval.status, interval.status) if interval is not None else ""
    what = {"status_ends": f"the {noun} ends", "status_starts": f"the {noun} begins", "takes_effect": "it takes effect"}[change]
    by = f" ({interval.instrument})" if interval is not None and interval.instrument else ""
    return "expected", f"the data expects that {what}{by} on {d}, after its horizon {horizon}; not confirmed"


def without_change(obj: Dated, change: PendingChange) -> Dated:
    """The object as if ``change`` had not happened (a copy; ``obj`` is untouched).

    * ``status_ends``: the interval ending on the change's date runs on (open-ended);
    * ``status_starts``: the interval starting on that date is dropped;
    * ``takes_effect``: the object never takes effect.
    """
    if change.change == "takes_effect":
        return obj.model_copy(update={"effective": NEVER})
    intervals: list[StatusInterval] = []
    for interval in obj.status_intervals:
        if interval.status != change.status:
            intervals.append(interval)
        elif change.change == "status_ends" and interval.end == change.date:
            intervals.append(interval.model_copy(update={"end": None}))
        elif change.change == "status_starts" and interval.start == change.date:
            continue
        else:
            intervals.append(interval)
    if change.change == "status_ends":
        # what the data schedules after the run-on interval's old end rests on that end: set aside
        intervals = [iv for iv in intervals if iv.start < change.date]
    return obj.model_copy(update={"status_intervals": intervals})


_NUMBERED = re.compile(r"(\d{4})\s+No\.\s*(\d+)")
_CLAUSE = re.compile(r"(?:clause|item)\s*\(?(\d+)\)?", re.IGNORECASE)


def measure_key(citation: str) -> tuple[str, int, int, int | None] | None:
    """``(series, year, number, clause)`` of a measure citation, or ``None`` when it has no number.

    MOFCOM announcements, joint ones included (``MOFCOM/GAC Announcement``), share one series;
    orders, UEL Working Mechanism announcements and MFA instruments have their own:
    ``MOFCOM/GAC Announcement 2025 No. 57`` and ``MOFCOM Announcement 2025 No. 57`` are the
    same measure, ``MOFCOM Order 2025 No. 5`` is another.
    """
    m = _NUMBERED.search(citation)
    if m is None:
        return None
    head = citation[: m.start()]
    if "UEL" in head:
        series = "uel"
    elif head.startswith("MFA"):
        series = "mfa"
    elif "Order" in head:
        series = "order"
    else:
        series = "announcement"
    clause = _CLAUSE.search(citation[m.end():])
    return series, int(m.group(1)), int(m.group(2)), int(clause.group(1)) if clause else None


def same_measure(measure: str, citation: str) -> bool:
    """True when ``citation`` (of a rule, listing or item announcement) falls under ``measure``.

    A measure without a clause covers every clause of its instrument; one with a clause only that clause.
    """
    a, b = measure_key(measure), measure_key(citation)
    if a is None or b is None:
        return measure == citation
    return a[:3] == b[:3] and (a[3] is None or a[3] == b[3])
