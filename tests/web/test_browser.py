"""Browser tests: Playwright driving the system Chromium against ``dualuse serve`` on a free port.

Skipped, with the reason, when Playwright or Chromium is missing
(``apt-get install chromium fonts-noto-cjk``; ``.ci/run`` installs them).
The screenshots of the main pages in the three languages are written to
``docs/screenshots/`` (shown in the README).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from dualuse.service.users import create_user
from dualuse.storage.db import Database
from tests.web.conftest import PASSWORDS

playwright_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed (pip install playwright)")
CHROMIUM = os.environ.get("DUALUSE_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
if not CHROMIUM:
    pytest.skip("no system Chromium (apt-get install chromium fonts-noto-cjk)", allow_module_level=True)
SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("web")
    db_file = folder / "web.db"
    db = Database(f"sqlite:///{db_file}")
    for role, password in PASSWORDS.items():
        create_user(db, role, role, password, "test")
    db.dispose()
    port = _free_port()
    process = subprocess.Popen([sys.executable, "-m", "dualuse", "serve", "--host", "127.0.0.1", "--port", str(port), "--db", str(db_file)],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    for _ in range(240):
        try:
            if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.5)
    else:
        process.kill()
        pytest.fail("dualuse serve did not start: " + (process.stdout.read() if process.stdout else ""))
    yield base
    process.terminate()
    process.wait(timeout=20)


@pytest.fixture(scope="module")
def browser():
    with playwright_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield chromium
        chromium.close()


def _sign_in(browser, base: str, role: str):
    page = browser.new_page(viewport={"width": 1360, "height": 900})
    page.set_default_timeout(240_000)  # the first page builds the screener; the machine is shared
    page.goto(f"{base}/app/")
    page.fill("input[name=username]", role)
    page.fill("input[name=password]", PASSWORDS[role])
    page.click("button[type=submit]")
    page.wait_for_selector(f".who[data-role={role}]")
    return page


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=False)


def test_sign_in_as_each_role(server, browser):
    for role in PASSWORDS:
        page = _sign_in(browser, server, role)
        assert page.locator(".who").inner_text().startswith(role)
        assert (page.locator("nav.main a[href='/app/audit']").count() == 1) == (role != "screener")
        page.close()


def test_upload_the_example_and_open_a_prohibited_decision(server, browser):
    page = _sign_in(browser, server, "screener")
    page.goto(f"{server}/app/screen")
    page.set_input_files("input[type=file]", "examples/shipments.csv")
    page.click("#upload button[type=submit]")
    page.wait_for_selector("#job[data-state=done]", timeout=600_000)  # htmx polls the progress until done
    assert "31" in page.locator("#job .ok").inner_text()
    page.goto(f"{server}/app/decisions?verdict=PROHIBITED")
    page.click("tr[data-shipment=EX-01] a")
    page.wait_for_selector("h1 .sid")
    text = page.locator("main").inner_text()
    assert "MOFCOM Announcement 2026 No. 11" in text and "CN-ECL-CONTROL-LIST" in text
    assert "Kawasaki Heavy Industries Aerospace Systems Company" in text
    page.close()


def test_a_screener_cannot_reach_a_reviewers_action(server, browser):
    page = _sign_in(browser, server, "screener")
    page.goto(f"{server}/app/review")
    page.locator("#alerts tbody a").first.click()
    page.wait_for_selector("h1")
    assert page.locator("form#decide").count() == 0
    alert_url = page.url
    answer = page.request.post(alert_url + "/decide", form={"status": "confirmed", "reason": "forbidden"})
    assert answer.status == 403
    page.close()


def test_decide_an_alert_and_whitelist_it(server, browser):
    page = _sign_in(browser, server, "reviewer")
    page.goto(f"{server}/app/review")
    row = page.locator("#alerts tbody tr", has_text="NIHON SEIKOSHO").first
    row.locator("a").first.click()
    page.wait_for_selector("form#decide")
    _shot(page, "alert-en")
    page.check("input[name=status][value=false_positive]")
    page.fill("textarea[name=reason]", "Different company: the register shows another address")
    page.check("input[name=whitelist]")
    page.click("form#decide button[type=submit]")
    page.wait_for_selector("p.ok")
    page.goto(f"{server}/app/whitelist")
    assert "NIHON SEIKOSHO" in page.locator("#whitelist").inner_text()
    page.close()


def test_switch_to_chinese_and_japanese_and_take_screenshots(server, browser):
    page = _sign_in(browser, server, "admin")
    for lang, word in (("en", "Review queue"), ("zh", "审查队列"), ("ja", "審査キュー")):
        page.goto(f"{server}/app/")
        page.click(f".langs a[data-lang={lang}]")
        page.wait_for_selector(f".langs a.on[data-lang={lang}]")
        assert word in page.locator("nav.main").inner_text()
        _shot(page, f"dashboard-{lang}")
        page.goto(f"{server}/app/decisions")
        _shot(page, f"decisions-{lang}")
        page.goto(f"{server}/app/decisions/EX-01")
        _shot(page, f"decision-{lang}")
        page.goto(f"{server}/app/review")
        _shot(page, f"review-{lang}")
    page.click(".langs a[data-lang=en]")
    page.close()


def test_a_name_with_script_shows_as_text(server, browser, tmp_path):
    page = _sign_in(browser, server, "screener")
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    source = Path("examples/shipments.csv").read_text(encoding="utf-8").splitlines()
    header, row = source[0], next(line for line in source[1:] if line.startswith("EX-14,"))
    row = row.replace("EX-14,", "XSS-1,", 1).replace("NIHON SEIKOSHO K.K.", "<script>alert(1)</script>NIHON SEIKOSHO K.K.")
    upload = tmp_path / "xss.csv"
    upload.write_text(header + "\n" + row + "\n", encoding="utf-8")
    page.goto(f"{server}/app/screen")
    page.set_input_files("input[type=file]", str(upload))
    page.click("#upload button[type=submit]")
    page.wait_for_selector("#job[data-state=done]", timeout=300_000)
    page.goto(f"{server}/app/decisions/XSS-1")
    assert "<script>alert(1)</script>NIHON SEIKOSHO K.K." in page.locator(".party-name").all_inner_texts()
    assert dialogs == []
    page.close()
