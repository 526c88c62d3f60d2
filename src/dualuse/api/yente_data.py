"""The live list version as yente sees data: FtM entities, dataset names, topics, the catalogue.

One :class:`EntityView` per list version (built once, cached by version):

* **Entity ids** are FtM-valid (FtM allows letters, digits, ``.`` and ``-``):
  ``CN-ECL:MOFCOM-2026-11:2`` is served as ``CN-ECL.MOFCOM-2026-11.2``;
  the dualuse id is the entity's ``referents`` entry (yente's field for other
  ids of the same entity), and ``/entities/{dualuse id}`` redirects (308) to
  the FtM id, as yente does for a referent.
* **Datasets** are named as FtM allows (lower case, ``_``): ``cn_ecl``,
  ``cn_wl``, ``cn_uel``, ``cn_afsl``, ``jp_mil``, ``jp_def``, ``us_mil``, and
  the collections ``sanctions`` (the four MOFCOM legal lists) and ``default``
  (every list). Old spellings (``cn-ecl``, ``CN-ECL``, ``CN_WL``, ``all``,
  ``legal``) are still accepted in requests.
* **Topics** are FtM's (:data:`TOPICS`).
* **Entities** are ``Organization`` or ``Person`` with ``name``, ``alias``,
  ``country``, ``address``, ``topics``, ``program``, ``sourceUrl``, ``notes``
  (only properties the schema has). A legal-list entry also has a
  ``Sanction`` entity (``entity`` -> the organisation), as OpenSanctions
  models sanctions: ``authority``, ``authorityId`` (the Chinese designation),
  ``program`` (the citation), ``programId`` (the list id), ``programUrl`` and
  ``sourceUrl`` (the announcement), ``listingDate`` (publication),
  ``startDate`` (effective date), ``endDate`` (stop or removal), ``status``
  (on the day asked), ``provisions`` (the articles and legal basis) and
  ``summary`` (suspensions and stops with their dates). ``/entities/{id}``
  nests it under ``sanctions``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
from dataclasses import dataclass, field

from dualuse.api import ftm
from dualuse.models.reference import LEGAL_LISTS, ListEntry, ListInfo

# FtM topics per list. CN-ECL: exports of dual-use items to the party are prohibited
# (ECL Art. 18); CN-WL: exports need an individual licence and risk assessment
# (Regs Art. 26), an export-control measure without a prohibition; CN-UEL:
# trade and investment with China restricted or prohibited (Order 2020 No. 4
# Art. 10); CN-AFSL: countermeasures under the Anti-Foreign Sanctions Law
# (Art. 6) - a sanction for anyone bound by Chinese law and a counter-sanction
# in OpenSanctions' vocabulary; the reference lists: military users and the
# defence industry (Ann. 2026 No. 1, 2024 No. 46).
TOPICS: dict[str, tuple[str, ...]] = {
    "CN-ECL": ("sanction", "export.control"),
    "CN-WL": ("export.control", "export.risk"),
    "CN-UEL": ("sanction", "debarment", "export.control"),
    "CN-AFSL": ("sanction", "sanction.counter"),
    "JP-MIL": ("mil",),
    "JP-DEF": ("mil",),
    "US-MIL": ("mil",),
}
AUTHORITIES = {
    "MOFCOM": "Ministry of Commerce of the People's Republic of China (MOFCOM)",
    "MOFCOM/GAC": "Ministry of Commerce and General Administration of Customs of the People's Republic of China",
    "UEL Working Mechanism": "Working Mechanism of the Unreliable Entity List (MOFCOM)",
    "MFA": "Ministry of Foreign Affairs of the People's Republic of China",
    "State Council": "State Council of the People's Republic of China",
}
MOFCOM_PUBLISHER = {
    "name": "Ministry of Commerce of the People's Republic of China",
    "name_en": "Ministry of Commerce of the People's Republic of China",
    "acronym": "MOFCOM",
    "url": "https://www.mofcom.gov.cn/",
    "country": "cn",
    "official": True,
}
COLLECTIONS = {"default": "All dualuse screening lists", "sanctions": "China: MOFCOM legal lists (control list, watch list, Unreliable Entity List, countermeasure list)"}
COLLECTION_ALIASES = {"default": "default", "all": "default", "dualuse": "default", "sanctions": "sanctions", "legal": "sanctions", "cn": "sanctions"}


def dataset_name(list_id: str) -> str:
    """The FtM dataset name of a list id (``CN-ECL`` -> ``cn_ecl``)."""
    return list_id.lower().replace("-", "_")


def _timestamp(day: dt.date | str | None) -> str | None:
    if day is None:
        return None
    text = day.isoformat() if isinstance(day, dt.date) else str(day)[:10]
    return f"{text}T00:00:00"


def _status_text(entry: ListEntry) -> list[str]:
    notes = []
    for interval in entry.status_intervals:
        end = f" until {interval.end.isoformat()}" if interval.end else ""
        where = f" ({interval.source_url})" if interval.source_url else ""
        notes.append(f"{interval.status} from {interval.start.isoformat()}{end}{where}" + (f": {interval.note}" if interval.note else ""))
    return notes


def _last_change(entry: ListEntry) -> dt.date:
    days = [entry.published, *(d for d in (entry.effective,) if d)]
    for interval in entry.status_intervals:
        days.append(interval.start)
        if interval.end:
            days.append(interval.end)
    return max(days)


@dataclass
class EntityView:
    """The entries of one list version in yente's terms.

    Attributes:
        version: the list version string.
        data_date: the legal lists' data date (``YYYY-MM-DD``) or ``None``.
        lists: :class:`ListInfo` per list id.
        entries: FtM id -> entry.
        ftm_ids: dualuse id -> FtM id.
    """

    version: str
    data_date: str | None
    lists: dict[str, ListInfo]
    entries: dict[str, ListEntry] = field(default_factory=dict)
    ftm_ids: dict[str, str] = field(default_factory=dict)

    @classmethod
    def build(cls, version: str, data_date: str | None, entries: list[ListEntry], lists: list[ListInfo]) -> "EntityView":
        """Index ``entries``; FtM ids that would collide get a short hash of the dualuse id appended."""
        view = cls(version=version, data_date=data_date, lists={info.id: info for info in lists})
        for entry in sorted(entries, key=lambda e: e.id):
            candidate = ftm.ftm_entity_id(entry.id)
            if candidate in view.entries:
                candidate = f"{candidate}-{hashlib.sha1(entry.id.encode()).hexdigest()[:8]}"
            view.entries[candidate] = entry
            view.ftm_ids[entry.id] = candidate
        return view

    # --- datasets -------------------------------------------------------------

    def dataset_names(self) -> dict[str, str]:
        """FtM dataset name -> list id, for every list of the version."""
        return {dataset_name(list_id): list_id for list_id in self.lists}

    def resolve_dataset(self, name: str) -> set[str] | None:
        """The list ids a dataset name stands for (collections, FtM names, old spellings); ``None``: unknown."""
        key = name.strip().lower()
        collection = COLLECTION_ALIASES.get(key)
        if collection == "default":
            return set(self.lists)
        if collection == "sanctions":
            return {list_id for list_id in self.lists if list_id in LEGAL_LISTS}
        return {self.dataset_names()[dataset_name(key)]} if dataset_name(key) in self.dataset_names() else None

    def resolve_datasets(self, names: list[str]) -> set[str]:
        """Union of :meth:`resolve_dataset` over ``names``; unknown names add nothing (yente: no results)."""
        out: set[str] = set()
        for name in names:
            out |= self.resolve_dataset(name) or set()
        return out

    # --- entities ----------------------------------------------------------------

    def find(self, entity_id: str) -> tuple[str, ListEntry] | None:
        """``(FtM id, entry)`` for an FtM id or a dualuse id, or ``None``."""
        if entity_id in self.entries:
            return entity_id, self.entries[entity_id]
        canonical = self.ftm_ids.get(entity_id)
        return (canonical, self.entries[canonical]) if canonical else None

    def topics(self, entry: ListEntry) -> list[str]:
        """FtM topics of the entry's list."""
        return list(TOPICS.get(entry.list, ()))

    def entity(self, entry: ListEntry) -> dict:
        """The entry as yente's ``EntityResponse`` (FtM properties only)."""
        canonical = self.ftm_ids[entry.id]
        names = [form.value for form in entry.names]
        topics = self.topics(entry)
        source = entry.legal_source
        properties = {
            "name": [entry.name],
            "alias": [n for i, n in enumerate(names) if n != entry.name and n not in names[:i]],
            "country": [c.lower() for c in entry.countries],
            "address": list(entry.addresses),
            "topics": topics,
            "program": [source.citation],
            "sourceUrl": [source.url] if source.url else [],
            "notes": [entry.notes] if entry.notes else [],
        }
        return {
            "id": canonical,
            "caption": entry.name,
            "schema": entry.schema_,
            "properties": ftm.valid_properties(entry.schema_, properties),
            "datasets": [dataset_name(entry.list)],
            "referents": [entry.id] if entry.id != canonical else [],
            "target": bool(set(topics) & ftm.risk_topics()),
            "first_seen": _timestamp(entry.published),
            "last_seen": _timestamp(self.data_date),
            "last_change": _timestamp(_last_change(entry)),
        }

    def sanction(self, entry: ListEntry, on: dt.date) -> dict | None:
        """The listing as a FtM ``Sanction`` entity (legal lists only; ``None`` for reference lists)."""
        if entry.list not in LEGAL_LISTS:
            return None
        canonical = self.ftm_ids[entry.id]
        source = entry.legal_source
        ended = [i.start.isoformat() for i in entry.status_intervals if i.status in ("stopped", "removed")]
        info = self.lists.get(entry.list)
        properties = {
            "entity": [canonical],
            "authority": [AUTHORITIES.get(source.issuer, source.issuer)],
            "authorityId": [source.title_zh] if source.title_zh else [],
            "program": [source.citation],
            "programId": [entry.list],
            "programUrl": [source.url] if source.url else [],
            "sourceUrl": [source.url] if source.url else [],
            "listingDate": [entry.published.isoformat()],
            "startDate": [entry.effective.isoformat()] if entry.effective else [],
            "endDate": ended[:1],
            "status": [entry.status_on(on)],
            "provisions": [*source.articles, *([info.legal_basis] if info else [])],
            "summary": _status_text(entry),
            "country": ["cn"],
        }
        return {
            "id": f"{canonical}-sanction",
            "caption": source.citation,
            "schema": "Sanction",
            "properties": ftm.valid_properties("Sanction", properties),
            "datasets": [dataset_name(entry.list)],
            "referents": [],
            "target": False,
            "first_seen": _timestamp(entry.published),
            "last_seen": _timestamp(self.data_date),
            "last_change": _timestamp(_last_change(entry)),
        }

    def nested(self, entry: ListEntry, on: dt.date) -> dict:
        """The entity with its adjacent entities nested, as yente's ``/entities/{id}?nested=true``.

        The Sanction appears under the organisation's ``sanctions`` (the reverse
        of ``Sanction:entity``) without its ``entity`` back-reference, as yente nests.
        """
        data = self.entity(entry)
        sanction = self.sanction(entry, on)
        if sanction is not None:
            sanction["properties"].pop("entity", None)
            data["properties"]["sanctions"] = [sanction]
        return data

    # --- catalogue -------------------------------------------------------------

    def index_version(self, day: str | None) -> str:
        """A yente index version (``YYYYMMDDhhmmss-xxx``) for a data date and this list version."""
        stamp = (day or "1970-01-01").replace("-", "")[:8]
        digest = hashlib.sha1(self.version.encode()).hexdigest()[:3]
        return f"{stamp}000000-{digest}"

    def catalog(self) -> dict:
        """yente's ``DataCatalogModel``: every list as a dataset, plus ``sanctions`` and ``default``."""
        datasets = []
        for list_id, info in self.lists.items():
            legal = list_id in LEGAL_LISTS
            countries = sorted({c.lower() for e in self.entries.values() if e.list == list_id for c in e.countries})
            datasets.append(
                self._dataset(
                    name=dataset_name(list_id),
                    title=info.name_en,
                    summary=f"{info.name_zh}. {info.legal_basis}. Latest: {info.latest_announcement or 'n/a'}"
                    + ("" if legal else " (a reference list compiled for the measure; not a legal list)"),
                    day=info.data_date.isoformat(),
                    count=info.entries,
                    tags=["list.sanction" if legal else "list.reference"],
                    publisher=MOFCOM_PUBLISHER if legal else {"name": "dualuse", "official": False},
                    countries=countries,
                    category="sanctions" if legal else "reference",
                    children=[],
                )
            )
        legal_ids = [i for i in self.lists if i in LEGAL_LISTS]
        for name, members in (("sanctions", legal_ids), ("default", list(self.lists))):
            datasets.append(
                self._dataset(
                    name=name,
                    title=COLLECTIONS[name],
                    summary=COLLECTIONS[name],
                    day=self.data_date,
                    count=sum(self.lists[i].entries for i in members),
                    tags=[],
                    publisher=None,
                    countries=[],
                    category=None,
                    children=sorted(dataset_name(i) for i in members),
                )
            )
        return {"datasets": datasets, "current": [d["name"] for d in datasets], "outdated": [], "index_stale": False}

    def _dataset(self, *, name, title, summary, day, count, tags, publisher, countries, category, children) -> dict:
        version = self.index_version(day)
        return {
            "name": name,
            "title": title,
            "license": None,
            "summary": summary,
            "description": None,
            "url": None,
            "updated_at": _timestamp(day),
            "last_export": _timestamp(day),
            "entity_count": count,
            "thing_count": count,
            "version": version,
            "category": category,
            "tags": tags,
            "publisher": publisher,
            "coverage": {"start": None, "end": None, "countries": countries, "frequency": "unknown", "schedule": None},
            "resources": [],
            "children": children,
            "deprecation": None,
            "deprecated": False,
            "load": True,
            "entities_url": None,
            "delta_url": None,
            "namespace": False,
            "index_version": version,
            "index_current": True,
        }


_VIEWS: dict[str, EntityView] = {}
_LOCK = threading.Lock()


def view_for(version: str, data_date: str | None, entries_fn, lists_fn) -> EntityView:
    """The :class:`EntityView` of a list version, built once per process (``entries_fn``/``lists_fn`` are called on a miss)."""
    with _LOCK:
        found = _VIEWS.get(version)
        if found is None:
            found = EntityView.build(version, data_date, list(entries_fn()), list(lists_fn()))
            if len(_VIEWS) >= 3:
                _VIEWS.pop(next(iter(_VIEWS)))
            _VIEWS[version] = found
        return found
