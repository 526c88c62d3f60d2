"""Convert ``raw/mofcom-lists/cn-lists.json`` into MOFCOM list entries.

One :class:`ListEntry` per source record (270: CN-ECL 152, CN-WL 40,
CN-UEL 66, CN-AFSL 12). The source id is kept as the entry id.

* ``name``: the English name as printed; ``names``: that primary form plus
  every ``altNames`` value (Han -> ``annex_zh``/``zh-Hans``; Latin -> alias).
* ``legal_source``: parsed from ``programs[0]`` (see :mod:`.citations`) with
  the list's articles and ``sourceUrl``.
* ``published`` = ``effective`` = ``startDate``.
* ``remarks`` become status intervals; ``cnStatus``/``cnStatusUntil`` must
  agree with them or the build fails.
"""

from __future__ import annotations

import re
from pathlib import Path

from dualuse.models.reference import ListEntry, NameForm, StatusInterval

from . import citations
from .common import BuildError, parse_date, read_json
from .mode import mofcom_data_date, update_mode
from .names import dedupe, detect_lang, has_han
from .sources import CN_LISTS

LIST_ARTICLES: dict[str, list[str]] = {
    "CN-ECL": ["Export Control Law Art. 18", "Regulations on Export Control of Dual-Use Items Arts. 28-29"],
    "CN-WL": ["Regulations on Export Control of Dual-Use Items Art. 26"],
    "CN-UEL": ["Provisions on the Unreliable Entity List (MOFCOM Order 2020 No. 4) Art. 10"],
    "CN-AFSL": ["Anti-Foreign Sanctions Law Arts. 4-6, 15"],
}

EXPECTED_COUNTS = {"CN-ECL": 152, "CN-WL": 40, "CN-UEL": 66, "CN-AFSL": 12}

_SUSPENDED = re.compile(
    r"^Measures suspended until (?P<end>\d{4}-\d{2}-\d{2}) \(from (?P<start>\d{4}-\d{2}-\d{2}); (?P<url>https?://\S+?)\)$"
)
_STOPPED = re.compile(r"^Measures stopped \(from (?P<start>\d{4}-\d{2}-\d{2}); (?P<url>https?://\S+?)\)$")
_SCHEMA = {"Entity": "Organization", "Organization": "Organization", "Company": "Organization", "Person": "Person"}


def status_intervals(record: dict) -> list[StatusInterval]:
    """Parse ``remarks`` and cross-check them with ``cnStatus``/``cnStatusUntil``.

    Raises:
        BuildError: unknown remark wording, or status fields that disagree.
    """
    rid = record.get("id")
    remarks = (record.get("remarks") or "").strip()
    status = record.get("cnStatus")
    until = record.get("cnStatusUntil")
    if not remarks:
        if status != "active" or until:
            raise BuildError(f"{rid}: cnStatus={status!r} cnStatusUntil={until!r} but no remarks explain it")
        return []
    m = _SUSPENDED.match(remarks)
    if m:
        start = parse_date(m["start"], f"{rid} remarks start")
        end = parse_date(m["end"], f"{rid} remarks end")
        if status != "suspended":
            raise BuildError(f"{rid}: remarks say suspended but cnStatus={status!r}")
        if until != m["end"]:
            raise BuildError(f"{rid}: remarks say suspended until {m['end']} but cnStatusUntil={until!r}")
        if not start < end:
            raise BuildError(f"{rid}: suspension interval {start}..{end} is empty")
        return [StatusInterval(status="suspended", start=start, end=end, source_url=m["url"], note=remarks)]
    m = _STOPPED.match(remarks)
    if m:
        if status != "stopped":
            raise BuildError(f"{rid}: remarks say stopped but cnStatus={status!r}")
        if until:
            raise BuildError(f"{rid}: stopped measures must not have cnStatusUntil ({until!r})")
        start = parse_date(m["start"], f"{rid} remarks start")
        return [StatusInterval(status="stopped", start=start, end=None, source_url=m["url"], note=remarks)]
    raise BuildError(f"{rid}: unrecognised remarks: {remarks!r}")


def _names(record: dict) -> list[NameForm]:
    url = record.get("sourceUrl")
    forms = [NameForm(value=record["name"].strip(), lang="en", kind="primary", source=url)]
    for alt in record.get("altNames") or []:
        alt = alt.strip()
        if not alt:
            continue
        if has_han(alt):
            # The annex's Chinese is simplified Chinese, whatever the characters suggest.
            forms.append(NameForm(value=alt, lang="zh-Hans", kind="annex_zh", source=url))
        else:
            forms.append(NameForm(value=alt, lang=detect_lang(alt), kind="alias", source=url))
    return dedupe(forms)


def convert(source_dir: Path) -> list[ListEntry]:
    """Read ``cn-lists.json`` and return its 270 entries in source order.

    Raises:
        BuildError: any inconsistency (counts, statuses, designations, ids).
    """
    data = read_json(source_dir / CN_LISTS.path)
    stamps = data.get("stamps") or []
    data_date = mofcom_data_date()  # MOFCOM_DATA_DATE, or the update's own date (see .mode)
    if not stamps or stamps[0].get("asOf") != data_date:
        raise BuildError(f"{CN_LISTS.path}: expected a stamp asOf {data_date}, got {stamps!r}")
    records = data.get("entries") or []
    entries: list[ListEntry] = []
    seen: set[str] = set()
    for record in records:
        rid = record.get("id")
        if not rid or rid in seen:
            raise BuildError(f"{CN_LISTS.path}: missing or duplicate id {rid!r}")
        seen.add(rid)
        list_id = record.get("list")
        if list_id not in LIST_ARTICLES:
            raise BuildError(f"{rid}: unknown list {list_id!r}")
        if not rid.startswith(list_id + ":"):
            raise BuildError(f"{rid}: id does not start with its list {list_id}")
        programs = record.get("programs") or []
        if len(programs) != 1:
            raise BuildError(f"{rid}: expected exactly one programme, got {programs!r}")
        url = (record.get("sourceUrl") or "").strip()
        if not url.startswith("http"):
            raise BuildError(f"{rid}: missing sourceUrl")
        designation = citations.parse_designation(programs[0])
        resolved = citations.resolve(designation, articles=LIST_ARTICLES[list_id], url=url)
        start = parse_date(record.get("startDate", ""), f"{rid} startDate")
        if designation.date is not None and designation.date != start:
            raise BuildError(f"{rid}: designation date {designation.date} differs from startDate {start}")
        schema = _SCHEMA.get(record.get("type", "Entity"))
        if schema is None:
            raise BuildError(f"{rid}: unknown type {record.get('type')!r}")
        provenance = {
            "dataset": CN_LISTS.dataset,
            "file": CN_LISTS.path,
            "upstream": CN_LISTS.upstream,
            "record_key": rid,
            "as_of": data_date,
            "retrieved": CN_LISTS.retrieved,
            "licence": CN_LISTS.licence,
            "program": programs[0],
        }
        entries.append(
            ListEntry(
                id=rid,
                list=list_id,
                schema=schema,
                name=record["name"].strip(),
                names=_names(record),
                countries=sorted({c.strip().upper() for c in record.get("countries") or [] if c.strip()}),
                addresses=[a.strip() for a in record.get("addresses") or [] if a.strip()],
                legal_source=resolved.source,
                published=start,
                effective=start,
                status_intervals=status_intervals(record),
                notes=resolved.note,
                provenance=provenance,
            )
        )
    counts: dict[str, int] = {}
    for entry in entries:
        counts[entry.list] = counts.get(entry.list, 0) + 1
    if counts != EXPECTED_COUNTS and update_mode() is None:  # an update may list more or fewer
        raise BuildError(f"{CN_LISTS.path}: list counts {counts} differ from the documented {EXPECTED_COUNTS}")
    return entries
