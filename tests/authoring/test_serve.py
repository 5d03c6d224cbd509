"""`make serve` (scripts/serve.py): the site's 404 page, many connections at once, a busy port."""

import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request

import pytest
from authoring_helpers import FIXTURES, PYTHON, ROOT, run

pytestmark = pytest.mark.slow


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(predicate, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def get(url, timeout=5):
    """(status, body) of URL, also for an error status."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8")


@pytest.fixture(scope="module")
def built_site(fixture_site):
    """tests/fixtures/site built as `make html` builds it (it has the site's 404 page)."""
    return fixture_site


@pytest.fixture
def served(built_site, tmp_path):
    """scripts/serve.py serving the built site on a free port: yields its base URL."""
    port = free_port()
    log = open(tmp_path / "serve.log", "w")  # noqa: SIM115
    process = subprocess.Popen(
        [PYTHON, "scripts/serve.py", str(built_site), "--port", str(port)],
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        assert wait_for(lambda: "Serving" in (tmp_path / "serve.log").read_text())
        yield f"http://127.0.0.1:{port}", port
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


def test_a_missing_page_gets_the_sites_404_page_with_status_404(served):
    base, _port = served
    status, body = get(base + "/no/such/page/")
    assert status == 404
    assert "Page not found" in body and "the archives" in body  # the site's page, not a stub
    status, body = get(base + "/theme/")  # a folder without index.html is no page either
    assert status == 404
    assert "Directory listing" not in body and "Page not found" in body
    status, _ = get(base + "/")
    assert status == 200


def test_a_half_open_connection_does_not_block_other_requests(served):
    base, port = served
    stalled = []
    try:
        for _ in range(3):  # browsers open spare connections and send nothing on them
            half = socket.create_connection(("127.0.0.1", port))
            half.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # no blank line: unfinished
            stalled.append(half)
        started = time.monotonic()
        status, _ = get(base + "/", timeout=5)
        assert status == 200
        assert time.monotonic() - started < 2
    finally:
        for half in stalled:
            half.close()


@pytest.fixture
def busy_port():
    """A port something else listens on."""
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen(1)
        yield holder.getsockname()[1]


@pytest.mark.parametrize("target", ["serve", "devserver"])
def test_a_busy_port_stops_with_one_line_naming_it(target, busy_port, tmp_path):
    content = tmp_path / "content"
    shutil.copytree(FIXTURES / "drafts", content)
    output = tmp_path / "output"
    started = time.monotonic()
    process = run(
        ["make", "--no-print-directory", target, f"PORT={busy_port}"]
        + [f"INPUTDIR={content}", f"OUTPUTDIR={output}"],
        timeout=120,
    )
    assert process.returncode != 0
    ours = [line for line in process.stderr.splitlines() if not line.startswith("make")]
    assert ours == [
        f"Port {busy_port} on 127.0.0.1 is already in use (is another server running?). "
        f"Stop it, or choose another port: make {target} PORT={busy_port + 1}"
    ]
    assert "Traceback" not in process.stdout + process.stderr
    assert not output.exists()  # it stopped before building anything
    assert time.monotonic() - started < 30


def test_pages_are_checked_again_at_every_visit(served):
    base, _port = served
    with urllib.request.urlopen(base + "/theme/css/site.css", timeout=5) as response:
        assert response.headers["Cache-Control"] == "no-cache"  # a rebuilt stylesheet shows
