"""List up to RELATED_POSTS_MAX related posts under each article, each with the reason why."""

import logging
import re

from pelican import signals
from pelican.generators import ArticlesGenerator

from plugins import post_model
from plugins.build_speed import writes_pages_later
from plugins.build_speed.memo import memo_for
from plugins.build_speed.pool import answer_of, in_background, posts_worth
from plugins.build_speed.writer import pages_writing

from .core import (
    OperationCounter,
    Post,
    Related,
    keywords,
    reason_text,
    related,
)
from .settings import DEFAULTS, RelatedPostsSettingsError, resolve

__all__ = [
    "DEFAULTS",
    "OperationCounter",
    "Post",
    "Related",
    "RelatedPostsSettingsError",
    "add_related_posts",
    "check_settings",
    "find_keywords",
    "keywords",
    "reason_text",
    "register",
    "related",
    "theme_label",
]

logger = logging.getLogger(__name__)

# The fewest posts (posts_worth: a long one counts as many) whose keywords are to be found
# for which finding them in a forked process beside the build paid (issue 15; 1,000 posts
# took 0.25 s).
BACKGROUND_MIN = 200
# The fewest posts to rank for which ranking them in a forked process beside the build's next
# steps paid (issue 15; 1,000 posts took 0.3 s).
RANKING_MIN = 200
# How much lower the keywords' process's priority is than the build's: the themes' work, which
# the build waits for first, goes first.
KEYWORDS_NICENESS = 10
_KEPT = object()
# [_Keywords]: the keywords of this build's posts being found (find_keywords).
_finding = []
# [(Background or None, work, finish)]: rankings being worked out (add_related_posts).
_ranking = []


class _Keywords:
    """A build's articles' keywords, from the memo or being found (find_keywords)."""

    def __init__(self, memo, limit, rows, running, work):
        self.memo, self.limit, self.running, self.work = memo, limit, running, work
        self.rows = rows  # {id(article): (memo key, keywords or None: being found)}

    def take(self, articles):
        """{id(article): keywords} of ARTICLES (waiting for the process finding them); an
        article not read by find_keywords has its keywords found here, in its text now."""
        if self.running is not None:
            self.fill(answer_of(self.running, self.work))
        result = {ident: kept for ident, (_, kept) in self.rows.items()}
        for article in articles:
            if id(article) not in result:
                html = article._content
                key = self.memo.key("keywords", self.limit, html)
                result[id(article)] = self.memo.get(key, lambda h=html: keywords(h, self.limit))
        return result

    def fill(self, found):
        """Put FOUND (the keywords worked out, in the order of the rows missing them) in the
        rows, and keep them in the memo."""
        found = iter(found)
        for ident, (key, kept) in self.rows.items():
            if kept is None:
                self.rows[ident] = key, next(found)
                self.memo.keep(key, self.rows[ident][1])


def theme_label(theme):
    """A theme's name as it reads mid-sentence: 'blame culture', but 'Ofsted and inspection'.

    The first letter is lowered unless the first word is an acronym (HCPC) or the theme's own
    description capitalises it mid-sentence, which marks a proper noun (Ofsted).
    """
    name = getattr(theme, "name", str(theme))
    first = name.split(" ", 1)[0]
    if not first[:1].isupper() or (len(first) > 1 and first.isupper()):
        return name
    description = getattr(theme, "description", "") or ""
    for match in re.finditer(rf"\b{re.escape(first)}\b", description):
        before = description[: match.start()].rstrip()
        if before and before[-1] not in ".!?:":
            return name
    return name[0].lower() + name[1:]


def check_settings(pelican):
    """Fail at start, with the setting's name and a fix, when a RELATED_POSTS_* value is wrong."""
    _finding.clear()  # an earlier build's keywords (it stopped before ranking): let go
    resolve(pelican.settings)


def _ranking_key(memo, posts, options):
    """Everything the ranking depends on: the settings, and each post as ranked."""
    return memo.key(
        sorted((k, v) for k, v in options.items()),
        [(p.id, p.themes, p.date.isoformat(), sorted(p.tokens)) for p in posts],
    )


def find_keywords(generator):
    """Start finding each article's keywords in its text as its author wrote it."""
    # article_generator_pretaxonomy: every post is read, and none has the topic links and law
    # notes the themes and the glossary add later, words of the build's and not the author's.
    # Speed (bench/size.py, issue 12): found from here, in a forked process beside the
    # themes' work, not after the glossary while the posts' pages waited (a 10 MB post: 0.4 s).
    _finding.clear()
    settings = generator.settings
    limit = resolve(settings)["RELATED_POSTS_KEYWORDS"]
    # With the build cache on (make html, the devserver), the last build's keyword sets are
    # reused while the posts they came from are the same.
    memo = memo_for(settings, "RelatedPosts")
    rows, todo = {}, []
    for article in generator.articles:
        html = article._content
        key = memo.key("keywords", limit, html)
        kept = memo.find(key)
        rows[id(article)] = (key, kept)
        if kept is None:
            todo.append(html)

    def work():
        return [keywords(html, limit) for html in todo]

    running = in_background(
        settings, work, posts_worth(todo), BACKGROUND_MIN, niceness=KEYWORDS_NICENESS
    )
    finding = _Keywords(memo, limit, rows, running, work)
    if running is None and todo:  # found here now: no text is held until the ranking
        finding.fill(work())
    _finding.append(finding)


def add_related_posts(generators):
    """Set article.blog.related = [(article, 'Also about: ...')] on every published article."""
    articles_generator = next((g for g in generators if isinstance(g, ArticlesGenerator)), None)
    if articles_generator is None:
        return
    options = resolve(articles_generator.settings)
    articles = list(articles_generator.articles)
    for article in [*articles, *articles_generator.drafts]:
        post_model.of(article).related = []
    finding = _finding.pop() if _finding else None
    if not any(post_model.get(article, "themes") is not None for article in articles):
        if articles:
            logger.warning(
                "related_posts: no article has .themes; add 'plugins.themes' to PLUGINS so related "
                "posts can be found"
            )
        return

    if finding is None:  # find_keywords did not run (a generator made by hand)
        memo = memo_for(articles_generator.settings, "RelatedPosts")
        finding = _Keywords(memo, options["RELATED_POSTS_KEYWORDS"], {}, None, None)
    memo = finding.memo
    found = finding.take(articles)

    # Keyed by URL and source file: two posts that clash on a URL are the content checks' error
    # to report; here they must not crash the build (the devserver keeps serving after it).
    by_id = {}
    names = {}
    posts = []
    # article.url is formatted afresh on every read: read it once per article.
    post_ids = [(article.url, article.source_path) for article in articles]
    for article, post_id in zip(articles, post_ids, strict=True):
        themes = list(post_model.get(article, "themes", ()))
        for theme in themes:
            if theme.slug not in names:
                names[theme.slug] = theme_label(theme)
        by_id[post_id] = article
        slugs = tuple(theme.slug for theme in themes)
        posts.append(Post(id=post_id, themes=slugs, date=article.date, tokens=found[id(article)]))
    # Counting steps costs time on every pair; only worth it when the count is logged.
    counter = OperationCounter() if logger.isEnabledFor(logging.DEBUG) else None
    # The last build's ranking while the posts, themes, dates and settings are the same.
    key = None if counter is not None or not memo.enabled else _ranking_key(memo, posts, options)

    def work():
        """The ranking, or _KEPT when the memo has it."""
        if key in memo.kept:  # read only here: this may be a forked process
            return _KEPT
        return related(
            posts,
            options["RELATED_POSTS_MAX"],
            window=options["RELATED_POSTS_WINDOW"],
            time_weight=options["RELATED_POSTS_TIME_WEIGHT"],
            text_weight=options["RELATED_POSTS_TEXT_WEIGHT"],
            counter=counter,
        )

    def finish(ranking):
        if ranking is _KEPT:
            ranking = memo.find(key)
        elif key is not None:
            memo.keep(key, ranking)
        memo.save()
        for article, post_id in zip(articles, post_ids, strict=True):
            post_model.of(article).related = [
                (by_id[entry.id], reason_text(names[slug] for slug in entry.reasons))
                for entry in ranking[post_id]
            ]
        if counter is not None:
            logger.debug("related_posts: %d articles ranked in %d steps", len(posts), counter.count)

    # Speed (issue 15): the related posts are read only when the pages are written, so a
    # forked process ranks them while this one checks the site (the build's process did
    # this alone); not when only a few posts changed (the devserver), nor when counting.
    running = None
    if counter is None and key not in memo.kept:
        running = in_background(articles_generator.settings, work, len(posts), RANKING_MIN)
    _ranking.append((running, work, finish))
    if running is None:
        finish_related_posts()


def finish_before_the_writing(pelican):
    """At get_writer: finish now, unless build_speed's writer says when it starts writing."""
    # Speed (bench/): build_speed queues the pages and writes them after every generator's
    # generate_output, so the ranking is waited for there (pages_writing), not here: the
    # forked process has that much longer (~0.2 s at 1,000 posts) beside the build.
    if not writes_pages_later(pelican.settings):
        finish_related_posts()


def finish_related_posts(*_args):
    """Every article's related posts in place (waiting for the forked process ranking them)."""
    # Before any page is written; add_related_posts without a process to wait for.
    while _ranking:
        running, work, finish = _ranking.pop(0)
        finish(answer_of(running, work))


def register():
    # Checked when Pelican starts, so a typo fails the build before any content is read.
    signals.initialized.connect(check_settings)
    # article_generator_pretaxonomy: the posts are read, their text as written (find_keywords).
    signals.article_generator_pretaxonomy.connect(find_keywords)
    # all_generators_finalized: the themes plugin has set blog.themes (pretaxonomy), and no
    # page is written yet (plugins/post_model.py lists who fills what, and when).
    signals.all_generators_finalized.connect(add_related_posts)
    # get_writer, or with build_speed its pages_writing: no page is written yet; the ranking
    # is waited for.
    signals.get_writer.connect(finish_before_the_writing)
    pages_writing.connect(finish_related_posts)
