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
from array import array
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from dualuse.matching.aliases import derived_forms, learn_aliases
from dualuse.matching.analyze import NameVariant, Token, _analyze, analyze
from dualuse.matching.records import NameRecord
from dualuse.matching.score import (
    ABBREVIATION_SIMILARITY,
    LOOSE_SIMILARITY,
    RELATED_TOKENS,
    UNMATCHED_PENALTY,
    is_short,
    token_similarity,
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


class NameIndex:
    """Index ``records`` by every written form of their names.

    Args:
        records: the entities to index.
        learn: learn cross-script aliases from the records and add derived
            forms (:mod:`dualuse.matching.aliases`); for lists without
            Chinese/Japanese names it changes nothing.

    Attributes:
        records: the indexed records, in input order.
        aliases: the learnt aliases.
    """

    def __init__(self, records: Iterable[NameRecord], learn: bool = True):
        self.records: list[NameRecord] = list(records)
        self.aliases = learn_aliases(self.records) if learn else {}
        self._record_index = {record.id: i for i, record in enumerate(self.records)}
        self._vocab: dict[tuple[int, str], int] = {}
        self._tok_text: list[str] = []
        self._tok_kind = array("b")
        self._tok_loose: list[str] = []
        df = array("i")
        var_record, var_form, var_position, var_mode, var_truncated, var_short = (
            array("i"), array("i"), array("b"), array("b"), array("b"), array("b")
        )
        var_compact: list[int] = []
        occ_token, occ_role = array("i"), array("b")
        var_ptr = array("q", [0])
        self._forms: list[tuple[str, str]] = []
        self._form_record = array("i")
        for record_index, record in enumerate(self.records):
            seen: set[int] = set()
            forms = record.forms + derived_forms(record, self.aliases)
            for form in forms:
                form_index = len(self._forms)
                self._forms.append(form)
                self._form_record.append(record_index)
                for position, variant in enumerate(_analyze.__wrapped__(form[0], vocabulary())):
                    var_record.append(record_index)
                    var_form.append(form_index)
                    var_position.append(position)
                    var_mode.append(MODES.index(variant.mode))
                    var_truncated.append(variant.truncated)
                    var_short.append(is_short(variant.tokens))
                    var_compact.append(hash(variant.compact) if variant.compact else 0)
                    for token in variant.tokens:
                        token_id = self._token_id(token, df)
                        occ_token.append(token_id)
                        occ_role.append(_ROLE_CODE[token.role])
                        seen.add(token_id)
                    var_ptr.append(len(occ_token))
            for token_id in seen:
                df[token_id] += 1

        self.var_record = np.frombuffer(var_record, dtype=np.int32).copy()
        self.var_form = np.frombuffer(var_form, dtype=np.int32).copy()
        self.var_position = np.frombuffer(var_position, dtype=np.int8).copy()
        self.var_mode = np.frombuffer(var_mode, dtype=np.int8).copy()
        self.var_truncated = np.frombuffer(var_truncated, dtype=np.int8).astype(bool)
        self.var_ptr = np.frombuffer(var_ptr, dtype=np.int64).copy()
        self.var_compact = np.array(var_compact, dtype=np.int64)
        self.occ_token = np.frombuffer(occ_token, dtype=np.int32).copy()
        occ_role_np = np.frombuffer(occ_role, dtype=np.int8).copy()
        tok_kind = np.frombuffer(self._tok_kind, dtype=np.int8).copy()
        self.tok_kind = tok_kind

        n = max(len(self.records), 1)
        self.idf = np.log1p(n / np.maximum(np.frombuffer(df, dtype=np.int32), 1)).astype(np.float32)
        self.max_idf = math.log1p(n)
        occ_variant = np.repeat(np.arange(len(self.var_record), dtype=np.int32), np.diff(self.var_ptr))
        occ_short = np.frombuffer(var_short, dtype=np.int8)[occ_variant].astype(bool)
        self.occ_weight = _weights(self.idf[self.occ_token], tok_kind[self.occ_token], occ_role_np, occ_short)
        self.occ_logpen = _log_penalties(tok_kind[self.occ_token], occ_role_np)
        self.occ_variant = occ_variant

        order = np.argsort(self.occ_token, kind="stable")
        self.post_variant = occ_variant[order]
        self.post_ptr = np.zeros(len(self._tok_text) + 1, dtype=np.int64)
        np.cumsum(np.bincount(self.occ_token, minlength=len(self._tok_text)), out=self.post_ptr[1:])

        compact_order = np.argsort(self.var_compact, kind="stable")
        self._compact_sorted = self.var_compact[compact_order]
        self._compact_variant = compact_order.astype(np.int32)
        self.ambiguous_compacts = self._find_ambiguous()
        self._build_lookups()

    # --- building ----------------------------------------------------------------

    def _token_id(self, token: Token, df: array) -> int:
        key = (_kind(token), token.text)
        token_id = self._vocab.get(key)
        if token_id is None:
            token_id = len(self._tok_text)
            self._vocab[key] = token_id
            self._tok_text.append(token.text)
            self._tok_kind.append(key[0])
            self._tok_loose.append(token.loose)
            df.append(0)
        return token_id

    def _find_ambiguous(self) -> frozenset[int]:
        """Hashes of compact keys that belong to more than one organisation (e.g. the alias 補給本部)."""
        organisation = np.array(
            [hash(r.organisation) if r.organisation else hash(_primary_compact(r)) for r in self.records], dtype=np.int64
        )
        keep = (self.var_compact != 0) & ~self.var_truncated
        pairs = np.unique(np.stack([self.var_compact[keep], organisation[self.var_record[keep]]], axis=1), axis=0)
        compacts, counts = np.unique(pairs[:, 0], return_counts=True)
        return frozenset(int(c) for c in compacts[counts > 1])

    def _build_lookups(self) -> None:
        self._loose: dict[tuple[int, str], list[int]] = defaultdict(list)
        trigrams: dict[str, list[int]] = defaultdict(list)
        words: list[tuple[str, int]] = []
        for token_id, (text, loose) in enumerate(zip(self._tok_text, self._tok_loose)):
            kind = int(self.tok_kind[token_id])
            self._loose[(kind, loose)].append(token_id)
            if kind == 0 and len(loose) >= 5 or kind == 2 and len(loose) >= 3:
                for gram in set(_trigrams(loose)):
                    trigrams[f"{kind}{gram}"].append(token_id)
            if kind == 0 and text.isalpha():
                words.append((text, token_id))
        self._trigrams = {gram: np.array(ids, dtype=np.int32) for gram, ids in trigrams.items()}
        words.sort()
        self._words = [w for w, _ in words]
        self._word_ids = np.array([i for _, i in words], dtype=np.int32)

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
        """
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
        """The analysed variant ``variant_id`` (re-analysed on demand, cached)."""
        form = self._forms[int(self.var_form[variant_id])]
        variants = analyze(form[0])
        return IndexedVariant(int(self.var_record[variant_id]), form, variants[int(self.var_position[variant_id])])

    def variants_with_compact(self, compact: str) -> np.ndarray:
        """Ids of the variants whose compact key is ``compact``."""
        key = hash(compact)
        lo = np.searchsorted(self._compact_sorted, key, side="left")
        hi = np.searchsorted(self._compact_sorted, key, side="right")
        return self._compact_variant[lo:hi]

    def is_ambiguous(self, compact: str) -> bool:
        """True when the compact key belongs to more than one organisation."""
        return bool(compact) and hash(compact) in self.ambiguous_compacts

    # --- stage 1 ------------------------------------------------------------------------

    def _similar_tokens(self, token: Token) -> dict[int, float]:
        """Vocabulary tokens ``token`` may match, with their similarity."""
        kind = _kind(token)
        found: dict[int, float] = {}
        exact = self._vocab.get((kind, token.text))
        if exact is not None:
            found[exact] = 1.0
        for other in self._loose.get((kind, token.loose), ()):
            found.setdefault(other, LOOSE_SIMILARITY)
        for (a, b), sim in RELATED_TOKENS.items():
            if a == token.text and (related := self._vocab.get((kind, b))) is not None:
                found.setdefault(related, sim)
        if kind == 1:
            return found
        text = token.loose
        if kind == 0 and len(text) >= 5 or kind == 2 and len(text) >= 3:
            counts: dict[int, int] = defaultdict(int)
            for gram in set(_trigrams(text)):
                ids = self._trigrams.get(f"{kind}{gram}")
                if ids is not None and len(ids) < 20_000:
                    for other in ids.tolist():
                        counts[other] += 1
            # a typo of up to two edits destroys at most six of the
            # len(text) trigrams of the padded word
            need = max(1, len(text) - 6)
            probe = Token(token.text, token.kind, token.role, token.surface, token.loose, token.concept)
            for other, shared in counts.items():
                if shared >= need and other not in found:
                    sim = token_similarity(probe, self._token(other))
                    if sim > 0:
                        found[other] = sim
        if kind == 0 and 3 <= len(token.text) <= 5 and token.text.isalpha():
            lo = _bisect(self._words, token.text)
            for position in range(lo, min(lo + 64, len(self._words))):
                word = self._words[position]
                if not word.startswith(token.text):
                    break
                if len(word) >= len(token.text) + 3:
                    found.setdefault(int(self._word_ids[position]), ABBREVIATION_SIMILARITY)
        return found

    @lru_cache(maxsize=4096)
    def _token(self, token_id: int) -> Token:
        kind = int(self.tok_kind[token_id])
        return Token(self._tok_text[token_id], ("word", "han", "kana")[kind], "normal", self._tok_text[token_id], self._tok_loose[token_id])

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
            candidates = self._retrieve(query, union, sims, MODES.index(query.mode), limit)
            if candidates.size == 0:
                continue
            variant_ids.append(candidates)
            query_ids.append(np.full(candidates.size, q_index, dtype=np.int32))
            scores.append(self._approximate(query, sims, union, candidates))
        if not variant_ids:
            empty = np.empty(0, dtype=np.int32)
            return Candidates(empty, empty, empty, np.empty(0, dtype=np.float64))
        variants = np.concatenate(variant_ids)
        return Candidates(variants, self.var_record[variants], np.concatenate(query_ids), np.concatenate(scores))

    def _retrieve(self, query: NameVariant, union: list[int], sims: list[dict[int, float]], mode: int, limit: int) -> np.ndarray:
        parts: list[np.ndarray] = []
        weights: list[np.ndarray] = []
        best_sim = defaultdict(float)
        for sim in sims:
            for token_id, value in sim.items():
                best_sim[token_id] = max(best_sim[token_id], value)
        for token_id in union:
            lo, hi = self.post_ptr[token_id], self.post_ptr[token_id + 1]
            if hi == lo or hi - lo > MAX_POSTINGS:
                continue
            parts.append(self.post_variant[lo:hi])
            weights.append(np.full(hi - lo, best_sim[token_id] * self.idf[token_id], dtype=np.float32))
        if query.compact:
            same = self.variants_with_compact(query.compact)
            if same.size:
                parts.append(same)
                weights.append(np.full(same.size, 100.0, dtype=np.float32))
        if not parts:
            return np.empty(0, dtype=np.int32)
        variants = np.concatenate(parts)
        score = np.concatenate(weights)
        unique, inverse = np.unique(variants, return_inverse=True)
        totals = np.bincount(inverse, weights=score)
        keep = self.var_mode[unique] == mode
        unique, totals = unique[keep], totals[keep]
        if unique.size > limit:
            top = np.argpartition(-totals, limit)[:limit]
            unique = unique[top]
        return unique

    def _approximate(self, query: NameVariant, sims: list[dict[int, float]], union: list[int], candidates: np.ndarray) -> np.ndarray:
        """Vectorised weighted Dice with unmatched-token penalties (max similarity per token)."""
        starts = self.var_ptr[candidates]
        lengths = self.var_ptr[candidates + 1] - starts
        occ = np.repeat(starts - np.concatenate(([0], np.cumsum(lengths)[:-1])), lengths) + np.arange(int(lengths.sum()))
        tokens = self.occ_token[occ]
        owner = np.repeat(np.arange(candidates.size), lengths)
        # similarity of every candidate token to every query token
        column = {token_id: i for i, token_id in enumerate(union)}
        matrix = np.zeros((len(sims), len(union) + 1), dtype=np.float32)
        for row, sim in enumerate(sims):
            for token_id, value in sim.items():
                matrix[row, column[token_id]] = value
        local = np.full(tokens.size, len(union), dtype=np.int32)
        if union:
            lookup = np.searchsorted(np.asarray(union, dtype=np.int32), tokens)
            lookup = np.minimum(lookup, len(union) - 1)
            hit = np.asarray(union, dtype=np.int32)[lookup] == tokens
            local[hit] = lookup[hit]
        pair = matrix[:, local]  # (query tokens, candidate tokens)
        entry_best = pair.max(axis=0)
        segment_starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
        query_best = np.maximum.reduceat(pair, segment_starts, axis=1)  # (query tokens, candidates)

        short = is_short(query.tokens)
        q_weight = np.array([self.weight(t, short) for t in query.tokens], dtype=np.float32)
        q_logpen = _log_penalties(
            np.array([_kind(t) for t in query.tokens], dtype=np.int8), np.array([_ROLE_CODE[t.role] for t in query.tokens], dtype=np.int8)
        )
        e_weight = self.occ_weight[occ]
        e_logpen = self.occ_logpen[occ]
        gained = np.bincount(owner, weights=entry_best * e_weight, minlength=candidates.size) + (q_weight[:, None] * query_best).sum(axis=0)
        total = np.bincount(owner, weights=e_weight, minlength=candidates.size) + q_weight.sum()
        penalty = np.bincount(owner, weights=np.where(entry_best > 0, 0.0, e_logpen), minlength=candidates.size)
        penalty += (np.where(query_best > 0, 0.0, 1.0) * q_logpen[:, None]).sum(axis=0)
        score = np.minimum(1.0, gained / np.maximum(total, 1e-9)) * np.exp(penalty)
        if query.compact:
            same = np.isin(candidates, self.variants_with_compact(query.compact))
            score = np.where(same, np.maximum(score, 0.98), score)
        return score


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


def _log_penalties(kind: np.ndarray, role: np.ndarray) -> np.ndarray:
    """log of the unmatched-token penalty of each token (vectorised)."""
    by_role = np.log(np.array([UNMATCHED_PENALTY[r] for r in ROLES], dtype=np.float32))
    return np.where(kind == 1, math.log(HAN_UNMATCHED_PENALTY), by_role[role]).astype(np.float32)


def _primary_compact(record: NameRecord) -> str:
    variants = analyze(record.name)
    return variants[0].compact if variants else record.id
