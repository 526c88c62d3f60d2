"""Every route of the API and of the web application checks its role: the routes are enumerated from the
app and each is called as every identity against the table below (a new route without a row fails)."""

from __future__ import annotations

import json

import pytest

import fuzzkit

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

RANK = {"screener": 0, "reviewer": 1, "admin": 2}
PUBLIC = None

# (method, path template) -> the role needed; PUBLIC for routes without one
API_ROLES = {
    ("GET", "/openapi.json"): PUBLIC, ("GET", "/docs"): PUBLIC, ("GET", "/docs/assets/{file}"): PUBLIC,
    ("GET", "/"): PUBLIC, ("GET", "/health"): PUBLIC, ("GET", "/healthz"): PUBLIC, ("GET", "/readyz"): PUBLIC,
    ("GET", "/catalog"): PUBLIC, ("GET", "/manifest"): PUBLIC, ("GET", "/algorithms"): PUBLIC,
    ("POST", "/screen"): "screener", ("POST", "/screen/batch"): "screener", ("POST", "/parties/match"): "screener",
    ("POST", "/items/classify"): "screener", ("POST", "/match/{dataset}"): "screener", ("GET", "/search/{dataset}"): "screener",
    ("GET", "/entities/{entity_id}"): "screener", ("GET", "/shipments"): "screener", ("GET", "/shipments/{shipment_id}"): "screener",
    ("GET", "/alerts"): "screener", ("GET", "/alerts/{alert_id}"): "screener", ("GET", "/alerts/{alert_id}/attachment"): "screener",
    ("POST", "/alerts/{alert_id}/decision"): "reviewer", ("GET", "/whitelist"): "screener", ("POST", "/whitelist"): "reviewer",
    ("POST", "/whitelist/{whitelist_id}/revoke"): "reviewer", ("GET", "/lists"): "screener", ("GET", "/lists/versions"): "screener",
    ("GET", "/lists/versions/{ref}"): "screener", ("GET", "/lists/diff"): "screener", ("POST", "/lists/update"): "admin",
    ("GET", "/audit/verify"): "reviewer", ("GET", "/audit/export"): "reviewer", ("GET", "/keys"): "admin",
    ("POST", "/keys"): "admin", ("POST", "/keys/{key_id}/revoke"): "admin",
}
WEB_ROLES = {
    ("GET", "/app/static/{file}"): PUBLIC, ("GET", "/app/login"): PUBLIC, ("POST", "/app/login"): PUBLIC,
    ("POST", "/app/logout"): PUBLIC, ("GET", "/app/lang/{code}"): PUBLIC,
    ("GET", "/app/"): "screener", ("GET", "/app/screen"): "screener", ("POST", "/app/screen"): "screener",
    ("GET", "/app/screen/jobs/{job_id}"): "screener", ("GET", "/app/screen/jobs/{job_id}/progress"): "screener",
    ("GET", "/app/decisions"): "screener", ("GET", "/app/decisions/{shipment_id:path}"): "screener",
    ("POST", "/app/decisions/{shipment_id:path}/report"): "screener",
    ("GET", "/app/review"): "screener", ("GET", "/app/review/{alert_id}"): "screener",
    ("POST", "/app/review/{alert_id}/decide"): "reviewer", ("GET", "/app/review/{alert_id}/attachment"): "screener",
    ("GET", "/app/whitelist"): "screener", ("POST", "/app/whitelist/{whitelist_id}/revoke"): "reviewer",
    ("POST", "/app/settings/four-eyes"): "admin", ("GET", "/app/lists"): "screener", ("GET", "/app/lists/diff"): "screener",
    ("POST", "/app/lists/update"): "admin", ("POST", "/app/lists/update/apply"): "admin", ("POST", "/app/lists/update/discard"): "admin",
    ("GET", "/app/audit"): "reviewer", ("GET", "/app/audit/export"): "reviewer",
}


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    return fuzzkit.api_world(tmp_path_factory.mktemp("routes"))


def _path(template: str) -> str:
    import re

    return re.sub(r"\{[^}]+\}", "1", template)


def _call(client, headers, method, template):
    body = json.dumps({}).encode() if method == "POST" else None
    return client.request(method, _path(template), headers={**headers, "Content-Type": "application/json"} if body else headers,
                          content=body, follow_redirects=False)


def test_every_route_is_in_the_role_table(world):
    app, _, _ = world
    routes = set(fuzzkit.all_routes(app))
    table = set(API_ROLES) | set(WEB_ROLES)
    assert routes - table == set(), "routes without a row in the role table"
    assert table - routes == set(), "rows for routes the app no longer has"


def test_api_routes_refuse_every_identity_below_their_role(world):
    app, clients, _ = world
    for method, template in fuzzkit.all_routes(app):
        if (method, template) not in API_ROLES:
            continue
        needed = API_ROLES[(method, template)]
        for identity in ("none", "bogus", *RANK):
            client, headers = clients[identity]
            answer = _call(client, headers, method, template)
            where = (identity, method, template, answer.status_code, answer.text[:200])
            assert answer.status_code < 500, where
            if needed is PUBLIC:
                assert answer.status_code not in (401, 403), where
            elif identity in ("none", "bogus"):
                assert answer.status_code == 401, where
            elif RANK[identity] < RANK[needed]:
                assert answer.status_code == 403 and f"needs the {needed} role" in answer.json()["detail"], where
            else:
                assert answer.status_code not in (401, 403), where


def test_web_routes_need_a_session_with_the_role(world):
    app, clients, _ = world
    for method, template in fuzzkit.all_routes(app):
        if (method, template) not in WEB_ROLES or template == "/app/logout":
            continue
        needed = WEB_ROLES[(method, template)]
        for identity in ("none", *(f"web-{r}" for r in RANK)):
            client, headers = clients[identity]
            answer = _call(client, headers, method, template)
            where = (identity, method, template, answer.status_code)
            assert answer.status_code < 500, where
            if needed is PUBLIC:
                continue
            if method == "POST" and answer.status_code == 422:
                continue  # the form is refused by its validation, before the handler (where the role check and everything else run)
            if identity == "none":
                # no session: to the sign-in page, or refused (a POST's CSRF check)
                assert answer.status_code in (303, 401, 403), where
                if answer.status_code == 303:
                    assert "/app/login" in answer.headers["location"], where
            elif RANK[identity[4:]] < RANK[needed]:
                assert answer.status_code == 403 and "needs the" in answer.text, where
            else:
                assert answer.status_code not in (401, 403), where
                assert "/app/login" not in answer.headers.get("location", ""), where


def test_api_keys_never_open_web_pages_and_sessions_never_open_api_routes(world):
    _, clients, _ = world
    client, headers = clients["admin"]
    assert client.get("/app/audit", headers=headers, follow_redirects=False).status_code == 303
    web, web_headers = clients["web-admin"]
    assert web.get("/keys", headers=web_headers).status_code == 401


def test_no_cors_headers_by_default(world):
    _, clients, _ = world
    client, headers = clients["screener"]
    answer = client.get("/lists", headers={**headers, "Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in {k.lower() for k in answer.headers}
    preflight = client.options("/screen", headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"})
    assert "access-control-allow-origin" not in {k.lower() for k in preflight.headers}


def test_html_answers_carry_the_security_headers(world):
    _, clients, _ = world
    web, headers = clients["web-screener"]
    page = web.get("/app/", headers=headers)
    assert page.status_code == 200
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["x-frame-options"] == "DENY" and page.headers["x-content-type-options"] == "nosniff"
