"""API guards: JSON depth, text sanitised at the boundary, per-key rate limit, constant-time key check,
no echoed input in validation errors, loopback bind by default (issue 15)."""

from __future__ import annotations

import inspect
import json
import warnings

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from dualuse.api.app import ApiSettings, create_app
from dualuse.api.limits import RateLimiter
from dualuse.service.keys import authenticate, create_key
from dualuse.storage.db import Database

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture
def api(tmp_path):
    db = Database(f"sqlite:///{tmp_path / 'g.db'}")
    key = create_key(db, "admin", "k", "test")[0]
    client = TestClient(create_app(db, ApiSettings(rate_per_minute=30), web=False), raise_server_exceptions=False)
    return client, {"X-API-Key": key}, db, key


def test_deep_json_body_is_a_400_before_parsing(api):
    client, headers, _, _ = api
    answer = client.post("/parties/match", headers={**headers, "Content-Type": "application/json"}, content=b"[" * 100_000 + b"]" * 100_000)
    assert answer.status_code == 400 and "nested more than 32 levels" in answer.json()["detail"]


def test_unencodable_text_in_a_body_is_replaced_and_reported(api):
    client, headers, _, _ = api
    answer = client.post("/parties/match", headers={**headers, "Content-Type": "application/json"}, content=b'{"name": "TDK\\ud800\\u0001 Corporation"}')
    assert answer.status_code == 200, answer.text
    assert answer.headers["x-dualuse-sanitised"] == "2"
    assert answer.json()["query"] == "TDK\ufffd\ufffd Corporation"


def test_a_body_that_is_not_utf8_gets_a_422_without_the_body_echoed(api):
    client, headers, _, _ = api
    answer = client.post("/keys", headers={**headers, "Content-Type": "application/json"}, content=b"\xff\xfe\x87garbage")
    assert answer.status_code == 422
    assert all(set(item) == {"loc", "msg", "type"} for item in answer.json()["detail"])


def test_numbers_out_of_range_in_the_path_are_a_4xx(api):
    client, headers, _, _ = api
    assert client.get(f"/alerts/{10 ** 20}", headers=headers).status_code in (400, 404, 422)


def test_rate_limit_per_key_gives_429_with_retry_after(api, tmp_path):
    client, headers, db, _ = api
    other = create_key(db, "screener", "other", "test")[0]
    codes = [client.get("/lists", headers=headers).status_code for _ in range(40)]
    assert codes[:30] == [200] * 30 and 429 in codes[30:]
    refused = client.get("/lists", headers=headers)
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) >= 1
    assert client.get("/lists", headers={"X-API-Key": other}).status_code == 200  # another key has its own budget


def test_rate_limiter_refills():
    limiter = RateLimiter(60)
    assert all(limiter.check("k") is None for _ in range(60))
    wait = limiter.check("k")
    assert wait is not None and 0 < wait <= 1.0


def test_keys_are_compared_in_constant_time_and_a_right_prefix_is_not_enough(api):
    _, _, db, key = api
    from dualuse.service import keys

    assert "compare_digest" in inspect.getsource(keys.authenticate)
    assert authenticate(db, key) is not None
    assert authenticate(db, key[:-1] + ("A" if key[-1] != "A" else "B")) is None


def test_serve_binds_to_loopback_unless_told_otherwise():
    from dualuse.cli.records import serve

    assert inspect.signature(serve).parameters["host"].default.default == "127.0.0.1"
