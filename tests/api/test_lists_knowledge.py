"""GET /lists reports the knowledge horizon and the changes the data expects after it."""

from __future__ import annotations

import warnings

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from dualuse.api.app import ApiSettings, create_app
from dualuse.service.keys import create_key

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_lists_carry_the_horizon_and_pending_changes(db):
    key = create_key(db, "screener", "screener-key", "test")[0]
    client = TestClient(create_app(db, ApiSettings()), raise_server_exceptions=False)
    body = client.get("/lists", headers={"Authorization": f"ApiKey {key}"}).json()
    knowledge = body["knowledge"]
    assert knowledge["horizon"] == "2026-08-05"
    due = {(p["date"], p["scheduled_by"]) for p in knowledge["pending"]}
    assert ("2026-11-27", "MOFCOM Announcement 2025 No. 72") in due and ("2026-11-10", "MOFCOM/GAC Announcement 2025 No. 70") in due
    no70 = next(p for p in knowledge["pending"] if p["scheduled_by"] == "MOFCOM/GAC Announcement 2025 No. 70")
    assert no70["notes"][0]["id"] == "MOFCOM-2026-09-28-KL-EXTENSION"
    assert [i["citation"] for i in knowledge["instruments_after_horizon"]] == ["MOFCOM et al. Announcement 2026 No. 40"]
