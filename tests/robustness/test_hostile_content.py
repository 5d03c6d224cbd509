"""Hostile content: markup in front matter, imported text, theme names and Markdown links.

The fixture tests/fixtures/hostile-content holds a post whose title, author, tags and
summary carry <script>, onerror= and quote tricks, Markdown links to javascript:, vbscript:
and data: URLs, and an HTML comment; a theme vocabulary whose names do the same; and a raw
source the importer turns into an article. The whole site is built and every page, feed and
JSON-LD block is checked: no script runs, no handler fires, and every word the author wrote
is still there, shown as text.
"""

from __future__ import annotations

import html
import json
import re
import shutil
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup, Comment
from robust_helpers import ROOT, build_site, norm

from importer import import_sources

FIXTURE = ROOT / "tests" / "fixtures" / "hostile-content"
CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'"
)
URL_ATTRIBUTES = ("href", "src", "action", "formaction", "poster", "xlink:href", "background")


def _front(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])


HOSTILE = _front(FIXTURE / "articles" / "2020" / "hostile-front-matter.md")
THEME_NAME = yaml.safe_load((FIXTURE / "themes.yaml").read_text())["themes"][0]["name"]


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    content = root / "content"
    shutil.copytree(FIXTURE / "articles", content / "articles")
    shutil.copytree(FIXTURE / "pages", content / "pages")
    import_sources(FIXTURE / "sources", content / "articles")
    output = root / "output"
    process = build_site(
        content,
        output,
        extra_settings={"THEMES_VOCABULARY": json.dumps(str(FIXTURE / "themes.yaml"))},
    )
    return output, process.log


def _unsafe(url: str) -> bool:
    # What a browser does: decode entities, drop whitespace and controls, ignore case.
    plain = re.sub(r"[\x00-\x20\x7f]", "", html.unescape(url)).lower()
    # data: documents that can hold script (the theme's `data:,` favicon cannot).
    active = ("html", "svg", "xml", "javascript")
    return plain.startswith(("javascript:", "vbscript:")) or (
        plain.startswith("data:") and any(kind in plain.split(",")[0] for kind in active)
    )


def script_problems(markup: str, where: str) -> list[str]:
    """Every way MARKUP could run code: inline scripts, handlers, script URLs."""
    soup = BeautifulSoup(markup, "html.parser")
    problems = []
    for script in soup.find_all("script"):
        if script.get("type") == "application/ld+json":
            json.loads(script.string)  # data, and well-formed
            if "</" in script.string:
                problems.append(f"{where}: JSON-LD could close its <script> early")
        elif not script.get("src") or (script.string or "").strip():
            problems.append(f"{where}: inline script {str(script)[:80]}")
        elif script["src"].startswith(("http:", "https:", "//")):
            problems.append(f"{where}: script from another host {script['src']}")
    for tag in soup.find_all(True):
        for name, value in tag.attrs.items():
            if name.lower().startswith("on"):
                problems.append(f"{where}: handler {name}= on <{tag.name}>")
            if name.lower() in URL_ATTRIBUTES and _unsafe(str(value)):
                problems.append(f"{where}: {name}={value!r} on <{tag.name}>")
    for comment in soup.find_all(string=lambda s: isinstance(s, Comment)):
        if "alert" in comment:
            problems.append(f"{where}: the author's HTML comment was published")
    return problems


def test_no_page_feed_or_json_ld_can_run_code(hostile_site):
    output, _ = hostile_site
    problems, checked = [], 0
    for path in sorted(output.rglob("*.html")):
        if "pagefind" in path.parts:
            continue
        problems += script_problems(path.read_text(encoding="utf-8"), str(path.relative_to(output)))
        checked += 1
    for path in sorted(output.rglob("*.xml")):
        feed = BeautifulSoup(path.read_text(encoding="utf-8"), "xml")
        for element in feed.find_all(["content", "summary", "description"]):
            # Feed readers render these as HTML: check the HTML they carry.
            problems += script_problems(element.get_text(), f"{path.relative_to(output)} entry")
        checked += 1
    assert checked > 20
    assert problems == []


def test_every_page_sends_the_strict_content_security_policy(hostile_site, fixture_site):
    for output in (hostile_site[0], fixture_site):
        pages = [p for p in output.rglob("*.html") if "pagefind" not in p.parts]
        assert pages
        for path in pages:
            soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
            metas = soup.head.find_all("meta", attrs={"http-equiv": "Content-Security-Policy"})
            assert [m["content"] for m in metas] == [CSP], path
            # It must come before anything it governs.
            first = soup.head.find(["script", "link", "style"])
            assert first is None or metas[0].sourceline < first.sourceline, path


def _page(output, path):
    return BeautifulSoup((output / path).read_text(encoding="utf-8"), "html.parser")


def test_front_matter_markup_is_shown_as_the_text_the_author_wrote(hostile_site):
    output, _ = hostile_site
    page = _page(output, "2020/03/hostile-front-matter/index.html")
    assert page.h1.get_text() == HOSTILE["title"]
    tags = [a.get_text() for a in page.select('a[rel="tag"]')]
    assert HOSTILE["tags"][0] in tags and HOSTILE["tags"][1] in tags
    assert HOSTILE["author"] in page.select_one(".byline").get_text()
    listing = _page(output, "index.html")
    titles = [a.get_text() for a in listing.select(".post-summary-title a")]
    assert HOSTILE["title"] in titles
    summaries = " ".join(p.get_text() for p in listing.select(".summary"))
    assert "<img src=x onerror=alert(2)>" in summaries


def test_imported_markup_is_text_in_the_article(hostile_site):
    output, _ = hostile_site
    page = _page(output, "2018/07/a-script-alert-imported-script-title/index.html")
    assert page.h1.get_text() == 'A <script>alert("imported")</script> title'
    body = norm(page.select_one("article").get_text())
    for words in (
        norm('<img src=x onerror=alert("imported")>'),
        "[a link](javascript:alert(1)) written as text",
        "<!-- not a comment -->",
        "javascript:alert(2) as words",
    ):
        assert words in body


def test_theme_names_are_text_on_topic_pages_and_in_cross_links(hostile_site):
    output, _ = hostile_site
    topic = _page(output, "topics/supervision/index.html")
    assert topic.h1.get_text() == THEME_NAME
    post = _page(output, "2020/03/supervision-as-a-place-to-think/index.html")
    assert post.select_one("a.theme-link")["title"] == f"Topic: {THEME_NAME}"
    assert THEME_NAME in [a.get_text() for a in post.find_all("a")]


def test_script_links_in_markdown_lose_their_address_and_keep_their_words(hostile_site):
    output, log = hostile_site
    page = _page(output, "2020/03/hostile-front-matter/index.html")
    links = {a.get_text(): a.get("href") for a in page.select("article a")}
    for text in ("javascript link", "mixed case one", "entity one", "reference link"):
        assert links[text] is None, text
    for text in ("vbscript one", "data one", "tabbed one"):
        assert links[text] is None, text
    assert links["the report"] == "https://www.example.org/report"
    assert page.find("img", alt="a picture").get("src") is None
    # The author is told, by file, so the link can be fixed.
    assert "hostile-front-matter.md: removed the link to 'javascript:alert(4)'" in " ".join(
        log.split()
    )
