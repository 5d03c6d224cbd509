"""`make devserver`: serves with live reload, rebuilds on save, reports themes, survives errors."""

import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request

import pytest
from authoring_helpers import FIXTURES, PYTHON, ROOT

from scripts.devserver import changed_since

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
    shutil.copy(FIXTURES / "site" / "pages" / "404.md", content / "pages" / "404.md")
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


def test_a_missing_page_gets_the_sites_404_page(devserver):
    _content, _output, url, _log = devserver
    with pytest.raises(urllib.error.HTTPError) as missing:
        urllib.request.urlopen(url + "no/such/post/", timeout=10)
    assert missing.value.code == 404
    body = missing.value.read().decode("utf-8")
    assert "Page not found" in body and "the archives" in body  # the site's page, not Tornado's
    assert '<script src="/livereload.js">' in body  # it reloads too, once the page exists


def test_pages_load_the_reload_client_as_a_file_and_output_stays_clean(devserver):
    _content, output, url, _log = devserver
    home = urllib.request.urlopen(url, timeout=10).read().decode("utf-8")
    # A script file of the site's origin: the pages' CSP (script-src 'self') blocks inline ones.
    assert '<script src="/livereload.js"></script></head>' in home
    assert "document.createElement" not in home
    assert "script-src 'self'" in home  # the strict policy is untouched
    client = urllib.request.urlopen(url + "livereload.js", timeout=10)
    assert "javascript" in client.headers["Content-Type"]
    # The files on disk are what `make html` writes: nothing of the devserver in them.
    assert "livereload" not in (output / "index.html").read_text(encoding="utf-8")


def test_a_rebuild_says_a_saved_posts_themes_once(devserver):
    content, _output, _url, log = devserver
    post = content / "articles" / "2018" / "published.md"
    # No tags: the themes come from the text, which the themes plugin also reports.
    text = post.read_text(encoding="utf-8").replace("tags: [Supervision]\n", "")
    post.write_text(text + "\nReflective supervision gave the team time to think.\n")
    assert _wait_for(lambda: "Themes for 'A published reflection'" in log.read_text())
    time.sleep(1)
    after_start = log.read_text().split("Serving", 1)[1]
    assert after_start.count("Supervision") == 1, after_start  # the report, not a second line
    assert "has no theme tags" not in after_start
    assert ".5 sentence" not in after_start


def test_a_draft_published_while_previewing_is_gone_from_its_draft_address(devserver):
    content, output, url, log = devserver
    draft_url = url + "drafts/an-unfinished-draft/"
    assert urllib.request.urlopen(draft_url, timeout=10).status == 200
    post = content / "articles" / "2018" / "unfinished.md"
    post.write_text(post.read_text(encoding="utf-8").replace("status: draft", "status: published"))
    assert _wait_for(lambda: not (output / "drafts").exists()), log.read_text()
    with pytest.raises(urllib.error.HTTPError) as gone:
        urllib.request.urlopen(draft_url, timeout=10)
    assert gone.value.code == 404


def test_a_broken_save_keeps_the_posts_last_good_page(devserver):
    content, output, url, log = devserver
    page = output / "2018" / "05" / "a-published-reflection" / "index.html"
    assert page.is_file()
    post = content / "articles" / "2018" / "published.md"
    post.write_text(post.read_text(encoding="utf-8").replace("2018-05-01", "2018-02-30"))
    assert _wait_for(lambda: "is not a real date or time" in log.read_text()), log.read_text()
    assert _wait_for(lambda: log.read_text().count("Done: Processed") == 2), log.read_text()
    # The preview keeps the page the post had until it reads again: no 404 in the open tab.
    assert page.is_file()
    assert urllib.request.urlopen(url + "2018/05/a-published-reflection/", timeout=10).status == 200


def test_a_warning_is_said_when_its_post_is_saved_not_at_every_other_save(devserver):
    content, _output, _url, log = devserver
    long_title = "A reflection " + "on supervision and time " * 5
    (content / "articles" / "2018" / "long.md").write_text(
        f"---\ntitle: {long_title.strip()}\ndate: 2018-06-01 09:00\ntags: [Supervision]\n---\n"
        "Supervision is where practice is thought about.\n",
        encoding="utf-8",
    )
    assert _wait_for(lambda: "long.md, line 2: the title is" in log.read_text()), log.read_text()
    assert _wait_for(lambda: "Themes for 'A reflection on" in log.read_text())
    said = log.read_text()
    post = content / "articles" / "2018" / "published.md"
    post.write_text(post.read_text(encoding="utf-8").replace("is where", "is still where"))
    assert _wait_for(
        lambda: len(log.read_text()) > len(said) and "Themes for 'A published" in log.read_text()
    )
    later = log.read_text()[len(said) :]
    assert "long.md" not in later, later  # said when it was saved; not again for another post
