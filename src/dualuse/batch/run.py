"""A batch run of ``dualuse screen``: validate, screen on every core (or a Dask cluster), record, write, resume.

:func:`validate` reads the whole file once as a stream
(:func:`dualuse.input.stream.iter_records`) and reports invalid records as
it meets them, so the first errors show at once and nothing is screened
from a file that is not valid (or, with ``skip_invalid``, the rejects are
known before anything is screened). :func:`screen_file` reads it again and
screens the valid shipments in batches on the executor
(:mod:`dualuse.batch.workers`); the main process records each shipment (one
transaction per shipment, with its ``batch_items`` row), appends it to the
run's spool and, after each batch, the journal (:mod:`dualuse.batch.journal`).
When every shipment is done the output is made from the spool - the same
bytes :func:`dualuse.output.writers.write_decisions` writes - and the run's
folder is removed. Memory is bounded by the batch size and the number of
batches in flight, not by the file.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dualuse.batch.journal import Journal, file_digest, run_key, state_dir
from dualuse.batch.workers import Context, Screened, Task, adopt, check_versions, executor
from dualuse.input.errors import InputError, InputIssue, RejectedRecord
from dualuse.input.stream import StreamInfo, iter_records
from dualuse.models.shipment import Shipment

Progress = Callable[[str, int, int | None], None]
"""``progress(phase, done, total)``: phase ``reading`` / ``validating`` (bytes) or ``screening`` (shipments)."""

SCREEN_BATCH = 64
"""Shipments sent to a worker at a time: large enough to amortise the hand-over, small enough to keep
every worker busy and the journal close behind."""


@dataclass
class Validated:
    """What the validation pass found.

    Attributes:
        shipments: valid shipments in the file.
        rejected: invalid records (only with ``skip_invalid``; otherwise invalid input raises).
        info: the file as read (encoding, columns, unmapped columns).
    """

    shipments: int
    rejected: list[RejectedRecord]
    info: StreamInfo


@dataclass
class Outcome:
    """What a batch run did.

    Attributes:
        counts: verdict -> number of shipments.
        shown: shipments written or shown (after ``only``).
        recorded: shipments recorded by this run (resumed ones included).
        first_seq, last_seq: audit record seqs of this run's screenings.
        opened: alerts opened; pending: shipments pending review afterwards.
        resumed: shipments taken over from an interrupted run of the same arguments.
        workers: workers that screened.
    """

    counts: Counter = field(default_factory=Counter)
    shown: int = 0
    recorded: int = 0
    first_seq: int | None = None
    last_seq: int | None = None
    opened: int = 0
    pending: int = 0
    resumed: int = 0
    workers: int = 1
    screener: Any = None


def validate(path: Path, *, sheet=None, vocabulary=None, date_order=None, skip_invalid: bool = False,
             max_errors: int | None = None, on_issues: Callable[[list[InputIssue]], None] | None = None,
             progress: Progress | None = None, threshold: int | None = None, spool: Path | None = None) -> Validated:
    """Read and validate every record of ``path`` once, as a stream.

    Args:
        on_issues: called with each invalid record's issues as soon as it is read.
        max_errors: stop after this many invalid records (without ``skip_invalid``).
        progress: called with ``("validating", bytes read, file size)``.
        spool: write each valid shipment here as one JSON line, for :func:`screen_file` (which then
            does not parse the file a second time).

    Raises:
        InputError: the file as a whole is unreadable, or (without ``skip_invalid``) records are
            invalid: every issue found (up to ``max_errors`` records).
    """
    info = StreamInfo(str(path), "", 0)
    rejected: list[RejectedRecord] = []
    issues: list[InputIssue] = []
    bad = 0
    valid = 0
    out = spool.open("w", encoding="utf-8") if spool is not None else None
    try:
        for records in iter_records(path, sheet=sheet, vocabulary=vocabulary, date_order=date_order, info=info,
                                    threshold=threshold):
            bad = _check(records, bad, valid_out=out, rejected=rejected, issues=issues, info=info,
                         skip_invalid=skip_invalid, max_errors=max_errors, on_issues=on_issues)
            valid += sum(1 for r in records if r.shipment is not None and not r.issues)
            if progress:
                progress("validating", info.bytes_read, info.size)
    finally:
        if out is not None:
            out.close()
    if issues:
        raise InputError(issues)
    return Validated(valid, rejected, info)


def _check(records, bad: int, *, valid_out, rejected, issues, info, skip_invalid, max_errors, on_issues) -> int:
    """Sort one batch of records into the spool, the rejects or the issues; the count of bad records so far."""
    for record in records:
        if record.shipment is not None and not record.issues:
            if valid_out is not None:
                valid_out.write(record.shipment.model_dump_json() + "\n")
            continue
        bad += 1
        if on_issues:
            on_issues(list(record.issues))
        if skip_invalid:
            rejected.append(RejectedRecord(rows=list(record.rows), raw=record.raw, issues=list(record.issues),
                                           shipment_id=record.shipment_id, source=info.source))
        else:
            issues.extend(record.issues)
            if max_errors is not None and bad >= max_errors:
                raise InputError(issues)
    return bad


def _valid_shipments(path: Path, *, sheet, vocabulary, date_order, threshold, spool: Path | None = None) -> Iterator[Any]:
    """The valid shipments in input order: JSON lines from the validation pass's spool, else the file read again."""
    if spool is not None:
        with spool.open(encoding="utf-8") as handle:
            for line in handle:
                yield line.rstrip("\n")
        return
    for records in iter_records(path, sheet=sheet, vocabulary=vocabulary, date_order=date_order, threshold=threshold):
        for record in records:
            if record.shipment is not None and not record.issues:
                yield record.shipment


@dataclass
class Plan:
    """How to screen: the file, the reading options, the output and the records.

    Attributes:
        path, sheet, vocabulary, date_order: the input and how to read it.
        as_of: evaluation date, or ``None`` (each shipment's date).
        output: the output file (``None``: standard output, or nothing for the table view).
        format: ``jsonl``, ``csv``, ``xlsx`` or ``table`` (decisions returned, not written).
        only: verdicts to write (``None``: all).
        workers: worker processes; dask: a scheduler address, ``local`` or ``None``.
        db: the records database (``None``: the packaged lists, nothing recorded).
        record: record each screening (else a what-if against the database's lists).
        actor, channel: who asked, through what.
        arguments: every other argument that changes the result (for the run key).
        threshold: stream files from this size (tests).
    """

    path: Path
    format: str
    sheet: str | None = None
    vocabulary: Any = None
    date_order: str | None = None
    as_of: dt.date | None = None
    output: Path | None = None
    only: set[str] | None = None
    workers: int = 1
    dask: str | None = None
    db: Any = None
    record: bool = False
    actor: str = "cli"
    channel: str = "cli"
    arguments: dict = field(default_factory=dict)
    threshold: int | None = None


def screen_file(plan: Plan, total: int, *, progress: Progress | None = None,
                shipments: Path | None = None) -> tuple[Outcome, list | None]:
    """Screen the valid shipments of ``plan.path`` (``total`` of them, from :func:`validate`); write the output.

    ``shipments`` is the validation pass's spool of the valid shipments (else the file is read again).

    Returns:
        ``(outcome, decisions)``: ``decisions`` (after ``only``) for the table view, else ``None``.

    Raises:
        BatchError: a worker on another version, a cluster that cannot be reached.
        OSError: the output cannot be written.
    """
    from dualuse import __version__
    from dualuse.decision.screen import Screener
    from dualuse.i18n import current

    info = None
    data_dir = None
    if plan.db is not None:
        from dualuse.service.screening import live_screener
        from dualuse.service import versions

        info, screener = live_screener(plan.db)
        materialised = versions.materialize(plan.db, info)
        data_dir = str(materialised) if materialised is not None else None
    else:  # the packaged lists: the screener this process already loaded, if any (its memos stay warm)
        from dualuse.batch.workers import loaded
        from dualuse.refdata import store

        screener = loaded(store.data_version())
        if screener is None:
            screener = Screener()
            screener.entries_by_id = {entry.id: entry for entry in screener.entries}  # type: ignore[attr-defined]
    adopt(screener)  # before the pool forks: the workers inherit the loaded index
    context = Context(
        data_version=screener.data_version, engine_version=__version__, language=current(), as_of=plan.as_of,
        data_dir=data_dir, db_url=plan.db.url if plan.db is not None else None,
        version_seq=info.seq if info is not None else None, csv_rows=plan.format == "csv",
    )
    read = [0]

    def reading(n: int) -> None:
        read[0] += n
        if progress:
            progress("reading", read[0], None)

    digest = file_digest(plan.path, reading)
    key = run_key(digest, {**plan.arguments, "format": plan.format, "as_of": plan.as_of, "record": plan.record,
                           "db": plan.db.url if plan.db is not None else None, "data": screener.data_version,
                           "engine": __version__, "language": current()})
    journal = Journal.open(state_dir(plan.output, key), key)
    outcome = Outcome(screener=screener)
    recorder = _Recorder(plan, screener, info, journal.run_id) if plan.record else None
    with journal.spool.open("ab") as spool, executor(plan.workers, plan.dask) as pool:
        outcome.workers = pool.workers
        outcome.resumed = journal.done
        if recorder is not None:  # recorded by the interrupted run after its last journal write: replayed, not re-recorded
            replay = sorted(o for o in recorder.already if o >= journal.done)
            for start in range(0, len(replay), SCREEN_BATCH):
                _append(spool, journal, recorder, [recorder.replay(o) for o in replay[start:start + SCREEN_BATCH]],
                        outcome, progress, total)
            outcome.resumed = journal.done
        if progress:
            progress("screening", journal.done, total)
        shipments = _valid_shipments(plan.path, sheet=plan.sheet, vocabulary=plan.vocabulary,
                                     date_order=plan.date_order, threshold=plan.threshold, spool=shipments)
        batches = _batches(shipments, journal.done, recorder, SCREEN_BATCH)
        for result in pool.map(context, batches, plan.record):
            check_versions(context, result)
            _append(spool, journal, recorder, result.items, outcome, progress, total)
    return _finish(plan, journal, outcome, context)


def _batches(shipments, done: int, recorder, size: int) -> Iterator[list[Task]]:
    """Batches of the shipments from ordinal ``done`` on (with their overrides when recording)."""
    batch: list[Task] = []
    for ordinal, shipment in enumerate(shipments):
        if ordinal < done:
            continue
        batch.append(Task(ordinal, shipment))
        if len(batch) >= size:
            yield recorder.with_overrides(batch) if recorder is not None else batch
            batch = []
    if batch:
        yield recorder.with_overrides(batch) if recorder is not None else batch


def _append(spool, journal: Journal, recorder, items: list[Screened], outcome: Outcome, progress, total) -> None:
    lines = []
    for item in items:
        if recorder is not None:
            recorder.record(item, outcome)
        outcome.counts[item.verdict] += 1
        lines.append(_spool_line({"o": item.ordinal, "v": item.verdict, "d": item.decision_json, "r": item.csv_rows}))
    data = b"".join(lines)
    spool.write(data)
    spool.flush()
    journal.done = items[-1].ordinal + 1
    journal.spool_bytes += len(data)
    journal.save()
    if progress:
        progress("screening", journal.done, total)


class _Recorder:
    """Records each screened shipment with its ``batch_items`` row; knows what an interrupted run recorded."""

    def __init__(self, plan: Plan, screener, info, key: str):
        from sqlalchemy import select

        from dualuse.service.screening import whitelist_overrides
        from dualuse.storage.models import BatchItem

        self.plan, self.screener, self.info, self.key = plan, screener, info, key
        with plan.db.read() as session:
            self.whitelist = whitelist_overrides(session)
            self.already: dict[int, int] = dict(session.execute(
                select(BatchItem.ordinal, BatchItem.record_seq).where(BatchItem.run_key == key)).all())
        self.shipments: dict[int, Any] = {}

    def with_overrides(self, batch: list[Task]) -> list[Task]:
        """The tasks with each shipment's reviewer overrides (read once here, checked again when recorded)."""
        from dualuse.service.screening import shipment_overrides

        with self.plan.db.read() as session:
            for task in batch:
                if isinstance(task.shipment, str):
                    task.shipment = Shipment.model_validate_json(task.shipment)
                suppress, confirm = shipment_overrides(session, task.shipment.id)
                task.suppress = {**self.whitelist, **suppress}
                task.confirm = confirm
                self.shipments[task.ordinal] = (task.shipment, task.suppress, task.confirm)
        return batch

    def replay(self, ordinal: int) -> Screened:
        """A shipment recorded before the interruption: its recorded decision, not a second record."""
        from dualuse.models.decision import Decision
        from dualuse.output.writers import localised_line_rows
        from dualuse.storage.models import AuditRecord

        seq = self.already[ordinal]
        with self.plan.db.read() as session:
            row = session.get(AuditRecord, seq)
            payload = json.loads(row.payload)
        decision = Decision.model_validate(payload["decision"])
        rows = localised_line_rows([decision]) if self.plan.format == "csv" else None
        return Screened(ordinal, decision.id, decision.verdict, decision.model_dump_json(), rows,
                        decision=None, applied=[("replayed", seq)])

    def record(self, item: Screened, outcome: Outcome) -> None:
        from dualuse.service.screening import record_screening
        from dualuse.storage.models import BatchItem

        if item.ordinal in self.already:  # recorded by the interrupted run
            seq = self.already[item.ordinal]
            self.shipments.pop(item.ordinal, None)
            outcome.recorded += 1
            outcome.first_seq = seq if outcome.first_seq is None else min(outcome.first_seq, seq)
            outcome.last_seq = seq if outcome.last_seq is None else max(outcome.last_seq, seq)
            return
        shipment, suppress, confirm = self.shipments.pop(item.ordinal)
        with self.plan.db.write() as session:
            result = record_screening(session, self.screener, self.info, shipment, actor=self.plan.actor,
                                      channel=self.plan.channel, as_of=self.plan.as_of, whitelist=self.whitelist,
                                      screened=(item.decision, item.applied, suppress, confirm))
            session.add(BatchItem(run_key=self.key, ordinal=item.ordinal, record_seq=result.record_seq))
        if result.decision is not item.decision:  # re-screened: a reviewer decided in between
            item.decision_json = result.decision.model_dump_json()
            item.verdict = result.decision.verdict
            if item.csv_rows is not None:
                from dualuse.output.writers import localised_line_rows

                item.csv_rows = localised_line_rows([result.decision])
        outcome.recorded += 1
        outcome.opened += len(result.alerts_opened)
        outcome.pending += result.status == "pending_review"
        seq = result.record_seq
        outcome.first_seq = seq if outcome.first_seq is None else min(outcome.first_seq, seq)
        outcome.last_seq = seq if outcome.last_seq is None else max(outcome.last_seq, seq)


def _spool_line(item: dict) -> bytes:
    """One spool line (UTF-8 JSON and a newline); orjson where it can write the values, else the json module."""
    try:
        import orjson
    except ImportError:  # pragma: no cover - orjson is a dependency
        orjson = None
    if orjson is not None:
        try:
            return orjson.dumps(item) + b"\n"
        except TypeError:  # a value orjson does not write (an integer beyond 64 bits): the json module's form
            pass
    return (json.dumps(item, ensure_ascii=False) + "\n").encode("utf-8")


def _spool_items(journal: Journal) -> Iterator[dict]:
    """The spool's items in order, each parsed once."""
    try:
        from orjson import loads
    except ImportError:  # pragma: no cover - orjson is a dependency
        loads = json.loads
    with journal.spool.open("rb") as handle:
        for line in handle:
            yield loads(line)


def _spool_lines(journal: Journal, only: set[str] | None, counts: Counter | None = None) -> Iterator[dict]:
    """The spool's items whose verdict is in ``only`` (all when ``None``); ``counts`` counts every verdict read."""
    for item in _spool_items(journal):
        if counts is not None:
            counts[item["v"]] += 1
        if only is None or item["v"] in only:
            yield item


def _finish(plan: Plan, journal: Journal, outcome: Outcome, context: Context) -> tuple[Outcome, list | None]:
    """Make the output from the spool (atomically), then remove the run's folder."""
    from dualuse.i18n import using
    from dualuse.models.decision import Decision
    from dualuse.output.files import replace_atomically
    from dualuse.output.writers import write_csv_rows, xlsx_bytes

    # one pass over the spool counts the verdicts, the shipments shown and writes them (a write that is
    # retried starts the counts again)
    decisions = None

    def shown_items() -> Iterator[dict]:
        outcome.counts = Counter()
        outcome.shown = 0
        for item in _spool_lines(journal, plan.only, outcome.counts):
            outcome.shown += 1
            yield item

    def batches() -> Iterator[list[dict]]:
        for item in shown_items():
            yield item["r"] or []

    def write(stream) -> None:
        if plan.format == "jsonl":
            for item in shown_items():
                stream.write(item["d"] + "\n")
        else:
            with using(context.language):
                write_csv_rows(stream, batches)

    if plan.format in ("jsonl", "csv"):
        if plan.output is not None:
            def to_file(tmp: Path) -> None:
                with open(tmp, "w", encoding="utf-8", newline="") as stream:
                    write(stream)
            replace_atomically(plan.output, to_file)
        else:
            stream = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="", write_through=True)
            try:
                write(stream)
                stream.flush()
            finally:
                stream.detach()  # standard output stays open for the summary
    else:
        decisions = [Decision.model_validate_json(item["d"]) for item in shown_items()]
        if plan.format == "xlsx" and plan.output is not None:
            with using(context.language):
                payload = xlsx_bytes(decisions)
            replace_atomically(plan.output, lambda tmp: tmp.write_bytes(payload))
            decisions = None
    journal.remove()
    return outcome, decisions
