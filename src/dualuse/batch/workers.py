"""Screen batches of shipments in worker processes: on this machine (a process pool) or on a Dask cluster.

Every executor runs the same function, :func:`screen_batch`, with the same
:class:`Context` (list version, engine version, language, as-of date), and
hands results back in submission order with at most ``window`` batches in
flight, so memory stays bounded and the output keeps the input's order.

* :class:`InProcess`: one worker, no pool (``--workers 1``).
* :class:`LocalPool`: ``N`` processes. On Linux they are forked *after* the
  screener is loaded, so they share its index pages with the parent
  (copy-on-write) instead of each building it; elsewhere (spawn) each worker
  loads the same list version once.
* :class:`DaskPool`: a ``dask.distributed`` cluster (a scheduler address, or
  ``local`` for a :class:`~distributed.LocalCluster`). Each Dask worker loads
  the list version once (from the shared records database, or the packaged
  data) and caches its screener.

Every result names the engine and data version its worker screened with;
:func:`check_versions` refuses a batch screened with anything else, so one
output never mixes versions.
"""

from __future__ import annotations

import datetime as dt
import gc
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from dualuse.models.shipment import Shipment


class BatchError(RuntimeError):
    """A batch run cannot go on (a worker on another version, a cluster that cannot be reached)."""


@dataclass(frozen=True)
class Context:
    """What every worker needs to screen exactly like the main process.

    Attributes:
        data_version: the list version to screen against (checked on every worker).
        engine_version: ``dualuse.__version__`` of the main process (checked on every worker).
        language: the user's language for rendered texts (CSV columns and reasons).
        as_of: evaluation date instead of each shipment's date, or ``None``.
        data_dir: directory of the list version's files (``None``: the packaged data).
        db_url: the records database (workers that cannot see ``data_dir`` materialise the version from it).
        version_seq: the stored version's seq (with ``db_url``).
        csv_rows: also render each decision's CSV rows (``--format csv``).
    """

    data_version: str
    engine_version: str
    language: str
    as_of: dt.date | None = None
    data_dir: str | None = None
    db_url: str | None = None
    version_seq: int | None = None
    csv_rows: bool = False


@dataclass
class Task:
    """One shipment to screen.

    Attributes:
        ordinal: its position among the input's valid shipments (0-based).
        shipment: the validated shipment, or its JSON (the validation pass's spool; parsed by the worker).
        suppress, confirm: reviewer overrides from the records database
            (see :class:`dualuse.decision.overrides.HitOverrides`).
        as_of: this shipment's evaluation date, over the context's (re-screening after a list update).
    """

    ordinal: int
    shipment: Shipment | str
    suppress: dict = field(default_factory=dict)
    confirm: dict = field(default_factory=dict)
    as_of: dt.date | None = None


@dataclass
class Screened:
    """One screened shipment as the main process needs it.

    Attributes:
        ordinal, shipment_id, verdict: as screened.
        decision_json: the decision as one JSON line (the ``jsonl`` output, without the newline).
        csv_rows: its CSV rows (dicts), when the context asks for them.
        decision: the :class:`~dualuse.models.decision.Decision` itself (only when recording: the record keeps it).
        applied: the overrides applied (``AppliedOverride``), for the record.
    """

    ordinal: int
    shipment_id: str
    verdict: str
    decision_json: str
    csv_rows: list | None = None
    decision: Any = None
    applied: list = field(default_factory=list)


@dataclass
class BatchResult:
    """A screened batch and who screened it."""

    items: list[Screened]
    engine_version: str
    data_version: str
    worker: str


# --- the worker side -------------------------------------------------------------

_SCREENERS: dict[str, Any] = {}
"""Screeners of this process by data version (inherited by forked workers, loaded once by the others)."""


def adopt(screener: Any) -> None:
    """Make ``screener`` the one this process (and the workers it forks) screens ``screener.data_version`` with."""
    _SCREENERS[screener.data_version] = screener


def loaded(data_version: str):
    """The screener this process holds for ``data_version``, or ``None``."""
    return _SCREENERS.get(data_version)


def _screener(context: Context):
    found = _SCREENERS.get(context.data_version)
    if found is not None:
        return found
    from dualuse.decision.screen import Screener

    directory = context.data_dir
    if directory is not None and not os.path.isdir(directory) and context.db_url is not None:
        directory = _materialise(context)
    found = Screener(data_dir=directory)
    found.entries_by_id = {entry.id: entry for entry in found.entries}  # type: ignore[attr-defined]
    _SCREENERS[found.data_version] = found
    return found


def _materialise(context: Context) -> str | None:
    """This worker cannot see the main process's data directory: write the version from the shared database."""
    from dualuse.service import versions
    from dualuse.storage.db import open_database

    db = open_database(context.db_url)
    info = next((v for v in versions.history(db) if v.seq == context.version_seq), None)
    if info is None:
        raise BatchError(f"list version #{context.version_seq} is not in {db.label}")
    path = versions.materialize(db, info)
    return str(path) if path is not None else None


def screen_batch(context: Context, tasks: list[Task], keep_decisions: bool) -> BatchResult:
    """Screen ``tasks`` with the context's list version (the function every executor runs).

    Args:
        context: see :class:`Context`.
        tasks: the shipments, with their overrides.
        keep_decisions: also return the Decision objects (the main process records them).

    Returns:
        A :class:`BatchResult`; ``engine_version``/``data_version`` are this worker's.
    """
    from dualuse import __version__
    from dualuse.decision.overrides import HitOverrides
    from dualuse.i18n import using
    from dualuse.output.writers import localised_line_rows

    screener = _screener(context)
    items: list[Screened] = []
    with using(context.language):
        for task in tasks:
            if isinstance(task.shipment, str):
                task.shipment = Shipment.model_validate_json(task.shipment)
            overrides = HitOverrides(suppress=task.suppress, confirm=task.confirm) if (task.suppress or task.confirm) else None
            decision = screener.screen(task.shipment, task.as_of or context.as_of, overrides)
            items.append(Screened(
                ordinal=task.ordinal,
                shipment_id=task.shipment.id,
                verdict=decision.verdict,
                decision_json=decision.model_dump_json(),
                csv_rows=localised_line_rows([decision]) if context.csv_rows else None,
                decision=decision if keep_decisions else None,
                applied=list(overrides.applied) if overrides is not None else [],
            ))
    return BatchResult(items, __version__, screener.data_version, f"{os.uname().nodename}:{os.getpid()}")


def check_versions(context: Context, result: BatchResult) -> None:
    """Refuse a batch screened on another engine or data version than the run's.

    Raises:
        BatchError: naming the worker and both versions.
    """
    if result.engine_version != context.engine_version or result.data_version != context.data_version:
        raise BatchError(
            f"worker {result.worker} screened with engine {result.engine_version} and data {result.data_version}, "
            f"but this run uses engine {context.engine_version} and data {context.data_version}: install the same "
            "dualuse version on every worker (the data comes from the shared records database)"
        )


# --- executors -----------------------------------------------------------------


class _Ordered:
    """Submit batches, get results back in submission order, with a bounded number in flight."""

    window = 4

    def map(self, context: Context, batches: Iterable[list[Task]], keep_decisions: bool) -> Iterator[BatchResult]:
        pending: deque = deque()
        for tasks in batches:
            pending.append(self.submit(context, tasks, keep_decisions))
            if len(pending) >= self.window:
                yield self.result(pending.popleft())
        while pending:
            yield self.result(pending.popleft())

    def submit(self, context: Context, tasks: list[Task], keep_decisions: bool) -> Any:
        raise NotImplementedError

    def result(self, handle: Any) -> BatchResult:
        raise NotImplementedError

    def close(self) -> None:
        """Stop the workers."""

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class InProcess(_Ordered):
    """Screen in this process (one worker)."""

    workers = 1
    window = 1

    def submit(self, context, tasks, keep_decisions):
        return screen_batch(context, tasks, keep_decisions)

    def result(self, handle):
        return handle


class LocalPool(_Ordered):
    """``workers`` processes on this machine (forked after the screener is loaded where the system allows)."""

    def __init__(self, workers: int):
        import multiprocessing

        method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
        self.workers = workers
        self.window = 2 * workers + 1
        if method == "fork":
            # the loaded index and screener are millions of objects: frozen, the workers' garbage collector
            # never walks them (walking writes their headers, copying every shared page into each worker)
            gc.collect()
            gc.freeze()
        try:
            self._pool = multiprocessing.get_context(method).Pool(workers)
        finally:
            if method == "fork":
                gc.unfreeze()

    def submit(self, context, tasks, keep_decisions):
        return self._pool.apply_async(screen_batch, (context, tasks, keep_decisions))

    def result(self, handle):
        return handle.get()

    def close(self) -> None:
        self._pool.terminate()
        self._pool.join()


class DaskPool(_Ordered):
    """A Dask cluster: ``address`` of a scheduler (``tcp://host:8786``) or ``local`` (a LocalCluster of ``workers``).

    Raises:
        BatchError: Dask is not installed, or the scheduler cannot be reached.
    """

    def __init__(self, address: str, workers: int | None = None):
        try:
            from distributed import Client, LocalCluster
        except ImportError:  # pragma: no cover - dask is a dependency of the "dask" extra
            raise BatchError("--dask needs Dask: pip install 'dualuse[dask]'") from None
        self._cluster = None
        try:
            if address == "local":
                self._cluster = LocalCluster(n_workers=workers or os.cpu_count() or 1, threads_per_worker=1,
                                             processes=True, dashboard_address=None)
                self._client = Client(self._cluster)
            else:
                self._client = Client(address, timeout=30)
        except OSError as error:
            raise BatchError(f"cannot reach the Dask scheduler {address}: {error}") from None
        self.workers = max(1, len(self._client.scheduler_info().get("workers", {})))
        self.window = 2 * self.workers + 1

    def submit(self, context, tasks, keep_decisions):
        return self._client.submit(screen_batch, context, tasks, keep_decisions, pure=False)

    def result(self, handle):
        return handle.result()

    def close(self) -> None:
        self._client.close()
        if self._cluster is not None:
            self._cluster.close()


def executor(workers: int, dask: str | None) -> _Ordered:
    """The executor for ``--workers`` / ``--dask``."""
    if dask:
        return DaskPool(dask, workers)
    return InProcess() if workers <= 1 else LocalPool(workers)


def default_workers() -> int:
    """Every core this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - macOS, Windows
        return os.cpu_count() or 1


ProgressCallback = Callable[[int], None]
