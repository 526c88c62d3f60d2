"""Messages in Chinese, English and Japanese: one API for the command line and the web application.

English is the source language: every message is written in English in the
code and translated through gettext catalogues shipped with the package
(``dualuse/i18n/locale/{zh,ja}/LC_MESSAGES/dualuse.po`` and the compiled
``.mo``; ``python -m dualuse.i18n.catalogue compile`` rebuilds the ``.mo``
files with Babel, and a test checks they match the ``.po`` files).

    from dualuse.i18n import _, using, current
    with using("ja"):
        _("Screening decisions")            # -> "審査結果"
        _("{n} shipment(s)").format(n=3)    # placeholders stay in the msgid
    localise_citation("MOFCOM Announcement 2026 No. 11", "zh")  # -> 商务部公告2026年第11号

The language in effect is a context variable (so a web request can use its
own): :func:`set_language` sets it for the current context, :func:`using`
for a block. Its default comes from :func:`detect`: ``$DUALUSE_LANG``, then
the POSIX locale variables (``LC_ALL``, ``LC_MESSAGES``, ``LANG``,
``LANGUAGE``); ``zh*`` -> Chinese, ``ja*`` -> Japanese, anything else ->
English.

:func:`translate` also translates texts made from a template: a msgid with
``{name}`` fields is matched against the whole text, and the fields are
carried over (``"The list data is as of 2026-08-05; ..."`` is translated
through the msgid ``"The list data is as of {data_date}; ..."``). That is how
warnings and input errors written by other modules are shown in the user's
language without those modules knowing about languages; a text no msgid
matches is shown as written (in English), never dropped.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import gettext as _gettext
import os
import re
from collections.abc import Iterator, Mapping
from pathlib import Path

from dualuse.i18n.citations import localise_citation

LANGUAGES: tuple[str, ...] = ("en", "zh", "ja")
DOMAIN = "dualuse"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
LANGUAGE_NAMES = {"en": "English", "zh": "中文", "ja": "日本語"}

_current: contextvars.ContextVar[str | None] = contextvars.ContextVar("dualuse_language", default=None)


class LanguageError(ValueError):
    """A language code that is not one of :data:`LANGUAGES`."""


def normalise(code: str | None) -> str | None:
    """``zh_CN.UTF-8``, ``zh-Hant``, ``ZH`` -> ``zh``; ``ja_JP`` -> ``ja``; ``en_GB`` -> ``en``; else None."""
    if not code:
        return None
    base = re.split(r"[_.\-@:]", code.strip().lower(), maxsplit=1)[0]
    return base if base in LANGUAGES else None


def detect(environ: Mapping[str, str] | None = None) -> str:
    """The user's language from the environment (see module docstring); ``en`` when nothing says otherwise."""
    environ = os.environ if environ is None else environ
    explicit = environ.get("DUALUSE_LANG")
    if explicit and normalise(explicit):
        return normalise(explicit)  # type: ignore[return-value]
    for name in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        value = environ.get(name)
        if not value:
            continue
        for code in value.split(":"):  # LANGUAGE is a priority list
            found = normalise(code)
            if found:
                return found
        if name != "LANGUAGE":  # a set variable that names another language (C.UTF-8, de_DE) decides: English
            return "en"
    return "en"


def check_language(code: str) -> str:
    """``code`` normalised to one of :data:`LANGUAGES`.

    Raises:
        LanguageError: any other code (the message lists the choices).
    """
    found = normalise(code)
    if found is None:
        raise LanguageError(f"language {code!r}: expected one of {', '.join(LANGUAGES)}")
    return found


def current() -> str:
    """The language in effect (set by :func:`set_language`/:func:`using`, else :func:`detect`)."""
    return _current.get() or detect()


def set_language(code: str) -> str:
    """Make ``code`` the language of the current context; returns it normalised.

    Raises:
        LanguageError: not one of :data:`LANGUAGES`.
    """
    lang = check_language(code)
    _current.set(lang)
    return lang


@contextlib.contextmanager
def using(code: str) -> Iterator[str]:
    """Use ``code`` inside the ``with`` block, then restore the previous language."""
    token = _current.set(check_language(code))
    try:
        yield _current.get()  # type: ignore[misc]
    finally:
        _current.reset(token)


@functools.lru_cache(maxsize=None)
def translations(lang: str) -> _gettext.NullTranslations:
    """The compiled catalogue of ``lang`` (an empty one for English or a missing catalogue)."""
    if lang == "en":
        return _gettext.NullTranslations()
    return _gettext.translation(DOMAIN, localedir=str(LOCALE_DIR), languages=[lang], fallback=True)


def gettext(message: str, lang: str | None = None) -> str:
    """``message`` (an English msgid) in ``lang`` (default: :func:`current`); the msgid when untranslated."""
    return translations(lang or current()).gettext(message)


def ngettext(singular: str, plural: str, n: int, lang: str | None = None) -> str:
    """The singular or plural form for ``n``, translated (Chinese and Japanese have one form)."""
    return translations(lang or current()).ngettext(singular, plural, n)


_ = gettext


def N_(message: str) -> str:
    """Mark ``message`` for extraction without translating it now (translated where it is shown)."""
    return message


# --- texts made from templates -----------------------------------------------------------

_FIELD = re.compile(r"\{(\w+)\}")


@functools.lru_cache(maxsize=None)
def _templates(lang: str) -> tuple[tuple[re.Pattern[str], str, bool], ...]:
    """The catalogue's msgids that have ``{field}`` placeholders, as patterns anchored at the text's start.

    Each item is ``(pattern, msgstr, ends_in_text)``; a template that ends in
    literal text may match a prefix of a longer text (a rule's explanation
    followed by a review note).
    """
    catalog = getattr(translations(lang), "_catalog", {})
    out = []
    for msgid, msgstr in catalog.items():
        if not isinstance(msgid, str) or "{" not in msgid or not msgstr or not _FIELD.search(msgid):
            continue
        pieces = _FIELD.split(msgid)
        seen: set[str] = set()
        pattern = ""
        for i, piece in enumerate(pieces):
            if i % 2 == 0:
                pattern += re.escape(piece)
            elif piece in seen:
                pattern += f"(?P={piece})"
            else:
                seen.add(piece)
                pattern += f"(?P<{piece}>.+?)"
        out.append((re.compile(pattern, re.DOTALL), msgstr, bool(pieces[-1]), len(_FIELD.sub("", msgid))))
    # the most specific (longest literal text) template first
    out.sort(key=lambda item: -item[3])
    return tuple((pattern, msgstr, tail) for pattern, msgstr, tail, _length in out)


def _field(value: str, lang: str, depth: int) -> str:
    """A captured field value, translated in turn (a role, a citation, a nested template)."""
    translated = translate(value, lang, depth + 1)
    return translated if translated != value else localise_citation(value, lang)


def translate(text: str, lang: str | None = None, depth: int = 0) -> str:
    """``text`` in ``lang``: an exact msgid, else a ``{field}`` template that matches it, else ``text``.

    A template matches the whole text, or - when it ends in literal text -
    its beginning, the rest being translated the same way (a rule's
    explanation followed by a review note). Field values are translated too
    (roles, citations, nested templates). Nothing is dropped: what no
    catalogue entry covers stays in English.
    """
    lang = lang or current()
    if lang == "en" or not text or depth > 4:
        return text
    exact = translations(lang).gettext(text)
    if exact != text:
        return exact
    for whole in (True, False):
        for pattern, msgstr, ends_in_text in _templates(lang):
            if not whole and not ends_in_text:
                continue
            match = pattern.fullmatch(text) if whole else pattern.match(text)
            if match is None:
                continue
            values = {name: _field(value, lang, depth) for name, value in match.groupdict().items()}
            try:
                head = msgstr.format(**values)
            except (KeyError, IndexError, ValueError):
                continue
            rest = text[match.end():]
            return head + (translate(rest, lang, depth + 1) if rest else "")
    return text


def reason_text(reason, lang: str | None = None) -> str:
    """A reason's explanation in ``lang``: ``text_zh`` for Chinese, ``text_ja`` (when the rule has one) for Japanese, else ``text_en``."""
    lang = lang or current()
    if lang == "zh" and getattr(reason, "text_zh", ""):
        return reason.text_zh
    if lang == "ja":
        text_ja = getattr(reason, "text_ja", None)
        if text_ja:
            return text_ja
        return translate(reason.text_en, "ja")
    return reason.text_en


def citation(text: str, lang: str | None = None) -> str:
    """A legal citation as written in ``lang`` (see :mod:`dualuse.i18n.citations`)."""
    return localise_citation(text, lang or current())


__all__ = [
    "LANGUAGES",
    "LanguageError",
    "N_",
    "_",
    "check_language",
    "citation",
    "current",
    "detect",
    "gettext",
    "localise_citation",
    "ngettext",
    "normalise",
    "reason_text",
    "set_language",
    "translate",
    "using",
]
