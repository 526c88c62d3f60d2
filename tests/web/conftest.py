"""A records database with one user per role, and a signed-in TestClient per role."""

from __future__ import annotations

import re

import pytest

from dualuse.service.users import create_user
from dualuse.storage.db import Database

PASSWORDS = {role: f"correct-horse-{role}" for role in ("screener", "reviewer", "admin")}


@pytest.fixture
def web_db(tmp_path):
    db = Database(f"sqlite:///{tmp_path / 'web.db'}")
    for role, password in PASSWORDS.items():
        create_user(db, role, role, password, "test")
    return db


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def sign_in(client, role: str):
    page = client.get("/app/login")
    answer = client.post("/app/login", data={"username": role, "password": PASSWORDS[role], "csrf_token": csrf_of(page.text), "next": "/app/"}, follow_redirects=False)
    assert answer.status_code == 303, answer.text
    return client


@pytest.fixture
def client_for(web_db):
    from fastapi.testclient import TestClient

    from dualuse.api.app import create_app

    app = create_app(web_db)

    def make(role: str | None = None):
        client = TestClient(app)
        return sign_in(client, role) if role else client

    return make
