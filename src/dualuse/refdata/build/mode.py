"""Build mode: the packaged snapshot (strict) or a newer snapshot loaded by ``dualuse lists update``.

The converter normally insists on the snapshot the package was built from:
the MOFCOM data date 2026-08-05, the documented list counts, and Japanese
names for every Japanese entry. An *update* is a newer snapshot in the same
layout: its own data date (the stamp's ``asOf``), more or fewer entries, and
Japanese entries that the name knowledge base does not cover yet. Inside
``with updating(data_date):`` the converter accepts exactly that, and
nothing else is relaxed::

    with updating("2026-12-01"):
        build(source_dir, out_dir, curated_dir)
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from .sources import MOFCOM_DATA_DATE


@dataclass(frozen=True)
class UpdateMode:
    """An update build: ``data_date`` is the MOFCOM snapshot's as-of date (ISO)."""

    data_date: str


_MODE: ContextVar[UpdateMode | None] = ContextVar("dualuse_build_mode", default=None)


def update_mode() -> UpdateMode | None:
    """The update mode in effect, or ``None`` for a strict build of the packaged snapshot."""
    return _MODE.get()


def mofcom_data_date() -> str:
    """The MOFCOM lists' data date of this build (ISO)."""
    mode = _MODE.get()
    return mode.data_date if mode is not None else MOFCOM_DATA_DATE


@contextmanager
def updating(data_date: str) -> Iterator[UpdateMode]:
    """Build an update snapshot dated ``data_date`` inside the ``with`` block."""
    token = _MODE.set(UpdateMode(data_date))
    try:
        yield _MODE.get()
    finally:
        _MODE.reset(token)
