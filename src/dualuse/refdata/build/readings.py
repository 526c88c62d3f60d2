"""Generated readings: romaji of Japanese names, pinyin of Chinese names.

Invoices and bank messages often write a Japanese company in romaji
("Mitsubishi Juko Koku Enjin") and a Chinese one in pinyin ("Hanxiang Hangkong
Gongye"). For every Japanese entry with a curated kana reading the build adds
the Hepburn romaji of its official Japanese name - once as read
("Mitsubishi juukou koukuu enjin") and once with loanwords in their English
spelling ("... koukuu engine") - when that reading spells the kana reading;
otherwise (cutlet misread a word) the kana reading itself, romanised one
script run at a time. A generated reading is correct or not added: entries
without a kana reading get none, and kana is never split into words by
cutlet (it splits みつびしじゅうこう as "Mitsubi shijuu kou"). For every
Chinese form of a MOFCOM list entry the build adds its pinyin. The forms are
marked ``generated`` in their source so a reviewer sees where they come from.

Tools: cutlet (MIT) with fugashi and unidic-lite for Japanese readings,
pypinyin (MIT) for Mandarin readings (:mod:`dualuse.matching.readings`).
"""

from __future__ import annotations

from dualuse.matching import readings
from dualuse.models.reference import ListEntry, NameForm

JAPANESE_KINDS = {"official_ja", "kana"}
CHINESE_KINDS = {"annex_zh", "zh_variant", "local"}
_KANA = range(0x3040, 0x3100)


# cutlet's romanisation of the Japanese legal forms, left out of the comparison with the kana reading
ROMAJI_LEGAL_FORMS = ("kabushiki kaisha", "kabushikigaisha", "yuugen kaisha", "goudou kaisha", "doku ritsu gyousei houjin")


def romaji(value: str) -> list[str]:
    """Hepburn readings of a Japanese name: as read, and with loanwords in English spelling (if different)."""
    return list(readings.romaji(value))


def pinyin(value: str) -> str:
    """Mandarin reading of a Chinese name without its legal form, one syllable per character, Latin parts kept."""
    from dualuse.matching.vocabulary import vocabulary
    from dualuse.text.fold import fold_cjk

    core = fold_cjk(value)
    for form in vocabulary().cjk_legal_forms:
        core = core.replace(form, " ")
    return readings.pinyin(core)


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
        kana = next((form.value for form in entry.names if form.kind == "kana"), None)
        japanese = _is_japanese_entry(entry)
        for form in entry.names:
            if form.kind == "official_ja" and japanese:
                for reading in readings.checked_romaji(form.value, kana, ROMAJI_LEGAL_FORMS):
                    if reading.casefold() not in known:
                        known.add(reading.casefold())
                        source = f"generated: cutlet romaji of {form.value}, checked against the kana reading {kana}"
                        new.append(NameForm(value=reading, lang="ja-Latn", kind="romaji", source=source))
            elif form.kind in CHINESE_KINDS and entry.list.startswith("CN-") and not any(ord(ch) in _KANA for ch in form.value):
                reading = pinyin(form.value)
                if reading and reading.casefold() not in known:
                    known.add(reading.casefold())
                    new.append(NameForm(value=reading, lang="zh-Latn", kind="pinyin", source=f"generated: pypinyin of {form.value}"))
        if kana and not any(form.kind == "official_ja" for form in entry.names) and japanese:
            reading = readings.kana_reading(kana)
            if reading and reading.casefold() not in known:
                new.append(NameForm(value=reading, lang="ja-Latn", kind="romaji", source=f"generated: Hepburn of the kana reading {kana}"))
        entry.names.extend(new)
        added += len(new)
    return added
