"""Plain-function checks: the safe_html core, the page scanner, and importer text edge cases."""

from __future__ import annotations

import codecs

import pytest
from robust_helpers import ROOT  # noqa: F401
from test_hostile_content import script_problems

from importer.blogger import parse_archive
from importer.decode import decode
from plugins.safe_html import clean, is_unsafe_url, neutralise_urls, strip_comments


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        " javascript:alert(1)",
        "java\tscript:alert(1)",
        "jav&#x61;script:alert(1)",
        "&#106;avascript:alert(1)",
        "vbscript:msgbox(1)",
        "data:text/html,<script>alert(1)</script>",
        "data:image/svg+xml,<svg onload=alert(1)>",
    ],
)
def test_script_urls_are_unsafe(url):
    assert is_unsafe_url(url)


@pytest.mark.parametrize(
    "url",
    ["https://example.org/", "/about/", "#top", "mailto:a@b.org", "data:image/png;base64,AA=="],
)
def test_ordinary_urls_are_kept(url):
    assert not is_unsafe_url(url)


def test_neutralise_keeps_the_words_and_the_safe_attributes():
    fragment = (
        '<p><a class="x" href="javascript:alert(1)" title="t">words</a> '
        "<img src='vbscript:x' alt=pic> <a href=https://example.org/>ok</a></p>"
    )
    cleaned, removed = neutralise_urls(fragment)
    assert cleaned == (
        '<p><a class="x" title="t">words</a> <img alt=pic> <a href=https://example.org/>ok</a></p>'
    )
    assert removed == ["javascript:alert(1)", "vbscript:x"]


def test_text_that_mentions_javascript_is_left_alone():
    text = "<p>Type javascript:alert(1) into href=&quot;...&quot; and see.</p>"
    assert clean(text) == (text, [])


def test_comments_are_dropped_and_an_unclosed_one_takes_nothing_visible():
    assert strip_comments("<p>a<!-- private: the family's name -->b</p>") == "<p>ab</p>"
    assert strip_comments("<p>a</p><!-- never closed") == "<p>a</p>"


def test_the_page_scanner_finds_each_kind_of_script():
    assert script_problems("<p>fine</p><script src='/theme/js/search.js'></script>", "x") == []
    for bad in (
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        '<a href=" JAVASCRIPT:alert(1)">x</a>',
        '<script src="https://cdn.example.org/x.js"></script>',
        '<iframe src="data:text/html,<b>x</b>"></iframe>',
    ):
        assert script_problems(bad, "x"), bad


def test_a_bom_in_the_middle_of_an_archive_does_not_hide_a_date_line():
    # Two archive pages pasted together: the second keeps its BOM in front of its date line.
    data = (
        codecs.BOM_UTF8
        + b"Thursday, 26 July 2018\n\nFirst post\n\nBody one.\n\n"
        + codecs.BOM_UTF8
        + b"Friday, 27 July 2018\n\nSecond post\n\nBody two.\n"
    )
    text, _ = decode(data, "pasted.txt")
    posts = parse_archive(text, "pasted.txt", {}, warn=lambda message: None)
    assert [(p.title, p.date.day) for p in posts] == [("First post", 26), ("Second post", 27)]
    assert "Friday" not in " ".join(str(block) for block in posts[0].body)
