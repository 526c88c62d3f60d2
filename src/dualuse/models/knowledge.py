"""What a data version knows, and until when: the knowledge horizon.

Every data version records its **horizon**: the date up to which its
sources were checked (2026-08-05 for the packaged lists, the ``asOf`` of
the MOFCOM snapshot). Anything the data *schedules* after that date - a
suspension that "ends" on 2026-11-10, a listing that takes effect later -
is expected, not confirmed: nobody who built the data could have seen
whether it happened. :mod:`dualuse.refdata.horizon` finds those scheduled
changes (:class:`PendingChange`); the screener turns a decision that
depends on one into ``REVIEW`` with both outcomes.

The data version also carries:

* ``instruments``: official instruments the data cites by number (MOFCOM
  orders and announcements, MFA decisions) with their official URLs, so a
  listing printed only by date, or a suspension given only by URL, is cited
  by its instrument;
* ``notes``: statements that are *not* instruments (an official's remark,
  a press report): they never change a status in the data, but they are
  shown with the pending changes they may concern;
* ``measures``: status intervals of whole measures (an announcement or one
  clause of it) set by imported notices (``dualuse lists import mofcom``);
  they replace the intervals of the rules that implement the measure.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from dualuse.models.reference import StatusInterval

Confidence = Literal["H", "M", "L"]


class Instrument(BaseModel):
    """An official instrument (announcement, order, decision) the data knows.

    Attributes:
        id: stable key, e.g. ``MOFCOM-ORDER-2026-3``.
        issuer: ``MOFCOM``, ``MOFCOM/GAC``, ``MFA``, ``UEL Working Mechanism``.
        kind: ``announcement``, ``order``, ``decision``, ``notice``.
        year, number: the instrument's year and number where it has one.
        citation: English citation used in decisions (``MOFCOM Order 2026 No. 3``).
        title_zh: the Chinese designation (``商务部令2026年第3号``).
        published: publication date; effective: date it took effect (``None``: unknown).
        urls: the official URL(s) that identify it (an entry or status
            interval whose source URL is one of them is cited by this instrument).
        effect: what it does, in words.
        confidence: ``H`` official text reproduced in a structured dataset or two
            independent sources; ``M`` one secondary source; ``L`` a digest only.
        source: where the facts recorded here come from.
    """

    model_config = ConfigDict(extra="forbid")

    id: str
    issuer: str
    kind: str
    year: int | None = None
    number: int | None = None
    citation: str
    title_zh: str | None = None
    published: dt.date | None = None
    effective: dt.date | None = None
    urls: list[str] = Field(default_factory=list)
    effect: str = ""
    confidence: Confidence = "H"
    source: str = ""


class KnowledgeNote(BaseModel):
    """A statement that is not an instrument: shown, never applied.

    Attributes:
        id: stable key, e.g. ``MOFCOM-2026-09-28-KL-EXTENSION``.
        date: the date of the statement.
        issuer: who said it (``MOFCOM Department of American and Oceanian Affairs``).
        kind: ``statement`` (an official's remark), ``press`` (a news report).
        text_en, text_zh: what was said, as the source reports it.
        source_url: the page cited; quoted_by: the secondary source that quotes it, if any.
        confidence: see :class:`Instrument`.
        concerns: citations of the instruments or measures whose scheduled
            changes the note may concern (``MOFCOM/GAC Announcement 2025 No. 70``).
        caveat: why it changes nothing in the data.
    """

    model_config = ConfigDict(extra="forbid")

    id: str
    date: dt.date
    issuer: str
    kind: Literal["statement", "press"] = "statement"
    text_en: str
    text_zh: str = ""
    source_url: str
    quoted_by: str | None = None
    confidence: Confidence = "M"
    concerns: list[str] = Field(default_factory=list)
    caveat: str = ""


class MeasureStatus(BaseModel):
    """Status intervals of one measure, set by an imported notice.

    Attributes:
        measure: the measure's citation (``MOFCOM Announcement 2025 No. 61``,
            ``MOFCOM Announcement 2024 No. 46 clause 2``).
        status_intervals: the measure's suspensions and stops; they replace
            the intervals of the rules that implement it (``Rule.measure``).
        source: the notice(s) that set them.
    """

    model_config = ConfigDict(extra="forbid")

    measure: str
    status_intervals: list[StatusInterval] = Field(default_factory=list)
    source: str = ""


class Knowledge(BaseModel):
    """The knowledge file of a data version (``knowledge.json``).

    Attributes:
        horizon: the date up to which the data's sources were checked.
        horizon_basis: how that date was established.
        instruments: official instruments the data cites (see :class:`Instrument`).
        notes: statements shown with pending changes (see :class:`KnowledgeNote`).
        measures: measure statuses set by imported notices (see :class:`MeasureStatus`).
    """

    model_config = ConfigDict(extra="forbid")

    horizon: dt.date
    horizon_basis: str = ""
    instruments: list[Instrument] = Field(default_factory=list)
    notes: list[KnowledgeNote] = Field(default_factory=list)
    measures: list[MeasureStatus] = Field(default_factory=list)

    def instrument_for_url(self, url: str | None) -> Instrument | None:
        """The instrument one of whose official URLs is ``url`` (exact match), if any."""
        if not url:
            return None
        for instrument in self.instruments:
            if url in instrument.urls:
                return instrument
        return None

    def notes_about(self, citations: list[str]) -> list[KnowledgeNote]:
        """Notes that name one of ``citations`` among what they concern."""
        wanted = set(citations)
        return [note for note in self.notes if wanted & set(note.concerns)]


ChangeKind = Literal["status_ends", "status_starts", "takes_effect"]
TargetKind = Literal["entry", "control", "rule"]


class PendingTarget(BaseModel):
    """One object a pending change affects.

    Attributes:
        kind: ``entry`` (list entry), ``control`` (control-list entry) or ``rule``.
        id: the entry id, control code or rule id.
        name: its name (for display).
        measure: the measure it belongs to (the listing or item announcement, the rule's measure).
    """

    model_config = ConfigDict(extra="forbid")

    kind: TargetKind
    id: str
    name: str = ""
    measure: str = ""


class PendingChange(BaseModel):
    """A change the data schedules after its horizon: expected, not confirmed.

    Attributes:
        id: stable key, ``<date>:<change>:<scheduled_by>``.
        date: the day the change is due (a suspension "until 2026-11-10" ends on 2026-11-10).
        change: ``status_ends`` (a suspension or stop runs out), ``status_starts``
            (a suspension, stop or removal begins) or ``takes_effect`` (a listing,
            item announcement or rule starts to apply).
        status: the status concerned (``suspended``, ``removed`` ...; ``in_force`` for takes_effect).
        scheduled_by: the instrument that scheduled it (citation, or the notice URL).
        url: that instrument's URL.
        measures: the measures affected (listing and item announcements, rule measures).
        targets: every object affected.
        notes: statements that may concern it (never applied).
    """

    model_config = ConfigDict(extra="forbid")

    id: str
    date: dt.date
    change: ChangeKind
    status: str
    scheduled_by: str
    url: str | None = None
    measures: list[str] = Field(default_factory=list)
    targets: list[PendingTarget] = Field(default_factory=list)
    notes: list[KnowledgeNote] = Field(default_factory=list)

    def describe(self, zh: bool = False) -> str:
        """One phrase: ``the suspension of X (MOFCOM/GAC Announcement 2025 No. 70), due to end on 2026-11-10``."""
        measures = "、".join(self.measures) if zh else ", ".join(self.measures)
        if zh:
            what = {"suspended": "暂停实施", "stopped": "停止实施", "removed": "移出名单"}.get(self.status, self.status)
            if self.change == "status_ends":
                return f"{measures}的{what}（{self.scheduled_by}）预定于{self.date}结束"
            if self.change == "status_starts":
                return f"{measures}预定自{self.date}起{what}（{self.scheduled_by}）"
            return f"{measures}预定自{self.date}起施行"
        what = {"suspended": "suspension", "stopped": "stop", "removed": "removal"}.get(self.status, self.status)
        if self.change == "status_ends":
            return f"the {what} of {measures} ({self.scheduled_by}), due to end on {self.date}"
        if self.change == "status_starts":
            return f"the {what} of {measures} ({self.scheduled_by}), due to begin on {self.date}"
        return f"{measures}, due to take effect on {self.date}"
