"""FollowTheMoney (FtM) for the yente-compatible API: schemata, value cleaning, query entities.

The model comes from ``ftm_model.json`` (converted from followthemoney 4.9.2,
rigour 2.1.2 and nomenklatura 4.10.0, the versions yente 5.5.0 pins; see
:mod:`dualuse.api.ftm_build`). dualuse does not import followthemoney at run time.

A query entity (yente's ``EntityExample``) is cleaned as yente's
``Entity.from_example`` cleans it (``yente/data/entity.py``):

* the schema must exist (``Unknown schema: 'X'``) and be matchable or ``Thing``
  (``Non-matchable schema for query: X``): :class:`ExampleError`;
* properties the schema does not have are dropped;
* each value is stringified and sanitised (NFC, unsafe characters removed,
  stripped; numbers written as FtM writes them), then cleaned by its
  property's type: ``name`` (surrounding quotes removed, spaces squashed),
  ``address`` (line breaks to commas, spaces squashed), ``country`` (a code,
  alpha-3 code or territory name in any language -> the FtM code; names are
  looked up exactly after normalisation, rigour's edit-distance guesses are not
  reproduced), ``date`` (ISO 8601 prefixes as ``prefixdate`` reads them),
  ``gender`` (``m``/``女``... -> ``male``/``female``/``other``), ``topic`` (FtM's
  topic names), ``entity`` (FtM ids); values that do not clean are dropped;
  other types (identifier, string, url, email, phone ...) keep the sanitised
  value (FtM normalises URLs, e-mail domains, phone numbers and identifiers
  with a format such as ``imoNumber`` or ``leiCode`` further; dualuse does not
  compare those properties); FtM's country hints from phone numbers and IBANs
  are not added;
* a Person without a name gets aliases combined from its name parts
  (``firstName`` ... ``lastName``), as FtM's ``combine_names``.

``tests/api/test_ftm_model.py`` checks the cleaning against yente's own on a
corpus of queries.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

MODEL_FILE = Path(__file__).with_name("ftm_model.json")
BASE_SCHEMA = "Thing"  # yente settings.BASE_SCHEMA: the one non-matchable schema a query may use

# normality (MIT) cleaning tables, as followthemoney 4.9.2 applies them
_SPACE_CPS = (*range(0x2000, 0x200B), 0x2028, 0x2029, 0x0A00, 0x1680, 0x202F, 0x205F, 0x3000)
_DELETE_CPS = (
    *range(0x00, 0x09), *range(0x0B, 0x0D), *range(0x0E, 0x20), 0x7F, *range(0x80, 0xA0),
    *range(0x200B, 0x2010), 0x061C, *range(0x2060, 0x2065), 0x00AD, 0xFEFF, *range(0xD800, 0xE000),
)
_UNSAFE = {cp: " " for cp in _SPACE_CPS} | {cp: None for cp in _DELETE_CPS if cp not in _SPACE_CPS}
_COLLAPSE = re.compile(r"[\s\u2028\u2000-\u200a\u2029\u0a00\u1680\u202f\u205f\u3000]+")
_COLLAPSE_REMOVE = re.compile(r"[\u200b\u200c\u200d\ufeff\u00ad\u2060-\u2064]")
_QUOTES = re.compile(r'^["\'](.*)["\']$')
_ADDRESS_BREAKS = re.compile(r"(\r\n|\n|<BR/>|<BR>|\t|ESQ\.,|ESQ,|;)")
_ADDRESS_COMMATA = re.compile(r"(,\s?[,\.])")
_ENTITY_ID = re.compile(r"^[0-9a-zA-Z]([0-9a-zA-Z\.\-]*[0-9a-zA-Z])?$")
# prefixdate (MIT): an ISO 8601 prefix; the precision is how much of it is valid
_DATE = re.compile(
    r"^\s*((?P<year>[12]\d{3}\b)(-(?P<month>\d{1,2}\b)(-(?P<day>\d{1,2})([T ]((?P<hour>\d{1,2}\b)"
    r"(:(?P<minute>\d{1,2}\b)(:(?P<second>\d{1,2}\b)(\.\d{4,6}\b)?(Z|(?P<tzsign>[-+])(?P<tzhour>\d{2})"
    r"(:?(?P<tzminute>\d{2}\b))?)?)?)?)?)?)?)?)?.*"
)
_DATE_PARTS = (("year", 1000, 0), ("month", 1, 4), ("day", 1, 7), ("hour", 0, 10), ("minute", 0, 13), ("second", 0, 16))
# rigour's territory-name normalisation skips these characters
_TERRITORY_SKIP = set(".()[],;:_-/ʻ'’")
NAME_PARTS = ("firstName", "secondName", "middleName", "fatherName", "motherName", "lastName")


class ExampleError(ValueError):
    """A query entity yente would refuse (its message is yente's, after ``Cannot parse example entity: ``)."""


@dataclass(frozen=True)
class Schema:
    """One FtM schema.

    Attributes:
        name, label: e.g. ``Company``, ``Company``.
        abstract, matchable: as FtM defines them.
        schemata: the schema and all its ancestors.
        descendants, matchable_schemata: as FtM computes them.
        caption: properties that name an entity of the schema, in order.
        properties: ``{name: (type, matchable, reverse property or None)}``.
    """

    name: str
    label: str
    abstract: bool
    matchable: bool
    schemata: frozenset[str]
    descendants: frozenset[str]
    matchable_schemata: frozenset[str]
    caption: tuple[str, ...]
    properties: dict[str, tuple[str, bool, str | None]]

    def is_a(self, other: str) -> bool:
        """True when the schema is ``other`` or extends it."""
        return other in self.schemata

    def names(self) -> tuple[str, ...]:
        """The matchable name properties (``name``, ``alias``, ``previousName`` ...), in that order."""
        order = {"name": 0, "alias": 1, "previousName": 2}
        found = [p for p, (kind, matchable, _) in self.properties.items() if kind == "name" and matchable]
        return tuple(sorted(found, key=lambda p: (order.get(p, 9), p)))

    def scope(self) -> frozenset[str]:
        """Schemata of the results a query of this schema may match (yente's ``filter_query``)."""
        if self.matchable:
            return self.matchable_schemata
        return self.matchable_schemata | self.descendants


@cache
def _model() -> dict:
    return json.loads(MODEL_FILE.read_text(encoding="utf-8"))


def model_source() -> dict[str, str]:
    """Package versions the model was converted from (``{"followthemoney": "4.9.2", ...}``)."""
    return dict(_model()["source"])


@cache
def schema(name: str) -> Schema | None:
    """The schema called ``name`` (case as FtM writes it), or ``None``."""
    raw = _model()["schemata"].get(name)
    if raw is None:
        return None
    return Schema(
        name=name,
        label=raw["label"],
        abstract=raw["abstract"],
        matchable=raw["matchable"],
        schemata=frozenset(raw["schemata"]),
        descendants=frozenset(raw["descendants"]),
        matchable_schemata=frozenset(raw["matchable_schemata"]),
        caption=tuple(raw["caption"]),
        properties={k: (v[0], v[1], v[2]) for k, v in raw["properties"].items()},
    )


def topics() -> dict[str, str]:
    """FtM topic names and their labels (``{"sanction": "Sanctioned entity", ...}``)."""
    return dict(_model()["topics"])


def risk_topics() -> frozenset[str]:
    """Topics that make an entity a ``target`` in yente (FtM ``registry.topic.RISKS``)."""
    return frozenset(_model()["risks"])


def algorithms() -> dict[str, dict]:
    """yente's algorithm names with their description and configuration variables (nomenklatura 4.10.0)."""
    found = sorted(_model()["algorithms"].items(), key=lambda item: item[1]["order"])
    return {name: {k: v for k, v in value.items() if k != "order"} for name, value in found}


def country_label(code: str) -> str:
    """The English name of an FtM country code (the code itself when unknown)."""
    found = _model()["countries"].get(code)
    return found["label"] if found else code


def normalize_territory_name(text: str) -> str:
    """Lookup key of a territory name: like rigour's, with accents stripped instead of ICU transliteration."""
    decomposed = unicodedata.normalize("NFKD", text).casefold()
    kept = []
    for char in decomposed:
        if char in _TERRITORY_SKIP:
            continue
        if unicodedata.category(char) == "Mn":  # combining accents (what latinising Latin script removes)
            continue
        kept.append(char if char.isalnum() else " ")
    return squash_spaces(unicodedata.normalize("NFKC", "".join(kept)))


@cache
def _country_codes() -> dict[str, str]:
    return {alias: code for code, value in _model()["countries"].items() for alias in [code, *value["codes"]]}


@cache
def _country_index() -> dict[str, str | None]:
    index: dict[str, str | None] = {}
    for code, value in _model()["countries"].items():
        for name in value["names"]:
            key = normalize_territory_name(name)
            if not key:
                continue
            if index.get(key, code) != code:
                index[key] = None  # two countries share the key: refuse to guess
            else:
                index[key] = code
    return index


def country_code(text: str) -> str | None:
    """The FtM country code of a code or territory name (``"Japan"``, ``"JPN"``, ``"日本"`` -> ``"jp"``), or ``None``.

    As rigour's ``lookup_territory``: a code as written (case, ``_`` and
    surrounding spaces aside), else a name after normalisation.
    """
    found = _country_codes().get(text.lower().replace("_", "-").strip())
    if found is not None:
        return found
    key = normalize_territory_name(text)
    return _country_index().get(key) if key else None


def squash_spaces(text: str) -> str:
    """Collapse every run of whitespace to one space and strip (normality ``squash_spaces``)."""
    return _COLLAPSE.sub(" ", _COLLAPSE_REMOVE.sub("", text)).strip(" ")


def sanitize(value: Any) -> str | None:
    """A raw JSON value as FtM stringifies it (followthemoney ``sanitize_text``), ``None`` when empty."""
    if value is None:
        return None
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, float):
        text = format(value, ".3f").rstrip("0").rstrip(".")
    elif isinstance(value, Decimal):
        text = value.to_eng_string()
    else:
        text = value if isinstance(value, str) else str(value)
    text = unicodedata.normalize("NFC", text).translate(_UNSAFE).strip()
    return text or None


def clean_date(text: str) -> str | None:
    """An ISO 8601 date prefix (``"1975"``, ``"1975-04"``, ``"1975-04-21T10:30"``) or ``None`` (prefixdate ``parse``)."""
    match = _DATE.match(text)
    if match is None:
        return None
    values = []
    precision = 19
    for group, lowest, cut in _DATE_PARTS:
        raw = match.group(group)
        value = int(raw) if raw is not None else -1
        if value < lowest:
            precision = min(precision, cut)
            value = lowest
        values.append(value)
    if precision == 0:
        return None
    tz = None
    if match.group("tzsign") and match.group("tzhour") and match.group("tzminute"):
        sign = -1 if match.group("tzsign") == "-" else 1
        try:
            tz = dt.timezone(dt.timedelta(hours=sign * int(match.group("tzhour")), minutes=sign * int(match.group("tzminute"))))
        except ValueError:  # an offset of a day or more: read as no time zone, as prefixdate does
            tz = None
    try:
        moment = dt.datetime(*values, tzinfo=tz)
    except ValueError:
        return None
    if tz is not None and tz != dt.timezone.utc:
        moment = moment.astimezone(dt.timezone.utc)
    return moment.isoformat()[:precision]


def clean_value(kind: str, value: Any) -> str | None:
    """One value of FtM property type ``kind`` cleaned as yente cleans a query value, or ``None`` if it does not clean."""
    text = sanitize(value)
    if text is None:
        return None
    if kind == "name":
        text = squash_spaces(_QUOTES.sub(r"\1", text))
    elif kind == "address":
        text = squash_spaces(_ADDRESS_COMMATA.sub(", ", _ADDRESS_BREAKS.sub(", ", text)))
    elif kind == "country":
        return country_code(text)
    elif kind == "date":
        return clean_date(text)
    elif kind == "gender":
        code = text.lower().strip()
        return _model()["genders"].get(code)
    elif kind == "topic":
        code = text.lower().strip()
        return code if code in _model()["topics"] else None
    elif kind == "entity":
        return text if _ENTITY_ID.match(text) else None
    return text or None


@dataclass(frozen=True)
class QueryEntity:
    """A cleaned query entity.

    Attributes:
        id: the caller's id (echoed, never used to match).
        schema: its FtM schema.
        properties: cleaned values per property, in the caller's order.
    """

    id: str | None
    schema: Schema
    properties: dict[str, list[str]]

    def names(self) -> list[str]:
        """Every matchable name value (``name``, ``alias``, ``previousName`` ...), without repeats."""
        out: list[str] = []
        for prop in self.schema.names():
            for value in self.properties.get(prop, []):
                if value not in out:
                    out.append(value)
        return out

    def values_of_type(self, kind: str) -> list[str]:
        """Every value of properties of FtM type ``kind`` (e.g. every ``country``-typed value)."""
        out: list[str] = []
        for prop, values in self.properties.items():
            if self.schema.properties[prop][0] == kind:
                out.extend(v for v in values if v not in out)
        return out


def _raw_values(raw: Any) -> list[Any]:
    return list(raw) if isinstance(raw, (list, tuple, set)) else [raw]


def clean_example(schema_name: str, properties: dict[str, Any], example_id: str | None = None) -> QueryEntity:
    """Clean a query entity as yente's ``Entity.from_example`` does (see the module docstring).

    Raises:
        ExampleError: unknown schema, or a non-matchable schema other than ``Thing``.
    """
    found = schema(schema_name)
    if found is None:
        raise ExampleError(f"Unknown schema: {schema_name!r}")
    if found.name != BASE_SCHEMA and not found.matchable:
        raise ExampleError(f"Non-matchable schema for query: {found.name}")
    cleaned: dict[str, list[str]] = {}
    for prop, raw in properties.items():
        spec = found.properties.get(prop)
        if spec is None:
            continue  # yente logs "Invalid query property" and drops it
        for value in _raw_values(raw):
            text = clean_value(spec[0], value)
            if text is not None and text not in cleaned.setdefault(prop, []):
                cleaned[prop].append(text)
        if not cleaned.get(prop):
            cleaned.pop(prop, None)
    entity = QueryEntity(id=example_id, schema=found, properties=cleaned)
    if found.is_a("Person") and not entity.names():
        _combine_names(entity)
    return entity


def _combine_names(entity: QueryEntity) -> None:
    """FtM ``combine_names``: every combination of the name parts, as aliases."""
    props = entity.properties
    last = props.get("lastName", [])
    parts = [props[p] for p in NAME_PARTS if props.get(p)]
    aliases = props.setdefault("alias", [])
    for pairing in itertools.product(*parts) if parts else ():
        name = clean_value("name", " ".join(pairing))  # an alias is a name: cleaned as one ("''" is no name)
        if name and name not in aliases:
            aliases.append(name)
    if not aliases:
        aliases.extend(name for name in (clean_value("name", v) for v in last) if name and name not in aliases)
    if not aliases:
        props.pop("alias")


def valid_properties(schema_name: str, properties: dict[str, list[Any]]) -> dict[str, list[Any]]:
    """``properties`` restricted to the ones ``schema_name`` has (empty lists dropped).

    Raises:
        KeyError: unknown schema.
    """
    found = schema(schema_name)
    if found is None:
        raise KeyError(schema_name)
    return {k: v for k, v in properties.items() if k in found.properties and v}


def ftm_entity_id(text: str) -> str:
    """A FtM-valid entity id for a dualuse id (``CN-ECL:MOFCOM-2026-11:2`` -> ``CN-ECL.MOFCOM-2026-11.2``).

    ``:`` becomes ``.``, any other character FtM does not allow becomes ``-``.
    Distinct dualuse ids may collide after this; callers keep a table
    (:class:`dualuse.api.yente_data.EntityView`) and disambiguate.
    """
    out = "".join(ch if (ch.isascii() and ch.isalnum()) or ch in ".-" else ("." if ch == ":" else "-") for ch in text)
    out = out.strip(".-") or "x"
    return out
