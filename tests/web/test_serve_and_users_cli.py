"""``dualuse serve`` prints the web application's URL; ``dualuse users add|list|disable``."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time

from typer.testing import CliRunner

from dualuse.cli.app import app
from dualuse.service.users import sign_in
from dualuse.storage.db import Database


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_serve_prints_the_url_to_open(tmp_path):
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "dualuse", "--lang", "en", "serve", "--port", str(port), "--db", str(tmp_path / "s.db")],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        seen = ""
        deadline = time.time() + 240
        while time.time() < deadline and "/app/" not in seen:
            line = process.stdout.readline()
            if not line:
                break
            seen += line
        assert f"Web application: open http://127.0.0.1:{port}/app/ in a browser" in seen
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_users_add_list_disable(tmp_path):
    url = f"sqlite:///{tmp_path / 'u.db'}"
    runner = CliRunner()
    added = runner.invoke(app, ["--lang", "en", "users", "add", "alice", "--role", "reviewer", "--password-stdin", "--db", url], input="a-long-password\n")
    assert added.exit_code == 0, added.output
    short = runner.invoke(app, ["--lang", "en", "users", "add", "bob", "--role", "screener", "--password-stdin", "--db", url], input="short\n")
    assert short.exit_code == 2 and "at least 10 characters" in short.output
    listed = runner.invoke(app, ["--lang", "en", "users", "list", "--format", "json", "--db", url])
    assert [(u["username"], u["role"]) for u in json.loads(listed.stdout)] == [("alice", "reviewer")]
    db = Database(url)
    assert sign_in(db, "alice", "a-long-password") is not None
    disabled = runner.invoke(app, ["--lang", "en", "users", "disable", "alice", "--db", url])
    assert disabled.exit_code == 0, disabled.output
    assert sign_in(db, "alice", "a-long-password") is None
