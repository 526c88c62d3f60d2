"""Header vocabulary for flat (CSV/XLSX) shipment files.

The accepted spellings are data, in ``headers.yaml`` next to this module:
canonical field -> header spellings in English, simplified and traditional
Chinese and Japanese. This module loads them, normalises headers
(case-, width-, space-, underscore- and punctuation-insensitive) and maps a
header as written to what it means (:meth:`Vocabulary.match`).

Canonical fields are the :class:`~dualuse.models.shipment.Shipment` paths:
``id``, ``date``, ``exporter.name`` ... ``destination_country``, ``end_use``
(shipment level) and ``lines.<field>`` (line level). Besides those:

* ``intermediary {n} name|country|role|address`` (and the Chinese/Japanese
  forms) -> ``Shipment.intermediaries[n]``; without a number, intermediary 1;
* ``param:<name>`` -> ``ItemLine.parameters[<name>]``;
* ``errors`` (added by :func:`~dualuse.input.rejects.write_rejects`) is ignored.
"""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Literal

from dualuse import yamlio

FieldKind = Literal["text", "country", "date", "number", "share", "int", "hs", "amount", "quantity", "currency", "unit",
                    "quantity_unit", "price_total_currency", "name_spec"]

SHIPMENT_FIELDS: dict[str, FieldKind] = {
    "id": "text",
    "date": "date",
    "exporter.name": "text",
    "exporter.country": "country",
    "exporter.address": "text",
    "consignee.name": "text",
    "consignee.country": "country",
    "consignee.address": "text",
    "end_user.name": "text",
    "end_user.country": "country",
    "end_user.address": "text",
    "destination_country": "country",
    "end_use": "text",
    "licence_number": "text",
    "arrival_country": "country",
    "trade_country": "country",
    **{f"{role}.{sub}": kind for role in ("producer", "buyer", "seller", "notify")
       for sub, kind in (("name", "text"), ("country", "country"), ("address", "text"))},
    **{f"documents.{kind}_number": "text" for kind in (
        "declaration", "pre_entry", "invoice", "contract", "order", "delivery_note", "packing_list", "approval")},
    "documents.bill_of_lading": "text",
    **{f"documents.{kind}_date": "date" for kind in ("declaration", "invoice", "contract", "order", "delivery")},
    "documents.number": "text",
    "documents.date": "date",
}
"""Shipment-level fields (repeated on every row of a shipment) and their kind.

``documents.number`` and ``documents.date`` are a form's own number and date;
the reader turns them into ``documents.<kind>_number``/``_date`` by the kind
of the document (invoice, contract ...)."""

LINE_FIELDS: dict[str, FieldKind] = {
    "lines.line": "int",
    "lines.description": "text",
    "lines.control_code": "text",
    "lines.hs_code": "hs",
    "lines.origin_country": "country",
    "lines.china_origin_value_share": "share",
    "lines.quantity": "quantity",
    "lines.unit": "unit",
    "lines.value": "amount",
    "lines.currency": "currency",
    "lines.unit_price": "number",
    "lines.specification": "text",
    "lines.domestic_source": "text",
    "lines.name_specification": "name_spec",
    "lines.quantity_unit": "quantity_unit",
    "lines.price_total_currency": "price_total_currency",
}
"""Line-level fields (one per row) and their kind."""

INTERMEDIARY_FIELDS: dict[str, FieldKind] = {
    "name": "text", "country": "country", "role": "text", "address": "text",
}
"""Sub-fields of an intermediary and their kind."""

REQUIRED_COLUMNS: tuple[str, ...] = ("id", "date", "exporter.name", "consignee.name", "destination_country")
"""Fields a flat file must have a column for."""

PARTIES: tuple[str, ...] = ("exporter", "consignee", "end_user")

STAND_INS: dict[str, tuple[str | None, str]] = {
    "producer": (None, "producer"),
    "buyer": ("consignee", "buyer"),
    "seller": ("exporter", "seller"),
    "notify": (None, "notify party"),
}
"""Parties documents name besides the shipment's own: party -> (the shipment party it stands for
when the document does not name that one, intermediary role otherwise). The producer is
:attr:`Shipment.producer`."""

DOCUMENT_ID_ORDER: tuple[str, ...] = (
    "documents.declaration_number", "documents.pre_entry_number", "documents.invoice_number",
    "documents.contract_number", "documents.order_number", "documents.delivery_note_number",
    "documents.packing_list_number",
)
"""Where the shipment id comes from when no column gives it, first found wins."""

DOCUMENT_DATE_ORDER: tuple[str, ...] = (
    "documents.declaration_date", "documents.invoice_date", "documents.delivery_date",
    "documents.order_date", "documents.contract_date",
)
"""Where the shipment date comes from when no column gives the export/shipment date."""

_REGION = re.compile(r"[(（]\s*地[区區]\s*[)）]")


def normalize_header(text: str) -> str:
    """Fold a header for matching: NFKC (width), case, and drop spaces/punctuation.

    >>> normalize_header("  End-User_Country ")
    'endusercountry'
    >>> normalize_header("ＨＳコード")
    'hsコード'
    >>> normalize_header("运抵国（地区）")
    '运抵国'
    """
    folded = _REGION.sub("", unicodedata.normalize("NFKC", text)).casefold()
    return "".join(ch for ch in folded if unicodedata.category(ch)[0] not in "PZSC")


@dataclass(frozen=True)
class HeaderMatch:
    """What a header means.

    Attributes:
        kind: ``field`` (a shipment- or line-level field), ``intermediary``,
            ``parameter``, ``ignored`` or ``kept`` (a column the user asked to
            keep as an unmapped column without it being reported).
        field: canonical field (``exporter.country``, ``lines.hs_code``) or,
            for intermediaries, the sub-field (``name``, ``country`` ...).
        number: the intermediary number (1-based).
        parameter: the technical parameter name as written.
    """

    kind: Literal["field", "intermediary", "parameter", "ignored", "kept"]
    field: str | None = None
    number: int | None = None
    parameter: str | None = None


class Vocabulary:
    """The accepted header spellings, loaded from YAML and checked for clashes."""

    def __init__(self, spec: dict, *, source: str = "headers.yaml") -> None:
        self.source = source
        fields = spec.get("fields") or {}
        known = set(SHIPMENT_FIELDS) | set(LINE_FIELDS)
        unknown = set(fields) - known
        if unknown:
            raise ValueError(f"{source}: unknown canonical fields {sorted(unknown)}")
        self.by_language: dict[str, dict[str, tuple[str, ...]]] = {
            name: _by_language(fields.get(name), f"{source}: {name}") for name in [*SHIPMENT_FIELDS, *LINE_FIELDS]
        }
        self.spellings: dict[str, tuple[str, ...]] = {
            name: _flatten(groups) for name, groups in self.by_language.items()
        }
        self._exact: dict[str, str] = {}
        self.sources: dict[str, str] = {}
        for name, spellings in self.spellings.items():
            for spelling in (*spellings, name):
                self._add(normalize_header(spelling), name)
        self.documents: list[DocumentVocabulary] = []
        for group in spec.get("documents") or ():
            self.documents.append(_document_group(group, source))
        self.kind_of_spelling: dict[str, str] = {}
        for group in self.documents:
            for name, spellings in group.fields.items():
                if name not in known:
                    raise ValueError(f"{source}: documents {group.id}: unknown canonical field {name!r}")
                for spelling in spellings:
                    norm = normalize_header(spelling)
                    self._add(norm, name)
                    self.sources.setdefault(norm, group.id)
                    self.kind_of_spelling.setdefault(norm, group.kind)
                    extra = self.spellings.get(name, ())
                    if spelling not in extra:
                        self.spellings[name] = (*extra, spelling)
        self.kept: dict[str, str] = {}
        for group in self.documents:
            for spelling in group.kept:
                norm = normalize_header(spelling)
                if norm in self._exact:
                    raise ValueError(f"{source}: documents {group.id}: {spelling!r} is kept but also read as "
                                     f"{self._exact[norm]}")
                self.kept.setdefault(norm, group.id)
                self.sources.setdefault(norm, group.id)
                self.kind_of_spelling.setdefault(norm, group.kind)
        self.form_labels: dict[str, str] = {}
        for name, spellings in (spec.get("form_labels") or {}).items():
            if name not in known:
                raise ValueError(f"{source}: form_labels: unknown canonical field {name!r}")
            for spelling in spellings:
                self.form_labels[normalize_header(str(spelling))] = name
        self.document_kinds: dict[str, tuple[str, ...]] = {
            kind: tuple(unicodedata.normalize("NFKC", str(w)).casefold() for w in words)
            for kind, words in (spec.get("document_kinds") or {}).items()
        }
        self.table_footers: frozenset[str] = frozenset(normalize_header(str(w)) for w in spec.get("table_footers") or ())
        self.user: dict[str, HeaderMatch] = {}
        self.defaults: dict[str, str] = {}

        inter = spec.get("intermediaries") or {}
        unknown = set(inter) - set(INTERMEDIARY_FIELDS)
        if unknown:
            raise ValueError(f"{source}: unknown intermediary fields {sorted(unknown)}")
        self.intermediary_spellings: dict[str, tuple[str, ...]] = {
            sub: _flatten(_by_language(inter.get(sub), f"{source}: intermediaries.{sub}"))
            for sub in INTERMEDIARY_FIELDS
        }
        self._patterns: list[tuple[re.Pattern[str], str]] = []
        for sub, spellings in self.intermediary_spellings.items():
            for spelling in (*spellings, f"intermediaries.{{n}}.{sub}"):
                if "{n}" not in spelling:
                    raise ValueError(f"{source}: intermediary spelling {spelling!r} lacks {{n}}")
                parts = [re.escape(normalize_header(p)) for p in spelling.split("{n}")]
                self._patterns.append((re.compile("(\\d*)".join(parts) + r"\Z"), sub))
        for norm, name in self._exact.items():
            for pattern, sub in self._patterns:
                if pattern.match(norm):
                    raise ValueError(f"{source}: {norm!r} is both {name} and intermediary {sub}")
        for sub, spellings in self.intermediary_spellings.items():
            for spelling in spellings:
                for n in ("", "1"):
                    probe = normalize_header(spelling.replace("{n}", n))
                    for pattern, other in self._patterns:
                        if other != sub and pattern.match(probe):
                            raise ValueError(f"{source}: {probe!r} is both intermediary {sub} and {other}")

        self.parameter_prefixes: tuple[str, ...] = tuple(
            unicodedata.normalize("NFKC", str(p)).casefold() for p in spec.get("parameter_prefixes") or ()
        )
        self.ignored: frozenset[str] = frozenset(normalize_header(str(s)) for s in spec.get("ignored") or ())
        self.not_accepted: dict[str, str] = {
            normalize_header(str(k)): str(v) for k, v in (spec.get("not_accepted") or {}).items()
        }
        for norm in self.not_accepted:
            if norm in self._exact:
                raise ValueError(f"{source}: {norm!r} is both accepted and not accepted")

    def _add(self, norm: str, name: str) -> None:
        if not norm:
            raise ValueError(f"{self.source}: empty spelling for {name}")
        other = self._exact.get(norm)
        if other is not None and other != name:
            raise ValueError(f"{self.source}: header {norm!r} is listed for both {other} and {name}")
        self._exact[norm] = name

    def match(self, header: str, *, form: bool = False) -> HeaderMatch | None:
        """What ``header`` (as written) means, or ``None`` when it is unknown.

        Args:
            header: the header or label as written.
            form: the header is a label in a form's header block, where the
                generic ``form_labels`` (No., 日期) mean the document's own
                number and date.
        """
        norm = normalize_header(header)
        if norm in self.user:
            return self.user[norm]
        if form and norm in self.form_labels:
            return HeaderMatch("field", field=self.form_labels[norm])
        folded = unicodedata.normalize("NFKC", header).casefold().strip()
        for prefix in self.parameter_prefixes:
            if folded.startswith(prefix):
                name = unicodedata.normalize("NFKC", header).strip()[len(prefix):].strip()
                return HeaderMatch("parameter", parameter=name)
        if norm in self.ignored:
            return HeaderMatch("ignored")
        name = self._exact.get(norm)
        if name is not None:
            return HeaderMatch("field", field=name)
        if norm in self.kept:
            return HeaderMatch("kept")
        for pattern, sub in self._patterns:
            m = pattern.match(norm)
            if m:
                return HeaderMatch("intermediary", field=sub, number=int(m.group(1) or 1))
        return self._bilingual(header, form=form)

    def _bilingual(self, header: str, *, form: bool) -> HeaderMatch | None:
        """A header written in two languages (``品名 Description``, ``卖方/Seller``, ``金额 Amount (USD)``):
        the parts that are known must agree; a specific field wins over a form's generic No./Date."""
        parts = bilingual_parts(header)
        if len(parts) < 2:
            return None
        found = [m for part in parts if (m := self.match(part, form=form)) is not None]
        specific = [m for m in found if m.field not in ("documents.number", "documents.date")]
        found = specific or found
        if found and all(m == found[0] for m in found):
            return found[0]
        return None

    def with_mapping(self, columns: dict[str, str], *, source: str = "mapping",
                     defaults: dict[str, str] | None = None) -> Vocabulary:
        """A copy that also reads the user's ``columns`` (header as written -> canonical field).

        Canonical fields are those of :data:`SHIPMENT_FIELDS` and
        :data:`LINE_FIELDS`, ``intermediaries.<n>.<name|country|role|address>``,
        ``param:<name>``, or ``keep`` (an unmapped column kept without being
        reported) and ``ignore``. ``defaults`` gives shipment fields that no
        column of the file holds (an ERP export never names its own company
        as the exporter): they apply to every shipment of the file.

        Raises:
            ValueError: a field that does not exist, naming the header.
        """
        import copy

        vocab = copy.copy(self)
        vocab.user = dict(self.user)
        for header, target in columns.items():
            vocab.user[normalize_header(str(header))] = parse_target(str(target), f"{source}: column {header!r}")
        vocab.defaults = {**self.defaults, **(defaults or {})}
        for name in vocab.defaults:
            if name not in SHIPMENT_FIELDS:
                raise ValueError(f"{source}: defaults: {name!r} is not a shipment field (exporter.name, "
                                 "exporter.country, destination_country, end_use ...)")
        return vocab

    def source_of(self, header: str) -> str | None:
        """The id of the document vocabulary a header comes from (``cn-export-declaration-2018``), if any."""
        norm = normalize_header(header)
        if norm in self.user:
            return "user mapping"
        if norm in self.sources:
            return self.sources[norm]
        return "general" if norm in self._exact else None

    def kind_of(self, header: str) -> str | None:
        """The kind of document (``declaration``, ``invoice`` ...) whose vocabulary has ``header``, if any."""
        return self.kind_of_spelling.get(normalize_header(header))

    def document_kind(self, text: str) -> str | None:
        """The document kind a sheet name or title names (``发票`` -> ``invoice``), or ``None``."""
        folded = unicodedata.normalize("NFKC", text).casefold()
        for kind, words in self.document_kinds.items():
            if any(word in folded for word in words):
                return kind
        return None

    def is_footer(self, text: str) -> bool:
        """True for a goods-table row label that ends the goods (合计, Total, 以下空白)."""
        if normalize_header(text) in self.table_footers:
            return True
        parts = bilingual_parts(text)
        return len(parts) > 1 and any(normalize_header(p) in self.table_footers for p in parts)

    def label(self, name: str) -> str:
        """The display spelling of a canonical field (its first English spelling)."""
        spellings = self.spellings.get(name) or ()
        return spellings[0] if spellings else name

    def examples(self, name: str) -> str:
        """Accepted spellings of ``name`` for messages: the first of each language, quoted."""
        picks: list[str] = []
        for spellings in self.by_language.get(name, {}).values():
            if spellings and spellings[0] not in picks:
                picks.append(spellings[0])
        return ", ".join(f'"{p}"' for p in picks or [name])

    def explain_unknown(self, header: str) -> str:
        """Why ``header`` is not accepted, with a suggestion when one is close."""
        norm = normalize_header(header)
        reason = self.not_accepted.get(norm)
        if reason:
            return f"unknown column: {reason}"
        message = "unknown column"
        suggestion = self.suggest(header)
        if suggestion:
            message += f'; did you mean "{suggestion}"?'
        return (message + "; accepted headers include \"shipment id\", \"date\", \"exporter\", \"consignee\", "
                "\"end user\", \"destination\", \"description\", \"control code\", \"hs code\", \"quantity\", "
                "\"value\", \"intermediary 1 name\", \"param:<name>\" and their Chinese and Japanese forms "
                "(full list: dualuse/input/headers.yaml)")

    def suggest(self, header: str) -> str | None:
        """The closest accepted spelling, if any is close."""
        norm = normalize_header(header)
        if not norm:
            return None
        by_norm: dict[str, str] = {}
        for name, spellings in self.spellings.items():
            for spelling in spellings:
                by_norm.setdefault(normalize_header(spelling), spelling)
        for spellings in self.intermediary_spellings.values():
            for spelling in spellings:
                shown = spelling.replace("{n}", "1")
                by_norm.setdefault(normalize_header(shown), shown)
        close = difflib.get_close_matches(norm, list(by_norm), n=1, cutoff=0.8)
        return by_norm[close[0]] if close else None


_WIDE = "\u3000-\u30ff\u3400-\u9fff\uf900-\ufaff\uff01-\uff60"
_RUNS = re.compile(f"[{_WIDE}（）]+(?:[ ]*[{_WIDE}（）]+)*|[^{_WIDE}]+")


def bilingual_parts(header: str) -> list[str]:
    """The language parts of a header: split at ``/`` and between CJK and Latin runs.

    >>> bilingual_parts("品名 Description")
    ['品名', 'Description']
    >>> bilingual_parts("卖方/Seller:")
    ['卖方', 'Seller']
    """
    text = unicodedata.normalize("NFC", header).strip().rstrip(":：")
    parts: list[str] = []
    for piece in re.split(r"\s*[/／]\s*", text):
        parts.extend(m.group(0).strip() for m in _RUNS.finditer(piece))
    return [p.strip(" :：") for p in parts if normalize_header(p)]


@dataclass(frozen=True)
class DocumentVocabulary:
    """The field names of one kind of document, with their source.

    Attributes:
        id: the group's id (``cn-export-declaration-2018``).
        kind: ``declaration``, ``invoice``, ``packing_list``, ``contract``,
            ``order``, ``delivery_note`` or ``erp``.
        source: where the names come from.
        fields: canonical field -> spellings.
        kept: labels of the document that do not bear on the decision: read
            as known and carried to the output as written, not reported.
    """

    id: str
    kind: str
    source: str
    fields: dict[str, tuple[str, ...]]
    kept: tuple[str, ...] = ()


DOCUMENT_KINDS: tuple[str, ...] = ("declaration", "invoice", "packing_list", "contract", "order", "delivery_note", "erp")
"""Kinds of documents, in the order whose values win a merge of commercial fields."""


def _document_group(group: object, source: str) -> DocumentVocabulary:
    if not isinstance(group, dict) or not {"id", "kind", "source", "fields"} <= set(group) or set(group) - {
            "id", "kind", "source", "fields", "kept"}:
        raise ValueError(f"{source}: each documents entry has id, kind, source, fields and optionally kept")
    if group["kind"] not in DOCUMENT_KINDS:
        raise ValueError(f"{source}: documents {group['id']}: unknown kind {group['kind']!r}")
    fields = {str(k): tuple(str(s) for s in v or ()) for k, v in (group["fields"] or {}).items()}
    kept = tuple(str(s) for s in group.get("kept") or ())
    return DocumentVocabulary(str(group["id"]), str(group["kind"]), " ".join(str(group["source"]).split()), fields, kept)


def parse_target(target: str, where: str) -> HeaderMatch:
    """A canonical field name as a user writes it in a mapping -> :class:`HeaderMatch`.

    Raises:
        ValueError: not a field dualuse knows, with ``where`` in the message.
    """
    text = target.strip()
    if text in ("keep", "extra"):
        return HeaderMatch("kept")
    if text in ("ignore", "ignored"):
        return HeaderMatch("ignored")
    if text.startswith("param:") and text[6:].strip():
        return HeaderMatch("parameter", parameter=text[6:].strip())
    if text in SHIPMENT_FIELDS or text in LINE_FIELDS:
        return HeaderMatch("field", field=text)
    m = re.fullmatch(r"intermediaries\.(\d+)\.(name|country|role|address)", text)
    if m and int(m.group(1)) >= 1:
        return HeaderMatch("intermediary", field=m.group(2), number=int(m.group(1)))
    close = difflib.get_close_matches(text, [*SHIPMENT_FIELDS, *LINE_FIELDS], n=1, cutoff=0.7)
    hint = f'; did you mean "{close[0]}"?' if close else ""
    raise ValueError(f"{where}: {text!r} is not a field dualuse reads{hint} (fields: id, date, exporter.name, "
                     "consignee.name, destination_country, end_use, lines.description, lines.hs_code, ... "
                     "see dualuse/input/headers.py; or keep / ignore / param:<name> / intermediaries.<n>.name)")


LANGUAGES: tuple[str, ...] = ("en", "zh", "zh_hant", "ja")
"""Language groups of headers.yaml: English, simplified Chinese, traditional Chinese, Japanese."""


def _by_language(entry: object, where: str) -> dict[str, tuple[str, ...]]:
    """A field's spellings grouped by language (a plain list counts as ``en``)."""
    if entry is None:
        return {}
    if isinstance(entry, list):
        return {"en": tuple(str(s) for s in entry)}
    if not isinstance(entry, dict):
        raise ValueError(f"{where}: expected a list or a mapping of language -> list")
    unknown = set(entry) - set(LANGUAGES)
    if unknown:
        raise ValueError(f"{where}: unknown languages {sorted(unknown)}; expected {', '.join(LANGUAGES)}")
    return {lang: tuple(str(s) for s in entry[lang] or ()) for lang in LANGUAGES if lang in entry}


def _flatten(groups: dict[str, tuple[str, ...]]) -> tuple[str, ...]:
    out: list[str] = []
    for spellings in groups.values():
        out.extend(s for s in spellings if s not in out)
    return tuple(out)


VOCABULARY_PATH = "headers.yaml"


@functools.lru_cache(maxsize=4)
def load_vocabulary(path: str | None = None) -> Vocabulary:
    """Load (and cache) the vocabulary; the packaged ``headers.yaml`` by default."""
    if path is None:
        text = resources.files("dualuse.input").joinpath(VOCABULARY_PATH).read_text(encoding="utf-8")
        source = VOCABULARY_PATH
    else:
        text = Path(path).read_text(encoding="utf-8")
        source = path
    spec = yamlio.safe_load(text) or {}
    if not isinstance(spec, dict):
        raise ValueError(f"{source}: expected a mapping")
    return Vocabulary(spec, source=source)
