"""Give each article an estimated reading time in whole minutes."""

import math
import re

import jinja2.filters
from pelican import signals

from plugins import post_model
from plugins.build_speed.memo import memo_for
from plugins.reading_time.count import striptags, word_count, wordcount
from plugins.settings_table import Setting, SettingsTable, whole

WORDS_PER_MINUTE = 200
TABLE = SettingsTable(
    "reading_time",
    ("READING_TIME_",),
    [
        Setting(
            "READING_TIME_WORDS_PER_MINUTE",
            WORDS_PER_MINUTE,
            whole(1),
            "the reading speed a post's minutes are worked out with, a whole number of words",
        ),
    ],
)
_TAG = re.compile(r"<[^>]+>")


def reading_minutes(html, words_per_minute=WORDS_PER_MINUTE):
    """Minutes a reader needs for this HTML: words over reading speed, at least one."""
    words = word_count(_TAG.sub(" ", html or ""))
    return max(1, math.ceil(words / words_per_minute))


def add_reading_time(generator):
    """Set article.blog.reading_time on every article, drafts included."""
    speed = TABLE.resolve(generator.settings)["READING_TIME_WORDS_PER_MINUTE"]
    # The build memo: last build's counts for unchanged posts (`make html`, the devserver).
    memo = memo_for(generator.settings, "ReadingTime")
    for article in [*generator.articles, *generator.drafts]:
        html = article._content
        key = memo.key(speed, html)
        minutes = memo.get(key, lambda html=html: reading_minutes(html, speed))
        post_model.of(article).reading_time = minutes
    memo.save()


def faster_filters(generator):
    """Give the generator's templates the same striptags and wordcount filters, faster."""
    # The article page's JSON-LD counts the words of the whole post (striptags|wordcount):
    # Jinja's filters took half a second for a 10 MB post (bench/size.py); these give the
    # same text and count (tests/readers/test_reading_count.py).
    # A filter of the same name from JINJA_FILTERS is left as it is.
    filters = getattr(getattr(generator, "env", None), "filters", None)
    if filters is None:
        return
    if filters.get("striptags") is jinja2.filters.do_striptags:
        filters["striptags"] = striptags
    if filters.get("wordcount") is jinja2.filters.do_wordcount:
        filters["wordcount"] = wordcount


def check_settings(pelican):
    """Refuse a bad or unknown READING_TIME_* setting before anything is read."""
    TABLE.resolve(pelican.settings)


def register():
    # initialized: before any file is read, so a mistyped setting costs no build time.
    signals.initialized.connect(check_settings)
    # After all articles are read, before anything is written.
    signals.article_generator_finalized.connect(add_reading_time)
    signals.generator_init.connect(faster_filters)
