"""Bounds on what one input may hold: beyond one, the input is refused with a clear error, never read on.

Every bound has a default (:class:`InputLimits`) and can be changed with an
environment variable ``DUALUSE_MAX_<NAME>`` (e.g. ``DUALUSE_MAX_LINES=20000``),
read by :func:`current_limits`:

=====================  ====================================  ================
name                   what                                  default
=====================  ====================================  ================
``file_bytes``         size of a file read whole (bytes)     200,000,000
``xlsx_bytes``         size of an XLSX workbook (bytes)      50,000,000
``unpacked_bytes``     unpacked size of an XLSX's members    500,000,000
``rows``               data rows of a table / JSON records   1,000,000
``columns``            columns of a table                    500
``cell_chars``         characters in one cell or value       100,000
``json_depth``         nesting of one JSON record            20
``parties``            parties of one shipment               200
``lines``              item lines of one shipment            5,000
``shipment_seconds``   screening one shipment (seconds)      10 (see below)
=====================  ====================================  ================

A shipment file from an ERP or a customs system is far inside all of them;
the defaults exist so that a broken or hostile file (a quote never closed,
a header row of 50,000 columns, a JSON value nested 100,000 deep) ends in an
error naming file, row and column instead of a hang or exhausted memory.
Files larger than :data:`dualuse.input.stream.STREAM_FROM_BYTES` (CSV and JSON
Lines) are streamed, and only the per-row and per-shipment bounds apply to them.

``shipment_seconds`` is enforced by :func:`time_limit` where it is used (the fuzz harness's hang
check); the screening paths rely on the size bounds above, which keep one shipment far below it
(the long fuzz run's slowest input is reported by ``benchmarks/fuzz_long.py``).
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from collections.abc import Iterator
from dataclasses import dataclass, fields, replace
from typing import Any


@dataclass(frozen=True)
class InputLimits:
    """The bounds (see the module docstring for units and defaults)."""

    file_bytes: int = 200_000_000
    xlsx_bytes: int = 50_000_000
    unpacked_bytes: int = 500_000_000
    rows: int = 1_000_000
    columns: int = 500
    cell_chars: int = 100_000
    json_depth: int = 20
    parties: int = 200
    lines: int = 5_000
    shipment_seconds: float = 10.0


def current_limits() -> InputLimits:
    """The defaults, with each ``DUALUSE_MAX_<NAME>`` set in the environment applied.

    Raises:
        ValueError: a variable is not a positive number (naming it).
    """
    limits = InputLimits()
    changes: dict[str, Any] = {}
    for f in fields(InputLimits):
        raw = os.environ.get(f"DUALUSE_MAX_{f.name.upper()}")
        if raw is None or not raw.strip():
            continue
        try:
            value = float(raw) if f.type in ("float", float) else int(raw.replace("_", "").replace(",", ""))
        except ValueError:
            raise ValueError(f"DUALUSE_MAX_{f.name.upper()}={raw!r}: expected a positive number") from None
        if value <= 0:
            raise ValueError(f"DUALUSE_MAX_{f.name.upper()}={raw!r}: expected a positive number")
        changes[f.name] = value
    return replace(limits, **changes) if changes else limits


def json_depth(value: Any) -> int:
    """How deeply ``value`` nests lists and objects (a scalar is 0, ``[1]`` is 1); iterative."""
    deepest = 0
    stack = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
            deepest = max(deepest, depth + 1)
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
            deepest = max(deepest, depth + 1)
    return deepest


def shipment_size_problem(data: Any, limits: InputLimits | None = None) -> str | None:
    """Why a shipment object (as a dict) is too large for the bounds, or ``None``."""
    if not isinstance(data, dict):
        return None
    limits = limits or current_limits()
    lines = data.get("lines")
    if isinstance(lines, list) and len(lines) > limits.lines:
        return (f"the shipment has {len(lines):,} item lines, more than the limit of {limits.lines:,} "
                "(DUALUSE_MAX_LINES); split it")
    intermediaries = data.get("intermediaries")
    parties = 3 + (len(intermediaries) if isinstance(intermediaries, list) else 0)
    if parties > limits.parties:
        return (f"the shipment names {parties:,} parties, more than the limit of {limits.parties:,} "
                "(DUALUSE_MAX_PARTIES)")
    return None


class ShipmentTimeout(Exception):
    """Screening one shipment took longer than ``shipment_seconds``."""


@contextlib.contextmanager
def time_limit(seconds: float | None = None) -> Iterator[None]:
    """Raise :class:`ShipmentTimeout` in the block after ``seconds`` (default: ``shipment_seconds``).

    Uses ``SIGALRM``, so it only bounds the main thread of a process (the CLI); elsewhere (API worker
    threads) the block runs unbounded and the size limits bound it instead.
    """
    seconds = current_limits().shipment_seconds if seconds is None else seconds
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return
    if signal.getitimer(signal.ITIMER_REAL)[0] > 0:  # an outer alarm is running: do not replace it
        yield
        return

    def expired(signum, frame):
        raise ShipmentTimeout(f"screening took longer than {seconds:g} s (DUALUSE_MAX_SHIPMENT_SECONDS)")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
