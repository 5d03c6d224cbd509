"""`make devserver`: serves with live reload, rebuilds on save, reports themes, survives errors."""

import shutil
import socket
import subprocess
import time
import urllib.request

import pytest
from authoring_helpers import FIXTURES, PYTHON, ROOT
from devserver import changed_since

pytestmark = pytest.mark.slow


def test_changed_since():
    assert changed_since({"a": 1, "b": 2}, {"a": 1, "b": 3, "c": 1}) == {"b", "c"}


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(predicate, seconds=40):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.3)
    return False


@pytest.fixture
def devserver(tmp_path):
    content, output = tmp_path / "content", tmp_path / "output"
    shutil.copytree(FIXTURES / "drafts", content)
    port = _free_port()
    log_path = tmp_path / "devserver.log"
    log = open(log_path, "w")  # noqa: SIM115
    process = subprocess.Popen(
        [
            PYTHON,
            "scripts/devserver.py",
            "--content",
            str(content),
            "--output",
            str(output),
            "--port",
            str(port),
        ],
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        env={"COLUMNS": "400", "PATH": "/usr/bin:/bin"},
    )
    try:
        assert _wait_for(lambda: "Serving" in log_path.read_text()), log_path.read_text()
        yield content, output, f"http://127.0.0.1:{port}/", log_path
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


def test_serves_with_live_reload_and_rebuilds_on_save(devserver):
    content, output, url, log = devserver
    home = urllib.request.urlopen(url, timeout=10).read().decode("utf-8")
    assert "livereload.js" in home  # the script that reloads the open page
    assert "An unfinished draft" in home  # drafts are listed in the local preview
    post = content / "articles" / "2018" / "published.md"
    post.write_text(
        post.read_text(encoding="utf-8").replace("A published reflection", "A retitled reflection")
    )
    page = output / "2018" / "05" / "a-retitled-reflection" / "index.html"
    assert _wait_for(page.exists), log.read_text()
    assert _wait_for(lambda: "Themes for 'A retitled reflection'" in log.read_text())
    report = log.read_text().split("Themes for 'A retitled reflection'")[1]
    assert "), named by the post's tags:\n  - Supervision" in report


def test_a_broken_save_prints_the_message_and_keeps_serving(devserver):
    content, output, url, log = devserver
    post = content / "articles" / "2018" / "published.md"
    post.write_text(post.read_text(encoding="utf-8").replace("2018-05-01", "2018-02-30"))
    assert _wait_for(lambda: "is not a real date or time" in log.read_text()), log.read_text()
    assert "Traceback" not in log.read_text()
    assert urllib.request.urlopen(url, timeout=10).status == 200
