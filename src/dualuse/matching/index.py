"""The name index: every written form of every entity, for fast candidate scoring.

Built once from :class:`~dualuse.matching.records.NameRecord` objects, the
index keeps compact arrays (numpy) rather than Python objects, so the same
code serves the shipped lists (a few hundred entities) and a list of a
million:

* a **token vocabulary**: every distinct token (Latin word or concept, Han
  character, katakana run) gets an id, with its inverse document frequency
  over records (``ln(1 + N/df)``);
* every analysed **variant** of every name form as a run of token ids with
  per-token weights and unmatched-token penalties (the same weights the
  exact aligner uses, :mod:`dualuse.matching.score`);
* **postings** from token ids to variants (CSR arrays);
* a **trigram index** over the vocabulary (so a typo such as "Msterials"
  finds "materials") and a sorted word list (so "ENG" finds "engineering");
* the **compact keys** of variants (names equal apart from spacing).

:meth:`NameIndex.search` is stage 1 of matching: it expands each query
token to the vocabulary tokens it may match (equal, same loose key, a typo,
a prefix), collects the variants that contain them, keeps the ``limit``
best by shared weight, and scores all of them at once with a vectorised
version of the weighted-Dice score (the maximum similarity of each token
instead of the exact one-to-one alignment). The matcher then aligns only the
few best candidates exactly (stage 2).
"""

from __future__ import annotations

import math
import multiprocessing
import os
from array import array
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from dualuse.matching.aliases import derived_forms, learn_aliases
from dualuse.matching.analyze import NameVariant, Token, _analyze, analyze
from dualuse.matching.index_store import stable_hash
from dualuse.matching.records import NameRecord
from rapidfuzz import process
from rapidfuzz.distance import OSA

from dualuse.matching.score import (
    ACRONYM_SIMILARITY,
    SHORT_TYPO_LENGTH,
    ABBREVIATION_SIMILARITY,
    LOOSE_SIMILARITY,
    RELATED_TOKENS,
    UNMATCHED_PENALTY,
    acronym_like,
    is_short,
)
from dualuse.matching.vocabulary import vocabulary

# Role factors applied to a token's inverse document frequency, and minimum
# weights. Words that mark a different organisation of a group weigh at
# least like an ordinary word; generic words never vanish entirely.
ROLE_FACTORS = {"normal": 1.0, "generic": 0.15, "country_lead": 0.15, "country": 1.0, "qualifier": 1.3}
ROLE_FLOORS = {"country": 2.5, "qualifier": 2.5, "generic": 1.0, "country_lead": 1.0}
# Han characters carry less information one by one than whole words.
HAN_FACTOR = 0.6
# Stage 1 counts each unmatched Han character on its own (the aligner
# counts a run of them once).
HAN_UNMATCHED_PENALTY = 0.94

ROLES = ("normal", "generic", "qualifier", "country", "country_lead")
_ROLE_CODE = {role: code for code, role in enumerate(ROLES)}
_KIND_CODE = {"word": 0, "num": 0, "han": 1, "kana": 2}
MODES = ("concept", "raw")
# Postings longer than this are not used for retrieval (the token still
# counts in scoring); such tokens say almost nothing about identity.
MAX_POSTINGS = 50_000
# Postings read per query variant for retrieval (rarest tokens first).
POSTINGS_BUDGET = 20_000
# Indexes with at most this many variants (vocabularies with at most this many
# tokens) count retrieval weights (shared trigrams) in one dense array.
DENSE_TOTALS = 65_536
# Analysed variants of other lists kept in memory (see NameIndex.variant).
VARIANT_MEMO = 100_000
# A query word that is itself on at least this many records is not looked
# up as a typo of another word.
TYPO_SKIP_DF = 20


# stable_hash of the keys queries look up (compact keys, trigrams, loose keys): they repeat across names
_query_hash = lru_cache(maxsize=131_072)(stable_hash)


def _kind(token: Token) -> int:
    return _KIND_CODE[token.kind]


@dataclass(frozen=True, slots=True)
class IndexedVariant:
    """One analysed variant of one name form of one record.

    Attributes:
        record_index: position of the record in the index.
        form: ``(value, kind)`` of the name form.
        variant: the analysed variant.
    """

    record_index: int
    form: tuple[str, str]
    variant: NameVariant


@dataclass(frozen=True, slots=True)
class Candidates:
    """Stage-1 results as parallel arrays.

    Attributes:
        variant: indexed variant ids.
        record: record positions of those variants.
        query: positions of the query variants they were scored against.
        approx: approximate scores in [0, 1].
    """

    variant: np.ndarray
    record: np.ndarray
    query: np.ndarray
    approx: np.ndarray


def _trigrams(text: str) -> list[str]:
    padded = f"^{text}$"
    return [padded[i : i + 3] for i in range(len(padded) - 2)]


# Name-form kinds that are readings of another form (see _find_ambiguous).
READING_KINDS = frozenset({"romaji", "pinyin"})

# Records per chunk below which the index is built in one process.
PARALLEL_FROM = 50_000


@dataclass
class _Chunk:
    """The analysed names of a range of records, with a local token vocabulary."""

    tokens: list[tuple[int, str, str]]
    df: np.ndarray
    forms: int
    var_record: np.ndarray
    var_form: np.ndarray
    var_position: np.ndarray
    var_mode: np.ndarray
    var_truncated: np.ndarray
    var_short: np.ndarray
    var_compact: np.ndarray
    var_initials: np.ndarray
    var_length: np.ndarray
    occ_token: np.ndarray
    occ_role: np.ndarray


def _forms_of(record: NameRecord, position: int, aliases: dict[str, str], learn_count: int) -> tuple[tuple[str, str], ...]:
    """A record's forms, plus derived alias forms for the curated records."""
    return record.forms + derived_forms(record, aliases) if position < learn_count else record.forms


def _analyse_range(records: list[NameRecord], start: int, stop: int, aliases: dict[str, str], learn_count: int) -> _Chunk:
    """Analyse the names of ``records[start:stop]`` into arrays (runs in a worker process for large lists)."""
    vocab = vocabulary()
    local: dict[tuple[int, str], int] = {}
    tokens: list[tuple[int, str, str]] = []
    df = array("i")
    forms = 0
    var_record, var_form, var_length = array("i"), array("i"), array("i")
    var_position, var_mode, var_truncated, var_short = array("b"), array("b"), array("b"), array("b")
    var_compact: list[int] = []
    var_initials: list[int] = []
    occ_token, occ_role = array("i"), array("b")
    analyse = _analyze.__wrapped__  # bypass the query cache: each name is seen once here
    for record_index in range(start, stop):
        record = records[record_index]
        seen: set[int] = set()
        for form in _forms_of(record, record_index, aliases, learn_count):
            form_index = forms
            forms += 1
            for position, variant in enumerate(analyse(form[0], vocab)):
                var_record.append(record_index)
                var_form.append(form_index)
                var_position.append(position)
                var_mode.append(MODES.index(variant.mode))
                var_truncated.append(variant.truncated)
                var_short.append(is_short(variant.tokens))
                var_compact.append(stable_hash(variant.compact) if variant.compact else 0)
                var_length.append(len(variant.tokens))
                initials = initials_of(variant)
                var_initials.append(stable_hash(initials) if initials else 0)
                for token in variant.tokens:
                    key = (_KIND_CODE[token.kind], token.text)
                    token_id = local.get(key)
                    if token_id is None:
                        token_id = local[key] = len(tokens)
                        tokens.append((key[0], token.text, token.loose))
                        df.append(0)
                    occ_token.append(token_id)
                    occ_role.append(_ROLE_CODE[token.role])
                    seen.add(token_id)
        for token_id in seen:
            df[token_id] += 1
    return _Chunk(
        tokens=tokens,
        df=np.frombuffer(df, dtype=np.int32).copy(),
        forms=forms,
        var_record=np.frombuffer(var_record, dtype=np.int32).copy(),
        var_form=np.frombuffer(var_form, dtype=np.int32).copy(),
        var_position=np.frombuffer(var_position, dtype=np.int8).copy(),
        var_mode=np.frombuffer(var_mode, dtype=np.int8).copy(),
        var_truncated=np.frombuffer(var_truncated, dtype=np.int8).copy(),
        var_short=np.frombuffer(var_short, dtype=np.int8).copy(),
        var_compact=np.array(var_compact, dtype=np.int64),
        var_initials=np.array(var_initials, dtype=np.int64),
        var_length=np.frombuffer(var_length, dtype=np.int32).copy(),
        occ_token=np.frombuffer(occ_token, dtype=np.int32).copy(),
        occ_role=np.frombuffer(occ_role, dtype=np.int8).copy(),
    )


_WORK: tuple[list[NameRecord], dict[str, str], int] | None = None


def _analyse_shared(bounds: tuple[int, int]) -> _Chunk:
    assert _WORK is not None
    return _analyse_range(_WORK[0], bounds[0], bounds[1], _WORK[1], _WORK[2])


def _analyse_all(records: list[NameRecord], aliases: dict[str, str], workers: int | None, learn_count: int) -> list[_Chunk]:
    """Analyse every record, in worker processes (fork) when the list is large.

    Workers inherit the records by fork, so nothing large is pickled on the
    way in; each returns compact arrays. Where fork is unavailable the work
    is done in this process.
    """
    global _WORK
    count = workers if workers is not None else min(os.cpu_count() or 1, 4)
    if count <= 1 or len(records) < PARALLEL_FROM or "fork" not in multiprocessing.get_all_start_methods():
        return [_analyse_range(records, 0, len(records), aliases, learn_count)]
    step = -(-len(records) // count)
    bounds = [(i, min(i + step, len(records))) for i in range(0, len(records), step)]
    _WORK = (records, aliases, learn_count)
    try:
        with multiprocessing.get_context("fork").Pool(count) as pool:
            return pool.map(_analyse_shared, bounds)
    finally:
        _WORK = None


class NameIndex:
    """Index ``records`` by every written form of their names.

    Args:
        records: the entities to index.
        learn: learn cross-script aliases from the records and add derived
            forms to them (:mod:`dualuse.matching.aliases`): ``True`` for all
            records, ``False`` for none, or a number N for the first N records
            (the curated lists, when external lists follow them).
        workers: processes used to analyse names (default: the CPU count,
            at most 4; lists under ``PARALLEL_FROM`` records use one).

    Attributes:
        records: the indexed records, in input order.
        aliases: the learnt aliases.
    """

    def __init__(
        self, records: Iterable[NameRecord], learn: bool | int = True, workers: int | None = None
    ):
        self.records: list[NameRecord] = list(records)
        # aliases are learnt from (and applied to) the first ``learn`` records:
        # the curated lists, not a million external entities
        learn_count = len(self.records) if learn is True else int(learn)
        self._learn_count = learn_count
        self.aliases = learn_aliases(self.records[:learn_count]) if learn_count else {}
        self._record_index = {record.id: i for i, record in enumerate(self.records)}
        chunks = _analyse_all(self.records, self.aliases, workers, learn_count)

        # merge the chunks: one vocabulary, one set of arrays
        self._vocab: dict[tuple[int, str], int] = {}
        self._tok_text: list[str] = []
        self._tok_loose: list[str] = []
        tok_kind: list[int] = []
        # the forms in the order the chunks analysed them (references, not copies)
        self._forms: list[tuple[str, str]] = [
            form for position, record in enumerate(self.records) for form in _forms_of(record, position, self.aliases, learn_count)
        ]
        df_parts: list[tuple[np.ndarray, np.ndarray]] = []
        parts: dict[str, list[np.ndarray]] = defaultdict(list)
        variant_offset = 0
        form_offset = 0
        for chunk in chunks:
            remap = np.empty(len(chunk.tokens), dtype=np.int32)
            for local, (kind, text, loose) in enumerate(chunk.tokens):
                token_id = self._vocab.get((kind, text))
                if token_id is None:
                    token_id = self._vocab[(kind, text)] = len(self._tok_text)
                    self._tok_text.append(text)
                    self._tok_loose.append(loose)
                    tok_kind.append(kind)
                remap[local] = token_id
            df_parts.append((remap, chunk.df))
            parts["record"].append(chunk.var_record)
            parts["form"].append(chunk.var_form + form_offset)
            parts["position"].append(chunk.var_position)
            parts["mode"].append(chunk.var_mode)
            parts["truncated"].append(chunk.var_truncated)
            parts["short"].append(chunk.var_short)
            parts["compact"].append(chunk.var_compact)
            parts["initials"].append(chunk.var_initials)
            parts["length"].append(chunk.var_length)
            parts["token"].append(remap[chunk.occ_token] if chunk.occ_token.size else chunk.occ_token)
            parts["role"].append(chunk.occ_role)
            variant_offset += chunk.var_record.size
            form_offset += chunk.forms

        def joined(name: str, dtype) -> np.ndarray:
            return np.concatenate(parts[name]).astype(dtype, copy=False) if parts[name] else np.empty(0, dtype=dtype)

        self.var_record = joined("record", np.int32)
        self.var_form = joined("form", np.int32)
        self.var_position = joined("position", np.int8)
        self.var_mode = joined("mode", np.int8)
        self.var_truncated = joined("truncated", np.int8).astype(bool)
        self.var_compact = joined("compact", np.int64)
        initials = joined("initials", np.int64)
        initials_order = np.argsort(initials, kind="stable")
        self._initials_sorted, self._initials_variant = initials[initials_order], initials_order.astype(np.int32)
        lengths = joined("length", np.int64)
        self.var_ptr = np.zeros(lengths.size + 1, dtype=np.int64)
        np.cumsum(lengths, out=self.var_ptr[1:])
        self.occ_token = joined("token", np.int32)
        occ_role = joined("role", np.int8)
        self.tok_kind = np.array(tok_kind, dtype=np.int8)

        # inverse document frequency over records (records never span chunks)
        df = np.zeros(len(self._tok_text), dtype=np.int64)
        for remap, local_df in df_parts:
            np.add.at(df, remap, local_df)
        n = max(len(self.records), 1)
        self.df = df.astype(np.int32)
        self.idf = np.log1p(n / np.maximum(df, 1)).astype(np.float32)
        self.max_idf = math.log1p(n)
        self.occ_role = occ_role
        self.var_short = joined("short", np.int8).astype(bool)
        occ_variant = np.repeat(np.arange(self.var_record.size, dtype=np.int32), lengths)
        # what stage 1 needs of each stored token, computed once: its weight, the log of
        # its unmatched penalty, and each variant's total weight
        occ_kind = self.tok_kind[self.occ_token]
        self.occ_weight = _weights(self.idf[self.occ_token], occ_kind, occ_role, self.var_short[occ_variant])
        self.occ_logpen = _log_penalties(occ_kind, occ_role)
        self.var_weight_total = np.bincount(occ_variant, weights=self.occ_weight, minlength=self.var_record.size)
        del occ_kind

        order = np.argsort(self.occ_token, kind="stable")
        self.post_variant = occ_variant[order]
        del occ_variant, order
        self.post_ptr = np.zeros(len(self._tok_text) + 1, dtype=np.int64)
        np.cumsum(np.bincount(self.occ_token, minlength=len(self._tok_text)), out=self.post_ptr[1:])

        compact_order = np.argsort(self.var_compact, kind="stable")
        self._compact_sorted = self.var_compact[compact_order]
        self._compact_variant = compact_order.astype(np.int32)
        self.ambiguous_compacts = self._find_ambiguous()
        self._build_lookups()
        # the curated records' variants are analysed here, once per list version, and
        # stored with the index (a few thousand); other lists' on first use (``variant``)
        curated = int(np.searchsorted(self.var_record, learn_count, side="left")) if learn_count else 0
        self._variant_memo: dict[int, IndexedVariant] = {}
        for variant_id in range(curated):
            self._variant_memo[variant_id] = self._analysed_variant(variant_id)

    # --- building ----------------------------------------------------------------

    def _find_ambiguous(self) -> frozenset[int]:
        """Hashes of compact keys that belong to more than one organisation (e.g. the alias 補給本部).

        A record's organisation is its ``organisation`` key when set (same_as
        twins), else the compact key of its primary name (one company on two
        lists: "Skydio, Inc." and "Skydio Inc.").
        """
        organisation = np.zeros(len(self.records), dtype=np.int64)
        if self.var_record.size:
            records, first = np.unique(self.var_record, return_index=True)
            organisation[records] = self.var_compact[first]
        for position, record in enumerate(self.records):
            if record.organisation:
                organisation[position] = stable_hash(record.organisation)
        # readings (romaji, pinyin) of different scripts' names collide by nature
        # (习近平's pinyin is "Xi Jinping"): they make no written form ambiguous
        reading_form = np.fromiter((kind in READING_KINDS for _, kind in self._forms), dtype=bool, count=len(self._forms))
        keep = (self.var_compact != 0) & ~self.var_truncated
        if reading_form.size:
            keep &= ~reading_form[self.var_form]
        pairs = np.unique(np.stack([self.var_compact[keep], organisation[self.var_record[keep]]], axis=1), axis=0)
        compacts, counts = np.unique(pairs[:, 0], return_counts=True)
        return frozenset(int(c) for c in compacts[counts > 1])

    def _build_lookups(self) -> None:
        """Loose-key, trigram and prefix lookups over the vocabulary, as sorted hash arrays."""
        loose_keys = np.fromiter(
            (stable_hash((kind, loose)) for kind, loose in zip(self.tok_kind.tolist(), self._tok_loose)),
            dtype=np.int64,
            count=len(self._tok_loose),
        )
        order = np.argsort(loose_keys, kind="stable")
        self._loose_sorted, self._loose_ids = loose_keys[order], order.astype(np.int32)

        codes, ids = array("q"), array("i")
        words: list[tuple[str, int]] = []
        for token_id, (kind, text, loose) in enumerate(zip(self.tok_kind.tolist(), self._tok_text, self._tok_loose)):
            if kind == 0 and len(loose) >= SHORT_TYPO_LENGTH or kind == 2 and len(loose) >= 3:
                for gram in set(_trigrams(loose)):
                    codes.append(stable_hash((kind, gram)))
                    ids.append(token_id)
            if kind == 0 and text.isalpha():
                words.append((text, token_id))
        code_array = np.frombuffer(codes, dtype=np.int64)
        order = np.argsort(code_array, kind="stable")
        self._gram_sorted = code_array[order]
        self._gram_ids = np.frombuffer(ids, dtype=np.int32)[order]
        words.sort()
        self._words = [w for w, _ in words]
        self._word_ids = np.array([i for _, i in words], dtype=np.int32)
        self._loose_length = np.fromiter((len(t) for t in self._tok_loose), dtype=np.int16, count=len(self._tok_loose))
        self._loose_array = np.array(self._tok_loose, dtype=object)
        self._text_array = np.array(self._tok_text, dtype=object)
        # country words by (first letter, length), for the typo check of misspelt country words
        country_words: dict[tuple[str, int], list[str]] = defaultdict(list)
        for word in sorted(w for w in vocabulary().latin_countries if " " not in w and len(w) >= 4):
            country_words[(word[0], len(word))].append(word)
        self._country_words = {key: tuple(words) for key, words in country_words.items()}

    def _sorted_lookup(self, keys: np.ndarray, values: np.ndarray, key: int) -> np.ndarray:
        lo = np.searchsorted(keys, key, side="left")
        hi = np.searchsorted(keys, key, side="right")
        return values[lo:hi]

    # --- token weights (shared with the exact aligner) -----------------------------

    def weight(self, token: Token, short_name: bool = False) -> float:
        """Weight of ``token``: IDF over records (unseen tokens get the maximum) times its role factor.

        Args:
            token: the token.
            short_name: True when the token's name has at most one
                distinguishing token; its generic words then weigh fully
                ("Kowa" vs "Kowa Kogyo" differ by more than "Mitsubishi
                Heavy" vs "Mitsubishi Heavy Industries").

        The same formula, vectorised, gives the stored weights (:func:`_weights`).
        Memoised per (kind, text, role, short name): names share words.
        """
        key = (token.kind, token.text, token.role, short_name)
        memo = self.__dict__.setdefault("_weight_memo", {})
        found = memo.get(key)
        if found is None:
            if len(memo) >= 200_000:
                memo.clear()
            found = memo[key] = self._weight(token, short_name)
        return found

    def _weight(self, token: Token, short_name: bool) -> float:
        token_id = self._vocab.get((_kind(token), token.text))
        idf = float(self.idf[token_id]) if token_id is not None else self.max_idf
        if token.kind == "han":
            idf *= HAN_FACTOR
        role = "normal" if short_name and token.role == "generic" else token.role
        return max(idf * ROLE_FACTORS[role], ROLE_FLOORS.get(role, 0.0))

    # --- lookups ------------------------------------------------------------------------

    def record_position(self, record_id: str) -> int | None:
        """Position of a record by id, or ``None``."""
        return self._record_index.get(record_id)

    def variant(self, variant_id: int) -> IndexedVariant:
        """The analysed variant ``variant_id``.

        Variants of the curated records are stored with the index; the others
        are analysed on first use and kept (at most ``VARIANT_MEMO`` of them:
        the memo is emptied when full), so a name seen as a candidate before
        is not analysed again, whatever query retrieved it.
        """
        variant_id = int(variant_id)
        memo = self.__dict__.setdefault("_variant_memo", {})
        found = memo.get(variant_id)
        if found is None:
            if len(memo) >= VARIANT_MEMO:
                curated = self._learn_count
                for key in [k for k, v in memo.items() if v.record_index >= curated]:
                    del memo[key]
            found = memo[variant_id] = self._analysed_variant(variant_id)
        return found

    def _analysed_variant(self, variant_id: int) -> IndexedVariant:
        form = self._forms[int(self.var_form[variant_id])]
        variants = analyze(form[0])
        return IndexedVariant(int(self.var_record[variant_id]), form, variants[int(self.var_position[variant_id])])

    def variants_with_compact(self, compact: str) -> np.ndarray:
        """Ids of the variants whose compact key is ``compact``."""
        key = _query_hash(compact)
        lo = np.searchsorted(self._compact_sorted, key, side="left")
        hi = np.searchsorted(self._compact_sorted, key, side="right")
        return self._compact_variant[lo:hi]

    def is_ambiguous(self, compact: str) -> bool:
        """True when the compact key belongs to more than one organisation."""
        return bool(compact) and _query_hash(compact) in self.ambiguous_compacts

    # --- stage 1 ------------------------------------------------------------------------

    def _similar_tokens(self, token: Token) -> dict[int, float]:
        """Vocabulary tokens ``token`` may match, with their similarity (memoised per token: names share words; read-only)."""
        key = (token.kind, token.text, token.loose, token.surface, token.role)
        memo = self.__dict__.setdefault("_similar_memo", {})
        found = memo.get(key)
        if found is None:
            if len(memo) >= 200_000:
                memo.clear()
            found = memo[key] = self._similar_tokens_uncached(token)
        return found

    def _similar_tokens_uncached(self, token: Token) -> dict[int, float]:
        kind = _kind(token)
        found: dict[int, float] = {}
        exact = self._vocab.get((kind, token.text))
        if exact is not None:
            found[exact] = 1.0
        for other in self._sorted_lookup(self._loose_sorted, self._loose_ids, _query_hash((kind, token.loose))).tolist():
            found.setdefault(other, LOOSE_SIMILARITY)
        for (a, b), sim in RELATED_TOKENS.items():
            if a == token.text and (related := self._vocab.get((kind, b))) is not None:
                found.setdefault(related, sim)
        if kind == 1:
            return found
        text = token.loose
        common = exact is not None and self.df[exact] >= TYPO_SKIP_DF  # a frequent word is rarely a typo
        if not common and ((kind == 0 and len(token.text) >= SHORT_TYPO_LENGTH and not acronym_like(token.text)) or (kind == 2 and len(text) >= 3)):
            for other, sim in self._typos(kind, text, token.surface.lower()):
                found.setdefault(other, sim)
        if kind == 0 and exact is None and len(token.text) >= 5 and token.role not in ("country", "country_lead"):
            # a misspelt country word ("Chima"): country tokens are stored under their code
            nearby = self._country_words.get((token.text[0], len(token.text)), ()) + self._country_words.get((token.text[0], len(token.text) + 1), ()) + self._country_words.get((token.text[0], len(token.text) - 1), ())
            for word, distance, _ in process.extract(token.text, nearby, scorer=OSA.distance, score_cutoff=1, limit=3) if nearby else ():
                other = self._vocab.get((0, vocabulary().latin_countries[word].lower()))
                if other is not None and distance > 0:
                    found.setdefault(other, 1.0 - distance / (max(len(word), len(token.text)) + 1))
        if kind == 0 and 3 <= len(token.text) <= 5 and token.text.isalpha():
            lo = _bisect(self._words, token.text)
            for position in range(lo, min(lo + 64, len(self._words))):
                word = self._words[position]
                if not word.startswith(token.text):
                    break
                if len(word) >= len(token.text) + 3:
                    found.setdefault(int(self._word_ids[position]), ABBREVIATION_SIMILARITY)
        return found

    def _typos(self, kind: int, text: str, surface: str) -> list[tuple[int, float]]:
        """Vocabulary tokens within the typo distance of ``text`` (the rules of ``token_similarity``).

        Candidates share enough trigrams (a typo of up to two edits destroys
        at most six of the trigrams of the padded word) and differ in length
        by at most two; their optimal-string-alignment distance is computed
        in one call (rapidfuzz).
        """
        limit = 2 if len(text) >= 8 else 1
        arrays = []
        # grams of the written form too: the spelling key can move a typo further
        # away ("itichu" keys as "ichichu"; "itochu" as written is one edit away)
        grams = set(_trigrams(text)) | (set(_trigrams(surface)) if kind == 0 and surface != text else set())
        keys = np.fromiter((_query_hash((kind, gram)) for gram in grams), dtype=np.int64, count=len(grams))
        los = np.searchsorted(self._gram_sorted, keys, side="left").tolist()
        his = np.searchsorted(self._gram_sorted, keys, side="right").tolist()
        for lo, hi in zip(los, his):
            if 0 < hi - lo < 20_000:
                arrays.append(self._gram_ids[lo:hi])
        if not arrays:
            return []
        shared = np.concatenate(arrays)
        # the padded word has len(text) trigrams; an edit destroys at most
        # three of them (a transposition four): the q-gram lemma
        least = max(1, min(len(text), len(surface)) - 3 * limit - 1)
        if len(self._tok_text) <= DENSE_TOTALS:
            ids = np.flatnonzero(np.bincount(shared) >= least)
        else:  # a large vocabulary: count the few ids seen, not one bin per token
            seen, counts = np.unique(shared, return_counts=True)
            ids = seen[counts >= least]
        ids = ids[np.minimum(np.abs(self._loose_length[ids] - len(text)), np.abs(self._loose_length[ids] - len(surface))) <= limit + 1]
        if ids.size == 0:
            return []
        choices = self._loose_array[ids]
        distance = process.cdist([text], choices, scorer=OSA.distance, score_cutoff=2, dtype=np.int32, workers=1)[0]
        if kind == 0 and surface != text:  # as written too: a typo in a plural escapes the spelling fold
            written = self._text_array[ids]
            distance = np.minimum(distance, process.cdist([surface], written, scorer=OSA.distance, score_cutoff=2, dtype=np.int32, workers=1)[0])
        close = np.flatnonzero((distance > 0) & (distance <= 2))
        found: list[tuple[int, float]] = []
        for position in close.tolist():
            token_id, choice, d = int(ids[position]), choices[position], int(distance[position])
            shorter, longer = min(len(text), len(choice)), max(len(text), len(choice))
            if kind == 0:
                shorter = min(len(surface), len(self._tok_text[token_id]))
            if kind == 0 and (shorter < SHORT_TYPO_LENGTH or acronym_like(self._tok_text[token_id])):
                continue
            if kind == 2 and shorter < 3:
                continue
            if 0 < d <= (2 if shorter >= 8 else 1):
                found.append((token_id, 1.0 - d / (max(longer, len(self._tok_text[token_id])) + 1)))
        return found

    def search(self, query_variants: tuple[NameVariant, ...], limit: int = 256) -> Candidates:
        """Stage 1: approximate scores of the best candidate variants for each query variant.

        Args:
            query_variants: the analysed query.
            limit: how many variants (per query variant) to score.

        Returns:
            Parallel arrays: variant ids, record positions, query-variant
            positions and approximate scores (several rows per record possible).
        """
        variant_ids, query_ids, scores = [], [], []
        for q_index, query in enumerate(query_variants):
            if not query.tokens:
                continue
            sims = [self._similar_tokens(token) for token in query.tokens]
            union = sorted({token_id for sim in sims for token_id in sim})
            same = self.variants_with_compact(query.compact) if query.compact else None
            spelled = self._spelled(query)
            candidates = self._retrieve(union, sims, MODES.index(query.mode), limit, same, spelled)
            if candidates.size == 0:
                continue
            variant_ids.append(candidates)
            query_ids.append(np.full(candidates.size, q_index, dtype=np.int32))
            scores.append(self._approximate(query, sims, union, candidates, same, spelled))
        if not variant_ids:
            empty = np.empty(0, dtype=np.int32)
            return Candidates(empty, empty, empty, np.empty(0, dtype=np.float64))
        variants = np.concatenate(variant_ids)
        return Candidates(variants, self.var_record[variants], np.concatenate(query_ids), np.concatenate(scores))

    def _spelled(self, query: NameVariant) -> list[np.ndarray]:
        """For a query of one or two tokens: the variants whose initials spell each acronym-like word ("PLA")."""
        found = []
        for token in query.tokens if len(query.tokens) <= 2 else ():
            if token.kind == "word" and 2 <= len(token.text) <= 6 and token.text.isalpha() and acronym_like(token.text):
                found.append(self._sorted_lookup(self._initials_sorted, self._initials_variant, _query_hash(token.text)))
        return found

    def _retrieve(
        self, union: list[int], sims: list[dict[int, float]], mode: int, limit: int, same: np.ndarray | None, spelled: list[np.ndarray]
    ) -> np.ndarray:
        """Variants sharing tokens with the query, the ``limit`` best by shared weight.

        Tokens are taken rarest first until ``POSTINGS_BUDGET`` postings are
        read (the two rarest always): a very common token adds little to
        ranking and much to the cost; it still counts when candidates are scored.
        ``same`` are the variants with the query's compact key, ``spelled``
        those whose initials spell one of its words (see :meth:`_spelled`).
        """
        best_sim: dict[int, float] = {}
        for sim in sims:
            for token_id, value in sim.items():
                if value > best_sim.get(token_id, 0.0):
                    best_sim[token_id] = value
        parts: list[np.ndarray] = []
        weights: list[np.ndarray] = []
        if union:
            ids = np.asarray(union, dtype=np.int64)
            lo = self.post_ptr[ids]
            size = self.post_ptr[ids + 1] - lo
            order = np.lexsort((ids, size)).tolist()
            sizes, los = size.tolist(), lo.tolist()
            read = 0
            taken_ids: list[int] = []
            taken_sizes: list[int] = []
            for taken, k in enumerate(order):
                count = sizes[k]
                if count == 0 or count > MAX_POSTINGS:
                    continue
                if taken >= 2 and read + count > POSTINGS_BUDGET:
                    break
                parts.append(self.post_variant[los[k] : los[k] + count])
                taken_ids.append(union[k])
                taken_sizes.append(count)
                read += count
            if taken_ids:
                value = np.array([best_sim[t] for t in taken_ids], dtype=np.float32) * self.idf[taken_ids]
                weights.append(np.repeat(value, taken_sizes))
        if same is not None and same.size:
            parts.append(same)
            weights.append(np.full(same.size, 100.0, dtype=np.float32))
        for found in spelled:
            found = found[:64]
            if found.size:
                # an acronym (alone, or with a country word) finds the names it abbreviates ("PLA": People's Liberation Army)
                parts.append(found)
                weights.append(np.full(found.size, 50.0, dtype=np.float32))
        if not parts:
            return np.empty(0, dtype=np.int32)
        variants = np.concatenate(parts)
        score = np.concatenate(weights)
        if self.var_record.size <= DENSE_TOTALS:
            # a small index: one bin per variant (the same sums, in the same order, as via np.unique)
            dense = np.bincount(variants, weights=score, minlength=self.var_record.size)
            unique = np.flatnonzero(dense)  # every weight is positive
            totals = dense[unique]
        else:
            unique, inverse = np.unique(variants, return_inverse=True)
            totals = np.bincount(inverse, weights=score)
        keep = self.var_mode[unique] == mode
        unique, totals = unique[keep], totals[keep]
        if unique.size > limit:
            top = np.argpartition(-totals, limit)[:limit]
            unique = unique[top]
        return unique

    def _approximate(
        self,
        query: NameVariant,
        sims: list[dict[int, float]],
        union: list[int],
        candidates: np.ndarray,
        same: np.ndarray | None,
        spelled: list[np.ndarray],
    ) -> np.ndarray:
        """Vectorised weighted Dice with unmatched-token penalties (max similarity per token)."""
        starts = self.var_ptr[candidates]
        lengths = self.var_ptr[candidates + 1] - starts
        ends = np.cumsum(lengths)
        segment_starts = ends - lengths
        occ = np.repeat(starts - segment_starts, lengths) + np.arange(int(ends[-1]) if ends.size else 0)
        tokens = self.occ_token[occ]
        owner = np.repeat(np.arange(candidates.size), lengths)
        # similarity of every candidate token to every query token
        matrix = np.zeros((len(sims), len(union) + 1), dtype=np.float32)
        if union:
            column = {token_id: i for i, token_id in enumerate(union)}
            for row, sim in enumerate(sims):
                for token_id, value in sim.items():
                    matrix[row, column[token_id]] = value
            union_array = np.asarray(union, dtype=np.int32)
            lookup = np.minimum(np.searchsorted(union_array, tokens), len(union) - 1)
            local = np.where(union_array[lookup] == tokens, lookup, len(union))
        else:
            local = np.zeros(tokens.size, dtype=np.int64)
        pair = matrix[:, local]  # (query tokens, candidate tokens)
        entry_best = pair.max(axis=0)
        query_best = np.maximum.reduceat(pair, segment_starts, axis=1)  # (query tokens, candidates)

        q_weight, q_logpen = self._query_weights(query)
        gained = np.bincount(owner, weights=entry_best * self.occ_weight[occ], minlength=candidates.size) + (q_weight[:, None] * query_best).sum(axis=0)
        total = self.var_weight_total[candidates] + q_weight.sum()
        penalty = np.bincount(owner, weights=np.where(entry_best > 0, 0.0, self.occ_logpen[occ]), minlength=candidates.size)
        penalty += (np.where(query_best > 0, 0.0, 1.0) * q_logpen[:, None]).sum(axis=0)
        score = np.minimum(1.0, gained / np.maximum(total, 1e-9)) * np.exp(penalty)
        if same is not None and same.size:
            score = np.where(_among(candidates, same), np.maximum(score, 0.98), score)
        for found in spelled:
            if found.size:
                score = np.where(_among(candidates, found), np.maximum(score, ACRONYM_SIMILARITY * 0.9), score)
        return score

    def _query_weights(self, query: NameVariant) -> tuple[np.ndarray, np.ndarray]:
        """Weights and log unmatched penalties of a query variant's tokens (float32)."""
        short = is_short(query.tokens)
        q_weight = np.array([self.weight(t, short) for t in query.tokens], dtype=np.float32)
        table = _query_log_penalties()
        q_logpen = np.array([table[t.kind == "han"][_ROLE_CODE[t.role]] for t in query.tokens], dtype=np.float32)
        return q_weight, q_logpen


_CONNECTOR_WORDS = frozenset({"of", "for", "the", "and", "&", "de"})


def initials_of(variant: NameVariant) -> str:
    """The initials of a name of two to six words, connectors skipped ("people's liberation army" -> "pla"); else ""."""
    words = [t for t in variant.tokens if t.kind == "word" and not t.concept and t.text not in _CONNECTOR_WORDS]
    if not 2 <= len(words) <= 6 or len(words) != sum(t.kind in ("word", "num") for t in variant.tokens) - sum(t.text in _CONNECTOR_WORDS for t in variant.tokens):
        return ""
    return "".join((t.surface or t.text)[:1] for t in words)


def _bisect(words: list[str], prefix: str) -> int:
    lo, hi = 0, len(words)
    while lo < hi:
        mid = (lo + hi) // 2
        if words[mid] < prefix:
            lo = mid + 1
        else:
            hi = mid
    return lo


def _weights(idf: np.ndarray, kind: np.ndarray, role: np.ndarray, short: np.ndarray) -> np.ndarray:
    """Token weights: idf x Han factor x role factor, with role floors (vectorised)."""
    factors = np.array([ROLE_FACTORS[r] for r in ROLES], dtype=np.float32)
    floors = np.array([ROLE_FLOORS.get(r, 0.0) for r in ROLES], dtype=np.float32)
    effective_role = np.where(short & (role == _ROLE_CODE["generic"]), _ROLE_CODE["normal"], role)
    base = idf * np.where(kind == 1, HAN_FACTOR, 1.0)
    return np.maximum(base * factors[effective_role], floors[effective_role]).astype(np.float32)


def _among(values: np.ndarray, few: np.ndarray) -> np.ndarray:
    """``np.isin(values, few)`` for a handful of ``few`` (a comparison per element is cheaper than isin's sort)."""
    if few.size > 16:
        return np.isin(values, few)
    return (values[:, None] == few[None, :]).any(axis=1)


@lru_cache(maxsize=1)
def _query_log_penalties() -> tuple[tuple[float, ...], ...]:
    """:func:`_log_penalties` of every role, for a token that is not Han (index 0) and one that is (1)."""
    roles = np.arange(len(ROLES), dtype=np.int8)
    return tuple(tuple(_log_penalties(np.full(len(ROLES), kind, dtype=np.int8), roles).tolist()) for kind in (0, 1))


def _log_penalties(kind: np.ndarray, role: np.ndarray) -> np.ndarray:
    """log of the unmatched-token penalty of each token (vectorised)."""
    by_role = np.log(np.array([UNMATCHED_PENALTY[r] for r in ROLES], dtype=np.float32))
    return np.where(kind == 1, math.log(HAN_UNMATCHED_PENALTY), by_role[role]).astype(np.float32)
