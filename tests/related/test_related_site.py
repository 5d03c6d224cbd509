"""Related posts on article pages in a whole-site build of tests/fixtures/topics-site."""

import json
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parents[2]

from tests.sitebuild import FIXTURES, build_site  # noqa: E402

pytestmark = pytest.mark.slow

TREE = FIXTURES / "topics-site"
VOCABULARY = {"THEMES_VOCABULARY": json.dumps(str(TREE / "themes.yaml"))}


@pytest.fixture(scope="module")
def themes_only(tmp_path_factory):
    """The fixture built with time and word weights off, so only shared themes rank posts."""
    output = tmp_path_factory.mktemp("related-themes-only")
    build_site(
        TREE,
        output,
        extra_settings={
            **VOCABULARY,
            "RELATED_POSTS_TIME_WEIGHT": "0",
            "RELATED_POSTS_TEXT_WEIGHT": "0",
        },
    )
    return output


def related(site, path):
    soup = BeautifulSoup((site / path).read_text(encoding="utf-8"), "html.parser")
    return [
        (li.find("a").get_text(strip=True), li.select_one(".reason").get_text(strip=True))
        for li in soup.select("section.related li")
    ]


# Six published posts. A shared theme carried by df of them weighs ln(7 / df):
#   serious case reviews  df 2  1.25   (Learning Without Blame, What Reviews Miss)
#   blame culture         df 3  0.85   (Learning Without Blame, No Blame Culture, Inspecting Fear)
#   Ofsted and inspection df 4  0.56   (After the Inspection, What Reviews Miss, Inspecting Fear,
#                                       New Inspection Framework Announced)
# The draft about blame is not published and never appears.


def test_rare_shared_theme_ranks_first_with_its_reason(themes_only):
    # What Reviews Miss shares the rarest theme (1.25) and leads; the two blame posts (0.85)
    # follow newest first. After the Inspection and the news item share nothing: not listed.
    assert related(themes_only, "2016/03/learning-without-blame/index.html") == [
        ("What Reviews Miss", "Also about: serious case reviews"),
        ("Inspecting Fear", "Also about: blame culture"),
        ("No Blame Culture", "Also about: blame culture"),
    ]


def test_equal_scores_are_ordered_newest_first(themes_only):
    # Learning Without Blame shares scr (1.25); the three Ofsted posts tie at 0.56 and come
    # newest first: the 2020 news item, Inspecting Fear (Nov 2019), After the Inspection (2017).
    assert related(themes_only, "2019/02/what-reviews-miss/index.html") == [
        ("Learning Without Blame", "Also about: serious case reviews"),
        ("New Inspection Framework Announced", "Also about: Ofsted and inspection"),
        ("Inspecting Fear", "Also about: Ofsted and inspection"),
        ("After the Inspection", "Also about: Ofsted and inspection"),
    ]


def test_related_posts_link_to_built_articles(themes_only):
    path = "2019/11/inspecting-fear/index.html"
    soup = BeautifulSoup((themes_only / path).read_text(encoding="utf-8"), "html.parser")
    links = [a["href"] for a in soup.select("section.related li > a")]
    assert len(links) == 5
    for href in links:
        assert (themes_only / "2019/11/inspecting-fear" / href / "index.html").resolve().exists()


def test_max_setting_limits_the_list(tmp_path):
    build_site(TREE, tmp_path, extra_settings={**VOCABULARY, "RELATED_POSTS_MAX": "2"})
    assert len(related(tmp_path, "2019/11/inspecting-fear/index.html")) == 2


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("RELATED_POSTS_MAX", "-1", "RELATED_POSTS_MAX = -1 is less than 0"),
        ("RELATED_POSTS_MAXIMUM", "3", "unknown setting(s) RELATED_POSTS_MAXIMUM"),
        ("TOPIC_URL", json.dumps("topics/"), "TOPIC_URL = 'topics/' has no {slug}"),
    ],
)
def test_a_bad_setting_stops_the_build_with_its_name(tmp_path, name, value, message):
    process = build_site(TREE, tmp_path, extra_settings={**VOCABULARY, name: value}, check=False)
    assert process.exit_code != 0
    assert message in " ".join(process.log.split())
