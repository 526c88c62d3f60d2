"""A proposed list update: what an importer read, as operations a person reviews before anything changes.

Importers never change the live lists. They write a **proposal** (a JSON
file, ``*.proposal.json``) that names its source and the instrument, the
list version it was read against, and operations:

* ``add``: a new list entry (complete :class:`~dualuse.models.reference.ListEntry`);
* ``merge``: name forms, addresses or countries to add to an existing entry;
* ``status``: a status change of one list entry (``entry``), one control-list
  entry (``control``) or a whole measure (``measure``: the rules that
  implement it, through ``knowledge.json``): ``suspend``, ``extend``,
  ``resume``, ``stop`` or ``remove`` from a date (until a date).

``dualuse lists diff PROPOSAL`` shows what it would change; ``dualuse lists
update PROPOSAL`` applies it through :func:`dualuse.service.updates.prepare`
with every guarantee of an update (complete validation first, the live
version untouched on failure, re-screening, an audit record).
:func:`apply_to_files` is the pure function both use.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from dualuse.models.knowledge import Instrument, Knowledge, MeasureStatus
from dualuse.models.reference import ControlEntry, ListEntry, NameForm, StatusInterval

KIND = "dualuse-proposed-update"
SUFFIX = ".proposal.json"
Action = Literal["suspend", "extend", "resume", "stop", "remove"]


class ProposalError(ValueError):
    """A proposal that cannot be read or applied; ``problems`` lists why."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


class AddEntry(BaseModel):
    """Add a new entry."""

    model_config = ConfigDict(extra="forbid")
    op: Literal["add"] = "add"
    entry: ListEntry


class MergeEntry(BaseModel):
    """Add name forms, addresses or countries to an existing entry."""

    model_config = ConfigDict(extra="forbid")
    op: Literal["merge"] = "merge"
    entry_id: str
    names: list[NameForm] = Field(default_factory=list)
    addresses: list[str] = Field(default_factory=list)
    countries: list[str] = Field(default_factory=list)
    why: str = ""


class StatusChange(BaseModel):
    """Change the status of an entry, a control-list entry or a measure from ``start`` (until ``end``).

    Attributes:
        target: ``entry`` (list entry id), ``control`` (control code) or ``measure`` (citation).
        id: the entry id, control code or measure citation.
        action: ``suspend`` (a suspension from start until end), ``extend`` (the suspension
            running on ``start`` now ends on ``end``), ``resume`` (the suspension running on
            ``start`` ends then), ``stop`` / ``remove`` (open-ended from ``start``).
        instrument, source_url: the notice that makes the change.
    """

    model_config = ConfigDict(extra="forbid")
    op: Literal["status"] = "status"
    target: Literal["entry", "control", "measure"]
    id: str
    action: Action
    start: dt.date
    end: dt.date | None = None
    instrument: str
    source_url: str | None = None
    why: str = ""


Operation = Annotated[Union[AddEntry, MergeEntry, StatusChange], Field(discriminator="op")]


class Proposal(BaseModel):
    """A proposed update (see module docstring).

    Attributes:
        kind, format: the file's type and format version.
        source: the file the importer read; source_sha256: its hash; source_kind:
            ``mofcom`` (a notice page) or ``opensanctions`` (the sanctions table or an FtM export).
        instrument: the official instrument read (MOFCOM imports), recorded in ``knowledge.json``.
        base_version: the live list version the proposal was read against.
        created: the day it was written.
        horizon: the knowledge horizon to record (``--checked-to``), if any.
        operations: what to change.
        notes: what the importer found and did not turn into an operation (unchanged rows, warnings).
    """

    model_config = ConfigDict(extra="forbid")

    kind: Literal["dualuse-proposed-update"] = KIND
    format: Literal[1] = 1
    source: str
    source_sha256: str
    source_kind: Literal["mofcom", "opensanctions"]
    instrument: Instrument | None = None
    base_version: str
    created: dt.date
    horizon: dt.date | None = None
    operations: list[Operation] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """Operations by kind (``add``, ``merge``, ``status:entry`` ...)."""
        out: dict[str, int] = {}
        for op in self.operations:
            key = op.op if not isinstance(op, StatusChange) else f"status:{op.target}"
            out[key] = out.get(key, 0) + 1
        return out


def sha256_of(path: Path) -> str:
    """Hex sha256 of a file."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def write(proposal: Proposal, path: Path) -> Path:
    """Write the proposal as indented JSON (atomically)."""
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(proposal.model_dump(mode="json", by_alias=True, exclude_none=True), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    tmp.replace(path)
    return path


def is_proposal(path: Path) -> bool:
    """True when ``path`` is a proposal file (by its ``kind``)."""
    path = Path(path)
    if not path.is_file() or path.stat().st_size > 50_000_000:
        return False
    try:
        head = path.read_text(encoding="utf-8-sig")[:400]
    except (OSError, UnicodeDecodeError):
        return False
    return f'"kind": "{KIND}"' in head or f'"kind":"{KIND}"' in head


def read(path: Path) -> Proposal:
    """Read a proposal file.

    Raises:
        ProposalError: not JSON, or not a valid proposal (each problem with its location).
    """
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ProposalError([f"{path}: not a readable JSON proposal ({error})"]) from None
    try:
        return Proposal.model_validate(data)
    except ValidationError as error:
        raise ProposalError([f"{path}: {'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in error.errors()[:50]]) from None


# --- status arithmetic ------------------------------------------------------------------

def change_intervals(intervals: list[StatusInterval], change: StatusChange, where: str) -> list[StatusInterval]:
    """The intervals after ``change`` (a new list; the input is untouched).

    Raises:
        ProposalError: the change contradicts the intervals (an overlapping suspension that is not an extension).
    """
    out = [iv.model_copy() for iv in intervals]
    new = StatusInterval(
        status={"suspend": "suspended", "extend": "suspended", "resume": "suspended", "stop": "stopped", "remove": "removed"}[change.action],
        start=change.start,
        end=change.end,
        source_url=change.source_url,
        note=change.why or None,
        instrument=change.instrument,
    )

    def running(day: dt.date) -> int | None:
        for i, iv in enumerate(out):
            if iv.start <= day and (iv.end is None or day <= iv.end):
                return i
        return None

    if change.action == "suspend":
        if any(iv.status == "suspended" and iv.start == new.start and iv.end == new.end for iv in out):
            return out
        i = running(change.start)
        if i is not None and out[i].status == "suspended":
            out[i] = out[i].model_copy(update={"end": change.end, "instrument": change.instrument, "source_url": change.source_url, "note": new.note})
        else:
            out.append(new)
    elif change.action == "extend":
        i = running(change.start) if running(change.start) is not None else running(change.start - dt.timedelta(days=1))
        if i is not None and out[i].status == "suspended":
            if out[i].end == change.end:
                return out
            out[i] = out[i].model_copy(update={"end": change.end, "instrument": change.instrument, "source_url": change.source_url, "note": new.note})
        else:
            out.append(new)
    elif change.action == "resume":
        i = running(change.start)
        if i is None or out[i].status != "suspended" or out[i].end == change.start:
            return out
        out[i] = out[i].model_copy(update={"end": change.start, "instrument": change.instrument, "source_url": change.source_url})
    else:  # stop, remove: open-ended from start
        if any(iv.status == new.status and iv.start == new.start for iv in out):
            return out
        out = [iv.model_copy(update={"end": change.start}) if iv.start < change.start and (iv.end is None or iv.end > change.start) else iv for iv in out]
        out = [iv for iv in out if iv.start < change.start]
        out.append(new.model_copy(update={"end": None}))
    out.sort(key=lambda iv: iv.start)
    for a, b in zip(out, out[1:]):
        if a.end is None or b.start < a.end:
            raise ProposalError([f"{where}: after {change.action} from {change.start}, {a.status} from {a.start} and {b.status} from {b.start} overlap"])
    return out


# --- applying -------------------------------------------------------------------------

def _lines(data: bytes) -> list[str]:
    return [line for line in data.decode("utf-8").splitlines() if line.strip()]


def apply_to_files(proposal: Proposal, files: dict[str, bytes], rules) -> tuple[list[ListEntry], bytes, bytes, list[str]]:
    """The new entries, catalogue.jsonl and knowledge.json after the proposal, and what changed outside entries.

    Args:
        proposal: the proposal.
        files: the base version's data files.
        rules: the rule set (for the intervals a measure change starts from).

    Returns:
        ``(entries, catalogue bytes, knowledge bytes, item changes)``; item changes
        name each control entry and measure whose status changed.

    Raises:
        ProposalError: every operation that cannot be applied (unknown entry, code or measure; contradictions).
    """
    from dualuse.refdata import store
    from dualuse.refdata.build.common import dump_json, dump_jsonl
    from dualuse.refdata.horizon import measure_of, same_measure

    problems: list[str] = []
    entries = [ListEntry.model_validate_json(line) for line in _lines(files[store.ENTITIES])]
    by_id = {e.id: i for i, e in enumerate(entries)}
    catalogue = [ControlEntry.model_validate_json(line) for line in _lines(files[store.CATALOGUE])]
    by_code = {(c.direction, c.code): i for i, c in enumerate(catalogue)}
    if store.KNOWLEDGE in files:
        knowledge = Knowledge.model_validate_json(files[store.KNOWLEDGE])
    else:
        knowledge = Knowledge.model_validate_json(versions_packaged_knowledge())
    measures = {m.measure: m for m in knowledge.measures}
    item_changes: list[str] = []
    for n, op in enumerate(proposal.operations, start=1):
        where = f"{proposal.source}: operation {n} ({op.op})"
        if isinstance(op, AddEntry):
            if op.entry.id in by_id:
                problems.append(f"{where}: entry {op.entry.id} exists already in the live version; re-import against the live version")
                continue
            by_id[op.entry.id] = len(entries)
            entries.append(op.entry)
        elif isinstance(op, MergeEntry):
            if op.entry_id not in by_id:
                problems.append(f"{where}: no entry {op.entry_id} in the live version")
                continue
            entry = entries[by_id[op.entry_id]]
            known = {f.value.casefold() for f in entry.names}
            names = [*entry.names, *(f for f in op.names if f.value.casefold() not in known)]
            addresses = [*entry.addresses, *(a for a in op.addresses if a not in entry.addresses)]
            countries = sorted(set(entry.countries) | set(op.countries))
            entries[by_id[op.entry_id]] = ListEntry.model_validate({**entry.model_dump(by_alias=True), "names": [f.model_dump() for f in names], "addresses": addresses, "countries": countries})
        else:
            try:
                if op.target == "entry":
                    if op.id not in by_id:
                        problems.append(f"{where}: no entry {op.id} in the live version")
                        continue
                    entry = entries[by_id[op.id]]
                    entries[by_id[op.id]] = entry.model_copy(update={"status_intervals": change_intervals(entry.status_intervals, op, f"{where}, entry {op.id}")})
                elif op.target == "control":
                    key = ("export", op.id)
                    if key not in by_code:
                        problems.append(f"{where}: no control code {op.id} in the live catalogue")
                        continue
                    entry = catalogue[by_code[key]]
                    new = change_intervals(entry.status_intervals, op, f"{where}, control code {op.id}")
                    if new != entry.status_intervals:
                        catalogue[by_code[key]] = entry.model_copy(update={"status_intervals": new})
                        item_changes.append(f"control code {op.id}")
                else:
                    base = measures.get(op.id)
                    if base is None:
                        ruled = [r for r in rules.rules if same_measure(op.id, measure_of(r))]
                        if not ruled:
                            problems.append(f"{where}: no rule implements the measure {op.id!r}")
                            continue
                        base = MeasureStatus(measure=op.id, status_intervals=list(ruled[0].status_intervals))
                    new = change_intervals(base.status_intervals, op, f"{where}, measure {op.id}")
                    if new != base.status_intervals or op.id not in measures:
                        measures[op.id] = MeasureStatus(measure=op.id, status_intervals=new, source="; ".join(x for x in (base.source, op.instrument) if x))
                        item_changes.append(f"measure {op.id}")
            except ProposalError as error:
                problems.extend(error.problems)
    if problems:
        raise ProposalError(problems)
    update: dict = {"measures": list(measures.values())}
    if proposal.instrument is not None and not any(i.id == proposal.instrument.id or i.citation == proposal.instrument.citation for i in knowledge.instruments):
        known_urls = {u for i in knowledge.instruments for u in i.urls}
        instrument = proposal.instrument.model_copy(update={"urls": [u for u in proposal.instrument.urls if u not in known_urls]})
        update["instruments"] = [*knowledge.instruments, instrument]
    if proposal.horizon is not None and proposal.horizon > knowledge.horizon:
        update["horizon"] = proposal.horizon
        update["horizon_basis"] = f"sources checked up to {proposal.horizon} (recorded with the import of {Path(proposal.source).name})"
    knowledge = knowledge.model_copy(update=update)
    catalogue_bytes = dump_jsonl(c.model_dump(mode="json", exclude_none=True) for c in catalogue).encode("utf-8")
    knowledge_bytes = dump_json(knowledge.model_dump(mode="json", exclude_none=True)).encode("utf-8")
    return entries, catalogue_bytes, knowledge_bytes, item_changes


def versions_packaged_knowledge() -> bytes:
    """knowledge.json of the packaged data (for a base version that predates the file)."""
    from importlib import resources

    return resources.files("dualuse").joinpath("data", "knowledge.json").read_bytes()
