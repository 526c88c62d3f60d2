"""Convert ``data-sources/curated/knowledge.yaml`` into ``knowledge.json``; cite entries by their instruments.

Three jobs, all driven by the curated file:

* :func:`load`: the horizon, the instruments and the notes, validated
  (ISO dates, unique ids, every note's ``concerns`` a known citation);
* :func:`cite_by_instrument`: an entry the snapshot prints only in dated form
  (``商务部决定（2026-08-05）``) whose legal-source URL is an instrument's URL
  is cited by that instrument (``MOFCOM Order 2026 No. 3``), with a note;
* :func:`name_interval_instruments`: a status interval whose source URL is an
  instrument's URL records that instrument's citation (``instrument``), so a
  pending change names the notice that scheduled it.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import ValidationError

from dualuse.models.knowledge import Knowledge
from dualuse.models.reference import ControlEntry, ListEntry

from .common import BuildError
from .sources import KNOWLEDGE

FILE = Path(KNOWLEDGE.path).name


def load(curated_dir: Path) -> Knowledge:
    """Parse and check ``knowledge.yaml``.

    Raises:
        BuildError: the file is missing, not YAML, or breaks the model or its own references.
    """
    path = Path(curated_dir) / FILE
    if not path.is_file():
        raise BuildError(f"curated knowledge file {path} is missing")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise BuildError(f"{FILE}: not valid YAML: {error}") from None
    if not isinstance(data, dict):
        raise BuildError(f"{FILE}: expected a mapping at the top level")
    try:
        knowledge = Knowledge.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ()))
        raise BuildError(f"{FILE}: {where}: {first.get('msg')}") from None
    ids = [i.id for i in knowledge.instruments]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise BuildError(f"{FILE}: instrument id(s) {', '.join(duplicates)} appear twice")
    urls: dict[str, str] = {}
    for instrument in knowledge.instruments:
        for url in instrument.urls:
            if not url.startswith("http"):
                raise BuildError(f"{FILE}: instrument {instrument.id}: URL {url!r} is not an http(s) URL")
            if url in urls:
                raise BuildError(f"{FILE}: URL {url} identifies both {urls[url]} and {instrument.id}")
            urls[url] = instrument.id
    citations = {i.citation for i in knowledge.instruments}
    for note in knowledge.notes:
        unknown = [c for c in note.concerns if c not in citations]
        if unknown:
            raise BuildError(f"{FILE}: note {note.id} concerns unknown instrument(s) {unknown}; expected citations of the instruments")
        if not note.source_url.startswith("http"):
            raise BuildError(f"{FILE}: note {note.id} has no source URL")
    return knowledge


def cite_by_instrument(entries: list[ListEntry], knowledge: Knowledge) -> int:
    """Give numbered citations to entries printed in dated form, by their official URL; return how many changed."""
    changed = 0
    for i, entry in enumerate(entries):
        source = entry.legal_source
        if source.number is not None:
            continue
        instrument = knowledge.instrument_for_url(source.url)
        if instrument is None or instrument.number is None:
            continue
        note = (
            f"Cited as {instrument.citation}: the snapshot prints only '{source.title_zh or source.citation}', and its URL "
            f"is that instrument's ({FILE}: {instrument.source.strip()})"
        )
        entries[i] = entry.model_copy(
            update={
                "legal_source": source.model_copy(
                    update={
                        "issuer": instrument.issuer,
                        "kind": instrument.kind,
                        "year": instrument.year,
                        "number": instrument.number,
                        "title_zh": instrument.title_zh or source.title_zh,
                        "citation": instrument.citation,
                    }
                ),
                "notes": note,
            }
        )
        changed += 1
    return changed


def name_interval_instruments(entries: list[ListEntry], catalogue: list[ControlEntry], knowledge: Knowledge) -> int:
    """Record the instrument of every status interval whose source URL identifies one; return how many."""
    named = 0
    for obj in [*entries, *catalogue]:
        for n, interval in enumerate(obj.status_intervals):
            if interval.instrument:
                continue
            instrument = knowledge.instrument_for_url(interval.source_url)
            if instrument is not None:
                obj.status_intervals[n] = interval.model_copy(update={"instrument": instrument.citation})
                named += 1
    return named
