"""One theme decision: the function the build, `make check`, `make themes`, the importer and the
devserver all call, with a post's HTML as the build reads it and the options of the settings.

Every command that says which themes a post has asks `decide()`, so they can never disagree:
the same text extraction (markup.read_html), the same detector options (THEMES_* settings,
THEMES_DETECT included) and the same rule for tags and exclusions (tagging.themes_for_post).
"""

from __future__ import annotations

from dataclasses import dataclass

from plugins.collector import collector_paused

from .markup import read_html
from .settings import SETTINGS, detection_options
from .tagging import split_tags, themes_for_post


@dataclass(frozen=True)
class PostInput:
    """What a post's theme decision depends on: its HTML, title, tags and exclusions."""

    html: str
    title: str
    tags: tuple[str, ...]
    exclude: tuple[str, ...] = ()


def theme_options(settings):
    """The detector options for Pelican SETTINGS: THEMES_* values, defaults filled in.

    With THEMES_DETECT off no theme is detected (max_themes 0); tags still name themes.
    """
    options = detection_options(settings)
    if not settings.get("THEMES_DETECT", SETTINGS["THEMES_DETECT"]):
        options["max_themes"] = 0
    return options


def exclusions(metadata):
    """The slugs a post's themes_exclude lists (a list, or one comma-separated line)."""
    value = metadata.get("themes_exclude") or ()
    if isinstance(value, str):
        value = [part for part in value.split(",") if part.strip()]
    return tuple(str(slug).strip() for slug in value)


def post_input(content, html=None, tags=None):
    """The PostInput of a Pelican article as read (HTML and tags before any plugin moved them)."""
    if tags is None:
        tags = getattr(content, "tags", None) or ()
    return PostInput(
        html=content._content if html is None else html,
        title=str(getattr(content, "title", "")),
        tags=tuple(str(getattr(tag, "name", tag)) for tag in tags),
        exclude=exclusions(content.metadata),
    )


def decide(post, vocabulary, options, page=None):
    """The themes of POST (a PostInput) and the evidence: a tagging.PostThemes.

    PAGE is read_html(post.html) when the caller has it already (the build links the same
    parse), so the HTML is parsed once.
    """
    # The collector is paused while the post's tree is alive (plugins.collector.collector_paused).
    with collector_paused():
        if page is None:
            page = read_html(post.html)
        return themes_for_post(
            post.title,
            page.text,
            list(post.tags),
            vocabulary,
            exclude=list(post.exclude),
            **options,
        )


def tags_for_import(title, html, tags, vocabulary, exclude=(), **options):
    """The post's tags followed by the names of detected themes its tags lack (for `make import`).

    HTML is the post's body (plain text will do). Deterministic: the given tags in their order
    (duplicates dropped), then detected theme names strongest first. Themes in EXCLUDE (slugs)
    are never added.
    """
    result, seen = [], set()
    for tag in tags or ():
        name = str(getattr(tag, "name", tag)).strip()
        if name and name.lower() not in seen:
            seen.add(name.lower())
            result.append(name)
    have = {t.slug for t in split_tags(result, vocabulary)[0]}
    # Decided as for a post without theme tags: the importer adds what the text is about
    # beside the source's own labels; the build then reads them as the author's theme tags.
    detected = decide(
        PostInput(html=html or "", title=title, tags=(), exclude=tuple(exclude or ())),
        vocabulary,
        options,
    )
    for theme in detected.themes:
        if theme.slug not in have:
            result.append(theme.name)
            have.add(theme.slug)
    return result
