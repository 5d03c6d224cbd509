"""Decide a post's themes from its tags, its text and the author's exclusions."""

from dataclasses import dataclass

from plugins.yaml_metadata.engine import markdown_engine

from .detect import detect_themes
from .markup import read_html


@dataclass(frozen=True)
class PostThemes:
    """A post's themes (strongest first) and how they were decided."""

    themes: tuple
    evidence: tuple  # ThemeEvidence for every theme with any match, strongest first
    source: str  # "tags" when the author's tags name themes, else "detected"
    excluded: tuple = ()  # slugs removed by themes_exclude
    unknown_excluded: tuple = ()  # themes_exclude entries that name no theme
    theme_tags: tuple = ()  # the tags that named a theme
    plain_tags: tuple = ()  # the tags that did not

    def evidence_for(self, slug):
        """The ThemeEvidence for SLUG, or None when the text never mentions it."""
        return next((e for e in self.evidence if e.theme.slug == slug), None)


def html_text(html):
    """Plain text of HTML with a blank line after each block, so sentences stay apart."""
    return read_html(html).text


def markdown_text(body):
    """Plain text of a Markdown body, as readers see it (for the labelled test sets only:
    commands read a post's HTML as the build does, decision.py)."""
    return html_text(markdown_engine().convert(body or ""))


def _tag_name(tag):
    return getattr(tag, "name", tag)


def split_tags(tags, vocabulary):
    """Return (themes the tags name, in tag order; tags naming a theme; plain tags)."""
    themes, theme_tags, plain = [], [], []
    for tag in tags or ():
        name = str(_tag_name(tag))
        theme = vocabulary.lookup(name)
        if theme is None:
            plain.append(name)
            continue
        theme_tags.append(name)
        if theme not in themes:
            themes.append(theme)
    return themes, theme_tags, plain


def themes_for_post(title, text, tags, vocabulary, exclude=(), **options):
    """A post's themes: the ones its tags name, else the detected ones; never an excluded one.

    The author's tags win: when any tag names a theme, the tags are the whole answer (the
    importer already wrote the detected themes into the tags, and an author who removed one
    meant it). A post whose tags name no theme gets the detector's choice.
    """
    evidence = tuple(detect_themes(text, vocabulary, title=title, **options))
    tag_themes, theme_tags, plain = split_tags(tags, vocabulary)
    excluded = {str(slug).strip() for slug in exclude or ()}
    unknown = tuple(sorted(slug for slug in excluded if slug not in vocabulary))
    if tag_themes:
        source = "tags"
        rank = {e.theme.slug: n for n, e in enumerate(evidence)}
        # Strongest first: themes the text supports by score, then the rest in tag order.
        order = sorted(range(len(tag_themes)), key=lambda i: (rank.get(tag_themes[i].slug, 1e9), i))
        candidates = [tag_themes[i] for i in order]
    else:
        source = "detected"
        candidates = [e.theme for e in evidence if e.selected]
    themes = tuple(t for t in candidates if t.slug not in excluded)
    removed = tuple(t.slug for t in candidates if t.slug in excluded)
    return PostThemes(
        themes=themes,
        evidence=evidence,
        source=source,
        excluded=removed,
        unknown_excluded=unknown,
        theme_tags=tuple(theme_tags),
        plain_tags=tuple(plain),
    )
