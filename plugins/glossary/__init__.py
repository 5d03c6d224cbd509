"""Glossary, dated links to the law, 'since this was written' notes and a CPD page per post."""

import logging
from dataclasses import dataclass
from pathlib import Path

from pelican import signals
from pelican.contents import Article
from pelican.generators import Generator

from plugins import post_model
from plugins.build_speed.memo import memo_for
from plugins.build_speed.pool import answer_of, in_background, posts_worth, shared_map, worth_a_pool

from .annotate import (
    GLOSSARY_PLACEHOLDER,
    LawRef,
    act_urls,
    anchor,
    annotate_html,
    as_pelican_links,
    law_matcher,
    link_law,
    mark_first_uses,
    scan_ahead,
    section_urls,
    term_matcher,
    terms_used,
)
from .settings import SETTINGS, TABLE, GlossarySettingsError, check_settings, site_owned_paths
from .since import Note, since_notes
from .tables import (
    Glossary,
    LawTable,
    TableError,
    Term,
    load_glossary,
    load_law,
    parse_glossary,
    parse_law,
)

__all__ = [
    "SETTINGS",
    "TABLE",
    "Glossary",
    "GlossarySettingsError",
    "LawRef",
    "LawTable",
    "Note",
    "TableError",
    "Term",
    "act_urls",
    "anchor",
    "annotate_article",
    "law_matcher",
    "link_law",
    "load_glossary",
    "load_law",
    "mark_first_uses",
    "parse_glossary",
    "parse_law",
    "register",
    "section_urls",
    "since_notes",
    "term_matcher",
    "terms_used",
]

logger = logging.getLogger(__name__)

# The fewest posts to mark for which sharing the work with a forked process paid (issue 15,
# a cold build of 1,000 posts; BUILD_POOL_MIN overrides it).
POOL_MIN = 100
# The fewest posts' worth of text (pool.posts_worth: 1 MB) in one article for which its law
# references and terms are searched for ahead (scan_ahead), in a forked process while the
# build finds the themes (bench/size.py: a 10 MB post's marks took 0.75 s, then 0.32 s).
AHEAD_MIN = 200
# How much lower the scan's priority is than the build's: it takes what the themes leave.
AHEAD_NICENESS = 10
_UNKNOWN = object()


class _Ahead:
    """This build's scans of long articles (scan_long_article), and the tables they use."""

    tables = None  # (glossary, law, (term matcher, law matcher)), loaded at the first scan
    running = {}  # {article's source path: Background working out its Scanned}

    @classmethod
    def reset(cls):
        # A Background let go ends its process (the devserver's build that stopped early).
        cls.tables, cls.running = None, {}

    @classmethod
    def take(cls, article, glossary, law):
        """ARTICLE's Scanned, waited for, if it was made with GLOSSARY and LAW; else None."""
        running = cls.running.pop(article.source_path, None)
        if running is None or not cls.made_with(glossary, law):
            return None
        return answer_of(running, lambda: None)

    @classmethod
    def made_with(cls, glossary, law):
        """True when the scans used GLOSSARY and LAW (the same objects: load_* give the same
        for the same text)."""
        return cls.tables is not None and cls.tables[0] is glossary and cls.tables[1] is law


@dataclass(frozen=True)
class GlossaryPage:
    """The glossary page as Pelican's links see it: {filename}/{glossary} goes to its url."""

    url: str


def check_at_start(pelican):
    """Check the settings, the glossary and the law table before any content is read."""
    _Ahead.reset()
    settings = pelican.settings
    try:
        check_settings(settings)
        load_glossary(settings["GLOSSARY_FILE"])
        load_law(settings["GLOSSARY_LAW_FILE"])
    except (GlossarySettingsError, TableError) as error:
        logger.critical("glossary: %s", error)
        raise
    # safe_paths refuses any post or page that would take one of these.
    owned = list(settings.get("SITE_OWNED_PATHS") or ())
    settings["SITE_OWNED_PATHS"] = list(dict.fromkeys([*owned, *site_owned_paths(settings)]))


def _all_articles(generator):
    return [
        *generator.articles,
        *generator.translations,
        *generator.hidden_articles,
        *generator.hidden_translations,
        *generator.drafts,
        *generator.drafts_translations,
    ]


def scan_long_article(instance):
    """Start the searches annotate_articles makes in a long article, beside the build."""
    # content_object_init: the article is read (and cleaned: safe_html comes first); its
    # themes, then their links, are worked out next, in this process, for seconds.
    settings = instance.settings
    if not isinstance(instance, Article) or getattr(instance, "date", None) is None:
        return
    html, count = instance._content, posts_worth([instance._content])
    if not worth_a_pool(settings, count, AHEAD_MIN):
        return
    if _Ahead.tables is None:
        glossary = load_glossary(settings["GLOSSARY_FILE"])
        law = load_law(settings["GLOSSARY_LAW_FILE"])
        _Ahead.tables = (glossary, law, (term_matcher(glossary), law_matcher(law)))
    _, law, (term_re, law_re) = _Ahead.tables
    day, law_links = instance.date.date(), settings["GLOSSARY_LAW_LINKS"]
    running = in_background(
        settings,
        lambda: scan_ahead(html, law, day, term_re, law_re, law_links),
        count,
        AHEAD_MIN,
        niceness=AHEAD_NICENESS,
    )
    if running is not None:
        _Ahead.running[instance.source_path] = running


def annotate_article(html, day, glossary, law, settings, matchers=None, scanned=None):
    """(HTML with law links and first uses marked, term slugs used, LawRefs, notes) for a post;
    SCANNED is scan_ahead's of the post before later links went in, when it was made."""
    term_re, law_re = matchers or (term_matcher(glossary), law_matcher(law))
    html, refs, used = annotate_html(
        html,
        law,
        day,
        term_re,
        law_re,
        law_links=settings["GLOSSARY_LAW_LINKS"],
        terms=settings["GLOSSARY_TERMS"],
        css_class=settings["GLOSSARY_TERM_CLASS"],
        scanned=scanned,
    )
    notes = ()
    if settings["GLOSSARY_SINCE_NOTES"]:
        notes = tuple(since_notes(day, used, refs, glossary, settings["GLOSSARY_URL"]))
    return html, used, refs, notes


def annotate_articles(generator):
    """Link the law, mark glossary terms and work out 'since' notes in every article."""
    # article_generator_finalized, after the themes plugin's cross-links (PLUGINS order):
    # their links are in place, so no term is marked inside a topic link.
    settings = generator.settings
    glossary = load_glossary(settings["GLOSSARY_FILE"])
    law = load_law(settings["GLOSSARY_LAW_FILE"])
    generator.context["glossary"] = glossary
    # Term links are Pelican's own {filename} links to this entry: Pelican resolves them for
    # each page written (relative from the post's page, absolute in feeds), to GLOSSARY_URL.
    generated = generator.context.setdefault("generated_content", {})
    generated[GLOSSARY_PLACEHOLDER] = GlossaryPage(settings["GLOSSARY_URL"])
    matchers = (term_matcher(glossary), law_matcher(law))
    memo = memo_for(settings, "Glossary")
    tables = None
    if memo.enabled:  # once per build: the posts' keys then hash only their own text
        tables = memo.key(
            Path(settings["GLOSSARY_FILE"]).read_text(encoding="utf-8"),
            Path(settings["GLOSSARY_LAW_FILE"]).read_text(encoding="utf-8"),
            *(settings[key] for key in sorted(SETTINGS)),
        )
    posts = []
    for article in _all_articles(generator):
        model = post_model.of(article)
        model.cpd_url = None
        # Work from the text as it came to this plugin, so it is never marked twice.
        if model.glossary_output == article._content:
            source = model.glossary_input
        else:
            source = article._content
        day = article.date.date()
        posts.append((article, model, source, day, memo.key(tables, source, day.isoformat())))
    # Last build's answer while the post, its date, both tables and the settings are the
    # same (the build memo; `make html` and the devserver only); the others worked out here.
    answers = [memo.find(key, _UNKNOWN) for _, _, _, _, key in posts]
    todo = [
        (source, day, _Ahead.take(article, glossary, law))
        for (article, _, source, day, _), found in zip(posts, answers, strict=True)
        if found is _UNKNOWN
    ]
    _Ahead.reset()  # the scans of posts the memo answered are not needed

    def work(job):
        source, day, scanned = job
        return annotate_article(source, day, glossary, law, settings, matchers, scanned)

    # Speed (issue 15): the build's process did this alone, the other core idle, after the
    # themes' pool; each post's marks are a function of its own text and date only.
    worked = shared_map(settings, work, todo, POOL_MIN)
    worked = iter(worked) if worked is not None else (work(pair) for pair in todo)
    for (article, model, source, _, key), found in zip(posts, answers, strict=True):
        if found is _UNKNOWN:
            found = next(worked)
            memo.keep(key, found)
        html, used, refs, notes = found
        html = as_pelican_links(html)
        model.glossary_input, model.glossary_output = source, html
        article._content = html
        model.glossary_terms = [glossary[slug] for slug in used]
        model.law_refs = list(refs)
        model.since_written = list(notes)
        published = getattr(article, "status", "published") == "published"
        if published and article.save_as and settings["CPD_SAVE_AS"]:
            model.cpd_url = settings["CPD_URL"].format(slug=article.slug)
    memo.save()


class GlossaryGenerator(Generator):
    """Writes /glossary/ (every term, with the posts that use it) and a CPD page per post."""

    def generate_context(self):
        glossary = self.context.get("glossary") or load_glossary(self.settings["GLOSSARY_FILE"])
        articles = list(self.context.get("articles", ()))
        uses = {term.slug: [] for term in glossary}
        for article in sorted(articles, key=lambda a: a.date):
            for term in post_model.get(article, "glossary_terms", ()):
                uses[term.slug].append(article)
        self.entries = [(term, uses[term.slug]) for term in glossary]
        self.entries.sort(key=lambda entry: entry[0].term.casefold())
        self.glossary = glossary
        self.context["glossary_url"] = self.settings["GLOSSARY_URL"]

    def generate_output(self, writer):
        relative = self.settings["RELATIVE_URLS"]
        writer.write_file(
            self.settings["GLOSSARY_SAVE_AS"],
            self.get_template("glossary"),
            self.context,
            relative_urls=relative,
            template_name="glossary",
            url=self.settings["GLOSSARY_URL"],
            glossary=self.glossary,
            glossary_entries=self.entries,
            anchor=anchor,
        )
        template = self.get_template("cpd")
        for article in self.context.get("articles", ()):
            cpd_url = post_model.get(article, "cpd_url")
            if not cpd_url:
                continue
            writer.write_file(
                self.settings["CPD_SAVE_AS"].format(slug=article.slug),
                template,
                self.context,
                relative_urls=relative,
                template_name="cpd",
                url=cpd_url,
                article=article,
                anchor=anchor,
            )


def get_generators(pelican):
    return GlossaryGenerator


def register():
    # initialized: settings are final and nothing is read yet, the place to fail early.
    signals.initialized.connect(check_at_start)
    # content_object_init: an article is read; a long one's searches start beside the build.
    signals.content_object_init.connect(scan_long_article)
    signals.article_generator_finalized.connect(annotate_articles)
    signals.get_generators.connect(get_generators)
