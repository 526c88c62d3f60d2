"""The alias layer: cross-script aliases learnt from the lists' own name forms.

When one organisation is written both as a short Latin name (one word of two
to eight letters: ``NEC``, ``SUBARU``, ``ENEOS``, ``MHI``) and as a short
Chinese/Japanese name (two to six characters: 日本电气, 斯巴鲁, 引能仕, 三菱重工),
the CJK name is an alias of the Latin word. Other entries whose Chinese or
Japanese names contain that CJK name get an extra, derived form with the
Latin word in its place ("日本电气网络传感器" -> "NEC网络传感器"), the way
invoices often write them. A CJK name claimed by two different Latin names
is ambiguous and not used.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from dualuse.matching.analyze import analyze
from dualuse.matching.records import NameRecord
from dualuse.matching.text import is_han, is_kana
from dualuse.matching.vocabulary import vocabulary
from dualuse.matching.text import fold_characters, nfkc


def learn_aliases(records: Iterable[NameRecord]) -> dict[str, str]:
    """Learn CJK name -> Latin word aliases from records that carry both.

    Returns:
        folded CJK name -> the Latin word as written (``日本电气`` -> ``NEC``).
    """
    base = vocabulary()
    claims: dict[str, set[str]] = defaultdict(set)
    for record in records:
        if not any(is_han(ch) or is_kana(ch) for value, _ in record.forms for ch in value):
            continue  # nothing to learn from a record without CJK names
        shorts: set[str] = set()
        cores: set[str] = set()
        for value, _ in record.forms:
            for variant in analyze(value):
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
                    surface = tokens[0].surface
                    shorts.add(surface.upper() if len(surface) <= 5 else surface.title())
                if variant.mode == "raw" and 2 <= len(variant.compact) <= 6 and all(
                    is_han(ch) or is_kana(ch) for ch in variant.compact
                ):
                    cores.add(variant.compact)
        for core in cores:
            claims[core].update(shorts)
    return {core: next(iter(s)) for core, s in claims.items() if len(s) == 1 and core not in base.cjk_terms}


def derived_forms(record: NameRecord, aliases: dict[str, str]) -> tuple[tuple[str, str], ...]:
    """Extra ``(value, "alias")`` forms with a learnt alias replaced by its Latin word.

    Only a core that is part of a longer name is replaced (the whole-name
    case is the record's own Latin form); the longest core wins.
    """
    if not aliases:
        return ()
    folds = vocabulary().folds
    derived: list[tuple[str, str]] = []
    seen = {value for value, _ in record.forms}
    for value, _ in record.forms:
        if not any(is_han(ch) for ch in value):
            continue
        folded = fold_characters(nfkc(value).casefold(), folds)
        for core in sorted((c for c in aliases if c in folded and c != folded), key=len, reverse=True):
            replaced = folded.replace(core, aliases[core], 1)
            if replaced not in seen and not any(c in replaced for c in aliases if len(c) > len(core)):
                seen.add(replaced)
                derived.append((replaced, "alias"))
            break
    return tuple(derived)
