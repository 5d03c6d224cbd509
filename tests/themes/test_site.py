"""A whole-site build of tests/fixtures/themes-crosslinks, read back with BeautifulSoup."""

import os

import pytest
from bs4 import BeautifulSoup

from tests.sitebuild import FIXTURES, build_site

pytestmark = pytest.mark.slow
TREE = FIXTURES / "themes-crosslinks"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    output = tmp_path_factory.mktemp("themes-site")
    # A wide terminal keeps Pelican's log lines (file paths included) unwrapped.
    process = build_site(TREE, output, env={**os.environ, "COLUMNS": "500"})
    return output, process.log


def page(output, path):
    return BeautifulSoup((output / path).read_text(encoding="utf-8"), "html.parser")


def theme_links(soup):
    return [(a.get_text(), a["href"], a["title"]) for a in soup.select("a.theme-link")]


def test_first_prose_mention_is_linked_relative_to_the_article(built):
    output, _ = built
    soup = page(output, "2018/07/a-culture-of-blame/index.html")
    assert theme_links(soup) == [
        ("blame culture", "../../../topics/blame-culture/", "Topic: Blame culture")
    ]
    link = soup.select_one("a.theme-link")
    assert link.find_parent(["h1", "h2", "code", "pre"]) is None
    assert "hide their mistakes" in link.parent.get_text()
    # The text a reader sees is unchanged: the second mention stays plain.
    assert "A second mention of blame culture stays plain text." in soup.get_text(" ")


def test_a_label_joins_its_theme_and_a_plain_tag_keeps_its_tag_page(built):
    output, _ = built
    soup = page(output, "2018/08/referred-again/index.html")
    assert theme_links(soup)[0][:2] == ("HCPC", "../../../topics/hcpc-referrals/")
    assert (output / "tag" / "gardening" / "index.html").exists()
    assert not (output / "tag" / "hcpc").exists()
    assert not (output / "tag" / "blame-culture").exists()


def test_an_untagged_post_gets_detected_themes_and_the_build_says_why(built):
    output, log = built
    soup = page(output, "2019/03/what-inspection-rewards/index.html")
    assert theme_links(soup)[0][1] == "../../../topics/ofsted-inspection/"
    flat = " ".join(log.split())
    assert "untagged.md has no theme tags; detected Ofsted and inspection" in flat
    assert '"inspection" x' in flat


def test_themes_exclude_removes_a_theme(built):
    output, _ = built
    hrefs = [
        h for _, h, _ in theme_links(page(output, "2019/04/inspection-and-supervision/index.html"))
    ]
    assert hrefs == ["../../../topics/supervision/"]


def test_links_resolve_wherever_the_content_is_shown(built):
    output, _ = built
    # Every page and feed gets a real URL: no placeholder survives anywhere.
    for path in output.rglob("*"):
        if path.suffix in (".html", ".xml"):
            assert "{topic}" not in path.read_text(encoding="utf-8"), path
    feed = (output / "feeds" / "all.atom.xml").read_text(encoding="utf-8")
    assert 'href="topics/blame-culture/"' in feed.replace("&quot;", '"')


def test_tags_sharing_a_slug_are_reported_with_both_files(built):
    _, log = built
    flat = " ".join(log.split())
    assert "share the slug 'gardening'" in flat
    assert "gardening.md" in flat and "hcpc.md" in flat


def test_the_off_switch_leaves_the_text_alone(tmp_path):
    build_site(TREE, tmp_path, extra_settings={"THEMES_CROSSLINKS": "false"})
    soup = page(tmp_path, "2018/07/a-culture-of-blame/index.html")
    assert soup.select("a.theme-link") == []


def test_absolute_urls_when_relative_urls_are_off(tmp_path):
    build_site(
        TREE,
        tmp_path,
        extra_settings={"RELATIVE_URLS": "false", "SITEURL": '"https://blog.example.org"'},
    )
    soup = page(tmp_path, "2018/07/a-culture-of-blame/index.html")
    assert theme_links(soup)[0][1] == "https://blog.example.org/topics/blame-culture/"


def test_a_malformed_vocabulary_stops_the_build_naming_the_entry(tmp_path):
    bad = tmp_path / "themes.yaml"
    bad.write_text("themes:\n  - slug: a\n    description: d\n", encoding="utf-8")
    process = build_site(
        TREE, tmp_path / "out", extra_settings={"THEMES_VOCABULARY": f'"{bad}"'}, check=False
    )
    assert process.exit_code != 0
    flat = " ".join(process.log.split())
    assert "entry 1 (line 2) 'a': has no name" in flat
    assert not (tmp_path / "out" / "index.html").exists()
