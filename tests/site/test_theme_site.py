"""Whole-site tests of the theme: build tests/fixtures/site and read the HTML as a reader would."""

import json
import math
import re
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest
from sitepages import PUBLISH_URL, ROOT, SITE, html_files, parse

from tests.sitebuild import build_site

STYLESHEET = ROOT / "theme" / "static" / "css" / "site.css"


def page(output, url):
    """Parse the page published at URL (a clean folder URL or a file name)."""
    path = Path(output) / url
    if url == "" or url.endswith("/"):
        path = path / "index.html"
    assert path.is_file(), f"no page at /{url}"
    return parse(path)


def post_links(node, posts):
    """The posts (by URL) that NODE (a page's <main> when given a whole page) links to."""
    urls = {post["url"] for post in posts}
    found = set()
    for link in (node.main or node).find_all("a", href=True):
        path = urlsplit(link["href"]).path
        for url in urls:
            if path.endswith("/" + url) or path == url:
                found.add(url)
    return found


def text(node):
    return " ".join(node.get_text(" ").split())


# Articles


def test_every_article_has_its_page_with_title_and_date(fixture_site, fixture_posts):
    assert len(fixture_posts) >= 5
    for post in fixture_posts:
        soup = page(fixture_site, post["url"])
        assert text(soup.main.h1) == post["title"]
        # Quotes and ampersands survive into <title> and attributes without breaking them.
        assert soup.title.get_text().startswith(post["title"] + " · ")
        assert soup.find("meta", property="og:title")["content"].startswith(post["title"])
        times = soup.main.find_all("time", datetime=True)
        assert any(t["datetime"].startswith(post["day"]) for t in times), post["url"]
        day, month, year = int(post["day"][8:]), int(post["day"][5:7]), post["year"]
        month_name = [
            "January", "February", "March", "April", "May", "June", "July",
            "August", "September", "October", "November", "December",
        ][month - 1]  # fmt: skip
        assert f"{day} {month_name} {year}" in text(soup.main)


def shown_tags(output, post):
    """The tag names an article's page links to."""
    terms = page(output, post["url"]).main.find(class_="post-terms")
    return {text(a) for a in terms.find_all("a", rel="tag")}


def test_article_shows_category_tags_and_reading_time(fixture_site, bare_site, fixture_posts):
    for post in fixture_posts:
        soup = page(fixture_site, post["url"])
        assert re.search(r"\b\d+ min read\b", text(soup.main)), post["url"]
        assert post["category"] in text(soup.main.find(class_="post-terms"))
        # Without the themes plugin every tag is shown; with it, tags that name a theme
        # are shown as themes instead, so the tags shown are some of the author's.
        assert shown_tags(bare_site, post) == set(post["tags"]), post["url"]
        assert shown_tags(fixture_site, post) <= set(post["tags"]), post["url"]


def test_reflection_shows_author_link_and_news_shows_source(fixture_site, fixture_posts):
    for post in fixture_posts:
        soup = page(fixture_site, post["url"])
        byline = soup.main.find(class_="byline")
        if post.get("source"):
            link = byline.find("a", href=post["source_url"])
            assert text(byline).startswith("Source:")
            assert link is not None and text(link) == post["source"]
        else:
            assert text(byline) == f"By {post['author']}"
            assert "author/" in byline.a["href"]


def test_news_post_says_its_date_is_estimated_and_why(fixture_site, fixture_posts):
    estimated = [post for post in fixture_posts if post.get("date_estimated")]
    assert estimated, "the fixture needs a news post with date_estimated: true"
    for post in estimated:
        soup = page(fixture_site, post["url"])
        body = text(soup.main.find(class_="post-header"))
        assert "date estimated" in body.lower()
        assert "The date of this post is estimated" in body
        assert " ".join(post["note"].split()) in body
    exact = [post for post in fixture_posts if not post.get("date_estimated")]
    for post in exact:
        header = page(fixture_site, post["url"]).main.find(class_="post-header")
        assert "estimated" not in text(header).lower()


def test_previous_and_next_link_neighbouring_posts(fixture_site, fixture_posts):
    # In the "Previous and next posts" nav, or in "Related posts" when the neighbour is related
    # too (each post is listed once after the text): either way one link, rel="prev"/"next".
    for index, post in enumerate(fixture_posts):
        main = page(fixture_site, post["url"]).main
        older = fixture_posts[index + 1] if index + 1 < len(fixture_posts) else None
        newer = fixture_posts[index - 1] if index > 0 else None
        prevs, nexts = main.find_all("a", rel="prev"), main.find_all("a", rel="next")
        assert len(prevs) <= 1 and len(nexts) <= 1, post["url"]
        assert (text(prevs[0]) if prevs else None) == (older["title"] if older else None)
        assert (text(nexts[0]) if nexts else None) == (newer["title"] if newer else None)
        for link, label in ((prevs, "Previous post"), (nexts, "Next post")):
            if link:
                assert label in text(link[0].find_parent("li")), post["url"]


def article_pages(output):
    """{url: page} of every article page of a built site."""
    return {
        path.parent.relative_to(output).as_posix() + "/": parse(path)
        for path in sorted(Path(output).glob("[0-9][0-9][0-9][0-9]/[0-9][0-9]/*/index.html"))
    }


def posts_after_the_body(soup, urls):
    """The posts (by URL, in order, repeats kept) linked after an article's text."""
    body = soup.main.find(class_="post-body")
    found = []
    for link in body.find_all_next("a", href=True):
        if link.find_parent("main") is None:
            break
        path = urlsplit(link["href"]).path
        found += [url for url in urls if path.endswith("/" + url) or path == url]
    return found


@pytest.mark.parametrize("site", ["fixture_site", "real_site"])
def test_the_end_of_an_article_lists_each_post_once_related_first(site, request):
    output = request.getfixturevalue(site)
    pages = article_pages(output)
    with_related = 0
    for url, soup in pages.items():
        listed = posts_after_the_body(soup, pages)
        assert len(listed) == len(set(listed)), f"{url} lists a post twice: {listed}"
        assert url not in listed
        related = soup.main.find("section", class_="related")
        if related is None:
            continue
        with_related += 1
        # The ranked related posts come first; neighbours not related follow them.
        ranked = posts_after_the_body(soup, pages)[: len(related.find_all("li"))]
        first = [a["href"] for a in related.select("li > a")]
        assert len(ranked) == len(first)
        for href, post in zip(first, ranked, strict=True):
            assert urlsplit(href).path.endswith("/" + post), url
    assert with_related, "no article has related posts: the test checks nothing"


def test_article_has_json_ld_blogposting(fixture_site, fixture_posts):
    for post in fixture_posts:
        soup = page(fixture_site, post["url"])
        data = json.loads(soup.find("script", type="application/ld+json").string)
        assert data["@type"] == "BlogPosting"
        assert data["headline"] == post["title"]
        assert data["datePublished"].startswith(post["day"])
        expected_author = post.get("source") or post.get("author")
        authors = data["author"] if isinstance(data["author"], list) else [data["author"]]
        assert [a["name"] for a in authors] == [expected_author]
        # tojson escapes what could close the script element early.
        assert "</" not in soup.find("script", type="application/ld+json").string


def test_themes_and_related_posts_render_when_plugins_set_them(probe_site, fixture_posts):
    with_data = 0
    for post in fixture_posts:
        soup = page(probe_site, post["url"])
        terms = soup.main.find(class_="post-terms")
        related = soup.main.find("section", class_="related")
        if "Themes" not in text(terms):
            assert related is None  # the probe clears both on one article
            continue
        with_data += 1
        themes = {text(a): a["href"] for a in terms.find_all("a") if "topics/" in a["href"]}
        assert set(themes) == {"Blame culture", "Learning <organisations>"}
        assert all(
            href.endswith(("topics/blame-culture/", "topics/learning/")) for href in themes.values()
        )
        assert text(related.h2) == "Related posts"
        reasons = [text(p) for p in related.find_all(class_="reason")]
        assert reasons == [f"Probe reason {n} for {post['slug']}" for n in range(2)]
    assert with_data == len(fixture_posts) - 1


def test_without_plugins_no_empty_themes_or_related(bare_site, fixture_posts):
    for post in fixture_posts:
        soup = page(bare_site, post["url"])
        assert "Themes" not in text(soup.main.find(class_="post-terms"))
        assert soup.find(class_="related") is None


# Listings


def test_home_page_links_every_post_with_sensible_continue_links(fixture_site, fixture_posts):
    soup = page(fixture_site, "")
    assert post_links(soup, fixture_posts) == {post["url"] for post in fixture_posts}
    for link in soup.main.select(".more a"):
        assert text(link).startswith("Continue reading ")
        assert len(text(link)) > len("Continue reading ") + 3
    bare = [a for a in soup.find_all("a") if text(a).lower() in {"read more", "more", "here"}]
    assert not bare


def test_home_page_paginates_and_reaches_every_post(paginated_site, fixture_posts):
    seen, url, pages = set(), "", 0
    while url is not None:
        soup = page(paginated_site, url)
        pages += 1
        on_page = post_links(soup, fixture_posts)
        assert len(on_page) <= 2 and not on_page & seen
        seen |= on_page
        older = soup.find("a", rel="next")
        url = urljoin(url or "index.html", older["href"]).lstrip("/") if older else None
        if url is not None and pages > 1:
            assert soup.find("a", rel="prev") is not None
    assert seen == {post["url"] for post in fixture_posts}
    assert pages == math.ceil(len(fixture_posts) / 2)
    # The way back to page 1 is the clean folder URL, not index.html.
    back = page(paginated_site, "page/2/").find("a", rel="prev")["href"]
    assert not back.endswith("index.html")


def test_archives_list_every_post_under_its_year(fixture_site, fixture_posts):
    soup = page(fixture_site, "archives/")
    by_year = {}
    for section in soup.main.find_all("section", class_="archive-year"):
        year = re.match(r"\d{4}", text(section.h2)).group()
        by_year[year] = post_links(section, fixture_posts)
    expected = {}
    for post in fixture_posts:
        expected.setdefault(post["year"], set()).add(post["url"])
    assert by_year == expected
    assert list(by_year) == sorted(by_year, reverse=True)


def test_year_pages_list_exactly_that_years_posts(fixture_site, fixture_posts):
    years = {post["year"] for post in fixture_posts}
    for year in years:
        soup = page(fixture_site, f"{year}/")
        assert year in text(soup.main.h1)
        assert post_links(soup, fixture_posts) == {
            post["url"] for post in fixture_posts if post["year"] == year
        }


def listing_pages(output, index_url, name):
    """Follow the link called NAME on the index page to its listing."""
    index = page(output, index_url)
    link = next(a for a in index.main.find_all("a") if text(a) == name)
    url = urljoin(index_url, link["href"]).lstrip("/")
    return page(output, url)


def test_category_pages_list_exactly_their_posts(fixture_site, fixture_posts):
    categories = {post["category"] for post in fixture_posts}
    assert categories == {"Reflections", "News"}
    for category in categories:
        soup = listing_pages(fixture_site, "categories/", category)
        assert text(soup.main.h1) == category
        assert post_links(soup, fixture_posts) == {
            post["url"] for post in fixture_posts if post["category"] == category
        }


@pytest.mark.parametrize("build", ["fixture_site", "bare_site"])
def test_tag_pages_list_exactly_their_posts(build, fixture_posts, request):
    output = request.getfixturevalue(build)
    index = page(output, "tags/")
    names = {text(a) for a in index.main.find_all("a")}
    shown = {post["url"]: shown_tags(output, post) for post in fixture_posts}
    assert names == set().union(*shown.values())
    if build == "bare_site":
        assert names == {tag for post in fixture_posts for tag in post["tags"]}
    for tag in names:
        soup = listing_pages(output, "tags/", tag)
        assert text(soup.main.h1) == tag
        assert post_links(soup, fixture_posts) == {
            url for url, tags in shown.items() if tag in tags
        }


def test_author_page_lists_the_authors_posts(fixture_site, fixture_posts):
    soup = listing_pages(fixture_site, "authors/", "Chris Mills")
    expected = {post["url"] for post in fixture_posts if post.get("author") == "Chris Mills"}
    assert expected and expected <= post_links(soup, fixture_posts)


# Pages


@pytest.mark.parametrize(
    ("site", "expected"),
    [
        ("real_site", None),  # every tag of the blog names a theme
        ("one_tag_site", "1 tag, in alphabetical order."),
        ("fixture_site", "2 tags, in alphabetical order."),
    ],
)
def test_the_tags_page_counts_in_words_and_only_a_page_with_tags_is_linked(site, expected, request):
    output = Path(request.getfixturevalue(site))
    tags = page(output, "tags/")
    intro = text(tags.main.find(class_="page-intro"))
    listed = tags.main.select(".tag-cloud li")
    footer_links = [
        a
        for name in ("index.html", "archives/index.html", "topics/index.html")
        for a in parse(output / name).select("footer a")
    ]
    to_tags = [a for a in footer_links if a["href"].rstrip("/").endswith("tags")]
    if expected is None:
        assert not listed and intro.startswith("No tags")
        assert tags.main.find("a", href=re.compile(r"topics/$")) is not None
        assert to_tags == []
        for path in output.rglob("*.html"):
            links = parse(path).find_all("a", href=re.compile(r"(^|/)tags/?$"))
            assert links == [], f"{path.relative_to(output)} links to the empty tags page"
    else:
        assert intro == expected
        assert len(listed) == int(expected.split()[0])
        assert len(to_tags) == 3


def test_about_page(fixture_site):
    soup = page(fixture_site, "about/")
    assert text(soup.main.h1) == "About this blog"
    assert "Chris Mills" in text(soup.main)
    assert soup.find("a", attrs={"aria-current": "page"}).get_text() == "About"


def test_404_page_at_the_root_links_home_archives_and_search(fixture_site, fixture_posts):
    soup = page(fixture_site, "404.html")
    assert text(soup.main.h1) == "Page not found"
    hrefs = [a["href"] for a in soup.main.find_all("a")]
    # A server shows it at any depth, so its links start from the site root.
    assert {"/", "/archives/", "/search/"} <= set(hrefs)
    assert soup.find("link", rel="stylesheet")["href"].startswith("/")
    # It is hidden: no listing links to it, and it is not a post.
    assert "404" not in " ".join(a["href"] for a in page(fixture_site, "").find_all("a"))


# Every page


def test_every_page_has_one_h1_in_order_headings_skip_link_lang_and_landmarks(fixture_site):
    files = html_files(fixture_site)
    assert len(files) >= 20
    for name in files:
        soup = parse(fixture_site / name)
        assert soup.html.get("lang", "").lower().startswith("en"), name
        assert len(soup.find_all("h1")) == 1, name
        levels = [int(h.name[1]) for h in soup.find_all(re.compile(r"^h[1-6]$"))]
        assert levels[0] == 1, name
        for before, after in zip(levels, levels[1:], strict=False):
            assert after <= before + 1, f"{name}: h{before} followed by h{after}"
        skip = soup.body.find("a")
        assert skip["href"].startswith("#") and "skip-link" in skip.get("class", []), name
        assert soup.find(id=skip["href"][1:]).name == "main", name
        for landmark in ("header", "nav", "main", "footer"):
            assert soup.find(landmark), f"{name} has no <{landmark}>"
        assert len(soup.find_all("main")) == 1, name
        assert soup.title.get_text(strip=True), name
        description = soup.find("meta", attrs={"name": "description"})
        assert description and description["content"].strip(), name
        feed = soup.find("link", rel="alternate", type="application/atom+xml")
        assert feed is not None, name
        assert soup.find("meta", property="og:title")["content"], name
        assert soup.find("meta", attrs={"name": "twitter:card"}), name


def test_titles_and_descriptions_differ_between_pages(fixture_site):
    titles = {}
    for name in html_files(fixture_site):
        title = parse(fixture_site / name).title.get_text(strip=True)
        titles.setdefault(title, []).append(name)
    assert {t: n for t, n in titles.items() if len(n) > 1} == {}


def resolve(output, name, href):
    """The file a link on page NAME points to, or None for links that leave the site."""
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or href.startswith(("mailto:", "data:")):
        return None
    if not parts.path:
        return Path(output) / name, parts.fragment
    target = unquote(parts.path)
    base = "/" if target.startswith("/") else "/" + name
    path = urljoin(base, target).lstrip("/")
    if path == "" or path.endswith("/"):
        path += "index.html"
    return Path(output) / path, parts.fragment


def test_every_internal_link_resolves(fixture_site):
    broken, checked = [], 0
    for name in html_files(fixture_site):
        soup = parse(fixture_site / name)
        for node in soup.find_all(href=True) + soup.find_all(src=True):
            href = node.get("href") or node.get("src")
            resolved = resolve(fixture_site, name, href)
            if resolved is None:
                continue
            checked += 1
            target, fragment = resolved
            if not target.is_file():
                broken.append(f"{name}: {href}")
            elif fragment and target.suffix == ".html" and parse(target).find(id=fragment) is None:
                broken.append(f"{name}: {href} (no #{fragment})")
    assert checked > 200
    assert broken == []


def test_no_requests_to_other_hosts(fixture_site, fixture_posts):
    sources = {post["source_url"] for post in fixture_posts if post.get("source_url")}
    offenders = []
    for name in html_files(fixture_site):
        soup = parse(fixture_site / name)
        # Anything the browser fetches by itself must be local.
        for node in soup.find_all(src=True):
            if urlsplit(node["src"]).netloc:
                offenders.append(f"{name}: {node.name} src={node['src']}")
        for node in soup.find_all("link", href=True):
            if urlsplit(node["href"]).netloc:
                offenders.append(f"{name}: link href={node['href']}")
        # Links readers follow may leave the site only from a post's body or its source,
        # or to the law and a glossary entry's source (plugins/glossary).
        for node in soup.find_all("a", href=True):
            if not urlsplit(node["href"]).netloc:
                continue
            in_body = node.find_parent(class_="post-body") is not None
            in_body = in_body or node.find_parent(class_=["since-written", "glossary-facts"])
            if not in_body and node["href"] not in sources:
                offenders.append(f"{name}: a href={node['href']}")
    assert offenders == []


def test_long_urls_in_text_are_allowed_to_wrap(fixture_site, fixture_posts):
    # The fixture has a post whose link text is a 100-character URL.
    long = [
        a
        for name in html_files(fixture_site)
        for a in parse(fixture_site / name).select(".post-body a")
        if len(text(a)) > 80
    ]
    assert long
    css = STYLESHEET.read_text()
    # Everything in a post but its tables (whose cells keep whole words and scroll instead:
    # tests/browser/test_reading.py::test_a_table_on_a_phone_keeps_its_words_whole...).
    assert re.search(r"\.post-body > :not\(table\)\s*\{[^}]*overflow-wrap:\s*anywhere", css)


# Production build


def test_published_build_has_canonical_and_absolute_links(published_site, fixture_posts):
    for post in fixture_posts:
        soup = page(published_site, post["url"])
        canonical = soup.find("link", rel="canonical")["href"]
        assert canonical == f"{PUBLISH_URL}/{post['url']}"
        assert soup.find("meta", property="og:url")["content"] == canonical
        data = json.loads(soup.find("script", type="application/ld+json").string)
        assert data["url"] == canonical
        stylesheet = soup.find("link", rel="stylesheet")["href"]
        assert stylesheet == f"{PUBLISH_URL}/theme/css/site.css"
    home = page(published_site, "")
    assert home.find("link", rel="canonical")["href"] == f"{PUBLISH_URL}/"
    not_found = page(published_site, "404.html")
    assert not_found.find("a", string=re.compile("archives"))["href"] == f"{PUBLISH_URL}/archives/"


def test_local_build_has_no_canonical_link(fixture_site):
    assert page(fixture_site, "").find("link", rel="canonical") is None


# Stylesheet


def test_one_small_stylesheet_without_web_fonts(fixture_site):
    sheets = list((Path(fixture_site) / "theme").rglob("*.css"))
    assert [p.name for p in sheets] == ["site.css"]
    assert sheets[0].stat().st_size < 15 * 1024
    css = sheets[0].read_text()
    assert "@font-face" not in css and "@import" not in css
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", css)
    for name in html_files(fixture_site):
        stylesheets = parse(fixture_site / name).find_all("link", rel="stylesheet")
        assert [link["href"].rsplit("/", 1)[-1] for link in stylesheets] == ["site.css"], name


def test_reading_pages_need_no_javascript(fixture_site):
    # Only the search page (its own template) may load a script; JSON-LD is data, not code.
    for name in html_files(fixture_site):
        if name.startswith(("search/", "pagefind/")):
            continue
        scripts = parse(fixture_site / name).find_all("script")
        assert all(s.get("type") == "application/ld+json" for s in scripts), name


def test_print_styles_hide_navigation_and_print_link_urls():
    css = STYLESHEET.read_text()
    start = css.index("@media print")
    block = css[start:]
    assert re.search(r"\.site-nav[^{]*\{[^}]*display:\s*none", block, re.S)
    assert "attr(href)" in block


def custom_properties(block):
    return dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{6})", block))


def luminance(colour):
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a, b):
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_colour_schemes_meet_wcag_aa(scheme):
    css = STYLESHEET.read_text()
    light = custom_properties(css[css.index(":root") : css.index("}")])
    dark_start = css.index("@media (prefers-color-scheme: dark)")
    dark = {**light, **custom_properties(css[dark_start : css.index("}", dark_start)])}
    colours = light if scheme == "light" else dark
    assert scheme == "light" or dark["bg"] != light["bg"]
    for text_colour in ("fg", "muted", "link", "link-visited", "accent"):
        for background in ("bg", "panel"):
            ratio = contrast(colours[text_colour], colours[background])
            assert ratio >= 4.5, f"{scheme}: --{text_colour} on --{background} is {ratio:.2f}:1"
    assert contrast(colours["focus"], colours["bg"]) >= 3


@pytest.mark.parametrize("name", ["about.md", "404.md"])
def test_fixture_pages_are_copies_of_the_blogs_pages(name):
    fixture = ROOT / "tests" / "fixtures" / "site" / "pages" / name
    assert fixture.read_bytes() == (ROOT / "content" / "pages" / name).read_bytes()


def _about_links(output, url=""):
    nav = page(output, url).find("nav", class_="site-nav")
    return [link["href"] for link in nav.find_all("a") if link.get_text() == "About"]


def test_the_about_link_goes_where_page_url_puts_the_about_page(tmp_path):
    settings = {"PAGE_URL": '"pages/{slug}.html"', "PAGE_SAVE_AS": '"pages/{slug}.html"'}
    build_site(SITE, tmp_path, extra_settings=settings)
    assert (tmp_path / "pages" / "about.html").is_file()
    assert _about_links(tmp_path) == ["./pages/about.html"]
    assert _about_links(tmp_path, "archives/") == ["../pages/about.html"]


def test_a_site_without_an_about_page_has_no_about_link(tmp_path):
    build_site(ROOT / "tests" / "fixtures" / "topics-site", tmp_path)
    assert not (tmp_path / "about").exists()
    assert _about_links(tmp_path) == []
    assert _about_links(tmp_path, "archives/") == []
