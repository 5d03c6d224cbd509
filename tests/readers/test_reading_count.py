"""Word counts (reading time, the page's wordCount) equal their plain first versions, faster."""

import re
from types import SimpleNamespace

import jinja2
from hypothesis import given, settings
from hypothesis import strategies as st
from jinja2.filters import do_striptags, do_wordcount
from markupsafe import Markup

from plugins.reading_time import faster_filters, reading_minutes
from plugins.reading_time.count import stripped_wordcount, striptags, word_count, wordcount

# The count as first written (plugins/reading_time before it counted on long text faster).
REFERENCE = re.compile(r"\w+(?:[’'-]\w+)*")


def reference_count(text):
    return len(REFERENCE.findall(text))


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_the_count_equals_the_reference_on_any_text(text):
    assert word_count(text) == reference_count(text)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "don’t",
                "rock'n'roll",
                "multi-agency",
                "café",
                "Σ",
                "x²",
                "٣",
                "_",
                "-",
                "’",
                " ",
                "\n",
                "<b>",
                "İ",
                "\u0301",
                "ǅ",
                "a",
            ]
        ),
        max_size=30,
    )
)
def test_the_count_equals_the_reference_on_words_and_joiners(parts):
    text = "".join(parts)
    assert word_count(text) == reference_count(text)


def _beyond_ascii_in_the_basic_plane():
    """Every character from U+0080 to U+FFFF but the surrogates (no text holds them alone)."""
    for point in range(0x80, 0x10000):
        if not 0xD800 <= point < 0xE000:
            yield chr(point)


def test_the_count_equals_the_reference_with_any_one_character_of_the_basic_plane():
    for char in _beyond_ascii_in_the_basic_plane():
        text = f"ab{char}cd {char}{char} ef-{char} {char}’gh {char}-{char} x{char}y’z"
        assert word_count(text) == reference_count(text), hex(ord(char))


# More kinds of punctuation beyond ASCII than the counts replace one at a time, and lone
# surrogates (text read with errors="surrogateescape"): both still counted as the regex counts.
PUNCTUATION = "".join(chr(c) for c in range(0x2010, 0x2030)) + "\ud800\udfff«»¿¡§¶"


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from([*PUNCTUATION, "don’t", "a-b", "é", " ", "x", "'"]), max_size=40))
def test_counts_with_many_kinds_of_punctuation_and_lone_surrogates(parts):
    for text in ("".join(parts), "".join(parts) + PUNCTUATION):
        assert word_count(text) == reference_count(text)
        assert wordcount(text) == do_wordcount(text)


def test_reading_minutes_count_the_words_of_a_long_post():
    paragraph = "<p>Victoria Climbié’s case: multi-agency work, don’t blame — learn.</p>\n"
    html = paragraph * 5000  # 8 words a paragraph
    assert reading_minutes(html, 200) == 200
    assert reading_minutes("", 200) == 1


MARKUP_PARTS = [
    "<p>",
    "</p>",
    "<a href='x>y'>",
    "<br/>",
    "<!-- note -->",
    "<!--",
    "-->",
    "<",
    ">",
    "<<b>",
    "&amp;",
    "&eacute;",
    "&#233;",
    "&#x20;",
    "&amp",
    "&notit;",
    "&lt;p&gt;",
    "\r",
    "\x0b",
    "\n",
    "\t",
    " ",
    "\u00a0",
    "\u2003",
    "word",
    "café",
    "Σ",
    "x²",
    "_",
    "don’t",
    "İ",
    "\u0301",
]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(MARKUP_PARTS), max_size=40))
def test_striptags_and_wordcount_equal_jinjas_on_markup(parts):
    value = "".join(parts)
    for given_value in (value, Markup(value)):
        assert striptags(given_value) == do_striptags(given_value)
        assert wordcount(given_value) == do_wordcount(given_value)
    assert wordcount(striptags(value)) == do_wordcount(do_striptags(value))
    assert stripped_wordcount(value) == do_wordcount(do_striptags(value))
    assert stripped_wordcount(Markup(value)) == do_wordcount(do_striptags(Markup(value)))


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_striptags_and_wordcount_equal_jinjas_on_any_text(value):
    assert striptags(value) == do_striptags(value)
    assert wordcount(value) == do_wordcount(value)
    assert stripped_wordcount(value) == do_wordcount(do_striptags(value))


def test_wordcount_equals_jinjas_with_any_one_character_of_the_basic_plane():
    for char in _beyond_ascii_in_the_basic_plane():
        text = f"ab{char}cd {char}{char} ef {char}_gh x{char}"
        assert wordcount(text) == do_wordcount(text), hex(ord(char))


def test_the_build_templates_use_these_filters_but_leave_a_sites_own():
    generator = SimpleNamespace(env=jinja2.Environment())
    faster_filters(generator)
    assert generator.env.filters["striptags"] is striptags
    assert generator.env.filters["wordcount"] is wordcount
    page = generator.env.from_string("{{ html|striptags|wordcount }}")
    assert page.render(html="<p>Climbié &amp; the <em>review’s</em> end</p>") == "5"
    own = jinja2.Environment()
    own.filters["striptags"] = str.upper  # a site's JINJA_FILTERS entry
    faster_filters(SimpleNamespace(env=own))
    assert own.filters["striptags"] is str.upper
    assert own.filters["wordcount"] is wordcount


def test_the_page_counts_the_words_its_author_wrote_not_the_builds_links_and_notes(tmp_path):
    # The article page's minutes and its JSON-LD wordCount count the post as read (Markdown's
    # HTML, cleaned), as striptags|wordcount counts it; not the topic links and the law's
    # "(current text)" notes the build adds after (they are the build's words, not the author's).
    import json

    from bs4 import BeautifulSoup
    from pelican import Pelican, signals
    from pelican.contents import Article
    from pelican.settings import read_settings

    from plugins import post_model
    from plugins.reading_time import page_word_count
    from tests.sitebuild import FIXTURES, ROOT

    articles, as_read = {}, {}

    def keep_as_read(instance):
        if isinstance(instance, Article):
            as_read[instance.source_path] = instance._content

    def keep(generator):
        for article in generator.articles:
            articles[article.save_as] = article

    settings = read_settings(
        str(ROOT / "pelican.conf.py"),
        override={
            "PATH": str(FIXTURES / "site"),
            "OUTPUT_PATH": str(tmp_path / "out"),
            "CACHE_PATH": str(tmp_path / "cache"),
        },
    )
    signals.content_object_init.connect(keep_as_read)
    signals.article_generator_finalized.connect(keep)
    try:
        Pelican(settings).run()
    finally:
        signals.content_object_init.disconnect(keep_as_read)
        signals.article_generator_finalized.disconnect(keep)
    template = jinja2.Environment().from_string("{{ c|striptags|wordcount }}")
    checked = noted = 0
    for save_as, article in articles.items():
        page = BeautifulSoup((tmp_path / "out" / save_as).read_text("utf-8"), "html.parser")
        ld = json.loads(page.find("script", type="application/ld+json").string)
        written = as_read[article.source_path]
        counted = post_model.of(article).word_count
        assert ld["wordCount"] == counted == page_word_count(written)
        assert str(counted) == template.render(c=Markup(written))
        minutes = page.select_one(".reading-time").get_text()
        assert minutes == f"{reading_minutes(written, 200)} min read"
        if "law-now" in article.content:  # the glossary linked the law in it
            noted += 1
            assert template.render(c=Markup(article.content)) != str(counted)
        checked += 1
    assert checked >= 3 and noted >= 1
