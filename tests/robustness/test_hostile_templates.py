"""Every template, rendered with hostile values in every field, prints them as text.

A small site is built whose every author-controlled field (title, author, category, tags,
summary, source, source_url, note, a page's title and summary, theme names and descriptions)
carries markup, quote tricks and entity-encoded markup, each with a numbered marker element
<x-injN>. Every page of every template, every feed and every JSON-LD block is then read: no
marker may be an element or an attribute anywhere, and the words are still there as text.
A template added to the theme without a page here fails the coverage test until it has one.
"""

from __future__ import annotations

import json
import shutil

import pytest
from bs4 import BeautifulSoup
from robust_helpers import ROOT, build_site

TEMPLATES = ROOT / "theme" / "templates"
VOCABULARY = ROOT / "tests" / "fixtures" / "hostile-content" / "themes.yaml"


def hostile(n: int) -> str:
    """A value that breaks out of text, of double- and single-quoted attributes, of <title>
    and of a JSON-LD <script>, and an entity-encoded tag a careless unescape would revive."""
    return (
        f"Words{n} \"><x-inj{n}a></x-inj{n}a>' onmouseover='x{n}' "
        f"</title></script><x-inj{n}b> &lt;x-inj{n}c&gt; {{{{ {n}*7 }}}}"
    )


def _yaml(value: str) -> str:
    return json.dumps(value)  # a JSON string is a YAML double-quoted scalar


FIELDS = {"title": 1, "author": 2, "category": 3, "summary": 4, "note": 5, "source": 6}
SOURCE_URL = 'https://news.example.org/a?b=1&c="><x-inj9>'
ARTICLE = "\n".join(
    [
        "---",
        f"title: {_yaml(hostile(1))}",
        "date: 2020-03-01 12:00",
        f"author: {_yaml(hostile(2))}",
        f"category: {_yaml(hostile(3))}",
        f"tags: [{_yaml(hostile(7))}, Supervision]",
        f"summary: {_yaml(hostile(4))}",
        f"note: {_yaml(hostile(5))}",
        "slug: hostile-fields",
        "original_url: https://chris.blogspot.com/2019/05/old-post.html",
        "---",
        "Supervision gives a social worker room to think about a family with a supervisor.",
        "",
        "A supervision session is where the supervisor listens before anything is decided.",
        "",
    ]
)
NEWS = "\n".join(
    [
        "---",
        f"title: {_yaml(hostile(8))}",
        "date: 2020-04-01 12:00",
        f"source: {_yaml(hostile(6))}",
        f"source_url: {_yaml(SOURCE_URL)}",
        "category: News",
        "slug: hostile-news",
        "---",
        "A news item about supervision and the supervisor's role.",
        "",
    ]
)
PAGE = "\n".join(
    [
        "---",
        f"title: {_yaml(hostile(10))}",
        f"summary: {_yaml(hostile(11))}",
        "slug: about",
        "---",
        "About the blog.",
        "",
    ]
)
# Each template, and a page it renders in this site.
PAGES = {
    "article.html": "2020/03/hostile-fields/index.html",
    "page.html": "about/index.html",
    "404.html": "404.html",
    "index.html": "index.html",
    "archives.html": "archives/index.html",
    "period_archives.html": "2020/index.html",
    "categories.html": "categories/index.html",
    "category.html": "category/news/index.html",
    "tags.html": "tags/index.html",
    "tag.html": "tag/words7-onmouseoverx7-x-inj7c-77/index.html",
    "authors.html": "authors/index.html",
    "author.html": "author/chris-mills/index.html",
    "search.html": "search/index.html",
    "topics.html": "topics/index.html",
    "topic.html": "topics/supervision/index.html",
    "old_address.html": "2019/05/old-post.html",  # plugins/old_addresses
    "glossary.html": "glossary/index.html",  # plugins/glossary
    "cpd.html": "cpd/hostile-fields/index.html",
}
# Templates that only others extend, import or include (base.html: every page above).
PARTIALS = {"base.html", "_listing.html", "_macros.html", "pagination.html"}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile-templates")
    content = root / "content"
    shutil.copytree(ROOT / "tests" / "fixtures" / "site" / "pages", content / "pages")
    (content / "pages" / "about.md").write_text(PAGE, encoding="utf-8")
    articles = content / "articles" / "2020"
    articles.mkdir(parents=True)
    (articles / "hostile-fields.md").write_text(ARTICLE, encoding="utf-8")
    (articles / "hostile-news.md").write_text(NEWS, encoding="utf-8")
    output = root / "out"
    build_site(content, output, extra_settings={"THEMES_VOCABULARY": json.dumps(str(VOCABULARY))})
    return output


def test_every_template_has_a_page_in_this_site(site):
    templates = {p.name for p in TEMPLATES.glob("*.html")} - PARTIALS
    assert templates <= set(PAGES), f"add a page for {sorted(templates - set(PAGES))} to PAGES"
    missing = [page for page in PAGES.values() if not (site / page).is_file()]
    # The category and author pages of the hostile names exist under their slugs.
    assert missing == [], missing


def _injected(soup):
    found = [tag.name for tag in soup.find_all(lambda t: t.name.startswith("x-inj"))]
    for tag in soup.find_all(True):
        found += [f"{tag.name}[{name}]" for name in tag.attrs if name.startswith(("x-inj", "on"))]
    return found


def test_no_page_of_any_template_gains_an_element_or_attribute(site):
    problems = {}
    for path in sorted(site.rglob("*.html")):
        if "pagefind" in path.parts:
            continue
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        found = _injected(soup)
        for script in soup.find_all("script", type="application/ld+json"):
            json.loads(script.string)
            assert "</" not in script.string, path
        if found:
            problems[str(path.relative_to(site))] = found
    assert problems == {}


def test_no_feed_gains_an_element(site):
    problems = {}
    for path in sorted(site.rglob("*.xml")):
        feed = BeautifulSoup(path.read_text(encoding="utf-8"), "xml")
        found = _injected(feed)
        # Feed readers render these as HTML (titles are text in Atom and RSS alike).
        for element in feed.find_all(["content", "summary", "description"]):
            found += _injected(BeautifulSoup(element.get_text(), "html.parser"))
        if found:
            problems[str(path.relative_to(site))] = found
    assert problems == {}


@pytest.mark.parametrize(("field", "n"), sorted(FIELDS.items()))
def test_each_field_is_shown_as_the_words_the_author_wrote(site, field, n):
    page = {"source": "2020/04/hostile-news/index.html", "summary": "index.html"}.get(
        field, PAGES["article.html"]
    )
    soup = BeautifulSoup((site / page).read_text(encoding="utf-8"), "html.parser")
    text = " ".join(soup.get_text(" ").split())
    assert f"Words{n} " in text
    assert f"x-inj{n}b>" in text or f"x-inj{n}a>" in text


def test_the_topic_page_shows_the_quotes_author_as_text(site):
    soup = BeautifulSoup((site / PAGES["topic.html"]).read_text(encoding="utf-8"), "html.parser")
    caption = soup.find("figcaption")
    assert caption is not None, "the topic page has a key quote"
    assert "Words2" in caption.get_text() and _injected(caption) == []
