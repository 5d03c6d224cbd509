"""Headless Chromium (Debian's, driven by Playwright) against built sites served on 127.0.0.1."""

import functools
import http.server
import threading
from pathlib import Path

import pytest

from tests.sitebuild import build_site

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "test-artifacts"
# Flags for a closed network and a root user: no sandbox, no calls home, no first-run UI.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serve files without logging every request to the test output."""

    def log_message(self, format, *args):
        pass


def _serving(directory):
    """Yield the base URL of DIRECTORY served for as long as the caller needs it."""
    url, server = serve(directory)
    try:
        yield url
    finally:
        server.shutdown()
        server.server_close()


def serve(directory):
    """Serve DIRECTORY on a free port of 127.0.0.1 in a thread; return (base URL, server)."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return f"http://127.0.0.1:{server.server_address[1]}", server


@pytest.fixture(scope="session")
def fixture_site_url(fixture_site):
    """Base URL of the whole-site fixture, built once and served for the session."""
    yield from _serving(fixture_site)


@pytest.fixture(scope="session")
def real_site_url(real_site):
    """Base URL of the blog's own content, built once and served for the session."""
    yield from _serving(real_site)


@pytest.fixture(scope="session", params=["fixture", "real"])
def any_site(request):
    """Each built site in turn, as (base URL, page kinds): the whole-site fixture, then the blog."""
    name = "fixture_site" if request.param == "fixture" else "real_site"
    return request.getfixturevalue(f"{name}_url"), site_pages(request.getfixturevalue(name))


@pytest.fixture(scope="session")
def search_site(tmp_path_factory):
    """tests/fixtures/search-ranking built as `make html` does: one post about the HCPC,
    one that names it in passing, one that never does."""
    output = tmp_path_factory.mktemp("search-ranking")
    build_site(ROOT / "tests" / "fixtures" / "search-ranking", output)
    return output


@pytest.fixture(scope="session")
def search_site_url(search_site):
    """Base URL of the search-ranking site, served for the session."""
    yield from _serving(search_site)


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, launched once per session (never a browser Playwright downloads)."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make test-deps` (installs Debian's chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser):
    """Open pages in fresh contexts: new_page(width=1280, color_scheme='light', **options)."""
    contexts = []

    def open_page(width=1280, height=900, color_scheme="light", **options):
        context = browser.new_context(
            viewport={"width": width, "height": height}, color_scheme=color_scheme, **options
        )
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture(scope="session")
def artifacts():
    """test-artifacts/ at the project root (gitignored): screenshots a person can open."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


def site_pages(site_dir):
    """The page kinds every check covers, as {name: path from the site root}, found on disk.

    Found rather than hard-coded so the same checks run on any built site; a kind the site
    lacks is reported as None and the test for it fails with that message.
    """
    site = Path(site_dir)

    def fullest(pattern):
        # The biggest page of its kind (a topic with posts, not an empty one), which has
        # the most for a check to find; ties go by name so every run picks the same page.
        matches = sorted(site.glob(pattern), key=lambda path: (-path.stat().st_size, path))
        if not matches:
            return None
        return "/" + matches[0].parent.relative_to(site).as_posix() + "/"

    return {
        "home": "/",
        "article": fullest("[0-9][0-9][0-9][0-9]/[0-9][0-9]/*/index.html"),
        "topic": fullest("topics/*/index.html"),
        "topics-index": "/topics/" if (site / "topics" / "index.html").is_file() else None,
        "archives": "/archives/" if (site / "archives" / "index.html").is_file() else None,
        "search": "/search/" if (site / "search" / "index.html").is_file() else None,
        "404": "/404.html" if (site / "404.html").is_file() else None,
    }


@pytest.fixture(scope="session")
def fixture_pages(fixture_site):
    """The page kinds of the whole-site fixture: {kind: path from the site root or None}."""
    return site_pages(fixture_site)


@pytest.fixture(scope="session")
def real_pages(real_site):
    """The page kinds of the blog's own built content: {kind: path from the site root or None}."""
    return site_pages(real_site)


@pytest.fixture(scope="session")
def axe_script():
    """Path of axe-core's browser script from node_modules."""
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: run `make test-deps` (npm ci)")
    return AXE
