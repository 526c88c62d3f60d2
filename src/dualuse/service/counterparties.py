"""Stored counterparties and the blocking keys that find them again after a list update.

Every party of every screened shipment is kept once per counterparty key
(:func:`dualuse.decision.overrides.counterparty_key`: normalised name and
country). With it go its *blocking keys*, computed from the matcher's own name
analysis (:func:`dualuse.matching.analyze.analyze`): for every token its
text and loose key (``mitsubishi``, ``~mitsubisi``), trigrams of Latin
words of four letters or more and of katakana runs (``#mit``: typos), short words as possible
abbreviations (``^eng``) and acronyms (``@mhi``), and the compact key of
each variant (``=mitsubishiheavy``). A list update then finds the
counterparties that could match a changed entry by comparing keys, without
running the matcher over every stored name (see :mod:`dualuse.service.rescreen`).

Keys are stored with :data:`KEYS_VERSION`, a hash of the matching package's
code and vocabularies: when matching changes, stale keys are recomputed.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from importlib import resources

from sqlalchemy import select
from sqlalchemy.orm import Session

from dualuse.decision.overrides import counterparty_key
from dualuse.matching.analyze import analyze
from dualuse.storage.models import Counterparty

KEY_SEPARATOR = "\n"
ACRONYM_MIN, ACRONYM_MAX = 2, 6
ABBREVIATION_MIN, ABBREVIATION_MAX = 3, 5
TRIGRAM_MIN = 4
KANA_TRIGRAM_MIN = 3
KEY_SCHEME = b"blocking-keys-v3"


def trigrams(text: str) -> list[str]:
    """Character trigrams of ``^text$``."""
    padded = f"^{text}$"
    return [padded[i : i + 3] for i in range(len(padded) - 2)]


@lru_cache(maxsize=1)
def keys_version() -> str:
    """16 hex digits of sha256 over the matching package's files (code and YAML) and this module's scheme."""
    digest = hashlib.sha256(KEY_SCHEME)
    root = resources.files("dualuse.matching")
    for item in sorted(root.iterdir(), key=lambda p: p.name):
        if item.name.endswith((".py", ".yaml")) and item.is_file():
            digest.update(item.name.encode())
            digest.update(item.read_bytes())
    return digest.hexdigest()[:16]


def blocking_keys(name: str) -> set[str]:
    """The blocking keys of a stored name (see the module docstring).

    Returns:
        A set of strings (``mitsubishi``, ``~mitsubisi``, ``#mit``, ``=mitsubishiheavy``, ``@mhi``, ``^eng`` ...).
    """
    keys: set[str] = set()
    for variant in analyze(name):
        if variant.compact:
            keys.add("=" + variant.compact)
        for token in variant.tokens:
            keys.add(token.text)
            keys.add("~" + token.loose)
            if token.kind == "kana" and len(token.loose) >= KANA_TRIGRAM_MIN:
                keys.update("#" + g for g in trigrams(token.loose))
            if token.kind != "word":
                continue
            if len(token.loose) >= TRIGRAM_MIN:
                keys.update("#" + g for g in trigrams(token.loose))
            if token.text.isalpha():
                if ACRONYM_MIN <= len(token.text) <= ACRONYM_MAX:
                    keys.add("@" + token.text)
                if ABBREVIATION_MIN <= len(token.text) <= ABBREVIATION_MAX:
                    keys.add("^" + token.text)
    return keys


def key_hash(key: str) -> str:
    """sha256 hex of a counterparty key (the unique column)."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def upsert(session: Session, name: str, country: str | None, seen_at: str, cache: dict[str, Counterparty] | None = None) -> Counterparty:
    """The stored counterparty for a party, created on first sight; ``last_seen`` updated.

    Args:
        session: a write session.
        name, country: the party as written.
        seen_at: timestamp (see :func:`dualuse.storage.chain.utc_now`).
        cache: optional per-transaction cache ``{key hash: row}``.
    """
    key = counterparty_key(name, country)
    digest = key_hash(key)
    row = cache.get(digest) if cache is not None else None
    if row is None:
        row = session.scalar(select(Counterparty).where(Counterparty.key_hash == digest))
    if row is None:
        row = Counterparty(
            key_hash=digest,
            key=key,
            name=name,
            country=country,
            keys=KEY_SEPARATOR.join(sorted(blocking_keys(name))),
            keys_version=keys_version(),
            first_seen=seen_at,
            last_seen=seen_at,
        )
        session.add(row)
        session.flush()
    else:
        row.last_seen = seen_at
        if row.keys_version != keys_version():
            row.keys = KEY_SEPARATOR.join(sorted(blocking_keys(row.name)))
            row.keys_version = keys_version()
    if cache is not None:
        cache[digest] = row
    return row
