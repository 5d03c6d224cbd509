"""TopicsGenerator: writes /topics/, /topics/<slug>/ and each topic's Atom and RSS feeds."""

from __future__ import annotations

import importlib
import logging
import weakref
from collections import Counter
from dataclasses import dataclass, field

from markupsafe import Markup
from pelican.generators import Generator

from plugins import post_model
from plugins.build_speed import keys
from plugins.build_speed.memo import memo_for
from plugins.build_speed.pool import answer_of, in_background, posts_worth

from . import core
from .settings import resolve

logger = logging.getLogger(__name__)

# The fewest posts (posts_worth: a long one counts as many), summed over the themes whose key
# quote is to be found, for which finding them in a forked process beside the build's next
# steps paid (issue 15; a cold build of 1,000 posts reads some 2,300, ~0.4 s). A devserver
# rebuild after an edit finds again only the quotes of the post's themes (~1,200 readings at
# 1,000 posts): in this process.
BACKGROUND_MIN = 2000
# How much lower the priority of the process finding the quotes is than the build's. Speed
# (bench/size.py, issue 12): the quotes are read by the topic pages, written after the posts'
# own pages; the reading times and related posts those pages wait for, found beside them,
# go first, and the posts' pages (and the search index after them) are not held back.
QUOTES_NICENESS = 10
_UNKNOWN = object()
# This process's topics generators whose quotes are still being found (at most the one of the
# build running); finish_pending_quotes waits for them at `finalized`.
_pending = weakref.WeakSet()


class TopicsError(RuntimeError):
    """Topics cannot be built (no themes plugin, unreadable vocabulary): says how to fix it."""


@dataclass
class Topic:
    """One theme's page, rebuilt from scratch every build: what the templates see as `topic`."""

    theme: object
    slug: str
    name: str
    description: str
    url: str
    save_as: str
    feed_url: str
    feed_save_as: str
    rss_url: str
    articles: list = field(default_factory=list)
    years: list = field(default_factory=list)
    # [(Topic, number of posts carrying both)], most first.
    alongside: list = field(default_factory=list)
    # (Markup text, article, is_blockquote) or None, once found: read `quote`.
    known_quote: tuple | None = None
    # While the quotes are still being found: what waits for them (finish_quotes).
    quote_pending: object = field(default=None, repr=False, compare=False)

    @property
    def quote(self):
        """(Markup text, article, is_blockquote) or None: the theme's key quote."""
        if self.quote_pending is not None:
            self.quote_pending()  # every topic's quote at once
        return self.known_quote

    @property
    def count(self):
        return len(self.articles)

    def __str__(self):
        return self.name


def vocabulary_for(settings, context=None):
    """The ordered themes: the themes plugin's vocabulary of this build, else THEMES_VOCABULARY."""
    shared = (context or {}).get("theme_vocabulary")
    if shared is not None:
        return list(shared)
    try:
        themes_plugin = importlib.import_module("plugins.themes")
        load_vocabulary = themes_plugin.load_vocabulary
    except (ImportError, AttributeError):
        raise TopicsError(
            "the topics plugin needs the themes plugin (it reads the theme vocabulary). "
            "Fix: add 'plugins.themes' to PLUGINS in pelican.conf.py, before 'plugins.topics'."
        ) from None
    path = settings.get("THEMES_VOCABULARY")
    if not path:
        path = importlib.import_module("plugins.themes.settings").DEFAULT_VOCABULARY
    return list(load_vocabulary(path))


class TopicsGenerator(Generator):
    """Writes the topic index, one page per theme and its Atom and RSS feeds."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Per-build state: a fresh generator is made for every build, so nothing outlives it.
        # A generator of an earlier build of this process that stopped before `finalized`
        # (the devserver goes on after a failed build) is not this build's to finish: its
        # quotes' process ends when it is let go.
        _pending.clear()
        self.topics: list[Topic] = []
        self.pairs = core.pair_counts(())
        self.options = resolve(self.settings)

    def generate_context(self):
        """Gather each theme's posts; set blog.theme_neighbours; share `topics` with templates.

        Plugin generators run after ArticlesGenerator.generate_context, which ends by sending
        article_generator_finalized (where the themes plugin sets article.themes), so every
        article already has its themes here; nothing is written until generate_output.
        """
        options = self.options
        articles = list(self.context.get("articles", ()))
        themes = vocabulary_for(self.settings, self.context)
        known = {theme.slug for theme in themes}
        for article in articles:
            for theme in post_model.get(article, "themes", ()):
                if theme.slug not in known:
                    known.add(theme.slug)
                    themes.append(theme)

        # article.url is formatted afresh on every read: read it once per article.
        urls = [article.url for article in articles]
        entries = {
            url: core.Entry(
                url,
                tuple(theme.slug for theme in post_model.get(article, "themes", ())),
                article.date,
            )
            for url, article in zip(urls, articles, strict=True)
        }
        by_url = dict(zip(urls, articles, strict=True))
        listed = core.posts_by_theme(entries.values(), [theme.slug for theme in themes])
        self.pairs = core.pair_counts(entries.values())

        self.topics = []
        by_slug = {}
        self._by_url = by_url
        self._memo = memo_for(self.settings, "TopicQuotes")
        self._quotes = []  # [(topic, sources, phrases, key)]: the quotes not in the memo
        self._html_keys = {}
        for theme in themes:
            values = {"slug": theme.slug}
            topic = Topic(
                theme=theme,
                slug=theme.slug,
                name=theme.name,
                description=theme.description,
                url=options["TOPIC_URL"].format(**values),
                save_as=options["TOPIC_SAVE_AS"].format(**values),
                feed_url=options["TOPIC_FEED_ATOM"].format(**values),
                feed_save_as=options["TOPIC_FEED_ATOM"].format(**values),
                rss_url=options["TOPIC_FEED_RSS"].format(**values),
                articles=[by_url[url] for url in listed[theme.slug]],
            )
            topic.years = core.group_by_year(topic.articles, lambda a: a.date)
            self._quote(topic, listed[theme.slug], by_url)
            self.topics.append(topic)
            by_slug[theme.slug] = topic
        order = [topic.slug for topic in self.topics]
        for topic in self.topics:
            topic.alongside = [
                (by_slug[slug], count)
                for slug, count in core.alongside(
                    topic.slug, self.pairs, options["TOPICS_ALONGSIDE_MAX"], order
                )
            ]

        near = core.neighbours(entries.values())
        for article in articles:
            post_model.of(article).theme_neighbours = [
                (
                    _theme_of(article, slug),
                    by_url.get(previous) if previous else None,
                    by_url.get(following) if following else None,
                )
                for slug, previous, following in near[article.url]
            ]
        for draft in self.context.get("drafts", ()):
            post_model.of(draft).theme_neighbours = []

        self.context["topics"] = self.topics
        self.context.update(options)
        self._html_keys = None
        # Speed (issues 12 and 15): the quotes are read only when the topic pages are written
        # (topic.quote), so a forked process works them out while this one ranks related
        # posts and checks, and the posts' pages are written; a page writer forked meanwhile
        # reads them as this process does (shared).
        work = self._quotes
        size = posts_worth(source.html for _, sources, _, _ in work for source in sources)
        self._quotes_running = in_background(
            self.settings,
            lambda: _key_quotes(work),
            size,
            BACKGROUND_MIN,
            shared=True,
            niceness=QUOTES_NICENESS,
        )
        if self._quotes_running is None:
            self._set_quotes(_key_quotes(work))
        else:
            _pending.add(self)

    def _set_quotes(self, found, keep=True):
        """Give each topic not in the memo its quote FOUND (in the order of self._quotes); KEEP
        them in the build memo."""
        for (topic, _, _, key), quote in zip(self._quotes, found, strict=True):
            if keep:
                self._memo.keep(key, quote)
            topic.known_quote, topic.quote_pending = self._as_quote(quote), None
        if keep:
            self._memo.save()
        self._memo = self._quotes = self._by_url = None

    def finish_quotes(self):
        """Every topic's quote in place (waiting for the forked process working them out)."""
        running, self._quotes_running = getattr(self, "_quotes_running", None), None
        if running is None:
            return
        _pending.discard(self)
        work = self._quotes
        # Only the build's own process keeps them: a page writer it forked is gone when done.
        found = answer_of(running, lambda: _key_quotes(work))
        self._set_quotes(found, keep=running.forked_here)

    def _quote(self, topic, urls, by_url):
        """Set topic.quote, (text, article, is_blockquote) or None, from the build memo; or
        queue the topic for finish_quotes.

        URLS are the topic's articles' URLs in the order of topic.articles; BY_URL maps each
        URL to its article.
        """
        theme = topic.theme
        phrases = [theme.name, *getattr(theme, "synonyms", ()), *getattr(theme, "phrases", ())]
        sources = [
            core.QuoteSource(
                url,
                article._content,
                article.date,
                strongest=_strongest(article) == topic.slug,
                own=not getattr(article, "source", None),
            )
            for url, article in zip(urls, topic.articles, strict=True)
        ]
        key = None
        if self._memo.enabled:
            # The last build's quote, while the theme's phrases and its posts are unchanged.
            posts = [
                (s.id, self._html_key(s.id, s.html), s.date.isoformat(), s.strongest, s.own)
                for s in sources
            ]
            key = self._memo.key("quote", phrases, posts)
        found = self._memo.find(key, _UNKNOWN)
        if found is _UNKNOWN:
            topic.quote_pending = self.finish_quotes
            self._quotes.append((topic, sources, phrases, key))
        else:
            topic.known_quote = self._as_quote(found)

    def _as_quote(self, found):
        if found is None:
            return None
        return (found.text, self._by_url[found.id], found.blockquote)

    def _html_key(self, url, html):
        """A key of a post's HTML, worked out once per build for all the post's themes."""
        # Speed (bench/size.py): a 10 MB post's HTML took 23 ms to hash, once per theme.
        known = self._html_keys.get(url)
        if known is None or known[0] is not html:
            known = self._html_keys[url] = (html, keys.key(html))
        return known[1]

    def map_svg(self):
        """The co-occurrence map of every theme with posts, as inline SVG markup."""
        nodes = [core.MapNode(t.slug, t.name, t.count) for t in self.topics]
        drawn = [t for t in self.topics if t.count]
        strongest = sorted(self.pairs.items(), key=lambda item: (-item[1], item[0]))[:3]
        names = {t.slug: t.name for t in self.topics}
        described = "; ".join(
            f"{names.get(a, a)} with {names.get(b, b)} ({n} posts)" for (a, b), n in strongest
        )
        description = (
            f"{len(drawn)} themes drawn as circles sized by their number of posts, joined by "
            f"lines as thick as the number of posts they share."
            + (f" Most often together: {described}." if described else "")
            + " The table below gives the same figures."
        )
        return Markup(
            core.map_svg(
                nodes,
                self.pairs,
                title="Map of how the blog's themes occur together",
                description=description,
                max_links=self.options["TOPICS_MAP_MAX_LINKS"],
            )
        )

    def pair_rows(self):
        """Every pair of themes that share posts: [(Topic, Topic, count)], most first."""
        by_slug = {topic.slug: topic for topic in self.topics}
        rank = {topic.slug: i for i, topic in enumerate(self.topics)}
        rows = [
            (by_slug[a], by_slug[b], n) if rank[a] <= rank[b] else (by_slug[b], by_slug[a], n)
            for (a, b), n in self.pairs.items()
            if a in by_slug and b in by_slug
        ]
        return sorted(rows, key=lambda row: (-row[2], rank[row[0].slug], rank[row[1].slug]))

    def generate_output(self, writer):
        """Write the index, each topic page and each topic feed through Pelican's writer."""
        relative = self.settings["RELATIVE_URLS"]
        writer.write_file(
            self.options["TOPICS_SAVE_AS"],
            self.get_template("topics"),
            self.context,
            relative_urls=relative,
            template_name="topics",
            url=self.options["TOPICS_URL"],
            topics=self.topics,
            topic_map=self.map_svg(),
            topic_pairs=self.pair_rows(),
        )
        template = self.get_template("topic")
        for topic in self.topics:
            writer.write_file(
                topic.save_as,
                template,
                self.context,
                relative_urls=relative,
                template_name="topic",
                url=topic.url,
                topic=topic,
            )
            writer.write_feed(
                topic.articles,
                self.context,
                topic.feed_save_as,
                topic.feed_url,
                feed_title=f"Topic: {topic.name}",
            )
            writer.write_feed(
                topic.articles,
                self.context,
                topic.rss_url,
                topic.rss_url,
                feed_type="rss",
                feed_title=f"Topic: {topic.name}",
            )


def finish_pending_quotes(*_args):
    """Wait for the quotes of a build whose topic pages did not ask for them here (a page
    writer it forked wrote them all), so that the build memo keeps them."""
    for generator in list(_pending):
        generator.finish_quotes()


def _key_quotes(work):
    """[core.key_quote] of each (topic, sources, phrases, key) of WORK, in order."""
    # A post's passages are read once for all its themes here, and let go after the last.
    uses = Counter(source.html or "" for _, sources, _, _ in work for source in sources)
    passages = core.PassageReader(uses)
    return [core.key_quote(sources, phrases, passages) for _, sources, phrases, _ in work]


def _theme_of(article, slug):
    return next(theme for theme in post_model.get(article, "themes", ()) if theme.slug == slug)


def _strongest(article):
    themes = post_model.get(article, "themes", ())
    return themes[0].slug if themes else None
