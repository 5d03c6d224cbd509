"""`make devserver` in Chromium: the open page reloads by itself after a post is saved."""

import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def devserver(tmp_path):
    """scripts/devserver.py on a copy of the drafts fixture: (content folder, base URL)."""
    content, output = tmp_path / "content", tmp_path / "output"
    shutil.copytree(FIXTURES / "drafts", content)
    port = _free_port()
    log_path = tmp_path / "devserver.log"
    log = open(log_path, "w")  # noqa: SIM115
    process = subprocess.Popen(
        [sys.executable, "scripts/devserver.py", "--content", str(content)]
        + ["--output", str(output), "--port", str(port)],
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while "Serving" not in log_path.read_text() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert "Serving" in log_path.read_text(), log_path.read_text()
        yield content, f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


def test_the_open_post_shows_a_saved_change_without_any_action(devserver, new_page):
    content, base = devserver
    page = new_page()
    blocked = []
    page.on("console", lambda message: blocked.append(message.text))
    received = []  # what the devserver sends the page's reload client
    page.on("websocket", lambda ws: ws.on("framereceived", lambda frame: received.append(frame)))
    page.goto(base + "/2018/05/a-published-reflection/", wait_until="networkidle")
    deadline = time.monotonic() + 5
    while not any("hello" in str(frame) for frame in received) and time.monotonic() < deadline:
        page.wait_for_timeout(100)  # the client connects back and says hello
    assert any("hello" in str(frame) for frame in received), received
    assert page.locator(".post-body").inner_text().startswith("Supervision is where")

    post = content / "articles" / "2018" / "published.md"
    text = post.read_text(encoding="utf-8")
    post.write_text(text.replace("Supervision is where", "Supervision, above all, is where"))

    # The page is not touched: the devserver rebuilds and the page reloads itself.
    try:
        page.get_by_text("Supervision, above all, is where").wait_for(timeout=10000)
    except Exception as error:  # say what the devserver did and sent, not only "timeout"
        log = (content.parent / "devserver.log").read_text()
        sent = f"sent to the page: {received}"
        raise AssertionError(f"{error}\ndevserver log:\n{log}\n{sent}") from None
    assert not [line for line in blocked if "Content Security Policy" in line], blocked
    # The policy the page carries is still the strict one of published pages.
    policy = page.locator('meta[http-equiv="Content-Security-Policy"]').get_attribute("content")
    assert "script-src 'self';" in policy and "unsafe-inline" not in policy


def test_a_second_save_soon_after_the_first_reloads_the_page_again(devserver, new_page):
    content, base = devserver
    page = new_page()
    page.goto(base + "/2018/05/a-published-reflection/", wait_until="networkidle")
    post = content / "articles" / "2018" / "published.md"
    text = post.read_text(encoding="utf-8")

    # An author saves, sees the page change, then fixes a word and saves again at once: the
    # second save comes well within livereload's own 3 s between reloads, and must show too.
    for wording in ("Supervision, first, is where", "Supervision, second, is where"):
        post.write_text(text.replace("Supervision is where", wording), encoding="utf-8")
        try:
            page.get_by_text(wording).wait_for(timeout=10000)
        except Exception as error:
            log = (content.parent / "devserver.log").read_text()
            raise AssertionError(f"{error}\ndevserver log:\n{log}") from None
