"""Feeds escape a long post once for all of them, and still write what feedgenerator writes."""

import datetime as dt
import xml.sax.saxutils
from types import SimpleNamespace

import pytest
from feedgenerator import Atom1Feed, Rss201rev2Feed
from feedgenerator.django.utils.xmlutils import UnserializableContentError
from pelican.writers import Writer

from plugins.build_speed import ParallelWriter
from plugins.build_speed.feed_text import LONG, FeedTexts, escaping_once

LONG_BODY = (
    "<p>Tom &amp; Jerry said “a < b > c” & more — café, naïve, 🙂.</p>\n" * 200
    + "<blockquote><p>]]> and &lt;script&gt; stay text</p></blockquote>"
)
SUMMARY = "<p>A short summary &amp; a <em>word</em>.</p>"


def _feed(kind, items):
    feed = kind(
        title="Reflections", link="https://example.org/", description="A blog", feed_url="f"
    )
    for number, (content, description) in enumerate(items):
        feed.add_item(
            title=f"Post {number} & <more>",
            link=f"https://example.org/{number}/",
            description=description,
            content=content,
            pubdate=dt.datetime(2020, 3, number + 1, tzinfo=dt.UTC),
            updateddate=dt.datetime(2020, 4, 1, tzinfo=dt.UTC),
            unique_id=f"tag:example.org,2020:{number}",
            author_name="Chris & Sam",
            categories=["Risk", "Media & politics"],
        )
    return feed


ITEMS = [
    (LONG_BODY, SUMMARY),
    (SUMMARY, LONG_BODY),  # a long summary, a short content
    (LONG_BODY, LONG_BODY),
    ("x" * LONG, "y" * (LONG - 1)),  # just long enough, just too short
    ("", None),
    (None, "<p>only a description</p>"),
]


@pytest.mark.parametrize("kind", [Atom1Feed, Rss201rev2Feed])
def test_a_feed_escaping_once_is_byte_identical_to_feedgenerators(kind):
    texts = FeedTexts()
    expected = _feed(kind, ITEMS).writeString("utf-8")
    # Twice with the same texts: the second feed takes every long text from the first's work.
    for _ in range(2):
        assert escaping_once(_feed(kind, ITEMS), texts).writeString("utf-8") == expected


def test_a_long_text_is_escaped_once_for_every_feed_that_carries_it(monkeypatch):
    escaped = []
    original = xml.sax.saxutils.escape

    def counting(data, entities={}):  # noqa: B006 (the signature of xml.sax.saxutils.escape)
        escaped.append(data)
        return original(data, entities)

    monkeypatch.setattr(xml.sax.saxutils, "escape", counting)
    texts = FeedTexts()
    for kind in (Atom1Feed, Rss201rev2Feed, Atom1Feed, Rss201rev2Feed):
        escaping_once(_feed(kind, [(LONG_BODY, SUMMARY)]), texts).writeString("utf-8")
    assert escaped.count(LONG_BODY) == 1
    assert escaped.count(SUMMARY) == 4  # short texts are written as usual, once a feed


@pytest.mark.parametrize("bad", ["\x0b", "\x00", "\x1f", "\x08"])
def test_a_long_text_with_a_control_character_is_refused_as_feedgenerator_refuses_it(bad):
    text = LONG_BODY[:600] + bad + LONG_BODY[600:]
    texts = FeedTexts()
    for kind in (Atom1Feed, Rss201rev2Feed):  # RSS writes the description, Atom both
        with pytest.raises(UnserializableContentError):
            _feed(kind, [(text, text)]).writeString("utf-8")
        for _ in range(2):  # every time, not only the first
            with pytest.raises(UnserializableContentError):
                escaping_once(_feed(kind, [(text, text)]), texts).writeString("utf-8")


def test_a_feed_of_another_class_is_left_as_it_is():
    class Other(Atom1Feed):
        pass

    feed = _feed(Other, ITEMS[:1])
    assert type(escaping_once(feed, FeedTexts())) is Other


def _article(number, content):
    return SimpleNamespace(
        title=f"Post {number} & co",
        url=f"{number}/",
        summary=SUMMARY,
        get_content=lambda siteurl: content,
        category="Risk",
        tags=["Media"],
        author="Chris",
        date=dt.datetime(2020, 3, number + 1, tzinfo=dt.UTC),
    )


@pytest.mark.parametrize("workers", [1, 2])
def test_the_build_writer_writes_the_feeds_pelicans_writer_writes(tmp_path, workers):
    settings = {"RELATIVE_URLS": False, "FEED_APPEND_REF": False, "FEED_MAX_ITEMS": None}
    site = "https://example.org"
    context = {"SITENAME": "Reflections", "SITEURL": site, "FEED_DOMAIN": site, "localsiteurl": ""}
    articles = [_article(0, LONG_BODY), _article(1, SUMMARY), _article(2, LONG_BODY + "!")]
    plain, ours = (
        Writer(str(tmp_path / "a"), settings),
        ParallelWriter(str(tmp_path / "b"), settings),
    )
    feeds = [("all.atom.xml", "atom"), ("all.rss.xml", "rss"), ("c.atom.xml", "atom")]
    for path, kind in feeds:
        for writer in (plain, ours):
            writer.write_feed(articles, dict(context), path, feed_type=kind)
    assert not (tmp_path / "b").exists(), "queued with the pages, written by write_out"
    ours.write_out(workers)
    for path, _ in feeds:
        written = (tmp_path / "b" / path).read_bytes()
        assert written == (tmp_path / "a" / path).read_bytes()
        assert b"Tom &amp;amp; Jerry" in written


@pytest.mark.parametrize("kind", [Atom1Feed, Rss201rev2Feed])
def test_a_feed_file_gets_the_bytes_feedgenerator_writes(kind, tmp_path):
    plain, texts = tmp_path / "plain.xml", FeedTexts()
    with open(plain, "w", encoding="utf-8") as out:
        _feed(kind, ITEMS).write(out, "utf-8")
    for number in range(2):  # the second file takes the bytes the first one encoded
        ours = tmp_path / f"ours-{number}.xml"
        with open(ours, "w", encoding="utf-8") as out:
            escaping_once(_feed(kind, ITEMS), texts).write(out, "utf-8")
        assert ours.read_bytes() == plain.read_bytes()
    assert "café".encode() in plain.read_bytes()
