"""Candidate retrieval over every written form of every list entry.

The index keeps, for each entry, the analysed variants of all its name
forms, and an inverted index from keys to variants:

* each token's text and loose key (``mitsubishi``, ``ミツビシ``, ``电``...),
* character trigrams of Latin words of four or more letters (so a typo
  such as "Msterials" still reaches "Materials"),
* the compact key (the name without spaces or legal forms).

A query collects the variants that share keys with it, ranks them by the
summed weight of the shared keys, and only the best ``candidates`` variants
are scored with the full alignment. Token weights (inverse document
frequency over entries, times a role factor) are computed here because they
depend on the indexed lists.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from dualuse.matching.analyze import NameVariant, Token, analyze
from dualuse.matching.vocabulary import vocabulary
from dualuse.matching.text import fold_cjk, is_han, is_kana
from dualuse.models.reference import ListEntry, NameForm

# Role factors applied to a token's inverse document frequency. Sources: the
# matching design in docs/architecture.md; calibrated on names_dev.
ROLE_FACTORS = {
    "normal": 1.0,
    "generic": 0.15,
    "country_lead": 0.15,
    "country": 1.0,
    "qualifier": 1.3,
}
# Minimum weights: words that mark a different organisation of a group weigh
# at least like an ordinary word; generic words never vanish entirely.
ROLE_FLOORS = {"country": 2.5, "qualifier": 2.5, "generic": 1.0, "country_lead": 1.0}
# Han characters carry less information one by one than whole words.
HAN_FACTOR = 0.6


@dataclass(frozen=True, slots=True)
class IndexedVariant:
    """One analysed variant of one name form of one entry."""

    entry_index: int
    form: NameForm
    variant: NameVariant


def learn_aliases(entries: Iterable[ListEntry]) -> dict[str, tuple[str, ...]]:
    """Cross-script aliases learnt from the entries' own name forms.

    When one entry is written both as a short Latin name (one word of two
    to eight letters: ``NEC``, ``SUBARU``, ``ENEOS``, ``MHI``) and as a short
    Chinese/Japanese name (two to six characters: 日本电气, 斯巴鲁, 引能仕,
    三菱重工), the CJK name becomes a term for the Latin word, so that
    "NEC网络传感器" and "日本电气网络传感器" compare. A CJK name claimed by two
    different Latin names is ambiguous and dropped.

    Returns:
        folded CJK name -> Latin word as written (``日本电气`` -> ``NEC``).
    """
    base = vocabulary()
    claims: dict[str, set[str]] = defaultdict(set)
    for entry in entries:
        shorts: set[str] = set()
        cores: set[str] = set()
        for form in entry.names:
            for variant in analyze(form.value, base):
                if variant.truncated:
                    continue
                tokens = variant.tokens
                if (
                    variant.mode == "concept"
                    and len(tokens) == 1
                    and tokens[0].kind == "word"
                    and not tokens[0].concept
                    and tokens[0].role == "normal"
                    and 2 <= len(tokens[0].text) <= 8
                ):
                    shorts.add(tokens[0].surface.upper() if len(tokens[0].surface) <= 5 else tokens[0].surface.title())
                if variant.mode == "raw" and 2 <= len(variant.compact) <= 6 and all(
                    is_han(ch) or is_kana(ch) for ch in variant.compact
                ):
                    cores.add(variant.compact)
        for core in cores:
            claims[core].update(shorts)
    return {core: next(iter(shorts)) for core, shorts in claims.items() if len(shorts) == 1 and core not in base.cjk_terms}


def derived_forms(entry: ListEntry, aliases: dict[str, str]) -> list[NameForm]:
    """Extra name forms with a learnt CJK alias replaced by its Latin name.

    "日本电气网络传感器株式会社" with the alias 日本电气 = NEC gives
    "NEC网络传感器株式会社", the way invoices often write it. Only a core that is
    part of a longer name is replaced (the whole-name case is the entry's
    own Latin form); the longest core wins.
    """
    derived: list[NameForm] = []
    seen = {form.value for form in entry.names}
    for form in entry.names:
        folded = fold_cjk(form.value)
        for core in sorted((c for c in aliases if c in folded and c != folded), key=len, reverse=True):
            value = folded.replace(core, aliases[core], 1)
            if value not in seen and not any(c in value for c in aliases if len(c) > len(core)):
                seen.add(value)
                derived.append(NameForm(value=value, lang="und", kind="alias", source=f"derived: {core} = {aliases[core]}"))
            break
    return derived


def _trigrams(text: str) -> list[str]:
    padded = f"^{text}$"
    return [padded[i : i + 3] for i in range(len(padded) - 2)]


def _keys(variant: NameVariant) -> set[str]:
    keys: set[str] = set()
    for token in variant.tokens:
        keys.add(token.text)
        keys.add("~" + token.loose)
        if token.kind == "word" and len(token.loose) >= 4:
            keys.update("#" + g for g in _trigrams(token.loose))
    if variant.compact:
        keys.add("=" + variant.compact)
    return keys


class NameIndex:
    """An index of list entries by name.

    Args:
        entries: the entries to index (any lists).

    Attributes:
        entries: the indexed entries, in input order.
        variants: every indexed variant.
    """

    def __init__(self, entries: Iterable[ListEntry]):
        self.entries: list[ListEntry] = list(entries)
        self.aliases = learn_aliases(self.entries)
        self.variants: list[IndexedVariant] = []
        self._postings: dict[str, list[int]] = defaultdict(list)
        document_frequency: dict[str, int] = defaultdict(int)
        for entry_index, entry in enumerate(self.entries):
            seen_tokens: set[str] = set()
            for form in [*entry.names, *derived_forms(entry, self.aliases)]:
                for variant in analyze(form.value):
                    variant_id = len(self.variants)
                    self.variants.append(IndexedVariant(entry_index, form, variant))
                    for key in _keys(variant):
                        self._postings[key].append(variant_id)
                    seen_tokens.update(t.text for t in variant.tokens)
            for text in seen_tokens:
                document_frequency[text] += 1
        self.ambiguous_compacts = self._ambiguous_compacts()
        n = max(len(self.entries), 1)
        self._idf = {text: math.log(1.0 + n / df) for text, df in document_frequency.items()}
        self._max_idf = math.log(1.0 + n)
        self._key_weight = {
            key: math.log(1.0 + len(self.variants) / len(postings)) for key, postings in self._postings.items()
        }

    def _ambiguous_compacts(self) -> frozenset[str]:
        """Compact keys of name forms shared by entries of different organisations.

        Entries are the same organisation when their primary names are the
        same apart from spacing, punctuation and legal form (one company on
        two lists: "Skydio, Inc." and "Skydio Inc.") or are linked by ``same_as``.
        """
        organisation: dict[str, str] = {}
        for entry in self.entries:
            variants = analyze(entry.name)
            organisation[entry.id] = variants[0].compact if variants else entry.id
        for entry in self.entries:  # twins share the key of their legal-list partner
            for relation in entry.relations:
                if relation.relation == "same_as" and relation.target_id in organisation:
                    organisation[entry.id] = organisation[relation.target_id] = min(
                        organisation[entry.id], organisation[relation.target_id]
                    )
        owners: dict[str, set[str]] = defaultdict(set)
        for indexed in self.variants:
            if indexed.variant.compact and not indexed.variant.truncated:
                owners[indexed.variant.compact].add(organisation[self.entries[indexed.entry_index].id])
        return frozenset(compact for compact, orgs in owners.items() if len(orgs) > 1)

    def weight(self, token: Token, short_name: bool = False) -> float:
        """Weight of ``token``: IDF over entries (unseen tokens get the maximum) times its role factor.

        Args:
            token: the token.
            short_name: True when the token's name has at most one
                distinguishing token; its generic words then weigh fully
                ("Kowa" vs "Kowa Kogyo" differ by more than "Mitsubishi
                Heavy" vs "Mitsubishi Heavy Industries").
        """
        idf = self._idf.get(token.text, self._max_idf)
        if token.kind == "han":
            idf *= HAN_FACTOR
        role = "normal" if short_name and token.role == "generic" else token.role
        value = idf * ROLE_FACTORS.get(role, 1.0)
        return max(value, ROLE_FLOORS.get(token.role, 0.0))

    def candidates(self, variants: Iterable[NameVariant], limit: int = 80) -> list[int]:
        """Ids of the indexed variants most likely to match, best first.

        Args:
            variants: the analysed query variants.
            limit: how many variant ids to return at most.
        """
        scores: dict[int, float] = defaultdict(float)
        for variant in variants:
            for key in _keys(variant):
                postings = self._postings.get(key)
                if not postings or len(postings) > 5000:
                    continue
                weight = self._key_weight[key] * (0.3 if key.startswith("#") else 1.0)
                for variant_id in postings:
                    scores[variant_id] += weight
        ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
        return [variant_id for variant_id, _ in ranked[:limit]]
