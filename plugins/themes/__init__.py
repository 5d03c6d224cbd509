"""Themes: a vocabulary of the blog's subjects, detected in posts, tagged and cross-linked."""

import logging

from pelican import signals
from pelican.contents import Article

from plugins import post_model
from plugins.build_speed.memo import memo_for
from plugins.build_speed.pool import Stream, splitting

from . import batch
from .crosslinks import PLACEHOLDER, add_crosslinks, as_pelican_links
from .decision import PostInput, decide, post_input, tags_for_import, theme_options
from .detect import Match, ThemeEvidence, compile_all_patterns, detect_themes, selected_themes
from .report import detection_line, detection_message
from .settings import SETTINGS, ThemesSettingsError, check_settings
from .tagging import PostThemes, html_text, markdown_text, themes_for_post
from .vocabulary import (
    DEFAULT_TOPIC_URL,
    Theme,
    Vocabulary,
    VocabularyError,
    load_vocabulary,
    parse_vocabulary,
)

__all__ = [
    "SETTINGS",
    "Match",
    "PostInput",
    "PostThemes",
    "Theme",
    "ThemeEvidence",
    "ThemesSettingsError",
    "Vocabulary",
    "VocabularyError",
    "add_crosslinks",
    "decide",
    "detect_themes",
    "html_text",
    "load_vocabulary",
    "markdown_text",
    "parse_vocabulary",
    "register",
    "selected_themes",
    "tags_for_import",
    "theme_options",
    "themes_for_post",
]

logger = logging.getLogger(__name__)


def _source(article):
    return getattr(article, "relative_source_path", None) or article.source_path


def _all_articles(generator):
    return [
        *generator.articles,
        *generator.translations,
        *generator.hidden_articles,
        *generator.hidden_translations,
        *generator.drafts,
        *generator.drafts_translations,
    ]


def check_at_start(pelican):
    """Check THEMES_* settings and the vocabulary before any content is read."""
    _Streamed.close()  # one an earlier build in this process left
    try:
        check_settings(pelican.settings)
        load_vocabulary(pelican.settings["THEMES_VOCABULARY"])
    except (ThemesSettingsError, VocabularyError) as error:
        logger.critical("themes: %s", error)
        raise


def _report_exclusions(article, decision):
    path = _source(article)
    for slug in decision.unknown_excluded:
        logger.warning(
            "themes: %s: themes_exclude names '%s', which is not a theme; use a slug "
            "from the vocabulary (e.g. blame-culture)",
            path,
            slug,
        )


def _answer_here(job, vocabulary, options, crosslink_class, settings):
    """batch.answer in this process; a long post's detection split over the build's pool."""
    with splitting(settings):
        return batch.answer(job, vocabulary, options, crosslink_class)


def _setup(settings):
    """(vocabulary with its topic URLs, detector options, cross-link class or None) of a build."""
    # Every theme's url follows TOPIC_URL (the topics plugin's setting), for links and lists.
    url_format = settings.get("TOPIC_URL", DEFAULT_TOPIC_URL)
    vocabulary = load_vocabulary(settings["THEMES_VOCABULARY"]).with_topic_url(url_format)
    crosslink_class = settings["THEMES_CROSSLINK_CLASS"] if settings["THEMES_CROSSLINKS"] else None
    return vocabulary, theme_options(settings), crosslink_class


class _Streamed:
    """The posts' theme decisions worked out as Pelican reads the posts (a Stream), with the
    key of the build's vocabulary and options they were made with. Armed (with the build's
    settings) only while a build's articles generator reads its posts."""

    armed = None
    stream = None
    build = None
    memo = None  # the answers kept by the last build (ThemesAnswers), read once

    @classmethod
    def take(cls, build):
        """({job: packed answer} of the posts the stream worked out for BUILD, the memo of
        kept answers if it was read); the stream is done with."""
        stream, made_for, memo = cls.stream, cls.build, cls.memo
        cls.armed = cls.stream = cls.build = cls.memo = None
        if stream is None:
            return {}, memo
        if made_for != build:
            stream.close()
            return {}, None
        # By the job itself (its text's hash is the string's own, kept): a post's answer is
        # used only if its inputs are still exactly these.
        results = stream.results() or ()
        streamed = {
            job: result
            for job, result in zip(stream.items, results, strict=False)
            if result is not None
        }
        return streamed, memo

    @classmethod
    def close(cls):
        if cls.stream is not None:
            cls.stream.close()
        cls.armed = cls.stream = cls.build = cls.memo = None


def arm_stream(generator):
    """Let the posts this articles generator reads be decided as they are read."""
    _Streamed.close()
    _Streamed.armed = generator.settings


def stream_post(instance):
    """Put each post, as the build's articles generator reads it, to the stream of decisions."""
    # Speed (bench/): Pelican reads the posts on one core; the decisions of the posts read so
    # far are worked out on the other meanwhile (build_speed.pool.Stream), not after them all.
    settings = _Streamed.armed
    if settings is None or not isinstance(instance, Article):
        return
    try:
        if _Streamed.stream is None:
            vocabulary, options, crosslink_class = _setup(settings)
            _Streamed.build = batch.build_key(vocabulary, options, crosslink_class)
            _Streamed.memo = memo_for(settings, "ThemesAnswers")
            work = batch.worker(vocabulary, options, crosslink_class)
            _Streamed.stream = Stream(
                settings, work, batch.POOL_MIN, lambda: compile_all_patterns(vocabulary)
            )
        # The tags as read; assign_themes uses an answer only if its post is still this job.
        job = post_input(instance)
        # A post whose answer the last build kept (make html, the devserver) needs no work.
        kept = _Streamed.memo.kept
        if not (kept and batch.job_key(job, _Streamed.build) in kept):
            _Streamed.stream.put(job)
    except Exception as error:  # only speed: assign_themes works every post out as before
        logger.debug("themes: no decisions as the posts are read (%s)", error)
        _Streamed.close()


def assign_themes(generator):
    """Give every article its themes, and let tags that name a theme join it."""
    # article_generator_pretaxonomy: all content is read, and Pelican has not yet built
    # its tag lists, so tags that name a theme can leave article.tags before tag pages
    # are made; article.themes is ready for everything connected to ..._finalized.
    settings = generator.settings
    vocabulary, options, crosslink_class = _setup(settings)
    generator.context["theme_vocabulary"] = vocabulary
    level = logging.getLevelName(str(settings["THEMES_REPORT_LEVEL"]).upper())
    build = batch.build_key(vocabulary, options, crosslink_class)
    streamed, memo = _Streamed.take(build)
    articles = _all_articles(generator)
    jobs, keys = [], []
    for article in articles:
        # The author's tags as read (Pelican's content cache keeps what the reader returned,
        # never a post as plugins left it: build_speed refuses its "generator" layer).
        model = post_model.of(article)
        model.original_tags = list(getattr(article, "tags", None) or ())
        job = post_input(article, tags=model.original_tags)
        jobs.append(job)
        keys.append(batch.job_key(job, build))
    # An answer kept from an earlier build (the build memo: content cache on) is reused when
    # every input is the same; the rest are worked out, in the build's pool when there are many.
    memo = memo or memo_for(settings, "ThemesAnswers")
    answers = [memo.find(key) for key in keys]
    todo = [i for i, known in enumerate(answers) if known is None]
    left = [i for i in todo if jobs[i] not in streamed]
    # Packed as they come from the pool and the stream, and as the memo keeps them.
    pooled = batch.answer_all(
        [jobs[i] for i in left], vocabulary, options, crosslink_class, settings
    )
    fresh = dict(zip(left, pooled, strict=True))
    del pooled
    for index in todo:
        if index not in fresh:
            fresh[index] = streamed[jobs[index]]
    del streamed
    reports, remembered = [], 0
    for index, article in enumerate(articles):
        # Each post's answer (its evidence, its linked HTML) is let go once used, so that a big
        # site never holds every post's whole answer at once (memory at 10,000 posts).
        worked_out = index in fresh
        decision = None
        if worked_out:
            result = fresh.pop(index)
            if result is None:
                decision, linked = _answer_here(
                    jobs[index], vocabulary, options, crosslink_class, settings
                )
                result = batch.packed(decision), linked
            answers[index] = batch.Answer(keys[index], *result)
            memo.keep(keys[index], answers[index])
        answer, answers[index], jobs[index] = answers[index], None, None
        if decision is None:
            decision = batch.unpack(answer.decision, vocabulary)
        # Only the links stay on the article (for link_themes); the whole answer, with the
        # evidence of every theme mentioned, would cost memory for every post of a big site.
        model = post_model.of(article)
        model.themes_linked = answer.linked
        tags = list(model.original_tags)
        model.themes = list(decision.themes)
        model.theme_evidence = {t.slug: decision.evidence_for(t.slug) for t in decision.themes}
        model.theme_source = decision.source
        if tags:
            model.theme_tags = [t for t in tags if vocabulary.lookup(t.name)]
            article.tags = [t for t in tags if not vocabulary.lookup(t.name)]
        _report_exclusions(article, decision)
        # Said in full for posts worked out in this build (new or edited since the last one);
        # posts whose remembered answer was reused are only counted, so a rebuild's log
        # shows what changed instead of repeating every untagged post each time.
        if worked_out:
            reports.append(detection_line(_source(article), decision))
        elif decision.source == "detected":
            remembered += 1
    message = detection_message(reports, remembered)
    if message:
        logger.log(level, message)  # no arguments: a % in a path is not taken for a format
    memo.save()


def link_themes(generator):
    """Link the first mention of each of an article's themes to its topic page."""
    # article_generator_finalized: themes are set and no page has been written yet, so
    # every page, index and feed that shows the content gets the links.
    settings = generator.settings
    if not settings["THEMES_CROSSLINKS"]:
        return
    vocabulary = generator.context.get("theme_vocabulary") or load_vocabulary(
        settings["THEMES_VOCABULARY"]
    ).with_topic_url(settings.get("TOPIC_URL", DEFAULT_TOPIC_URL))
    # Topic links are Pelican's own {filename} links to an entry per theme in the context's
    # generated_content: Pelican resolves them for each page written (relative from the post's
    # own page, absolute in feeds), with the theme's url (TOPIC_URL).
    generated = generator.context.setdefault("generated_content", {})
    for theme in vocabulary:
        generated[PLACEHOLDER + theme.slug] = theme
    for article in _all_articles(generator):
        model = post_model.of(article)
        themes = model.themes
        if not themes:
            model.theme_links = ()
            continue
        # The text as read (Pelican's content cache keeps posts as read: build_speed).
        original = article._content
        # The links worked out with the themes (batch.py) when nothing has changed since.
        linked = batch.links_for(model.themes_linked, original, themes)
        model.themes_linked = None  # read here only: not kept for the rest of the build
        if linked is None:
            linked = add_crosslinks(
                original, themes, vocabulary, css_class=settings["THEMES_CROSSLINK_CLASS"]
            )
        html, model.theme_links = linked
        article._content = as_pelican_links(html)


def register():
    # initialized: settings are final and nothing is read yet, the place to fail early.
    signals.initialized.connect(check_at_start)
    # article_generator_init: a build's articles generator is about to read the posts;
    # content_object_init: one is read (safe_html, registered before, has cleaned it).
    signals.article_generator_init.connect(arm_stream)
    signals.content_object_init.connect(stream_post)
    signals.article_generator_pretaxonomy.connect(assign_themes)
    signals.article_generator_finalized.connect(link_themes)
