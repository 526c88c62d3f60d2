"""Read OpenSanctions' China sanctions data and map it to dualuse's lists.

Two formats (the second is what OpenSanctions publishes for the dataset):

* the dataset's source table ``sanctions.csv`` (``Type, QID, Name, Alias, Chinese name,
  Country, Topics, Summary, Chinese summary, Body, List, Date, End date, Source URL,
  Address``; dates ``DD.MM.YYYY``);
* its FollowTheMoney export (JSON lines): ``Person``/``Company``/``Organization``/
  ``LegalEntity`` entities and the ``Sanction`` entities that name them
  (``program``/``programId``, ``authority``, ``sourceUrl``, ``startDate``, ``endDate``).

Mapping (the dataset's own list labels and programme ids, ``cn_sanctions.yml``):

==============================================  ===========  ====================
source                                          programme    dualuse list
==============================================  ===========  ====================
MOFCOM ``List of Export Controls``              CN-ECL       ``CN-ECL``
MOFCOM ``Export Control Watch List``            CN-ECWL      ``CN-WL``
MOFCOM ``UEL``                                  CN-UEL       ``CN-UEL``
MOFCOM ``List of Targets of Countermeasures``   CN-CML       ``CN-AFSL``
MFA countermeasures (any list label)            CN-CML       ``CN-AFSL`` (category ``mfa_countermeasure``)
Taiwan Affairs Office lists                     CN-TAO-*     not a dualuse list: skipped, counted
==============================================  ===========  ====================

Licence: OpenSanctions data is CC BY-NC 4.0. dualuse never ships it; a user
with their own licence (or for non-commercial use) imports it into their own
database. Every problem names the file, row and column.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from dataclasses import dataclass, field
from pathlib import Path

from dualuse.input.encoding import decode_bytes

COLUMNS = ("Type", "QID", "Name", "Alias", "Chinese name", "Country", "Topics", "Summary", "Chinese summary", "Body", "List", "Date", "End date", "Source URL", "Address")
LABELS = {
    "List of Export Controls": "CN-ECL",
    "Export Control Watch List": "CN-WL",
    "UEL": "CN-UEL",
}
PROGRAMMES = {"CN-ECL": "CN-ECL", "CN-ECWL": "CN-WL", "CN-UEL": "CN-UEL", "CN-CML": "CN-AFSL"}
SCHEMAS = {"Person": "Person", "Company": "Organization", "Organization": "Organization", "LegalEntity": "Organization", "PublicBody": "Organization"}
LICENCE = "OpenSanctions data, CC BY-NC 4.0 (attribution: OpenSanctions); imported by the user, not shipped with dualuse"


class OpenSanctionsError(ValueError):
    """The file cannot be read; ``problems`` name file, row and column."""

    def __init__(self, problems: list[str]):
        super().__init__(f"{len(problems)} problem(s):\n" + "\n".join(f"  - {p}" for p in problems[:200]))
        self.problems = problems


@dataclass(frozen=True)
class Designation:
    """One designation row, mapped.

    Attributes:
        row: the row (CSV) or line (FtM) it comes from.
        list_id: the dualuse list (``None``: not a dualuse list, e.g. Taiwan Affairs Office).
        schema: ``Person`` or ``Organization``.
        name, aliases, name_zh: the names as the file gives them.
        country: ISO alpha-2, if any.
        body: the issuing body (``Ministry of Commerce``, ``Ministry of Foreign Affairs`` ...).
        label: the source-facing list label (or programme).
        start, end: listing and end dates.
        url: the official notice URL; address: as published; summary: context.
    """

    row: int
    list_id: str | None
    schema: str
    name: str
    aliases: tuple[str, ...]
    name_zh: str | None
    country: str | None
    body: str
    label: str
    start: dt.date | None
    end: dt.date | None
    url: str | None
    address: str | None = None
    summary: str | None = None

    @property
    def names(self) -> list[str]:
        """Every name form."""
        return [n for n in (self.name, *self.aliases, self.name_zh) if n]

    @property
    def category(self) -> str | None:
        """``mfa_countermeasure`` for MFA countermeasures."""
        return "mfa_countermeasure" if self.list_id == "CN-AFSL" and "Foreign Affairs" in self.body else None


@dataclass
class Read:
    """What a file held: the mapped designations, and what was skipped (by reason)."""

    file: str
    format: str
    designations: list[Designation] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)


_COUNTRY_ALIASES = {"czech republic": "CZ", "usa": "US", "u.s.": "US", "uk": "GB", "south korea": "KR", "russia": "RU", "taiwan": "TW", "the netherlands": "NL"}


def country_code(value: str) -> str | None:
    """ISO alpha-2 from ``JP``, ``Japan``, ``JAPAN``, ``Czech Republic`` (CLDR English names via Babel, and common forms)."""
    from dualuse.importers.mofcom import _territories

    value = (value or "").strip()
    if not value:
        return None
    if len(value) == 2 and value.isalpha():
        return value.upper()
    key = value.casefold()
    if key in _COUNTRY_ALIASES:
        return _COUNTRY_ALIASES[key]
    for name, code in _territories():
        if name.casefold() == key:
            return code
    return None


def _list_of(body: str, label: str, topics: str) -> str | None:
    if "Taiwan" in body:
        return None
    if label in LABELS:
        return LABELS[label]
    if "counter" in topics or label in ("List of Targets of Countermeasures", "AFSL") or "Countermeasures" in label:
        return "CN-AFSL"
    if "export.control" in topics:
        return "CN-ECL"
    return None


def _date(value: str, where: str, problems: list[str]) -> dt.date | None:
    value = (value or "").strip()
    if not value:
        return None
    for fmt in ("%d.%m.%Y", "%d.%m.%y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(value[:10] if fmt == "%Y-%m-%d" else value, fmt).date()
        except ValueError:
            continue
    problems.append(f"{where} ({value!r}): expected a date DD.MM.YYYY (or YYYY-MM-DD)")
    return None


def read_csv(path: Path) -> Read:
    """Read ``sanctions.csv``.

    Raises:
        OpenSanctionsError: missing columns, bad dates or countries, rows without a name or URL.
    """
    text, _ = decode_bytes(Path(path).read_bytes(), str(path))
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise OpenSanctionsError([f"{path}: row 1: missing column(s) {', '.join(missing)}; expected the header of OpenSanctions' sanctions.csv: {', '.join(COLUMNS)}"])
    out = Read(str(path), "sanctions.csv")
    problems: list[str] = []
    for n, row in enumerate(reader, start=2):
        where = f"{path}: row {n}"
        name = (row["Name"] or "").strip() or (row["Chinese name"] or "").strip()
        if not name:
            problems.append(f'{where}, column "Name": empty (and no "Chinese name")')
            continue
        body, label, topics = (row["Body"] or "").strip(), (row["List"] or "").strip(), (row["Topics"] or "").strip()
        list_id = _list_of(body, label, topics)
        if list_id is None:
            key = f"{body or 'no body'} / {label or 'no list label'}"
            out.skipped[key] = out.skipped.get(key, 0) + 1
            continue
        raw_country = (row["Country"] or "").strip()
        country = country_code(raw_country)
        if raw_country and country is None:
            problems.append(f'{where}, column "Country" ({raw_country!r}): expected an ISO 3166-1 alpha-2 code or a country name')
            continue
        schema = SCHEMAS.get((row["Type"] or "").strip())
        if schema is None:
            problems.append(f'{where}, column "Type" ({row["Type"]!r}): expected Person, Company or Organization')
            continue
        start = _date(row["Date"], f'{where}, column "Date"', problems)
        end = _date(row["End date"], f'{where}, column "End date"', problems)
        url = (row["Source URL"] or "").strip() or None
        aliases = tuple(a.strip() for a in (row["Alias"] or "").split(";") if a.strip())
        out.designations.append(
            Designation(n, list_id, schema, (row["Name"] or "").strip() or name, aliases, (row["Chinese name"] or "").strip() or None, country, body, label, start, end, url,
                        (row["Address"] or "").strip() or None, (row["Summary"] or "").strip() or None)
        )
    if problems:
        raise OpenSanctionsError(problems)
    return out


def read_ftm(path: Path) -> Read:
    """Read the FollowTheMoney export (JSON lines) of the dataset.

    Raises:
        OpenSanctionsError: unreadable lines, targets without names, bad dates.
    """
    from dualuse.service.ftm import FtmError, read_lines

    try:
        lines, problems = read_lines(Path(path))
    except FtmError as error:
        raise OpenSanctionsError(error.problems) from None
    out = Read(str(path), "ftm")
    sanctions: dict[str, list[tuple[int, dict]]] = {}
    targets: list[tuple[int, dict]] = []
    for n, obj in lines:
        props = obj.get("properties") or {}
        if obj["schema"] == "Sanction":
            for target in props.get("entity") or []:
                sanctions.setdefault(target, []).append((n, props))
        elif obj["schema"] in SCHEMAS:
            targets.append((n, obj))
        else:
            out.skipped[f"schema {obj['schema']}"] = out.skipped.get(f"schema {obj['schema']}", 0) + 1

    def first(props: dict, *names: str) -> str:
        for name in names:
            values = props.get(name) or []
            if values:
                return str(values[0]).strip()
        return ""

    for n, obj in targets:
        props = obj.get("properties") or {}
        names = [v for v in props.get("name") or [] if v]
        if not names:
            problems.append(f"{path}: line {n} ({obj.get('id')}): no name")
            continue
        zh = next((v for v in [*names, *(props.get("alias") or [])] if any("\u4e00" <= ch <= "\u9fff" for ch in v)), None)
        latin = [v for v in names if v != zh]
        links = sanctions.get(obj.get("id"), []) or [(n, {})]
        for m, sanction in links:
            programme = first(sanction, "programId", "program") or first(props, "programId", "program")
            body = first(sanction, "authority")
            list_id = PROGRAMMES.get(programme) if programme in PROGRAMMES else (None if programme.startswith("CN-TAO") else _list_of(body, programme, " ".join(props.get("topics") or [])))
            if list_id is None:
                key = f"programme {programme or 'none'}"
                out.skipped[key] = out.skipped.get(key, 0) + 1
                continue
            where = f"{path}: line {m}"
            countries = [c.upper() for c in props.get("country") or props.get("nationality") or [] if len(c) == 2]
            aliases = tuple(v for v in [*latin[1:], *(props.get("alias") or [])] if v != zh)
            out.designations.append(
                Designation(
                    m, list_id, SCHEMAS[obj["schema"]], (latin or names)[0], aliases, zh, countries[0] if countries else None, body, programme,
                    _date(first(sanction, "startDate", "listingDate") or first(props, "startDate", "createdAt"), f'{where}, "startDate"', problems),
                    _date(first(sanction, "endDate") or first(props, "endDate"), f'{where}, "endDate"', problems),
                    first(sanction, "sourceUrl") or first(props, "sourceUrl") or None,
                    first(props, "address", "addressFull") or None,
                    first(sanction, "reason", "summary") or first(props, "notes", "summary") or None,
                )
            )
    if problems:
        raise OpenSanctionsError(problems)
    return out


def read(path: Path) -> Read:
    """``sanctions.csv`` (``.csv``) or the FtM export (anything else), by the file's content."""
    path = Path(path)
    if not path.is_file():
        raise OpenSanctionsError([f"{path}: no such file (expected OpenSanctions' sanctions.csv or its FollowTheMoney export)"])
    head = path.read_bytes()[:4096].lstrip()
    if head.startswith((b"{", b"[")):
        return read_ftm(path)
    return read_csv(path)


def to_json_lines(read_: Read) -> str:
    """The designations as JSON lines (for inspection)."""
    return "".join(json.dumps({k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in d.__dict__.items()}, ensure_ascii=False) + "\n" for d in read_.designations)
