"""List updates that are truncated, duplicated, wrongly shaped, empty or remove most entries are refused
with a clear error, and the live version stays live (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from recordkit import ftm_entity, new_japanese_entity, write_ftm

from dualuse.service import updates, versions

TODAY = dt.date(2026, 11, 29)
GOOD = json.dumps(new_japanese_entity(), ensure_ascii=False)

MALFORMED = {
    "truncated": ([GOOD, GOOD[: len(GOOD) // 2]], "not valid JSON"),
    "duplicated": ([GOOD, GOOD], "appears twice"),
    "not-an-entity": (['{"id": "x", "name": "no schema"}'], "expected an FtM entity"),
    "array-of-numbers": (["[1, 2, 3]"], "expected a JSON object"),
    "csv-in-a-jsonl": (["id,name,list", "1,ACME,CN-ECL"], "not valid JSON"),
    "empty": ([""], "no FtM entity found"),
    "deep": (["[" * 5000 + "]" * 5000], "nested too deeply"),
    "surrogate": ([json.dumps(ftm_entity("x-1", ["ACME \ud800"]))], "cannot be stored or written"),
}


def _state(db):
    return versions.current(db), len(versions.history(db)), sorted(e.id for e in versions.entries_of(db, versions.current(db)))


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_malformed_updates_are_refused_and_the_live_version_is_untouched(db, tmp_path, name):
    lines, expected = MALFORMED[name]
    before = _state(db)
    path = write_ftm(tmp_path / f"{name}.jsonl", lines)
    with pytest.raises(updates.UpdateError) as error:
        updates.prepare(db, path, as_of=TODAY)
    assert expected in str(error.value) and "nothing was changed" in str(error.value)
    assert _state(db) == before


def test_an_update_removing_most_entries_needs_allow_mass_removal(db, tmp_path):
    before = _state(db)
    path = write_ftm(tmp_path / "one.jsonl", [GOOD])
    with pytest.raises(updates.UpdateError) as error:
        updates.prepare(db, path, as_of=TODAY, replace=True)
    text = str(error.value)
    assert "--allow-mass-removal" in text and "more than 20%" in text
    assert _state(db) == before
    # with the flag the guard steps aside and the update is judged on its content (here: relations of other
    # lists point to the removed entries)
    with pytest.raises(updates.UpdateError) as error:
        updates.prepare(db, path, as_of=TODAY, replace=True, allow_mass_removal=True)
    assert "--allow-mass-removal" not in str(error.value) and "points to unknown id" in str(error.value)
    assert _state(db) == before
    # an additive update of the same file is no mass removal
    assert updates.prepare(db, path, as_of=TODAY).entries()


def test_the_api_refuses_a_mass_removal_with_422(db, tmp_path):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient

    from dualuse.api.app import create_app
    from dualuse.service.keys import create_key

    key = create_key(db, "admin", "a", "test")[0]
    client = TestClient(create_app(db, web=False), raise_server_exceptions=False)
    before = _state(db)
    answer = client.post("/lists/update?replace=true", content=(GOOD + "\n").encode(), headers={"X-API-Key": key, "Content-Type": "application/x-ndjson"})
    assert answer.status_code == 422 and any("allow-mass-removal" in p for p in answer.json()["problems"])
    assert _state(db) == before
