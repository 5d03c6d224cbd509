"""Blogger exports imported and built as a whole site, read with BeautifulSoup: nothing lost,
pictures local, comments shown safely (or hidden), old addresses sending readers on."""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

import pytest
from blogger_helpers import PELICAN_EXPORT, build, import_fixture, picture_server
from bs4 import BeautifulSoup
from importer_helpers import norm

from importer.blogger_export import read_export
from importer.html_to_markdown import text_nodes
from plugins.imported_comments import render_text

NEW = {
    "No blame culture": "2018/07/no-blame-culture/",
    "Supervision matters": "2018/03/supervision-matters/",
    "An entry without its kind": "2019/02/an-entry-without-its-kind/",
}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The fixture export imported (pictures from a local server) and built."""
    tmp = tmp_path_factory.mktemp("blogger-site")
    with picture_server(tmp / "server") as base:
        content, report = import_fixture(tmp, base)
    output = tmp / "output"
    build(content, output)
    return content, output, report


def page(output, path) -> BeautifulSoup:
    return BeautifulSoup((output / path).read_text(encoding="utf-8"), "html.parser")


def test_every_text_node_of_each_post_appears_in_its_page(site):
    _, output, report = site
    export = read_export(next(iter(report.posts.values())).source_file)
    checked = 0
    for entry in export.entries:
        if entry.draft:
            continue
        path = NEW.get(entry.title, "about-the-old-blog/") + "index.html"
        shown = norm(page(output, path).find(class_="post-body").get_text(""))
        missing = [text for text in text_nodes(entry.html) if norm(text) not in shown]
        assert missing == [], f"{entry.title}: {missing}"
        checked += 1
    assert checked == 4


def test_every_link_and_picture_of_a_post_survives(site):
    content, output, _ = site
    soup = page(output, "2018/07/no-blame-culture/index.html")
    body = soup.find(class_="post-body")
    hrefs = [a["href"] for a in body.find_all("a")]
    assert "https://www.gov.uk/government/publications/child-safeguarding-review" in hrefs
    assert "https://learningfromcp.blogspot.com/2016/01/deleted-post.html" in hrefs
    assert "https://www.youtube.com/embed/abc123XYZ" in hrefs
    base = "https://x.example/2018/07/no-blame-culture/"
    internal = {
        urlsplit(urljoin(base, h)).path + ("#" + h.split("#")[1] if "#" in h else "")
        for h in hrefs
        if not h.startswith("http")
    }
    assert {"/2018/03/supervision-matters/", "/2018/03/supervision-matters/#numbers"} <= internal
    assert body.find(id=None, string=re.compile("blogspot.com/2018")) is None
    pictures = body.find_all("img")
    assert [img.get("alt") for img in pictures] == ["A team meeting around a table", ""]
    for img in pictures:
        assert not img["src"].startswith("http")
        assert (output / "2018/07/no-blame-culture" / img["src"]).resolve().is_file()
    assert "Original: https://1.bp.blogspot.com/-gone/XYZ/AAAA/s1600/missing.png" in body.get_text()
    assert [h.name for h in body.find_all(["h2", "h3"])] == ["h2", "h3"]
    assert len(body.find_all("ol")) == 1 and len(body.find_all("ul")) == 1
    assert body.find("table").find("td").text == "2017"
    assert body.find("blockquote") is not None and body.find("br") is not None
    assert body.find("span", style=True) is None and body.find("div", style=True) is None


def test_drafts_and_scheduled_posts_are_not_published(site):
    _, output, _ = site
    built = {str(p.relative_to(output)) for p in output.rglob("*.html")}
    assert not any(
        "half-written" in p or "coming-soon" in p or "unfinished" in p
        for p in built
        if not p.startswith("drafts/")
    )
    assert (output / "about-the-old-blog/index.html").is_file()


def test_comments_show_after_the_post_escaped_with_safe_links(site):
    _, output, _ = site
    soup = page(output, "2018/03/supervision-matters/index.html")
    section = soup.find("section", class_="old-comments")
    assert section.find("h2").text == "Comments on the original blog"
    assert (
        soup.find("article", class_="post").find_next("section", class_="old-comments") is section
    )
    names = [n.text for n in section.find_all(class_="comment-author")]
    assert names == ["Jane Practitioner", "Anonymous", "Chris Mills"]
    assert [t["datetime"][:10] for t in section.find_all("time")] == [
        "2018-03-06",
        "2018-03-07",
        "2018-03-08",
    ]
    links = section.find(class_="comment-text").find_all("a") + section.find_all(
        "a", href="https://example.net/reply"
    )
    assert [a["href"] for a in links] == ["http://example.org/paper", "https://example.net/reply"]
    assert all(a["rel"] == ["nofollow", "ugc"] for a in links)
    assert section.find("b") is None and section.find("script") is None
    assert "I disagree <b>strongly</b> with this:" in section.get_text()
    assert "javascript" not in str(section)
    for html in output.rglob("*.html"):
        assert "@example.org" not in html.read_text(encoding="utf-8")
    other = page(output, "2018/07/no-blame-culture/index.html").find(class_="old-comments")
    assert other.find(class_="comment-author").text == "Sam Student"
    assert other.find("a", href="https://www.basw.co.uk/")["rel"] == ["nofollow", "ugc"]


def test_comment_text_is_escaped_and_only_web_links_are_made():
    html = str(
        render_text(
            "<img src=x onerror=alert(1)> [x](javascript:alert(1)) "
            "[paper](https://e.org/a) and https://e.org/b.\n\nSecond"
        )
    )
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert 'href="javascript' not in html
    assert '<a href="https://e.org/a" rel="nofollow ugc">paper</a>' in html
    assert '<a href="https://e.org/b" rel="nofollow ugc">https://e.org/b</a>.' in html
    assert html.count("<p>") == 2


def test_a_setting_hides_comments_site_wide_and_front_matter_per_post(site, tmp_path):
    content, _, _ = site
    hidden = tmp_path / "hidden"
    build(content, hidden, "IMPORTED_COMMENTS=false")
    assert (
        page(hidden, "2018/03/supervision-matters/index.html").find(class_="old-comments") is None
    )
    post = content / "articles/2018/supervision-matters.md"
    original = post.read_text()
    try:
        post.write_text(
            original.replace(
                "slug: supervision-matters\n", "slug: supervision-matters\nshow_comments: false\n"
            )
        )
        one = tmp_path / "one"
        build(content, one)
        assert (
            page(one, "2018/03/supervision-matters/index.html").find(class_="old-comments") is None
        )
    finally:
        post.write_text(original)


def test_old_addresses_send_readers_to_the_new_ones(site):
    _, output, _ = site
    soup = page(output, "2018/07/no-blame-culture.html")
    target = "../../2018/07/no-blame-culture/"
    assert soup.find("link", rel="canonical")["href"] == target
    assert soup.find("meta", attrs={"http-equiv": "refresh"})["content"] == f"0; url={target}"
    assert soup.find("meta", attrs={"name": "robots"})["content"] == "noindex"
    assert soup.find("main").find("a", href=target).text == "No blame culture"
    assert soup.find("script") is None
    assert (output / "p/about-the-old-blog.html").is_file()
    assert (output / "_redirects").read_text() == (
        "/2018/03/supervision-matters.html /2018/03/supervision-matters/ 301\n"
        "/2018/07/no-blame-culture.html /2018/07/no-blame-culture/ 301\n"
        "/2019/02/an-entry-without-its-kind.html /2019/02/an-entry-without-its-kind/ 301\n"
        "/p/about-the-old-blog.html /about-the-old-blog/ 301\n"
    )


def test_old_addresses_are_absolute_in_a_production_build(site, tmp_path):
    content, _, _ = site
    output = tmp_path / "publish"
    build(content, output, 'SITEURL="https://blog.example.org"', "RELATIVE_URLS=false")
    soup = page(output, "2018/07/no-blame-culture.html")
    new = "https://blog.example.org/2018/07/no-blame-culture/"
    assert soup.find("link", rel="canonical")["href"] == new
    assert soup.find("meta", attrs={"http-equiv": "refresh"})["content"] == f"0; url={new}"


def test_pelicans_own_export_imports_and_builds(tmp_path):
    with picture_server(tmp_path / "server") as base:
        content, report = import_fixture(tmp_path, base, export=PELICAN_EXPORT)
    output = tmp_path / "output"
    build(content, output)
    soup = page(output, "2010/11/the-steel-windpipe/index.html")
    assert [li.text for li in soup.find(class_="post-body").find_all("li")] == [
        "Very cold indeed.",
        "Note to self: pad out ending",
    ]
    assert soup.find(class_="comment-author").text == "Thomas Isidore Noël Sankara"
    assert (output / "test-page/index.html").is_file()
    assert (output / "2010/11/the-steel-windpipe.html").is_file()
    assert "  skipped: 58 settings, 1 template" in report.summary
