"""The topics core as plain functions: grouping, co-occurrence, neighbours, quotes, the map."""

from collections import Counter
from datetime import date

import pytest
from bs4 import BeautifulSoup

from plugins.topics import (
    DEFAULTS,
    Entry,
    MapNode,
    QuoteSource,
    TopicsSettingsError,
    alongside,
    group_by_year,
    key_quote,
    map_svg,
    neighbours,
    pair_counts,
    posts_by_theme,
    resolve,
)

ENTRIES = [
    Entry("old", ("blame", "scr"), date(2016, 3, 10)),
    Entry("mid", ("blame",), date(2018, 7, 26)),
    Entry("two", ("scr", "ofsted"), date(2019, 2, 14)),
    Entry("new", ("ofsted", "blame"), date(2019, 11, 5)),
]


def test_each_theme_lists_its_posts_newest_first_and_empty_themes_stay():
    listed = posts_by_theme(ENTRIES, ["blame", "scr", "ofsted", "workforce"])
    assert listed == {
        "blame": ["new", "mid", "old"],
        "scr": ["two", "old"],
        "ofsted": ["new", "two"],
        "workforce": [],
    }


def test_pairs_count_posts_carrying_both_themes():
    pairs = pair_counts(ENTRIES)
    assert pairs == Counter({("blame", "scr"): 1, ("ofsted", "scr"): 1, ("blame", "ofsted"): 1})
    more = pair_counts([*ENTRIES, Entry("x", ("scr", "blame"), date(2020, 1, 1))])
    # blame+scr now in two posts, so it leads; the ones tied at 1 follow in vocabulary order.
    order = ["blame", "scr", "ofsted"]
    assert alongside("blame", more, 5, order) == [("scr", 2), ("ofsted", 1)]
    assert alongside("scr", more, 1, order) == [("blame", 2)]
    assert alongside("workforce", more, 5, order) == []


def test_neighbours_are_the_older_and_newer_posts_within_each_theme():
    near = neighbours(ENTRIES)
    # "new" carries ofsted then blame (strongest first) and is the newest in both.
    assert near["new"] == [("ofsted", "two", None), ("blame", "mid", None)]
    assert near["mid"] == [("blame", "old", "new")]
    assert near["old"] == [("blame", None, "mid"), ("scr", None, "two")]


def test_group_by_year_keeps_order_within_years():
    rows = [("a", date(2019, 11, 5)), ("b", date(2019, 2, 1)), ("c", date(2016, 3, 10))]
    assert group_by_year(rows, lambda row: row[1]) == [(2019, rows[:2]), (2016, rows[2:])]


def test_key_quote_prefers_a_blockquote_on_the_theme():
    plain = QuoteSource(
        "plain",
        "<p>Short.</p><p>A blame culture makes practitioners defensive and it makes them quiet "
        "about their mistakes.</p>",
        date(2020, 1, 1),
        strongest=True,
    )
    quoted = QuoteSource(
        "quoted",
        "<p>Intro.</p><blockquote><p>When blame follows every death, practitioners learn to "
        "protect themselves before they protect children.</p></blockquote>",
        date(2016, 1, 1),
    )
    quote = key_quote([plain, quoted], ["blame", "blame culture"])
    assert quote.id == "quoted" and quote.blockquote
    assert quote.text.startswith("When blame follows every death")
    # Without the blockquote, the sentence that uses the theme's words is chosen.
    fallback = key_quote([plain], ["blame culture"])
    assert fallback.id == "plain" and not fallback.blockquote
    assert fallback.text == (
        "A blame culture makes practitioners defensive and it makes them quiet about their "
        "mistakes."
    )
    # The blog's own sentence beats a newer one from a curated news item with more hits.
    news = QuoteSource(
        "news",
        "<p>Blame culture and more blame culture was reported by the agency on Tuesday.</p>",
        date(2021, 1, 1),
        own=False,
    )
    assert key_quote([news, plain], ["blame culture", "blame"]).id == "plain"
    # Nothing on the theme, nothing chosen: no quote is better than an off-topic one.
    assert key_quote([plain], ["serious case review"]) is None


def test_map_is_static_svg_with_title_desc_and_a_label_per_theme():
    nodes = [
        MapNode("blame", "Blame culture", 3),
        MapNode("scr", "Serious case reviews", 2),
        MapNode("ofsted", "Ofsted and inspection", 2),
        MapNode("workforce", "Workforce", 0),
    ]
    svg = map_svg(nodes, pair_counts(ENTRIES), title="Theme map", description="How they meet")
    soup = BeautifulSoup(svg, "html.parser")
    root = soup.find("svg")
    assert root["role"] == "img"
    assert root.find("title").get_text() == "Theme map"
    assert root.find("desc").get_text() == "How they meet"
    labels = [" ".join(t.stripped_strings) for t in root.select("g.topic-map-nodes text")]
    assert sorted(labels) == [
        "Blame culture (3)",
        "Ofsted and inspection (2)",
        "Serious case reviews (2)",
    ]
    assert len(root.find_all("line")) == 3
    assert not soup.find("script")


def test_settings_have_defaults_and_bad_values_are_named():
    assert resolve({}) == DEFAULTS
    with pytest.raises(TopicsSettingsError, match="TOPIC_URL.*no \\{slug\\}"):
        resolve({"TOPIC_URL": "topics/"})
    with pytest.raises(TopicsSettingsError, match="TOPICS_SAVE_AS.*folder"):
        resolve({"TOPICS_SAVE_AS": "topics/"})
    with pytest.raises(TopicsSettingsError, match="unknown setting.*TOPICS_MAPMAX"):
        resolve({"TOPICS_MAPMAX": 3})
    with pytest.raises(TopicsSettingsError, match="TOPICS_ALONGSIDE_MAX"):
        resolve({"TOPICS_ALONGSIDE_MAX": "six"})


def test_key_quote_never_takes_an_off_topic_blockquote():
    off_topic = QuoteSource(
        "off-topic",
        "<blockquote><p>What we do definitely support is much better executive summaries, with "
        "recommendations in all of them.</p></blockquote>",
        date(2021, 1, 1),
        strongest=True,
    )
    on_topic = QuoteSource(
        "on-topic",
        "<p>Not having a blame culture is the first necessary step towards an organisation "
        "which can learn.</p>",
        date(2015, 1, 1),
    )
    quote = key_quote([off_topic, on_topic], ["blame culture"])
    assert quote.id == "on-topic" and not quote.blockquote
    assert key_quote([off_topic], ["blame culture"]) is None


def test_a_posts_html_is_hashed_once_for_all_its_themes_quote_keys(monkeypatch):
    # The topics generator keys each theme's quote by its posts' HTML; a 10 MB post in five
    # themes was hashed five times (bench/size.py). Its key is worked out once per build, and
    # again only for another HTML.
    from types import SimpleNamespace

    from plugins.topics import generator

    hashed = []
    real = generator.keys.key

    def counted(*parts, **options):
        hashed.append(parts)
        return real(*parts, **options)

    monkeypatch.setattr(generator.keys, "key", counted)
    state = SimpleNamespace(_html_keys={})
    html = "<p>" + "Supervision matters. " * 1000 + "</p>"
    first = generator.TopicsGenerator._html_key(state, "a/", html)
    assert all(generator.TopicsGenerator._html_key(state, "a/", html) == first for _ in range(4))
    assert len(hashed) == 1 and first == real(html)
    edited = html.replace("matters", "counts")
    assert generator.TopicsGenerator._html_key(state, "a/", edited) == real(edited) != first
    assert generator.TopicsGenerator._html_key(state, "b/", html) == first
    assert len(hashed) == 3
