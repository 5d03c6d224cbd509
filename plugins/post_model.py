"""The post model: everything our plugins add to a Pelican article, declared in one place.

Pelican's Article carries what the author wrote (title, date, tags, content ...). What our
plugins work out about a post lives in ONE object beside it, `article.blog`, a PostModel:
templates read `article.blog.reading_time`, `article.blog.related` and so on, and no plugin
hangs anything else on the article. Each field says which plugin fills it and at which
signal, in the order Pelican sends them (README.md, "What the plugins add to a post"):

  content_object_init             safe_html cleans Pelican's _content (no field here)
  article_generator_pretaxonomy   reading_time, themes, drafts (the posts as written)
  article_generator_finalized     themes, glossary, post_navigation, imported_comments
                                  (PLUGINS order)
  get_generators / generate_context  topics (theme_neighbours)
  all_generators_finalized        related_posts
  get_writer                      reading_time, when a forked process worked it out
  build_speed's pages_writing     related_posts, when a forked process worked them out
                                  (get_writer without build_speed); build_speed/pool.py

Pelican's own fields that our plugins change are not here, as they are Pelican's (see
PELICAN_FIELDS_WRITTEN). The slots make the declaration binding: setting a field that is
not declared below raises AttributeError, so a new one must be added here, with its owner.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = [
    "ATTRIBUTE",
    "OWNERS",
    "PELICAN_FIELDS_WRITTEN",
    "PostModel",
    "PostModelError",
    "get",
    "of",
]

# The one attribute our plugins set on a Pelican article.
ATTRIBUTE = "blog"

# Pelican's own fields that our plugins rewrite, and why (tests/model/test_post_model.py).
PELICAN_FIELDS_WRITTEN = {
    "_content": "safe_html (cleaning), themes (topic links), glossary (term and law links)",
    "_summary": "safe_html (cleaning)",
    "tags": "themes: tags that name a theme leave the tag list (they join the theme)",
    "override_url": "build_speed: the URL frozen once per build (Pelican's own override)",
    "override_save_as": "build_speed: the output file frozen once per build, as override_url",
    "get_summary": "build_speed: the summary cut from the body once per build (summary.py)",
}


@dataclass(slots=True, eq=False)
class PostModel:
    """What our plugins know about one post; filled by its owners, read by templates."""

    # --- themes, article_generator_pretaxonomy (assign_themes) ---
    # The post's themes (vocabulary Theme objects, strongest first); None until themes ran.
    themes: list | None = None
    # slug -> ThemeEvidence: why each theme was given (the devserver's report shows it).
    theme_evidence: dict = field(default_factory=dict)
    # How the themes were decided: "tags" (the author's tags name them) or "detected".
    theme_source: str | None = None
    # The author's tags that name a theme (they left Pelican's tags for the theme).
    theme_tags: list = field(default_factory=list)
    # The author's tags as read, before any moved to theme_tags (Pelican's content cache keeps
    # what the reader returned, never a post as plugins left it: build_speed).
    original_tags: list | None = None
    # The topic links worked out with the themes (themes/batch.py), reused by link_themes,
    # which lets them go (None) once used: a copy of the HTML is not kept for every post.
    themes_linked: tuple | None = None

    # --- themes, article_generator_finalized (link_themes) ---
    # The themes whose first mention the body links to its topic page.
    theme_links: tuple = ()

    # --- drafts, article_generator_pretaxonomy (mark_scheduled) ---
    # Dated in the future: the local preview labels it "Scheduled".
    scheduled: bool = False

    # --- glossary, article_generator_finalized (annotate_articles), after themes ---
    # Glossary Terms the post uses (the glossary page lists the posts per term).
    glossary_terms: list = field(default_factory=list)
    # LawRefs: the Acts and sections the body links to, as they stood on the post's date.
    law_refs: list = field(default_factory=list)
    # "Since this was written" Notes: what changed after the post's date.
    since_written: list = field(default_factory=list)
    # The address of the post's CPD page (CPD_URL), or None (drafts, hidden, CPD off).
    cpd_url: str | None = None
    # The body as it came to the glossary and as the glossary left it, so that a post
    # finalized twice (devserver) is never marked twice.
    glossary_input: str | None = None
    glossary_output: str | None = None

    # --- reading_time, article_generator_pretaxonomy (or get_writer: in_background) ---
    # Minutes to read the post as written, at least 1 (READING_TIME_WORDS_PER_MINUTE); None
    # if not worked out. The topic links and law notes the build adds later are not counted.
    reading_time: int | None = None
    # The words of the post as written, as striptags|wordcount counts them, for the article
    # page's JSON-LD; None if not worked out (the template counts them then).
    word_count: int | None = None

    # --- post_navigation, article_generator_finalized (published posts only) ---
    # The published post just before and just after this one in date order, or None.
    older_post: object | None = None
    newer_post: object | None = None

    # --- imported_comments, article_generator_finalized ---
    # Readers' comments from the old blog (slug.comments.yaml beside the post), read-only.
    imported_comments: list = field(default_factory=list)

    # --- topics, TopicsGenerator.generate_context (after article_generator_finalized) ---
    # [(theme, previous post, next post)] within each of the post's themes.
    theme_neighbours: list = field(default_factory=list)

    # --- related_posts, all_generators_finalized (or pages_writing: in_background) ---
    # [(post, reason)]: the related posts, most related first, each with why ("Also about: ...").
    related: list = field(default_factory=list)


# Field -> the plugin that fills it; the test checks each is filled by this owner only.
OWNERS = {
    "themes": "themes",
    "theme_evidence": "themes",
    "theme_source": "themes",
    "theme_tags": "themes",
    "original_tags": "themes",
    "themes_linked": "themes",
    "theme_links": "themes",
    "scheduled": "drafts",
    "glossary_terms": "glossary",
    "law_refs": "glossary",
    "since_written": "glossary",
    "cpd_url": "glossary",
    "glossary_input": "glossary",
    "glossary_output": "glossary",
    "reading_time": "reading_time",
    "word_count": "reading_time",
    "older_post": "post_navigation",
    "newer_post": "post_navigation",
    "imported_comments": "imported_comments",
    "theme_neighbours": "topics",
    "related": "related_posts",
}


class PostModelError(ValueError):
    """The article already has a `blog` attribute that is not ours (front matter)."""


def of(article) -> PostModel:
    """The article's PostModel, made empty on first use."""
    model = getattr(article, ATTRIBUTE, None)
    if isinstance(model, PostModel):
        return model
    if model is not None:
        # Pelican turns every front matter field into an attribute of the same name.
        path = getattr(article, "source_path", "?")
        raise PostModelError(
            f"{path}: the front matter field '{ATTRIBUTE}' is reserved for the build. "
            f"Fix: rename or remove the '{ATTRIBUTE}:' line."
        )
    model = PostModel()
    setattr(article, ATTRIBUTE, model)
    return model


def get(article, name, default=None):
    """Field NAME of the article's PostModel, or DEFAULT when no plugin has filled it."""
    model = getattr(article, ATTRIBUTE, None)
    if not isinstance(model, PostModel):
        return default
    value = getattr(model, name)
    return default if value is None else value
