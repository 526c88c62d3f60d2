"""Party matching: which list entries does a written name refer to?

``Matcher.match("三菱重工航空エンジン株式会社")`` returns the CN-ECL entry
"Mitsubishi Heavy Industries Aero Engines, Ltd." with its score, the name
form that matched (the Japanese official name) and an explanation.

Decisions (one documented threshold each):

* ``match``    score >= ``MATCH_THRESHOLD``: the name is taken to be the entry.
* ``possible`` ``REVIEW_THRESHOLD`` <= score < ``MATCH_THRESHOLD``: shown to
  a reviewer; a screening decision turns it into ``REVIEW``.
* below ``REVIEW_THRESHOLD``: not reported, unless the caller asks for a
  lower ``floor`` (the yente-compatible API does, for a client's ``cutoff``):
  then ``unlikely``, never a reason for review.

The score is the best alignment score (:mod:`dualuse.matching.score`) over
every pair of query variant and entry name form, with two adjustments: the
same name written with other spacing (equal compact keys) scores 0.98, and a
name compared without its address tail loses 2%. Country is supporting
evidence: a query country that the entry lists adds 0.02, one that the entry
does not list takes 0.05 off (entries without countries are not adjusted).

Before analysis a label the document wrote before the name ("Consignee:",
"Messrs.") is set aside, OCR's digits for letters are read back and a
misspelt legal form is written right (:mod:`dualuse.matching.document`);
against lists loaded by the user a name in Han, kana, Hangul or Wade-Giles
is also compared through its readings, and an abjad name on its consonants
(:mod:`dualuse.matching.scripts`, :mod:`dualuse.matching.wade_giles`). Each
step is named in the explanation.

A reference-list entry that is the same organisation as a legal-list entry
(``same_as``, e.g. the National Defense Academy is both a Japanese military
user and on the control list) is reported once, as the legal-list entry.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources

from dualuse import yamlio

import numpy as np

from dualuse.matching.analyze import NameVariant, analyze
from dualuse.matching.document import legal_form_spelling, ocr_letters, strip_label
from dualuse.matching.evidence import country_conflict, generic_body_without_country, legal_form_conflict

from dualuse.matching.index import READING_KINDS, Candidates, IndexedVariant, NameIndex, initials_of
from dualuse.matching import index_store
from dualuse.matching.readings import has_cjk, needs_reading, query_readings, record_readings
from dualuse.matching.scripts import consonant_key, is_abjad_name
from dualuse.matching.text import is_han, is_kana
from dualuse.matching.records import FORM_KINDS, ExternalList, NameRecord, record_entry
from dualuse.matching.score import Alignment, align, is_series_pair
from dualuse.matching.text import fold_characters, nfkc
from dualuse.matching.vocabulary import vocabulary
from dualuse.models.reference import LEGAL_LISTS, ListEntry, NameForm

MATCH_THRESHOLD = 0.85
REVIEW_THRESHOLD = 0.72
COMPACT_EQUAL_SCORE = 0.98
TRUNCATED_FACTOR = 0.98
COUNTRY_BONUS = 0.02
COUNTRY_PENALTY = 0.05
# A name that matches one entry exactly is explained by it: another entry
# that it matches only approximately is demoted to "possible" unless it
# scores within this margin of the best (the same name on two lists stays).
EXPLAINED_MARGIN = 0.02
EXACT_SCORE = 0.97
PARTIAL_MARGIN = 0.05
# Lists whose entries are organisational units: a query that adds the name
# of another unit of the same list ("JGSDF Northern Army", "防衛装備庁艦艇装備研究所")
# is read as that unit with its parent organisation prefixed.
UNIT_LISTS = frozenset({"JP-MIL", "US-MIL"})
UNIT_QUALIFIER_FACTOR = 0.98
UNIT_OF_SCORE = 0.9
MAX_RELATED = 12
# Stage 2 aligns exactly the best STAGE2_RECORDS records whose stage-1 score
# reaches STAGE2_FLOOR, with their STAGE2_PAIRS best (query, form) pairs.
STAGE2_RECORDS = 12
STAGE2_FLOOR = 0.45
STAGE2_PAIRS = 3
# An abjad name (Arabic, Hebrew, Thai) whose consonants are those of a Latin
# name form: the script writes no short vowels, so this is all the evidence
# there is (:meth:`Matcher._consonant_matches`).
CONSONANT_SCORE = 0.88


@dataclass(frozen=True)
class MilitaryUnits:
    """The unit-kind words of ``military_units.yaml`` (folded like names).

    Attributes:
        list_id: the list whose organisations they are units of (``JP-MIL``).
        kinds: unit word -> entry id, longest first.
        not_places: words before 基地 that do not name a place.
        places: place names that name a unit's local office.
        named: compact name of a unit known by a proper name -> entry id.
    """

    list_id: str
    kinds: tuple[tuple[str, str], ...]
    not_places: frozenset[str]
    places: frozenset[str]
    named: dict[str, str]


@lru_cache(maxsize=1)
def military_units() -> MilitaryUnits:
    """Load ``military_units.yaml`` once."""
    data = yamlio.safe_load(resources.files("dualuse.matching").joinpath("military_units.yaml").read_text(encoding="utf-8"))

    def fold(text: str) -> str:
        return fold_characters(nfkc(str(text)).casefold(), vocabulary().folds)

    kinds = sorted(((fold(word), str(target)) for word, target in data["units"].items()), key=lambda kv: -len(kv[0]))
    return MilitaryUnits(
        list_id=str(data["list"]),
        kinds=tuple(kinds),
        not_places=frozenset(fold(w) for w in data.get("not_places", [])),
        places=frozenset(fold(w) for w in data.get("places", [])),
        named={fold(word).replace(" ", ""): str(target) for word, target in (data.get("named") or {}).items()},
    )


@dataclass(frozen=True)
class MatchResult:
    """One entry a name may refer to.

    Attributes:
        entry: the list entry.
        score: calibrated similarity in [0, 1] (1.0 = certain).
        decision: ``match``, ``possible``, ``related`` (a parent or
            subsidiary of a matched entry; never a match of the name) or,
            only below the review threshold when a ``floor`` was asked for,
            ``unlikely``.
        form: the entry's name form that matched best.
        query_variant, entry_variant: the analysed variants compared.
        alignment: token alignment behind the score.
        via: id of a reference-list twin whose form matched, if any.
        qualifiers: query words read as the name of a parent organisation
            and set aside ("JGSDF" in "JGSDF Northern Army").
        explained_by: id of another entry that accounts for the name better
            (an exact match elsewhere, or a match on the whole name where
            this one matched only part of it); such a result is at most
            ``possible`` and does not by itself call for review.
        ambiguous_form: the form that matched is shared by entries of
            different organisations (an alias like 補給本部), so the result
            is at most ``possible``.
        unit_of: when set, the name is a unit of this entry (the words given
            here name the unit, which is not itself on the list).
        related_to, relation: for ``related`` results, the matched entry
            (name and list) and how this entry relates to it (``parent``: this entry is its
            parent; ``subsidiary``: this entry is its subsidiary).
        reading: the generated reading (pinyin, romaji) of the query that
            matched, when the query was compared through it.
        document_label: a label the document wrote before the name
            ("Consignee:", "Messrs.", 收货人：), set aside before matching
            (:mod:`dualuse.matching.document`).
        ocr_read: the name as read with OCR's digits for letters read back
            ("Techn0logies" -> "Technologies") or a misspelt legal form
            written right ("Corpoartion"), when that changed it.
        caveats: facts besides the name that say the party may be another
            entity (another country, another legal form, a generic
            government-body name without its country,
            :mod:`dualuse.matching.evidence`); such a result is at most ``possible``.
    """

    entry: ListEntry
    score: float
    decision: str
    form: NameForm
    query_variant: NameVariant
    entry_variant: NameVariant
    alignment: Alignment
    via: str | None = None
    qualifiers: tuple[str, ...] = ()
    explained_by: str | None = None
    ambiguous_form: bool = False
    unit_of: str | None = None
    related_to: str | None = None
    relation: str | None = None
    caveats: tuple[str, ...] = ()
    reading: str | None = None
    document_label: str | None = None
    ocr_read: str | None = None

    @property
    def partial(self) -> bool:
        """True when only part of the name (query or entry form) was compared."""
        return self.query_variant.truncated or self.entry_variant.truncated

    def explanation(self) -> str:
        """Explain the match in words a reviewer understands."""
        if self.related_to:
            role = {"parent": "the parent organisation", "subsidiary": "a subsidiary"}.get(self.relation or "", "related")
            return f"not a match: {role} of \u201c{self.related_to}\u201d, which the name matched (relation in the reference data)"
        if self.unit_of:
            return (
                f"a unit of \u201c{self.entry.name}\u201d: the name names it (the {self.form.kind.replace('_', ' ')} "
                f"form \u201c{self.form.value}\u201d) together with a unit that is not itself on the list "
                f"(\u201c{self.unit_of}\u201d)"
            )
        parts = [f"matched the {self.form.kind.replace('_', ' ')} form \u201c{self.form.value}\u201d"]
        if self.document_label:
            parts.append(f"the document's label \u201c{self.document_label}\u201d set aside")
        if self.ocr_read:
            parts.append(f"read as \u201c{self.ocr_read}\u201d (digits for letters, as OCR misreads them, or a misspelt legal form)")
        if self.via:
            parts.append(f"(name form of the same organisation in {self.via})")
        if self.reading and self.reading.startswith("consonants "):
            parts.append(
                f"the name compared through its consonants \u201c{self.reading.split(' ', 1)[1]}\u201d"
                " (its script writes no short vowels)"
            )
        elif self.reading:
            parts.append(f"the name compared through its reading \u201c{self.reading}\u201d")
        if self.query_variant.compact and self.query_variant.compact == self.entry_variant.compact:
            parts.append("same name apart from spacing, punctuation or legal form")
        position = {id(t): i for i, t in enumerate(self.query_variant.tokens)}
        pairs = sorted(self.alignment.pairs, key=lambda p: min(position.get(id(t), 999) for t in p[0]))
        same = [
            q[0].surface if sim >= 1.0 else f"{'+'.join(t.surface for t in q)}≈{'+'.join(t.surface for t in e)}"
            for q, e, sim in pairs
        ]
        if same:
            # concept tokens of one term ("heavy industry" from 重工) share their surface: say it once
            parts.append("agreeing: " + ", ".join(dict.fromkeys(same)))
        series = [f"{'+'.join(t.surface for t in q)}/{'+'.join(t.surface for t in e)}" for q, e, sim in pairs if sim < 1.0 and is_series_pair(q, e)]
        if series:
            parts.append("only the series number differs (" + ", ".join(series) + "): another fund or trust of the same series")
        if self.alignment.query_extra:
            parts.append("only in the query: " + ", ".join(dict.fromkeys(t.surface for t in self.alignment.query_extra)))
        if self.alignment.entry_extra:
            parts.append("only in the entry: " + ", ".join(dict.fromkeys(t.surface for t in self.alignment.entry_extra)))
        if self.qualifiers:
            parts.append("read as naming the parent organisation: " + ", ".join(self.qualifiers))
        if self.query_variant.truncated:
            parts.append("part of the query set aside (address, site or second name)")
        if self.entry_variant.truncated:
            parts.append("compared with part of the entry's name")
        if self.ambiguous_form:
            parts.append("this form is shared by several organisations: possible match only")
        if self.explained_by:
            parts.append(f"the name fits {self.explained_by} better")
        if self.caveats:
            parts.append("possible match only: " + "; ".join(self.caveats))
        return "; ".join(parts)


@dataclass
class _Best:
    score: float
    indexed: IndexedVariant
    query_variant: NameVariant
    alignment: Alignment
    qualifiers: tuple[str, ...] = ()
    rank: float = 0.0
    reading: str | None = None


class Matcher:
    """Match names against indexed list entries.

    Args:
        entries: list entries to match against (the packaged lists, or any).
        records: further records (external lists read as
            :class:`~dualuse.matching.records.NameRecord`), with their list
            metadata in ``external``.
        external: list id -> :class:`~dualuse.matching.records.ExternalList`.
        match_threshold, review_threshold: see module docstring.
        learn_aliases: learn cross-script aliases from the lists.
    """

    def __init__(
        self,
        entries: Iterable[ListEntry] = (),
        match_threshold: float = MATCH_THRESHOLD,
        review_threshold: float = REVIEW_THRESHOLD,
        *,
        records: Iterable[NameRecord] = (),
        external: dict[str, ExternalList] | None = None,
        learn_aliases: bool = True,
    ):
        self.entries: dict[str, ListEntry] = {entry.id: entry for entry in entries}
        self.external = dict(external or {})
        all_records = [NameRecord.from_entry(entry) for entry in self.entries.values()]
        # the packaged entries carry readings from the build; other lists get them here
        self._packaged = len(all_records)
        all_records.extend(_with_readings(record) for record in records)
        # aliases are learnt from the packaged entries only (they come first)
        # built once per list content and engine version, then loaded from disk (dualuse.artefacts)
        self.index = index_store.load_or_build(all_records, learn=len(self.entries) if learn_aliases else False)
        self.match_threshold = match_threshold
        self.review_threshold = review_threshold
        self._unit_names: dict[str, dict[str, set[int]]] = index_store.derived(self.index, "unit-names", self._find_unit_names)
        self._twin_list_of: dict[str, set[str]] | None = None
        self._consonant_keys: dict[str, list[tuple[int, str]]] | None = None
        # list of each record, as codes, to restrict stage 1 to the wanted lists
        self._list_codes: dict[str, int] = {}
        self._record_list = np.array(
            [self._list_codes.setdefault(record.list, len(self._list_codes)) for record in self.index.records], dtype=np.int32
        )
        self._parents = {
            i: [p for p in (self.index.record_position(parent) for parent in record.parents) if p is not None]
            for i, record in enumerate(self.index.records)
            if record.parents
        }

    def _find_unit_names(self) -> dict[str, dict[str, set[int]]]:
        """``{unit list: {compact key: record positions}}`` of the military-unit lists."""
        unit_names: dict[str, dict[str, set[int]]] = {list_id: {} for list_id in UNIT_LISTS}
        for position, record in enumerate(self.index.records):
            if record.list in UNIT_LISTS:
                for value, _ in record.forms:
                    for variant in analyze(value):
                        if variant.compact:
                            unit_names[record.list].setdefault(variant.compact, set()).add(position)
        return unit_names

    def entry(self, record_index: int) -> ListEntry:
        """The :class:`ListEntry` of an indexed record (built on demand for external lists)."""
        record = self.index.records[record_index]
        entry = self.entries.get(record.id)
        if entry is None:
            meta = self.external.get(record.list)
            if meta is None:
                raise KeyError(f"no list metadata for {record.list!r} (record {record.id})")
            entry = record_entry(record, meta)
            self.entries[record.id] = entry
        return entry

    def match(
        self,
        name: str,
        country: str | None = None,
        lists: Iterable[str] | None = None,
        limit: int = 5,
        floor: float | None = None,
    ) -> list[MatchResult]:
        """Entries ``name`` may refer to, best first.

        Stage 1 scores every candidate the index retrieves with the
        vectorised approximation; stage 2 aligns the best few exactly.

        Args:
            name: the name as written (any script, may include an address).
            country: ISO alpha-2 code of the party, if known.
            lists: restrict to these list ids (default: all).
            limit: maximum number of results.
            floor: lowest score to report (default: the review threshold);
                results below the review threshold are ``unlikely``. Pairs
                below ``STAGE2_FLOOR`` are never aligned, so a lower floor
                finds nothing more.

        Returns:
            Results with score >= ``floor``, at most ``limit``.
        """
        wanted = set(lists) if lists is not None else None
        name, label = strip_label(name)
        read = ocr_letters(name)
        if read is not None:
            name = read
        spelt = legal_form_spelling(name)
        if spelt is not None:
            name = read = spelt
        query_variants = analyze(name)
        if not query_variants:
            return []
        results = self._match(name, query_variants, country, wanted, limit, floor)
        if label is not None or read is not None:
            results = [replace(r, document_label=label, ocr_read=read) for r in results]
        return results

    def _match(
        self,
        name: str,
        query_variants: tuple[NameVariant, ...],
        country: str | None,
        wanted: set[str] | None,
        limit: int,
        floor: float | None,
    ) -> list[MatchResult]:
        """:meth:`match` on the analysed name (a document label already set aside)."""
        # a Chinese or Japanese name is also compared through its readings with
        # the other lists' Latin names (山田太郎 = "Yamada Taro", 习近平 = "Xi Jinping")
        readings: dict[int, str] = {}
        found = self.index.search(query_variants)
        if wanted is not None:
            found = self._restricted(found, wanted)
        if len(self.index.records) > self._packaged and needs_reading(name) and not (found.approx.size and found.approx.max() >= self.match_threshold):
            # readings only when the name as written finds nothing close: they cost a
            # dictionary lookup and a second search
            native = len(query_variants)
            for reading in query_readings(name):
                for variant in analyze(reading):
                    readings[len(query_variants)] = reading
                    query_variants = (*query_variants, variant)
            if readings:
                more = self.index.search(query_variants[native:])
                if wanted is not None:
                    more = self._restricted(more, wanted)
                found = Candidates(
                    np.concatenate((found.variant, more.variant)),
                    np.concatenate((found.record, more.record)),
                    np.concatenate((found.query, more.query + native)),
                    np.concatenate((found.approx, more.approx)),
                )
        best: dict[int, _Best] = {}
        if len(self.index.records) > self._packaged and is_abjad_name(name):
            self._consonant_matches(name, query_variants[0], wanted, best)
        for variant_id, query_position in self._shortlist(found, query_variants) + self._segment_names(query_variants, wanted):
            indexed = self.index.variant(variant_id)
            if query_position in readings and (indexed.record_index < self._packaged or indexed.form[1] in READING_KINDS):
                # the packaged lists are compared through their own generated readings, and
                # a reading is compared with names written in Latin, never with another reading
                # (习近朋 and 习近平 are two names, whatever their pinyin)
                continue
            record = self.index.records[indexed.record_index]
            query_variant = query_variants[query_position]
            alignment = align(query_variant, indexed.variant, self.index.weight)
            qualifiers: tuple[str, ...] = ()
            if alignment.query_extra and record.list in UNIT_LISTS:
                alignment, qualifiers = self._without_unit_qualifiers(query_variant, indexed, alignment)
            score = alignment.score
            if query_variant.compact and query_variant.compact == indexed.variant.compact:
                score = max(score, COMPACT_EQUAL_SCORE)
            partial = query_variant.truncated or indexed.variant.truncated
            if partial:
                score *= TRUNCATED_FACTOR
            # a path through part of a name competes with a handicap, so a
            # whole-name path that scores about as well is preferred
            rank = score - (PARTIAL_MARGIN if partial else 0.0)
            current = best.get(indexed.record_index)
            if current is None or rank > current.rank:
                best[indexed.record_index] = _Best(score, indexed, query_variant, alignment, qualifiers, rank, readings.get(query_position))
        results: dict[int, MatchResult] = {}
        for record_index, found in best.items():
            entry = self.entry(record_index)
            score = _country_adjusted(found.score, country, entry)
            via = None
            twin = _legal_twin(entry)
            if twin is not None and (twin_index := self.index.record_position(twin)) is not None:
                via = entry.id
                record_index = twin_index
                entry = self.entry(twin_index)
            if score < (self.review_threshold if floor is None else floor):
                continue
            if wanted is not None and entry.list not in wanted:
                continue
            previous = results.get(record_index)
            if previous is not None and previous.score >= score:
                continue
            ambiguous = self.index.is_ambiguous(found.indexed.variant.compact)
            caveats = _caveats(found.query_variant, found.indexed.variant, entry, country)
            results[record_index] = MatchResult(
                entry=entry,
                score=round(score, 4),
                decision="match" if score >= self.match_threshold and not ambiguous and not caveats else "possible" if score >= self.review_threshold else "unlikely",
                caveats=caveats,
                ambiguous_form=ambiguous,
                form=_form(found.indexed.form),
                query_variant=found.query_variant,
                entry_variant=found.indexed.variant,
                alignment=found.alignment,
                via=via,
                qualifiers=found.qualifiers,
                reading=found.reading,
            )
        ranked = _explain_away(sorted(results.values(), key=lambda r: (-r.score, r.entry.id)))
        units = self._units_named(query_variants, ranked, wanted)
        if not units:
            units = self._unit_by_kind(query_variants, ranked, wanted)
        units = [_with_caveats(unit, country) for unit in units]
        if units:
            named = {u.entry.id for u in units}
            ranked = sorted([*units, *(r for r in ranked if r.entry.id not in named)], key=lambda r: (-r.score, r.entry.id))
        ranked = ranked[:limit]
        return ranked + self._related(ranked, wanted)

    def _consonant_matches(self, name: str, query_variant: NameVariant, wanted: set[str] | None, best: dict[int, "_Best"]) -> None:
        """Records of the other lists whose Latin name has the consonants of an abjad name (محمد علي = "Mohamed Ali").

        Arabic, Hebrew and Thai spellings do not write (all) vowels, so their
        transliteration shares no letter trigram with the Latin spelling;
        such a name is compared by :func:`~dualuse.matching.scripts.consonant_key`
        with every Latin name form of the external lists (keys built on first
        use), scoring ``CONSONANT_SCORE``; the explanation gives the key.
        """
        key = consonant_key(name)
        if not key:
            return
        if self._consonant_keys is None:
            self._consonant_keys = {}
            for position in range(self._packaged, len(self.index.records)):
                for value, kind in self.index.records[position].forms:
                    if value.isascii() and (value_key := consonant_key(value)):
                        self._consonant_keys.setdefault(value_key, []).append((position, value))
        for position, value in self._consonant_keys.get(key, [])[:STAGE2_RECORDS]:
            record = self.index.records[position]
            if wanted is not None and record.list not in wanted:
                continue
            entry_variant = analyze(value)[0]
            variant_ids = [int(v) for v in self.index.variants_with_compact(entry_variant.compact) if int(self.index.var_record[v]) == position]
            if not variant_ids:
                continue
            indexed = self.index.variant(variant_ids[0])
            pairs = ((query_variant.tokens, indexed.variant.tokens, CONSONANT_SCORE),)
            alignment = Alignment(CONSONANT_SCORE, pairs, (), ())
            best[position] = _Best(CONSONANT_SCORE, indexed, query_variant, alignment, (), CONSONANT_SCORE, f"consonants {key}")

    def _segment_names(self, query_variants: tuple[NameVariant, ...], wanted: set[str] | None) -> list[tuple[int, int]]:
        """Pairs for names that are one comma-separated part of the query ("NIDS" in "NIDS, Ministry of Defense").

        Stage 1 scores the whole query; a unit written with its parent after a
        comma scores low against the unit's short name, though stage 2 reads
        the parent as a qualifier. Only variants whose compact key is exactly
        such a part are added.
        """
        pairs: list[tuple[int, int]] = []
        for position, variant in enumerate(query_variants):
            segments = {t.segment for t in variant.tokens}
            if len(segments) < 2 or variant.mode != "concept":
                continue
            for segment in segments:
                compact = "".join(_compact_piece(t) for t in variant.tokens if t.segment == segment)
                for variant_id in self.index.variants_with_compact(compact)[:8].tolist():
                    record = self.index.records[int(self.index.var_record[variant_id])]
                    if record.list in UNIT_LISTS and (wanted is None or record.list in wanted or self._twin_lists(wanted) & {record.list}):
                        pairs.append((int(variant_id), position))
        return pairs

    def _restricted(self, found: Candidates, wanted: set[str]) -> Candidates:
        """Stage-1 candidates of the wanted lists only (so that other lists take no shortlist places).

        A reference-list record is kept when its legal-list twin is wanted: it is
        reported as that twin.
        """
        codes = [self._list_codes[name] for name in wanted if name in self._list_codes]
        codes += [self._list_codes[name] for name in self._twin_lists(wanted) if name in self._list_codes]
        keep = np.isin(self._record_list[found.record], np.array(codes, dtype=np.int32))
        return Candidates(found.variant[keep], found.record[keep], found.query[keep], found.approx[keep])

    def _twin_lists(self, wanted: set[str]) -> set[str]:
        """Lists whose records may stand for an entry of a wanted list (``same_as`` twins)."""
        if not wanted & set(LEGAL_LISTS):
            return set()
        if self._twin_list_of is None:
            self._twin_list_of = {}
            for entry in self.entries.values():
                twin = _legal_twin(entry)
                if twin is not None:
                    self._twin_list_of.setdefault(twin.split(":", 1)[0], set()).add(entry.list)
        return set().union(*(self._twin_list_of.get(name, set()) for name in wanted))

    def _related(self, ranked: list[MatchResult], wanted: set[str] | None) -> list[MatchResult]:
        """Parents and subsidiaries of the matched entries, as ``related`` results.

        A parent, subsidiary or sibling of a listed entity is never that
        entity; but a reviewer should see that "Mitsubishi Heavy Industries,
        Ltd." has listed subsidiaries, or that a listed unit's parent is a
        defence contractor. Related results never trigger a rule.
        """
        shown = {r.entry.id for r in ranked}
        related: list[MatchResult] = []
        for result in ranked:
            if result.decision != "match" or result.related_to:
                continue
            for relation in result.entry.relations:
                if relation.relation not in ("parent", "subsidiary") or not relation.target_id or relation.target_id in shown:
                    continue
                position = self.index.record_position(relation.target_id)
                if position is None:
                    continue
                entry = self.entry(position)
                if wanted is not None and entry.list not in wanted:
                    continue
                shown.add(entry.id)
                related.append(
                    replace(
                        result,
                        entry=entry,
                        decision="related",
                        related_to=f"{result.entry.name} ({result.entry.list})",
                        relation=relation.relation,
                        explained_by=None,
                    )
                )
        return related[:MAX_RELATED]

    def _shortlist(self, found: Candidates, query_variants: tuple[NameVariant, ...]) -> list[tuple[int, int]]:
        """The stage-1 pairs worth aligning exactly: ``(variant id, query variant)``.

        The ``STAGE2_RECORDS`` records with the best approximate score (at
        least ``STAGE2_FLOOR``), each with its ``STAGE2_PAIRS`` best pairs,
        ranked like stage 2 ranks them (a pair through part of a name
        carries the partial handicap).
        """
        if found.variant.size == 0:
            return []
        query_truncated = np.array([v.truncated for v in query_variants], dtype=bool)
        partial = query_truncated[found.query] | self.index.var_truncated[found.variant]
        rank = found.approx - PARTIAL_MARGIN * partial
        order = np.lexsort((-rank, found.record))
        records = found.record[order]
        starts = np.flatnonzero(np.concatenate(([True], records[1:] != records[:-1])))
        best = np.maximum.reduceat(found.approx[order], starts)
        keep = np.flatnonzero(best >= STAGE2_FLOOR)
        keep = keep[np.argsort(-best[keep], kind="stable")][:STAGE2_RECORDS]
        ends = np.concatenate((starts[1:], [order.size]))
        pairs: list[tuple[int, int]] = []
        for group in keep.tolist():
            for row in order[starts[group] : min(ends[group], starts[group] + STAGE2_PAIRS)].tolist():
                pairs.append((int(found.variant[row]), int(found.query[row])))
        return pairs

    def _units_named(
        self, query_variants: tuple[NameVariant, ...], ranked: list[MatchResult], wanted: set[str] | None
    ) -> list[MatchResult]:
        """Military organisations a name is a unit of ("JASDF 2nd Air Wing" is part of the JASDF).

        When no entry of a unit list matches the name, but the name starts
        with (or ends, after a comma, with) the full name or an alias of an
        entry of that list, followed by words that are not on the list, the
        party is a unit of that organisation: reported as a match to it
        with score ``UNIT_OF_SCORE`` and an explanation. Aliases of three
        characters or fewer (SDF, MOD) and forms shared by several
        organisations do not count.
        """
        found: list[MatchResult] = []
        for list_id in sorted(UNIT_LISTS):
            if wanted is not None and list_id not in wanted:
                continue
            if any(r.decision == "match" and list_id in lists_of(r.entry) for r in ranked):
                continue
            names = self._unit_names.get(list_id, {})
            # the name without an address or site first: the unit's own words
            for variant in sorted(query_variants, key=lambda v: (not v.truncated, len(v.tokens))):
                if variant.mode != "concept":
                    continue
                tokens = variant.tokens
                runs = [range(0, k) for k in range(1, len(tokens)) if tokens[k].segment == 0]
                runs += [range(k, len(tokens)) for k in range(1, len(tokens)) if tokens[k].segment > tokens[k - 1].segment]
                for run in runs:
                    compact = "".join(_compact_piece(tokens[i]) for i in run)
                    units = names.get(compact, set())
                    if len(compact) <= 3 or len(units) != 1 or self.index.is_ambiguous(compact):
                        continue
                    unit = next(iter(units))
                    indexed = next(
                        self.index.variant(int(v))
                        for v in self.index.variants_with_compact(compact)
                        if int(self.index.var_record[v]) == unit
                    )
                    head = tuple(t for i, t in enumerate(tokens) if i not in run)
                    pairs = tuple(((tokens[i],), (tokens[i],), 1.0) for i in run)
                    found.append(
                        MatchResult(
                            entry=self.entry(unit),
                            score=UNIT_OF_SCORE,
                            decision="match",
                            form=_form(indexed.form),
                            query_variant=variant,
                            entry_variant=indexed.variant,
                            alignment=Alignment(UNIT_OF_SCORE, pairs, head, ()),
                            unit_of=" ".join(t.surface for t in head),
                        )
                    )
                    break
                if found and found[-1].entry.list == list_id:
                    break
        return found

    def _unit_by_kind(
        self, query_variants: tuple[NameVariant, ...], ranked: list[MatchResult], wanted: set[str] | None
    ) -> list[MatchResult]:
        """A Japanese unit named by its kind without its service ("小松基地", "第6航空団", "陸自第1師団").

        When no entry of the units' list matches, a Japanese name that ends
        with a unit word of ``military_units.yaml`` and starts with an
        ordinal, a number, a place (for 基地: two to four Han characters that
        are not a word such as 物流) or the name of an organisation of the
        list is a unit of that organisation (or, without one, of the
        organisation the unit word belongs to), reported like
        :meth:`_units_named` with score ``UNIT_OF_SCORE``.
        """
        units = military_units()
        if (wanted is not None and units.list_id not in wanted) or any(
            r.decision == "match" and units.list_id in lists_of(r.entry) for r in ranked
        ):
            return []
        names = self._unit_names.get(units.list_id, {})
        for variant in query_variants:
            target = None if variant.legal_forms else units.named.get(variant.compact)
            position = self.index.record_position(target) if target else None
            if position is not None:
                entry = self.entry(position)
                if wanted is not None and entry.list not in wanted:
                    return []
                return [_unit_match(entry, variant, variant, variant.text)]
        for variant in sorted(query_variants, key=lambda v: not v.truncated):  # the head of "AのB" comes first
            compact = variant.compact
            if variant.mode != "raw" or not compact or not all(is_han(ch) or is_kana(ch) or ch.isdigit() for ch in compact):
                continue
            for word, target in units.kinds:
                if not compact.endswith(word) or len(compact) == len(word):
                    continue
                head = compact[: -len(word)]
                owner = next((names[head[:k]] for k in range(len(head), 1, -1) if head[:k] in names and len(names[head[:k]]) == 1), None)
                if owner is not None:
                    position = next(iter(owner))
                elif head.startswith("第") and head[1:].isdigit() or head.isdigit():
                    position = self.index.record_position(target)
                elif word == next(w for w, t in units.kinds if t.endswith(":jp_sdf") and w.endswith("地")) and not (
                    2 <= len(head) <= 4 and all(is_han(ch) for ch in head) and head not in units.not_places
                ):
                    break
                elif all(is_han(ch) for ch in head) and len(head) <= 4 and head not in units.not_places:
                    position = self.index.record_position(target)
                else:
                    break
                if position is None:
                    break
                entry = self.entry(position)
                if wanted is not None and entry.list not in wanted:
                    return []
                form = next((f for f in entry.names if f.kind == "official_ja"), entry.names[0])
                entry_variant = next((v for v in analyze(form.value) if v.mode == "raw"), variant)
                return [_unit_match(entry, variant, entry_variant, variant.text.replace(" ", ""))]
        return []

    def _ancestors(self, entry_index: int) -> set[int]:
        found: set[int] = set()
        stack = list(self._parents.get(entry_index, []))
        while stack:
            parent = stack.pop()
            if parent not in found:
                found.add(parent)
                stack.extend(self._parents.get(parent, []))
        return found

    def _without_unit_qualifiers(
        self, query: NameVariant, indexed: IndexedVariant, alignment: Alignment
    ) -> tuple[Alignment, tuple[str, ...]]:
        """Re-align with query words that name another unit of the same list set aside.

        "JGSDF Northern Army" against "Northern Army": the unmatched "JGSDF" is
        an alias of the Japan Ground Self-Defense Force (JP-MIL), so it is
        read as a prefix naming the service, not as a difference. A unit
        below the entry is never set aside ("防衛省情報本部" is the Defense
        Intelligence Headquarters, not the Ministry of Defense).
        """
        entry_index = indexed.record_index
        list_id = self.index.records[entry_index].list
        extra_ids = {id(t) for t in alignment.query_extra}
        runs: list[list[int]] = []
        for i, token in enumerate(query.tokens):
            if id(token) in extra_ids:
                if runs and runs[-1][-1] == i - 1:
                    runs[-1].append(i)
                else:
                    runs.append([i])
        names = self._unit_names.get(list_id, {})
        tokens = query.tokens

        def droppable(compact: str) -> bool:
            units = names.get(compact, set())
            return any(unit != entry_index and entry_index not in self._ancestors(unit) for unit in units)

        candidates: list[set[int]] = []
        drop: set[int] = set()
        for run in runs:
            # Only a qualifier can be set aside, never the head of the name:
            # a prefix followed by more words, or a part after a comma.
            prefix = run[0] == 0 and run[-1] + 1 < len(tokens) and tokens[run[-1] + 1].segment == 0
            after_comma = all(tokens[i].segment > 0 for i in run)
            if not (prefix or after_comma):
                continue
            if droppable("".join(_compact_piece(tokens[i]) for i in run)):
                drop.update(run)
        if drop:
            candidates.append(drop)
        # a parent organisation's name written before the unit's ("防卫省防卫研究所",
        # "海上自卫队吴地方队"), whatever the aligner paired its words with
        for k in range(1, len(tokens)):
            if tokens[k].segment != 0:
                break
            if droppable("".join(_compact_piece(t) for t in tokens[:k])):
                candidates.append(set(range(k)))
        if not candidates:
            return alignment, ()
        best: tuple[Alignment, tuple[str, ...]] = (alignment, ())
        places = military_units().places
        for drop in candidates:
            kept = tuple(t for i, t in enumerate(tokens) if i not in drop)
            if not kept:
                continue
            prefix_compact = "".join(_compact_piece(tokens[i]) for i in sorted(drop))
            entry_variant = _without_prefix(indexed.variant, prefix_compact)
            kept, place = _without_place(kept, entry_variant, places)
            realigned = align(replace(query, tokens=kept), entry_variant, self.index.weight)
            dropped = (" ".join(tokens[i].surface for i in sorted(drop)) if query.tokens[0].kind != "han" else prefix_compact,) + place
            candidate = replace(realigned, score=realigned.score * UNIT_QUALIFIER_FACTOR ** (1 + bool(place)))
            if candidate.score > best[0].score:
                best = (candidate, tuple(dict.fromkeys(dropped)))
        return best


def _without_prefix(variant: NameVariant, compact: str) -> NameVariant:
    """The entry's form without a parent's name it starts with too ("自衛隊地方協力本部" without 自衛隊)."""
    text = ""
    for k, token in enumerate(variant.tokens):
        text += _compact_piece(token)
        if text == compact and k + 1 < len(variant.tokens):
            return replace(variant, tokens=variant.tokens[k + 1 :])
        if not compact.startswith(text):
            break
    return variant


def _without_place(tokens: tuple, entry_variant: NameVariant, places: frozenset[str]) -> tuple[tuple, tuple[str, ...]]:
    """Query tokens without a place name the entry does not have ("东京" in "东京地方协力本部": the Tokyo office)."""
    entry_text = "".join(_compact_piece(t) for t in entry_variant.tokens)
    for start in range(len(tokens)):
        for end in range(start + 2, min(len(tokens), start + 3) + 1):
            name = "".join(_compact_piece(t) for t in tokens[start:end])
            if name in places and name not in entry_text and all(t.kind == "han" for t in tokens[start:end]):
                return tokens[:start] + tokens[end:], (name,)
    return tokens, ()


def _with_readings(record: NameRecord) -> NameRecord:
    """An external record with the pinyin or romaji of its Chinese and Japanese names added as forms."""
    if not any(has_cjk(value) for value, _ in record.forms):
        return record
    known = {value.casefold() for value, _ in record.forms}
    extra: list[tuple[str, str]] = []
    for value, _ in record.forms:
        for reading in record_readings(value):
            if reading.casefold() not in known:
                known.add(reading.casefold())
                extra.append((reading, "romaji" if any(is_kana(ch) for ch in value) else "pinyin"))
    return replace(record, forms=record.forms + tuple(extra)) if extra else record


def _spelled_acronym(query: NameVariant, entry_variant: NameVariant) -> str | None:
    """Caveat when the whole query is one acronym read as the initials of the entry's name (not one of its forms)."""
    words = [t for t in query.tokens if t.role != "country_lead"]
    if len(words) == 1 and len(entry_variant.tokens) > 1 and words[0].text != entry_variant.compact:
        if initials_of(entry_variant) == words[0].text:
            return f"“{words[0].surface}” read as the initials of the entry's name: an acronym alone does not identify it"
    return None


def _caveats(query: NameVariant, entry_variant: NameVariant, entry: ListEntry, country: str | None) -> tuple[str, ...]:
    """What besides the name says the party may be another entity (see :mod:`dualuse.matching.evidence`)."""
    found = (
        _spelled_acronym(query, entry_variant),
        country_conflict(country, entry),
        legal_form_conflict(query, entry_variant, entry),
        generic_body_without_country(query, country, entry),
    )
    return tuple(c for c in found if c)


def _with_caveats(result: MatchResult, country: str | None) -> MatchResult:
    """A unit result with the evidence checks applied (the unit's own words count, not the head's)."""
    caveats = _caveats(result.query_variant, result.entry_variant, result.entry, country)
    if not caveats:
        return result
    return replace(result, caveats=caveats, decision="possible")


def _explains(winner: MatchResult, other: MatchResult) -> bool:
    """True when ``winner`` accounts for the name better than ``other`` does."""
    if winner is other or winner.decision != "match" or winner.entry.name == other.entry.name:
        return False  # the same organisation on two lists is reported on both
    if winner.score >= EXACT_SCORE and other.score < winner.score - EXPLAINED_MARGIN:
        return True
    if other.ambiguous_form and not winner.ambiguous_form and winner.score >= other.score - EXPLAINED_MARGIN:
        return True
    # a match on part of a name (address or site cut off, on either side)
    # yields to a match on the whole name that scores about as well
    return other.partial and not winner.partial and winner.score >= other.score - PARTIAL_MARGIN


def _explain_away(ranked: list[MatchResult]) -> list[MatchResult]:
    """Demote matches another result explains to ``possible`` (with ``explained_by`` set)."""
    out: list[MatchResult] = []
    for result in ranked:
        winner = next((w for w in ranked if _explains(w, result)), None)
        if winner is not None:
            result = replace(result, decision="possible" if result.decision == "match" else result.decision, explained_by=winner.entry.id)
        out.append(result)
    return out


def _compact_piece(token) -> str:
    """The token as it contributes to a compact key (its written form, folded)."""
    return token.surface


def _form(form: tuple[str, str]) -> NameForm:
    value, kind = form
    # the kind is one of NameKind by construction: no validation needed
    return NameForm.model_construct(value=value, kind=kind if kind in FORM_KINDS else "alias")


def lists_of(entry: ListEntry) -> set[str]:
    """The entry's list and the lists of its ``same_as`` twins."""
    lists = {entry.list}
    lists.update(r.target_id.split(":", 1)[0] for r in entry.relations if r.relation == "same_as" and r.target_id)
    return lists


def _legal_twin(entry: ListEntry) -> str | None:
    """Id of the legal-list entry a reference-list entry is the same organisation as."""
    if entry.list in LEGAL_LISTS:
        return None
    for relation in entry.relations:
        if relation.relation == "same_as" and relation.target_id and relation.target_id.split(":", 1)[0] in LEGAL_LISTS:
            return relation.target_id
    return None


def _country_adjusted(score: float, country: str | None, entry: ListEntry) -> float:
    if not country or not entry.countries:
        return score
    if country.upper() in entry.countries:
        return min(1.0, score + COUNTRY_BONUS)
    return max(0.0, score - COUNTRY_PENALTY)


def _unit_match(entry: ListEntry, query_variant: NameVariant, entry_variant: NameVariant, unit_of: str) -> MatchResult:
    """A ``match`` at :data:`UNIT_OF_SCORE` of a unit or a named unit to the organisation ``entry`` it belongs to.

    The form shown is the entry's official Japanese name (else its first name); ``unit_of`` is the unit as written.
    """
    form = next((f for f in entry.names if f.kind == "official_ja"), entry.names[0])
    return MatchResult(
        entry=entry,
        score=UNIT_OF_SCORE,
        decision="match",
        form=form,
        query_variant=query_variant,
        entry_variant=entry_variant,
        alignment=Alignment(UNIT_OF_SCORE, (), query_variant.tokens, ()),
        unit_of=unit_of,
    )
