"""The blog's thirteen imported posts, built with the project's settings, read as a reader would."""

import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import yaml
from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parents[2]
ARTICLES = ROOT / "content" / "articles"

# Text that belongs to the source sites, never to a post: Blogger's footers and share
# buttons, news sites' furniture and the publisher's address block.
FURNITURE = [
    "Comments are closed",
    "More from Community Care",
    "Posted by",
    "No comments:",
    "Email This",
    "BlogThis!",
    "Share to Twitter",
    "Share to Facebook",
    "Related articles",
    "Contact Us",
    "website design by Mackman",
    "Knowledge Gateway",
    "Tel: 01206",
]

pytestmark = pytest.mark.slow


def _posts():
    posts = []
    for path in sorted(ARTICLES.rglob("*.md")):
        front = yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])
        posts.append({"path": path, **front})
    return posts


POSTS = _posts()


def _page(site, post):
    date = str(post["date"])
    return site / date[:4] / date[5:7] / post["slug"] / "index.html"


def _soup(path):
    return BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")


def test_the_blog_has_all_thirteen_imported_posts():
    assert len(POSTS) == 13
    assert len({post["slug"] for post in POSTS}) == 13


@pytest.mark.parametrize("post", POSTS, ids=lambda post: post["slug"])
def test_every_post_has_its_page_with_title_and_date(real_site, post):
    page = _page(real_site, post)
    assert page.exists(), f"{post['path']} has no page at {page}"
    soup = _soup(page)
    assert soup.h1.get_text(" ", strip=True) == post["title"]
    time = soup.find("main").find("time")
    assert time["datetime"].startswith(str(post["date"])[:10])


@pytest.mark.parametrize("post", POSTS, ids=lambda post: post["slug"])
def test_every_post_is_listed_in_the_archives(real_site, post):
    archives = _soup(real_site / "archives" / "index.html")
    titles = [a.get_text(" ", strip=True) for a in archives.find("main").find_all("a")]
    assert post["title"] in titles


def test_no_furniture_text_leaks_into_any_page(real_site):
    leaks = []
    for page in real_site.rglob("*.html"):
        text = _soup(page).get_text(" ")
        found = [phrase for phrase in FURNITURE if phrase in text]
        leaks += [f"{page.relative_to(real_site)}: {phrase!r}" for phrase in found]
    assert not leaks


def test_news_posts_credit_and_link_their_source(real_site):
    news = [post for post in POSTS if post.get("category") == "News"]
    assert news
    for post in news:
        main = _soup(_page(real_site, post)).find("main")
        assert main.find("a", href=post["source_url"]), f"{post['slug']} does not link its source"
        assert post["source"] in main.get_text(" ")
        if post.get("date_estimated"):
            assert re.search(r"estimated", main.get_text(" "), re.I)


def test_every_internal_link_resolves(real_site):
    broken = []
    for page in real_site.rglob("*.html"):
        for tag in _soup(page).find_all(["a", "link", "script", "img"]):
            target = tag.get("href") or tag.get("src")
            if not target:
                continue
            parts = urlsplit(target)
            if parts.scheme or parts.netloc or target.startswith(("mailto:", "#")):
                continue
            path = unquote(parts.path)
            base = real_site if path.startswith("/") else page.parent
            resolved = (base / path.lstrip("/")).resolve()
            if resolved.is_dir():
                resolved = resolved / "index.html"
            if not resolved.exists():
                broken.append(f"{page.relative_to(real_site)} -> {target}")
    assert not broken, "\n".join(broken)


def _topic_links(real_site):
    for path in sorted(Path(real_site).glob("[0-9][0-9][0-9][0-9]/[0-9][0-9]/*/index.html")):
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        for link in soup.select(".post-body a.theme-link"):
            yield path.parent.name, link


def test_topic_links_name_their_topic_in_the_authors_own_words(real_site):
    """The cases readers met: evidence words linked, quoted words linked, two links in a row."""
    links = list(_topic_links(real_site))
    assert len(links) >= 20  # the blog's posts are cross-linked at all
    texts = {(slug, link.get_text()) for slug, link in links}
    for weak in [
        ("the-care-crisis", "spending on"),
        ("child-spies", "Prime Minister"),
        ("no-blame-culture", "inspection report"),
        ("basw-and-adcs-call-for-less-blame-in-serious-case-reviews", "systems approach"),
    ]:
        assert weak not in texts
    for slug, link in links:
        assert link.find_parent(["blockquote", "q", "cite"]) is None, (slug, link)
        block = link.find_parent(["p", "li"])
        before = []
        for element in block.descendants:
            if element is link:
                break
            if isinstance(element, str):
                before.append(str(element))
        before = "".join(before)
        # More quotations opened than closed before it: the link is in someone's words.
        assert before.count("“") <= before.count("”"), (slug, link, before[-80:])
        # Never side by side: words between a topic link and the next link after it.
        following = link.find_next("a")
        if following is not None and "theme-link" in following.get("class", []):
            between = []
            for element in link.next_elements:
                if element is following:
                    break
                if isinstance(element, str) and element.parent is not link:
                    between.append(str(element))
            assert re.search(r"\w", "".join(between)), (slug, link, following)
