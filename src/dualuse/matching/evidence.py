"""Evidence beyond the name: country and legal form, and names too generic to identify.

A name that matches a list entry is not yet that entry when other facts
say it is another one. Each check returns a caveat (a sentence for the
explanation) or ``None``; a result with a caveat is at most ``possible``:

* **country**: the party's stated country is not one of the entry's
  countries (the Iranian or Russian ministry of defence is not Japan's);
* **legal form**: the name carries a legal form of another country's law
  than the entry's (a German GmbH is not the Japanese 株式会社), or a legal
  form of another kind than the entry's in one legal system (Deutsche Bank
  AG is not Deutsche Bank GmbH) - table ``classes`` in ``legal_forms.yaml``;
* **generic government body**: the name consists only of the words that
  governments everywhere give their bodies ("Ministry of Defense", 国防大学)
  and neither a country word in it nor the stated country is the entry's.

Legal sources: none (these are rules of evidence, not of law). The word
lists are data in ``terms.yaml`` and ``legal_forms.yaml``.
"""

from __future__ import annotations

from collections.abc import Iterable

from dualuse.matching.analyze import NameVariant
from dualuse.matching.vocabulary import Vocabulary, vocabulary
from dualuse.models.reference import ListEntry

_COUNTRY_ROLES = frozenset({"country", "country_lead"})


def country_conflict(country: str | None, entry: ListEntry) -> str | None:
    """Caveat when the stated ``country`` (ISO alpha-2) is not one of the entry's countries."""
    if not country or not entry.countries or country.upper() in entry.countries:
        return None
    return f"the party's country {country.upper()} is not the entry's ({', '.join(entry.countries)})"


def _classes(forms: Iterable[str], vocab: Vocabulary) -> list[tuple[str, str, frozenset[str]]]:
    found = []
    for form in forms:
        key = form.replace(" ", "")
        if key in vocab.legal_form_classes:
            kind, countries = vocab.legal_form_classes[key]
            found.append((form, kind, countries))
    return found


def legal_form_conflict(query: NameVariant, entry_variant: NameVariant, entry: ListEntry, vocab: Vocabulary | None = None) -> str | None:
    """Caveat when the query's legal form belongs to another country's law, or is another kind than the entry's."""
    vocab = vocab or vocabulary()
    mine = _classes(query.legal_forms, vocab)
    if not mine:
        return None
    for form, _, countries in mine:
        if countries and entry.countries and not countries & set(entry.countries):
            return f"the legal form “{form}” is one of {', '.join(sorted(countries))} law; the entry is of {', '.join(entry.countries)}"
    theirs = _classes(entry_variant.legal_forms, vocab)
    their_kinds = {kind for _, kind, _ in theirs}
    for form, kind, countries in mine:
        if kind in their_kinds:
            continue  # the entry's name has this kind of legal form too ("X AG Fund I L.P.")
        for other, other_kind, other_countries in theirs:
            same_system = not countries or not other_countries or bool(countries & other_countries)
            if kind != other_kind and same_system:
                return f"the legal form “{form}” ({kind}) is another kind of entity than the entry's “{other}” ({other_kind})"
    return None


def _segments_into(text: str, words: tuple[str, ...]) -> bool:
    """True when ``text`` is a sequence of ``words`` (greedy, longest first)."""
    i = 0
    while i < len(text):
        for word in words:
            if text.startswith(word, i):
                i += len(word)
                break
        else:
            return False
    return True


def is_generic_body(variant: NameVariant, vocab: Vocabulary | None = None) -> bool:
    """True when every word of the name is a word of generic government-body names (country words aside)."""
    vocab = vocab or vocabulary()
    han_run: list[str] = []
    words = 0
    for token in (*variant.tokens, None):
        if token is not None and token.kind == "han":
            han_run.append(token.surface)
            continue
        if han_run:
            if not _segments_into("".join(han_run), vocab.government_cjk):
                return False
            words += 1
            han_run = []
        if token is None:
            break
        if token.role in _COUNTRY_ROLES:
            continue
        if token.concept:
            if not _segments_into(token.surface, vocab.government_cjk):
                return False
        elif token.kind != "word" or token.text not in vocab.government_latin:
            return False
        words += 1
    return words > 0


def generic_body_without_country(query: NameVariant, country: str | None, entry: ListEntry, vocab: Vocabulary | None = None) -> str | None:
    """Caveat when a generic government-body name is matched without the entry's country in the name or the party."""
    vocab = vocab or vocabulary()
    if not entry.countries or not is_generic_body(query, vocab):
        return None
    named = {token.text.upper() for token in query.tokens if token.role in _COUNTRY_ROLES}
    if named & set(entry.countries) or (country and country.upper() in entry.countries):
        return None
    return f"“{query.text}” is what governments everywhere call such a body; without the country ({', '.join(entry.countries)}) it does not identify the entry"
