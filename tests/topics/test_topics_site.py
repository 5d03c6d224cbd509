"""Topic pages in a whole-site build of tests/fixtures/topics-site, read as a reader would."""

import json
import posixpath
from pathlib import Path
from urllib.parse import urlsplit

import feedparser
import pytest
import yaml
from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parents[2]

from tests.sitebuild import FIXTURES, build_site  # noqa: E402

pytestmark = pytest.mark.slow

TREE = FIXTURES / "topics-site"


def front_matter(path):
    text = path.read_text(encoding="utf-8")
    return yaml.safe_load(text.split("---")[1])


def fixture_posts():
    """Published posts of the fixture: title, date and theme slugs, from their front matter."""
    vocabulary = yaml.safe_load((TREE / "themes.yaml").read_text(encoding="utf-8"))["themes"]
    slug_of = {theme["name"]: theme["slug"] for theme in vocabulary}
    posts = []
    for path in sorted((TREE / "articles").rglob("*.md")):
        meta = front_matter(path)
        if meta.get("status", "published") != "published":
            continue
        themes = {slug_of[tag] for tag in meta.get("tags", []) if tag in slug_of}
        posts.append({"title": meta["title"], "date": str(meta["date"]), "themes": themes})
    return vocabulary, posts


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    output = tmp_path_factory.mktemp("topics-site")
    build_site(
        TREE,
        output,
        extra_settings={"THEMES_VOCABULARY": json.dumps(str(TREE / "themes.yaml"))},
    )
    return output


def page(site, path):
    return BeautifulSoup((site / path).read_text(encoding="utf-8"), "html.parser")


def resolve(site, from_path, href):
    """The output file a relative link on FROM_PATH points at."""
    target = posixpath.normpath(posixpath.join(posixpath.dirname(from_path), urlsplit(href).path))
    file = site / target
    return file / "index.html" if file.is_dir() else file


def test_each_topic_page_lists_exactly_the_posts_carrying_its_theme(site):
    vocabulary, posts = fixture_posts()
    for theme in vocabulary:
        soup = page(site, f"topics/{theme['slug']}/index.html")
        listed = [a.get_text(strip=True) for a in soup.select("main .post-list a")]
        carrying = sorted(
            (p for p in posts if theme["slug"] in p["themes"]), key=lambda p: p["date"]
        )
        # Newest first, and each title once.
        assert listed == [p["title"] for p in reversed(carrying)], theme["slug"]
        assert soup.find("h1").get_text(strip=True) == theme["name"]
        assert " ".join(theme["description"].split()) in soup.get_text(" ", strip=True)


def test_posts_are_grouped_by_year_newest_year_first(site):
    soup = page(site, "topics/ofsted/index.html")
    years = [h.get_text(" ", strip=True).split()[0] for h in soup.select("main section h2[id^=y]")]
    assert years == sorted(set(years), reverse=True)
    assert "2019" in years and "2020" in years


def test_a_theme_without_posts_still_has_a_page_that_says_so(site):
    soup = page(site, "topics/workforce/index.html")
    assert "No posts carry this theme yet." in soup.get_text(" ", strip=True)
    assert not soup.select("main .post-list a")
    feed = feedparser.parse((site / "topics/workforce/feed.atom.xml").read_bytes())
    assert not feed.bozo and feed.entries == []
    # Dated by the site's newest post, not the build clock, so a rebuild writes the same bytes.
    _, posts = fixture_posts()
    newest = max(p["date"] for p in posts)  # "YYYY-MM-DD HH:MM"
    assert feed.feed.updated.startswith(newest.replace(" ", "T"))


def test_drafts_appear_on_no_topic_page_or_feed(site):
    for path in (site / "topics").rglob("*"):
        if path.is_file():
            assert "A Draft About Blame" not in path.read_text(encoding="utf-8"), path


@pytest.mark.parametrize("kind", ["atom", "rss"])
def test_topic_feeds_parse_and_hold_the_themes_posts(site, kind):
    vocabulary, posts = fixture_posts()
    for theme in vocabulary:
        feed = feedparser.parse((site / f"topics/{theme['slug']}/feed.{kind}.xml").read_bytes())
        assert not feed.bozo, feed.bozo_exception
        assert feed.version.startswith(kind)
        assert theme["name"] in feed.feed.title
        expected = {p["title"] for p in posts if theme["slug"] in p["themes"]}
        assert {entry.title for entry in feed.entries} == expected


@pytest.mark.parametrize("kind", ["atom", "rss"])
def test_the_head_links_the_topic_feed_for_auto_discovery(site, kind):
    path = "topics/blame-culture/index.html"
    links = page(site, path).select(f'head link[rel=alternate][type="application/{kind}+xml"]')
    topic_links = [link for link in links if "Blame culture" in link.get("title", "")]
    assert len(topic_links) == 1
    target = resolve(site, path, topic_links[0]["href"])
    assert target == site / f"topics/blame-culture/feed.{kind}.xml" and target.exists()


def test_topics_index_lists_every_theme_with_description_and_count(site):
    vocabulary, posts = fixture_posts()
    soup = page(site, "topics/index.html")
    items = soup.select("main .topic-index > li")
    assert [li.find("a").get_text(strip=True) for li in items] == [t["name"] for t in vocabulary]
    for li, theme in zip(items, vocabulary, strict=True):
        count = sum(theme["slug"] in p["themes"] for p in posts)
        text = li.get_text(" ", strip=True)
        assert (f"{count} post" in text) if count else ("no posts yet" in text)
        assert " ".join(theme["description"].split()) in text
        assert resolve(site, "topics/index.html", li.find("a")["href"]).exists()


def test_topics_index_has_an_accessible_svg_map_and_a_table(site):
    vocabulary, posts = fixture_posts()
    soup = page(site, "topics/index.html")
    svg = soup.select_one("main svg")
    assert svg is not None and svg["role"] == "img"
    labelled_by = svg["aria-labelledby"].split()
    assert soup.find(id=labelled_by[0]).name == "title"
    assert soup.find(id=labelled_by[1]).name == "desc"
    labels = " ".join(t.get_text(" ", strip=True) for t in svg.find_all("text"))
    for theme in vocabulary:
        carried = any(theme["slug"] in p["themes"] for p in posts)
        # Themes with posts are drawn and labelled in text; an empty one is not drawn.
        assert (theme["name"].split()[0] in labels) == carried, theme["slug"]
    assert not soup.find("script", src=True) or all(
        not s["src"].startswith("http") for s in soup.find_all("script", src=True)
    )
    rows = soup.select("main table tbody tr")
    # blame+scr, blame+ofsted, scr+ofsted: each pair shares exactly one post in the fixture.
    pairs = {frozenset((a, b)) for p in posts for a in p["themes"] for b in p["themes"] if a < b}
    assert len(rows) == len(pairs)


def test_topic_page_shows_themes_found_alongside_with_counts(site):
    soup = page(site, "topics/ofsted/index.html")
    items = soup.select("main .topic-alongside li")
    texts = [li.get_text(" ", strip=True) for li in items]
    assert texts == [
        "Blame culture in 1 of these posts",
        "Serious case reviews in 1 of these posts",
    ]


def test_topic_page_credits_and_links_its_key_quote(site):
    soup = page(site, "topics/blame-culture/index.html")
    quote = soup.select_one("main .key-quote")
    assert "A blame culture does not make children safer" in quote.blockquote.get_text()
    credit = quote.figcaption.find("a")
    assert credit.get_text(strip=True) == "Learning Without Blame"
    assert resolve(site, "topics/blame-culture/index.html", credit["href"]).exists()


@pytest.fixture(scope="module")
def site_without_related(tmp_path_factory):
    """The fixture with related posts off, so the posts either side in each theme show."""
    output = tmp_path_factory.mktemp("topics-site-no-related")
    settings = {
        "THEMES_VOCABULARY": json.dumps(str(TREE / "themes.yaml")),
        "RELATED_POSTS_MAX": "0",
    }
    build_site(TREE, output, extra_settings=settings)
    return output


def test_article_pages_link_previous_and_next_within_each_theme(site_without_related):
    site = site_without_related
    path = "2018/07/no-blame-culture/index.html"
    nav = page(site, path).select_one("nav.theme-neighbours")
    row = nav.find("li")
    text = row.get_text(" ", strip=True)
    assert text.startswith("More on Blame culture")
    links = {a.get_text(strip=True): a["href"] for a in row.find_all("a")}
    # Blame culture in date order: Learning Without Blame (2016), No Blame Culture (2018),
    # Inspecting Fear (2019); the draft about blame is not a neighbour.
    assert "Previous: Learning Without Blame" in text
    assert "Next: Inspecting Fear" in text
    assert resolve(site, path, links["Inspecting Fear"]).exists()
    assert Path(resolve(site, path, links["Blame culture"])).parent.name == "blame-culture"


def test_theme_neighbours_listed_as_related_posts_are_not_repeated(site):
    # Each post once after the text: the blame neighbours are related posts here, so no
    # "More on Blame culture" row repeats them.
    soup = page(site, "2018/07/no-blame-culture/index.html")
    after = soup.select_one("main .post-body").find_all_next("a", href=True)
    titles = [a.get_text(strip=True) for a in after if a.find_parent("main")]
    for title in ("Learning Without Blame", "Inspecting Fear"):
        assert titles.count(title) == 1, titles
        assert soup.select_one("section.related").find("a", string=title) is not None
    nav = soup.select_one("nav.theme-neighbours")
    assert nav is None or "More on Blame culture" not in nav.get_text(" ")


def test_absolute_siteurl_reaches_topic_pages_and_feeds(tmp_path):
    # The pages go through Pelican's writer, so SITEURL works as on every other page.
    build_site(
        TREE,
        tmp_path,
        extra_settings={
            "THEMES_VOCABULARY": json.dumps(str(TREE / "themes.yaml")),
            "SITEURL": json.dumps("https://blog.example.org"),
            "FEED_DOMAIN": json.dumps("https://blog.example.org"),
            "RELATIVE_URLS": "false",
        },
    )
    soup = page(tmp_path, "topics/blame-culture/index.html")
    hrefs = [a["href"] for a in soup.select("main .post-list a")]
    assert hrefs and all(h.startswith("https://blog.example.org/20") for h in hrefs)
    feed = feedparser.parse((tmp_path / "topics/blame-culture/feed.atom.xml").read_bytes())
    assert all(e.link.startswith("https://blog.example.org/20") for e in feed.entries)
    head = soup.select_one('head link[title*="Blame culture"]')
    assert head["href"] == "https://blog.example.org/topics/blame-culture/feed.atom.xml"


def test_key_quote_comes_from_the_blogs_own_posts_before_news(site):
    # The only news item in the fixture is about inspection and uses "Ofsted" and "inspection";
    # the key quote still comes from one of the author's reflections on the theme.
    quote = page(site, "topics/ofsted/index.html").select_one("main .key-quote")
    assert "inspect" in quote.blockquote.get_text().lower()
    assert quote.figcaption.find("a").get_text(strip=True) != "New Inspection Framework Announced"
