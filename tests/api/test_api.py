"""The REST API: every route checks its role, limits answer 4xx, errors carry no stack trace (SQLite and PostgreSQL)."""

from __future__ import annotations

import base64
import warnings

import pytest
from recordkit import NEW_JP_NAME, POSSIBLE_NAME, new_japanese_entity, shipment_json

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from dualuse.api.app import ApiSettings, create_app
from dualuse.service.keys import create_key, revoke_key

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

# (method, path, minimum role, body)
ROUTES = [
    ("post", "/screen", "screener", shipment_json("API-1", "Kanazawa Seimitsu Kogyo K.K.")),
    ("post", "/screen/batch", "screener", {"shipments": [shipment_json("API-2", "Kanazawa Seimitsu Kogyo K.K.")]}),
    ("post", "/parties/match", "screener", {"name": "TDK株式会社"}),
    ("post", "/items/classify", "screener", {"query": "1C902.a.1"}),
    ("post", "/match/default", "screener", {"queries": {"q": {"schema": "Company", "properties": {"name": ["TDK Corporation"]}}}}),
    ("get", "/shipments", "screener", None),
    ("get", "/alerts", "screener", None),
    ("get", "/whitelist", "screener", None),
    ("get", "/lists", "screener", None),
    ("get", "/lists/versions", "screener", None),
    ("get", "/lists/versions/current", "screener", None),
    ("get", "/lists/diff?from=current&to=current", "screener", None),
    ("post", "/alerts/1/decision", "reviewer", {"status": "escalated", "reason": "to the manager"}),
    ("post", "/whitelist", "reviewer", {"reason": "not them", "party_name": "TDK Electronics Trading", "entry_id": "CN-WL:MOFCOM-2026-12:12"}),
    ("post", "/whitelist/1/revoke", "reviewer", {"reason": "withdrawn"}),
    ("get", "/audit/verify", "reviewer", None),
    ("get", "/audit/export?format=jsonl", "reviewer", None),
    ("post", "/lists/update?dry_run=true", "admin", None),
    ("get", "/keys", "admin", None),
    ("post", "/keys", "admin", {"role": "screener", "name": "erp"}),
]
RANK = {"screener": 0, "reviewer": 1, "admin": 2}


@pytest.fixture
def api(db):
    keys = {role: create_key(db, role, f"{role}-key", "test")[0] for role in RANK}
    client = TestClient(create_app(db, ApiSettings(max_body_bytes=200_000, max_batch=3)), raise_server_exceptions=False)
    client.keys = keys  # type: ignore[attr-defined]
    client.db = db  # type: ignore[attr-defined]
    return client


def _call(client, method, path, body, key=None, header="Authorization"):
    headers = {}
    if key is not None:
        headers = {"Authorization": f"ApiKey {key}"} if header == "Authorization" else {header: key}
    if path.startswith("/lists/update"):
        import json

        return client.post(path, content=(json.dumps(new_japanese_entity()) + "\n").encode(), headers={**headers, "Content-Type": "application/x-ndjson"})
    return getattr(client, method)(path, json=body, headers=headers) if body is not None else getattr(client, method)(path, headers=headers)


def test_every_route_refuses_a_request_without_a_valid_key(api):
    revoked_key, info = create_key(api.db, "admin", "old", "test")
    revoke_key(api.db, info.id, "test")
    for method, path, _, body in ROUTES:
        for key in (None, "du_not-a-real-key", revoked_key):
            response = _call(api, method, path, body, key)
            assert response.status_code == 401, (method, path, key, response.text)
            assert "API key" in response.json()["detail"]


def test_each_role_is_refused_where_it_must_be_and_allowed_where_it_may(api):
    # something to decide and revoke
    screened = api.post("/screen", json=shipment_json("API-R", POSSIBLE_NAME), headers={"X-API-Key": api.keys["screener"]}).json()
    assert screened["status"] == "pending_review" and screened["alerts_opened"] == [1]
    for method, path, needed, body in ROUTES:
        for role, key in api.keys.items():
            response = _call(api, method, path, body, key)
            if RANK[role] < RANK[needed]:
                assert response.status_code == 403, (role, method, path, response.text)
                assert f"needs the {needed} role" in response.json()["detail"]
            else:
                assert response.status_code < 400 or response.status_code in (404, 409), (role, method, path, response.status_code, response.text)


def test_screen_records_who_asked_and_opens_alerts(api):
    key = api.keys["screener"]
    response = api.post("/screen", json=shipment_json("API-3", POSSIBLE_NAME), headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 200
    body = response.json()
    assert body["decision"]["verdict"] == "REVIEW" and body["status"] == "pending_review" and body["record_seq"] >= 1
    alert_id = body["alerts_opened"][0]
    reviewer = {"X-API-Key": api.keys["reviewer"]}
    attachment = {"filename": "note.txt", "content_base64": base64.b64encode(b"registry extract").decode(), "media_type": "text/plain"}
    decided = api.post(f"/alerts/{alert_id}/decision", json={"status": "false_positive", "reason": "distributor, not the listed firm", "whitelist": True, "attachment": attachment}, headers=reviewer)
    assert decided.status_code == 200, decided.text
    decided = decided.json()
    assert decided["shipment_status"] == "final" and decided["final"]["decision"]["verdict"] == "LICENSE_REQUIRED" and decided["whitelist_id"]
    assert api.get(f"/alerts/{alert_id}/attachment", headers=reviewer).content == b"registry extract"
    view = api.get("/shipments/API-3", headers=reviewer).json()
    assert view["status"] == "final" and view["alerts"][0]["decided_by"].startswith("key:") and view["alerts"][0]["decided_by"].endswith(":reviewer-key")
    export = api.get("/audit/export?format=jsonl&kind=screening", headers=reviewer)
    records = [line for line in export.text.splitlines() if line]
    assert len(records) == 2 and '"actor": "key:' in records[0] and ':screener-key"' in records[0]
    xlsx = api.get("/audit/export?format=xlsx", headers=reviewer)
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert api.get("/audit/verify", headers=reviewer).json()["ok"] is True


def test_list_update_through_the_api(api):
    admin = {"Authorization": f"ApiKey {api.keys['admin']}"}
    api.post("/screen", json=shipment_json("API-4", NEW_JP_NAME), headers=admin)
    import json

    bad = api.post("/lists/update", content=b'{"id": "x", "schema": "Company", "properties": {}}\nnot json\n', headers=admin)
    assert bad.status_code == 422 and bad.json()["detail"].startswith("the list update is invalid") and len(bad.json()["problems"]) == 2
    good = api.post("/lists/update?as_of=2026-11-29", content=(json.dumps(new_japanese_entity()) + "\n").encode(), headers=admin)
    assert good.status_code == 200, good.text
    body = good.json()
    assert body["diff"]["counts"]["added"] == 1 and body["rescreen"]["verdict_changes"][0]["new"] == "PROHIBITED"
    assert api.get("/lists/diff", headers=admin).json()["counts"]["added"] == 1
    assert len(api.get("/lists/versions", headers=admin).json()) == 2


def test_limits_give_clear_4xx_answers(api):
    key = {"X-API-Key": api.keys["screener"]}
    too_many = {"shipments": [shipment_json(f"B-{i}", "Kanazawa Seimitsu Kogyo K.K.") for i in range(4)]}
    response = api.post("/screen/batch", json=too_many, headers=key)
    assert response.status_code == 400 and "at most 3 per request" in response.json()["detail"]
    big = api.post("/parties/match", content=b'{"name": "' + b"x" * 300_000 + b'"}', headers={**key, "Content-Type": "application/json"})
    assert big.status_code == 413 and "limit of 200000 bytes" in big.json()["detail"]
    queries = {f"q{i}": {"schema": "Company", "properties": {"name": ["TDK"]}} for i in range(4)}
    response = api.post("/match/default", json={"queries": queries}, headers=key)
    assert response.status_code == 400 and response.json()["detail"] == "Too many queries in one batch (limit: 3)"
    invalid = api.post("/screen", json={"id": "X"}, headers=key)
    assert invalid.status_code == 422 and isinstance(invalid.json()["detail"], list)
    duplicate = api.post("/screen/batch", json={"shipments": [shipment_json("D", "A Co"), shipment_json("D", "B Co")]}, headers=key)
    assert duplicate.status_code == 400 and "repeat" in duplicate.json()["detail"]


def test_unexpected_errors_carry_no_stack_trace(api, monkeypatch):
    from dualuse.service import alerts

    def boom(*args, **kwargs):
        raise RuntimeError("secret internal detail at /srv/app/code.py line 12")

    monkeypatch.setattr(alerts, "list_alerts", boom)
    response = api.get("/alerts", headers={"X-API-Key": api.keys["screener"]})
    assert response.status_code == 500
    text = response.text
    assert "internal error (reference" in text and "secret" not in text and "Traceback" not in text and ".py" not in text


def test_openapi_documents_every_route(api):
    spec = api.get("/openapi.json").json()
    for method, path, _, _ in ROUTES:
        template = path.split("?")[0].replace("/1/", "/{alert_id}/" if "alerts" in path else "/{whitelist_id}/").replace("/current", "/{ref}").replace("/default", "/{dataset}")
        assert template in spec["paths"], template
        assert method in spec["paths"][template]
    assert "Shipment" in spec["components"]["schemas"]


def test_docs_page_loads_its_assets_from_the_server_not_a_cdn(api):
    import re

    page = api.get("/docs")
    assert page.status_code == 200
    assets = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert assets and all(url.startswith("/docs/assets/") for url in assets)
    assert "cdn" not in page.text.lower() and "jsdelivr" not in page.text and "unpkg" not in page.text
    for url in assets:
        response = api.get(url)
        assert response.status_code == 200 and len(response.content) > 100
    assert api.get("/openapi.json").status_code == 200


def test_the_api_reads_dates_and_countries_with_the_input_parser(api):
    """The API and the CLI share one date and country parser: 和暦 dates, country names and customs codes."""
    body = shipment_json("API-VALUES", "Kanazawa Seimitsu Kogyo K.K.")
    body.update(date="令和8年3月2日", destination_country="日本")
    body["exporter"]["country"] = "142"
    body["consignee"]["country"] = "JPN"
    headers = {"Authorization": f"ApiKey {api.keys['screener']}"}
    answer = api.post("/screen?record=false&as_of=2026/12/1", json=body, headers=headers)
    assert answer.status_code == 200, answer.text
    assert answer.json()["decision"]["as_of"] == "2026-12-01"
    batch = api.post("/screen/batch", json={"shipments": [body], "as_of": "R8.12.1", "record": False}, headers=headers)
    assert batch.status_code == 200 and batch.json()["results"][0]["decision"]["as_of"] == "2026-12-01"
    bad = api.post("/screen?record=false&as_of=02/03/2026", json=body, headers=headers)
    assert bad.status_code == 422 and "could be day/month or month/day" in bad.json()["detail"]
    body["destination_country"] = "Atlantis"
    refused = api.post("/screen?record=false", json=body, headers=headers)
    assert refused.status_code == 422 and "expected a country" in refused.text


def test_four_eyes_applies_to_api_decisions(api):
    from dualuse.service.users import set_four_eyes

    admin = {"X-API-Key": api.keys["admin"]}
    screened = api.post("/screen", json=shipment_json("API-4EYES", POSSIBLE_NAME), headers=admin).json()
    (alert_id,) = screened["alerts_opened"]
    set_four_eyes(api.db, True, "test", "test")
    own = api.post(f"/alerts/{alert_id}/decision", json={"status": "escalated", "reason": "my own screening"}, headers=admin)
    assert own.status_code == 403 and own.json()["detail"].startswith("four eyes:")
    other = api.post(f"/alerts/{alert_id}/decision", json={"status": "escalated", "reason": "for the manager"}, headers={"X-API-Key": api.keys["reviewer"]})
    assert other.status_code == 200, other.text
    set_four_eyes(api.db, False, "test", "test")
    assert api.post(f"/alerts/{alert_id}/decision", json={"status": "confirmed", "reason": "the listed firm"}, headers=admin).status_code == 200
