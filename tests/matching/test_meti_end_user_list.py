"""Japan's METI End User List against our lists: none of its entities is on them.

The 835 entities of METI's 外国ユーザーリスト (``../shared/data/raw/meti-end-user-list/``,
PDL 1.0 via the EyeWarnYou snapshot; used here as test material, never shipped)
are foreign defence ministries, academies, companies and front names; none is a
MOFCOM-listed or Japanese military entity. Matched with every alias and the
entity's country, none may raise a ``match`` alert: a stated country that
contradicts the entry's, a generic government-body name without its country,
and a bare acronym are not enough (:mod:`dualuse.matching.evidence`).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dualuse.matching.matcher import Matcher
from dualuse.refdata import store

METI = Path(__file__).resolve().parents[3] / "shared" / "data" / "raw" / "meti-end-user-list" / "jp-end-user-list.json"


def meti_names() -> list[tuple[str, str, str | None]]:
    """(entity id, name or alias, first country) for every name of every entity."""
    data = json.loads(METI.read_text(encoding="utf-8"))
    rows = []
    for entity in data["entries"]:
        country = (entity.get("countries") or [None])[0]
        for name in [entity["name"], *(entity.get("altNames") or [])]:
            rows.append((entity["id"], name, country))
    return rows


@pytest.mark.skipif(not METI.exists(), reason="../shared/data/raw/meti-end-user-list is not available")
def test_no_meti_end_user_raises_a_match_alert(capsys):
    matcher = Matcher(store.load_entries())
    rows = meti_names()
    entities = {entity for entity, _, _ in rows}
    alerts, possible = [], 0
    for entity, name, country in rows:
        for result in matcher.match(name, country=country):
            if result.decision == "match":
                alerts.append((entity, name, country, result.entry.list, result.entry.name, result.score))
            elif result.decision == "possible":
                possible += 1
    with capsys.disabled():
        print(f"\nMETI End User List: {len(entities)} entities, {len(rows)} names with country: {len(alerts)} match alerts, {possible} possible hits")
    assert len(entities) == 835
    assert alerts == []
