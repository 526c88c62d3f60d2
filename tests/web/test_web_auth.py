"""Sign-in, sessions, CSRF, roles and escaping of the web application (no browser needed)."""

from __future__ import annotations

import time

from tests.web.conftest import PASSWORDS, csrf_of

from dualuse.service.users import check_password, disable_user, hash_password, session_of, sign_in


def test_pages_need_a_session_and_redirect_to_the_sign_in_page(client_for):
    client = client_for()
    answer = client.get("/app/decisions", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/app/login?next=/app/decisions"


def test_wrong_password_is_refused_with_one_message(client_for):
    client = client_for()
    page = client.get("/app/login")
    answer = client.post("/app/login", data={"username": "admin", "password": "wrong-password!", "csrf_token": csrf_of(page.text)})
    assert answer.status_code == 401
    assert "Unknown user name or wrong password" in answer.text
    assert "dualuse_session" not in answer.cookies


def test_sign_in_without_the_csrf_token_is_refused(client_for):
    client = client_for()
    client.get("/app/login")
    answer = client.post("/app/login", data={"username": "admin", "password": PASSWORDS["admin"]})
    assert answer.status_code == 403
    assert "CSRF" in answer.text


def test_session_cookie_is_httponly_and_samesite_and_pages_carry_security_headers(client_for):
    client = client_for()
    page = client.get("/app/login")
    answer = client.post("/app/login", data={"username": "reviewer", "password": PASSWORDS["reviewer"], "csrf_token": csrf_of(page.text)}, follow_redirects=False)
    cookie = answer.headers["set-cookie"]
    assert "dualuse_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/app" in cookie
    home = client.get("/app/")
    assert "script-src 'self'" in home.headers["content-security-policy"] and "unsafe-inline" not in home.headers["content-security-policy"]
    assert home.headers["x-frame-options"] == "DENY"
    assert home.headers["x-content-type-options"] == "nosniff"
    assert home.headers["referrer-policy"] == "same-origin"


def test_post_without_the_session_csrf_token_is_refused(client_for):
    client = client_for("admin")
    answer = client.post("/app/settings/four-eyes", data={"required": "on"})
    assert answer.status_code == 403
    assert "CSRF" in answer.text


def test_sign_out_ends_the_session_on_the_server(client_for):
    client = client_for("screener")
    token = client.cookies.get("dualuse_session")
    csrf = csrf_of(client.get("/app/").text)
    client.post("/app/logout", data={"csrf_token": csrf}, follow_redirects=False)
    client.cookies.set("dualuse_session", token, path="/app")  # a kept copy of the cookie no longer works
    assert client.get("/app/", follow_redirects=False).status_code == 303


def test_sessions_expire_and_disabling_a_user_ends_theirs(web_db):
    token, live = sign_in(web_db, "screener", PASSWORDS["screener"], hours=1 / 3600 / 2)  # half a second
    assert session_of(web_db, token) is not None
    time.sleep(0.8)
    assert session_of(web_db, token) is None
    token, _live = sign_in(web_db, "reviewer", PASSWORDS["reviewer"])
    disable_user(web_db, "reviewer", "test")
    assert session_of(web_db, token) is None
    assert sign_in(web_db, "reviewer", PASSWORDS["reviewer"]) is None


def test_passwords_are_scrypt_hashes():
    stored = hash_password("a long passphrase")
    assert stored.startswith("scrypt$16384$8$1$")
    assert check_password("a long passphrase", stored)
    assert not check_password("a long passphrase!", stored)


def test_a_screener_sees_no_reviewer_action_and_is_refused_it(client_for, web_db):
    from dualuse.service.screening import screen_and_record
    from tests.web.test_web_pages import review_shipment

    result = screen_and_record(web_db, [review_shipment("EX-SCR-1")], actor="user:admin", channel="test")[0]
    alert_id = result.open_alerts[0]
    screener = client_for("screener")
    page = screener.get(f"/app/review/{alert_id}")
    assert page.status_code == 200
    assert 'id="decide"' not in page.text and "/decide" not in page.text
    assert "/audit" not in screener.get("/app/").text  # the audit link is a reviewer's
    answer = screener.post(f"/app/review/{alert_id}/decide", data={"status": "false_positive", "reason": "not them", "csrf_token": csrf_of(page.text)})
    assert answer.status_code == 403
    assert screener.get("/app/audit").status_code == 403
    lists = screener.get("/app/lists").text
    assert 'id="update"' not in lists
    assert screener.post("/app/lists/update", data={"csrf_token": csrf_of(lists)}, files={"file": ("u.jsonl", b"{}", "application/json")}).status_code == 403
