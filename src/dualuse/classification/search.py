"""Classify an item query: control code, HS code, or a description in Chinese, Japanese or English.

``CatalogueSearch().lookup(query)`` returns ranked candidate entries, each
with a confidence, and a status:

* ``controlled``        the query is a listed item: a control code in force,
  an HS code whose entries all decide the same way without parameters, or a
  description that the entry's own (Chinese/catalogue) text confirms and
  whose entry is parameter-free or whose thresholds the query's numbers meet;
* ``needs_parameters``  candidates exist, but a deciding parameter is open
  (named in ``needed``), the HS line is shared or turns on parameters, or
  the evidence is too weak to decide (an honest abstention: screening
  turns it into ``REVIEW``);
* ``not_controlled``    nothing in the list corresponds (for everyday goods
  the HS heading they belong to is named), the query's parameters fail
  every candidate's thresholds, or the entry is suspended or not yet in force.

**Evidence** for a description comes from three fields per entry, kept apart:

* *own*: the catalogue's Chinese text (clean name x3, parent headings,
  keywords, the 目录原文摘要 excerpt) and the Latin words and CAS numbers it
  prints, plus the curated English names (x3);
* *reference*: the English text of the same number in a parallel list
  (:class:`~dualuse.models.reference.ReferenceText`, US CCL); a ``doubtful``
  text weighs less (0.7 when its paragraph was matched by content - CAS
  number, organism name, a manual cross-walk -, 0.4 otherwise);
* *hs*: the HS 2022 descriptions of the entry's reference codes (0.5).

**Ranking**: a candidate's score (its confidence) is its *coverage*: the
share of the query's information (idf-weighted terms, Okapi BM25 idf over
the entries; Robertson and Zaragoza 2009) that the entry's fields contain,
times a chemical-element agreement factor (x0.5 per element the query names
and the entry lacks, x0.6 per element the entry adds); BM25 orders entries
of equal coverage. A candidate needs an *anchor* - a matched term that says
what the item is (an element, a CAS number, or a word rarer than
:data:`ANCHOR_IDF`), not a form, pack or purpose word - and a coverage of
:data:`MIN_DESCRIPTION_SCORE`.

**Deciding**: the reference text ranks, it never decides alone: a
description is ``controlled`` only when the entry's *own* text covers
:data:`MIN_OWN_SCORE` of the query (else ``needs_parameters``, naming the
reference text as the only evidence). A paragraph the build tied to the
entry by the CAS number or Latin organism name the Chinese text prints
counts as confirmed by it (:func:`tied_by_identifier`). Everyday goods: when the goods words of the item (not of its
stated purpose, :func:`~dualuse.classification.terminology.split_purpose`) name an HS heading under which no entry lists a reference code
(:mod:`dualuse.classification.goods`) and the best candidate does not match
those words, the answer is ``not_controlled`` with the heading as reason.
Numbers with units are taken out of the text first and compared with the
candidates' thresholds (:mod:`dualuse.classification.parameters`).
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from dualuse.classification.codes import is_code, normalise_code
from dualuse.classification.declaration import split_elements
from dualuse.classification.goods import GoodsEvidence, GoodsReader
from dualuse.classification.items import Catalogue
from dualuse.classification.parameters import QueryParameters, assign, evaluate, parse_quantities
from dualuse.classification.terminology import (  # noqa: F401  (query_terms, symbol_elements: public API here too)
    _CJK,
    _KANA,
    _concepts,
    _en_terms,
    _zh_terms,
    cas_terms,
    head_word,
    one_character_words,
    query_terms,
    split_purpose,
    symbol_elements,
    term_elements,
)
from dualuse.models.reference import ControlEntry, ReferenceText
from dualuse.text.fold import fold_cjk

BM25_K1 = 1.2
BM25_B = 0.75
NAME_BOOST = 3
MIN_DESCRIPTION_SCORE = 0.42  # coverage of the query's information; below: not a candidate
MIN_OWN_SCORE = 0.1  # coverage by the entry's own text needed to decide `controlled` (the reference text never decides alone)
NAMED_SCORE = 0.8  # a candidate the query names, this close to a best one it does not name, goes first (_named_first)
CLOSE_SCORE = 0.85  # candidates within this share of the best one are kept together
COMPETE_SCORE = 0.9  # a candidate with thresholds this close to a threshold-free best one makes the result depend on parameters
MIN_CONTROLLED_SCORE = 0.5  # a description decides `controlled` only above this coverage
HS_TEXT_SCORE = 0.3  # an HS description must cover this share with an entry's *name* to make it a candidate
RESTATES_HS_SHARE = 0.8  # share of a description's words found in its own HS code's text for it to add nothing to the code
UNKNOWN_TERM_IDF = 6.0  # weight of a query term no entry has (it still counts in the best possible score)
ANCHOR_IDF = 2.0  # a matched word at least this rare says what the item is
HEAD_FREE_SCORE = 0.6  # below this coverage an English candidate must match the item's head word (alloy, engine, pencil)
GOODS_COVER = 0.75  # a candidate must cover this share of the goods words to outweigh everyday-goods evidence
REF_WEIGHT = {"same-code": 1.0, "content": 0.7, "doubtful": 0.4}
HS_FIELD_WEIGHT = 0.5
EXTRA_ELEMENT = 0.6  # an entry naming an element the query does not (samarium-aluminium alloy for "aluminium alloy") is another material
FAMILY_WEIGHT = 0.6  # a term the entry has only from its parent heading is shared by all its siblings
WEAK_WEIGHT = 0.3  # form/pack/grade words and the stated purpose (prefix ^)
BRIDGED_WEIGHT = 0.5  # terms reached through the terminology (prefix ~)
_HS = re.compile(r"^\s*(?:HS\s*(?:code)?\s*[:：]?\s*)?(\d{4})(?:[.\s]?(\d{2}))?(?:[.\s]?(\d{2}))?(?:[.\s]?(\d{2}))?\s*$", re.I)
_LATIN = re.compile(r"[A-Za-z][A-Za-z-]{2,}")
_IDEOGRAPH = re.compile(r"[\u3400-\u9fff]")
_UNIT_WORDS = frozenset("mm cm kg kw mpa gpa kpa nm um ns us min cas kv hz khz mhz ghz ppm".split())


@dataclass(frozen=True)
class Candidate:
    """A control-list entry proposed for a query.

    Attributes:
        code: control code.
        score: confidence in [0, 1] (1 for an exact code or HS match; for a
            description, the coverage of the query by the entry's texts).
        name: trusted Chinese item name, if any.
        hs_codes: the entry's reference HS codes.
        why: how the entry was found.
        name_en: English item name, if any.
        decision: the entry's thresholds against the query: ``met``,
            ``not_met``, ``unknown`` or ``none`` (no thresholds).
        needed: parameters still needed to decide the entry.
        checks: each threshold with the value used, in words.
        status_on_date: the entry's status on the lookup date.
        own_score: coverage of the query by the entry's own (catalogue) text.
        reference: the entry's English reference text, if any (shown, never deciding).
        reference_score: coverage of the query by the reference text.
    """

    code: str
    score: float
    name: str | None
    hs_codes: tuple[str, ...]
    why: str
    name_en: str | None = None
    decision: str = "none"
    needed: tuple[str, ...] = ()
    checks: tuple[str, ...] = ()
    status_on_date: str = "in_force"
    own_score: float = 1.0
    reference: ReferenceText | None = None
    reference_score: float = 0.0


@dataclass(frozen=True)
class Lookup:
    """Result of a lookup.

    Attributes:
        query: the query as given.
        kind: ``control_code``, ``hs_code`` or ``description``.
        status: ``controlled``, ``needs_parameters`` or ``not_controlled``.
        candidates: ranked candidates (best first).
        explanation: one sentence for the reviewer.
        needed: parameters that decide, when ``needs_parameters``.
        as_of: the date entry statuses were evaluated at.
        goods: the everyday-goods evidence that decided ``not_controlled``, if any.
    """

    query: str
    kind: str
    status: str
    candidates: tuple[Candidate, ...]
    explanation: str = ""
    needed: tuple[str, ...] = ()
    as_of: dt.date | None = None
    goods: GoodsEvidence | None = None


def hs_digits(query: str) -> str | None:
    """The digits of an HS code or heading written with or without dots (``2846.90.1500``, ``HS 2805301300``, ``8108``), else ``None``."""
    match = _HS.match(unicodedata.normalize("NFKC", query))
    if not match:
        return None
    return "".join(part for part in match.groups() if part)


# --------------------------------------------------------------------------- entry fields


def _latin_terms(text: str) -> list[str]:
    """English/Latin words the Chinese catalogue text prints (organism names, acronyms such as RDX, TATB)."""
    words = " ".join(w for w in _LATIN.findall(text or "") if w.casefold() not in _UNIT_WORDS)
    return _en_terms(words)


def _unigrams(text: str) -> list[str]:
    """One-character terminology words in a Chinese text (锑矿 -> zh:矿), so that 锑精矿 finds 锑矿."""
    words = one_character_words()
    return ["zh:" + ch for ch in dict.fromkeys(fold_cjk(text or "")) if ch in words]


def _tariff_key(text: str) -> str:
    """Text reduced to its lower-case words, for comparing a description with the HS wording."""
    return " ".join(re.findall(r"[a-z0-9]+", unicodedata.normalize("NFKC", text or "").casefold()))


def _own_terms(entry: ControlEntry) -> Counter[str]:
    terms: Counter[str] = Counter()
    for text in [entry.name_zh if entry.name_trusted else None, *entry.family_zh, entry.excerpt]:
        for t in _unigrams(text or ""):
            terms[t] += 1
    if entry.name_trusted and entry.name_zh:
        for t in _zh_terms(entry.name_zh) + _latin_terms(entry.name_zh):
            terms[t] += NAME_BOOST
    for text in [*entry.family_zh, *entry.keywords, entry.excerpt or ""]:
        for t in _zh_terms(text) + _latin_terms(text) + cas_terms(text):
            terms[t] += 1
    if entry.name_en:
        for t in _en_terms(entry.name_en):
            terms[t] += NAME_BOOST
    for text in entry.family_en:
        for t in _en_terms(text):
            terms[t] += 1
    return terms


def _family_only_terms(entry: ControlEntry) -> set[str]:
    """Terms the entry has only from its parent headings (shared by all its siblings)."""
    fam: set[str] = set()
    for text in entry.family_zh:
        fam.update(_zh_terms(text))
    for text in entry.family_en:
        fam.update(_en_terms(text))
    own_text = " ".join([entry.name_zh or "" if entry.name_trusted else "", *entry.keywords, entry.excerpt or ""])
    mine = set(_zh_terms(own_text)) | set(_latin_terms(own_text)) | set(_en_terms(entry.name_en or ""))
    return fam - mine


def _hs_terms(entry: ControlEntry, hs6: dict[str, str]) -> Counter[str]:
    terms: Counter[str] = Counter()
    for sub in sorted({h[:6] for h in entry.hs_codes}):
        for t in set(_en_terms(hs6.get(sub, ""))):
            terms[t] += 1
    return terms


def _element_terms_en(text: str) -> list[str]:
    """``el:`` terms for the element names an English text gives (hafnium -> el:铪)."""
    low = unicodedata.normalize("NFKC", text).casefold()
    return ["el:" + c.zh[0] for c in _concepts() if c.element and re.search(r"(?<![a-z])" + re.escape(c.en[0]) + r"(?![a-z])", low)]


def _ref_terms(ref: ReferenceText | None) -> Counter[str]:
    terms: Counter[str] = Counter()
    if ref is None:
        return terms
    body = ref.text_en
    for t in _en_terms(body) + cas_terms(body) + _element_terms_en(body):
        terms[t] += 1
    for t in _en_terms(ref.heading_en):
        terms[t] += 1
    return terms


def ref_weight(ref: ReferenceText | None) -> float:
    """How much a reference text's matches count for ranking (see :data:`REF_WEIGHT`)."""
    if ref is None:
        return 0.0
    if not ref.doubtful:
        return REF_WEIGHT["same-code"]
    basis = ref.match_basis.casefold()
    if ("cas " in basis and "not found" not in basis) or ("organism name" in basis and "not matched" not in basis) or "cross-walk" in basis:
        return REF_WEIGHT["content"]
    return REF_WEIGHT["doubtful"]


def tied_by_identifier(ref: ReferenceText | None) -> bool:
    """True when the reference paragraph was tied to the entry by an identifier the Chinese text prints.

    The CAS number or the Latin organism name in the catalogue's own text is
    what links such a paragraph (``match_basis`` "CAS 7789-23-3", "organism
    name"), so a match on it is confirmed by the Chinese entry text itself.
    """
    if ref is None:
        return False
    basis = ref.match_basis.casefold()
    return (basis.startswith("cas ") and "not found" not in basis) or (basis.startswith("organism name") and "not matched" not in basis)


def _entry_elements(entry: ControlEntry, ref: ReferenceText | None) -> set[str]:
    """Chemical elements the entry's item name names (its own name, else its headings, else a same-item reference heading)."""
    names = [entry.name_zh] if entry.name_trusted and entry.name_zh else list(entry.family_zh)
    text = re.sub(r"非\s*\d[A-E]\d{3}\S*?项下(?:管制)?的?", "", " ".join(n for n in names if n))
    found = term_elements(_zh_terms(text))
    if not found and entry.name_en:
        found = term_elements(_element_terms_en(entry.name_en))
    if not found and ref is not None and ref_weight(ref) >= REF_WEIGHT["content"]:
        found = term_elements(_element_terms_en(ref.heading_en if ref.level == "entry" else ref.text_en))
    return found


@dataclass
class _Match:
    """Evidence of one entry for one query (internal)."""

    index: int
    bm25: float = 0.0
    own: float = 0.0
    ref: float = 0.0
    hs: float = 0.0
    anchor: bool = False
    own_anchor: bool = False
    tied: float = 0.0  # reference matches on a paragraph tied to the entry by its own CAS number or organism name
    matched: set[str] = field(default_factory=set)


# --------------------------------------------------------------------------- search


def cached_search(data_dir: str | Path | None = None) -> "CatalogueSearch":
    """The :class:`CatalogueSearch` of a data directory (default: the packaged data), cached on disk.

    Built from the directory's ``catalogue.jsonl``, ``hs6.json`` and
    ``reference_text.jsonl`` once per content of those files and engine
    version, then loaded (:mod:`dualuse.artefacts`).

    Raises:
        FileNotFoundError: the catalogue or HS file is missing.
    """
    from dualuse.artefacts import cached, digest_parts
    from dualuse.refdata import store

    parts: list[bytes] = []
    for name in (store.CATALOGUE, store.HS6, store.REFERENCE_TEXT):
        try:
            parts.append(store.read_bytes(name, data_dir))
        except FileNotFoundError:
            if name != store.REFERENCE_TEXT:
                raise
            parts.append(b"\0missing")
    return cached(
        "catalogue-search",
        digest_parts(parts),
        lambda: CatalogueSearch(store.load_catalogue(data_dir), store.load_hs6(data_dir), store.load_reference_texts(data_dir)),
    )


class CatalogueSearch:
    """Code, HS and description lookup over the control list.

    Args:
        entries: control entries (export part; import entries are ignored).
        hs6: HS 2022 descriptions ``{6-digit code: text}``; default: the packaged ones.
        reference: English reference text per code; default: the packaged
            ``reference_text.jsonl`` (:func:`dualuse.refdata.store.load_reference_texts`).
    """

    def __init__(self, entries: Iterable[ControlEntry], hs6: dict[str, str] | None = None, reference: dict[str, ReferenceText] | None = None):
        from dualuse.refdata import store

        if hs6 is None:
            hs6 = store.load_hs6()
        if reference is None:
            reference = store.load_reference_texts()
        self.hs6 = hs6
        self._tariff_index: dict[str, str | None] | None = None
        self.catalogue = Catalogue(entries)
        self._docs: list[ControlEntry] = list(self.catalogue.by_code.values())
        self.reference = {code: ref for code, ref in reference.items() if code in self.catalogue.by_code}
        self._refs = [self.reference.get(e.code) for e in self._docs]
        self._ref_w = [ref_weight(r) for r in self._refs]
        self._tied = [tied_by_identifier(r) for r in self._refs]
        self._own = [_own_terms(e) for e in self._docs]
        self._family_only = [_family_only_terms(e) for e in self._docs]
        self._ref = [_ref_terms(r) for r in self._refs]
        self._hs = [_hs_terms(e, hs6) for e in self._docs]
        self._tf: list[Counter[str]] = []
        for own, ref, hs, w in zip(self._own, self._ref, self._hs, self._ref_w):
            tf = Counter(own)
            for t, n in ref.items():
                tf[t] += n * w
            for t, n in hs.items():
                tf[t] += n * HS_FIELD_WEIGHT
            self._tf.append(tf)
        df: Counter[str] = Counter()
        for tf in self._tf:
            df.update(tf.keys())
        self._postings: dict[str, list[int]] = defaultdict(list)
        for i, tf in enumerate(self._tf):
            for term in tf:
                self._postings[term].append(i)
        n = max(len(self._docs), 1)
        self._idf = {t: math.log(1 + (n - d + 0.5) / (d + 0.5)) for t, d in df.items()}
        self._lengths = [sum(tf.values()) for tf in self._tf]
        self._elements = [_entry_elements(e, r) for e, r in zip(self._docs, self._refs)]
        self._name_terms = [
            set(_en_terms(" ".join([e.name_en or "", *e.family_en])))
            | set(_zh_terms(" ".join([e.name_zh or "" if e.name_trusted else "", *e.family_zh])))
            for e in self._docs
        ]
        self._complements: dict[str, set[str]] = {}
        for e in self._docs:
            m = re.search(r"非\s*(\d[A-E]\d{3}(?:\.[a-z0-9]+)*)", e.name_zh or "")
            if m and e.name_trusted:
                self._complements.setdefault(m.group(1), set()).add(e.code)
        self._avg = sum(self._lengths) / n if self._lengths else 1.0
        self.listed_headings = {h[:4] for e in self._docs for h in e.hs_codes}
        self.goods = GoodsReader(self.listed_headings, hs6)

    # -- public -------------------------------------------------------------

    def tariff_code_of(self, description: str) -> str | None:
        """The HS 2022 subheading (6 digits) whose tariff wording ``description`` is, word for word; else None.

        A description that is exactly a subheading's text (case, spacing and
        punctuation aside) identifies the goods as precisely as declaring that
        6-digit code would; it is then classified as that code (entries whose
        reference codes lie under it are candidates). Any other description
        is searched as text.
        """
        key = _tariff_key(description)
        if not key:
            return None
        if self._tariff_index is None:
            index: dict[str, str | None] = {}
            for code, text in self.hs6.items():
                if len(code) == 6:
                    k = _tariff_key(text)
                    index[k] = None if k in index and index[k] != code else code  # a wording shared by two subheadings decides nothing
            self._tariff_index = index
        return self._tariff_index.get(key)

    def restates_hs(self, description: str, hs_code: str, levels: tuple[int, ...] = (6, 4)) -> bool:
        """True when ``description`` is the tariff wording of ``hs_code`` itself (its HS 2022 subheading or heading).

        ``levels``: the HS digit levels whose texts count (``(6,)``: the
        six-digit subheading's own text only).

        Customs declarations often carry the tariff text as the goods
        description. Such a description adds nothing to the declared code:
        when the code is not a reference code of any entry, the description
        must not bring back the entries whose *other* reference codes share
        that wording (the national 10-digit codes are what tell a listed item
        from the rest of its subheading). At least 80% of the description's
        English words (stop words aside) must occur in the subheading's or
        heading's text; a description in Chinese or Japanese never restates
        the English HS text.
        """
        digits = re.sub(r"\D", "", hs_code or "")
        words = set(_en_terms(description))
        if len(digits) < 6 or not words or _CJK.search(description) or _KANA.search(description):
            return False
        tariff = set(_en_terms(" ".join(self.hs6.get(digits[:n], "") for n in levels)))
        return len(words & tariff) >= RESTATES_HS_SHARE * len(words)

    def with_entries(self, replacements: dict[str, ControlEntry]) -> "CatalogueSearch":
        """The same index with the entries of the given codes replaced by versions with other dates or statuses.

        The index depends on the entries' texts only, so it is shared; only
        the status and date logic sees the replacements. ``self`` is untouched.
        """
        import copy

        clone = copy.copy(self)
        clone.catalogue = self.catalogue.with_entries(replacements)
        clone._docs = [replacements.get(e.code, e) for e in self._docs]
        clone.__dict__.pop("_rank_cache", None)  # the memos belong to the entries they were made from
        clone.__dict__.pop("_heading_cache", None)
        return clone

    def lookup(self, query: str, limit: int = 5, as_of: dt.date | None = None, parameters: dict | None = None) -> Lookup:
        """Classify ``query`` (a control code, an HS code or a description).

        Args:
            query: the text as written.
            limit: maximum number of candidates returned.
            as_of: date for suspensions and entry dates (default: today).
            parameters: technical parameters known from elsewhere
                (``ItemLine.parameters``, canonical units); they win over
                numbers in the text.

        Returns:
            A :class:`Lookup`.

        Raises:
            ValueError: the query is empty.
        """
        if not query or not query.strip():
            raise ValueError("the item query is empty")
        day = as_of or dt.date.today()
        if is_code(query):
            return self._by_code(query, limit, day, parameters or {})
        digits = hs_digits(query)
        if digits is not None:
            return self._by_hs(query, digits, limit, day, parameters or {})
        return self._by_description(query, limit, day, parameters or {})

    def search(self, text: str) -> list[tuple[ControlEntry, float]]:
        """Entries ranked by coverage for a description (no status logic), best first."""
        _, terms = query_terms(text)
        return [(self._docs[m.index], s) for m, s in self._rank(terms, term_elements(terms))]

    # -- kinds --------------------------------------------------------------

    def _candidate(
        self, entry: ControlEntry, score: float, why: str, day: dt.date, qp: QueryParameters | None, given: dict,
        own: float = 1.0, ref_score: float = 0.0,
    ) -> Candidate:
        values = dict(assign(entry.parameters, qp)) if qp is not None else {}
        values.update({k: v for k, v in given.items() if v is not None})
        ev = evaluate(entry.parameters, values)
        return Candidate(
            code=entry.code,
            score=round(min(score, 1.0), 4),
            name=entry.name_zh if entry.name_trusted else None,
            hs_codes=tuple(entry.hs_codes),
            why=why,
            name_en=entry.name_en,
            decision=ev.result,
            needed=ev.missing,
            checks=tuple(c.describe() for c in ev.checks),
            status_on_date=entry.status_on(day),
            own_score=round(min(own, 1.0), 4),
            reference=self.reference.get(entry.code),
            reference_score=round(min(ref_score, 1.0), 4),
        )

    def _by_code(self, query: str, limit: int, day: dt.date, given: dict) -> Lookup:
        code = normalise_code(query) or query
        entries = self.catalogue.entries_for_code(code)
        if not entries:
            return Lookup(query, "control_code", "not_controlled", (), f"{code} is not a code of China's control list (2026 catalogue or item announcements)", as_of=day)
        qp = parse_quantities(query)
        cands = tuple(self._candidate(e, 1.0, f"control code {code}", day, qp, given) for e in entries)
        live = [c for c in cands if c.status_on_date == "in_force"]
        if not live:
            states = ", ".join(sorted({c.status_on_date for c in cands}))
            return Lookup(query, "control_code", "not_controlled", cands[:limit], f"{code} is a listed code but {states} on {day}", as_of=day)
        decided = [c for c in live if c.decision != "not_met"]
        if given and not decided:
            return Lookup(query, "control_code", "not_controlled", cands[:limit], f"{code}: the given parameters fail its thresholds", as_of=day)
        return Lookup(query, "control_code", "controlled", cands[:limit], f"{code} is a listed dual-use item in force on {day}", as_of=day)

    def _by_hs(self, query: str, digits: str, limit: int, day: dt.date, given: dict) -> Lookup:
        """HS code: a 10-digit reference code gives its entries; a 6/8-digit prefix the entries under it.

        A line whose entries all decide the same way without parameters (one
        entry, or one 5-character family, none with thresholds) is
        ``controlled`` ("classified from the HS code") - for a prefix only
        when its reference lines are whole tariff lines (ending in ``00``),
        not national subdivisions made for the listed item, which leave the
        rest of the prefix unlisted; entries that differ
        or turn on parameters give ``needs_parameters``. A prefix under which
        no entry sits is ``needs_parameters`` when its heading holds an
        entry's reference code or its HS description matches an entry name,
        else ``not_controlled``; a 10-digit code that is no reference code is
        ``not_controlled`` (the catalogue lists its 10-digit lines).
        """
        qp = QueryParameters()
        entries = self.catalogue.entries_for_hs(digits)
        if not entries and len(digits) < 10:
            return self._hs_prefix_without_lines(query, digits, limit, day, given)
        if not entries:
            return Lookup(query, "hs_code", "not_controlled", (), f"HS {digits} is not a reference customs code of any listed entry", as_of=day)
        score = 1.0 if len(digits) >= 10 else 0.8
        cands = [self._candidate(e, score, f"reference HS code {digits}", day, qp, given) for e in entries]
        live = [c for c in cands if c.status_on_date == "in_force"]
        if not live:
            return Lookup(query, "hs_code", "not_controlled", tuple(cands[:limit]), f"HS {digits}: the entries are not in force on {day}", as_of=day)
        families = {c.code[:5] for c in live}
        open_ = [c for c in live if c.decision in ("none", "met")]
        whole_lines = len(digits) >= 10 or all(h.endswith("00") for c in live for h in c.hs_codes if h.startswith(digits))
        if len(open_) == len(live) and len(families) == 1 and whole_lines:
            status = "controlled"
            why = f"classified from the HS code: {digits} is a reference code of {', '.join(c.code for c in live[:4])}, which has no technical thresholds"
        elif given and all(c.decision == "not_met" for c in live):
            status, why = "not_controlled", f"HS {digits}: the given parameters fail the thresholds of every entry"
        else:
            status = "needs_parameters"
            if len(families) > 1 or len(live) > 1:
                why = f"HS {digits} is shared by {len(live)} entries ({', '.join(c.code for c in live[:6])})"
            else:
                why = f"HS {digits} is the reference code of {live[0].code}, which has technical thresholds"
            if len(digits) < 10:
                why += "; the prefix also holds lines no entry lists" if not whole_lines else ""
            if len(open_) == len(live) and len(families) == 1 and not whole_lines:
                why = (
                    f"HS {digits} holds the reference lines of {', '.join(c.code for c in live[:4])}, which are national "
                    f"subdivisions (not ending in 00): the prefix also holds lines no entry lists"
                )
        needed = tuple(dict.fromkeys(n for c in live for n in c.needed))
        return Lookup(query, "hs_code", status, tuple(live[:limit]), why, needed if status == "needs_parameters" else (), day)

    def _hs_text_matches(self, text: str) -> tuple[tuple[int, float], ...]:
        """``(entry index, cover)`` of the entries whose names match an HS 2022 description, in rank order.

        A pure function of ``text`` (a batch meets the same few thousand HS
        descriptions again and again): computed once per search instance.
        """
        cache = self.__dict__.setdefault("_hs_text_cache", {})
        found = cache.get(text)
        if found is None:
            _, terms = query_terms(text)
            plain = {t.lstrip("~?^") for t in terms}
            ceiling = sum(self._idf.get(t, UNKNOWN_TERM_IDF) for t in plain) or 1.0
            matches = []
            for m, _ in self._rank(terms, term_elements(terms)):
                cover = sum(self._idf[t] for t in plain & self._name_terms[m.index]) / ceiling  # the item *names*, not their HS texts
                if cover >= HS_TEXT_SCORE:
                    matches.append((m.index, cover))
            found = cache[text] = tuple(matches)
        return found

    def _hs_prefix_without_lines(self, query: str, digits: str, limit: int, day: dt.date, given: dict) -> Lookup:
        """A 6/8-digit HS code under which no entry lists a line: its heading and its HS 2022 description decide."""
        text = self.hs6.get(digits[:6]) or self.hs6.get(digits[:4]) or ""
        heading = digits[:4]
        ranked: list[tuple[int, float]] = list(self._hs_text_matches(text)) if text else []
        headings = self.__dict__.get("_heading_cache")
        if headings is None:  # every entry under each 4-digit heading of its reference codes, in entry order, built once
            headings = {}
            for i, e in enumerate(self._docs):
                for prefix in dict.fromkeys(h[:4] for h in e.hs_codes if len(h) >= 4):
                    headings.setdefault(prefix, []).append(i)
            self.__dict__["_heading_cache"] = headings
        if heading not in headings:
            headings[heading] = [i for i, e in enumerate(self._docs) if any(h.startswith(heading) for h in e.hs_codes)]
        in_heading = list(headings[heading])
        if in_heading:
            # entries whose names match the HS description first, then the other entries of the heading
            by_text = dict(ranked)
            merged = {**{i: 0.3 for i in in_heading}, **by_text}
            ranked = sorted(merged.items(), key=lambda kv: (-kv[1], self._docs[kv[0]].code))
            why = (
                f"HS {digits} is not a reference code of any entry, but its heading {heading} holds the reference codes of "
                f"{', '.join(self._docs[i].code for i in in_heading[:4])}: classify by what the item is"
            )
        elif ranked:
            ranked.sort(key=lambda kv: -kv[1])
            best = ranked[0][1]
            ranked = [(i, s) for i, s in ranked if s >= CLOSE_SCORE * best]
            why = f"HS {digits} is not a reference code of any entry, but its description ({text[:60]}) matches listed items: classify by what the item is"
        else:
            return Lookup(
                query, "hs_code", "not_controlled", (),
                f"HS {digits} ({text[:60] or 'no HS 2022 description'}) is not a reference code of any entry, no entry lists a code under heading {heading}, and its description matches none",
                as_of=day,
            )
        cands = [self._candidate(self._docs[i], s * 0.8, f"HS heading {heading} / HS 2022 description of {digits[:6]}", day, None, given) for i, s in ranked]
        cands = [c for c in cands if c.status_on_date == "in_force"]
        if not cands:
            return Lookup(query, "hs_code", "not_controlled", (), f"HS {digits}: no entry in force", as_of=day)
        return Lookup(query, "hs_code", "needs_parameters", tuple(cands[:limit]), why, tuple(dict.fromkeys(n for c in cands for n in c.needed)), day)

    def _by_description(self, query: str, limit: int, day: dt.date, given: dict) -> Lookup:
        qp = parse_quantities(query)
        core, terms = self._description_terms(query, qp)
        elements = term_elements(terms)
        for name, flag in (("contains_tb", "铽"), ("contains_dy", "镝")):
            if flag in elements and name not in qp.flags:
                qp.flags[name] = True
        # the goods are what the item is, not where it goes ("spherical graphite for lithium-ion battery anodes")
        goods = self.goods.evidence(split_purpose(query)[0] or query)
        ranked = [(m, s) for m, s in self._rank(terms, elements) if s >= MIN_DESCRIPTION_SCORE and m.anchor]
        head = head_word(core or query)
        head_terms: set[str] = set()
        if head is not None:
            head_terms = {t.lstrip("~?^") for t in query_terms(head)[1]}
        elif not _IDEOGRAPH.search(query):
            # katakana only (モンキーレンチ): the last loanword, in its English spelling, names the item
            english = [t for t in terms if t.startswith("en:") and t[3:] not in _UNIT_WORDS]
            if len(english) > 1:
                head_terms = {english[-1]}
        if head_terms:
            # a candidate must name the item itself, not only share a material or a neighbouring word
            ranked = [(m, s) for m, s in ranked if s >= HEAD_FREE_SCORE or self._names(m.index, head_terms)]
        if goods is not None:
            if not ranked or self._share(ranked[0][0].index, [t for w in goods.words for t in query_terms(w)[1]]) < GOODS_COVER:
                return Lookup(
                    query, "description", "not_controlled", (),
                    f"the description reads as goods of HS {goods.heading} ({goods.description[:70]}; from {', '.join(goods.words)}), "
                    f"a heading under which no entry lists a reference code, and no entry matches the item's own words",
                    as_of=day, goods=goods,
                )
        if not ranked:
            return Lookup(query, "description", "not_controlled", (), "the description matches no listed item (no entry covers the item's own words)", as_of=day)
        cands = []
        for m, s in ranked[: max(limit, 10)]:
            why = "description: " + ", ".join(
                part for part, v in (("entry text", m.own), ("reference text", m.ref), ("HS description", m.hs)) if v > 0
            )
            cands.append(self._candidate(self._docs[m.index], s, why, day, qp, given, own=m.own + m.tied, ref_score=m.ref))
        cands = [c for c in cands if c.status_on_date == "in_force"]
        if not cands:
            return Lookup(query, "description", "not_controlled", (), f"the matching entries are not in force on {day}", as_of=day)
        cands = self._named_first(cands, terms)
        best = cands[0].score
        failed_first = cands[0] if cands[0].decision == "not_met" else None
        if head_terms and cands[0].decision == "not_met":
            # the item fails the entry that names it: entries that do not name it (siblings sharing other words) do not take over
            names_it = {self._docs[m.index].code for m, _ in ranked if self._names(m.index, head_terms)}
            cands = [c for c in cands if c.code in names_it or c.decision == "not_met"]
        alive_all = [c for c in cands if c.decision != "not_met"]
        best_alive = alive_all[0].score if alive_all else 0.0
        close = [c for c in cands if c.score >= CLOSE_SCORE * max(best_alive, 0.8 * best)]
        alive = [c for c in close if c.decision != "not_met"] if best_alive >= 0.8 * best else []
        ordered = alive + [c for c in cands if c not in alive]
        if not alive:
            failed = "; ".join(f"{c.code}: {', '.join(c.checks)}" for c in close[:3])
            return Lookup(query, "description", "not_controlled", tuple(ordered[:limit]), f"the item fails the thresholds of the matching entries ({failed})", as_of=day)
        top = alive[0]
        # among equally good candidates, one whose thresholds the item meets says the most
        met = [c for c in alive if c.decision == "met" and c.score >= COMPETE_SCORE * top.score]
        if met and top.decision != "met":
            top = met[0]
            alive = [top, *[c for c in alive if c is not top]]
            ordered = alive + [c for c in ordered if c not in alive]
        rivals = [c for c in alive[1:] if c.score >= COMPETE_SCORE * top.score and c.decision == "unknown"]
        covered = self._complements.get(top.code, set())
        rivals = [c for c in rivals if c.code not in covered and top.code not in self._complements.get(c.code, set())]
        top_match = next(m for m, _ in ranked if self._docs[m.index].code == top.code)
        if top.own_score < MIN_OWN_SCORE or not top_match.own_anchor:
            status = "needs_parameters"
            why = (
                f"the description matches {top.code} mainly through its {top.reference.label() if top.reference else 'reference text'}, "
                f"which is not the Chinese legal text; the entry's own text does not confirm it: check the item against {top.code}"
            )
        elif top.decision == "met":  # the item's own numbers meet the entry's thresholds: that identifies it too
            status, why = "controlled", f"{top.code}: " + "; ".join(top.checks)
        elif top.score < MIN_CONTROLLED_SCORE:
            status, why = "needs_parameters", f"the description only partly matches {top.code} (confidence {top.score:.2f})"
        elif top.decision == "none" and failed_first is not None and top.score <= failed_first.score:
            status = "needs_parameters"
            why = (
                f"the item fails the thresholds of {failed_first.code} ({'; '.join(failed_first.checks)}); "
                f"{top.code}, which matches no better, has no recorded thresholds: check whether the item is one of its items"
            )
        elif top.decision == "none" and not rivals:
            status, why = "controlled", f"the description matches {top.code}, which has no technical thresholds"
        elif top.decision == "unknown" and any(c.code in self._complements.get(top.code, set()) for c in alive):
            status, why = "controlled", (
                f"the description matches {top.code} and its complement "
                f"{', '.join(sorted(self._complements[top.code]))}: listed either way"
            )
        else:
            status = "needs_parameters"
            why = f"the description matches {', '.join(c.code for c in [top, *rivals][:3])}; whether it is controlled depends on " + (
                ", ".join(dict.fromkeys(n for c in [top, *rivals] for n in c.needed)) or "what the item is exactly"
            )
        needed = tuple(dict.fromkeys(n for c in [top, *rivals] for n in c.needed)) if status == "needs_parameters" else ()
        return Lookup(query, "description", status, tuple(ordered[:limit]), why, needed, day)

    def _description_terms(self, query: str, qp: QueryParameters) -> tuple[str, list[str]]:
        """The text that says what the item is, and the search terms of the whole description.

        The item's own words weigh fully; the words that only qualify it weigh
        as form words (prefix ``^``: they add where an entry has them, their
        absence costs nothing): the declaration elements after a customs
        declaration's goods name (:func:`~dualuse.classification.declaration.split_elements`)
        and the labels of its quantities (``零偏稳定性`` in ``零偏稳定性0.01°/h``,
        :attr:`QueryParameters.labels`).
        """
        item, spec = split_elements(query)
        core = parse_quantities(item).text if spec else qp.text
        weak = " ".join(part for part in ([parse_quantities(spec).text] if spec else []) + list(qp.labels) if part.strip())
        _, terms = query_terms(core or item or query)
        terms = self._junctions_optional(terms)
        if weak:
            present = {t.lstrip("~?^") for t in terms}
            terms += list(dict.fromkeys("^" + t.lstrip("^") for t in query_terms(weak)[1] if t.lstrip("~?^") not in present))
        return core, terms

    def _junctions_optional(self, terms: list[str]) -> list[str]:
        """Chinese bigrams that only join two words make no claim of their own: ``光纤陀螺`` -> ``纤陀``.

        A compound written without spaces (光纤 + 陀螺, 冷间 + 等方 ...) gives a
        bigram across the word boundary. When no entry has that bigram, but
        the query's bigram ending in its first character and the one starting
        with its second character are both words (indexed, or forms of the
        terminology), the bigram is a
        junction: it counts only where some entry has it (``?``), instead of
        weighing as a word no entry knows.
        """
        known = {t.lstrip("~?^") for t in terms if t.lstrip("~?^") in self._idf or t.startswith("?zh:")}
        ends = {t[4] for t in known if t.startswith("zh:") and len(t) == 5}
        starts = {t[3] for t in known if t.startswith("zh:") and len(t) == 5}
        words = one_character_words()
        elements = {c.zh[0] for c in _concepts() if c.element}
        out = []
        for t in terms:
            bare = t.lstrip("~?^")
            unknown_pair = t == bare and bare.startswith("zh:") and len(bare) == 5 and bare not in self._idf
            if unknown_pair and bare[3] in ends and bare[4] in starts:
                t = "?" + t
            elif unknown_pair and {bare[3], bare[4]} & elements and {bare[3], bare[4]} & words:
                # an element and a one-character form word (锑锭 = 锑 + 锭 ingot, 钨矿 = 钨 + 矿 ore): the form word counts where
                # an entry has it, its English adds where an entry's English name has it
                t = "?" + t
                word = next(ch for ch in bare[3:] if ch in words and ch not in elements)
                out.append("?zh:" + word)
                out.extend("^" + e for c in _concepts() if word in c.zh and not c.element for e in _en_terms(c.en[0]))
            out.append(t)
        return out

    def _named_first(self, cands: list[Candidate], terms: list[str]) -> list[Candidate]:
        """A close candidate whose own item name the query names goes before a best one whose name it does not.

        The machine extraction of the catalogue text mixes neighbouring rows,
        so an entry's excerpt may hold its neighbour's item (7A101
        accelerometers' excerpt prints 7A102's gyroscopes); the trusted item
        name does not. Within :data:`NAMED_SCORE` of the best candidate, an
        entry whose name shares a term with the query outranks a best one
        whose name shares none.
        """
        if len(cands) < 2:
            return cands
        query = {t.lstrip("~?^") for t in terms if not t.startswith("^")}
        by_code = self.catalogue.by_code

        def named(c: Candidate) -> bool | None:
            entry = by_code.get(c.code)
            if entry is None or not (entry.name_trusted and entry.name_zh):
                return None  # no trusted name: nothing to compare
            return bool(query & (set(_zh_terms(entry.name_zh)) | set(_en_terms(entry.name_en or ""))))

        if named(cands[0]) is not False:
            return cands
        for c in cands[1:]:
            if c.score < NAMED_SCORE * cands[0].score:
                break
            if named(c):
                return [c, *[x for x in cands if x is not c]]
        return cands

    def _names(self, index: int, head_terms: set[str]) -> bool:
        """True when entry ``index`` itself (not only its parent heading) has a term of the item's head word."""
        own = set(self._own[index]) - self._family_only[index]
        return bool(head_terms & (own | set(self._ref[index])))

    def _share(self, index: int, terms: list[str]) -> float:
        """The idf share of ``terms`` that entry ``index`` has in its own (catalogue) text."""
        bare = {t.lstrip("~?^") for t in terms}
        total = sum(self._idf.get(t, UNKNOWN_TERM_IDF) for t in bare) or 1.0
        have = set(self._own[index])
        return sum(self._idf[t] for t in bare if t in have) / total

    def _rank(self, terms: list[str], query_elements: set[str] | None = None) -> list[tuple[_Match, float]]:
        """:meth:`_rank_uncached`, memoised per query (a batch ranks the same descriptions again and again)."""
        key = (tuple(terms), frozenset(query_elements) if query_elements is not None else None)
        cache = self.__dict__.setdefault("_rank_cache", {})
        found = cache.get(key)
        if found is None:
            if len(cache) >= 32768:
                cache.clear()
            found = cache[key] = self._rank_uncached(terms, query_elements)
        return list(found)

    def _rank_uncached(self, terms: list[str], query_elements: set[str] | None = None) -> list[tuple[_Match, float]]:
        """Entries with their *coverage* of the query, best first (ties broken by BM25 score).

        Per entry: own, reference and HS coverage (shares of the query's
        information matched in each field, a term counted once in the first
        field that has it, the reference weighted by :func:`ref_weight`), and
        the returned score ``(own + reference + HS) x element agreement``.
        Term weights: 1, bridged (``~``) 0.5, weak (``^``) 0.3 - a weak term
        adds where an entry has it but is not in the ceiling; a term no entry
        has counts :data:`UNKNOWN_TERM_IDF` in the ceiling unless it is
        optional (``?``) or only a translation (``~``) of the query's words.
        """
        if not terms:
            return []
        weights: dict[str, float] = {}
        optional: set[str] = set()
        weak: set[str] = set()
        bridged: set[str] = set()
        native: set[str] = set()
        for t in terms:
            bare = t.lstrip("~?^")
            (bridged if "~" in t[:3] else native).add(bare)
            w = (BRIDGED_WEIGHT if "~" in t[:3] else 1.0) * (WEAK_WEIGHT if "^" in t[:3] else 1.0)
            if "?" in t[:3]:
                optional.add(bare)
            if "^" in t[:3]:
                weak.add(bare)
            weights[bare] = min(1.0, max(weights.get(bare, 0.0), w) + (0.0 if bare not in weights else 0.25 * w))
        # a translation through the terminology that no entry has says nothing about the item (the query's own word counts)
        optional |= bridged - native
        matches: dict[int, _Match] = {}
        ceiling = 0.0
        for term, weight in weights.items():
            idf = self._idf.get(term)
            if idf is None and term in optional:
                continue
            if term not in weak:  # a form or purpose word adds where an entry has it, its absence says nothing
                ceiling += weight * (idf if idf is not None else UNKNOWN_TERM_IDF)
            if idf is None:
                continue
            anchor = (term not in weak) and (idf >= ANCHOR_IDF or term.startswith(("el:", "cas:")))
            for i in self._postings[term]:
                tf = self._tf[i][term]
                norm = tf + BM25_K1 * (1 - BM25_B + BM25_B * self._lengths[i] / self._avg)
                m = matches.get(i)
                if m is None:
                    m = matches[i] = _Match(i)
                m.bm25 += weight * idf * tf * (BM25_K1 + 1) / norm
                if term in self._own[i]:
                    m.own += weight * idf * (FAMILY_WEIGHT if term in self._family_only[i] else 1.0)
                    m.anchor |= anchor
                    m.own_anchor |= anchor
                elif term in self._ref[i]:
                    m.ref += weight * idf * self._ref_w[i]
                    m.anchor |= anchor and self._ref_w[i] >= REF_WEIGHT["content"]
                    if self._tied[i]:
                        m.tied += weight * idf * self._ref_w[i]
                        m.own_anchor |= anchor
                else:
                    m.hs += weight * idf * HS_FIELD_WEIGHT
                m.matched.add(term)
        if not matches:
            return []
        ceiling = ceiling or 1.0
        out = []
        for i, m in matches.items():
            factor = 1.0
            if query_elements:
                own = self._elements[i]
                if not own:
                    # the entry's name says no element (no trusted name): an element its own text prints agrees
                    own = {e for e in query_elements if "el:" + e in self._own[i]}
                factor = 0.5 ** len(query_elements - own) * EXTRA_ELEMENT ** len(own - query_elements)
            m.own, m.ref, m.hs, m.tied = m.own / ceiling * factor, m.ref / ceiling * factor, m.hs / ceiling * factor, m.tied / ceiling * factor
            out.append((m, min(1.0, m.own + m.ref + m.hs), m.bm25 * factor))
        out.sort(key=lambda t: (-round(t[1], 3), -t[2], self._docs[t[0].index].code))
        return [(m, cov) for m, cov, _ in out]
