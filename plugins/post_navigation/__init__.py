"""Each published post's neighbours in date order, for its "Previous post / Next post" links."""

from pelican import signals

from plugins import post_model

__all__ = ["neighbours", "register", "set_neighbours"]


def neighbours(articles):
    """[(older, newer)] for ARTICLES sorted newest first; None where there is no such post."""
    last = len(articles) - 1
    return [
        (articles[i + 1] if i < last else None, articles[i - 1] if i > 0 else None)
        for i in range(len(articles))
    ]


def set_neighbours(generator):
    """Give every published article blog.older_post and blog.newer_post (None at either end)."""
    # article_generator_finalized: the published articles are read and sorted newest first,
    # as listings show them; drafts and hidden posts are not in that list and get no links.
    # Worked out once here, not by searching the list on every page written (N x N).
    for article, (older, newer) in zip(
        generator.articles, neighbours(generator.articles), strict=True
    ):
        model = post_model.of(article)
        model.older_post, model.newer_post = older, newer


def register():
    signals.article_generator_finalized.connect(set_neighbours)
