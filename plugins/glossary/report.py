"""'Since this was written' notes for `make check`, worked out without building the site."""

from __future__ import annotations

from .annotate import mark_first_uses
from .settings import check_settings
from .tables import load_glossary, load_law


def dated_posts(contents, settings):
    """[(content, notes)] for each article written before a change it relies on."""
    from . import annotate_article

    settings = check_settings(dict(settings))
    glossary = load_glossary(settings["GLOSSARY_FILE"])
    law = load_law(settings["GLOSSARY_LAW_FILE"])
    found = []
    for content in contents:
        date = getattr(content, "date", None)
        if date is None or not getattr(content, "_content", ""):
            continue
        _, _, _, notes = annotate_article(
            content._content, date, glossary, law, {**settings, "GLOSSARY_SINCE_NOTES": True}
        )
        if notes:
            found.append((content, notes))
    return found


__all__ = ["dated_posts", "mark_first_uses"]
