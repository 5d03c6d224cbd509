"""Give each article an estimated reading time in whole minutes."""

import math
import re

from pelican import signals

from plugins.build_speed.memo import memo_for

WORDS_PER_MINUTE = 200
_TAG = re.compile(r"<[^>]+>")
_WORD = re.compile(r"\w+(?:[’'-]\w+)*")


def reading_minutes(html, words_per_minute=WORDS_PER_MINUTE):
    """Minutes a reader needs for this HTML: words over reading speed, at least one."""
    words = len(_WORD.findall(_TAG.sub(" ", html or "")))
    return max(1, math.ceil(words / words_per_minute))


def add_reading_time(generator):
    """Set article.reading_time on every article, drafts included."""
    speed = generator.settings.get("READING_TIME_WORDS_PER_MINUTE", WORDS_PER_MINUTE)
    # The build memo: last build's counts for unchanged posts (`make html`, the devserver).
    memo = memo_for(generator.settings, "ReadingTime")
    for article in [*generator.articles, *generator.drafts]:
        html = article._content
        key = memo.key(speed, html)
        article.reading_time = memo.get(key, lambda html=html: reading_minutes(html, speed))
    memo.save()


def register():
    # After all articles are read, before anything is written.
    signals.article_generator_finalized.connect(add_reading_time)
