"""The name index cached on disk, and the stable hash its lookup arrays use.

:func:`load_or_build` returns the :class:`~dualuse.matching.index.NameIndex`
of a list of records from the artefact cache (:mod:`dualuse.artefacts`),
building and storing it on first use. The cache key is a SHA-256 of every
field of every record (id, list, name, forms, countries, organisation,
parents), the alias-learning setting and the engine key: another list
version, another record order or another version of the matching code gives
another index; nothing stale is ever read.

The index keeps hashes of compact keys, loose keys, trigrams and initials in
sorted arrays. Python's ``hash()`` of a string changes from process to
process (``PYTHONHASHSEED``), so stored arrays use :func:`stable_hash`
(BLAKE2b, 64 bits) instead.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from hashlib import blake2b
from typing import TypeVar

from dualuse.matching.records import NameRecord

T = TypeVar("T")


def stable_hash(value: str | tuple[int, str]) -> int:
    """A signed 64-bit hash of a string or a ``(kind code, string)`` pair, equal in every process.

    Args:
        value: the string, or ``(small int, string)``.

    Returns:
        An int in [-2**63, 2**63) (fits numpy ``int64``); never 0 for a non-empty
        input in practice (0 marks "no key" in the index arrays).
    """
    text = f"{value[0]}\x1f{value[1]}" if isinstance(value, tuple) else value
    return int.from_bytes(blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "little", signed=True)


def records_digest(records: Sequence[NameRecord], learn: bool | int) -> str:
    """SHA-256 (hex) of the records' content, in order, and the ``learn`` setting."""
    from dualuse.artefacts import digest_parts

    def parts():
        yield f"learn={learn!r};n={len(records)}"
        for record in records:
            yield record.id
            yield record.list
            yield record.name
            yield "\x1e".join(f"{value}\x1f{kind}" for value, kind in record.forms)
            yield "\x1f".join(record.countries)
            yield record.organisation if record.organisation is not None else "\x00"
            yield "\x1f".join(record.parents)

    return digest_parts(parts())


def load_or_build(records: Sequence[NameRecord], learn: bool | int = True, workers: int | None = None):
    """The :class:`~dualuse.matching.index.NameIndex` of ``records`` (cached on disk, see the module docstring).

    Args:
        records: the records, in index order.
        learn, workers: as for :class:`~dualuse.matching.index.NameIndex`.
    """
    from dualuse.artefacts import cached
    from dualuse.matching.index import NameIndex

    records = list(records)
    digest = records_digest(records, learn)

    def build() -> NameIndex:
        index = NameIndex(records, learn=learn, workers=workers)
        index.content_digest = digest
        return index

    return plain_arrays(cached("name-index", digest, build))


def plain_arrays(obj: T) -> T:
    """``obj`` with its memory-mapped array attributes viewed as plain ndarrays (same pages, still shared).

    Indexing an ``np.memmap`` builds a memmap subclass object each time
    (``__array_finalize__``), a fixed cost that dominates stage 1's many small
    lookups; a base-class view of the same buffer costs nothing more.
    """
    import numpy as np

    state = getattr(obj, "__dict__", {})
    for name, value in list(state.items()):
        if isinstance(value, np.memmap):
            state[name] = np.asarray(value)
    return obj


def derived(index, kind: str, build: Callable[[], T]) -> T:
    """An artefact computed from ``index`` alone (e.g. the matcher's unit names), cached with it.

    Args:
        index: a :class:`~dualuse.matching.index.NameIndex` from :func:`load_or_build`
            (one built directly has no content digest: ``build`` is then just called).
        kind: artefact name.
        build: computes it.
    """
    from dualuse.artefacts import cached

    digest = getattr(index, "content_digest", None)
    return build() if digest is None else cached(kind, digest, build)
