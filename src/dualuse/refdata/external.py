"""Load other screening lists into the name index: FollowTheMoney JSON lines, the US CSL.

Users screen against more than China's lists: OpenSanctions datasets (in
the FollowTheMoney entity format, one JSON entity per line) or the US
Consolidated Screening List (the trade.gov CSV). Both are read into
:class:`~dualuse.matching.records.NameRecord` objects with an
:class:`~dualuse.matching.records.ExternalList` describing the list, so
they go into the same index as the packaged lists. Hits on them are
reported (with the list's own citation) but trigger none of the Chinese
rules.

Errors name the file, the line and what was expected (:class:`ExternalListError`).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path

from dualuse.input.encoding import read_text
from dualuse.matching.records import ExternalList, NameRecord
from dualuse.models.countries import is_country_code
from dualuse.models.reference import LegalSource

# FollowTheMoney properties that hold names, and their form kinds.
FTM_NAME_PROPERTIES = {"name": "primary", "alias": "alias", "weakAlias": "alias", "previousName": "former", "abbreviation": "alias"}
FTM_COUNTRY_PROPERTIES = ("country", "jurisdiction", "nationality", "citizenship", "mainCountry")
CSL_URL = "https://www.trade.gov/consolidated-screening-list"


class ExternalListError(ValueError):
    """A list file that cannot be read; the message names the file, line and problem."""


@dataclass(frozen=True)
class LoadedList:
    """A list read from a file: its metadata and its records."""

    meta: ExternalList
    records: list[NameRecord]


def _list_id(prefix: str, name: str) -> str:
    slug = re.sub(r"[^A-Z0-9]+", "-", name.upper()).strip("-") or "LIST"
    return f"{prefix}-{slug}"


def _countries(values: list[str]) -> tuple[str, ...]:
    found = []
    for value in values:
        code = str(value).strip().upper()
        if len(code) == 2 and is_country_code(code) and code not in found:
            found.append(code)
    return tuple(found)


def load_ftm(path: str | Path, list_id: str | None = None, published: dt.date | None = None) -> LoadedList:
    """Read FollowTheMoney entities (JSON lines) as one list.

    Args:
        path: the file; one entity per line (``id``, ``schema``, ``properties``).
        list_id: the list's id (default ``OS-<first dataset name>``).
        published: the list's data date (default: the file's modification date).

    Raises:
        ExternalListError: a line is not JSON or not an entity with an id and a name.
    """
    path = Path(path)
    text, _ = read_text(path)
    records: list[NameRecord] = []
    datasets: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            entity = json.loads(line)
        except json.JSONDecodeError as error:
            raise ExternalListError(f"{path}: line {number}: not JSON ({error.msg})") from None
        if not isinstance(entity, dict) or not entity.get("id"):
            raise ExternalListError(f"{path}: line {number}: expected an entity object with an 'id'")
        properties = entity.get("properties") or {}
        forms: list[tuple[str, str]] = []
        for prop, kind in FTM_NAME_PROPERTIES.items():
            for value in properties.get(prop) or []:
                if isinstance(value, str) and value.strip() and all(value.strip() != v for v, _ in forms):
                    # the first name is the primary one; further names are aliases
                    forms.append((value.strip(), "primary" if not forms else ("alias" if kind == "primary" else kind)))
        if not forms:
            raise ExternalListError(f"{path}: line {number}: entity {entity['id']!r} has no name")
        for dataset in entity.get("datasets") or []:
            if dataset not in datasets:
                datasets.append(dataset)
        countries = _countries([c for prop in FTM_COUNTRY_PROPERTIES for c in properties.get(prop) or []])
        caption = entity.get("caption") or forms[0][0]
        records.append(NameRecord(id=str(entity["id"]), list="", name=caption, forms=tuple(forms), countries=countries))
    identifier = list_id or _list_id("OS", datasets[0] if datasets else path.stem)
    records = [NameRecord(r.id, identifier, r.name, r.forms, r.countries) for r in records]
    date = published or dt.date.fromtimestamp(path.stat().st_mtime)
    source = LegalSource(
        issuer=", ".join(datasets) or path.name,
        kind="reference",
        citation=f"{identifier} (FollowTheMoney data: {', '.join(datasets) or path.name})",
        url=None,
    )
    return LoadedList(ExternalList(identifier, source, date), records)


def load_csl(path: str | Path, published: dt.date | None = None) -> LoadedList:
    """Read the US Consolidated Screening List CSV (trade.gov) as list ``US-CSL``.

    Uses the columns ``_id`` (or ``id``), ``name``, ``alt_names`` (``;``
    separated), ``source``, ``citizenships``/``nationalities`` and
    ``addresses`` (country codes taken from it where present).

    Raises:
        ExternalListError: the header lacks ``name``, or a row has no name.
    """
    path = Path(path)
    text, _ = read_text(path)
    reader = csv.DictReader(io.StringIO(text))
    fields = {f.strip().lower(): f for f in reader.fieldnames or []}
    if "name" not in fields:
        raise ExternalListError(f"{path}: row 1: no 'name' column (found: {', '.join(reader.fieldnames or [])})")
    id_column = fields.get("_id") or fields.get("id") or fields.get("entity_number")
    records: list[NameRecord] = []
    for number, row in enumerate(reader, start=2):
        name = (row.get(fields["name"]) or "").strip()
        if not name:
            raise ExternalListError(f"{path}: row {number}, column 'name': the name is empty")
        forms = [(name, "primary")]
        for alias in (row.get(fields.get("alt_names", ""), "") or "").split(";"):
            alias = alias.strip()
            if alias and all(alias != v for v, _ in forms):
                forms.append((alias, "alias"))
        country_text = " ".join(row.get(fields[c], "") or "" for c in ("citizenships", "nationalities", "addresses") if c in fields)
        countries = _countries(re.findall(r"\b[A-Z]{2}\b", country_text))
        identifier = (row.get(id_column) or "").strip() if id_column else ""
        records.append(NameRecord(id=f"US-CSL:{identifier or number}", list="US-CSL", name=name, forms=tuple(forms), countries=countries))
    date = published or dt.date.fromtimestamp(path.stat().st_mtime)
    source = LegalSource(issuer="US Department of Commerce (ITA)", kind="reference", citation="US Consolidated Screening List", url=CSL_URL)
    return LoadedList(ExternalList("US-CSL", source, date), records)


def load_list(path: str | Path, format: str | None = None) -> LoadedList:
    """Load ``path`` as FollowTheMoney JSON lines (``.json``, ``.jsonl``, ``.ftm``) or the CSL (``.csv``)."""
    path = Path(path)
    kind = format or ("csl" if path.suffix.lower() in (".csv", ".tsv") else "ftm")
    if kind == "csl":
        return load_csl(path)
    if kind == "ftm":
        return load_ftm(path)
    raise ExternalListError(f"{path}: unknown list format {kind!r}; expected 'ftm' or 'csl'")
