"""Generated readings: romaji of Japanese names, pinyin of Chinese names.

Invoices and bank messages often write a Japanese company in romaji
("Mitsubishi Juko Koku Enjin") and a Chinese one in pinyin ("Hanxiang Hangkong
Gongye"). For every Japanese-script form (official Japanese name, kana) of a
Japanese entry the build adds its Hepburn romaji - once as read
("Mitsubishi juukou koukuu enjin") and once with loanwords in their English
spelling ("... koukuu engine") - and for every Chinese form of a MOFCOM list
entry its pinyin. The forms are marked ``generated`` in their source so a
reviewer sees where they come from.

Tools: cutlet (MIT) with fugashi and unidic-lite for Japanese readings,
pypinyin (MIT) for Mandarin readings.
"""

from __future__ import annotations

from functools import lru_cache

from dualuse.models.reference import ListEntry, NameForm

JAPANESE_KINDS = {"official_ja", "kana"}
CHINESE_KINDS = {"annex_zh", "zh_variant", "local"}
_KANA = range(0x3040, 0x3100)


@lru_cache(maxsize=1)
def _cutlets():
    import cutlet

    as_read = cutlet.Cutlet()
    as_read.use_foreign_spelling = False
    foreign = cutlet.Cutlet()
    return as_read, foreign


def romaji(value: str) -> list[str]:
    """Hepburn readings of a Japanese name: as read, and with loanwords in English spelling (if different)."""
    as_read, foreign = _cutlets()
    readings = [as_read.romaji(value)]
    with_foreign = foreign.romaji(value)
    if with_foreign.casefold() != readings[0].casefold():
        readings.append(with_foreign)
    return [r for r in readings if r.strip()]


def pinyin(value: str) -> str:
    """Mandarin reading of a Chinese name without its legal form, one syllable per character, Latin parts kept."""
    from pypinyin import lazy_pinyin

    from dualuse.matching.vocabulary import vocabulary
    from dualuse.text.fold import fold_cjk

    core = fold_cjk(value)
    for form in vocabulary().cjk_legal_forms:
        core = core.replace(form, " ")
    return " ".join(part.strip() for part in lazy_pinyin(core) if part.strip())


def _is_japanese_entry(entry: ListEntry) -> bool:
    return entry.list in ("JP-MIL", "JP-DEF") or "JP" in entry.countries


def add_readings(entries: list[ListEntry]) -> int:
    """Add generated romaji and pinyin forms to ``entries`` in place.

    Returns:
        The number of forms added.
    """
    added = 0
    for entry in entries:
        known = {form.value.casefold() for form in entry.names}
        new: list[NameForm] = []
        for form in entry.names:
            if form.kind in JAPANESE_KINDS and _is_japanese_entry(entry):
                for reading in romaji(form.value):
                    if reading.casefold() not in known:
                        known.add(reading.casefold())
                        new.append(NameForm(value=reading, lang="ja-Latn", kind="romaji", source=f"generated: cutlet romaji of {form.value}"))
            elif form.kind in CHINESE_KINDS and entry.list.startswith("CN-") and not any(ord(ch) in _KANA for ch in form.value):
                reading = pinyin(form.value)
                if reading and reading.casefold() not in known:
                    known.add(reading.casefold())
                    new.append(NameForm(value=reading, lang="zh-Latn", kind="pinyin", source=f"generated: pypinyin of {form.value}"))
        entry.names.extend(new)
        added += len(new)
    return added
