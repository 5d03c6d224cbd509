"""Give each article an estimated reading time in whole minutes."""

import math
import re

import jinja2.filters
from pelican import signals

from plugins import post_model
from plugins.build_speed.memo import memo_for
from plugins.build_speed.pool import answer_of, in_background, posts_worth
from plugins.reading_time.count import stripped_wordcount, striptags, word_count, wordcount
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
# The fewest posts (posts_worth: a long one counts as many) to count for which counting them
# in a forked process beside the build's next steps paid (issue 15; 1,000 posts took 0.13 s).
BACKGROUND_MIN = 200
COUNT_NICENESS = 10
# [(Background or None, posts, work, memo)]: minutes being counted (add_reading_time).
_counting = []


def reading_minutes(html, words_per_minute=WORDS_PER_MINUTE):
    """Minutes a reader needs for this HTML: words over reading speed, at least one."""
    words = word_count(_TAG.sub(" ", html or ""))
    return max(1, math.ceil(words / words_per_minute))


def page_word_count(html):
    """The words of a post's body for its page's JSON-LD, as striptags|wordcount counts them."""
    return stripped_wordcount(html)


def add_reading_time(generator):
    """Set article.blog.reading_time (and word_count) on every article, drafts included, from
    its text as its author wrote it."""
    # article_generator_pretaxonomy: every post is read, and none has the topic links and law
    # notes the themes and the glossary add later: "(current text)" after each reference to
    # the law is the build's, not words a reader is timed on or the post's wordCount.
    speed = TABLE.resolve(generator.settings)["READING_TIME_WORDS_PER_MINUTE"]
    # The build memo: last build's counts for unchanged posts (`make html`, the devserver).
    memo = memo_for(generator.settings, "ReadingTime")
    todo = []  # [(model, key, html)]: the posts not in the memo
    for article in [*generator.articles, *generator.drafts]:
        html = article._content
        key = memo.key(speed, html, "minutes and words")
        model = post_model.of(article)
        model.reading_time, model.word_count = memo.find(key) or (None, None)
        if model.reading_time is None:
            todo.append((model, key, html))

    def work():
        # Speed (issue 15): the page's word count too, here beside the build, not in the
        # template of every post's page (0.15 s of the writing at 1,000 posts).
        return [(reading_minutes(html, speed), page_word_count(html)) for _, _, html in todo]

    # Speed (issues 12 and 15): the minutes are read only when the pages are written, so a
    # forked process counts them while this one works out the themes (a 10 MB post: 0.3 s),
    # at a lower priority: the themes' work, which the build waits for first, goes first.
    size = posts_worth(html for _, _, html in todo)
    running = in_background(generator.settings, work, size, BACKGROUND_MIN, niceness=COUNT_NICENESS)
    _counting.append((running, todo, work, memo))
    if running is None:
        finish_reading_times()


def finish_reading_times(*_args):
    """Every post's minutes in place (waiting for the forked process counting them)."""
    # get_writer: nothing is written before it; add_reading_time without a process to wait for.
    while _counting:
        running, todo, work, memo = _counting.pop(0)
        for (model, key, _), value in zip(todo, answer_of(running, work), strict=True):
            model.reading_time, model.word_count = value
            memo.keep(key, value)
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
    # After all articles are read, before the themes and the glossary add to their text.
    signals.article_generator_pretaxonomy.connect(add_reading_time)
    # get_writer: every page's content is made, none written yet; the minutes are waited for.
    signals.get_writer.connect(finish_reading_times)
    signals.generator_init.connect(faster_filters)
