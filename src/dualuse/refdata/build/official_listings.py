"""Convert ``data-sources/curated/official_listings.yaml``: entries recorded from official notices.

The MOFCOM snapshot lacks some listings: the MFA countermeasures on three
Japanese persons, and the MOFCOM countermeasures of Order 2025 No. 5 that
Order 2026 No. 1 cancelled. Each curated entry names its instrument (an id
of ``knowledge.yaml``), whose citation and official URL become the entry's
legal source; a status change names the instrument that made it.

An entry the snapshot already has (same list and primary name) is not added
twice: the snapshot's record wins and the curated one is reported as skipped.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import ValidationError

from dualuse.models.knowledge import Knowledge
from dualuse.models.reference import LegalSource, ListEntry, NameForm, StatusInterval

from .common import BuildError, name_key, parse_date
from .mofcom_lists import LIST_ARTICLES
from .names import dedupe
from .sources import OFFICIAL_LISTINGS

FILE = Path(OFFICIAL_LISTINGS.path).name
KEYS = {"id", "list", "schema", "name", "names", "countries", "category", "instrument", "effective", "status", "notes"}


def convert(curated_dir: Path, knowledge: Knowledge, existing: list[ListEntry]) -> tuple[list[ListEntry], list[str]]:
    """The curated entries not already in ``existing``, and the ids skipped because they are.

    Raises:
        BuildError: missing file, unknown keys, unknown instrument or list, bad dates.
    """
    path = Path(curated_dir) / FILE
    if not path.is_file():
        return [], []
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as error:
        raise BuildError(f"{FILE}: not valid YAML: {error}") from None
    instruments = {i.id: i for i in knowledge.instruments}
    have = {(e.list, name_key(e.name)) for e in existing}
    ids = {e.id for e in existing}
    out: list[ListEntry] = []
    skipped: list[str] = []
    for n, raw in enumerate(data.get("entries") or []):
        where = f"{FILE} entries[{n}] ({raw.get('id') if isinstance(raw, dict) else '?'})"
        if not isinstance(raw, dict):
            raise BuildError(f"{where}: expected a mapping")
        unknown = set(raw) - KEYS
        if unknown:
            raise BuildError(f"{where}: unknown key(s) {sorted(unknown)}; expected {sorted(KEYS)}")
        list_id = raw.get("list")
        if list_id not in LIST_ARTICLES:
            raise BuildError(f"{where}: list {list_id!r} is not one of {sorted(LIST_ARTICLES)}")
        instrument = instruments.get(raw.get("instrument"))
        if instrument is None or not instrument.urls:
            raise BuildError(f"{where}: instrument {raw.get('instrument')!r} is not an instrument of knowledge.yaml with an official URL")
        if (list_id, name_key(raw["name"])) in have:
            skipped.append(raw["id"])
            continue
        if raw["id"] in ids:
            raise BuildError(f"{where}: id {raw['id']} is taken by another entry")
        effective = parse_date(str(raw.get("effective") or ""), f"{where} effective")
        intervals = []
        for k, status in enumerate(raw.get("status") or []):
            by = instruments.get(status.get("instrument"))
            if by is None:
                raise BuildError(f"{where} status[{k}]: instrument {status.get('instrument')!r} is not in knowledge.yaml")
            end = status.get("end")
            intervals.append(
                StatusInterval(
                    status=status["status"],
                    start=parse_date(str(status.get("start")), f"{where} status[{k}].start"),
                    end=parse_date(str(end), f"{where} status[{k}].end") if end else None,
                    source_url=by.urls[0] if by.urls else None,
                    note=by.effect,
                    instrument=by.citation,
                )
            )
        url = instrument.urls[0]
        forms = [NameForm(value=raw["name"], lang="en", kind="primary", source=url)]
        forms += [NameForm(source=url, **form) for form in raw.get("names") or []]
        try:
            entry = ListEntry(
                id=raw["id"],
                list=list_id,
                schema=raw.get("schema", "Organization"),
                name=raw["name"],
                names=dedupe(forms),
                countries=list(raw.get("countries") or []),
                legal_source=LegalSource(
                    issuer=instrument.issuer,
                    kind=instrument.kind,
                    year=instrument.year,
                    number=instrument.number,
                    title_zh=instrument.title_zh,
                    citation=instrument.citation,
                    articles=list(LIST_ARTICLES[list_id]),
                    url=url,
                ),
                published=instrument.published or effective,
                effective=effective,
                status_intervals=intervals,
                category=raw.get("category"),
                notes=raw.get("notes"),
                provenance={
                    "dataset": OFFICIAL_LISTINGS.dataset,
                    "file": OFFICIAL_LISTINGS.path,
                    "record_key": raw["id"],
                    "source": f"{url} ({instrument.source.strip()})",
                    "licence": OFFICIAL_LISTINGS.licence,
                },
            )
        except ValidationError as error:
            first = error.errors()[0]
            raise BuildError(f"{where}: {'.'.join(str(p) for p in first.get('loc', ()))}: {first.get('msg')}") from None
        out.append(entry)
        have.add((list_id, name_key(entry.name)))
    return out, skipped
