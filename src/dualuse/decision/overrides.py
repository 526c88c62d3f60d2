"""Reviewer overrides of list hits: whitelisted false positives and confirmed matches.

A reviewer who decides that a party is *not* a list entry (a false positive)
can have that remembered for the counterparty and the entry; a reviewer who
confirms a possible match turns it into a certain one. Both are keyed by

    (counterparty key, entry id, entry fingerprint)

so an override lapses by itself when the entry changes: a new name form, a
new announcement, a new effective date or a status change gives the entry a
new fingerprint and the key no longer applies.

* :func:`counterparty_key`  the normalised name and country of a party.
* :func:`entry_fingerprint` a hash of what identifies a list entry and its
  listing (names, list, legal source, dates, status intervals, countries,
  addresses), not of provenance or notes.
* :class:`HitOverrides`     what :meth:`dualuse.decision.screen.Screener.screen`
  applies to the matches of each party before the rules run.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace

from dualuse.models.reference import ListEntry

OverrideKey = tuple[str, str, str]  # (counterparty key, entry id, entry fingerprint)

_SPACES = re.compile(r"\s+")


def normalise_name(name: str) -> str:
    """NFKC, case-folded, punctuation as space, whitespace collapsed: ``" ＴＤＫ  Corp., Ltd."`` -> ``"tdk corp ltd"``."""
    text = unicodedata.normalize("NFKC", name).casefold()
    text = "".join(" " if unicodedata.category(ch).startswith("P") else ch for ch in text)
    return _SPACES.sub(" ", text).strip()


def counterparty_key(name: str, country: str | None) -> str:
    """The identity of a counterparty for whitelisting and re-screening.

    Args:
        name: the party name as written (any script).
        country: ISO alpha-2 code or ``None``.

    Returns:
        ``"<COUNTRY or empty>|<normalised name>"``, e.g. ``"JP|tdk株式会社"``.
    """
    return f"{(country or '').upper()}|{normalise_name(name)}"


def entry_fingerprint(entry: ListEntry) -> str:
    """sha256 (hex) over the fields that identify a list entry and its listing.

    Covered: list, schema, primary name, every name form's value, countries,
    addresses, the legal source's citation and URL, published and effective
    dates, status intervals (status, start, end), category and military-user
    flag. Not covered: provenance, notes, confidence, relations (they do not
    change who is listed or how).
    """
    body = {
        "list": entry.list,
        "schema": entry.schema_,
        "name": entry.name,
        "names": sorted({form.value for form in entry.names}),
        "countries": sorted(entry.countries),
        "addresses": sorted(entry.addresses),
        "citation": entry.legal_source.citation,
        "url": entry.legal_source.url,
        "published": entry.published.isoformat(),
        "effective": entry.effective.isoformat() if entry.effective else None,
        "status": [
            [iv.status, iv.start.isoformat(), iv.end.isoformat() if iv.end else None]
            for iv in sorted(entry.status_intervals, key=lambda iv: (iv.start, iv.status))
        ],
        "category": entry.category,
        "military_user": entry.military_user,
    }
    text = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class AppliedOverride:
    """One override applied during a screening.

    Attributes:
        action: ``suppressed`` (hit dropped) or ``confirmed`` (possible -> match).
        role, index: the party's role and index on the shipment.
        party_name: the party name as written.
        entry_id: the list entry concerned.
        fingerprint: the entry's fingerprint when the override applied.
        label: where the override comes from, e.g. ``whitelist #3`` or ``alert #12``.
    """

    action: str
    role: str
    index: int
    party_name: str
    entry_id: str
    fingerprint: str
    label: str

    def note(self) -> str:
        """A one-line warning text for the decision."""
        what = "not counted (reviewed false positive)" if self.action == "suppressed" else "counted as a match (confirmed by a reviewer)"
        return f"Hit of {self.role} \u201c{self.party_name}\u201d on {self.entry_id} {what}: {self.label}."


@dataclass
class HitOverrides:
    """Overrides to apply to the list matches of one screening.

    Args:
        suppress: ``{(counterparty key, entry id, fingerprint): label}``: matches
            to drop before the rules run.
        confirm: same keys: ``possible`` matches to treat as ``match``.

    ``applied`` collects what was applied (create one object per screening
    call, or read only the new tail of ``applied``).
    """

    suppress: Mapping[OverrideKey, str] = field(default_factory=dict)
    confirm: Mapping[OverrideKey, str] = field(default_factory=dict)
    applied: list[AppliedOverride] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.suppress) or bool(self.confirm)

    def apply(self, role: str, index: int, party, matches: tuple, fingerprint: Callable[[ListEntry], str]) -> tuple:
        """Return ``matches`` (``MatchResult`` objects) with overrides applied.

        Args:
            role, index: the party's role and index.
            party: the :class:`~dualuse.models.shipment.Party`.
            matches: the matcher's results for the party.
            fingerprint: entry -> fingerprint (cached by the caller).
        """
        if not self or not matches:
            return matches
        key = counterparty_key(party.name, party.country)
        kept = []
        for match in matches:
            entry_id = match.entry.id
            print_ = fingerprint(match.entry)
            label = self.suppress.get((key, entry_id, print_))
            if label is not None:
                self.applied.append(AppliedOverride("suppressed", role, index, party.name, entry_id, print_, label))
                continue
            label = self.confirm.get((key, entry_id, print_))
            if label is not None and match.decision != "match":
                self.applied.append(AppliedOverride("confirmed", role, index, party.name, entry_id, print_, label))
                match = replace(match, decision="match", explained_by=None)
            kept.append(match)
        return tuple(kept)
