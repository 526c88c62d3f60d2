"""Turn what an importer read into a :class:`~dualuse.importers.proposal.Proposal` against the live data.

:func:`from_notice` resolves a MOFCOM notice against the live version:

* **listing**: one ``add`` per annex row (id ``<list>:<instrument key>:<n>``, the
  scheme of the packaged data: ``CN-ECL:MOFCOM-2026-30:1``,
  ``CN-AFSL:ORDER-2026-2:1``); a row that is already an entry of that list -
  same id, or same name and instrument - becomes a ``merge`` of what the
  annex adds (names, addresses, countries) or nothing;
* **removal**: one ``status remove`` per named entity, which must be an entry of
  the list (matched by any written form of its name);
* **suspension, extension, resumption, stop**: for every instrument the notice
  names, a ``status`` change of each list entry listed by it, each control-list
  entry of that item announcement, and the measure when rules implement it;
  an instrument nothing in the data carries is reported in the notes.

Changes already recorded are left out (and said so in the notes), so
importing a notice twice proposes nothing the second time.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from dualuse.decision.overrides import normalise_name
from dualuse.importers.mofcom import LIST_NAMES_ZH, Notice, issuer_zh
from dualuse.importers.proposal import AddEntry, MergeEntry, Proposal, ProposalError, StatusChange, change_intervals, sha256_of
from dualuse.models.knowledge import Instrument, Knowledge
from dualuse.models.reference import LEGAL_LISTS, ControlEntry, LegalSource, ListEntry, NameForm
from dualuse.refdata.horizon import measure_of, same_measure
from dualuse.rules.model import RuleSet

LIST_ARTICLES: dict[str, list[str]] = {
    "CN-ECL": ["Export Control Law Art. 18", "Regulations on Export Control of Dual-Use Items Arts. 28-29"],
    "CN-WL": ["Regulations on Export Control of Dual-Use Items Art. 26"],
    "CN-UEL": ["Provisions on the Unreliable Entity List (MOFCOM Order 2020 No. 4) Art. 10"],
    "CN-AFSL": ["Anti-Foreign Sanctions Law Arts. 4-6, 15"],
}
_ACTIONS = {"suspension": "suspend", "extension": "extend", "resumption": "resume", "stop": "stop"}


def instrument_key(notice: Notice) -> str:
    """The id fragment of the entries a notice lists: ``MOFCOM-2026-30``, ``ORDER-2026-2``, ``UEL-2025-7``, ``MFA-2025-0908``."""
    d = notice.designation
    if d.number is None:
        return f"{'MFA' if d.issuer == 'MFA' else 'MOFCOM'}-{notice.published.strftime('%Y-%m%d')}"
    if d.issuer == "UEL Working Mechanism":
        return f"UEL-{d.year}-{d.number}"
    if d.kind == "order":
        return f"{'MFA-ORDER' if d.issuer == 'MFA' else 'ORDER'}-{d.year}-{d.number}"
    return f"MOFCOM-{d.year}-{d.number}"


def notice_instrument(notice: Notice) -> Instrument:
    """The notice as a :class:`~dualuse.models.knowledge.Instrument` (recorded in ``knowledge.json``)."""
    d = notice.designation
    what = {
        "listing": f"{len(notice.rows)} entities on {notice.list_id}",
        "removal": f"{len(notice.rows)} entities removed from {notice.list_id}",
    }.get(notice.measure, f"{notice.measure} of {', '.join(notice.targets)}" + (f" until {notice.until}" if notice.until else ""))
    return Instrument(
        id=instrument_key(notice),
        issuer=d.issuer,
        kind=d.kind,
        year=d.year,
        number=d.number,
        citation=notice.citation,
        title_zh=d.printed if d.number is not None else f"{issuer_zh(d.issuer)}决定（{notice.published.isoformat()}）",
        published=notice.published,
        effective=notice.effective,
        urls=[notice.url] if notice.url else [],
        effect=what,
        confidence="H",
        source=f"imported from the notice page {Path(notice.file).name}",
    )


def _forms_of(entry: ListEntry) -> set[str]:
    return {normalise_name(f.value) for f in entry.names}


def _find(entries: list[ListEntry], list_id: str, names: list[str | None]) -> list[ListEntry]:
    wanted = {normalise_name(n) for n in names if n}
    return [e for e in entries if e.list == list_id and _forms_of(e) & wanted]


def _new_entry(notice: Notice, row, entry_id: str) -> ListEntry:
    from dualuse.refdata.build.names import dedupe, detect_lang
    from dualuse.refdata.build.readings import add_readings

    url = notice.url
    forms = [NameForm(value=row.name, lang="en" if row.name_en else "zh-Hans", kind="primary", source=url)]
    if row.name_en and row.name_zh:
        forms.append(NameForm(value=row.name_zh, lang="zh-Hans", kind="annex_zh", source=url))
    d = notice.designation
    entry = ListEntry(
        id=entry_id,
        list=notice.list_id,  # type: ignore[arg-type]
        name=row.name,
        names=dedupe(forms),
        countries=[row.country] if row.country else [],
        addresses=[row.address] if row.address else [],
        legal_source=LegalSource(
            issuer=d.issuer,
            kind=d.kind,
            year=d.year,
            number=d.number,
            title_zh=d.printed if d.number is not None else f"{issuer_zh(d.issuer)}决定（{notice.published.isoformat()}）",
            citation=notice.citation,
            articles=list(LIST_ARTICLES[notice.list_id]),  # type: ignore[index]
            url=url,
        ),
        published=notice.published,
        effective=notice.effective,
        provenance={
            "dataset": "MOFCOM notice import (dualuse lists import mofcom)",
            "file": Path(notice.file).name,
            "record_key": f"annex row {row.seq}",
            "where": row.where,
        },
    )
    _ = detect_lang
    add_readings([entry])
    return entry


def from_notice(
    notice: Notice,
    entries: list[ListEntry],
    catalogue: list[ControlEntry],
    rules: RuleSet,
    knowledge: Knowledge,
    base_version: str,
    *,
    checked_to: dt.date | None = None,
    today: dt.date | None = None,
) -> Proposal:
    """The proposal for one notice against the live data (see module docstring).

    Raises:
        ProposalError: a listing without its official URL, or a removal naming an entity that is not on the list.
    """
    proposal = Proposal(
        source=notice.file,
        source_sha256=sha256_of(Path(notice.file)),
        source_kind="mofcom",
        instrument=notice_instrument(notice),
        base_version=base_version,
        created=today or dt.date.today(),
        horizon=checked_to,
    )
    notes = proposal.notes
    if notice.measure == "listing":
        if not notice.url:
            raise ProposalError([f"{notice.file}: the page does not name its URL; give the official notice URL with --url (every listing cites it)"])
        key = instrument_key(notice)
        by_id = {e.id: e for e in entries}
        for row in notice.rows:
            entry_id = f"{notice.list_id}:{key}:{row.seq}"
            existing = by_id.get(entry_id)
            if existing is None:
                same = [e for e in _find(entries, notice.list_id, [row.name_en, row.name_zh]) if e.legal_source.citation == notice.citation]  # type: ignore[arg-type]
                existing = same[0] if len(same) == 1 else None
            if existing is None:
                others = _find(entries, notice.list_id, [row.name_en, row.name_zh])  # type: ignore[arg-type]
                if others:
                    notes.append(f"annex row {row.seq} {row.name}: also on {notice.list_id} as {others[0].id} ({others[0].legal_source.citation}); added as a new listing")
                proposal.operations.append(AddEntry(entry=_new_entry(notice, row, entry_id)))
                continue
            forms = _forms_of(existing)
            names = [NameForm(value=v, lang=lang, kind=kind, source=notice.url) for v, lang, kind in ((row.name_en, "en", "alias"), (row.name_zh, "zh-Hans", "annex_zh")) if v and normalise_name(v) not in forms]
            addresses = [row.address] if row.address and row.address not in existing.addresses else []
            countries = [row.country] if row.country and row.country not in existing.countries else []
            if names or addresses or countries:
                proposal.operations.append(MergeEntry(entry_id=existing.id, names=names, addresses=addresses, countries=countries, why=f"annex row {row.seq} of {notice.citation}"))
            else:
                notes.append(f"annex row {row.seq} {row.name}: already {existing.id}, nothing new")
        return proposal
    if notice.measure == "removal":
        problems = []
        for row in notice.rows:
            found = _find(entries, notice.list_id, [row.name_en, row.name_zh])  # type: ignore[arg-type]
            in_force = [e for e in found if e.status_on(notice.effective) == "in_force"]
            if not found:
                problems.append(f"{notice.file}: {row.where} {row.name!r}: no entry of {notice.list_id} ({LIST_NAMES_ZH[notice.list_id]}) has this name in the live version")  # type: ignore[index]
                continue
            for entry in in_force or found:
                change = StatusChange(target="entry", id=entry.id, action="remove", start=notice.effective, instrument=notice.citation, source_url=notice.url, why=f"{notice.citation}: {row.name} removed")
                if change_intervals(entry.status_intervals, change, entry.id) == entry.status_intervals:
                    notes.append(f"{row.name}: the removal of {entry.id} from {notice.effective} is already recorded")
                else:
                    proposal.operations.append(change)
        if problems:
            raise ProposalError(problems)
        return proposal
    action = _ACTIONS[notice.measure]
    end = notice.until if action in ("suspend", "extend") else None
    why = f"{notice.citation}: {notice.measure}" + (f" until {end}" if end else "") + f" from {notice.effective}"
    for target in notice.targets:
        hit = False
        for entry in entries:
            if entry.list in LEGAL_LISTS and same_measure(target, entry.legal_source.citation):
                hit = True
                change = StatusChange(target="entry", id=entry.id, action=action, start=notice.effective, end=end, instrument=notice.citation, source_url=notice.url, why=why)  # type: ignore[arg-type]
                if change_intervals(entry.status_intervals, change, entry.id) != entry.status_intervals:
                    proposal.operations.append(change)
        codes = [c for c in catalogue if c.direction == "export" and same_measure(target, measure_of(c))]
        for control in codes:
            hit = True
            change = StatusChange(target="control", id=control.code, action=action, start=notice.effective, end=end, instrument=notice.citation, source_url=notice.url, why=why)  # type: ignore[arg-type]
            if change_intervals(control.status_intervals, change, control.code) != control.status_intervals:
                proposal.operations.append(change)
        ruled = [r for r in rules.rules if r.kind != "knowledge_horizon" and same_measure(target, measure_of(r))]
        if ruled:
            hit = True
            current = next((m.status_intervals for m in knowledge.measures if m.measure == target), ruled[0].status_intervals)
            change = StatusChange(target="measure", id=target, action=action, start=notice.effective, end=end, instrument=notice.citation, source_url=notice.url, why=why)  # type: ignore[arg-type]
            if change_intervals(current, change, target) != current:
                proposal.operations.append(change)
            notes.append(f"{target}: implemented by rule(s) {', '.join(r.id for r in ruled)}")
        if not hit:
            notes.append(f"{target}: nothing in the data carries this measure (its items or entries are not in the data); no change")
    if not proposal.operations:
        notes.append(f"{notice.citation}: every change it makes is already recorded")
    return proposal


def _os_legal_source(d, knowledge: Knowledge) -> tuple[LegalSource, str | None]:
    """The instrument of an OpenSanctions designation: known by its URL, else its body and date."""
    from dualuse.refdata.build.citations import citation_text

    known = knowledge.instrument_for_url(d.url)
    if known is not None:
        return (
            LegalSource(issuer=known.issuer, kind=known.kind, year=known.year, number=known.number, title_zh=known.title_zh,
                        citation=known.citation, articles=list(LIST_ARTICLES[d.list_id]), url=d.url),
            None,
        )
    if "Foreign Affairs" in d.body:
        issuer, kind = "MFA", "decision"
    elif d.list_id == "CN-UEL":
        issuer, kind = "UEL Working Mechanism", "announcement"
    elif d.list_id == "CN-AFSL":
        issuer, kind = "MOFCOM", "order"
    else:
        issuer, kind = "MOFCOM", "announcement"
    day = d.start
    citation = citation_text(issuer, kind, day.year if day else None, None, day) if day else f"{issuer} {kind} (undated)"
    note = "The file gives the instrument only by its URL and date; its number is not recorded."
    return LegalSource(issuer=issuer, kind=kind, year=day.year if day else None, citation=citation, articles=list(LIST_ARTICLES[d.list_id]), url=d.url), note


def from_opensanctions(
    read,
    entries: list[ListEntry],
    knowledge: Knowledge,
    base_version: str,
    *,
    lists: set[str] | None = None,
    today: dt.date | None = None,
) -> Proposal:
    """The proposal for an OpenSanctions file against the live data.

    * a designation of an entry we have (same list, shared name form) adds the names,
      addresses and countries we lack, and its end date as a removal we lack;
    * any other designation (with an official URL and a date) is a new entry
      ``<list>:OS:<n>`` with the file's provenance and licence;
    * designations without URL or date, and lists not asked for, are reported in the notes.
    """
    import hashlib

    from dualuse.importers.crosscheck import index_forms, same_entries
    from dualuse.refdata.build.names import dedupe, detect_lang, has_han
    from dualuse.refdata.build.readings import add_readings

    proposal = Proposal(source=read.file, source_sha256=sha256_of(Path(read.file)), source_kind="opensanctions", base_version=base_version, created=today or dt.date.today())
    notes = proposal.notes
    for key, n in sorted(read.skipped.items()):
        notes.append(f"skipped {n} row(s) of {key}: not a dualuse list")
    forms = index_forms(entries)
    merges: dict[str, MergeEntry] = {}
    removals: set[str] = set()
    new: dict[str, ListEntry] = {}
    ignored: dict[str, int] = {}
    for d in read.designations:
        if lists and d.list_id not in lists:
            ignored[d.list_id] = ignored.get(d.list_id, 0) + 1  # type: ignore[index]
            continue
        ours = [e for e in same_entries(d, forms) if e.list == d.list_id]
        if ours:
            entry = ours[0]
            have = {normalise_name(f.value) for f in entry.names}
            add = [NameForm(value=v, lang="zh-Hans" if has_han(v) else detect_lang(v), kind="annex_zh" if has_han(v) else "alias", source=d.url or read.file) for v in d.names if normalise_name(v) not in have]
            merge = merges.setdefault(entry.id, MergeEntry(entry_id=entry.id, why=f"OpenSanctions {Path(read.file).name}"))
            for form in add:
                if normalise_name(form.value) not in {normalise_name(f.value) for f in merge.names}:
                    merge.names.append(form)
            if d.address and d.address not in entry.addresses and d.address not in merge.addresses:
                merge.addresses.append(d.address)
            if d.country and d.country not in entry.countries and d.country not in merge.countries:
                merge.countries.append(d.country)
            if d.end and entry.id not in removals and entry.status_on(d.end) == "in_force":
                removals.add(entry.id)
                proposal.operations.append(StatusChange(target="entry", id=entry.id, action="remove", start=d.end, instrument=f"end date in {Path(read.file).name}", source_url=d.url, why=f"OpenSanctions row {d.row}: End date {d.end}"))
            continue
        if not d.url or not d.start:
            notes.append(f"row {d.row} {d.name!r} ({d.list_id}): no {'Source URL' if not d.url else 'Date'}; not added (a listing needs its official notice URL and date)")
            continue
        key = f"{d.list_id}|{normalise_name(d.name)}|{d.url}"
        if key in new:
            continue  # the same designation twice in the file
        legal, note = _os_legal_source(d, knowledge)
        entry_id = f"{d.list_id}:OS:{hashlib.sha1(key.encode('utf-8')).hexdigest()[:10]}"
        names = [NameForm(value=d.name, lang=detect_lang(d.name), kind="primary", source=d.url)]
        names += [NameForm(value=v, lang="zh-Hans" if has_han(v) else detect_lang(v), kind="annex_zh" if has_han(v) else "alias", source=d.url) for v in d.names[1:]]
        entry = ListEntry(
            id=entry_id,
            list=d.list_id,  # type: ignore[arg-type]
            schema=d.schema,  # type: ignore[arg-type]
            name=d.name,
            names=dedupe(names),
            countries=[d.country] if d.country else [],
            addresses=[d.address] if d.address else [],
            legal_source=legal,
            published=d.start,
            effective=d.start,
            status_intervals=[],
            category=d.category,
            notes=" ".join(x for x in (note, d.summary) if x) or None,
            provenance={"dataset": "OpenSanctions cn_sanctions", "file": Path(read.file).name, "record_key": f"row {d.row}", "licence": "CC BY-NC 4.0 (OpenSanctions); imported by the user"},
        )
        if d.end:
            from dualuse.models.reference import StatusInterval

            entry = entry.model_copy(update={"status_intervals": [StatusInterval(status="removed", start=d.end, source_url=d.url, note=f"End date in {Path(read.file).name}")]})
        add_readings([entry])
        new[key] = entry
    for key, n in sorted(ignored.items()):
        notes.append(f"left out {n} designation(s) of {key} (not among --list)")
    proposal.operations.extend(m for m in merges.values() if m.names or m.addresses or m.countries)
    proposal.operations.extend(AddEntry(entry=e) for e in new.values())
    return proposal
