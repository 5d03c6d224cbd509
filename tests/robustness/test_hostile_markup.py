"""Markup and addresses that must never go live: the safe_html sanitiser, URL-valued front
matter, slugs, and elements that redirect or embed, from plain functions to a whole build.

Each attack comes in several variants; what the author wrote as words stays.
"""

from __future__ import annotations

import shutil
import sys

import pytest
from bs4 import BeautifulSoup
from hypothesis import given, settings
from hypothesis import strategies as st
from robust_helpers import ROOT, build_site

from plugins.author_text import allowed_url, slug_problem
from plugins.safe_html import sanitise
from plugins.yaml_metadata.reader import FrontMatterError, parse_front_matter

SANITISER = sys.modules["plugins.safe_html.sanitise"]


def _hrefs(fragment):
    soup = BeautifulSoup(fragment, "html.parser")
    return [value for tag in soup.find_all(True) for value in tag.attrs.values()]


@pytest.mark.parametrize(
    "fragment",
    [
        # A '>' inside a quoted attribute ends no tag: a regular expression thought it did.
        '<a title="x>" href="javascript:alert(1)">words</a>',
        '<a title=">" href="javascript:alert(1)">words</a>',
        "<a title='>' href='javascript:alert(1)'>words</a>",
        # Single-quoted addresses holding '>'.
        "<a href='javascript:alert(1)//>'>words</a>",
        "<a href='java>script:alert(1)'>words</a>",
        # data: documents, in any case and spacing.
        '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">words</a>',
        '<a href=" DATA:text/html,<script>alert(1)</script>">words</a>',
        '<a href="data:image/svg+xml,<svg onload=alert(1)>">words</a>',
        # Other schemes and encodings.
        '<a href="jav&#x61;script:alert(1)">words</a>',
        '<a href="java&#9;script:alert(1)">words</a>',
        '<a href="&#x6A;avascript:alert(1)">words</a>',
        '<a href="vbscript:msgbox(1)">words</a>',
        '<a href="tel:+44">words</a><a href="intent://x">words</a>',
        "<a/href=javascript:alert(1)>words</a>",
        # Every URL-valued attribute, not only href and src.
        '<button formaction="javascript:alert(1)">words</button>',
        '<img src="x.png" srcset="ok.png 1x, javascript:alert(1) 2x" alt="words">',
        '<blockquote cite="javascript:alert(1)">words</blockquote>',
        '<svg><a xlink:href="javascript:alert(1)"><text>words</text></a></svg>',
        '<svg><set attributeName="href" to="javascript:alert(1)"/>words</svg>',
        '<video poster="javascript:alert(1)">words</video>',
    ],
)
def test_every_address_that_runs_code_is_removed_and_the_words_stay(fragment):
    cleaned, removed = sanitise(fragment)
    assert removed, fragment
    for value in _hrefs(cleaned):
        assert allowed_url(str(value)) or ":" not in str(value).split("/")[0], cleaned
    assert "javascript:alert" not in cleaned.replace("&#", "")
    assert "words" in cleaned or "words" in BeautifulSoup(cleaned, "html.parser").get_text()


@pytest.mark.parametrize(
    ("fragment", "gone"),
    [
        ('<meta http-equiv="refresh" content="0;url=https://evil.example/">', "meta"),
        ('<META HTTP-EQUIV="Refresh" CONTENT="0; URL=https://evil.example/">', "meta"),
        ("<meta http-equiv=refresh content='0;url=https://evil.example/'>", "meta"),
        ('<base href="https://evil.example/">', "base"),
        ('<form action="https://evil.example/"><p>words</p></form>', "form"),
        ('<object data="https://evil.example/x.swf">words</object>', "object"),
        ('<embed src="https://evil.example/x.swf">', "embed"),
        ('<iframe src="https://evil.example/">words</iframe>', "iframe"),
        ("<iframe srcdoc='<script>alert(1)</script>'>words</iframe>", "iframe"),
    ],
)
def test_redirecting_and_embedding_elements_are_removed(fragment, gone):
    cleaned, removed = sanitise(f"<p>before</p>{fragment}<p>after</p>")
    soup = BeautifulSoup(cleaned, "html.parser")
    assert soup.find(gone) is None, cleaned
    assert [r.what for r in removed if r.kind == "element"] == [f"<{gone}>"]
    assert "before" in cleaned and "after" in cleaned
    if "words" in fragment:
        assert "words" in soup.get_text()


def test_a_setting_keeps_the_elements_it_names():
    fragment = '<iframe src="https://www.example.org/video" title="A talk"></iframe>'
    assert sanitise(fragment, allow_elements={"iframe"}) == (fragment, [])
    assert sanitise(fragment)[0] == ""


def test_differential_tricks_cannot_hide_a_tag_from_the_sanitiser():
    # Comments, CDATA and raw-text elements that browsers end earlier than a parser might.
    for fragment in (
        "<!--> <a href=javascript:alert(1)>x</a> -->",
        "<![CDATA[ > <a href=javascript:alert(1)>x</a> ]]>",
        '<textarea><a title="</textarea><img src=x onerror=alert(1)>">',
        '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
        'x <a href="javascript:alert(1)"',
        "<p>a < b and <a",
    ):
        cleaned, _ = sanitise(fragment)
        soup = BeautifulSoup(cleaned, "html.parser")
        for tag in soup.find_all(True):
            assert not any(name.startswith("on") for name in tag.attrs), cleaned
            assert all(allowed_url(str(v)) for k, v in tag.attrs.items() if k == "href"), cleaned
            assert tag.name not in ("textarea", "noscript"), cleaned


def test_plain_markdown_html_is_unchanged_byte_for_byte():
    fragment = (
        '<h2 id="part">Part</h2>\n<p>Text with <em>emphasis</em>, <a href="https://x.org/?a=1&amp;b=2"'
        ' title="A &quot;quote&quot;">a link</a>, <a href="mailto:a@b.org">mail</a>, '
        '<a href="../2018/07/x/">a post</a> &amp; <code>&lt;b&gt;</code>.</p>\n'
        '<p><img alt="a picture" src="data:image/png;base64,AA=="></p>\n<hr>\n'
    )
    assert sanitise(fragment) == (fragment, [])


_PIECES = st.sampled_from(
    [
        "<p>",
        "</p>",
        '<a href="https://example.org/">',
        '<a href="javascript:alert(1)" title="t">',
        "</a>",
        '<img src="x.png" alt="x">',
        '<img src="vbscript:x" alt="x"/>',
        '<p onclick="alert(1)" class="c">',
        '<meta http-equiv="refresh" content="0">',
        '<meta name="x" content="y">',
        '<iframe src="https://e.org/">',
        "</iframe>",
        "<form>",
        "</form>",
        "<textarea>",
        "</textarea>",
        "words ",
        "&amp; ",
        '<a href="jav&#x61;script:x">',
        '<svg><set attributeName="href" to="javascript:x"/></svg>',
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=12))
def test_the_fast_path_for_plain_tags_agrees_with_the_parser(pieces):
    fragment = "".join(pieces)
    fast = sanitise(fragment)
    # The same fragment made not plain (a trailing comment) goes through the parser.
    slow = sanitise(fragment + "<!-- x -->")
    assert fast[0] == slow[0]
    assert [(r.kind, r.what) for r in fast[1]] == [(r.kind, r.what) for r in slow[1]]


def test_the_parser_path_is_used_when_a_tag_is_not_plain():
    assert "<" in SANITISER._PLAIN_TAG.sub("", "<a href='x'>y</a>")
    assert "<" not in SANITISER._PLAIN_TAG.sub("", '<a href="x">y</a>')


# ---- front matter: addresses, slugs, paths ----------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        '"javascript:alert(1)"',
        '" javascript:alert(1)"',
        '"JaVaScRiPt:alert(1)"',
        '"data:text/html,<script>alert(1)</script>"',
        '"vbscript:msgbox(1)"',
        '"java\\tscript:alert(1)"',
        '"file:///etc/passwd"',
    ],
)
def test_a_source_url_that_is_not_a_web_address_is_an_error_with_its_line(value):
    front = f"title: T\ndate: 2020-01-01\nsource_url: {value}"
    with pytest.raises(FrontMatterError) as caught:
        parse_front_matter(front, "content/articles/2020/t.md")
    message = str(caught.value)
    assert message.startswith("content/articles/2020/t.md, line 4: 'source_url: ")
    assert "Write the address as https://..." in message
    assert "\t" not in message and "\n" not in message


@pytest.mark.parametrize(
    "value", ["https://www.gov.uk/x", "http://example.org/a?b=c", "/about/", "mailto:a@b.org"]
)
def test_web_addresses_in_source_url_pass(value):
    assert parse_front_matter(f"title: T\nsource_url: {value}")["source_url"] == value


@pytest.mark.parametrize(
    "slug",
    [
        """'x" onmouseover="alert(1)'""",
        "\"x' onfocus='alert(1)\"",
        "'a<b>c'",
        "'two words'",
        "'.hidden'",
        "'a`b'",
        "'x#y'",
        "'x?y=1'",
    ],
)
def test_a_slug_with_characters_a_url_segment_cannot_hold_is_an_error(slug):
    with pytest.raises(FrontMatterError) as caught:
        parse_front_matter(f"title: T\nslug: {slug}", "post.md")
    assert str(caught.value).startswith("post.md, line 3: 'slug: ")
    assert "Use lower-case letters, digits and hyphens" in str(caught.value)


@pytest.mark.parametrize(
    "slug", ["why-supervision-matters", "café", "cafe\u0301", "a_b.c~d", "2018"]
)
def test_ordinary_slugs_pass(slug):
    assert slug_problem(slug) is None


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("url", '"x\\" onmouseover=\\"alert(1)"'),
        ("url", "'a b/'"),
        ("save_as", ".htaccess"),
        ("save_as", "feeds/../../x.html"),
        ("url", "//evil.example/"),
        ("save_as", "'<x>.html'"),
    ],
)
def test_url_and_save_as_must_be_plain_site_paths(name, value):
    with pytest.raises(FrontMatterError) as caught:
        parse_front_matter(f"title: T\n{name}: {value}", "post.md")
    assert str(caught.value).startswith(f"post.md, line 3: '{name}: ")


# ---- a whole build ----------------------------------------------------------------------------

HOSTILE_BODY = """---
title: A post that tries to send readers elsewhere
date: 2020-03-01 12:00
author: Chris Mills
category: Reflections
tags: [Supervision]
---
Words before.

<meta http-equiv="refresh" content="0;url=https://evil.example/">
<base href="https://evil.example/">

<form action="https://evil.example/collect"><p>Form words stay.</p>
<button formaction="javascript:alert(1)">Send</button></form>

<object data="https://evil.example/x.swf"><p>Object words stay.</p></object>

<iframe src="https://evil.example/">Frame words stay.</iframe>

<p><a title="x>" href="javascript:alert(1)">Link words stay</a> and
<a href='data:text/html,<script>alert(1)</script>'>data words stay</a>.</p>

Words after.
"""


@pytest.mark.slow
def test_a_build_removes_what_redirects_or_embeds_and_names_the_post(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "tests" / "fixtures" / "site" / "pages", content / "pages")
    post = content / "articles" / "2020" / "elsewhere.md"
    post.parent.mkdir(parents=True)
    post.write_text(HOSTILE_BODY, encoding="utf-8")
    process = build_site(content, tmp_path / "out")
    log = " ".join(process.log.split())
    page = (
        tmp_path
        / "out"
        / "2020"
        / "03"
        / "a-post-that-tries-to-send-readers-elsewhere"
        / "index.html"
    )
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    body = soup.find("div", class_="post-body") or soup.find("article")
    for name in ("form", "object", "iframe", "base"):
        assert body.find(name) is None, name
    assert not [m for m in soup.find_all("meta") if m.get("http-equiv", "").lower() == "refresh"]
    text = " ".join(body.get_text().split())
    for words in (
        "Words before.",
        "Form words stay.",
        "Object words stay.",
        "Frame words stay.",
        "Link words stay",
        "data words stay",
        "Words after.",
    ):
        assert words in text, words
    for element in ("<meta>", "<base>", "<form>", "<object>", "<iframe>"):
        assert f"elsewhere.md: removed {element}" in log, element
    assert "elsewhere.md: removed the link to 'javascript:alert(1)'" in log
    assert "Fix: remove it, or allow it by name in SAFE_HTML_ALLOW_ELEMENTS" in log


@pytest.mark.slow
def test_an_unknown_safe_html_setting_stops_the_build(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "tests" / "fixtures" / "site", content)
    process = build_site(
        content, tmp_path / "out", extra_settings={"SAFE_HTML_ALLOW": '["iframe"]'}, check=False
    )
    log = " ".join(process.log.split())
    assert process.exit_code != 0
    assert (
        "unknown setting(s) SAFE_HTML_ALLOW; the safe_html plugin knows SAFE_HTML_ALLOW_ELEMENTS"
        in log
    )
    assert "Traceback" not in log
