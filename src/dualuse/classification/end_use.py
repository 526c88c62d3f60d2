"""End-use analysis: what a shipment's declared end-use text says about its use.

The declared end use (free text in English, simplified or traditional
Chinese, Japanese, or a mix; possibly empty) is scanned against a lexicon of
terms (``end_use_lexicon.yaml``, data, not code).  The result is a list of
:class:`EndUseSignal` findings, each with the exact span of the input that
triggered it, the lexicon entry id, and the entry's source note, so that a
decision can be audited.  There is never a bare boolean.

Why these kinds matter (see ``/work/shared/docs/regime.md``):

* ``military_use`` – MOFCOM Announcement 2026 No. 1 (2026-01-06) bans all
  dual-use items for Japanese military users, military end uses, and users or
  uses that enhance Japan's military strength (§1.1); Announcement 2024
  No. 46 (2024-12-03) bans dual-use items for US military users and uses
  (§3.7).  The signal carries the country the use is attributed to.
* ``military_possible`` – ambiguous defence-adjacent terms (radar, sonar,
  "defence", rocket motor …): a review flag, not a prohibition.
* ``wmd`` / ``terrorism`` – the catch-all of Export Control Law Art. 12(3)
  (§3.4): a licence is needed even for unlisted items the exporter knows or
  should know may be used for WMD or their delivery means, or for terrorism.
* ``civil_declared`` – an explicit civil declaration (民生用, for EV traction
  motors …).  Generic words such as "Production", 構造部材 or 生産用材料 do
  **not** establish a civil end use and are deliberately not in the lexicon.

Matching
--------
Text and terms are normalised the same way: NFKC (full-width → ASCII,
half-width → full-width katakana, compatibility ideographs), case-fold, dash
and apostrophe variants unified, zero-width characters and variation
selectors dropped, and Han characters folded to simplified Chinese with
:func:`dualuse.text.fold.fold_cjk` (so 陸上自衛隊, 陸上自衞隊
and 陆上自卫队 are the same string).  Latin terms are matched on word
boundaries (``arms`` does not match ``farms``; ``tank`` is not a term at all,
see the lexicon) with an optional plural/possessive suffix, flexible
whitespace/hyphens (``non-military`` = ``non military`` = ``nonmilitary``)
and optional dots (``U.S. Navy`` = ``US Navy``).  CJK and kana terms are
substrings.  Where matches overlap, the longest wins (陸上自衛隊 over 自衛隊,
``nuclear weapon`` over ``weapon``, ``navy blue`` – a carve-out – over
``navy``).  Spans always index the original text.

Negation
--------
A military/WMD/terrorism match preceded by a negation cue (``non-``,
``not for``, ``no``, ``without``, ``except``, 非, 不得用于, 禁止, 并非 …;
only function words may stand between an English cue and the term, and
the next items of a negated list are negated too) or
followed by a negating suffix (ではない, なし, しない, 禁止, 以外, 除外,
"is prohibited" …) within the same clause becomes a ``civil_declared`` signal
whose span covers cue and term ("not for military use", 軍事転用なし).  A
negated core civil declaration ("not for civilian use", 非民用) becomes
``military_possible``.  Clause breaks (punctuation, "but", 但, 而是, しかし)
stop a cue from reaching a later term.

Performance
-----------
Latin-term regexes (indexed by their first two letters) and a first-character index of
CJK terms are compiled once per :class:`EndUseAnalyser`; a typical end-use
string is analysed in about 20 µs.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Literal, NamedTuple

import yaml

from dualuse import yamlio

from dualuse.text.fold import cjk_fold_table
from dualuse.models.countries import is_country_code

__all__ = [
    "DEFAULT_ORG_STOPLIST",
    "EndUseAnalyser",
    "EndUseAnalysis",
    "EndUseSignal",
    "LexiconEntry",
    "LexiconError",
    "OrgTerm",
    "SignalKind",
    "analyse_end_use",
    "default_analyser",
    "load_lexicon",
    "military_org_terms",
    "normalise",
]

SignalKind = Literal["military_use", "military_possible", "civil_declared", "wmd", "terrorism"]
SIGNAL_KINDS: tuple[str, ...] = ("military_use", "military_possible", "civil_declared", "wmd", "terrorism")
_ENTRY_KINDS = SIGNAL_KINDS + ("suppress",)
_LANGS = ("en", "zh", "ja")
_NEGATION_OUTCOMES = ("civil_declared", "military_possible", "drop")
_MILITARY_KINDS = frozenset({"military_use", "military_possible", "wmd", "terrorism"})
_LEXICON_RESOURCE = "end_use_lexicon.yaml"


# --------------------------------------------------------------------------
# public result types
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class EndUseSignal:
    """One finding in an end-use text.

    Attributes:
        kind: ``military_use``, ``military_possible``, ``civil_declared``,
            ``wmd`` or ``terrorism``.
        country: ISO 3166-1 alpha-2 code the use is attributed to – fixed by
            the lexicon entry (``JP`` for 自衛隊, ``US`` for "U.S. Navy") or
            the destination country for generic terms ("military", 護衛艦);
            ``None`` when not attributable (civil signals, or a generic term
            with no destination given).
        term: the lexicon term (or reference-list organisation name) that
            matched, as written in the lexicon; negated matches read
            ``"NOT <term>"``.
        matched_text: ``text[start:end]`` of the analysed text.
        start, end: span in the **original** (un-normalised) text.
        lexicon_id: id of the lexicon entry (``"<id>!negated"`` for a
            negated match; the caller's id for reference-list names).
        source: why the term means this – a legal or lexical note.
    """

    kind: SignalKind
    country: str | None
    term: str
    matched_text: str
    start: int
    end: int
    lexicon_id: str
    source: str


@dataclass(frozen=True)
class EndUseAnalysis:
    """Signals found in one declared end-use text.

    Attributes:
        text: the analysed text, unchanged.
        signals: findings in ``text``, ordered by ``start``.
        destination_country: the destination used for attribution, if any.
        item_signals: optional findings in item descriptions, one tuple per
            description passed to :func:`analyse_end_use` (spans index that
            description).  Not counted by the helper methods below unless
            ``include_items=True``.
    """

    text: str
    signals: tuple[EndUseSignal, ...]
    destination_country: str | None = None
    item_signals: tuple[tuple[EndUseSignal, ...], ...] = field(default=())

    def _all(self, include_items: bool) -> list[EndUseSignal]:
        out = list(self.signals)
        if include_items:
            for sigs in self.item_signals:
                out.extend(sigs)
        return out

    def military_use(self, country: str | None = None, *, include_items: bool = False) -> list[EndUseSignal]:
        """``military_use`` signals; with ``country``, only those attributed to it.

        A generic term ("military") analysed without a destination has
        ``country=None`` and is therefore returned only when ``country`` is
        ``None``.
        """
        return [
            s for s in self._all(include_items)
            if s.kind == "military_use" and (country is None or s.country == country.upper())
        ]

    def military_possible(self, *, include_items: bool = False) -> list[EndUseSignal]:
        """``military_possible`` (review) signals."""
        return [s for s in self._all(include_items) if s.kind == "military_possible"]

    def civil_declared(self) -> bool:
        """True if the text declares a civil use and nothing military.

        I.e. at least one ``civil_declared`` signal and no ``military_use``,
        ``military_possible``, ``wmd`` or ``terrorism`` signal in the text.
        An empty or generic text ("Production") is *not* civil-declared.
        """
        kinds = {s.kind for s in self.signals}
        return "civil_declared" in kinds and not (kinds & _MILITARY_KINDS)

    def red_flags(self, *, include_items: bool = False) -> list[EndUseSignal]:
        """``wmd`` and ``terrorism`` signals (ECL Art. 12(3) catch-all grounds)."""
        return [s for s in self._all(include_items) if s.kind in ("wmd", "terrorism")]

    def summary(self) -> dict[str, list[str]]:
        """``{kind: ["term (matched text)", ...]}`` for the kinds present, kinds in alphabetical order.

        The order is fixed, and the one the records' key-sorted JSON gives back, so that a decision's JSON is
        byte-identical whether screened now or replayed from a record (resumed batches, Dask workers).
        """
        out: dict[str, list[str]] = {}
        for s in self.signals:
            out.setdefault(s.kind, []).append(f"{s.term} ({s.matched_text})")
        return {kind: out[kind] for kind in sorted(out)}


class OrgTerm(NamedTuple):
    """A military organisation name: ``term`` attributed to ``country``."""

    term: str
    country: str
    id: str
    source: str = "reference list of military users"


class LexiconError(ValueError):
    """The lexicon file (or an extra org term) is malformed."""


@dataclass(frozen=True)
class LexiconEntry:
    """One validated lexicon entry (see the header of ``end_use_lexicon.yaml``)."""

    id: str
    kind: str
    country: str | None  # ISO alpha-2, "destination", or None
    source: str
    terms: dict[str, tuple[str, ...]]
    acronyms: tuple[str, ...] = ()
    org: bool = False
    on_negation: str = "civil_declared"
    not_preceded_by: str | None = None
    not_followed_by: str | None = None

    def all_terms(self) -> list[str]:
        """All terms and acronyms of the entry, in lexicon order."""
        out: list[str] = []
        for lang in _LANGS:
            out.extend(self.terms.get(lang, ()))
        out.extend(self.acronyms)
        return out


# --------------------------------------------------------------------------
# normalisation
# --------------------------------------------------------------------------

_PUNCT_MAP = {
    0x2010: "-", 0x2011: "-", 0x2012: "-", 0x2013: "-", 0x2014: "-", 0x2015: "-",
    0x2212: "-", 0xFE58: "-", 0xFE63: "-",
    0x2018: "'", 0x2019: "'", 0x02BC: "'", 0x2032: "'",
}
_DROP_CHARS = [0x00AD, 0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, *range(0xFE00, 0xFE10), *range(0xE0100, 0xE01F0)]


@lru_cache(maxsize=1)
def _char_table() -> dict[int, int | str | None]:
    table: dict[int, int | str | None] = dict(cjk_fold_table())
    table.update(_PUNCT_MAP)
    for cp in _DROP_CHARS:
        table[cp] = None
    return table


def _is_attached_cp(cp: int) -> bool:
    ch = chr(cp)
    return (
        unicodedata.combining(ch) != 0
        or unicodedata.category(ch) in ("Mn", "Mc", "Me")
        or cp in (0xFF9E, 0xFF9F, 0x200C, 0x200D)  # half-width (semi-)voiced sound marks, ZWNJ/ZWJ
        or 0x1160 <= cp < 0x1200 or 0xD7B0 <= cp < 0xD800  # Hangul medial/final jamo (compose under NFKC)
        or 0xFE00 <= cp < 0xFE10 or 0xE0100 <= cp < 0xE01F0  # variation selectors
    )


@lru_cache(maxsize=1)
def _attached_set() -> frozenset[str]:
    """Characters that belong to the preceding cluster (marks, jamo, selectors); cached on disk per Python (Unicode) version."""
    from dualuse.artefacts import cached

    return cached("attached-characters", "", lambda: frozenset(
        chr(cp) for cp in [*range(0x300, 0x20000), *range(0xE0100, 0xE01F0)] if _is_attached_cp(cp)
    ))


def _attached(ch: str) -> bool:
    return _is_attached_cp(ord(ch))


class _CharNormMap(dict):
    """``str.translate`` table that normalises one character at a time, filled on demand.

    Value: NFKC + case-fold + punctuation/CJK fold of the single character
    (may be empty or longer than one character; such characters are recorded
    in :data:`_NON_UNIT`).
    """

    def __missing__(self, cp: int) -> str:
        ch = chr(cp)
        v = unicodedata.normalize("NFKC", ch).casefold().translate(_char_table())
        if len(v) != 1:
            _NON_UNIT.add(ch)
        self[cp] = v
        return v


_CHAR_NORM = _CharNormMap()
_NON_UNIT: set[str] = set()


def _normalise_with_map(text: str) -> tuple[str, list[int] | None, list[int] | None]:
    """Normalise ``text``; return it with per-character original spans.

    ``starts[j]``/``ends[j]`` are the original span of the character cluster
    that produced output character ``j``; ``None`` means identity (every
    character normalised to exactly one character, e.g. pure ASCII).

    Fast path (no combining marks, jamo or selectors): one ``str.translate``
    through a per-character cache.  Otherwise each base character is
    normalised together with its attached marks (so half-width ｶﾞ becomes ガ).
    """
    if text.isascii():
        return text.lower(), None, None
    if _attached_set().isdisjoint(text):
        norm = text.translate(_CHAR_NORM)
        if _NON_UNIT.isdisjoint(text):
            return norm, None, None
        starts: list[int] = []
        ends: list[int] = []
        for i, ch in enumerate(text):
            k = len(_CHAR_NORM[ord(ch)])
            starts.extend([i] * k)
            ends.extend([i + 1] * k)
        return norm, starts, ends
    table = _char_table()
    out: list[str] = []
    starts = []
    ends = []
    n = len(text)
    i = 0
    while i < n:
        j = i + 1
        while j < n and _attached(text[j]):
            j += 1
        chunk = unicodedata.normalize("NFKC", text[i:j]).casefold().translate(table)
        for ch in chunk:
            out.append(ch)
            starts.append(i)
            ends.append(j)
        i = j
    return "".join(out), starts, ends


def normalise(text: str) -> str:
    """The matching form of ``text``: NFKC, case-folded, dashes unified, Han folded to simplified.

    Not length-preserving in general (NFKC may expand ㈱ to ``(株)``);
    :class:`EndUseAnalyser` keeps an offset map to report original spans.
    """
    return _normalise_with_map(text)[0]


# --------------------------------------------------------------------------
# lexicon loading
# --------------------------------------------------------------------------


def _lexicon_text(path: str | Path | None) -> str:
    if path is not None:
        return Path(path).read_text(encoding="utf-8")
    return resources.files("dualuse.classification").joinpath(_LEXICON_RESOURCE).read_text(encoding="utf-8")


def load_lexicon(path: str | Path | None = None) -> tuple[LexiconEntry, ...]:
    """Load and validate the end-use lexicon.

    Args:
        path: a YAML file; default: the packaged ``end_use_lexicon.yaml``.

    Returns:
        The entries, in file order.

    Raises:
        LexiconError: unknown kind/language/negation outcome, bad country
            code, missing id or source, duplicate id, empty entry, or a guard
            that is not a valid regex.
    """
    try:
        data = yamlio.safe_load(_lexicon_text(path))
    except yaml.YAMLError as exc:  # pragma: no cover - exercised by a test with a broken file
        raise LexiconError(f"end-use lexicon is not valid YAML: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("entries"), list):
        raise LexiconError("end-use lexicon must be a mapping with an 'entries' list")
    entries: list[LexiconEntry] = []
    seen: set[str] = set()
    for raw in data["entries"]:
        entries.append(_parse_entry(raw, seen))
    return tuple(entries)


def _parse_entry(raw: object, seen: set[str]) -> LexiconEntry:
    if not isinstance(raw, dict):
        raise LexiconError(f"lexicon entry is not a mapping: {raw!r}")
    eid = raw.get("id")
    if not isinstance(eid, str) or not eid:
        raise LexiconError(f"lexicon entry without id: {raw!r}")
    if eid in seen:
        raise LexiconError(f"duplicate lexicon id {eid!r}")
    seen.add(eid)
    kind = raw.get("kind")
    if kind not in _ENTRY_KINDS:
        raise LexiconError(f"{eid}: unknown kind {kind!r}")
    country = raw.get("country")
    if country is not None and country != "destination":
        if not isinstance(country, str) or not is_country_code(country):
            raise LexiconError(f"{eid}: country must be an ISO alpha-2 code, 'destination' or null, not {country!r}")
    source = raw.get("source")
    if not isinstance(source, str) or not source.strip():
        raise LexiconError(f"{eid}: missing source")
    terms_raw = raw.get("terms") or {}
    if not isinstance(terms_raw, dict):
        raise LexiconError(f"{eid}: terms must be a mapping of language to list")
    terms: dict[str, tuple[str, ...]] = {}
    for lang, lst in terms_raw.items():
        if lang not in _LANGS:
            raise LexiconError(f"{eid}: unknown language {lang!r} (expected one of {_LANGS})")
        if not isinstance(lst, list) or not all(isinstance(t, str) and t.strip() for t in lst):
            raise LexiconError(f"{eid}: terms.{lang} must be a list of non-empty strings")
        terms[lang] = tuple(t.strip() for t in lst)
    acronyms = raw.get("acronyms") or []
    if not isinstance(acronyms, list) or not all(isinstance(a, str) and a.strip() for a in acronyms):
        raise LexiconError(f"{eid}: acronyms must be a list of strings")
    if not any(terms.values()) and not acronyms:
        raise LexiconError(f"{eid}: no terms")
    default_neg = "drop" if kind in ("civil_declared", "suppress") else "civil_declared"
    on_negation = raw.get("on_negation", default_neg)
    if on_negation not in _NEGATION_OUTCOMES:
        raise LexiconError(f"{eid}: on_negation must be one of {_NEGATION_OUTCOMES}")
    guards = {}
    for key in ("not_preceded_by", "not_followed_by"):
        g = raw.get(key)
        if g is not None:
            try:
                re.compile(g)
            except re.error as exc:
                raise LexiconError(f"{eid}: {key} is not a regex: {exc}") from exc
        guards[key] = g
    return LexiconEntry(
        id=eid,
        kind=kind,
        country=country,
        source=source.strip(),
        terms=terms,
        acronyms=tuple(a.strip() for a in acronyms),
        org=bool(raw.get("org", False)),
        on_negation=on_negation,
        **guards,
    )


# --------------------------------------------------------------------------
# military organisation names (lexicon + reference lists)
# --------------------------------------------------------------------------

#: Reference-list names too generic or ambiguous to match inside free text
#: (compared after normalisation).  Besides these, Latin names of three
#: letters or fewer (MOD, NDA, GCC, ADC, DoW …) are always dropped, and so are
#: CJK names of fewer than three characters (陸自/海自/空自 occur inside
#: 大陸自主, 沿海自贸区, 航空自动化).
DEFAULT_ORG_STOPLIST: frozenset[str] = frozenset({
    "internal bureau", "joint staff", "nids", "japanese darpa", "日本版darpa",
    "内部部局", "内局", "通信所", "電波部", "研究本部", "中央調達", "補給処", "補給本部",
    "大臣官房",      # every Japanese ministry has a 大臣官房
    "航空集団",      # = 航空集团, the usual Chinese word for an airline group (中国航空集团)
    "联合参谋部",    # the PLA Joint Staff Department, not Japan's
    "国防医学院",    # Taiwan's National Defense Medical Center (國防醫學院)
})

_PAREN_RE = re.compile(r"\s*[\(（][^()（）]*[\)）]")


def _clean_org_term(term: str, stoplist: frozenset[str]) -> str | None:
    t = _PAREN_RE.sub("", term).strip()
    if not t:
        return None
    norm = normalise(t)
    if norm in stoplist:
        return None
    if _is_latin(norm):
        if len(re.sub(r"[^a-z0-9]", "", norm)) <= 3:
            return None
    elif len(norm) < 3:
        return None
    return t


def military_org_terms(
    extra: Iterable[tuple[str, str, str] | tuple[str, str, str, str]] = (),
    *,
    stoplist: Iterable[str] | None = None,
    lexicon: Sequence[LexiconEntry] | None = None,
) -> tuple[OrgTerm, ...]:
    """Military organisation names: the lexicon's ``org`` entries plus ``extra``.

    Args:
        extra: ``(term, country, id)`` or ``(term, country, id, source)``
            tuples, e.g. every name and alias of the JP-MIL / US-MIL
            reference lists.  Parenthetical notes ("防衛庁 (Defense Agency,
            before 2007-01)") are stripped; Latin names of ≤ 3 letters,
            CJK names shorter than 3 characters and ``stoplist`` names are
            dropped as too ambiguous for free text.  In the analyser, a
            single-token name with two or more capitals (ATLA, SFGp) is
            matched case-sensitively.  Only entries with
            ``military_use`` meaning belong here (do not pass the Japan
            Coast Guard).
        stoplist: names to drop (default :data:`DEFAULT_ORG_STOPLIST`);
            compared after :func:`normalise`.
        lexicon: entries to take the built-in names from (default: the
            packaged lexicon).

    Returns:
        :class:`OrgTerm` tuples: every spelling of the lexicon's org names
        first, then the extras, de-duplicated by normalised form.  A reference-list name that the lexicon already has in
        any entry is dropped, so it keeps the lexicon's meaning (e.g.
        "Ministry of Defence (Japan)" stripped to "Ministry of Defence" stays
        the generic, destination-attributed term).

    Raises:
        LexiconError: an extra tuple has the wrong shape or a country that
            is not an ISO alpha-2 code.
    """
    stop = frozenset(normalise(s) for s in (DEFAULT_ORG_STOPLIST if stoplist is None else stoplist))
    entries = load_lexicon() if lexicon is None else lexicon
    out: list[OrgTerm] = []
    seen: set[str] = set()
    for e in entries:
        is_org = e.org and e.kind == "military_use" and e.country not in (None, "destination")
        for t in e.all_terms():
            seen.add(normalise(t))  # any lexicon term: a reference name never overrides its lexicon meaning
            if is_org:
                out.append(OrgTerm(t, e.country, e.id, e.source))  # every spelling (自衛隊 and 自卫队)
    for item in extra:
        if not isinstance(item, tuple) or len(item) not in (3, 4) or not all(isinstance(x, str) for x in item):
            raise LexiconError(f"extra org term must be (term, country, id[, source]) strings: {item!r}")
        term, country, oid = item[0], item[1].upper(), item[2]
        if not is_country_code(country):
            raise LexiconError(f"extra org term {term!r}: country {item[1]!r} is not an ISO alpha-2 code")
        cleaned = _clean_org_term(term, stop)
        if cleaned is None:
            continue
        key = normalise(cleaned)
        if key in seen:
            continue
        seen.add(key)
        src = item[3] if len(item) == 4 else OrgTerm._field_defaults["source"]
        out.append(OrgTerm(cleaned, country, oid, src))
    return tuple(out)


# --------------------------------------------------------------------------
# compiled matcher
# --------------------------------------------------------------------------

_LATIN_CHAR = "0-9a-z\u00c0-\u024f"
_LB = f"(?<![{_LATIN_CHAR}])"
_RB = f"(?![{_LATIN_CHAR}])"
_PLURAL = r"(?:'s|e?s)?"


_SQUEEZE = re.compile(r"[\s.\-']+")


def _latin_key(s: str) -> str:
    """First two characters once dots, spaces, hyphens and apostrophes are removed."""
    return _SQUEEZE.sub("", s)[:2]


def _is_latin(norm_term: str) -> bool:
    return all(ord(c) < 0x2E80 for c in norm_term)


def _latin_pattern(norm_term: str) -> str:
    """Regex for a normalised Latin term (flexible spaces, hyphens, dots)."""
    t = re.sub(r"\.\s+", ".", norm_term.strip())
    parts: list[str] = []
    prev_space = False
    for ch in t:
        if ch.isspace():
            if not prev_space:
                parts.append(r"[\s\-]+")
            prev_space = True
            continue
        prev_space = False
        if ch == "-":
            parts.append(r"[\s\-]?")
        elif ch == ".":
            parts.append(r"\.?\s*")
        elif ch == "'":
            parts.append(r"'?")
        elif ch == "&":
            parts.append(r"\s*(?:&|and)\s*")
        elif ch == ",":
            parts.append(r",?")
        else:
            parts.append(re.escape(ch))
    pat = "".join(parts)
    if t[-1].isalnum():
        pat += _PLURAL
    return pat


class _Ref(NamedTuple):
    entry: int          # index into analyser entries
    term: str           # as written in the lexicon (first variant)
    acronym: re.Pattern[str] | None  # case-sensitive check of the original span
    variants: tuple[str, ...] = ()   # lexicon terms of the entry with the same normalised form

    def best_term(self, matched: str) -> str:
        """The variant written like the matched text (陸上自衛隊 vs 陆上自卫队), else the first."""
        if len(self.variants) > 1:
            m = unicodedata.normalize("NFKC", matched)
            for v in self.variants:
                if unicodedata.normalize("NFKC", v) == m:
                    return v
        return self.term


class _LatinSource(NamedTuple):
    """A Latin term before compilation (see :meth:`EndUseAnalyser._latin_group`)."""

    length: int                # length of the normalised term (longest tried first)
    pattern: str               # regex source matched against the normalised text
    entry: int                 # index into analyser entries
    term: str                  # the first variant as written in the lexicon
    acronym: str | None        # case-sensitive regex source for an acronym, else None
    variants: tuple[str, ...]  # lexicon terms with the same normalised form


class _Cand(NamedTuple):
    start: int  # normalised offsets
    end: int
    ref: _Ref


# tie-break between equally long overlapping matches (lower wins); a
# destination-attributed military_use ranks 4, after the named organisations
_KIND_PRIORITY = {
    "suppress": 0, "wmd": 1, "terrorism": 2, "military_use": 3, "military_possible": 5, "civil_declared": 6,
}

# ---- negation ---------------------------------------------------------------


def _fold_cues(cues: Iterable[str]) -> str:
    return "|".join(sorted({re.escape(normalise(c)) for c in cues}, key=len, reverse=True))


class _NegationRes(NamedTuple):
    coord: re.Pattern[str]
    brk: re.Pattern[str]
    en_prefix: re.Pattern[str]
    en_suffix: re.Pattern[str]
    cjk_prefix: re.Pattern[str]
    cjk_suffix: re.Pattern[str]


@lru_cache(maxsize=1)
def _negation_res() -> _NegationRes:
    """Negation cue regexes, over normalised text (cues are folded like the text)."""
    brk = re.compile(
        r"[,.;:!?。，、；：！？()（）\[\]【】「」『』《》<>\n\r|/]"
        r"|\b(?:but|however|whereas|although|while)\b"
        + "|" + _fold_cues(["但是", "但", "而是", "而", "しかし", "ただし", "だが", "けれど"])
    )
    # Between an English cue and the term only function words may stand
    # ("not to be used for", "not for use by the"), so that "not known
    # whether military" or "No 3 military depot" are not read as negations:
    # a false negation would hide a military use, so this errs on the side of
    # reporting it.
    filler = (
        r"(?:for|in|into|to|be|been|being|used|use|using|intended|designed|any|by|the|a|an|of|with|"
        r"direct(?:ly)?|indirect(?:ly)?|or|and|applied|transferred|diverted|sold|supplied|exported|"
        r"re-?exported|delivered|provided|as|at|on|final|ultimate|end)"
    )
    en_prefix = re.compile(
        r"(?:"
        r"\bnon[\s\-]?"
        rf"|\bno(?:[\s\-]+{filler}){{0,3}}[\s\-]+"
        r"|\b(?:not(?![\s\-]+(?:only|just|limited|exclusively|solely|necessarily|merely)\b)|never|without|nor|"
        r"neither|excluding|excludes?|except|exempt[\s\-]+from|(?:prohibited|forbidden|banned)[\s\-]+(?:from|for|in)|"
        rf"other[\s\-]+than|free[\s\-]+from)\b(?:[\s\-]+{filler}){{0,6}}[\s\-]+"
        r")$"
    )
    en_suffix = re.compile(
        r"^[\s\-]*(?:(?:use|uses|usage|purposes?|applications?|end[\s\-]?uses?|users?)[\s\-]+)?"
        r"(?:(?:is|are|strictly|shall|must|will|be|being)[\s\-]+)*"
        r"(?:not[\s\-]+(?:permitted|allowed|intended|involved)|prohibited|excluded|forbidden|banned)\b"
    )
    cjk_prefix = re.compile(
        "(?:(?:" + _fold_cues(["非", "無", "无"]) + ")"
        "|(?:" + _fold_cues([
            "不得", "不会", "不可", "不能", "不应", "不准", "不允许", "不作", "不供", "不涉及", "不属于", "不是",
            "不用于", "不用作", "不适用于", "不被", "不用在", "没有", "禁止", "严禁", "绝不", "决不", "并非", "排除",
            "杜绝",
        ]) + r")[^\s]{0,6})$"
    )
    cjk_suffix = re.compile(
        r"^[^\s]{0,8}?(?:" + _fold_cues([
            "ではない", "ではなく", "でない", "ではありません", "じゃない", "なし", "無し", "しない", "しません",
            "されない", "されません", "いたしません", "禁止", "不可", "用途外", "目的外", "以外", "対象外", "除外",
            "を除く", "除く",
        ]) + ")"
    )
    # the gap between two terms of one negated list: "not for military or nuclear weapons"
    # ("military, nuclear or chemical weapons": up to two plain words may
    # precede the conjunction; "but"/"however" may not)
    conj = r"(?:or|and|nor|" + _fold_cues(["或者", "或", "和", "以及", "及", "与", "や", "と", "及び", "および", "又は", "または"]) + ")"
    coord = re.compile(
        r"[\s\-,、・/]*(?:(?:(?!but\b|however\b|except\b)[a-z]+[\s\-,、・/]+){0,2}" + conj + r"[\s\-,、・/]*)?"
    )
    return _NegationRes(coord, brk, en_prefix, en_suffix, cjk_prefix, cjk_suffix)


_HAS_LATIN = re.compile("[a-z]")
# every English prefix cue contains one of these; every CJK prefix cue starts with one of these characters
_EN_CUE_WORDS = ("no", "never", "without", "neither", "exclud", "except", "exempt", "prohibit", "forbid", "banned",
                 "other", "free")
_CJK_CUE_CHARS = frozenset("非无不没禁严绝决并排杜")
_WORD_START = re.compile(f"{_LB}[{_LATIN_CHAR}]")


class EndUseAnalyser:
    """A compiled end-use matcher.

    Args:
        lexicon: entries (default: the packaged lexicon, see
            :func:`load_lexicon`).
        extra_org_terms: additional military organisation names, as
            :class:`OrgTerm` or ``(term, country, id[, source])`` tuples
            (passed through :func:`military_org_terms`, so cleaning and the
            stoplist apply).  Each becomes a ``military_use`` term with its
            fixed country.

    Raises:
        LexiconError: as :func:`load_lexicon` / :func:`military_org_terms`.

    Building indexes the Latin terms by their first two letters (a word start
    only tries the few terms sharing them) and the CJK terms by their first
    character. A key's regexes (one per term) are compiled the first time a
    text needs that key and kept, so a short text compiles a handful of the
    lexicon's hundreds and a long-lived instance compiles each at most once.
    Reuse the instance (see :func:`default_analyser`).
    """

    def __init__(
        self,
        lexicon: Sequence[LexiconEntry] | None = None,
        extra_org_terms: Iterable[OrgTerm | tuple[str, ...]] = (),
    ) -> None:
        entries = list(load_lexicon() if lexicon is None else lexicon)
        extras = [tuple(x) for x in extra_org_terms]
        if extras:
            lexicon_keys = {normalise(t) for e in entries for t in e.all_terms()}
            grouped: dict[tuple[str, str, str], tuple[list[str], list[str]]] = {}
            for ot in military_org_terms(extras, lexicon=[]):
                norm = normalise(ot.term)
                if norm in lexicon_keys:
                    continue
                terms, acronyms = grouped.setdefault((ot.id, ot.country, ot.source), ([], []))
                # a single token with two or more capitals (ATLA, JGSDF, SFGp) is an
                # acronym and matched case-sensitively
                if _is_latin(norm) and not re.search(r"\s", ot.term) and sum(ch.isupper() for ch in ot.term) >= 2:
                    acronyms.append(ot.term)
                else:
                    terms.append(ot.term)
            for (oid, country, src), (terms, acronyms) in grouped.items():
                entries.append(LexiconEntry(
                    id=oid, kind="military_use", country=country, source=src,
                    terms={"en": tuple(terms)}, acronyms=tuple(acronyms), org=True,
                ))
        self.entries: tuple[LexiconEntry, ...] = tuple(entries)
        # guard patterns by entry, compiled when a candidate of the entry is first checked
        self._guard_sources = [(e.not_preceded_by or None, e.not_followed_by or None) for e in self.entries]
        self._guards: dict[int, tuple[re.Pattern[str] | None, re.Pattern[str] | None]] = {}
        # Latin terms: index by the first two letters of the normalised term
        # with dots, spaces, hyphens and apostrophes squeezed out ("U.S. Navy"
        # and "US Navy" both give "us"); at each word start only the terms
        # sharing that key are tried (one pre-compiled regex each, longest
        # first).
        # CJK/kana terms: index by first character, compared with startswith.
        groups: dict[tuple[int, str, bool], list[str]] = {}
        for idx, e in enumerate(self.entries):
            items = [(t, False) for lang in _LANGS for t in e.terms.get(lang, ())]
            items += [(a, True) for a in e.acronyms]
            for term, is_acr in items:
                norm = normalise(term).strip()
                if norm:
                    groups.setdefault((idx, norm, is_acr), []).append(term)
        # Latin terms are kept as pattern sources and compiled per key when a
        # word start first needs that key (a short text touches a few keys of
        # hundreds: building the analyser compiles nothing, see _latin_group)
        latin: dict[str, list[_LatinSource]] = {}
        cjk: dict[str, list[tuple[str, _Ref]]] = {}
        for (idx, norm, is_acr), variants in groups.items():
            if _is_latin(norm):
                acr = _latin_pattern(unicodedata.normalize("NFKC", variants[0])) if is_acr else None
                source = _LatinSource(len(norm), _LB + _latin_pattern(norm) + _RB, idx, variants[0], acr, tuple(variants))
                latin.setdefault(_latin_key(norm), []).append(source)
            else:
                cjk.setdefault(norm[0], []).append((norm, _Ref(idx, variants[0], None, tuple(variants))))
        for lst in latin.values():
            lst.sort(key=lambda x: x.length, reverse=True)
        for lst2 in cjk.values():
            lst2.sort(key=lambda x: len(x[0]), reverse=True)
        self._latin_sources = latin
        self._latin: dict[str, list[tuple[int, re.Pattern[str], _Ref]]] = {}
        self._cjk = cjk
        self.term_count = sum(len(v) for v in latin.values()) + sum(len(v) for v in cjk.values())

    def _latin_group(self, key: str) -> list[tuple[int, re.Pattern[str], _Ref]] | None:
        """The compiled Latin terms sharing ``key`` (longest first), compiled on first use; None when no term has it."""
        group = self._latin.get(key)
        if group is None:
            sources = self._latin_sources.get(key)
            if sources is None:
                return None
            group = [
                (s.length, re.compile(s.pattern), _Ref(s.entry, s.term, re.compile(s.acronym) if s.acronym else None, s.variants))
                for s in sources
            ]
            self._latin[key] = group  # one assignment: a concurrent first use compiles the same group twice at worst
        return group

    def _guard(self, entry: int) -> tuple[re.Pattern[str] | None, re.Pattern[str] | None]:
        """The compiled ``not_preceded_by`` / ``not_followed_by`` patterns of entry ``entry``."""
        found = self._guards.get(entry)
        if found is None:
            pre, post = self._guard_sources[entry]
            found = self._guards[entry] = (re.compile(pre) if pre else None, re.compile(post) if post else None)
        return found

    # -- matching -----------------------------------------------------------

    def _candidates(self, norm: str, original: str, starts, ends) -> list[_Cand]:
        cands: list[_Cand] = []
        if self._latin_sources and _HAS_LATIN.search(norm):
            for w in _WORD_START.finditer(norm):
                p = w.start()
                lst = self._latin_group(_latin_key(norm[p:p + 12]))
                if lst is None:
                    continue
                for _, pat, ref in lst:
                    m = pat.match(norm, p)
                    if m is None:
                        continue
                    s, e = m.start(), m.end()
                    if ref.acronym is not None:
                        os_, oe = _orig_span(s, e, starts, ends)
                        if not ref.acronym.fullmatch(unicodedata.normalize("NFKC", original[os_:oe])):
                            continue
                    cands.append(_Cand(s, e, ref))
        cjk = self._cjk
        if cjk:
            for i, ch in enumerate(norm):
                lst = cjk.get(ch)
                if lst is None:
                    continue
                for term, ref in lst:
                    if norm.startswith(term, i):
                        cands.append(_Cand(i, i + len(term), ref))
        out = []
        for c in cands:
            pre, post = self._guard(c.ref.entry)
            if pre is not None and c.start > 0 and pre.fullmatch(norm[c.start - 1]):
                continue
            if post is not None and c.end < len(norm) and post.fullmatch(norm[c.end]):
                continue
            out.append(c)
        return out

    def _resolve(self, cands: list[_Cand], length: int) -> list[_Cand]:
        def prio(c: _Cand) -> int:
            e = self.entries[c.ref.entry]
            p = _KIND_PRIORITY[e.kind]
            if e.kind == "military_use" and e.country == "destination":
                p += 1
            return p

        cands.sort(key=lambda c: (-(c.end - c.start), prio(c), c.start))
        taken = bytearray(length)
        chosen: list[_Cand] = []
        for c in cands:
            if any(taken[c.start:c.end]):
                continue
            taken[c.start:c.end] = b"\x01" * (c.end - c.start)
            chosen.append(c)
        chosen.sort(key=lambda c: c.start)
        return chosen

    @staticmethod
    def _negation(norm: str, s: int, e: int) -> tuple[int, int, str] | None:
        """Return (start, end, cue) in normalised offsets if the match at s:e is negated."""
        res = _negation_res()
        pre = norm[max(0, s - 80):s]
        cut = 0
        for m in res.brk.finditer(pre):
            cut = m.end()
        pre = pre[cut:]
        base = s - len(pre)
        # cheap pre-filters before the end-anchored searches
        if any(w in pre for w in _EN_CUE_WORDS):
            m = res.en_prefix.search(pre)
            if m:
                return base + m.start(), e, m.group(0).strip()
        tail = pre[-12:]
        if not _CJK_CUE_CHARS.isdisjoint(tail):
            m = res.cjk_prefix.search(tail)
            if m:
                return base + len(pre) - len(tail) + m.start(), e, m.group(0).strip()
        post = norm[e:e + 40]
        m = res.brk.search(post)
        if m:
            post = post[:m.start()]
        for rx in (res.en_suffix, res.cjk_suffix):
            m = rx.search(post)
            if m:
                return s, e + m.end(), m.group(0).strip()
        return None

    def _scan(self, text: str, destination: str | None) -> tuple[EndUseSignal, ...]:
        if not text:
            return ()
        norm, starts, ends = _normalise_with_map(text)
        chosen = self._resolve(self._candidates(norm, text, starts, ends), len(norm))
        signals: list[EndUseSignal] = []
        coord = _negation_res().coord
        prev_neg: tuple[int, str] | None = None  # (normalised end, cue) of the last prefix-negated term
        for c in chosen:
            entry = self.entries[c.ref.entry]
            s, e = c.start, c.end
            neg = self._negation(norm, s, e)
            if neg is None and prev_neg is not None and coord.fullmatch(norm, prev_neg[0], s):
                neg = (s, e, prev_neg[1])  # next item of a negated list
            prev_neg = (e, neg[2]) if neg is not None and neg[1] == e else None
            if entry.kind == "suppress":
                continue
            kind, country = entry.kind, entry.country
            if country == "destination":
                country = destination
            ms, me = _orig_span(s, e, starts, ends)
            term, lid, source = c.ref.best_term(text[ms:me]), entry.id, entry.source
            if neg is not None:
                if entry.on_negation == "drop":
                    continue
                s, e, cue = neg
                kind = entry.on_negation
                country = destination if kind == "military_possible" else None
                source = (
                    f"negated {entry.kind} term '{term}' (cue '{cue}'): the declaration excludes this use. "
                    f"Term source: {entry.source}"
                )
                term = f"NOT {term}"
                lid = f"{entry.id}!negated"
            os_, oe = _orig_span(s, e, starts, ends)
            signals.append(EndUseSignal(
                kind=kind, country=country, term=term, matched_text=text[os_:oe],
                start=os_, end=oe, lexicon_id=lid, source=source,
            ))
        return tuple(signals)

    def analyse(
        self,
        text: str,
        destination_country: str | None = None,
        *,
        item_descriptions: Sequence[str] = (),
    ) -> EndUseAnalysis:
        """Analyse one end-use text; see :func:`analyse_end_use`."""
        if not isinstance(text, str):
            raise TypeError(f"end-use text must be str, not {type(text).__name__}")
        dest = destination_country.strip().upper() if destination_country else None
        dest = dest or None
        items = tuple(self._scan(d or "", dest) for d in item_descriptions)
        return EndUseAnalysis(text=text, signals=self._scan(text, dest), destination_country=dest, item_signals=items)


def _orig_span(s: int, e: int, starts: list[int] | None, ends: list[int] | None) -> tuple[int, int]:
    if starts is None or ends is None:
        return s, e
    return starts[s], ends[e - 1]


@lru_cache(maxsize=1)
def default_analyser() -> EndUseAnalyser:
    """The shared analyser over the packaged lexicon (built once per process, cached).

    Not kept in the artefact cache: building it compiles no regex (each is
    compiled on first use), so there is little to save.
    """
    return EndUseAnalyser()


def analyse_end_use(
    text: str,
    destination_country: str | None = None,
    *,
    item_descriptions: Sequence[str] = (),
    analyser: EndUseAnalyser | None = None,
) -> EndUseAnalysis:
    """Find military, possibly-military, civil, WMD and terrorism signals in an end-use text.

    Args:
        text: the declared end use, any language; may be empty.
        destination_country: ISO alpha-2 code; generic terms ("military",
            護衛艦, 装備品) are attributed to it.  Named organisations keep
            their own country (自衛隊 → JP, U.S. Navy → US) whatever the
            destination.
        item_descriptions: optional item descriptions, scanned with the same
            lexicon into :attr:`EndUseAnalysis.item_signals` (kept apart from
            the end-use signals: an item *description* is not a declared use).
        analyser: a custom :class:`EndUseAnalyser` (e.g. one fed with the
            JP-MIL / US-MIL reference names); default :func:`default_analyser`.

    Returns:
        :class:`EndUseAnalysis`.

    Raises:
        TypeError: ``text`` is not a string.

    Legal meaning of the kinds: MOFCOM Ann. 2026 No. 1 (Japan military users
    and uses, from 2026-01-06), Ann. 2024 No. 46 (US military users and uses,
    from 2024-12-03), Export Control Law Art. 12(3) (WMD, terrorism) –
    ``/work/shared/docs/regime.md`` §1.1, §3.4, §3.7.
    """
    return (analyser or default_analyser()).analyse(text, destination_country, item_descriptions=item_descriptions)


@lru_cache(maxsize=1)
def _org_entry_ids() -> frozenset[str]:
    return frozenset(entry.id for entry in default_analyser().entries if entry.org)


def military_organisations_named(name: str, country: str | None = None) -> tuple[EndUseSignal, ...]:
    """Named military organisations inside a party's name.

    "JASDF 2nd Air Wing, Chitose Air Base" names the JASDF, so the party is a
    unit of a Japanese military user even though the wing is not on a
    reference list. Only organisation entries of the lexicon count (not
    generic words such as "missile" in "Lockheed Martin Missiles and Fire
    Control").

    Args:
        name: the party name as written.
        country: the party's country, used for terms attributed to the
            destination.

    Returns:
        ``military_use`` signals whose lexicon entry is an organisation.
    """
    analysis = analyse_end_use(name, country)
    orgs = _org_entry_ids()
    return tuple(s for s in analysis.signals if s.kind == "military_use" and s.lexicon_id in orgs)
