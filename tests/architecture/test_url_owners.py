"""One owner per URL: change a page type's address setting and every link follows it."""

import json
import re
import shutil
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from bs4 import BeautifulSoup

from tests.sitebuild import FIXTURES, build_site

# Every page type our plugins write, moved away from its default folder.
MOVED = {
    "TOPICS_URL": "subjects/",
    "TOPICS_SAVE_AS": "subjects/index.html",
    "TOPIC_URL": "subjects/{slug}/",
    "TOPIC_SAVE_AS": "subjects/{slug}/index.html",
    "TOPIC_FEED_ATOM": "subjects/{slug}/feed.atom.xml",
    "TOPIC_FEED_RSS": "subjects/{slug}/feed.rss.xml",
    "GLOSSARY_URL": "words/",
    "GLOSSARY_SAVE_AS": "words/index.html",
    "CPD_URL": "record/{slug}/",
    "CPD_SAVE_AS": "record/{slug}/index.html",
    "SEARCH_URL": "find/",
    "SEARCH_SAVE_AS": "find/index.html",
}
OLD_FOLDERS = ("topics", "glossary", "cpd", "search")
_EXTERNAL = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|//|#)", re.IGNORECASE)


@pytest.fixture(scope="module")
def moved_site(tmp_path_factory):
    # The About page's own Markdown links to the topics and search pages are the author's
    # text, which no setting rewrites: moved here as an author moving the pages would.
    content = tmp_path_factory.mktemp("moved-content") / "site"
    shutil.copytree(FIXTURES / "site", content)
    about = content / "pages" / "about.md"
    text = about.read_text(encoding="utf-8")
    for old, new in (("(../topics/)", "(../subjects/)"), ("(../search/)", "(../find/)")):
        assert old in text
        text = text.replace(old, new)
    about.write_text(text, encoding="utf-8")
    output = tmp_path_factory.mktemp("moved-addresses")
    settings = {name: json.dumps(value) for name, value in MOVED.items()}
    build_site(content, output, extra_settings=settings)
    return output


def _target(output, page, link):
    """The file LINK (an href or src on PAGE) leads to, or None for another site."""
    if _EXTERNAL.match(link):
        return None
    path = unquote(urlsplit(link).path)
    if not path:
        return None
    base = output if path.startswith("/") else page.parent
    target = (base / path.lstrip("/")).resolve()
    return target / "index.html" if link.split("#")[0].split("?")[0].endswith("/") else target


def _links(page):
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    for tag in soup.find_all(href=True):
        yield tag["href"]
    for tag in soup.find_all(src=True):
        yield tag["src"]
    for tag in soup.find_all("form", action=True):
        yield tag["action"]


@pytest.mark.slow
def test_every_internal_link_resolves_when_every_address_is_moved(moved_site):
    pages = sorted(moved_site.rglob("*.html"))
    assert len(pages) > 10
    broken = []
    for page in pages:
        for link in _links(page):
            target = _target(moved_site, page, link)
            if target is not None and not target.is_file():
                broken.append(f"{page.relative_to(moved_site)}: {link}")
    assert broken == []


@pytest.mark.slow
def test_the_moved_pages_are_written_and_linked_where_their_settings_say(moved_site):
    assert (moved_site / "subjects" / "index.html").is_file()
    assert (moved_site / "words" / "index.html").is_file()
    assert (moved_site / "find" / "index.html").is_file()
    assert any((moved_site / "record").iterdir())
    assert list((moved_site / "subjects").glob("*/index.html"))
    post = next(moved_site.glob("2009/*/*/index.html"))
    hrefs = list(_links(post))
    assert any(href.startswith("../../../subjects/") for href in hrefs), "no topic link"
    assert any(href.startswith("../../../words/#") for href in hrefs), "no glossary link"
    assert any(href.startswith("../../../record/") for href in hrefs), "no CPD link"
    nav = BeautifulSoup(post.read_text(encoding="utf-8"), "html.parser").find(
        "nav", class_="site-nav"
    )
    labels = {a.get_text(): a["href"] for a in nav.find_all("a")}
    assert labels["Topics"] == "../../../subjects/"
    assert labels["Search"] == "../../../find/"


@pytest.mark.slow
def test_nothing_is_written_under_the_old_folders(moved_site):
    assert [name for name in OLD_FOLDERS if (moved_site / name).exists()] == []


@pytest.mark.slow
def test_every_sitemap_address_is_a_page_of_the_site(moved_site):
    text = (moved_site / "sitemap.xml").read_text(encoding="utf-8")
    locs = re.findall(r"<loc>([^<]*)</loc>", text)
    assert any("/subjects/" in loc for loc in locs)
    missing = []
    for loc in locs:
        path = urlsplit(loc).path.lstrip("/")
        target = Path(moved_site, path, "index.html") if path.endswith("/") or not path else None
        target = target or Path(moved_site, path)
        if not target.is_file():
            missing.append(loc)
    assert missing == []


@pytest.mark.slow
def test_a_post_may_not_write_into_a_moved_topic_folder(tmp_path):
    content = tmp_path / "content"
    (content / "articles").mkdir(parents=True)
    (content / "articles" / "squat.md").write_text(
        "---\ntitle: Squatter\ndate: 2020-01-02\nsave_as: subjects/blame-culture/index.html\n"
        "url: subjects/blame-culture/\n---\nA post where a topic page goes.\n",
        encoding="utf-8",
    )
    settings = {name: json.dumps(value) for name, value in MOVED.items()}
    process = build_site(content, tmp_path / "output", extra_settings=settings, check=False)
    assert process.exit_code != 0
    assert "subjects/blame-culture" in process.log
