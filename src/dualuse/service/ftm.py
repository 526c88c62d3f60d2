"""Read a list update written as FollowTheMoney (FtM) JSON lines.

One JSON object per line, as FtM tools and OpenSanctions exports write them::

    {"id": "...", "schema": "Company", "datasets": ["CN-ECL"],
     "properties": {"name": ["..."], "alias": ["..."], "country": ["jp"],
                    "address": ["..."], "program": ["商务部公告2026年第40号"],
                    "sourceUrl": ["https://www.mofcom.gov.cn/..."],
                    "startDate": ["2026-12-01"]}}

* **Targets**: ``Organization``, ``Company``, ``LegalEntity``, ``PublicBody``
  and ``Person`` entities. ``Sanction`` entities may carry the listing
  instead (``entity`` naming the target's id; ``program``, ``programId``,
  ``authority``, ``sourceUrl``, ``startDate``/``listingDate``, ``endDate``).
  Other schemas (``Address``, ``Ownership`` ...) are ignored and counted.
* **List**: a dataset named like a dualuse list (``CN-ECL``, ``cn_ecl``,
  ``CN-WL`` ...), else the programme text (管控名单 / control list -> CN-ECL,
  关注名单 / watch list -> CN-WL, 不可靠实体清单 / unreliable entity -> CN-UEL,
  反制 / countermeasure / Anti-Foreign Sanctions -> CN-AFSL).
* **Legal source**: the programme parsed as a Chinese designation
  (商务部公告2026年第11号 -> MOFCOM Announcement 2026 No. 11), else the
  programme text as the citation; ``sourceUrl`` is the official URL;
  ``startDate`` (or ``listingDate``) is the publication and effective date;
  ``endDate`` becomes a ``removed`` status from that day.
* **Same entry or new**: an entity whose id is an existing entry id, or one
  of whose names is the primary or annex name of an entry of the same list,
  updates that entry (new names are added; a new programme or date replaces
  the listing; an end date removes it); any other entity is a new entry
  ``<list>:FTM:<id>``.
* **Removals**: by default nothing is removed (an update file may be
  partial; a delisting is an ``endDate``). With ``replace=True`` the entries
  of every list the file names that the file does not contain are removed.

Every problem is reported with its line number; one problem stops the whole
update (see :class:`FtmError`).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from dualuse.decision.overrides import entry_fingerprint, normalise_name
from dualuse.input.limits import json_depth
from dualuse.input.sanitise import describe, sanitise_value
from dualuse.models.reference import LEGAL_LISTS, LIST_IDS, LegalSource, ListEntry, NameForm, StatusInterval

TARGET_SCHEMAS = {"Organization": "Organization", "Company": "Organization", "LegalEntity": "Organization", "PublicBody": "Organization", "Person": "Person"}
LIST_KEYWORDS = (
    ("CN-ECL", ("管控名单", "管控名單", "control list", "cn-ecl")),
    ("CN-WL", ("关注名单", "關注名單", "watch list", "cn-wl")),
    ("CN-UEL", ("不可靠实体", "不可靠實體", "unreliable entit", "cn-uel")),
    ("CN-AFSL", ("反制", "countermeasure", "anti-foreign sanctions", "cn-afsl")),
)
LIST_ARTICLES: dict[str, list[str]] = {
    "CN-ECL": ["Export Control Law Art. 18", "Regulations on Export Control of Dual-Use Items Arts. 28-29"],
    "CN-WL": ["Regulations on Export Control of Dual-Use Items Art. 26"],
    "CN-UEL": ["Provisions on the Unreliable Entity List (MOFCOM Order 2020 No. 4) Art. 10"],
    "CN-AFSL": ["Anti-Foreign Sanctions Law Arts. 4-6, 15"],
}
MAX_LINE_BYTES = 1_000_000
_ID_SAFE = re.compile(r"[^A-Za-z0-9._\-]+")


class FtmError(ValueError):
    """The FtM file cannot be used; ``problems`` lists every problem, each naming its line."""

    def __init__(self, problems: list[str]):
        super().__init__(f"{len(problems)} problem(s) in the FollowTheMoney update:\n" + "\n".join(f"  - {p}" for p in problems))
        self.problems = problems


@dataclass
class FtmResult:
    """The entry set after applying an FtM file.

    Attributes:
        entries: every entry of the new version (lists the file does not name are unchanged).
        lists: list ids the file names.
        targets: target entities read; sanctions: Sanction entities read;
        ignored: entities of other schemas (by schema).
        matched: ids of existing entries the file updated.
    """

    entries: list[ListEntry]
    lists: set[str] = field(default_factory=set)
    targets: int = 0
    sanctions: int = 0
    ignored: dict[str, int] = field(default_factory=dict)
    matched: set[str] = field(default_factory=set)


def _values(props: dict, *names: str) -> list[str]:
    out: list[str] = []
    for name in names:
        raw = props.get(name) or []
        if isinstance(raw, str):
            raw = [raw]
        for value in raw:
            if isinstance(value, str) and value.strip() and value.strip() not in out:
                out.append(value.strip())
    return out


def _date(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def _list_of(entity: dict, sanction: dict) -> str | None:
    for dataset in entity.get("datasets") or []:
        if isinstance(dataset, str):
            candidate = dataset.strip().upper().replace("_", "-")
            if candidate in LIST_IDS:
                return candidate
    text = " ".join(
        _values(entity.get("properties") or {}, "program", "programId", "topics")
        + _values(sanction, "program", "programId", "authority", "reason")
        + [d for d in entity.get("datasets") or [] if isinstance(d, str)]
    ).casefold()
    for list_id, words in LIST_KEYWORDS:
        if any(w in text for w in words):
            return list_id
    return None


def _legal_source(list_id: str, program: str | None, authority: str | None, url: str | None, day: dt.date | None) -> tuple[LegalSource, str | None]:
    """Parse the programme as a Chinese designation where possible."""
    from dualuse.refdata.build import citations
    from dualuse.refdata.build.common import BuildError

    articles = LIST_ARTICLES.get(list_id, [])
    if program:
        try:
            resolved = citations.resolve(citations.parse_designation(program), articles=articles, url=url)
            return resolved.source, resolved.note
        except BuildError:
            pass
    citation = program or (f"{authority} listing" if authority else f"{list_id} listing of {day.isoformat() if day else 'unknown date'}")
    return LegalSource(issuer=authority or "MOFCOM", kind="announcement", citation=citation, articles=articles, url=url), None


def _forms(props: dict, url: str | None) -> list[NameForm]:
    from dualuse.refdata.build.names import dedupe, detect_lang, has_han

    forms: list[NameForm] = []
    for i, value in enumerate(_values(props, "name")):
        kind = "primary" if i == 0 else ("annex_zh" if has_han(value) else "alias")
        forms.append(NameForm(value=value, lang=detect_lang(value), kind=kind, source=url))
    for value in _values(props, "alias", "weakAlias"):
        forms.append(NameForm(value=value, lang=detect_lang(value), kind="annex_zh" if has_han(value) and not any(f.kind == "annex_zh" for f in forms) else "alias", source=url))
    for value in _values(props, "previousName"):
        forms.append(NameForm(value=value, lang=detect_lang(value), kind="former", source=url))
    return dedupe(forms)


def read_lines(path: Path) -> tuple[list[tuple[int, dict]], list[str]]:
    """``(line number, object)`` for every readable line, and the problems of the others.

    Raises:
        FtmError: the file cannot be read or decoded, or holds no JSON at all.
    """
    problems: list[str] = []
    out: list[tuple[int, dict]] = []
    try:
        raw = Path(path).read_bytes()
    except OSError as error:
        raise FtmError([f"{path}: cannot read ({error.strerror or error})"]) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise FtmError([f"{path}: not UTF-8 (byte {error.start})"]) from None
    stripped = text.lstrip()
    if stripped.startswith("["):
        try:
            items = json.loads(stripped)
        except json.JSONDecodeError as error:
            raise FtmError([f"{path}: not valid JSON ({error.msg} at line {error.lineno})"]) from None
        except RecursionError:
            raise FtmError([f"{path}: the JSON is nested too deeply (an FtM entity nests 3 levels)"]) from None
        if not isinstance(items, list):
            raise FtmError([f"{path}: expected a JSON array of FtM entities"])
        lines = [(n, item) for n, item in enumerate(items, start=1)]
    else:
        lines = []
        for n, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            if len(line) > MAX_LINE_BYTES:
                problems.append(f"line {n}: longer than {MAX_LINE_BYTES} characters")
                continue
            try:
                lines.append((n, json.loads(line)))
            except json.JSONDecodeError as error:
                problems.append(f"line {n}: not valid JSON ({error.msg}, column {error.colno})")
            except RecursionError:
                problems.append(f"line {n}: the JSON is nested too deeply (an FtM entity nests 3 levels)")
    checked: list[tuple[int, object]] = []
    for n, obj in lines:
        if json_depth(obj) > MAX_FTM_DEPTH:
            problems.append(f"line {n}: the JSON is nested more than {MAX_FTM_DEPTH} levels deep (an FtM entity nests 3)")
            continue
        obj, replaced = sanitise_value(obj)
        if replaced:
            problems.append(f"line {n}: {describe(replaced)}; correct the file (list entries are matched and "
                            "written as they are)")
            continue
        checked.append((n, obj))
    lines = checked
    for n, obj in lines:
        if not isinstance(obj, dict):
            problems.append(f"line {n}: expected a JSON object (an FtM entity), got {type(obj).__name__}")
        elif not isinstance(obj.get("schema"), str) or not isinstance(obj.get("properties", {}), dict):
            problems.append(f"line {n}: expected an FtM entity with a \"schema\" string and a \"properties\" object")
        else:
            out.append((n, obj))
    if not out and not problems:
        raise FtmError([f"{path}: no FtM entity found (expected one JSON object per line)"])
    return out, problems


MAX_FTM_DEPTH = 10
"""Deepest nesting accepted in one FtM entity (an entity with properties holding lists nests 3)."""


def apply_ftm(path: Path, current: list[ListEntry], replace: bool = False) -> FtmResult:
    """Apply an FtM file to the current entries (see module docstring).

    Args:
        path: the ``.json``/``.jsonl``/``.ndjson`` file.
        current: the live version's entries.
        replace: remove the entries of the named lists that the file lacks.

    Returns:
        The :class:`FtmResult` with the complete new entry set.

    Raises:
        FtmError: every problem found, each naming its line.
    """
    lines, problems = read_lines(path)
    sanctions: dict[str, list[dict]] = {}
    result = FtmResult(entries=[])
    targets: list[tuple[int, dict]] = []
    for n, obj in lines:
        schema = obj["schema"]
        if schema == "Sanction":
            result.sanctions += 1
            props = obj.get("properties") or {}
            for target in _values(props, "entity"):
                sanctions.setdefault(target, []).append(props)
        elif schema in TARGET_SCHEMAS:
            targets.append((n, obj))
        else:
            result.ignored[schema] = result.ignored.get(schema, 0) + 1
    result.targets = len(targets)
    if not targets:
        raise FtmError([*problems, f"{path}: no Organization, Company, LegalEntity, PublicBody or Person entity in the file"])

    by_id = {e.id: e for e in current}
    by_list_name: dict[tuple[str, str], list[ListEntry]] = {}
    for entry in current:
        for form in entry.names:
            if form.kind in ("primary", "annex_zh") or form.value == entry.name:
                by_list_name.setdefault((entry.list, normalise_name(form.value)), []).append(entry)
    updated: dict[str, ListEntry] = {}
    new_entries: list[ListEntry] = []
    seen_ids: set[str] = set()
    file_name = Path(path).name
    for n, obj in targets:
        where = f"line {n} ({obj.get('id') or 'no id'})"
        ftm_id = str(obj.get("id") or "").strip()
        if not ftm_id:
            problems.append(f"{where}: the entity has no \"id\"")
            continue
        if ftm_id in seen_ids:
            problems.append(f"{where}: id {ftm_id} appears twice")
            continue
        seen_ids.add(ftm_id)
        props = obj.get("properties") or {}
        linked = sanctions.get(ftm_id, [])
        sanction = linked[0] if linked else {}
        names = _values(props, "name")
        if not names:
            problems.append(f"{where}: no \"name\" property (expected at least one name)")
            continue
        list_id = _list_of(obj, sanction)
        if list_id is None:
            problems.append(
                f"{where}: cannot tell which list {names[0]!r} is on; expected a dataset named "
                f"{', '.join(LIST_IDS)} or a programme naming the list (管控名单, 关注名单, 不可靠实体清单, 反制)"
            )
            continue
        result.lists.add(list_id)
        url = (_values(sanction, "sourceUrl") or _values(props, "sourceUrl") or [None])[0]
        program = (_values(sanction, "program", "programId") or _values(props, "program", "programId") or [None])[0]
        authority = (_values(sanction, "authority") or [None])[0]
        start_raw = (_values(sanction, "startDate", "listingDate") or _values(props, "startDate", "listingDate", "createdAt") or [None])[0]
        end_raw = (_values(sanction, "endDate") or _values(props, "endDate") or [None])[0]
        start, end = _date(start_raw), _date(end_raw)
        if start_raw and start is None:
            problems.append(f"{where}: startDate {start_raw!r} is not a date (expected YYYY-MM-DD)")
            continue
        if end_raw and end is None:
            problems.append(f"{where}: endDate {end_raw!r} is not a date (expected YYYY-MM-DD)")
            continue
        countries = sorted({c.strip().upper() for c in _values(props, "country", "jurisdiction", "nationality", "citizenship") if len(c.strip()) == 2})
        addresses = _values(props, "address", "addressFull")
        forms = _forms(props, url)
        existing = by_id.get(ftm_id) or by_id.get(f"{list_id}:FTM:{_ID_SAFE.sub('-', ftm_id)}")
        if existing is None:
            candidates = {e.id: e for name in names + _values(props, "alias") for e in by_list_name.get((list_id, normalise_name(name)), [])}
            if len(candidates) > 1:
                problems.append(f"{where}: {names[0]!r} matches several entries of {list_id} ({', '.join(sorted(candidates))}); give the entry id as the entity id")
                continue
            existing = next(iter(candidates.values()), None)
        if existing is not None and existing.list != list_id:
            problems.append(f"{where}: entry {existing.id} is on {existing.list}, the update puts it on {list_id}; a move between lists is a new listing (use a new id)")
            continue
        try:
            if existing is None:
                if list_id in LEGAL_LISTS and start is None:
                    problems.append(f"{where}: no startDate/listingDate (a MOFCOM listing needs the date it took effect)")
                    continue
                if list_id in LEGAL_LISTS and not url:
                    problems.append(f"{where}: no sourceUrl (a MOFCOM listing needs the official notice URL)")
                    continue
                legal, note = _legal_source(list_id, program, authority, url, start)
                entry_id = f"{list_id}:FTM:{_ID_SAFE.sub('-', ftm_id)}"
                if entry_id in by_id or any(e.id == entry_id for e in new_entries):
                    problems.append(f"{where}: entry id {entry_id} exists already")
                    continue
                entry = ListEntry(
                    id=entry_id,
                    list=list_id,
                    schema=TARGET_SCHEMAS[obj["schema"]],
                    name=names[0],
                    names=forms,
                    countries=countries,
                    addresses=addresses,
                    legal_source=legal,
                    published=start or dt.date.today(),
                    effective=start,
                    status_intervals=[StatusInterval(status="removed", start=end, source_url=url)] if end else [],
                    notes=" ".join(x for x in (note, *_values(props, "notes")) if x) or None,
                    provenance={"dataset": "FollowTheMoney update", "file": file_name, "record_key": ftm_id, "line": str(n)},
                )
                new_entries.append(entry)
            else:
                entry = _merge(existing, forms, countries, addresses, list_id, program, authority, url, start, end, file_name, n, ftm_id)
                if entry_fingerprint(entry) != entry_fingerprint(existing):  # else: nothing new, keep it as it is
                    updated[existing.id] = entry
                result.matched.add(existing.id)
        except ValidationError as error:
            first = error.errors()[0]
            problems.append(f"{where}: invalid entity: {'.'.join(str(p) for p in first.get('loc', ()))}: {first.get('msg')}")
    if problems:
        raise FtmError(problems)
    entries: list[ListEntry] = []
    for entry in current:
        if entry.id in updated:
            entries.append(updated[entry.id])
        elif replace and entry.list in result.lists:
            continue
        else:
            entries.append(entry)
    entries.extend(new_entries)
    result.entries = entries
    return result


def _merge(existing: ListEntry, forms, countries, addresses, list_id, program, authority, url, start, end, file_name, n, ftm_id) -> ListEntry:
    """The existing entry updated with what the FtM entity adds or changes."""
    names = list(existing.names)
    known = {normalise_name(f.value) for f in names}
    for form in forms:
        if normalise_name(form.value) not in known:
            names.append(form.model_copy(update={"kind": "alias" if form.kind == "primary" else form.kind}))
            known.add(normalise_name(form.value))
    update: dict = {"names": names}
    if countries and set(countries) - set(existing.countries):
        update["countries"] = sorted(set(existing.countries) | set(countries))
    new_addresses = [a for a in addresses if a not in existing.addresses]
    if new_addresses:
        update["addresses"] = [*existing.addresses, *new_addresses]
    if program:
        legal, note = _legal_source(list_id, program, authority, url or existing.legal_source.url, start)
        if legal.citation != existing.legal_source.citation:
            update["legal_source"] = legal
            if start:
                update["published"] = start
                update["effective"] = start
            if note:
                update["notes"] = note
    elif start and existing.effective and start != existing.effective:
        update["effective"] = start
    if end and not any(iv.status == "removed" and iv.start == end for iv in existing.status_intervals):
        kept = [iv for iv in existing.status_intervals if iv.start < end]
        kept = [iv.model_copy(update={"end": end}) if iv.end is None or iv.end > end else iv for iv in kept]
        update["status_intervals"] = [*kept, StatusInterval(status="removed", start=end, source_url=url)]
    provenance = dict(existing.provenance)
    provenance["ftm_update"] = f"{file_name} line {n} ({ftm_id})"
    update["provenance"] = provenance
    merged = existing.model_copy(update=update)
    return ListEntry.model_validate(merged.model_dump(by_alias=True))
